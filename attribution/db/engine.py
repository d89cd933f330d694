"""The database engine: a path or SQLAlchemy URL, SQLite tuned for one writer and many readers.

The tool opens only databases it made, at the schema revision it was written for.  A new (empty)
database is built by the Alembic migrations (``attribution.db.migrate``) in one write transaction,
marker row (table ``attribution_schema``: application, schema version) included, so two processes
creating it at once both end up with one complete schema.  A database with tables but no marker
belongs to another program and is refused before anything is written to it; one from a newer
attribution is refused too.  One from an older attribution (an older revision, or made before
migrations) is refused with the command that upgrades it: ``attribution db upgrade``.

Every driver error -- read-only file, full disk, lock held too long, damaged file -- becomes a
``DatabaseError`` naming the database and the reason (``_one_line_errors``), which the CLI prints as
one line; the session that ran the interrupted transaction rolls it back.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from sqlalchemy import Connection, event, inspect, text
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

from attribution.db import (
    migrate,
    models,  # noqa: F401  (registers the tables)
    postgres,
)
from attribution.db.models import SchemaMarker
from attribution.errors import DatabaseError, DatabaseNotFoundError, ForeignDatabaseError, OutdatedDatabaseError

DEFAULT_DB = "attribution.db"
DB_ENV = "ATTRIBUTION_DB"
BUSY_TIMEOUT_MS = 30_000  # how long a writer waits for another's lock before giving up
APPLICATION = "attribution"
SCHEMA_VERSION = 3  # the marker's version: the number of the head Alembic revision, which sets it
MARKER_TABLE = SchemaMarker.__tablename__

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


@contextmanager
def _opening(name: str, doing: str = "cannot open the database") -> Iterator[None]:
    """A driver error while the database is checked, built or upgraded: one line saying what was being done."""
    try:
        yield
    except ImportError as exc:
        raise DatabaseError(f"{name}: the database driver is not installed ({exc.name})") from exc
    except DatabaseError as exc:
        if isinstance(exc.__cause__, (sqlite3.Error, OSError)):  # the driver's error, made one line by _one_line_errors
            raise database_error(name, exc.__cause__, doing) from exc.__cause__
        raise
    except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
        raise database_error(name, exc, doing) from exc


def make_engine(db: str | os.PathLike | None = None) -> Engine:
    """The engine over a database this tool made (created with its schema when new or empty).

    Another program's database is a ``ForeignDatabaseError``; one that cannot be opened or
    written, a ``DatabaseError``; both name the database.
    """
    url = database_url(db)
    name = database_name(url)
    with _opening(name):
        return _make_engine(url, name)


def _make_engine(url: str, name: str) -> Engine:
    engine = _bare_engine(url, name)
    try:
        _prepare(engine, name)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _bare_engine(url: str, name: str) -> Engine:
    """The engine with this tool's settings, before any check of what the database holds."""
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        options: dict = {"connect_args": {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}}
        if in_memory:
            options["poolclass"] = StaticPool  # one shared connection, or each session sees an empty database
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, connect_args=postgres.CONNECT_ARGS if url.startswith("postgresql") else {})
    event.listen(engine, "handle_error", _one_line_errors(name))
    return engine


def _check_marker(row: Any, name: str) -> None:
    application, version = (row[0], row[1]) if row else (None, None)
    if application != APPLICATION or not isinstance(version, int):
        raise ForeignDatabaseError(f"{name}: not a database made by attribution (its marker says {application!r}); refused, nothing written")
    if version > SCHEMA_VERSION:
        raise ForeignDatabaseError(f"{name}: made by a newer attribution (schema {version}; this one reads {SCHEMA_VERSION}); upgrade attribution")


