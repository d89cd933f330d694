"""Source resolution end to end with the shipped model, on the seed article and the composed gold file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attribution.ingest import read_text_file
from attribution.pipeline import Tracker
from tests.conftest import SEED

GOLD = json.loads((Path(__file__).parent / "data" / "link_gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tracker() -> Tracker:
    return Tracker()  # the shipped model, loaded once


def _sentence(result, fragment: str):  # type: ignore[no-untyped-def]
    return next(s for s in result.sentences if fragment in s.text)


def test_seed_article_sources(tracker: Tracker) -> None:
    result = tracker.analyze(read_text_file(SEED))
    entities = lambda fragment: {a.entity for a in _sentence(result, fragment).attributions}  # noqa: E731
    assert "John Kirby" in entities("he revealed that Shoigu visited")
    assert _sentence(result, "he revealed that Shoigu visited").attributions[0].resolution == "pronoun"
    assert "US officials" in entities("the officials further said")
    # "citing these officials" two sentences after "a New York Times story quoting unnamed sources from the US and
    # its allies": those sources, via the paper
    cited = [a for a in _sentence(result, "citing these officials").attributions if a.entity is not None]
    assert {(a.entity, a.via) for a in cited} == {("Unnamed sources from the US and its allies", "New York Times")}
    interfax = _sentence(result, "Interfax reported that")
    shoigu = [a for a in interfax.attributions if a.entity == "Sergei Shoigu"]
    assert shoigu and shoigu[0].via == "Interfax"
    kirby = _sentence(result, "spokesperson John Kirby warned")
    assert kirby.label in ("claim", "quote") and "John Kirby" in {a.entity for a in kirby.attributions}
    # Scare quotes are not quotations.
    assert _sentence(result, "\u201cVictory Day\u201d celebration").label != "quote"
    assert _sentence(result, "\u201cstrategic cooperation,\u201d").label != "quote"
    watson = _sentence(result, "Adrienne Watson")
    assert watson.label == "quote" and {a.entity for a in watson.attributions} == {"Adrienne Watson"}


def test_gold_file_end_to_end(tracker: Tracker) -> None:
    """Each expected statement: a predicted attribution overlapping its content names the expected entity."""
    total = right = 0
    for case in GOLD:
        result = tracker.analyze(case["text"], case["name"])
        for statement in case["statements"]:
            start = case["text"].index(statement["content"])
            end = start + len(statement["content"])
            found = {a.entity for s in result.sentences for a in s.attributions
                     if a.content is not None and a.content.start < end and start < a.content.end}
            total += 1
            right += statement["entity"] in found
    print(f"gold file end to end: {right}/{total} statements resolved to the expected entity")
    assert right / total >= 0.8
