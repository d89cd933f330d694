"""The database engine: a path or SQLAlchemy URL, SQLite tuned for one writer and many readers.

The tool opens only databases it made.  A new (empty) database gets the schema and a marker row
(table ``attribution_schema``: application, schema version) in one write transaction, so two
processes creating it at once both end up with one complete schema.  A database with tables but no
marker belongs to another program and is refused before anything is written to it; one with a newer
schema version is refused too.  A database made before the marker existed is recognised by its full
set of tables and columns, and stamped.

Every driver error -- read-only file, full disk, lock held too long, damaged file -- becomes a
``DatabaseError`` naming the database and the reason (``_one_line_errors``), which the CLI prints as
one line; the session that ran the interrupted transaction rolls it back.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import SQLModel, create_engine

from attribution.db import (
    models,  # noqa: F401  (registers the tables)
    postgres,
)
from attribution.db.models import SchemaMarker
from attribution.db.views import create_views
from attribution.errors import DatabaseError, ForeignDatabaseError

DEFAULT_DB = "attribution.db"
DB_ENV = "ATTRIBUTION_DB"
BUSY_TIMEOUT_MS = 30_000  # how long a writer waits for another's lock before giving up
APPLICATION = "attribution"
SCHEMA_VERSION = 1  # bump with every schema change (later: each Alembic revision sets it)
MARKER_TABLE = SchemaMarker.__tablename__

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
] + create_views("CREATE VIEW IF NOT EXISTS")


def database_url(db: str | os.PathLike | None = None) -> str:
    """``--db`` value, else ``$ATTRIBUTION_DB``, else ``attribution.db``; a path or an SQLAlchemy URL."""
    value = str(db) if db is not None else os.environ.get(DB_ENV) or DEFAULT_DB
    if "://" in value:
        return value
    if value == ":memory:":
        return "sqlite://"
    return f"sqlite:///{Path(value).expanduser()}"


def database_name(url: str) -> str:
    """How messages name a database: its file for SQLite, the URL without its password otherwise."""
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///").split("?", 1)[0] or ":memory:"
    if url.startswith("sqlite://"):
        return ":memory:"
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _locked() -> str:
    return f"another process held the database locked for more than {BUSY_TIMEOUT_MS / 1000:g} s"


# SQLite's messages, said so that a user knows what to do.
_REASONS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("readonly", lambda: "the database is read-only"),
    ("disk is full", lambda: "the disk is full"),
    ("database is locked", _locked),
    ("database table is locked", _locked),
    ("file is not a database", lambda: "not an SQLite database"),
    ("unable to open database file", lambda: "cannot open the file (missing folder or no permission)"),
    ("disk i/o error", lambda: "disk I/O error"),
    ("malformed", lambda: "the database file is damaged"),
)


def describe(exc: BaseException) -> str:
    """What went wrong in words, then the driver's own message, on one line."""
    original = getattr(exc, "orig", None) or exc
    if isinstance(original, OSError) and original.strerror:
        message = original.strerror
    else:
        lines = str(original).strip().splitlines()
        message = lines[0] if lines else original.__class__.__name__
    for needle, reason in _REASONS:
        if needle in message.lower():
            return f"{reason()} ({message})"
    return message


def database_error(name: str, exc: BaseException, doing: str = "") -> DatabaseError:
    return DatabaseError(f"{name}: {doing + ': ' if doing else ''}{describe(exc)}")


def _one_line_errors(name: str) -> Callable[[ExceptionContext], None]:
    """A ``handle_error`` listener: this engine's driver errors become a ``DatabaseError`` naming it.

    Integrity and programming errors pass through: callers handle the first, the second is a bug.
    """

    def handle(context: ExceptionContext) -> None:
        original = context.original_exception
        if isinstance(original, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)):
            return
        if isinstance(original, (sqlite3.Error, OSError)):
            raise database_error(name, original) from original

    return handle


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Nothing here writes to the file: a refused database must stay untouched (WAL is set by _wal).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(db: str | os.PathLike | None = None) -> Engine:
    """The engine over a database this tool made (created with its schema when new or empty).

    Another program's database is a ``ForeignDatabaseError``; one that cannot be opened or
    written, a ``DatabaseError``; both name the database.
    """
    url = database_url(db)
    name = database_name(url)
    try:
        return _make_engine(url, name)
    except ImportError as exc:
        raise DatabaseError(f"{name}: the database driver is not installed ({exc.name})") from exc
    except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
        raise database_error(name, exc, "cannot open the database") from exc


