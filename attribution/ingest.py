"""Read articles: plain-text files and JSONL records, with metadata and boilerplate lines.

The text is kept exactly as read; every offset anywhere refers to it.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from attribution.errors import InputError

MAX_ARTICLE_BYTES = 2_000_000  # a news article is tens of KB; anything this large is not one
ARTICLE_SUFFIXES = (".txt", ".jsonl")

_DATA = Path(__file__).resolve().parent / "data"
_INGEST_WORDS = json.loads((_DATA / "ingest_words.json").read_text(encoding="utf-8"))
_NAME_PARTICLES = frozenset(_INGEST_WORDS["name_particles"])
_NAME_JOINERS = frozenset(_INGEST_WORDS["name_joiners"])
_NOT_NAMES = frozenset(_INGEST_WORDS["not_names"])
MAX_BYLINE_NAME_WORDS: int = _INGEST_WORDS["max_name_words"]
MAX_BYLINE_TITLE_WORDS: int = _INGEST_WORDS["max_title_words"]
MAX_BYLINE_CHARS = 120
_BYLINE = re.compile(r"^\s*(?:By|BY)\s+(?P<body>.+?)\s*$")
# Between the name and a title or outlet: "By Lee Bon-young, Washington correspondent", "By Ann Lee | BBC News".
_BYLINE_SEPARATOR = re.compile(r",|\s[|\u2013\u2014-]\s")
_STATEMENT_WORDS = json.loads((_DATA / "statements.json").read_text(encoding="utf-8"))
_VERBS = frozenset(_STATEMENT_WORDS["speech_cues"]) | frozenset(_STATEMENT_WORDS["auxiliary_cues"])
_DATE = re.compile(r"(?:Posted|Published|Updated)\s*(?:on)?\s*:?\s*(?P<date>\d{4}-\d{2}-\d{2})", re.IGNORECASE)
# Site furniture that must never be read as a claim.
_BOILERPLATE = re.compile(
    r"^\s*("
    + "|".join(
        [re.escape(line) for line in _INGEST_WORDS["boilerplate_lines"]]
        + [re.escape(opener) + r"\b.*" for opener in _INGEST_WORDS["boilerplate_openers"]]
        + [re.escape(prefix) + r".*" for prefix in _INGEST_WORDS["boilerplate_prefixes"]]
        + [re.escape(label) + r"\s*:.*" for label in _INGEST_WORDS["boilerplate_labels"]]
    )
    + r")\s*$",
    re.IGNORECASE,
)


@dataclass
class Article:
    """One article's text and what is known about it."""

    text: str
    document: str  # the path or record id as given
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    author: str | None = None
    published: str | None = None
    boilerplate: list[tuple[int, int]] = field(default_factory=list)  # line spans that stay context

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def _name_word(word: str) -> bool:
    bare = word.strip(".'\u2019")
    return bool(bare) and bare[0].isupper() and bare.lower() not in _NOT_NAMES and bare.lower() not in _VERBS


def byline_author(line: str) -> str | None:
    """The name of a byline line ("By Lee Bon-young, Washington correspondent"), else ``None``.

    A byline is short: "By", a name of a few capitalised words, and at most a short title with no verb.
    A sentence that opens with "By" ("By Tuesday evening, the minister said ...", "By March, prices had
    risen") is none: a lower-case or date word in the name, or a clause after the comma, says so.
    """
    match = _BYLINE.match(line)
    if match is None or len(line) >= MAX_BYLINE_CHARS:
        return None
    parts = _BYLINE_SEPARATOR.split(match.group("body"), maxsplit=1)
    name, title = parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""
    words = name.split()
    if not 1 <= len(words) <= MAX_BYLINE_NAME_WORDS or not _name_word(words[0]) or not _name_word(words[-1]):
        return None
    if not all(_name_word(w) or w.lower() in _NAME_PARTICLES or w.lower() in _NAME_JOINERS for w in words):
        return None
    title_words = [w.strip(".,;:'\"").lower() for w in title.split()]
    if len(title_words) > MAX_BYLINE_TITLE_WORDS or any(w in _VERBS for w in title_words):
        return None
    return name


def _first_line(text: str) -> str | None:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None


MAX_TITLE = 150


