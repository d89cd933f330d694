"""Queries, exports, claim matching, the query CLI and the Datasette view, on a small hand-made claim graph."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
import typer
from sqlalchemy import literal
from sqlmodel import Session, select
from typer.testing import CliRunner

from attribution import queries, similarity
from attribution.cli import app as main_app
from attribution.db.engine import make_engine
from attribution.db.models import Statement
from attribution.errors import AttributionError, EmbeddingsMissingError
from attribution.export import (
    claimreview_document,
    export_rows,
    with_claim_key,
    write_csv,
    write_export,
    write_jsonl,
)
from attribution.ingest import article_from_text
from attribution.query_cli import datasette_app, metadata_for, render_sources
from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan
from attribution.store import save_result
from tests.conftest import FakeEmbedder

DB = TypeVar("DB", str, Path)

PAIRS = Path(__file__).parent / "data" / "claim_pairs.jsonl"
KIRBY = {
    "entity": "John Kirby",
    "entity_type": "person",
    "role": "White House National Security Council spokesperson",
    "affiliation": "White House",
}
ZAKHAROVA = {"entity": "Maria Zakharova", "entity_type": "person", "role": "spokeswoman", "affiliation": "Russian Foreign Ministry"}


def _span(sentence: str, offset: int, part: str | None) -> TextSpan | None:
    if part is None:
        return None
    start = sentence.index(part)
    return TextSpan(offset + start, offset + start + len(part), part)


def build(
    document: str,
    sentences: Sequence[tuple[str, str, list[dict[str, Any]]]],
    model_version: str = "v1",
    **metadata: str | None,
) -> ArticleResult:
    """An ArticleResult from (sentence, label, attributions) triples; offsets are computed, never typed."""
    text = " ".join(s for s, _, _ in sentences)
    article = article_from_text(text, document, **metadata)
    results, offset = [], 0
    for index, (sentence, label, specs) in enumerate(sentences):
        attributions = [
            Attribution(
                source=_span(sentence, offset, spec.get("mention")),
                cue=_span(sentence, offset, spec.get("cue")),
                content=_span(sentence, offset, spec.get("content")),
                confidence=spec.get("confidence", 0.9),
                entity=spec.get("entity"),
                entity_type=spec.get("entity_type"),
                role=spec.get("role"),
                affiliation=spec.get("affiliation"),
                vague=spec.get("vague", False),
                via=spec.get("via"),
                resolution=spec.get("resolution", "named"),
            )
            for spec in specs
        ]
        results.append(SentenceResult(index, offset, offset + len(sentence), sentence, label, 0.95, attributions))
        offset += len(sentence) + 1
    return ArticleResult(article, results, model_version)


def said(mention: str, cue: str, content: str, **who: Any) -> dict[str, Any]:
    """One attribution spec for :func:`build`: the spans as written, then the resolved source's fields."""
    return {"mention": mention, "cue": cue, "content": content, **who}


# The three news articles: document, sentences (text, label, attributions) and metadata.
NEWS: dict[str, tuple[str, list[tuple[str, str, list[dict[str, Any]]]], dict[str, str]]] = {
    "aid": ("news/aid.txt", [
        ("White House spokesman John Kirby said the aid package would arrive within weeks.", "claim",
         [said("John Kirby", "said", "the aid package would arrive within weeks", **KIRBY)]),
        ('"We are not going to abandon Ukraine," Kirby told reporters.', "quote",
         [said("Kirby", "told", "We are not going to abandon Ukraine", **KIRBY)]),
        ("It was cold in Washington on Friday.", "context", []),
    ], {"title": "US aid to Ukraine on its way, White House says", "published": "2024-03-01",
        "url": "https://planet.example/aid", "publisher": "Daily Planet"}),
    "moscow": ("news/moscow.txt", [
        ('"Washington is prolonging the conflict," Maria Zakharova told Interfax.', "quote",
         [said("Maria Zakharova", "told", "Washington is prolonging the conflict", via="Interfax", **ZAKHAROVA)]),
        ("The aid package will arrive within weeks, officials said.", "claim",
         [said("officials", "said", "The aid package will arrive within weeks", entity="officials", entity_type="anonymous",
               vague=True, resolution="description", confidence=0.7)]),
    ], {"title": "Moscow accuses Washington over aid", "published": "2024-03-10",
        "url": "https://globe.example/moscow", "publisher": "Globe Wire"}),
    "pentagon": ("news/pentagon.txt", [
        ("Admiral Kirby said the aid package would arrive within weeks.", "claim",
         [said("Admiral Kirby", "said", "the aid package would arrive within weeks", **KIRBY, resolution="alias")]),
        ("The Pentagon said in a statement that 300 troops had been deployed to Poland.", "claim",
         [said("The Pentagon", "said", "300 troops had been deployed to Poland", entity="Pentagon", entity_type="government")]),
    ], {"title": "Pentagon sends troops to Poland", "published": "2024-04-02",
        "url": "https://planet.example/pentagon", "publisher": "Daily Planet"}),
}


def news_article(name: str) -> ArticleResult:
    document, sentences, metadata = NEWS[name]
    return build(document, sentences, **metadata)


LIBRARY_TEXT = [
    "Mayor Jane Doe said the library would close in June.",
    "Later she said the swimming pool would reopen in autumn.",
]


