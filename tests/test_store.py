"""The claim graph: round trip, idempotence, model-version replacement, merges and splits, same-surname people."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from attribution.db.models import Article, Sentence, Source, SourceAlias, SourceDecision, Statement
from attribution.ingest import article_from_text
from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan
from attribution.store import merge_sources, save_result, save_results, split_alias


def make_result(text: str, statements: list[dict], version: str = "v1", document: str = "a.txt") -> ArticleResult:
    """One sentence per statement; each dict names mention, cue, content and the resolved entity fields."""
    sentences = []
    for index, sentence_text in enumerate(text.split("\n")):
        start = sum(len(t) + 1 for t in text.split("\n")[:index])
        sentences.append(SentenceResult(index, start, start + len(sentence_text), sentence_text, "context", 0.8))
    for statement in statements:
        sentence = sentences[statement["sentence"]]
        sentence.label = statement.get("kind", "claim")

        def at(part: str | None) -> TextSpan | None:
            if part is None:
                return None
            start = text.index(part, sentence.start)
            return TextSpan(start, start + len(part), part)

        sentence.attributions.append(Attribution(
            source=at(statement["mention"]), cue=at(statement.get("cue")), content=at(statement.get("content")),
            confidence=0.9, entity=statement["entity"], entity_type=statement.get("type", "person"),
            role=statement.get("role"), affiliation=statement.get("affiliation"),
            resolution=statement.get("resolution", "named"), via=statement.get("via")))
    return ArticleResult(article_from_text(text, document, published=statement.get("published")), sentences, version)


KIRBY = make_result(
    "Spokesperson John Kirby said talks were advancing.\nHe said letters were exchanged.\nThe sky was grey.",
    [{"sentence": 0, "mention": "Spokesperson John Kirby", "cue": "said", "content": "talks were advancing", "entity": "John Kirby", "role": "Spokesperson"},
     {"sentence": 1, "mention": "He", "cue": "said", "content": "letters were exchanged", "entity": "John Kirby", "resolution": "pronoun"}],
)


def test_round_trip(session: Session) -> None:
    assert save_result(session, KIRBY) == "stored"
    article = session.exec(select(Article)).one()
    assert article.model_version == "v1" and article.text == KIRBY.article.text
    assert [s.label for s in session.exec(select(Sentence).order_by(Sentence.index)).all()] == ["claim", "claim", "context"]
    statements = session.exec(select(Statement)).all()
    assert [(s.mention, s.content, s.resolution) for s in statements] == [
        ("Spokesperson John Kirby", "talks were advancing", "named"), ("He", "letters were exchanged", "pronoun")]
    kirby = session.exec(select(Source)).one()
    assert (kirby.name, kirby.role, kirby.surname) == ("John Kirby", "Spokesperson", "Kirby")
    assert {s.source_id for s in statements} == {kirby.id}
    # Pronouns never become aliases; the surface form of a named mention does.
    assert [a.name for a in session.exec(select(SourceAlias)).all()] == ["Spokesperson John Kirby"]


def test_same_article_same_version_changes_nothing_new_version_replaces(session: Session) -> None:
    save_result(session, KIRBY)
    ids = [s.id for s in session.exec(select(Sentence)).all()]
    assert save_result(session, KIRBY) == "skipped"
    assert [s.id for s in session.exec(select(Sentence)).all()] == ids
    newer = ArticleResult(KIRBY.article, KIRBY.sentences, "v2")
    assert save_result(session, newer) == "replaced"
    assert session.exec(select(Article)).one().model_version == "v2"
    assert len(session.exec(select(Sentence)).all()) == 3 and len(session.exec(select(Statement)).all()) == 2


def test_a_failed_save_leaves_nothing_half_written(session: Session) -> None:
    broken = make_result("A said B.", [{"sentence": 0, "mention": "A", "cue": "said", "content": "B", "entity": "A"}], document="b.txt")
    broken.sentences[0].confidence = None  # type: ignore[assignment]  # NOT NULL column: the insert fails
    with pytest.raises(Exception):
        save_results(session, [KIRBY, broken])
    assert session.exec(select(Article)).all() == [] and session.exec(select(Sentence)).all() == []


def test_bare_surname_in_another_article_joins_the_known_person(session: Session) -> None:
    save_result(session, KIRBY)
    other = make_result("Kirby warned Moscow.", [{"sentence": 0, "mention": "Kirby", "cue": "warned", "content": "Moscow", "entity": "Kirby"}], document="c.txt")
    save_result(session, other)
    assert [s.name for s in session.exec(select(Source)).all()] == ["John Kirby"]


def test_same_surname_people_stay_apart(session: Session) -> None:
    text = "Senator Paul Grant said yes.\nEconomist Laura Grant said no."
    result = make_result(text, [
        {"sentence": 0, "mention": "Senator Paul Grant", "cue": "said", "content": "yes", "entity": "Paul Grant", "role": "Senator"},
        {"sentence": 1, "mention": "Economist Laura Grant", "cue": "said", "content": "no", "entity": "Laura Grant", "role": "Economist"}])
    save_result(session, result)
    # A bare "Grant" is ambiguous between two known people: it does not join either.
    save_result(session, make_result("Grant said maybe.", [{"sentence": 0, "mention": "Grant", "cue": "said", "content": "maybe", "entity": "Grant"}], document="d.txt"))
    assert sorted(s.name for s in session.exec(select(Source)).all()) == ["Grant", "Laura Grant", "Paul Grant"]


def test_merge_and_split_survive_a_rescore(session: Session) -> None:
    save_result(session, KIRBY)
    nsc = make_result("The NSC spokesman said no.", [{"sentence": 0, "mention": "The NSC spokesman", "cue": "said", "content": "no", "entity": "NSC spokesman"}], document="e.txt")
    save_result(session, nsc)
    merge_sources(session, "NSC spokesman", "John Kirby")
    assert [s.name for s in session.exec(select(Source)).all()] == ["John Kirby"]
    # Re-scoring with a new model version keeps the editor's merge.
    save_result(session, ArticleResult(nsc.article, nsc.sentences, "v2"))
    assert [s.name for s in session.exec(select(Source)).all()] == ["John Kirby"]
    assert len(session.exec(select(Statement).where(Statement.source_id == session.exec(select(Source)).one().id)).all()) == 3

    split_alias(session, "NSC spokesman", "John Kirby")
    names = sorted(s.name for s in session.exec(select(Source)).all())
    assert names == ["John Kirby", "NSC spokesman"]
    moved = session.exec(select(Source).where(Source.name == "NSC spokesman")).one()
    assert [s.mention for s in session.exec(select(Statement).where(Statement.source_id == moved.id)).all()] == ["The NSC spokesman"]
    save_result(session, ArticleResult(nsc.article, nsc.sentences, "v3"))
    assert sorted(s.name for s in session.exec(select(Source)).all()) == ["John Kirby", "NSC spokesman"]
    own = session.exec(select(Source).where(Source.name == "NSC spokesman")).one()
    assert [s.mention for s in session.exec(select(Statement).where(Statement.source_id == own.id)).all()] == ["The NSC spokesman"]
    assert [d.action for d in session.exec(select(SourceDecision)).all()][-1] == "split"


def test_via_outlet_is_its_own_source(session: Session) -> None:
    result = make_result("Interfax reported that Shoigu said why not.", [
        {"sentence": 0, "mention": "Shoigu", "cue": "said", "content": "why not", "entity": "Sergei Shoigu", "via": "Interfax", "resolution": "alias"}])
    save_result(session, result)
    statement = session.exec(select(Statement)).one()
    assert session.get(Source, statement.source_id).name == "Sergei Shoigu"
    via = session.get(Source, statement.via_source_id)
    assert (via.name, via.type) == ("Interfax", "media")
