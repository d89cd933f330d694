"""A statement's stored confidence: the probability that it is right.

The model's sentence and span confidences, multiplied by the resolution's certainty, rank statements but
are not probabilities (on the BBC dev gold, statements at 0.90-0.95 were right about half the time).  A
small logistic regression over a few features of the statement maps them to the share of such statements
a judge finds right (speaker, kind and content; ``docs/statement-judging.md``).  Its parameters are
``data/calibration.json``, written by ``benchmarks/fit_calibration.py``: the regression is fitted on the dev
articles the rules were written on, and its log-odds then rescaled (Platt) on dev articles the rules were
mostly not written on, since the rules' own fit makes a regression fitted on their articles overconfident
on new ones.  One logistic regression still (the rescaling folds into its numbers); the store calls
``confidence`` once per statement (the one place it is applied); ``score`` and ``batch`` leave statements
below the file's ``threshold`` out of the claim graph (they stay in the sentence labels and the JSONL
contract).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from attribution.results import QUOTATION_MARKS, Attribution, SentenceResult

_DATA = Path(__file__).resolve().parent / "data"
CALIBRATION_FILE = _DATA / "calibration.json"
_STATEMENTS = json.loads((_DATA / "statements.json").read_text(encoding="utf-8"))
SPEECH_CUES = frozenset(_STATEMENTS["speech_cues"])
RESOLUTIONS = ("named", "alias", "pronoun", "description", "continuation")
SOURCE_TYPES = ("person", "organization", "government", "anonymous", "document", "media")
# Joins made in the store on corpus evidence, not on the article's own words.
JOINS = ("surname", "office")


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def _words(text: str | None) -> list[str]:
    return [w for w in (w.strip(".,;:!?\"'\u201c\u201d\u2018\u2019()").lower() for w in (text or "").split()) if w]


def features(sentence: SentenceResult, attribution: Attribution, how: str = "") -> dict[str, float]:
    """What the calibrator reads of one statement (``how``: how the store joined its source, if it did)."""
    content = attribution.content
    content_text = content.text if content is not None else sentence.text
    mention = attribution.source
    named = attribution.entity is not None
    values: dict[str, float] = {
        "confidence": _logit(attribution.confidence),
        "sentence_confidence": _logit(sentence.confidence),
        "quote": float(sentence.label == "quote"),
        "no_source": float(not named),
        "vague": float(attribution.vague),
        "no_cue": float(attribution.cue is None),
        "speech_cue": float(any(w in SPEECH_CUES for w in _words(attribution.cue.text if attribution.cue else None))),
        "content_length": math.log1p(len(content_text)),
        "short_content": float(len(content_text) < 20),
        "quoted": float(any(q in content_text for q in QUOTATION_MARKS)),
        "first_sentence": float(sentence.index == 0),  # a headline glued to the first sentence
        "mention_in_content": float(
            content is not None and mention is not None and content.start <= mention.start < content.end
        ),
        "joined": float(how in JOINS),
    }
    for resolution in RESOLUTIONS:
        values[f"resolution_{resolution}"] = float(attribution.resolution == resolution)
    for kind in SOURCE_TYPES:
        values[f"type_{kind}"] = float(named and attribution.entity_type == kind)
    return values


@dataclass(frozen=True)
class Calibrator:
    """Logistic regression: probability = sigmoid(bias + sum(weight * feature))."""

    bias: float
    weights: Mapping[str, float]
    threshold: float  # statements below this probability are not stored

    def probability(self, values: Mapping[str, float]) -> float:
        score = self.bias + sum(weight * values.get(name, 0.0) for name, weight in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(min(score, 40.0), -40.0)))

    @classmethod
    def read(cls, path: Path) -> Calibrator:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(float(data["bias"]), {k: float(v) for k, v in data["weights"].items()}, float(data["threshold"]))


@lru_cache(maxsize=1)
def packaged() -> Calibrator:
    return Calibrator.read(CALIBRATION_FILE)


def confidence(sentence: SentenceResult, attribution: Attribution, how: str = "") -> float:
    """The stored confidence of a statement: the calibrated probability that it is right."""
    return round(packaged().probability(features(sentence, attribution, how)), 4)


def threshold() -> float:
    """The probability below which the CLI leaves a statement out of the claim graph."""
    return packaged().threshold