def repair(text: str) -> str:
    """Mojibake repaired by ftfy ("Â£35bn" -> "£35bn") and character references a scraper left for letters
    decoded by the standard library's ``html`` ("Jos&#233;" -> "José"); nothing else changes (quotes stay curly).

    Letters written as a base and a combining accent are composed first (NFC): mojibake written that way
    (PolNeAR's "SarukhÃƒÂ¡n" with each "Ã" an "A" and a combining tilde) is only mojibake ftfy knows once
    composed, and a name so written is the same name as its composed spelling.
    """
    if text.isascii() and "&" not in text:
        return text
    import ftfy

    fixed = ftfy.fix_encoding(unicodedata.normalize("NFC", text))
    # Only references that stand for a letter ("&#233;", "&eacute;"): "&lt;b&gt;" in a text about HTML stays as written.
    return _CHARACTER_REFERENCE.sub(_letter_reference, fixed) if "&" in fixed else fixed


_CHARACTER_REFERENCE = re.compile(r"&(?:#\d{2,6}|#[xX][0-9a-fA-F]{2,6}|[A-Za-z]{2,8});")


def _letter_reference(match: re.Match[str]) -> str:
    decoded = html.unescape(match.group(0))
    return decoded if len(decoded) == 1 and decoded.isalpha() else match.group(0)


def repair_with_offsets(text: str) -> tuple[str, list[int]]:
    """The repaired text and, for each of its positions (and its end), the position in ``text`` it comes from.

    Offsets everywhere index the input as given; a span found in the repaired text maps back through this.
    Repair never adds or removes a space or a line break (mojibake is made of bytes above 0x7F), so the two texts
    are aligned a word at a time: a long article with one stray "Â£" costs a few short alignments, not one of
    the whole text.
    """
    fixed = repair(text)
    if fixed == text:
        return text, list(range(len(text) + 1))
    given_words, fixed_words = _WORD_BREAK.split(text), _WORD_BREAK.split(fixed)
    if len(given_words) != len(fixed_words):
        given_words, fixed_words = [text], [fixed]
    origin: list[int] = []
    at = 0
    for given, repaired in zip(given_words, fixed_words):
        origin.extend(at + offset for offset in _aligned(given, repaired))
        at += len(given)
    origin.append(len(text))
    return fixed, origin


_WORD_BREAK = re.compile(r"([ \n])")


def _aligned(given: str, fixed: str) -> list[int]:
    """For each character of ``fixed`` (``given`` repaired), the position in ``given`` it comes from.

    Mojibake is runs of non-ASCII characters between unchanged ASCII ones, so the runs are paired in order; a
    repaired character stands for as many mis-decoded ones as its UTF-8 bytes ("“" for the three of "â€œ"), or a
    multiple of that for mojibake made twice. Where the ASCII changed too (a character reference), difflib aligns.
    """
    if given == fixed:
        return list(range(len(given)))
    given_runs, fixed_runs = _NON_ASCII.split(given), _NON_ASCII.split(fixed)
    if len(given_runs) != len(fixed_runs) or given_runs[::2] != fixed_runs[::2]:
        return _aligned_by_difflib(given, fixed)
    origin: list[int] = []
    at = 0
    for index, (was, now) in enumerate(zip(given_runs, fixed_runs)):
        origin.extend(_run_origin(was, now, at) if index % 2 else range(at, at + len(now)))
        at += len(was)
    return origin


_NON_ASCII = re.compile(r"([^\x00-\x7f]+)")


def _run_origin(given: str, fixed: str, at: int) -> list[int]:
    """Where each character of the repaired run ``fixed`` starts in ``given`` (which starts at ``at``)."""
    if given == fixed:
        return list(range(at, at + len(given)))
    sizes = [len(character.encode("utf-8")) for character in fixed]
    if not sizes or len(given) % sum(sizes):
        return [at] * len(fixed)  # no whole number of bytes per character: the run starts where it starts
    layers = len(given) // sum(sizes)
    starts = [at]
    for size in sizes[:-1]:
        starts.append(starts[-1] + size * layers)
    return starts


def _aligned_by_difflib(given: str, fixed: str) -> list[int]:
    from difflib import SequenceMatcher

    origin = [0] * len(fixed)
    for tag, a0, _a1, b0, b1 in SequenceMatcher(None, given, fixed, autojunk=False).get_opcodes():
        for offset in range(b1 - b0):
            # Inside an equal block one to one; a repaired character stands for the whole mis-decoded run.
            origin[b0 + offset] = a0 + offset if tag == "equal" else a0
    return origin


def _headline(text: str) -> str | None:
    """The first line; a scraped text whose headline runs into the body is cut where the body starts."""
    from attribution.segment import glued_headline_end

    glued = glued_headline_end(text)
    if glued is not None:
        return text[:glued].strip()
    line = _first_line(text)
    if line is None or len(line) <= MAX_TITLE:
        return line
    from attribution.segment import split_sentences

    first = split_sentences(line)
    title = first[0].text_of(line) if first else line
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rsplit(" ", 1)[0] + "\u2026"


