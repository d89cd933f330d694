"""The database engine: a path or SQLAlchemy URL, SQLite tuned for one writer and many readers."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

from attribution.db import models  # noqa: F401  (registers the tables)
from attribution.db import postgres
from attribution.errors import InputError

DEFAULT_DB = "attribution.db"
DB_ENV = "ATTRIBUTION_DB"
BUSY_TIMEOUT_MS = 30_000

# Full-text search over statements, kept in sync by triggers; views for Datasette and SQL users.
_SCHEMA_EXTRAS = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS statement_fts USING fts5(
        content, mention, content='statement', content_rowid='id', tokenize='porter unicode61')""",
    """CREATE TRIGGER IF NOT EXISTS statement_fts_insert AFTER INSERT ON statement BEGIN
        INSERT INTO statement_fts(rowid, content, mention) VALUES (new.id, new.content, new.mention); END""",
    """CREATE TRIGGER IF NOT EXISTS statement_fts_delete AFTER DELETE ON statement BEGIN
        INSERT INTO statement_fts(statement_fts, rowid, content, mention)
        VALUES ('delete', old.id, old.content, old.mention); END""",
    """CREATE TRIGGER IF NOT EXISTS statement_fts_update AFTER UPDATE OF content, mention ON statement BEGIN
        INSERT INTO statement_fts(statement_fts, rowid, content, mention)
        VALUES ('delete', old.id, old.content, old.mention);
        INSERT INTO statement_fts(rowid, content, mention) VALUES (new.id, new.content, new.mention); END""",
    # Sentences are searchable too (Datasette's search box on the sentence table and article_sentences).
    """CREATE VIRTUAL TABLE IF NOT EXISTS sentence_fts USING fts5(
        text, content='sentence', content_rowid='id', tokenize='porter unicode61')""",
    """CREATE TRIGGER IF NOT EXISTS sentence_fts_insert AFTER INSERT ON sentence BEGIN
        INSERT INTO sentence_fts(rowid, text) VALUES (new.id, new.text); END""",
    """CREATE TRIGGER IF NOT EXISTS sentence_fts_delete AFTER DELETE ON sentence BEGIN
        INSERT INTO sentence_fts(sentence_fts, rowid, text) VALUES ('delete', old.id, old.text); END""",
    """CREATE TRIGGER IF NOT EXISTS sentence_fts_update AFTER UPDATE OF text ON sentence BEGIN
        INSERT INTO sentence_fts(sentence_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO sentence_fts(rowid, text) VALUES (new.id, new.text); END""",
    """CREATE VIEW IF NOT EXISTS statements_by_source AS
        SELECT source.name AS source, source.type AS source_type, statement.kind, statement.mention,
               statement.content, via.name AS via, statement.confidence, statement.resolution,
               article.title AS article, article.published, sentence.text AS sentence, statement.id AS statement_id
        FROM statement
        JOIN sentence ON sentence.id = statement.sentence_id
        JOIN article ON article.id = statement.article_id
        LEFT JOIN source ON source.id = statement.source_id
        LEFT JOIN source AS via ON via.id = statement.via_source_id""",
    """CREATE VIEW IF NOT EXISTS article_sentences AS
        SELECT article.title AS article, article.published, sentence."index" AS sentence_index,
               sentence.label, sentence.confidence, sentence.text, sentence.id AS sentence_id
        FROM sentence JOIN article ON article.id = sentence.article_id""",
]


def database_url(db: str | os.PathLike | None = None) -> str:
    """``--db`` value, else ``$ATTRIBUTION_DB``, else ``attribution.db``; a path or an SQLAlchemy URL."""
    value = str(db) if db is not None else os.environ.get(DB_ENV) or DEFAULT_DB
    if "://" in value:
        return value
    if value == ":memory:":
        return "sqlite://"
    return f"sqlite:///{Path(value).expanduser()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(db: str | os.PathLike | None = None) -> Engine:
    """Create the engine and the schema (idempotent); an unusable database is an ``InputError``."""
    url = database_url(db)
    try:
        return _make_engine(url)
    except ImportError as exc:
        raise InputError(f"{db or url}: the database driver is not installed ({exc.name})") from exc
    except SQLAlchemyError as exc:
        raise InputError(f"{db or url}: cannot open the database ({exc.__class__.__name__}: {str(exc).splitlines()[0]})") from exc


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        options: dict = {"connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}}
        if in_memory:
            options["poolclass"] = StaticPool  # one shared connection, or each session sees an empty database
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
    elif url.startswith("postgresql"):
        engine = create_engine(url, connect_args=postgres.CONNECT_ARGS)
    else:
        engine = create_engine(url)
    init_db(engine)
    return engine


def init_db(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:  # one transaction under a lock: several writers may start at once
            postgres.lock_schema(connection)
            SQLModel.metadata.create_all(connection)
            postgres.create_extras(connection)
        return
    SQLModel.metadata.create_all(engine)
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            had_sentence_index = connection.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sentence_fts'")).first()
            for statement in _SCHEMA_EXTRAS:
                connection.execute(text(statement))
            if had_sentence_index is None:  # a database from before the sentence index: index what it holds
                connection.execute(text("INSERT INTO sentence_fts(sentence_fts) VALUES ('rebuild')"))


def _read_only_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def make_read_only_engine(db: str | os.PathLike | None = None) -> Engine:
    """An engine that cannot write: SQLite opened with ``mode=ro``, no schema created (for queries).

    Other databases get an ordinary engine; the queries that use it only read.
    """
    url = database_url(db)
    if url.startswith("postgresql"):
        make_engine(url).dispose()  # the schema, once; then sessions whose transactions cannot write
        try:
            return create_engine(url, connect_args={**postgres.CONNECT_ARGS, "options": "-c default_transaction_read_only=on"})
        except SQLAlchemyError as exc:
            raise InputError(f"{db or url}: cannot open the database ({exc.__class__.__name__}: {str(exc).splitlines()[0]})") from exc
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return make_engine(url)
    path = Path(url.removeprefix("sqlite:///")).resolve()
    uri = f"file:{quote(str(path))}?mode=ro"
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000),
    )
    event.listen(engine, "connect", _read_only_pragmas)
    return engine
