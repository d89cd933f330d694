"""PostgreSQL for real: the same articles into SQLite and into a real PostgreSQL server give the same exports
and the same answers from every query command (said-about: the same statements, PostgreSQL's own ranking)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session
from typer.testing import CliRunner

from attribution.cli import app
from attribution.db.engine import make_engine
from tests.conftest import SEED, FakeEmbedder
from tests.test_queries import populated

runner = CliRunner()
_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")


def cli(*args: object) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, (args, result.output)
    return _TIME.sub("<scored_at>", result.stdout)


QUERIES: list[tuple[object, ...]] = [
    ("sources",),
    ("sources", "--ambiguous"),
    ("sources", "--type", "person", "--min", "1"),
    ("who-said", "John Kirby"),
    ("who-said", "Kirby", "--kind", "quote"),
    ("timeline", "Maria Zakharova"),
    ("timeline", "Kirby", "--since", "2024-03-02"),
    ("show", "1"),
    ("show", "news/pentagon.txt"),
]
EXPORTS = ["jsonl", "csv", "claimreview"]


def answers(db: str) -> dict[str, str]:
    out = {" ".join(map(str, q)): cli(*q, "--db", db, "-f", "json") for q in QUERIES}
    for fmt in EXPORTS:
        out[f"export {fmt}"] = cli("export", "-f", fmt, "--db", db)
    return out


def test_every_query_and_export_is_the_same_on_sqlite_and_postgres(postgres_url: str, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    sqlite = populated(str(tmp_path / "news.db"))
    postgres = populated(postgres_url)
    assert answers(postgres) == answers(sqlite)

    # said-about: the same statements on both; PostgreSQL ranks with ts_rank_cd and highlights with ts_headline.
    for words in ("aid package", "troops Poland", "Washington"):
        lite = json.loads(cli("said-about", words, "--db", sqlite, "-f", "json"))
        pg = json.loads(cli("said-about", words, "--db", postgres, "-f", "json"))
        assert lite, words
        assert sorted(h["statement_id"] for h in pg) == sorted(h["statement_id"] for h in lite), words
        assert all("[" in h["snippet"] and "]" in h["snippet"] for h in pg), pg
        assert [h["score"] for h in pg] == sorted(h["score"] for h in pg)  # best (lowest) first, as on SQLite
    hit = json.loads(cli("said-about", "troops Poland", "--db", postgres, "-f", "json"))[0]
    assert "[troops] had been deployed to [Poland]" in hit["snippet"]
    assert json.loads(cli("said-about", "nothing-like-this", "--db", postgres, "-f", "json")) == []

    # embed, then repeats and similar (in process on both: no pgvector here).
    for db in (sqlite, postgres):
        cli("embed", "--db", db)
    for question in (("repeats", "--threshold", "0.6"), ("similar", "the aid package would arrive within weeks")):
        assert cli(*question, "--db", postgres, "-f", "json") == cli(*question, "--db", sqlite, "-f", "json")
    assert json.loads(cli("repeats", "--threshold", "0.6", "--db", postgres, "-f", "json"))
    said = runner.invoke(app, ["similar", "aid package", "--db", postgres, "-f", "json"])
    assert "comparing embeddings in this process (the pgvector extension is not installed" in said.stderr

    # Editorial merges and splits, then the same answers again.
    for db in (sqlite, postgres):
        cli("sources", "merge", "Pentagon", "John Kirby", "--db", db)
        cli("sources", "split", "Admiral Kirby", "--db", db)
    assert answers(postgres) == answers(sqlite)


def test_search_uses_the_gin_index(postgres_url: str) -> None:
    engine = make_engine(populated(postgres_url))
    with engine.connect() as connection:
        indexes = connection.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'statement_content_fts'")).scalar()
        connection.execute(text("SET enable_seqscan = off"))  # four rows: force the planner to show it could use the index
        plan = "\n".join(connection.execute(text(
            "EXPLAIN SELECT id FROM statement WHERE content_tsv @@ phraseto_tsquery('english', 'aid')"
        )).scalars())
    engine.dispose()
    assert "gin" in indexes.lower()
    assert "statement_content_fts" in plan


def test_scored_seed_gives_the_same_rows(postgres_url: str, tmp_path: Path, tiny_model_dir: Path) -> None:
    sqlite = str(tmp_path / "seed.db")
    for db in (sqlite, postgres_url):
        cli("score", SEED, "--db", db, "--model", tiny_model_dir, "-f", "jsonl")
    for question in [("export", "-f", "jsonl"), ("export", "-f", "csv"), ("sources", "-f", "json"), ("show", "1", "-f", "json")]:
        assert cli(*question, "--db", postgres_url) == cli(*question, "--db", sqlite), question


def test_read_only_queries_cannot_write(postgres_url: str) -> None:
    from attribution.db.engine import make_read_only_engine

    populated(postgres_url)
    engine = make_read_only_engine(postgres_url)
    with engine.connect() as connection, pytest.raises(Exception, match="read-only"):
        connection.execute(text("DELETE FROM statement"))
    engine.dispose()


def test_unreachable_server_is_a_one_line_error() -> None:
    result = runner.invoke(app, ["sources", "--db", "postgresql+psycopg://postgres@127.0.0.1:1/none"])
    assert result.exit_code != 0
    assert "cannot open the database" in result.output and len(result.output.strip().splitlines()) == 1


def test_four_writers_on_overlapping_inputs_lose_and_duplicate_nothing(postgres_url: str) -> None:
    from sqlalchemy import func
    from sqlmodel import select

    from attribution.db.models import Article, Sentence, Source, SourceAlias, Statement
    from attribution.store import merge_sources, normalize, source_for_fix
    from tests import writers

    articles, merged_away, kept = 120, writers.speaker(0), writers.speaker(1)
    engine = make_engine(postgres_url)
    with Session(engine) as session:  # an editor's merge made before the writers start must hold for all of them
        source_for_fix(session, merged_away)
        source_for_fix(session, kept)
        session.commit()
        merge_sources(session, merged_away, kept)
    shares = [writers.share(w, 4, articles) for w in range(4)]
    assert sum(len(s) for s in shares) > articles * 1.3  # the inputs do overlap

    outcomes, _ = writers.run_writers(postgres_url, writers=4, articles=articles, chunk=6)

    assert sum(stored for stored, _, _ in outcomes) == articles  # each article stored by exactly one writer
    canonical = {name: (kept if name == merged_away else name) for name in (writers.speaker(n) for n in range(60))}
    with Session(engine) as session:
        documents = session.exec(select(Article.document)).all()
        assert sorted(documents) == sorted(f"writers/{a}.txt" for a in range(articles))
        assert session.exec(select(func.count(Sentence.id))).one() == articles * writers.SENTENCES_PER_ARTICLE
        rows = session.exec(
            select(Article.document, Sentence.index, Source.name, Statement.mention)
            .join(Sentence, Sentence.id == Statement.sentence_id)
            .join(Article, Article.id == Statement.article_id)
            .join(Source, Source.id == Statement.source_id)
        ).all()
        expected = {
            (f"writers/{a}.txt", i, canonical[p.speaker], p.mention) for a in range(articles) for i, p in enumerate(writers.plan(a))
        }
        assert len(rows) == len(expected) and set(rows) == expected
        names = session.exec(select(Source.name)).all()
        assert sorted(names) == sorted({name for _, _, name, _ in expected} | {kept})
        aliases = session.exec(select(Source.name, SourceAlias.normalized).join(Source, Source.id == SourceAlias.source_id)).all()
        assert len(aliases) == len(set(aliases))
        wanted = {(name, normalize(mention)) for _, _, name, mention in expected if normalize(mention) != normalize(name)}
        assert set(aliases) == wanted | {(kept, normalize(merged_away))}
    engine.dispose()


def test_fact_check_matching_works_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    """fts5 is SQLite's: on PostgreSQL the lexical half of `fact-checks match` is PostgreSQL full-text search."""
    feed = Path(__file__).parent / "data" / "factchecks" / "plain.jsonl"
    sqlite = str(tmp_path / "fc.db")
    tops = []
    for db in (sqlite, postgres_url):
        populated(db)
        runner.invoke(app, ["fact-checks", "import", str(feed), "--db", db])  # the feed holds two bad records on purpose
        found = json.loads(cli("fact-checks", "match", "the mayor banned cycling in the city", "--db", db, "-f", "json"))
        tops.append([(m["fact_check"], m["checked"]) for m in found[0]["matches"]])
    assert tops[0][0] == tops[1][0] == ("ex-101", True)
    assert [name for name, _ in tops[0]] == [name for name, _ in tops[1]]