def article_from_text(text: str, document: str, **metadata: str | None) -> Article:
    """Recognise headline, byline, date and boilerplate lines of a plain-text article."""
    if not text.strip():
        raise InputError(f"{document}: empty article (no text)")
    known = {k: v for k, v in metadata.items() if v}
    article = Article(text=text, document=document, title=known.get("title"), url=known.get("url"), publisher=known.get("publisher"),
                      author=known.get("author"), published=known.get("published"))
    if article.title is None:
        article.title = _headline(text)
    for line in re.finditer(r"[^\n]+", text):
        content = line.group(0)
        author = byline_author(content)
        if author is not None or _BOILERPLATE.match(content):
            article.boilerplate.append((line.start(), line.end()))
        if author is not None and article.author is None:
            article.author = author
        date = _DATE.search(content)
        if date and article.published is None:
            article.published = date.group("date")
    return article


_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _utf16_encoding(raw: bytes) -> str | None:
    """``utf-16-le``/``-be`` for UTF-16 text: by its byte-order mark, or by the NUL halves of mostly-ASCII text."""
    for bom, encoding in _UTF16_BOMS:
        if raw.startswith(bom):
            return encoding
    sample = raw[:8192]
    if len(sample) < 16 or len(sample) % 2:
        return None
    for zero, encoding in ((1, "utf-16-le"), (0, "utf-16-be")):  # ASCII letters in UTF-16 have a NUL byte on one side
        if sample[zero::2].count(0) >= 0.9 * (len(sample) // 2) and sample[1 - zero :: 2].count(0) == 0:
            return encoding
    return None


def _decode(raw: bytes, name: str) -> str:
    """UTF-8 (a byte-order mark is dropped) or UTF-16; NUL bytes anywhere are refused, with where."""
    encoding = _utf16_encoding(raw)
    if encoding is not None:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: looks like UTF-16 but is not valid UTF-16 (byte {exc.start}); convert it with iconv -t UTF-8") from exc
        text = text.removeprefix("\ufeff")
        if "\x00" in text:
            raise InputError(f"{name}: binary file (NUL character at character {text.index(chr(0))}), not a text article")
        return text
    if b"\x00" in raw:
        raise InputError(f"{name}: binary file (NUL byte at byte {raw.index(0)}), not a text article")
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start}); convert it with iconv -t UTF-8") from exc


def _check_size(size: int, name: str) -> None:
    if size > MAX_ARTICLE_BYTES:
        raise InputError(
            f"{name}: {size / 1e6:.1f} MB is too large for one article (limit {MAX_ARTICLE_BYTES / 1e6:.0f} MB)"
        )


def _read_article_bytes(path: Path, document: str) -> bytes:
    """A regular file's bytes; a pipe, FIFO or ``<(command)`` is read as the stream it is (its size says 0)."""
    if path.is_file():
        size = path.stat().st_size
        _check_size(size, document)
        if size == 0:
            raise InputError(f"{document}: empty file")
        return path.read_bytes()
    with open(path, "rb") as handle:
        raw = handle.read(MAX_ARTICLE_BYTES + 1)
    _check_size(len(raw), document)
    if not raw:
        raise InputError(f"{document}: empty stream")
    return raw


def read_text_file(path: Path, document: str | None = None) -> Article:
    document = document or str(path)
    text = _decode(_read_article_bytes(path, document), document)
    return article_from_text(text, document)


def article_from_record(record: object, where: str) -> Article:
    """A JSONL record ``{"id", "title", "text", "url", "published", "publisher", "author"}``."""
    if not isinstance(record, dict):
        raise InputError(f"{where}: record is not a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: record has no string field 'text'")
    _check_size(len(text.encode("utf-8")), where)
    document = str(record.get("id") or where)
    metadata = {
        key: (str(record[key]) if record.get(key) is not None else None)
        for key in ("title", "url", "publisher", "author", "published")
    }
    return article_from_text(text, document, **metadata)


@dataclass
class ReadFailure:
    """An input that could not be read; reported, never fatal for the others."""

    input: str
    reason: str


def iter_jsonl(lines: Iterable[str], name: str, first: int = 1) -> Iterator[Article | ReadFailure]:
    """Articles of decoded JSONL lines; a bad line is a failure naming ``name:line``, the others go on."""
    for number, line in enumerate(lines, first):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        if "\x00" in line:
            yield ReadFailure(where, f"NUL character at column {line.index(chr(0)) + 1}")
            continue
        try:
            yield article_from_record(json.loads(line), where)
        except json.JSONDecodeError as exc:
            yield ReadFailure(where, f"malformed JSON ({exc.msg})")
        except InputError as exc:
            yield ReadFailure(where, str(exc).removeprefix(f"{where}: "))


