"""What analysing an article produces: plain data, no storage, no model."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from attribution.ingest import Article


@dataclass
class TextSpan:
    """Character offsets into the article text (not the sentence)."""

    start: int
    end: int
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Attribution:
    """One who-said-what relation found in a sentence.

    Frozen: a stage that changes one (resolution, continuations) makes a new one with ``dataclasses.replace``.
    """

    source: TextSpan | None
    cue: TextSpan | None
    content: TextSpan | None
    confidence: float
    entity: str | None = None  # canonical source name once resolved
    entity_type: str | None = None  # person, organization, government, media, document, anonymous
    role: str | None = None  # "White House National Security Council spokesperson"
    affiliation: str | None = None  # "White House"
    vague: bool = False
    via: str | None = None  # the outlet that reported it ("Interfax")
    resolution: str = "unresolved"  # named, alias, pronoun, description, continuation, unresolved
    # The attribution it carries on, earlier in the same article: that one's ``key``.
    continues: tuple[int, int] | None = None
    # Which attribution this is in its article, (sentence index, number in the sentence), given when
    # continuations are built (``pipeline.merge_continuations``).  It stays with the attribution when a later
    # stage drops others from its sentence, so ``continues`` keeps naming the same one.
    key: tuple[int, int] | None = None
    # False for spans that are no statement for the claim graph: a content of function words, an action
    # ("scrapped"), a bare "was" (pipeline.is_statement); they stay in the JSONL contract, unstored.
    statement: bool = True
    # The pieces of ``content`` that are the speaker's words, in order, when it is several: a quotation over
    # sentences with the attribution clause between them ('"A," said Roddick, who ... . "B."').  ``content``
    # stays the whole span from the first piece's start to the last one's end; empty: the content is one piece.
    content_parts: tuple[TextSpan, ...] = ()

    def contract(self) -> dict[str, Any]:
        source = None
        if self.source is not None:
            source = {**self.source.as_dict(), "entity": self.entity or self.source.text}
        record: dict[str, Any] = {
            "source": source,
            "cue": self.cue.as_dict() if self.cue else None,
            "content": self.content.as_dict() if self.content else None,
        }
        if len(self.content_parts) > 1:
            record["content_parts"] = [part.as_dict() for part in self.content_parts]
        record.update({"via": self.via, "resolution": self.resolution, "confidence": self.confidence})
        return record

    @property
    def said(self) -> str | None:
        """What was said: the content's pieces joined by a space, without the clauses between them."""
        if len(self.content_parts) > 1:
            return " ".join(part.text.strip() for part in self.content_parts)
        return self.content.text if self.content is not None else None


QUOTATION_MARKS = "\"\u201c\u201d"  # double quotation marks: single ones also mark titles and scare quotes


def statement_kind(label: str, text: str, start: int, end: int) -> str:
    """A statement's kind from what it says: ``quote`` when its content ``text[start:end]`` holds the speaker's
    words in quotation marks, or is itself enclosed in them, else ``claim`` (docs/statement-judging.md). The
    sentence's label, the model's, is kept for the sentence; a sentence labelled quote may hold a paraphrase,
    and a claim a quoted phrase."""
    if label not in ("claim", "quote"):
        return label
    around = text[max(start - 1, 0) : min(end + 2, len(text))]
    if any(mark in around for mark in QUOTATION_MARKS) or _SINGLE_QUOTED.search(text[start:end]):
        return "quote"
    return "claim"


# Words in single quotation marks ("stopped providing 'oxygen' for"): an opening mark after a space or at the
# start, a closing one before a space or a stop; an apostrophe ("Blair's", "workers' union") is neither, nor is
# "rock 'n' roll" or one capitalised word, a title ("the BBC's 'Panorama' programme").
_SINGLE_QUOTED = re.compile(r"(?:^|(?<=[\s(]))['\u2018](?:[a-z][^'\u2019]{2,120}|[A-Z][^'\u2019]*\s[^'\u2019]{1,120})['\u2019](?=[\s.,;:!?)]|$)")


@dataclass
class SentenceResult:
    index: int
    start: int
    end: int
    text: str
    label: str
    confidence: float
    attributions: list[Attribution] = field(default_factory=list)

    def contract(self, document: str) -> dict[str, Any]:
        """One record of the JSONL contract (see README)."""
        return {
            "document": document,
            "sentence": self.index,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "confidence": self.confidence,
            "attributions": [a.contract() for a in self.attributions] if self.label != "context" else [],
        }


@dataclass
class ArticleResult:
    article: Article
    sentences: list[SentenceResult]
    model_version: str
    resolved: bool = False  # whether link.resolve_article has run
    # Public offices the article gives named people, (office, name): "Chancellor Gordon Brown" -> ("chancellor", "Gordon Brown").
    titles: list[tuple[str, str]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        return [s.contract(self.article.document) for s in self.sentences]
