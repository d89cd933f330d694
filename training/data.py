"""Readers that turn annotated corpora into the canonical labelled-sentence records.

A canonical record (one sentence, see ``schemas/labels.schema.json``)::

    {"id": str, "document": str, "start": int, "end": int, "text": str,
     "label": "claim" | "quote" | "context" | <new label>,
     "spans": [{"start": int, "end": int, "label": "SOURCE" | "CUE" | "CONTENT",
                "attribution": int}]}

``start``/``end`` of the record locate the sentence in its document; span
offsets are relative to the sentence ``text``.  ``attribution`` groups the
spans of one attribution relation.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from attribution.errors import InputError
from attribution.segment import split_sentences

OPEN_QUOTES = '"\u201c\u201e\u201f\u00ab'
CLOSE_QUOTES = '"\u201d\u00bb\u2033'
SPAN_ROLES = {"Source": "SOURCE", "Cue": "CUE", "Content": "CONTENT", "Content2": "CONTENT"}
# Characters trimmed from both ends of source and cue spans, as the reference scorer does.
TRIM_CHARS = " \t\n\r,.:;!?\u2014-'\"\u201c\u201d\u2018\u2019()[]"


@dataclass
class BratAttribution:
    source: list[tuple[int, int]] | None
    cue: list[tuple[int, int]] | None
    content: list[tuple[int, int]] = field(default_factory=list)
    is_direct_quote: bool = False


def read_brat(ann_path: Path) -> tuple[dict[str, tuple[str, list[tuple[int, int]]]], list[dict[str, str]]]:
    """Parse brat standoff: text-bound spans (``T``) and events (``E``); other lines are ignored."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[dict[str, str]] = []
    for number, line in enumerate(ann_path.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(r"^T\d+\t", line):
            span_id, rest = line.split("\t", 1)
            head = rest.split("\t", 1)[0]
            try:
                span_type, offsets = head.split(" ", 1)
                fragments = [tuple(map(int, frag.split())) for frag in offsets.split(";")]
            except ValueError as exc:
                raise InputError(f"{ann_path}:{number}: malformed span line ({exc})") from exc
            spans[span_id] = (span_type, [(a, b) for a, b in fragments])
        elif re.match(r"^E\d+\t", line):
            roles: dict[str, str] = {}
            for item in line.split("\t", 1)[1].split():
                role, _, ref = item.partition(":")
                roles[role] = ref
            events.append(roles)
    return spans, events


def is_direct_quote(text: str, fragments: list[tuple[int, int]]) -> bool:
    """A content that starts and ends with double quotes (or is enclosed by them) is a direct quote."""
    content = " ".join(text[a:b] for a, b in fragments).strip(" \t\n,.:;\u2014-")
    if not content:
        return False
    start, end = fragments[0][0], fragments[-1][1]
    before = text[max(0, start - 2) : start].strip()
    after = text[end : end + 2].strip(" ,.")
    return (content[0] in OPEN_QUOTES and content[-1] in CLOSE_QUOTES) or (
        bool(before) and before[-1] in OPEN_QUOTES and bool(after) and after[0] in CLOSE_QUOTES
    )


def brat_attributions(text: str, ann_path: Path) -> list[BratAttribution]:
    spans, events = read_brat(ann_path)
    result = []
    for event in events:
        if "Attribution" not in event and "Attribution-no-source" not in event:
            continue

        def fragments(role: str, event: dict[str, str] = event) -> list[tuple[int, int]] | None:
            ref = event.get(role)
            return spans[ref][1] if ref in spans else None

        content = [f for role in ("Content", "Content2") for f in (fragments(role) or [])]
        result.append(
            BratAttribution(
                source=fragments("Source"),
                cue=fragments("Cue"),
                content=sorted(content),
                is_direct_quote=bool(content) and is_direct_quote(text, sorted(content)),
            )
        )
    return result


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in TRIM_CHARS:
        start += 1
    while end > start and text[end - 1] in TRIM_CHARS:
        end -= 1
    return start, end


def label_sentences(
    document: str, text: str, attributions: list[BratAttribution]
) -> Iterator[dict]:
    """Cut a labelled article into canonical sentence records."""
    for index, sentence in enumerate(split_sentences(text)):
        a, b = sentence.start, sentence.end
        label = "context"
        spans: list[dict] = []
        for number, attribution in enumerate(attributions):
            if any(min(b, d) - max(a, c) >= 3 for c, d in attribution.content):
                if attribution.is_direct_quote:
                    label = "quote"
                elif label != "quote":
                    label = "claim"
            roles: list[tuple[str, list[tuple[int, int]]]] = [("CONTENT", attribution.content)]
            if attribution.source:
                # A source is one span from its first to its last fragment, trimmed like the scorer.
                roles.append(("SOURCE", [trim_span(text, attribution.source[0][0], attribution.source[-1][1])]))
            if attribution.cue:
                roles.append(("CUE", [trim_span(text, attribution.cue[0][0], attribution.cue[-1][1])]))
            for role, fragments in roles:
                for c, d in fragments:
                    if role == "CONTENT":
                        c, d = max(c, a), min(d, b)
                    elif not (a <= c and d <= b):
                        continue  # sources and cues outside the sentence are not tagged here
                    while c < d and text[c].isspace():
                        c += 1
                    while d > c and text[d - 1].isspace():
                        d -= 1
                    if d > c:
                        spans.append({"start": c - a, "end": d - a, "label": role, "attribution": number})
        yield {
            "id": f"{document}:{index}",
            "document": document,
            "start": a,
            "end": b,
            "text": text[a:b],
            "label": label,
            "spans": _drop_overlaps(spans),
        }


def _drop_overlaps(spans: list[dict]) -> list[dict]:
    """BIO tagging needs disjoint spans: keep sources and cues first, then the longest contents."""
    priority = {"SOURCE": 0, "CUE": 1, "CONTENT": 2}
    kept: list[dict] = []
    for span in sorted(spans, key=lambda s: (priority[s["label"]], s["start"] - s["end"])):
        if all(span["end"] <= k["start"] or span["start"] >= k["end"] for k in kept):
            kept.append(span)
        elif span["label"] == "CONTENT":
            # Content that wraps a source or cue ("X," he said, "Y") keeps its pieces around them.
            pieces = [(span["start"], span["end"])]
            for k in kept:
                pieces = [
                    p
                    for a, b in pieces
                    for p in ((a, min(b, k["start"])), (max(a, k["end"]), b))
                    if p[1] > p[0]
                ]
            for a, b in pieces:
                if all(b <= k["start"] or a >= k["end"] for k in kept):
                    kept.append({**span, "start": a, "end": b})
    return sorted(kept, key=lambda s: s["start"])


def polnear_articles(split_dir: Path, all_annotators: bool = False) -> Iterator[tuple[str, str, Path]]:
    """Yield ``(name, text, ann_path)``; by default only the alphabetically first annotator per article."""
    split_dir = Path(split_dir)
    if not (split_dir / "text").is_dir() or not (split_dir / "attributions").is_dir():
        raise InputError(f"{split_dir}: not a PolNeAR split (expected text/ and attributions/ folders)")
    by_article: dict[str, list[Path]] = defaultdict(list)
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        by_article[re.sub(r"_[0-9a-f]{4}$", "", ann.stem)].append(ann)
    for name, anns in sorted(by_article.items()):
        text = (split_dir / "text" / f"{name}.txt").read_text(encoding="utf-8")
        for ann in anns if all_annotators else anns[:1]:
            yield name, text, ann


def read_polnear(split_dir: Path, all_annotators: bool = False) -> list[dict]:
    """All sentences of a PolNeAR split as canonical records."""
    records: list[dict] = []
    for name, text, ann in polnear_articles(split_dir, all_annotators):
        records.extend(label_sentences(name, text, brat_attributions(text, ann)))
    return records


def data_hash(paths: Iterable[Path]) -> str:
    """A short fingerprint of the training files, for the model card."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                digest.update(file.name.encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:16]