def _byte_lines(handle: BinaryIO, name: str) -> Iterator[tuple[int, bytes | ReadFailure]]:
    """Numbered lines of a byte stream; a line longer than any article is skipped with a failure, unread."""
    number = 0
    while True:
        line = handle.readline(MAX_ARTICLE_BYTES * 2)
        if not line:
            return
        number += 1
        if not line.endswith(b"\n") and len(line) >= MAX_ARTICLE_BYTES * 2:
            while line and not line.endswith(b"\n"):  # the rest of this line
                line = handle.readline(MAX_ARTICLE_BYTES)
            yield number, ReadFailure(f"{name}:{number}", f"line longer than {MAX_ARTICLE_BYTES * 2 / 1e6:.0f} MB, not one article")
            continue
        yield number, line


def read_jsonl_stream(handle: BinaryIO, name: str) -> Iterator[Article | ReadFailure]:
    """JSONL read line by line from bytes: a line that is not UTF-8, holds a NUL or is not JSON fails alone.

    A UTF-16 stream (by its byte-order mark) is decoded whole and read the same way.
    """
    peek = getattr(handle, "peek", None)
    head = peek(4)[:4] if peek is not None else b""
    if any(head.startswith(bom) for bom, _ in _UTF16_BOMS):
        try:
            text = _decode(handle.read(), name)
        except InputError as exc:
            yield ReadFailure(name, str(exc).removeprefix(f"{name}: "))
            return
        yield from iter_jsonl(text.split("\n"), name)
        return
    seen_text = False
    for number, raw in _byte_lines(handle, name):
        if isinstance(raw, ReadFailure):
            seen_text = True
            yield raw
            continue
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if not raw.strip():
            continue
        seen_text = True
        where = f"{name}:{number}"
        if b"\x00" in raw:
            yield ReadFailure(where, f"NUL byte at column {raw.index(0) + 1}")
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield ReadFailure(where, f"not UTF-8 text (byte {exc.start + 1} of the line); convert the file with iconv -t UTF-8")
            continue
        yield from iter_jsonl([line], name, number)
    if not seen_text:
        yield ReadFailure(name, "empty file")


def read_jsonl_file(path: Path) -> Iterator[Article | ReadFailure]:
    name = str(path)
    try:
        with open(path, "rb") as handle:
            yield from read_jsonl_stream(handle, name)
    except OSError as exc:  # opening it, or reading it midway
        yield ReadFailure(name, exc.strerror or str(exc))


def expand_inputs(paths: list[str]) -> Iterator[Path | ReadFailure]:
    """Files as given; folders recursively (their .txt and .jsonl files)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in ARTICLE_SUFFIXES)
            if not files:
                yield ReadFailure(given, "directory holds no .txt or .jsonl articles")
            yield from files
        elif path.exists():
            yield path
        else:
            yield ReadFailure(given, "no such file or directory")


def _read_stream(path: Path) -> Iterator[Article | ReadFailure]:
    """A pipe, FIFO or ``<(command)``, read once as the stream it is: JSONL when named so or when it
    starts with ``{`` (``/dev/fd/63`` has no suffix), else one text article."""
    name = str(path)
    with open(path, "rb") as handle:
        start = handle.peek(64).lstrip(codecs.BOM_UTF8).lstrip()[:1]
        if path.suffix == ".jsonl" or (path.suffix != ".txt" and start == b"{"):
            yield from read_jsonl_stream(handle, name)
            return
        raw = handle.read(MAX_ARTICLE_BYTES + 1)
    try:
        _check_size(len(raw), name)
        if not raw.strip():
            raise InputError(f"{name}: empty stream")
        yield article_from_text(_decode(raw, name), name)
    except InputError as exc:
        yield ReadFailure(name, str(exc).removeprefix(f"{name}: "))


def read_inputs(paths: list[str]) -> Iterator[Article | ReadFailure]:
    """Every article of the given paths; unreadable ones come back as failures, in order."""
    for item in expand_inputs(paths):
        if isinstance(item, ReadFailure):
            yield item
        elif not item.is_file():
            try:
                yield from _read_stream(item)
            except OSError as exc:
                yield ReadFailure(str(item), exc.strerror or str(exc))
        elif item.suffix == ".jsonl":
            yield from read_jsonl_file(item)
        else:
            try:
                yield read_text_file(item)
            except InputError as exc:
                yield ReadFailure(str(item), str(exc).removeprefix(f"{item}: "))
            except OSError as exc:
                yield ReadFailure(str(item), exc.strerror or str(exc))