def library_article(version: str) -> ArticleResult:
    """Scored twice: v1 finds the library claim, v2 (a new model) only the pool claim."""
    mayor = {"entity": "Jane Doe", "entity_type": "person", "role": "mayor"}
    if version == "v1":
        specs = [
            (LIBRARY_TEXT[0], "claim", [{"mention": "Jane Doe", "cue": "said", "content": "the library would close in June", **mayor}]),
            (LIBRARY_TEXT[1], "context", []),
        ]
    else:
        specs = [
            (LIBRARY_TEXT[0], "context", []),
            (
                LIBRARY_TEXT[1],
                "claim",
                [
                    {
                        "mention": "she",
                        "cue": "said",
                        "content": "the swimming pool would reopen in autumn",
                        **mayor,
                        "resolution": "pronoun",
                    }
                ],
            ),
        ]
    return build("news/library.txt", specs, model_version=version, title="City budget", published="2024-02-15")


def populate(session: Session) -> None:
    for result in (*(news_article(name) for name in NEWS), library_article("v1")):
        assert save_result(session, result) == "stored"


@pytest.fixture
def session() -> Iterator[Session]:
    engine = make_engine(":memory:")
    with Session(engine) as s:
        populate(s)
        yield s
    engine.dispose()


def populated(db: DB) -> DB:
    """The database ``db`` (a SQLite path or a PostgreSQL URL) with the four articles stored."""
    engine = make_engine(db)
    with Session(engine) as s:
        populate(s)
    engine.dispose()
    return db


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return populated(tmp_path / "news.db")


# --- who_said / timeline -----------------------------------------------------------------------


def test_who_said_matches_name_surname_and_alias_case_insensitively(session: Session) -> None:
    by_name = queries.who_said(session, "john kirby")
    assert [r.source for r in by_name] == ["John Kirby"] * 3
    assert [r.statement_id for r in queries.who_said(session, "KIRBY")] == [r.statement_id for r in by_name]
    assert [r.statement_id for r in queries.who_said(session, "Admiral  Kirby")] == [r.statement_id for r in by_name]
    with pytest.raises(queries.UnknownSourceError, match="no source matches 'Nobody Atall'"):
        queries.who_said(session, "Nobody Atall")


def test_unknown_source_suggests_the_closest_names(session: Session) -> None:
    with pytest.raises(queries.UnknownSourceError) as caught:
        queries.who_said(session, "Jon Kirbi")
    assert caught.value.suggestions == ["John Kirby"]
    assert str(caught.value) == "no source matches 'Jon Kirbi'; did you mean John Kirby?"
    with pytest.raises(queries.UnknownSourceError, match="attribution sources"):
        queries.timeline(session, "Quetzalcoatl")


def test_min_confidence_filters_statements(session: Session) -> None:
    # Stored confidences are calibrated probabilities (attribution.calibration), not the fixture's 0.9.
    confidences = [r.confidence for r in queries.who_said(session, "Kirby")]
    assert len(confidences) == 3 and len(set(confidences)) > 1
    for bound in confidences:
        assert len(queries.who_said(session, "Kirby", min_confidence=bound)) == sum(c >= bound for c in confidences)
    assert queries.who_said(session, "Kirby", min_confidence=max(confidences) + 0.001) == []
    everything = [r["confidence"] for r in export_rows(session)]
    bound = sorted(everything)[1]
    assert len(everything) == 7 and len(export_rows(session, min_confidence=bound)) == sum(c >= bound for c in everything)


def test_who_said_newest_first_with_all_fields(session: Session) -> None:
    rows = queries.who_said(session, "Kirby")
    assert [r.published for r in rows] == ["2024-04-02", "2024-03-01", "2024-03-01"]
    assert [r.content for r in rows[1:]] == ["the aid package would arrive within weeks", "We are not going to abandon Ukraine"]
    newest = rows[0]
    assert newest.title == "Pentagon sends troops to Poland"
    assert newest.url == "https://planet.example/pentagon"
    assert newest.cue == "said" and newest.mention == "Admiral Kirby" and newest.resolution == "alias"
    assert newest.sentence == "Admiral Kirby said the aid package would arrive within weeks."
    assert newest.kind == "claim" and 0.0 < newest.confidence < 1.0  # calibrated, see test_calibration.py


def test_who_said_via_source(session: Session) -> None:
    (row,) = queries.who_said(session, "Zakharova")
    assert row.via == "Interfax" and row.kind == "quote" and row.source == "Maria Zakharova"


def test_who_said_filters(session: Session) -> None:
    assert [r.published for r in queries.who_said(session, "Kirby", since="2024-03-02")] == ["2024-04-02"]
    assert [r.published for r in queries.who_said(session, "Kirby", until="2024-03-01")] == ["2024-03-01"] * 2
    assert queries.who_said(session, "Kirby", since="2024-03-02", until="2024-03-31") == []
    assert [r.kind for r in queries.who_said(session, "Kirby", kind="quote")] == ["quote"]
    assert len(queries.who_said(session, "Kirby", limit=1)) == 1
    with pytest.raises(queries.QueryError, match="kind"):
        queries.who_said(session, "Kirby", kind="rumour")
    with pytest.raises(queries.QueryError, match="YYYY-MM-DD"):
        queries.who_said(session, "Kirby", since="last week")


