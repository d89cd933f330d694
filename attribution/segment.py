"""Sentence segmentation that keeps character offsets into the original text.

Lines are hard boundaries (headlines, captions and bylines carry no final
punctuation); inside a line a sentence ends at ``.``, ``!`` or ``?`` (plus any
closing quote marks or brackets) followed by whitespace and an upper-case
letter, digit or opening quote -- unless the full stop belongs to an
abbreviation such as ``U.S.``, ``Sept.`` or ``Dr.``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Titles, months and company suffixes that end in a full stop without ending a sentence.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr sen rep gov gen lt col sgt capt st jr sr rev prof pres supt maj adm cmdr cpl
    jan feb mar apr jun jul aug sept sep oct nov dec inc corp co ltd no vs etc ft mt ave blvd
    messrs mme mlle fig approx dept univ est""".split()
)

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


def _ends_with_abbreviation(segment: str) -> bool:
    match = _LAST_WORD.search(segment)
    if not match:
        return False
    word = match.group(1)
    return (
        word.lower() in ABBREVIATIONS
        or len(word) == 1  # an initial: "John F. Kennedy"
        or bool(_DOTTED_ACRONYM.fullmatch(word))
    )


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_sentences(text: str) -> list[Span]:
    """Split ``text`` into sentence spans; every span indexes ``text`` itself."""
    spans: list[Span] = []
    for line in re.finditer(r"[^\n]+", text):
        pieces: list[tuple[int, int]] = []
        for match in _SENTENCE.finditer(line.group(0)):
            start, end = _strip(text, line.start() + match.start(), line.start() + match.end())
            if end <= start:
                continue
            if pieces and _ends_with_abbreviation(text[pieces[-1][0] : pieces[-1][1]]):
                pieces[-1] = (pieces[-1][0], end)
            else:
                pieces.append((start, end))
        spans.extend(Span(a, b) for a, b in pieces if any(ch.isalnum() for ch in text[a:b]))
    return spans
