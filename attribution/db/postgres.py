"""PostgreSQL-only SQL: full-text search (tsvector + GIN), and the locks around schema changes and writes.

SQLite gets full-text search from FTS5 virtual tables and triggers; PostgreSQL keeps
``to_tsvector(content)`` in a generated column (no trigger to keep in sync; the table model does not
name it, so inserts never set it) with a GIN index over it.  Both are created by the migrations
(``migrations/versions/0002_*``), whose text-search configuration must stay ``TEXT_SEARCH_CONFIG``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, literal, literal_column, text
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from attribution.db.models import Statement

TEXT_SEARCH_CONFIG = "english"  # stemming as SQLite's porter tokenizer; English stop words are dropped
SCHEMA_LOCK = 0x61747472  # pg_advisory_xact_lock key ("attr"): one process creates the schema at a time
WRITE_LOCK = 0x61747477  # ("attw"): one store transaction writes the claim graph at a time

# psycopg prepares a statement run five times, and PostgreSQL may then plan it once for any values: a
# generic plan cannot see how common a searched word is or how small a LIMIT is (said-about for a
# mid-frequency word went from 41 to 235 ms over 1 million statements).  Plan every query for its values.
CONNECT_ARGS: dict[str, Any] = {"prepare_threshold": None}


def lock_schema(connection: Connection) -> None:
    """Serialise schema creation: concurrent ``CREATE TABLE IF NOT EXISTS`` can still collide in PostgreSQL."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})


def lock_writes(session: Session) -> None:
    """One writer at a time, until this transaction ends (commit or rollback releases it; one lock, no deadlock).

    Matching a source (by name, alias, surname, office) reads what earlier articles stored, then writes:
    two writers doing that at once would each create "John Kirby".  The model runs outside the lock, so
    only the store's short write transactions queue; the unique constraints stay the last line of defence.
    """
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})


def content_vector() -> ColumnElement[Any]:
    """The statement's stored tsvector (a generated column PostgreSQL keeps in sync), GIN-indexed."""
    return literal_column("statement.content_tsv")


def ts_query(terms: list[str]) -> ColumnElement[Any]:
    """All terms required; a chunk such as "U.S." is one phrase, as in the SQLite search.

    The terms are rendered as quoted literals (SQLAlchemy escapes them), not bound parameters, so that the
    planner sees the words (see ``CONNECT_ARGS``).
    """
    config = literal(TEXT_SEARCH_CONFIG, literal_execute=True)
    query: ColumnElement[Any] = func.phraseto_tsquery(config, literal(terms[0], literal_execute=True))
    for term in terms[1:]:
        query = query.op("&&")(func.phraseto_tsquery(config, literal(term, literal_execute=True)))
    return query


def matches(query: ColumnElement[Any]) -> ColumnElement[bool]:
    return content_vector().op("@@")(query)


def score(query: ColumnElement[Any]) -> ColumnElement[float]:
    """Negated ``ts_rank_cd`` so that, as with SQLite's bm25, lower is a better match."""
    return -func.ts_rank_cd(content_vector(), query, 32)  # 32: rank / (rank + 1), in 0..1


def headline(query: ColumnElement[Any], start: str, end: str, words: int) -> ColumnElement[str]:
    options = f"StartSel={start}, StopSel={end}, MaxWords={words}, MinWords={max(words // 3, 1)}, ShortWord=2, HighlightAll=false"
    return func.ts_headline(
        literal(TEXT_SEARCH_CONFIG, literal_execute=True), func.coalesce(Statement.content, ""), query,
        literal(options, literal_execute=True),
    )


def has_pgvector(connection: Connection) -> bool:
    """Whether the pgvector extension is installed in this database (``similar``/``repeats`` say when it is not)."""
    return connection.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'vector'")).first() is not None


def fact_check_lexical(connection: Connection, words: list[str], k: int) -> list[tuple[int, float]]:
    """Fact-checks sharing any of ``words`` with the query, best ``ts_rank_cd`` first (higher is better,
    as the negated bm25 of the SQLite path); the retriever fuses this with the dense score."""
    query = text(
        f"""SELECT id, ts_rank_cd(to_tsvector('{TEXT_SEARCH_CONFIG}', claim || ' ' || coalesce(title, '')), q) AS score
            FROM fact_check, to_tsquery('{TEXT_SEARCH_CONFIG}', :q) AS q
            WHERE to_tsvector('{TEXT_SEARCH_CONFIG}', claim || ' ' || coalesce(title, '')) @@ q
            ORDER BY score DESC, id LIMIT :k"""
    )
    # Each word quoted as a lexeme ('' doubles a quote), joined with OR: no operator in the user's text counts.
    expression = " | ".join("'" + w.replace("'", "''").replace("\\", "") + "'" for w in words)
    return [(int(row.id), float(row.score)) for row in connection.execute(query, {"q": expression, "k": k})]