# The tables of the last release without the marker (Alembic's baseline revision): a database holding all of them is ours.
LEGACY_TABLES = ("article", "sentence", "source", "source_alias", "statement", "source_decision", "failure")


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands against this version's migrations.

    ``new``: no tables at all; ``current``: at head; ``behind``: stamped at an older revision;
    ``unstamped``: ours, made before migrations (the marker, or the baseline's full set of tables).
    """

    kind: Literal["new", "current", "behind", "unstamped"]
    revision: str | None = None

    def described(self) -> str:
        return f"schema revision {self.revision}" if self.revision else "made before schema migrations"


def _foreign(name: str, tables: Iterable[str]) -> ForeignDatabaseError:
    names = sorted(tables)
    shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
    return ForeignDatabaseError(f"{name}: not a database made by attribution (it holds other tables: {shown}); refused, nothing written")


def schema_state(connection: Connection, name: str) -> SchemaState:
    """Read (never write) what the database holds; another program's, or a newer attribution's, is refused here."""
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())
    if not tables:
        return SchemaState("new")
    marked = MARKER_TABLE in tables
    if marked:
        columns = {column["name"] for column in inspector.get_columns(MARKER_TABLE)}
        if not {"application", "version"} <= columns:
            raise ForeignDatabaseError(f"{name}: not a database made by attribution (its {MARKER_TABLE} table has other columns); refused, nothing written")
        _check_marker(connection.execute(text(f"SELECT application, version FROM {MARKER_TABLE}")).first(), name)
    if migrate.VERSION_TABLE in tables:
        if not marked:  # another program's Alembic stamp
            raise _foreign(name, tables)
        revisions = list(connection.execute(text(f"SELECT version_num FROM {migrate.VERSION_TABLE}")).scalars())
        if len(revisions) == 1:
            revision = str(revisions[0])
            if not migrate.known(revision):
                raise ForeignDatabaseError(
                    f"{name}: made by a newer attribution (schema revision {revision}; this one knows up to {migrate.head()}); upgrade attribution"
                )
            return SchemaState("current" if revision == migrate.head() else "behind", revision)
        if revisions:
            raise ForeignDatabaseError(f"{name}: stamped with several schema revisions ({', '.join(map(str, revisions))}); refused, nothing written")
    schema = SQLModel.metadata.tables
    baseline = all(
        table in tables and {column.name for column in schema[table].columns} <= {c["name"] for c in inspector.get_columns(table)}
        for table in LEGACY_TABLES
    )
    if baseline:
        return SchemaState("unstamped")
    if marked:
        missing = [table for table in LEGACY_TABLES if table not in tables]
        raise DatabaseError(f"{name}: an attribution database without all of its tables (missing: {', '.join(missing) or 'columns'}); refused, nothing written")
    raise _foreign(name, tables)


def _behind(name: str, state: SchemaState) -> OutdatedDatabaseError:
    return OutdatedDatabaseError(
        f"{name}: made by an older attribution ({state.described()}; this one needs revision {migrate.head()}); "
        f"run `attribution db upgrade --db {name}` first"
    )


@contextmanager
def _write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction holding the database's schema lock until it commits (or rolls back).

    SQLite: ``BEGIN IMMEDIATE`` (the write lock) on the driver's connection in autocommit mode, since
    the driver would otherwise commit each DDL statement by itself; a second process creating the
    same database waits for the lock, then finds it made.  PostgreSQL: an advisory lock.
    """
    with engine.connect() as connection:
        if engine.dialect.name != "sqlite":
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    postgres.lock_schema(connection)
                yield connection
            return
        driver: sqlite3.Connection = connection.connection.driver_connection  # type: ignore[assignment]
        previous = driver.isolation_level
        driver.isolation_level = None
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.commit()
        finally:
            driver.isolation_level = previous


def _prepare(engine: Engine, name: str) -> None:
    """A database at head is used as it is; a new one is built at head; any other is refused, before any write."""
    with engine.connect() as connection:
        state = schema_state(connection, name)
    if state.kind == "new":
        with _write_transaction(engine) as connection:
            state = schema_state(connection, name)  # again under the lock: another process may have made it meanwhile
            if state.kind == "new":
                migrate.upgrade(connection)
                state = SchemaState("current", migrate.head())
    if state.kind != "current":
        raise _behind(name, state)
    if engine.dialect.name == "sqlite":
        _wal(engine)


def _wal(engine: Engine) -> None:
    """Write-ahead logging (readers never block the writer): persistent, so set once the database is ours.

    SQLite switches the mode by upgrading a read transaction to a write one, and that upgrade fails at
    once -- the busy timeout is not applied -- while another process holds the write lock (say, one
    that is checking the schema this process has just made).  So the switch is tried again until the
    busy timeout has passed; another process may meanwhile have switched it.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.01
    while True:
        try:
            with engine.connect() as connection:
                if connection.exec_driver_sql("PRAGMA journal_mode").scalar() not in ("wal", "memory"):
                    connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            return
        except DatabaseError as exc:
            locked = isinstance(exc.__cause__, sqlite3.OperationalError) and "locked" in str(exc.__cause__)
            if not locked or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


@dataclass(frozen=True)
class UpgradeReport:
    database: str
    before: str  # what the database was: "new", "made before schema migrations", "schema revision 0001"
    after: str  # the head revision

    @property
    def changed(self) -> bool:
        return self.before != f"schema revision {self.after}"


def upgrade_database(db: str | os.PathLike | None = None) -> UpgradeReport:
    """Bring a database to this version's head revision, in one transaction (``attribution db upgrade``).

    A database made before migrations is first stamped at the baseline; another program's database, or
    a newer attribution's, is refused with nothing written.
    """
    url = database_url(db)
    name = database_name(url)
    if url.startswith("sqlite:///") and name != ":memory:" and not Path(name).exists():
        raise DatabaseNotFoundError(f"database {name} does not exist; nothing to upgrade")
    with _opening(name):
        engine = _bare_engine(url, name)
    try:
        with _opening(name, "cannot upgrade the database"), _write_transaction(engine) as connection:
            state = schema_state(connection, name)
            before = "new" if state.kind == "new" else state.described()
            if state.kind == "unstamped":
                migrate.stamp_baseline(connection)
            if state.kind != "current":
                migrate.upgrade(connection)
        if engine.dialect.name == "sqlite":
            with _opening(name):
                _wal(engine)
    finally:
        engine.dispose()
    return UpgradeReport(name, before, migrate.head())


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
        with _opening(name), engine.connect() as connection:  # the same refusals as for writing, and nothing written
            state = schema_state(connection, name)
        if state.kind == "new":
            raise DatabaseError(f"{name}: holds no attribution tables (nothing has been scored into it)")
        if state.kind != "current":
            raise _behind(name, state)
    except BaseException:
        engine.dispose()
        raise
    return engine