def _make_engine(url: str, name: str) -> Engine:
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        options: dict = {"connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}}
        if in_memory:
            options["poolclass"] = StaticPool  # one shared connection, or each session sees an empty database
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "handle_error", _one_line_errors(name))
        try:
            _prepare_sqlite(engine, name)
        except BaseException:
            engine.dispose()
            raise
    else:
        engine = create_engine(url, connect_args=postgres.CONNECT_ARGS if url.startswith("postgresql") else {})
        event.listen(engine, "handle_error", _one_line_errors(name))
        init_db(engine, name)
    return engine


def _check_marker(row: Any, name: str) -> None:
    application, version = (row[0], row[1]) if row else (None, None)
    if application != APPLICATION or not isinstance(version, int):
        raise ForeignDatabaseError(f"{name}: not a database made by attribution (its marker says {application!r}); refused, nothing written")
    if version > SCHEMA_VERSION:
        raise ForeignDatabaseError(f"{name}: made by a newer attribution (schema {version}; this one reads {SCHEMA_VERSION}); upgrade attribution")


# The tables of the last release without the marker: a database holding all of them is ours.
LEGACY_TABLES = ("article", "sentence", "source", "source_alias", "statement", "source_decision", "failure")
FULL_TEXT_TABLES = ("statement_fts", "sentence_fts")


def _is_legacy(tables: dict[str, set[str]]) -> bool:
    """A database made before the marker existed: every table of that release, with every column."""
    schema = SQLModel.metadata.tables
    return all(name in tables and {column.name for column in schema[name].columns} <= tables[name] for name in LEGACY_TABLES)


def _complete(tables: dict[str, set[str]]) -> bool:
    """Every table of this version (a database from an older one lacks the newer tables until opened to write)."""
    return all(table.name in tables for table in SQLModel.metadata.sorted_tables) and all(t in tables for t in FULL_TEXT_TABLES)


def _foreign(name: str, tables: dict[str, set[str]]) -> ForeignDatabaseError:
    shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
    return ForeignDatabaseError(f"{name}: not a database made by attribution (it holds other tables: {shown}); refused, nothing written")


def _sqlite_tables(connection: sqlite3.Connection) -> dict[str, set[str]]:
    names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {table: {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')} for table in names}


def _create_statements(engine: Engine, tables: dict[str, set[str]]) -> list[str]:
    """DDL for the tables a database lacks (all of them when it is new), their indexes, and the extras."""
    ddl = []
    for table in SQLModel.metadata.sorted_tables:  # dependency order: a foreign key's table comes first
        if table.name in tables:
            continue
        ddl.append(str(CreateTable(table).compile(dialect=engine.dialect)))
        ddl.extend(str(CreateIndex(index).compile(dialect=engine.dialect)) for index in sorted(table.indexes, key=lambda i: i.name or ""))
    ddl += _SCHEMA_EXTRAS
    if "sentence" in tables and "sentence_fts" not in tables:  # an older database: index the sentences it holds
        ddl.append("INSERT INTO sentence_fts(sentence_fts) VALUES ('rebuild')")
    return ddl


def _prepare_sqlite(engine: Engine, name: str) -> None:
    """Check the marker first; create or stamp the schema under SQLite's write lock (BEGIN IMMEDIATE).

    Runs on the driver's connection in autocommit mode, so that the second check, the DDL and the
    marker are one explicit transaction: a second process creating the same new database waits for
    the lock, then finds the marker and creates nothing.
    """
    raw = engine.raw_connection()
    connection: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
    previous = connection.isolation_level
    connection.isolation_level = None
    try:
        marked, tables = _read_marker(connection, name), _sqlite_tables(connection)
        if marked and _complete(tables):
            _wal(connection)
            return
        if not marked and tables and not _is_legacy(tables):
            raise _foreign(name, tables)  # before any write: not even the lock is taken
        connection.execute("BEGIN IMMEDIATE")
        try:  # again under the lock: another process may have made or upgraded it meanwhile
            marked, tables = _read_marker(connection, name), _sqlite_tables(connection)
            if not marked and tables and not _is_legacy(tables):
                raise _foreign(name, tables)
            if not (marked and _complete(tables)):
                for statement in _create_statements(engine, tables):
                    connection.execute(statement)
            if not marked:
                connection.execute(
                    f"INSERT INTO {MARKER_TABLE} (application, version, created_at) VALUES (?, ?, ?)",
                    (APPLICATION, SCHEMA_VERSION, datetime.now(UTC).replace(microsecond=0, tzinfo=None).isoformat(sep=" ")),
                )
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        _wal(connection)
    finally:
        connection.isolation_level = previous
        raw.close()


def _read_marker(connection: sqlite3.Connection, name: str) -> bool:
    """True when the marker says this tool and a schema it reads; raises when it says otherwise."""
    if not connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MARKER_TABLE,)).fetchone():
        return False
    try:
        row = connection.execute(f"SELECT application, version FROM {MARKER_TABLE} LIMIT 1").fetchone()
    except sqlite3.OperationalError as exc:  # a table of that name with other columns
        raise ForeignDatabaseError(f"{name}: not a database made by attribution ({exc}); refused, nothing written") from exc
    _check_marker(row, name)
    return True