def test_timeline_oldest_first(session: Session) -> None:
    rows = queries.timeline(session, "John Kirby")
    assert [r.published for r in rows] == ["2024-03-01", "2024-03-01", "2024-04-02"]
    assert rows[0].sentence_index == 0 and rows[1].sentence_index == 1
    assert [r.published for r in queries.timeline(session, "John Kirby", since="2024-03-02")] == ["2024-04-02"]
    assert [r.kind for r in queries.timeline(session, "John Kirby", kind="quote", limit=5)] == ["quote"]


@pytest.mark.parametrize("filters", [{}, {"since": "2024-03-01"}, {"until": "2024-03-01"}, {"kind": "claim"}, {"min_confidence": 0.01}])
def test_timeline_is_who_said_in_date_order(session: Session, filters: dict) -> None:
    """Review C3: one query, two orders: the same statements, articles reversed, each article in reading order."""
    def by_article(rows: list[queries.StatementRow]) -> list[list[int]]:
        return [[r.statement_id for r in rows if r.article_id == a] for a in dict.fromkeys(r.article_id for r in rows)]

    newest, oldest = queries.who_said(session, "Kirby", **filters), queries.timeline(session, "Kirby", **filters)
    assert sorted(r.statement_id for r in newest) == sorted(r.statement_id for r in oldest) != []
    assert by_article(newest) == by_article(oldest)[::-1]


# --- said_about (FTS) --------------------------------------------------------------------------


def test_said_about_ranks_and_highlights(session: Session) -> None:
    hits = queries.said_about(session, "aid package")
    assert len(hits) == 3
    assert all("[aid]" in h.snippet and "[package]" in h.snippet for h in hits)
    assert {h.source for h in hits} == {"John Kirby", "officials"}
    assert hits == sorted(hits, key=lambda h: h.score)
    troops = queries.said_about(session, "troops Poland")
    assert [(h.source, h.title) for h in troops] == [("Pentagon", "Pentagon sends troops to Poland")]
    assert queries.said_about(session, "aid", limit=1)[0].statement_id == hits[0].statement_id


def test_said_about_uses_stemming_and_ignores_mentions(session: Session) -> None:
    assert [h.source for h in queries.said_about(session, "prolonged")] == ["Maria Zakharova"]
    assert queries.said_about(session, "officials") == []  # a mention, not something said


@pytest.mark.parametrize("text", ['aid "package', "aid AND OR NOT", "aid)(*", "content: aid", "NEAR(aid", "aid-package", "U.S. aid's"])
def test_said_about_survives_punctuation_and_operators(session: Session, text: str) -> None:
    queries.said_about(session, text)  # must not raise an FTS syntax error


