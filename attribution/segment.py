"""Sentence segmentation that keeps character offsets into the original text.

Lines are hard boundaries (headlines, captions and bylines carry no final
punctuation); inside a line a sentence ends at ``.``, ``!`` or ``?`` (plus any
closing quote marks or brackets) followed by whitespace and an upper-case
letter, digit or opening quote -- unless the full stop belongs to an
abbreviation such as ``U.S.``, ``Sept.`` or ``Dr.``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"
_SEGMENT_WORDS = json.loads((_DATA / "segment_words.json").read_text(encoding="utf-8"))
# Titles, months and company suffixes that end in a full stop without ending a sentence.
ABBREVIATIONS = frozenset(_SEGMENT_WORDS["abbreviations"])

_ROLES = json.loads((_DATA / "roles.json").read_text(encoding="utf-8"))
_FIRST_NAMES = json.loads((_DATA / "first_names.json").read_text(encoding="utf-8"))
FIRST_NAMES = frozenset(_FIRST_NAMES["female"]) | frozenset(_FIRST_NAMES["male"]) | frozenset(_FIRST_NAMES["unisex"])
HEADLINE_OPENERS = frozenset(_ROLES["headline_openers"])
SENTENCE_STARTS = frozenset(_ROLES["sentence_starts"])
# After "U.S." or a capital letter these open a new sentence too ("the U.S. Her father said").
OPENERS_AFTER_ABBREVIATION = frozenset(_SEGMENT_WORDS["openers_after_abbreviation"])
LETTER_NOUNS = frozenset(_SEGMENT_WORDS["letter_nouns"])  # "Plan B.", "Vitamin C.": a letter that is no initial
_OPENING = "\"'\u201c\u2018([,"

_SENTENCE = re.compile(
    r""".+?(?:[.!?]+[\u201d"\u2019')\]]*(?=\s+[A-Z0-9\u201c"\u2018'(\[])|$)""",
)
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` of the original text."""

    start: int
    end: int

    def text_of(self, text: str) -> str:
        return text[self.start : self.end]


def _ends_with_abbreviation(segment: str, following: str) -> bool:
    """Whether ``segment`` ends in a full stop that does not end the sentence, given the ``following`` text.

    A title or month ("Dr.", "Sept.") never ends one. A capital letter is an initial ("John F. Kennedy") and a
    dotted acronym ("U.S.") goes on, unless the next word opens a sentence ("the U.S. Her father", "Plan B. The")
    or, for a letter, the word before it is one a letter completes ("Vitamin C. Officials").
    """
    match = _LAST_WORD.search(segment)
    if not match:
        return False
    word = match.group(1)
    if word.lower() in ABBREVIATIONS:
        return True
    letter, acronym = len(word) == 1, bool(_DOTTED_ACRONYM.fullmatch(word))
    alone = match.start() == 0 or segment[match.start() - 1].isspace() or segment[match.start() - 1] in "\"\u201c(["
    if not alone or (not letter and not acronym):
        return False  # "$375m.", "the 1960s.", "isn't.", "St Mary's.": a letter ending a word is no initial
    next_words = following.split(maxsplit=1)
    next_word = next_words[0].strip(_OPENING).lower() if next_words else ""
    if next_word in SENTENCE_STARTS or next_word in OPENERS_AFTER_ABBREVIATION:
        return False
    before = segment[: match.start()].split()
    return not (letter and before and before[-1].strip(_OPENING).lower() in LETTER_NOUNS)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


ROLE_WORDS = frozenset(_ROLES["role_words"])
_WORD = re.compile(r"\S+")
_FUNCTION_END = frozenset(_SEGMENT_WORDS["function_end"])
MAX_HEADLINE_WORDS = 12


def glued_headline_end(text: str) -> int | None:
    """Where a headline that runs straight into the first sentence ends (scraped pages: "Labour seeks to quell
    feud talk Labour's leadership put on ..."), or ``None``.

    The first sentence must start with a capitalised word after at least three headline words, either a
    word that opens sentences ("The", "Three", "Mr") or a run of capitalised words ("Chancellor Gordon
    Brown"); a text that opens like a sentence ("The", "He") is left alone.
    """
    line = re.match(r"[^\n]*", text)
    first_line = line.group(0) if line else ""
    words = list(_WORD.finditer(first_line[:400]))
    if len(words) < 20 or words[0].group(0).strip("'\"\u2018\u201c").lower() in SENTENCE_STARTS:
        return None  # a headline on a line of its own, or a text that opens like a sentence
    best: tuple[int, int] | None = None  # (score, word index)
    for k in range(3, min(MAX_HEADLINE_WORDS, len(words) - 3) + 1):
        word = words[k].group(0)
        bare = word.strip("'\"\u2018\u201c")
        previous = words[k - 1].group(0)
        if not bare[:1].isupper() or previous[-1:] in ".!?:," or previous.lower() in _FUNCTION_END:
            continue
        if re.search(r"[.!?][\"'\u2019\u201d)]*\s", first_line[: words[k].start()]):
            break  # a headline holds no full stop: this is already the text
        if previous.lower().strip("'\u2019") in ROLE_WORDS:
            continue  # "Port authority chief Maria Olsen said": a title before a name, one phrase
        if previous[:1].isupper() and previous[-1:] not in "'\"\u2019\u201d-":
            continue  # inside a capitalised run
        run = [bare]
        for after in words[k + 1 : k + 5]:
            if not after.group(0)[:1].isupper():
                break
            run.append(after.group(0).rstrip(",.'\u2019s"))
        headline_text = first_line[: words[k].start()]
        named_at = None  # "... over Glazer Rio Ferdinand has said": a name after the headline's last word
        if run[0].lower().strip(".") not in ROLE_WORDS | HEADLINE_OPENERS:
            named_at = next((j for j in range(1, len(run) - 1) if run[j].lower() in FIRST_NAMES), 1 if len(run) == 3 else None)
        if len(run) >= 3 and run[0] in run[1:]:  # "Straw Jack Straw": the headline ends with the first "Straw"
            k += 1
            score = 2
        elif named_at is not None and run[named_at + 1] in headline_text.split():
            # "Ferdinand casts doubt over Glazer Rio Ferdinand has said": the headline's last word, then the name
            # of the person the headline is about
            k += named_at
            score = 3
        elif previous[-1:] in "'\u2019\"\u201d" and headline_text.count(previous[-1]) % 2 == 0 and previous[-1] in headline_text[:-len(previous)]:
            score = 3  # "Fox 'too reliant on reality TV' The head of ...": the headline's quotation closes
        elif len(words) > k + 2 and words[k + 1].group(0).lower() in ROLE_WORDS and words[k + 2].group(0)[:1].isupper():
            score = 2  # "... on tax Tory leader Michael Howard has ...": a title, then the name
        elif bare.isupper() and 2 <= len(bare) <= 4 and any(
            w.group(0).lower() in headline_text.lower().split() and len(w.group(0)) > 3 for w in words[k + 1 : k + 4]
        ):
            score = 1  # "Tobacco giants hail court ruling US tobacco companies have ...": the subject again
        else:
            score = 2 if bare.lower() in HEADLINE_OPENERS or len(run) >= 2 else 0
            headline_words = {w.strip("'\"\u2018\u2019").lower().removesuffix("'s") for w in first_line[: words[k].start()].split()}
            if bare.lower().removesuffix("'s").removesuffix("\u2019s") in headline_words:
                score += 2  # the first sentence repeats the headline's subject ("Labour seeks ... Labour's leadership")
        if score and (best is None or score > best[0]):
            best = (score, k)
    if best is None:
        return None
    end = words[best[1]].start()
    headline = [w.group(0) for w in words[: best[1]] if w.group(0)[:1].isalpha()]
    if sum(w[:1].isupper() for w in headline) > 0.6 * len(headline):
        return None  # Title Case: a headline on a title line, not one glued to a sentence-case text
    if not re.search(r"[.!?]", first_line[end:]):
        return None  # a long title line with no sentence after it
    return end


def split_sentences(text: str) -> list[Span]:
    """Split ``text`` into sentence spans; every span indexes ``text`` itself."""
    spans: list[Span] = []
    headline_end = glued_headline_end(text)
    for line in re.finditer(r"[^\n]+", text):
        pieces: list[tuple[int, int]] = []
        for match in _SENTENCE.finditer(line.group(0)):
            start, end = _strip(text, line.start() + match.start(), line.start() + match.end())
            if end <= start:
                continue
            if pieces and _ends_with_abbreviation(text[pieces[-1][0] : pieces[-1][1]], text[start:end]):
                pieces[-1] = (pieces[-1][0], end)
            else:
                pieces.append((start, end))
        if headline_end is not None and line.start() == 0 and pieces and pieces[0][0] < headline_end < pieces[0][1]:
            head_start, head_end = _strip(text, pieces[0][0], headline_end)
            pieces[:1] = [(head_start, head_end), (headline_end, pieces[0][1])]
        spans.extend(Span(a, b) for a, b in pieces if any(ch.isalnum() for ch in text[a:b]))
    return spans