def _wal(connection: sqlite3.Connection) -> None:
    """Write-ahead logging (readers never block the writer): persistent, so set once the database is ours."""
    if connection.execute("PRAGMA journal_mode").fetchone()[0] not in ("wal", "memory"):
        connection.execute("PRAGMA journal_mode=WAL")


def init_db(engine: Engine, name: str | None = None) -> None:
    """The marker check and schema creation for a server database (PostgreSQL), in one transaction.

    On PostgreSQL the transaction first takes an advisory lock, so several writers starting at once
    create the schema once; tables a newer version added are created in an older database.
    """
    name = name or database_name(engine.url.render_as_string(hide_password=True))
    postgresql = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgresql:
            postgres.lock_schema(connection)
        inspector = inspect(connection)
        tables = {table: {c["name"] for c in inspector.get_columns(table)} for table in inspector.get_table_names()}
        if MARKER_TABLE in tables:
            _check_marker(connection.execute(text(f"SELECT application, version FROM {MARKER_TABLE}")).first(), name)
        elif tables and not _is_legacy(tables):
            raise _foreign(name, tables)
        SQLModel.metadata.create_all(connection)  # only the tables it lacks
        if postgresql:
            postgres.create_extras(connection)
        elif engine.dialect.name == "sqlite":
            for statement in _SCHEMA_EXTRAS:
                connection.execute(text(statement))
        if MARKER_TABLE not in tables:
            connection.execute(
                SchemaMarker.__table__.insert().values(  # type: ignore[attr-defined]
                    application=APPLICATION, version=SCHEMA_VERSION, created_at=datetime.now(UTC).replace(microsecond=0)
                )
            )


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
            raise database_error(database_name(url), exc, "cannot open the database") from exc
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return make_engine(url)
    name = database_name(url)
    path = Path(url.removeprefix("sqlite:///")).resolve()
    uri = f"file:{quote(str(path))}?mode=ro"
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000),
    )
    event.listen(engine, "connect", _read_only_pragmas)
    event.listen(engine, "handle_error", _one_line_errors(name))
    try:
        raw = engine.raw_connection()
        try:
            connection: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
            if not _read_marker(connection, name):  # the same refusal as for writing, and nothing written
                tables = _sqlite_tables(connection)
                if not tables:
                    raise DatabaseError(f"{name}: holds no attribution tables (nothing has been scored into it)")
                if not _is_legacy(tables):
                    raise _foreign(name, tables)
        finally:
            raw.close()
    except sqlite3.Error as exc:
        engine.dispose()
        raise database_error(name, exc, "cannot open the database") from exc
    except BaseException:
        engine.dispose()
        raise
    return engine
