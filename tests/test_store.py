"""The claim graph: round trip, idempotence, model-version replacement, merges and splits, same-surname people."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
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

        def at(part: str | None, sentence: SentenceResult = sentence) -> TextSpan | None:
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
    with pytest.raises(IntegrityError):
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


def _chunk(count: int, version: str = "v1") -> list[ArticleResult]:
    """``count`` articles, each quoting a new person and John Kirby (known by surname once stored)."""
    return [
        make_result(f"Analyst Person{n} Lee{n} said rates rose.\nKirby said talks went on {n}.", [
            {"sentence": 0, "mention": f"Analyst Person{n} Lee{n}", "cue": "said", "content": "rates rose", "entity": f"Person{n} Lee{n}", "role": "Analyst"},
            {"sentence": 1, "mention": "Kirby", "cue": "said", "content": f"talks went on {n}", "entity": "Kirby"}], version, f"{n}.txt")
        for n in range(count)
    ]


def _queries_to_save(session: Session, results: list[ArticleResult]) -> tuple[list[str], int]:
    from sqlalchemy import event

    engine = session.get_bind()
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]).split()[0])

    event.listen(engine, "before_cursor_execute", count)
    try:
        statuses = save_results(session, results)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statuses, len(statements)


def test_a_chunk_costs_the_same_few_queries_whatever_its_size(session: Session) -> None:
    save_result(session, KIRBY)
    small_statuses, small = _queries_to_save(session, _chunk(3))
    assert small_statuses == ["stored"] * 3
    large_statuses, large = _queries_to_save(session, [r for r in _chunk(40) if r.article.document not in {"0.txt", "1.txt", "2.txt"}])
    assert large_statuses == ["stored"] * 37
    assert large == small < 20
    # Looked up in bulk, resolved as one by one: the bare surname joins the known John Kirby, each analyst is new.
    kirby = session.exec(select(Source).where(Source.name == "John Kirby")).one()
    assert len(session.exec(select(Statement).where(Statement.source_id == kirby.id)).all()) == 2 + 40
    assert len(session.exec(select(Source)).all()) == 1 + 40


def test_one_chunk_with_a_repeated_text_and_a_rescored_article(session: Session) -> None:
    save_results(session, _chunk(2))
    rescored = _chunk(1, "v2")[0]
    statuses = save_results(session, [rescored, KIRBY, _chunk(2)[1], KIRBY])
    assert statuses == ["replaced", "stored", "skipped", "skipped"]
    assert len(session.exec(select(Article)).all()) == 3
    assert len(session.exec(select(Sentence)).all()) == 2 + 2 + 3
    versions = {a.document: a.model_version for a in session.exec(select(Article)).all()}
    assert versions == {"0.txt": "v2", "1.txt": "v1", "a.txt": "v1"}


def test_databases_that_assign_their_own_ids_get_the_same_graph(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from attribution import store

    original = store.IdAllocator.__init__

    def database_assigns_ids(self: store.IdAllocator, session: Session) -> None:
        original(self, session)
        self.enabled = False  # as on databases other than SQLite: RETURNING and autoincrement instead

    monkeypatch.setattr(store.IdAllocator, "__init__", database_assigns_ids)
    assert save_results(session, [KIRBY, *_chunk(3)]) == ["stored"] * 4
    kirby = session.exec(select(Source).where(Source.name == "John Kirby")).one()
    assert len(session.exec(select(Statement).where(Statement.source_id == kirby.id)).all()) == 2 + 3
    sentence_ids = {s.id for s in session.exec(select(Sentence)).all()}
    assert {s.sentence_id for s in session.exec(select(Statement)).all()} <= sentence_ids and len(sentence_ids) == 3 + 3 * 2
    kirby_aliases = session.exec(select(SourceAlias.name).where(SourceAlias.source_id == kirby.id)).all()
    assert sorted(kirby_aliases) == ["Kirby", "Spokesperson John Kirby"]


def test_a_merge_keeps_the_merged_sources_aliases(session: Session) -> None:
    """Review A4: after merging "NSC spokesman" into John Kirby, its alias "The NSC spokesman" still finds the statement."""
    from attribution.queries import who_said

    save_result(session, KIRBY)
    said = {"sentence": 0, "mention": "The NSC spokesman", "cue": "said", "content": "no", "entity": "NSC spokesman", "resolution": "alias"}
    save_result(session, make_result("The NSC spokesman said no.", [said], document="x.txt"))
    assert [r.content for r in who_said(session, "The NSC spokesman")] == ["no"]
    merge_sources(session, "NSC spokesman", "John Kirby")
    for name in ("The NSC spokesman", "NSC spokesman", "John Kirby"):
        assert sorted(r.content for r in who_said(session, name)) == ["letters were exchanged", "no", "talks were advancing"], name
    kirby = session.exec(select(Source)).one()
    aliases = session.exec(select(SourceAlias.normalized).where(SourceAlias.source_id == kirby.id)).all()
    assert sorted(aliases) == sorted(set(aliases)) and {"the nsc spokesman", "nsc spokesman"} <= set(aliases)
    assert {d.alias for d in session.exec(select(SourceDecision)).all()} >= {"the nsc spokesman", "nsc spokesman"}


def test_merge_names_sources_as_the_queries_do(session: Session) -> None:
    """Review A12: a source to merge is found by name, alias or surname; an unknown one gets "did you mean"."""
    from attribution.errors import QueryError, UnknownSourceError

    save_result(session, KIRBY)
    said = {"sentence": 0, "mention": "The NSC spokesman", "cue": "said", "content": "no", "entity": "NSC spokesman", "resolution": "alias"}
    save_result(session, make_result("The NSC spokesman said no.", [said], document="x.txt"))
    with pytest.raises(UnknownSourceError, match="did you mean John Kirby") as raised:
        merge_sources(session, "NSC spokesman", "Jon Kirbi")
    assert raised.value.suggestions[0] == "John Kirby"
    assert merge_sources(session, "The NSC spokesman", "Kirby").name == "John Kirby"  # an alias, a surname
    assert [s.name for s in session.exec(select(Source)).all()] == ["John Kirby"]
    grants = [{"sentence": i, "mention": name, "cue": "said", "content": f"c{i}", "entity": name} for i, name in enumerate(["Laura Grant", "Paul Grant"])]
    save_result(session, make_result("Laura Grant said c0.\nPaul Grant said c1.", grants, document="g.txt"))
    with pytest.raises(QueryError, match="'Grant' names 2 sources: Laura Grant, Paul Grant"):
        merge_sources(session, "Grant", "John Kirby")


def test_split_of_a_name_that_matches_nothing_is_an_error(session: Session) -> None:
    """Review A5: no alias row and no mention of the name: nothing is created and no decision recorded."""
    from attribution.errors import NotFoundError, UnknownSourceError

    save_result(session, KIRBY)
    with pytest.raises(UnknownSourceError, match="no source matches 'Nobody At All'"):
        split_alias(session, "Nobody At All")
    with pytest.raises(NotFoundError, match="'The Pentagon' is no alias or mention of John Kirby"):
        split_alias(session, "The Pentagon", "John Kirby")
    assert [s.name for s in session.exec(select(Source)).all()] == ["John Kirby"]
    assert session.exec(select(SourceDecision)).all() == []


def test_a_split_source_is_typed_as_the_linker_types_names(session: Session) -> None:
    """Review A5: "Department of Defense" split off a person is a government source, not a person with a surname."""
    from attribution.queries import who_said

    said = {"sentence": 0, "mention": "Department of Defense", "cue": "said", "content": "no", "entity": "John Kirby", "resolution": "alias"}
    save_result(session, KIRBY)
    save_result(session, make_result("Department of Defense said no.", [said], document="d.txt"))
    new = split_alias(session, "Department of Defense", "John Kirby")
    assert (new.name, new.type, new.surname) == ("Department of Defense", "government", None)
    assert [r.content for r in who_said(session, "Department of Defense")] == ["no"]
    assert "no" not in [r.content for r in who_said(session, "John Kirby")]