def test_said_about_ranks_only_the_newest_matches_of_a_common_word(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    newest = max(h.statement_id for h in queries.said_about(session, "aid package"))
    monkeypatch.setattr(queries, "MAX_RANKED", 1)
    assert [h.statement_id for h in queries.said_about(session, "aid package")] == [newest]


@pytest.mark.parametrize("text", ["?! --", "", "   "])
def test_both_backends_read_the_same_search_words(text: str) -> None:
    """Review C1: SQLite's MATCH expression is built from the words PostgreSQL searches for; no word, one error."""
    assert queries._search_terms('U.S. "aid" ?! package') == ["U.S.", '"aid"', "package"]
    assert queries.fts_query('U.S. "aid" ?! package') == 'content : ("U.S." """aid""" "package")'
    for read in (queries._search_terms, queries.fts_query):
        with pytest.raises(queries.QueryError, match=f"^nothing to search for in {re.escape(repr(text))}; give at least one word$"):
            read(text)


def test_said_about_needs_a_word(session: Session) -> None:
    with pytest.raises(queries.QueryError, match="nothing to search"):
        queries.said_about(session, "?! --")


def test_fts_follows_a_re_score(session: Session) -> None:
    assert [h.source for h in queries.said_about(session, "library")] == ["Jane Doe"]
    assert queries.said_about(session, "swimming pool") == []
    assert save_result(session, library_article("v2")) == "replaced"
    assert queries.said_about(session, "library") == []
    (hit,) = queries.said_about(session, "swimming pool")
    assert hit.source == "Jane Doe" and "[swimming] [pool]" in hit.snippet
    assert [r.content for r in queries.who_said(session, "Doe")] == ["the swimming pool would reopen in autumn"]


# --- list_sources / show_article ---------------------------------------------------------------


def test_list_sources_counts_dates_aliases(session: Session) -> None:
    by_name = {s.name: s for s in queries.list_sources(session)}
    kirby = by_name["John Kirby"]
    assert (kirby.claims, kirby.quotes, kirby.statements) == (2, 1, 3)
    assert (kirby.first_seen, kirby.last_seen) == ("2024-03-01", "2024-04-02")
    assert set(kirby.aliases) == {"Kirby", "Admiral Kirby"}
    assert kirby.role == KIRBY["role"]
    assert by_name["Interfax"].statements == 0 and by_name["Interfax"].first_seen is None
    assert queries.list_sources(session)[0].name == "John Kirby"  # most cited first


def test_list_sources_filters(session: Session) -> None:
    assert [s.name for s in queries.list_sources(session, type="government")] == ["Pentagon"]
    assert [s.name for s in queries.list_sources(session, vague=True)] == ["officials"]
    assert "officials" not in {s.name for s in queries.list_sources(session, vague=False)}
    assert [s.name for s in queries.list_sources(session, min_statements=2)] == ["John Kirby"]


def test_show_article_by_id_hash_and_title(session: Session) -> None:
    aid = news_article("aid").article
    view = queries.show_article(session, aid.content_hash[:10])
    assert view.title == aid.title and view.publisher == "Daily Planet" and view.model_version == "v1"
    assert [(s.index, s.label) for s in view.sentences] == [(0, "claim"), (1, "quote"), (2, "context")]
    assert view.sentences[0].confidence == pytest.approx(0.95)
    assert [s.source for s in view.statements] == ["John Kirby", "John Kirby"]
    assert queries.show_article(session, view.id).content_hash == aid.content_hash
    assert queries.show_article(session, str(view.id)).id == view.id
    assert queries.show_article(session, "moscow accuses").document == "news/moscow.txt"
    assert queries.show_article(session, "pentagon.txt").title == "Pentagon sends troops to Poland"
    assert view.as_dict()["sentences"][2]["text"] == "It was cold in Washington on Friday."


def test_show_article_errors(session: Session) -> None:
    with pytest.raises(queries.NotFoundError):
        queries.show_article(session, "no such headline")
    with pytest.raises(queries.QueryError, match="articles match"):
        queries.show_article(session, "news/")
    with pytest.raises(queries.QueryError):
        queries.show_article(session, "  ")
    assert issubclass(queries.QueryError, AttributionError)


# --- export ------------------------------------------------------------------------------------


def test_export_rows_and_first_appearance(session: Session) -> None:
    rows = export_rows(session)
    assert len(rows) == 7
    later = next(r for r in rows if r["title"] == "Pentagon sends troops to Poland" and r["source"] == "John Kirby")
    assert later["first_title"] == "US aid to Ukraine on its way, White House says"
    assert later["first_published"] == "2024-03-01" and later["first_url"] == "https://planet.example/aid"
    assert [r["source"] for r in export_rows(session, source="kirby")] == ["John Kirby"] * 3
    assert {r["title"] for r in export_rows(session, article="Moscow")} == {"Moscow accuses Washington over aid"}
    with pytest.raises(queries.NotFoundError):
        export_rows(session, source="Nobody")
    keyed = with_claim_key(select(literal('"We are NOT going,"  he').label("content")))
    assert session.exec(select(keyed.c.claim_key)).one() == "we are not going he"


def test_export_writers(session: Session) -> None:
    rows = export_rows(session, source="Zakharova")
    out = io.StringIO()
    write_jsonl(rows, out)
    (record,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert record["via"] == "Interfax" and record["content"] == "Washington is prolonging the conflict"
    out = io.StringIO()
    write_csv(rows, out)
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["source"] == "Maria Zakharova" and row["kind"] == "quote"
    with pytest.raises(queries.QueryError, match="unknown"):
        write_export(rows, "xml", io.StringIO())


def test_claimreview_json_ld(session: Session) -> None:
    out = io.StringIO()
    write_export(export_rows(session), "claimreview", out)
    claims = json.loads(out.getvalue())
    assert isinstance(claims, list) and len(claims) == 7
    assert all(c["@context"] == "https://schema.org" and c["@type"] == "Claim" for c in claims)
    assert "rating" not in out.getvalue().lower() and "reviewRating" not in out.getvalue()
    repeat = next(c for c in claims if c["appearance"].get("headline") == "Pentagon sends troops to Poland" and c["author"]["name"] == "John Kirby")
    assert repeat["text"] == "the aid package would arrive within weeks"
    assert repeat["author"] == {
        "@type": "Person",
        "name": "John Kirby",
        "jobTitle": KIRBY["role"],
        "affiliation": {"@type": "Organization", "name": "White House"},
    }
    assert repeat["appearance"] == {
        "@type": "NewsArticle",
        "url": "https://planet.example/pentagon",
        "headline": "Pentagon sends troops to Poland",
        "publisher": {"@type": "Organization", "name": "Daily Planet"},
        "datePublished": "2024-04-02",
    }
    assert repeat["firstAppearance"]["url"] == "https://planet.example/aid"
    assert repeat["firstAppearance"]["datePublished"] == repeat["datePublished"] == "2024-03-01"
    pentagon = next(c for c in claims if c["author"]["name"] == "Pentagon")
    assert pentagon["author"] == {"@type": "Organization", "name": "Pentagon"}  # no jobTitle for an organisation
    undated = claimreview_document([{"content": "x", "source": None, "title": "t", "url": None, "publisher": None, "published": None}])
    assert undated == [{"@context": "https://schema.org", "@type": "Claim", "text": "x", "appearance": {"@type": "NewsArticle", "headline": "t"}}]


# --- similarity (fake embedder) ----------------------------------------------------------------


def test_embeddings_are_stored_once(session: Session) -> None:
    embedder = FakeEmbedder()
    assert similarity.ensure_embeddings(session, embedder) == 7
    assert similarity.ensure_embeddings(session, embedder) == 0
    blobs = session.exec(select(Statement.embedding)).all()
    assert all(b is not None and len(b) == FakeEmbedder.dimension * 4 for b in blobs)
    save_result(session, library_article("v2"))
    assert similarity.ensure_embeddings(session, embedder) == 1  # only the re-scored statement


def test_queries_need_stored_embeddings_and_never_compute_them(session: Session) -> None:
    with pytest.raises(EmbeddingsMissingError, match="attribution embed"):
        similarity.repeats(session)
    embedder = FakeEmbedder()
    with pytest.raises(EmbeddingsMissingError):
        similarity.similar(session, embedder, "aid package")
    assert embedder.calls == 0  # nothing to compare with: the encoder is not even loaded
    assert similarity.missing_embeddings(session) == 7
    done: list[tuple[int, int]] = []
    assert similarity.ensure_embeddings(session, embedder, batch_size=3, progress=lambda d, t: done.append((d, t))) == 7
    assert done == [(3, 7), (6, 7), (7, 7)] and similarity.missing_embeddings(session) == 0
    save_result(session, library_article("v2"))
    assert similarity.missing_embeddings(session) == 1
    calls = embedder.calls
    assert len(similarity.similar(session, embedder, "the swimming pool would reopen in autumn", threshold=0.99)) == 0
    assert embedder.calls == calls + 1  # the query text only
    assert similarity.missing_embeddings(session) == 1  # a query wrote nothing


def test_repeats_groups_across_articles(session: Session) -> None:
    similarity.ensure_embeddings(session, FakeEmbedder())
    groups = similarity.repeats(session, threshold=0.8)
    assert len(groups) == 1
    (group,) = groups
    assert group.articles == 3
    assert group.first.title == "US aid to Ukraine on its way, White House says" and group.first.published == "2024-03-01"
    assert group.content == "the aid package would arrive within weeks"
    assert [a.published for a in group.appearances] == ["2024-03-01", "2024-03-10", "2024-04-02"]
    assert group.sources == ["John Kirby", "officials"]
    assert group.appearances[0].similarity == pytest.approx(1.0)
    assert 0.8 <= group.appearances[1].similarity < 1.0
    assert similarity.repeats(session, threshold=0.8, min_articles=4) == []
    assert similarity.repeats(session, threshold=0.8, kind="quote") == []
    assert similarity.repeats(session, threshold=0.8, min_confidence=0.95) == []
    # Only identical text at a threshold of 1: the paraphrase in the Moscow article drops out.
    (exact,) = similarity.repeats(session, threshold=0.999)
    assert exact.articles == 2


def test_similar(session: Session) -> None:
    similarity.ensure_embeddings(session, FakeEmbedder())
    matches = similarity.similar(session, FakeEmbedder(), "Will the aid package arrive within weeks?", threshold=0.5, limit=5)
    assert len(matches) == 3 and matches[0].similarity >= matches[-1].similarity >= 0.5
    assert {m.source for m in matches} == {"John Kirby", "officials"}
    assert len(similarity.similar(session, FakeEmbedder(), "aid package arrive weeks", threshold=0.5, limit=1)) == 1
    assert similarity.similar(session, FakeEmbedder(), "bananas are yellow", threshold=0.5) == []
    with pytest.raises(queries.QueryError):
        similarity.similar(session, FakeEmbedder(), "  ")


def test_threshold_report_and_choice() -> None:
    pairs = similarity.load_pairs(PAIRS)
    assert len(pairs) >= 40 and sum(p.same for p in pairs) == len(pairs) // 2
    report = similarity.threshold_report(pairs, FakeEmbedder(), [0.0, 0.5, 1.01])
    assert report[0].recall == 1.0 and report[0].precision == pytest.approx(0.5)
    assert report[-1].true_positives == 0 and report[-1].recall == 0.0
    best = similarity.best_threshold(report, min_precision=0.0)
    assert best.f1 == max(r.f1 for r in report)


# --- CLI ---------------------------------------------------------------------------------------


@pytest.fixture
def cli() -> typer.Typer:
    return main_app


def invoke(app: typer.Typer, *args: str) -> Any:
    # A wide terminal, so table cells are not wrapped in the middle of the phrases checked for.
    return CliRunner(env={"COLUMNS": "250"}).invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_cli_who_said_formats(cli: typer.Typer, db_path: Path, fmt: str) -> None:
    result = invoke(cli, "who-said", "Kirby", "--db", db_path, "--format", fmt)
    assert result.exit_code == 0, result.output
    out = result.stdout
    if fmt == "table":
        assert "John Kirby" in out and "2024-04-02" in out
    elif fmt == "json":
        rows = json.loads(out)
        assert [r["published"] for r in rows] == ["2024-04-02", "2024-03-01", "2024-03-01"]
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.splitlines()]
        assert len(rows) == 3 and rows[0]["mention"] == "Admiral Kirby"
    else:
        rows = list(csv.DictReader(io.StringIO(out)))
        assert len(rows) == 3 and rows[0]["title"] == "Pentagon sends troops to Poland"
    assert result.stderr == ""


def test_cli_who_said_filters_and_no_match(cli: typer.Typer, db_path: Path) -> None:
    result = invoke(cli, "who-said", "kirby", "--since", "2024-03-02", "--kind", "claim", "--db", db_path, "-f", "json")
    assert result.exit_code == 0 and [r["published"] for r in json.loads(result.stdout)] == ["2024-04-02"]
    result = invoke(cli, "who-said", "kirby", "--until", "2024-03-01", "--kind", "quote", "--db", db_path, "-f", "jsonl")
    assert [json.loads(line)["kind"] for line in result.stdout.splitlines()] == ["quote"]
    result = invoke(cli, "who-said", "Kirby", "--since", "2030-01-01", "--db", db_path)
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.strip() == "no statements found for Kirby"
    result = invoke(cli, "who-said", "Kirby", "--since", "2030-01-01", "--db", db_path, "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert invoke(cli, "who-said", "Kirby", "--kind", "rumour", "--db", db_path).exit_code == 2
    bad_date = invoke(cli, "who-said", "Kirby", "--since", "yesterday", "--db", db_path)
    assert bad_date.exit_code == 1 and bad_date.stderr == "Error: since='yesterday' is not a date; use YYYY-MM-DD\n"


def test_cli_missing_database(cli: typer.Typer, tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = invoke(cli, "who-said", "Kirby", "--db", missing)
    assert result.exit_code == 1 and "does not exist" in result.stderr and not missing.exists()


def test_cli_db_from_environment(cli: typer.Typer, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTRIBUTION_DB", str(db_path))
    result = invoke(cli, "timeline", "Zakharova", "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)[0]["via"] == "Interfax"


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_cli_said_about_and_timeline(cli: typer.Typer, db_path: Path, fmt: str) -> None:
    result = invoke(cli, "said-about", "troops", "--db", db_path, "-f", fmt)
    assert result.exit_code == 0, result.output
    assert "Pentagon" in result.stdout and "[troops]" in result.stdout
    result = invoke(cli, "timeline", "John Kirby", "--db", db_path, "-f", fmt)
    assert result.exit_code == 0 and result.stdout.index("2024-03-01") < result.stdout.index("2024-04-02")
    result = invoke(cli, "said-about", "bananas", "--db", db_path, "-f", fmt)
    assert result.exit_code == 0 and "no statements match bananas" in result.stderr


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_cli_show(cli: typer.Typer, db_path: Path, fmt: str) -> None:
    result = invoke(cli, "show", "Moscow", "--db", db_path, "-f", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        article = json.loads(result.stdout)
        assert article["publisher"] == "Globe Wire" and [s["label"] for s in article["sentences"]] == ["quote", "claim"]
        assert article["statements"][0]["via"] == "Interfax"
    elif fmt == "jsonl":
        first = json.loads(result.stdout.splitlines()[0])
        assert first["sources"] == ["Maria Zakharova"] and first["statements"][0]["cue"] == "told"
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert [r["label"] for r in rows] == ["quote", "claim"] and rows[1]["sources"] == "officials"
    else:
        assert "Moscow accuses Washington over aid" in result.stdout and "Globe Wire" in result.stdout
        assert "quote" in result.stdout and "officials" in result.stdout
    missing = invoke(cli, "show", "nothing like it", "--db", db_path)
    assert missing.exit_code == 1 and missing.stderr == "Error: no article matches 'nothing like it'\n"


def test_render_sources(session: Session, capsys: pytest.CaptureFixture[str]) -> None:
    rows = queries.list_sources(session, min_statements=1)
    render_sources(rows, "json")
    data = json.loads(capsys.readouterr().out)
    assert data[0]["name"] == "John Kirby" and data[0]["statements"] == 3 and "Kirby" in data[0]["aliases"]
    render_sources(rows, "csv")
    first = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert first["claims"] == "2" and set(first["aliases"].split("; ")) == {"Kirby", "Admiral Kirby"}
    render_sources(rows, "table")
    assert "Pentagon" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_cli_repeats_and_similar(cli: typer.Typer, db_path: Path, fake_embedder: FakeEmbedder, fmt: str) -> None:
    before = invoke(cli, "repeats", "--db", db_path, "-f", fmt)
    assert before.exit_code == 1
    assert before.stderr == "Error: no statement has an embedding yet; run `attribution embed` first\n"
    embedded = invoke(cli, "embed", "--db", db_path)
    assert embedded.exit_code == 0 and embedded.stderr == "embedded 7 statements\n"
    result = invoke(cli, "repeats", "--threshold", "0.8", "--db", db_path, "-f", fmt)
    assert result.exit_code == 0, result.output
    assert "the aid package would arrive within weeks" in result.stdout
    if fmt == "json":
        (group,) = json.loads(result.stdout)
        assert group["articles"] == 3 and group["first"]["published"] == "2024-03-01"
    result = invoke(cli, "repeats", "--threshold", "0.8", "--min-articles", "4", "--db", db_path, "-f", fmt)
    assert result.exit_code == 0 and "no claim appears in 4 or more articles" in result.stderr
    result = invoke(cli, "similar", "300 troops deployed to Poland", "--threshold", "0.5", "--db", db_path, "-f", fmt)
    assert result.exit_code == 0 and "300 troops had been deployed to Poland" in result.stdout
    assert fake_embedder.calls > 0


def test_cli_export(cli: typer.Typer, db_path: Path, tmp_path: Path) -> None:
    result = invoke(cli, "export", "--format", "claimreview", "--source", "Zakharova", "--db", db_path)
    assert result.exit_code == 0, result.output
    (claim,) = json.loads(result.stdout)
    assert claim["@type"] == "Claim" and claim["author"]["jobTitle"] == "spokeswoman"
    result = invoke(cli, "export", "--db", db_path)  # jsonl by default
    assert len(result.stdout.splitlines()) == 7
    target = tmp_path / "out.csv"
    result = invoke(cli, "export", "-f", "csv", "--article", "Pentagon sends", "--output", target, "--db", db_path)
    assert result.exit_code == 0 and result.stdout == "" and "wrote 2 statements" in result.stderr
    assert [r["source"] for r in csv.DictReader(target.open(encoding="utf-8"))] == ["John Kirby", "Pentagon"]
    assert invoke(cli, "export", "-f", "xml", "--db", db_path).exit_code == 2


def test_cli_browse_without_datasette(cli: typer.Typer, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasette", None)
    monkeypatch.setitem(sys.modules, "datasette.app", None)
    result = invoke(cli, "browse", "--db", db_path)
    assert result.exit_code == 1
    assert result.stderr == "Error: Datasette is not installed; run pip install -e '.[browse]'\n"


# --- Datasette ---------------------------------------------------------------------------------


def test_metadata_names_tables_and_views(db_path: Path) -> None:
    metadata = metadata_for(db_path)
    tables = metadata["databases"]["news"]["tables"]
    assert {"article", "sentence", "source", "source_alias", "statement", "statements_by_source", "article_sentences"} <= set(tables)
    assert tables["source"]["label_column"] == "name" and metadata["title"]


def test_datasette_lists_a_sources_statements(db_path: Path) -> None:
    pytest.importorskip("datasette")
    ds = datasette_app(db_path)

    async def fetch() -> tuple[Any, Any, Any]:
        data = await ds.client.get("/news/statements_by_source.json?source=John+Kirby&_shape=array")
        page = await ds.client.get("/news/statements_by_source?source=John+Kirby")
        search = await ds.client.get("/news/statements_by_source.json?_search=troops&_shape=array")
        return data, page, search

    data, page, search = asyncio.run(fetch())
    assert data.status_code == 200
    rows = data.json()
    assert len(rows) == 3 and {r["article"] for r in rows} == {"US aid to Ukraine on its way, White House says", "Pentagon sends troops to Poland"}
    assert page.status_code == 200
    assert "We are not going to abandon Ukraine" in page.text and "Statements by source" in page.text
    assert [r["source"] for r in search.json()] == ["Pentagon"]


def test_datasette_pages_a_fact_checker_uses(db_path: Path) -> None:
    """The index links the main tables and views; statements link to their article, sentence and source."""
    pytest.importorskip("datasette")
    engine = make_engine(db_path)
    with Session(engine) as s:
        similarity.ensure_embeddings(s, FakeEmbedder())  # an embedding to hide
    engine.dispose()
    ds = datasette_app(db_path)

    async def fetch(*paths: str) -> list[Any]:
        troops = await ds.client.get("/news/statement.json?_search=troops&_shape=array")
        (statement,) = troops.json()
        return [await ds.client.get(path.format(statement["id"])) for path in paths]

    index, statements, search, sentences, css, row = asyncio.run(
        fetch(
            "/",
            "/news/statement?_search=troops",
            "/news/statement.json?_search=aid+package&_shape=array&_labels=on",
            "/news/article_sentences.json?_search=cold&_shape=array",
            "/attribution-static/attribution.css",
            "/news/statement/{}",
        )
    )
    assert all(r.status_code == 200 for r in (index, statements, search, sentences, css, row))
    for link in ("/news/statement?", "/news/statements_by_source", "/news/article_sentences"):
        assert f'href="{link}' in index.text  # the views are on the index page, not behind "…"
    assert "/attribution-static/attribution.css" in statements.text
    assert "td.col-embedding" in css.text and "dl.column-descriptions" in css.text
    # A searched statement links to its sentence, article and source, labelled.
    assert "300 troops had been deployed to Poland" in statements.text
    assert re.search(r'href="/news/article/\d+">Pentagon sends troops to Poland</a>', statements.text)
    assert re.search(r'href="/news/sentence/\d+">The Pentagon said in a statement', statements.text)
    assert re.search(r'href="/news/source/\d+">Pentagon</a>', statements.text)
    rows = search.json()
    assert len(rows) == 3 and all(r["article_id"]["label"] for r in rows)
    # A statement's own page links them too (the project's plugin; Datasette shows bare ids there).
    assert re.search(r'href="/news/article/\d+">Pentagon sends troops to Poland</a>', row.text)
    assert re.search(r'href="/news/source/\d+">Pentagon</a>', row.text)
    assert [r["text"] for r in sentences.json()] == ["It was cold in Washington on Friday."]


# --- the real encoder --------------------------------------------------------------------------


@pytest.mark.slow
def test_minilm_threshold_and_similar(session: Session) -> None:
    pytest.importorskip("sentence_transformers")
    embedder = similarity.Embedder()
    report = similarity.threshold_report(similarity.load_pairs(PAIRS), embedder, [similarity.DEFAULT_THRESHOLD])
    assert report[0].precision == pytest.approx(similarity.MEASURED_PRECISION, abs=1e-3)
    assert report[0].recall == pytest.approx(similarity.MEASURED_RECALL, abs=1e-3)
    similarity.ensure_embeddings(session, embedder)  # what `attribution embed` does: queries never embed
    matches = similarity.similar(session, embedder, "Ukraine will receive the aid package in a few weeks")
    assert matches and matches[0].content is not None and "aid package" in matches[0].content.lower()
    (group,) = similarity.repeats(session)
    assert group.articles == 3 and group.first.published == "2024-03-01"


# --- tables at 80 columns ----------------------------------------------------------------------

LONG_CLAIM = (
    "the reconstruction programme for the eastern provinces, which parliament approved after months of "
    "negotiation between the coalition partners, would be extended by another three years, that its budget "
    "would be doubled to cover the repair of schools, hospitals, bridges and railway lines damaged during the "
    "winter offensive, and that international auditors would publish quarterly reports on every contract "
    "awarded under it, so that donors and taxpayers alike could follow where each payment went"
)
LONG_SOURCE = {
    "entity": "Jonathan Quincy Longname-Smythe",
    "entity_type": "person",
    "role": "Deputy Assistant Secretary of State for Eastern European and Eurasian Affairs",
}


def long_article() -> ArticleResult:
    sentence = f"Deputy Assistant Secretary Jonathan Quincy Longname-Smythe said {LONG_CLAIM}."
    return build(
        "news/reconstruction.txt",
        [(sentence, "claim", [{"mention": "Jonathan Quincy Longname-Smythe", "cue": "said", "content": LONG_CLAIM, **LONG_SOURCE}])],
        title="Reconstruction programme extended by three years as auditors promise quarterly reports on contracts",
        published="2024-05-01",
    )


@pytest.fixture
def wide_db(db_path: Path, fake_embedder: FakeEmbedder) -> Path:
    engine = make_engine(db_path)
    with Session(engine) as s:
        save_result(s, long_article())
        similarity.ensure_embeddings(s, fake_embedder)
    engine.dispose()
    return db_path


def _records(table: str) -> list[list[str]]:
    """Each row of a table: its field line, then its text lines (indented below the first column)."""
    lines = table.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
    records: list[list[str]] = []
    for line in lines[rule + 1 :]:
        if line[:2].strip():
            records.append([line])
        else:
            records[-1].append(line)
    return records


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'-]+", text)


QUERY_TABLES = [
    ("who-said", "Longname-Smythe"),
    ("timeline", "Kirby"),
    ("said-about", "reconstruction programme"),
    ("show", "reconstruction"),
    ("similar", LONG_CLAIM[:200], "--threshold", "0.3"),
    ("repeats", "--threshold", "0.8"),
    ("sources",),
]


@pytest.mark.parametrize("args", QUERY_TABLES, ids=[a[0] for a in QUERY_TABLES])
def test_tables_read_at_80_columns(wide_db: Path, args: tuple[str, ...]) -> None:
    result = CliRunner(env={"COLUMNS": "80"}).invoke(main_app, [*args, "--db", str(wide_db)])
    assert result.exit_code == 0, result.output
    data = CliRunner().invoke(main_app, [*args, "--db", str(wide_db), "-f", "json"]).stdout
    known = set(_words(data))  # every word the rows hold: a word broken across lines is not one of them
    assert all(len(line) <= 80 for line in result.stdout.splitlines()), result.stdout
    records = _records(result.stdout)
    assert records
    for record in records:
        text = record[1:]
        assert len(record) <= 6, record  # the row's fields and at most five lines of its text
        words = [w for line in text for w in _words(line)]
        assert all(w in known for w in words), [w for w in words if w not in known]
    if args[0] in ("who-said", "similar"):
        (long_row,) = [r for r in records if "Jonathan" in r[0]]
        assert long_row[-1].endswith("…") and len(long_row) == 6  # cut after five lines, between words
        statement_id = json.loads(data)[0]["statement_id"]
        assert long_row[0].split()[0] == str(statement_id)  # the id for the next command
        assert "2024-05-01" in long_row[0] and "Reconstruction" in long_row[0]


def test_tables_drop_empty_columns_and_keep_full_values_when_piped(wide_db: Path) -> None:
    narrow = CliRunner(env={"COLUMNS": "80"}).invoke(main_app, ["who-said", "Kirby", "--db", str(wide_db)]).stdout
    header = narrow.splitlines()[1]
    assert header.split() == ["ID", "Date", "Source", "Kind", "Cue", "Conf.", "Art.", "Headline"]
    undated = CliRunner(env={"COLUMNS": "80"}).invoke(main_app, ["show", "Moscow", "--db", str(wide_db)]).stdout
    assert "Date" not in undated
    piped = CliRunner(env={"COLUMNS": ""}).invoke(main_app, ["who-said", "Longname-Smythe", "--db", str(wide_db)]).stdout
    assert LONG_CLAIM in piped and long_article().article.title in piped  # nothing cut, one line each
    assert len(piped.splitlines()) == 5


def test_queries_open_a_read_only_database(wide_db: Path) -> None:
    import os
    import stat

    wide_db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    before = wide_db.read_bytes()
    commands = [
        ["who-said", "Kirby"],
        ["timeline", "Kirby"],
        ["said-about", "troops"],
        ["show", "1"],
        ["sources"],
        ["repeats", "--threshold", "0.8"],
        ["similar", "aid package"],
        ["export", "-f", "csv"],
    ]
    for command in commands:
        result = CliRunner().invoke(main_app, [*command, "--db", str(wide_db)])
        assert result.exit_code == 0, (command, result.output)
    assert wide_db.read_bytes() == before
    from attribution.db.engine import make_read_only_engine

    engine = make_read_only_engine(wide_db)
    with Session(engine) as s, pytest.raises(Exception, match="readonly|read-only"):
        s.exec(select(Statement)).first()
        s.connection().exec_driver_sql("DELETE FROM statement")
    engine.dispose()
    os.chmod(wide_db, stat.S_IRUSR | stat.S_IWUSR)
