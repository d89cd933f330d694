"""Issue 13, round 2: calibrated statement confidence, the stored-statement threshold, one statement per
quotation, names after a description. Texts are composed here (no corpus text)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from sqlmodel import Session, select

from attribution import calibration
from attribution.calibration import Calibrator, features
from attribution.db.models import Sentence, Statement
from attribution.ingest import article_from_text
from attribution.link import parse_named, resolve_article
from attribution.pipeline import merge_continuations
from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan
from attribution.segment import split_sentences
from attribution.store import save_result


def span(text: str, part: str, after: int = 0) -> TextSpan:
    start = text.index(part, after)
    return TextSpan(start, start + len(part), part)


def one_sentence(text: str, mention: str | None, cue: str | None, content: str, index: int = 3,
                 label: str = "claim", confidence: float = 0.95) -> tuple[SentenceResult, Attribution]:
    attribution = Attribution(span(text, mention) if mention else None, span(text, cue) if cue else None,
                              span(text, content), confidence, entity=mention, entity_type="person" if mention else None,
                              resolution="named" if mention else "unresolved")
    sentence = SentenceResult(index, 0, len(text), text, label, 0.97, [attribution])
    return sentence, attribution


def test_features_read_the_statement() -> None:
    text = "Ann Holloway said the plan was fair to every family."
    sentence, attribution = one_sentence(text, "Ann Holloway", "said", "the plan was fair to every family")
    values = features(sentence, attribution)
    assert values["speech_cue"] == 1.0 and values["no_source"] == 0.0 and values["type_person"] == 1.0
    assert values["resolution_named"] == 1.0 and values["first_sentence"] == 0.0 and values["mention_in_content"] == 0.0
    assert values["confidence"] == pytest.approx(math.log(0.95 / 0.05))
    headline, action = one_sentence("Ann Holloway plans a new tax on cars", "Ann Holloway", "plans", "a new tax", index=0)
    values = features(headline, action, how="surname")
    assert values["speech_cue"] == 0.0 and values["first_sentence"] == 1.0 and values["short_content"] == 1.0
    assert values["joined"] == 1.0


def test_the_packaged_calibrator_covers_every_feature_and_ranks_sensibly() -> None:
    packaged = calibration.packaged()
    text = "Ann Holloway said the plan was fair to every family."
    sentence, attribution = one_sentence(text, "Ann Holloway", "said", "the plan was fair to every family")
    assert set(features(sentence, attribution)) == set(packaged.weights)
    assert 0.0 < packaged.threshold < 1.0
    good = calibration.confidence(sentence, attribution)
    nobody, unnamed = one_sentence(text, None, "said", "the plan was fair to every family")
    action = one_sentence("Ann Holloway plans a new tax on cars", "Ann Holloway", "plans", "a new tax")
    assert 0.0 < calibration.confidence(nobody, unnamed) < good < 1.0
    assert calibration.confidence(*action) < good


def test_a_calibrator_file_is_a_logistic_regression(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({"bias": -1.0, "weights": {"speech_cue": 2.0}, "threshold": 0.4}), encoding="utf-8")
    model = Calibrator.read(path)
    assert model.threshold == 0.4
    assert model.probability({"speech_cue": 1.0}) == pytest.approx(1 / (1 + math.exp(-1.0)))
    assert model.probability({}) == pytest.approx(1 / (1 + math.exp(1.0)))


def test_the_store_keeps_calibrated_confidence_and_leaves_unlikely_statements_out(session: Session) -> None:
    text = "The council met on Monday. Ann Holloway said the plan was fair to every family. Ann Holloway plans a new tax on cars."
    spans = split_sentences(text)
    first = Attribution(span(text, "Ann Holloway"), span(text, "said"), span(text, "the plan was fair to every family"),
                        0.95, entity="Ann Holloway", entity_type="person", resolution="named")
    second = Attribution(span(text, "Ann Holloway", spans[2].start), span(text, "plans"), span(text, "a new tax"), 0.6,
                         entity="Ann Holloway", entity_type="person", resolution="named")
    sentences = [SentenceResult(0, spans[0].start, spans[0].end, spans[0].text_of(text), "context", 0.97)] + [
        SentenceResult(i, s.start, s.end, s.text_of(text), "claim", 0.97, [a])
        for i, (s, a) in enumerate(zip(spans[1:], (first, second)), start=1)]
    result = ArticleResult(article_from_text(text, "calibrated"), sentences, "v1", resolved=True)
    claims = sentences[1:]
    expected = [calibration.confidence(s, s.attributions[0]) for s in claims]
    assert expected[1] < 0.5 < expected[0]
    save_result(session, result, min_probability=0.5)
    rows = session.exec(select(Statement)).all()
    assert [(r.content, r.confidence) for r in rows] == [("the plan was fair to every family", pytest.approx(expected[0]))]
    assert len(session.exec(select(Sentence)).all()) == 3  # the sentence labels are all kept


def chain(text: str, parts: list[tuple[str | None, str | None, str]]) -> list[SentenceResult]:
    spans = split_sentences(text)
    sentences = []
    for (mention, cue, content), s in zip(parts, spans):
        attribution = Attribution(span(text, mention, s.start) if mention else None, span(text, cue, s.start) if cue else None,
                                  span(text, content, s.start), 0.9)
        sentences.append(SentenceResult(s.index if hasattr(s, "index") else len(sentences), s.start, s.end, s.text_of(text),
                                        "quote" if content.startswith('"') else "claim", 0.9, [attribution]))
    return sentences


def test_a_quotation_whose_sentence_ends_in_he_said_carries_on(session: Session) -> None:
    text = 'Ann Holloway spoke on Monday. "The plan is fair," she said. "It will work."'
    sentences = chain(text, [(None, None, "Ann Holloway spoke on Monday."), ("she", "said", '"The plan is fair,"'),
                             (None, None, '"It will work."')])
    sentences[0].label, sentences[0].attributions = "context", []
    merged = merge_continuations(sentences, text)
    assert merged[2].attributions[0].continues == (1, 0)
    assert merged[2].attributions[0].content.text == '"The plan is fair," she said. "It will work."'
    save_result(session, resolve_article(ArticleResult(article_from_text(text, "q"), merged, "v1")))
    # the short clause is no part of what was said: the content is stored as its two pieces
    assert [p.text for p in merged[2].attributions[0].content_parts] == ['"The plan is fair,"', '"It will work."']
    assert [r.content for r in session.exec(select(Statement)).all()] == ['"The plan is fair," "It will work."']


def test_a_paraphrase_then_a_quotation_are_two_statements_of_one_speaker(session: Session) -> None:
    text = 'Ann Holloway said the plan was fair. "It will work."'
    sentences = chain(text, [("Ann Holloway", "said", "the plan was fair"), (None, None, '"It will work."')])
    merged = merge_continuations(sentences, text)
    result = resolve_article(ArticleResult(article_from_text(text, "p"), merged, "v1"))
    assert merged[1].attributions[0].content.text == '"It will work."'
    assert [a.entity for s in result.sentences for a in s.attributions] == ["Ann Holloway", "Ann Holloway"]
    save_result(session, result)
    rows = session.exec(select(Statement)).all()
    assert [(r.kind, r.content) for r in rows] == [("claim", "the plan was fair"), ("quote", '"It will work."')]


@pytest.mark.parametrize(("mention", "name", "role"), [
    ("Tory co-chairman Liam Fox", "Liam Fox", "Tory co-chairman"),
    ("London teacher Diane Granger", "Diane Granger", "London teacher"),
    ("Lib Dem Norman Baker", "Norman Baker", "Lib Dem"),
    ("By Robert Peston", "Robert Peston", None),
    ("The Electoral Commission on Thursday", "Electoral Commission", None),
    ("Mary Ann Smith", "Mary Ann Smith", None),
    ("The chairman of the Bar Council, Guy Mansfield QC", "Guy Mansfield QC", "chairman of the Bar Council"),
    ("One of the men, David Redvers, 34, from Hartpury", "David Redvers", "One of the men"),
    ("John Smith, a spokesman for Oxfam", "John Smith", "spokesman for Oxfam"),
])
def test_a_name_after_a_description_is_the_name(mention: str, name: str, role: str | None) -> None:
    entity = parse_named(mention)
    assert (entity.name, entity.role) == (name, role)


def test_a_name_after_a_preposition_is_not_the_speaker() -> None:
    assert parse_named("A letter sent to Martin Mubanga").name != "Martin Mubanga"


def _fit_calibration():  # type: ignore[no-untyped-def]
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import fit_calibration

    return fit_calibration


def test_the_judged_sets_are_disjoint_and_the_transfer_set_is_neither_rule_writing_nor_blind() -> None:
    """The regression is fitted on the rule sets, the Platt step on a set no rule was written on; blind sets only measure."""
    fit = _fit_calibration()
    sets = {name: {json.loads(line)["article"] for line in path.read_text(encoding="utf-8").splitlines()}
            for name, path in fit.sc.SETS.items()}
    assert {len(v) for k, v in sets.items() if k in ("blind", "blind2")} == {102}
    assert (len(sets["calib"]), len(sets["npdev"]), len(sets["dev"])) == (144, 60, 140)
    names = sorted(sets)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            assert not sets[first] & sets[second], (first, second)
    assert set(fit.TRANSFER_SETS).isdisjoint(fit.RULE_SETS) and not {"blind", "blind2"} & set(fit.TRANSFER_SETS + fit.RULE_SETS)


def test_the_transfer_step_shrinks_a_logit_that_is_overconfident_on_new_articles() -> None:
    import numpy as np

    fit = _fit_calibration()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 2))
    truth = x[:, 0] + 0.5 * x[:, 1]
    early = np.arange(2000) < 1000
    # The rule-writing articles are easy (labels follow the features); on the late ones a quarter are flipped.
    y = (truth > 0).astype(int)
    flip = (~early) & (rng.random(2000) < 0.25)
    y[flip] = 1 - y[flip]
    model, platt = fit.fit_transfer(x, y, early, ~early, 1.0)
    scale = float(platt.coef_[0][0])
    assert 0.0 < scale < 0.5
    composed = Calibrator(scale * float(model.intercept_[0]) + float(platt.intercept_[0]),
                          {"a": scale * float(model.coef_[0][0]), "b": scale * float(model.coef_[0][1])}, 0.5)
    point = x[~early][0]
    expected = platt.predict_proba(model.decision_function(point[None, :])[:, None])[0, 1]
    assert composed.probability({"a": float(point[0]), "b": float(point[1])}) == pytest.approx(expected, abs=1e-9)
    # Confident statements of the late articles are right about as often as the composed model says.
    late_p = platt.predict_proba(model.decision_function(x[~early])[:, None])[:, 1]
    high = late_p >= 0.7
    assert abs(y[~early][high].mean() - late_p[high].mean()) < 0.05


def test_collected_statements_round_trip_through_the_cache(tmp_path: Path) -> None:
    fit = _fit_calibration()
    sc = fit.sc
    gold = [sc.GoldStatement(3, "bbc-1", "Ann Holloway", ("Holloway",), False, "claim", ((10, 40), (50, 60)), False)]
    judged = [sc.Judged(7, 0.93, True, True, True, True, False, gold[0], "Ann Holloway"),
              sc.Judged(8, 0.41, False, False, True, False, False, None, "Children")]
    values = [{"confidence": 2.0, "quote": 1.0}, {"confidence": -0.5, "quote": 0.0}]
    path = tmp_path / "cache.json"
    fit.save(path, values, judged, gold, ["bbc-1", "bbc-1"])
    assert fit.load(path) == (values, judged, gold, ["bbc-1", "bbc-1"])
    assert [j.correct for j in fit.load(path)[1]] == [True, False]
