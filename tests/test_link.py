"""Source resolution against a hand-written gold file of composed articles (tests/data/link_gold.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attribution.ingest import article_from_text
from attribution.link import mention_kind, parse_named, resolve_article
from attribution.pipeline import merge_continuations
from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan
from attribution.segment import split_sentences

GOLD = json.loads((Path(__file__).parent / "data" / "link_gold.json").read_text(encoding="utf-8"))


def build_result(case: dict) -> tuple[ArticleResult, list[Attribution]]:
    """An ArticleResult with the gold spans, as the model would hand them to the linker."""
    text = case["text"]
    spans = split_sentences(text)
    sentences = [SentenceResult(i, s.start, s.end, s.text_of(text), "context", 0.9) for i, s in enumerate(spans)]
    made = []
    for statement in case["statements"]:
        content_start = text.index(statement["content"])
        sentence = next(s for s in sentences if s.start <= content_start < s.end)

        def locate(part: str | None, sentence: SentenceResult = sentence) -> TextSpan | None:
            if part is None:
                return None
            start = text.index(part, sentence.start)
            return TextSpan(start, start + len(part), part)

        attribution = Attribution(
            source=locate(statement["mention"]),
            cue=locate(statement["cue"]),
            content=TextSpan(content_start, content_start + len(statement["content"]), statement["content"]),
            confidence=0.9,
        )
        sentence.label = "quote" if statement["content"][0] in "\u201c\"" else "claim"
        sentence.attributions.append(attribution)
        made.append(attribution)
    for sentence in sentences:
        sentence.attributions.sort(key=lambda a: a.content.start if a.content else 0)
    # Where each gold attribution sits; the stages return new objects in the same places.
    where = {id(a): (i, j) for i, s in enumerate(sentences) for j, a in enumerate(s.attributions)}
    positions = [where[id(a)] for a in made]
    sentences = merge_continuations(sentences, text)
    metadata = {key: case[key] for key in ("publisher", "author") if key in case}
    result = resolve_article(ArticleResult(article_from_text(text, case["name"], **metadata), sentences, "test"))
    return result, [result.sentences[i].attributions[j] for i, j in positions]


@pytest.mark.parametrize("case", GOLD, ids=[c["name"] for c in GOLD])
def test_gold_entities(case: dict) -> None:
    _, attributions = build_result(case)
    for statement, attribution in zip(case["statements"], attributions):
        assert attribution.entity == statement["entity"], statement
        assert attribution.resolution == statement["resolution"], statement
        assert attribution.via == statement.get("via"), statement
        for key in ("role", "affiliation", "vague"):
            if key in statement:
                assert getattr(attribution, key) == statement[key], (key, statement)
        if "type" in statement:
            assert attribution.entity_type == statement["type"]


def test_gold_file_is_varied_enough() -> None:
    resolutions = {s["resolution"] for case in GOLD for s in case["statements"]}
    assert len(GOLD) >= 10
    assert {"named", "alias", "pronoun", "description", "continuation"} <= resolutions
    assert any(s.get("via") for case in GOLD for s in case["statements"])


@pytest.mark.parametrize(
    ("mention", "kind"),
    [("he", "pronoun"), ("They", "pronoun"), ("the officials", "description"), ("The newspaper", "description"),
     ("the New York Times", "named"), ("John Kirby", "named")],
)
def test_mention_kinds(mention: str, kind: str) -> None:
    assert mention_kind(mention) == kind


def test_titles_and_appositives() -> None:
    kirby = parse_named("White House National Security Council spokesperson John Kirby")
    assert (kirby.name, kirby.role, kirby.affiliation, kirby.type) == (
        "John Kirby", "White House National Security Council spokesperson", "White House", "person")
    matsegora = parse_named("Russian ambassador to North Korea Alexander Matsegora")
    assert (matsegora.name, matsegora.affiliation) == ("Alexander Matsegora", "Russia")
    smith = parse_named("Jane Smith, a spokeswoman for the Treasury")
    assert (smith.name, smith.role, smith.affiliation) == ("Jane Smith", "spokeswoman for the Treasury", "Treasury")
    assert parse_named("the New York Times").name == "New York Times"
    assert parse_named("Mr. Blair").name == "Blair"


def test_unresolvable_pronoun_stays_unresolved() -> None:
    case = {"name": "x", "text": "He said the plan was dead.",
            "statements": [{"mention": "He", "cue": "said", "content": "the plan was dead"}]}
    _, (attribution,) = build_result(case)
    assert (attribution.entity, attribution.resolution) == (None, "unresolved")


@pytest.mark.parametrize(("judgements", "split", "floor"), [("dev", "dev", 0.83), ("final", "train", 0.75)])
def test_polnear_pronoun_and_description_resolution_holds(judgements: str, split: str, floor: float) -> None:
    """The hand-checked PolNeAR judgements (benchmarks/resolution_accuracy.py); floors against regressions."""
    import sys

    from tests.conftest import POLNEAR, PROJECT

    if not (POLNEAR / split).is_dir():
        pytest.skip(f"PolNeAR {split} not found at {POLNEAR}")
    sys.path.insert(0, str(PROJECT / "benchmarks"))
    import resolution_accuracy

    path = {"dev": resolution_accuracy.JUDGEMENTS, "final": resolution_accuracy.FINAL}[judgements]
    right, total = resolution_accuracy.score_split(path, POLNEAR / split, show_errors=False)
    assert total >= 150
    assert right / total >= floor


def test_first_person_is_the_byline_author() -> None:
    case = {"name": "oped", "text": "Why the bridge must stay\nBy Ana Ruiz\nI believe the bridge is worth saving.",
            "statements": [{"mention": "I", "cue": "believe", "content": "the bridge is worth saving"}]}
    result, (attribution,) = build_result(case)
    assert result.article.author == "Ana Ruiz"
    assert (attribution.entity, attribution.resolution) == ("Ana Ruiz", "pronoun")
