"""Schema migrations (Alembic): a database from an older release is refused with the command that upgrades it,
`attribution db upgrade` brings it to head keeping every row, a second run changes nothing, and a database
from a newer release is refused. The same on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlmodel import Session, SQLModel
from typer.testing import CliRunner

from attribution.cli import app
from attribution.db import migrate
from attribution.db.engine import SCHEMA_VERSION, make_engine
from tests.conftest import SEED
from tests.test_postgres import answers
from tests.test_queries import populate

runner = CliRunner()
HEAD = migrate.head()

# What the migrations add beside the tables models.py declares: full-text search and its shadow tables.
SQLITE_EXTRAS = ("statement_fts", "sentence_fts")
POSTGRES_EXTRAS = {"content_tsv", "statement_content_fts", "fact_check_fts", "sentence_text_fts", "source_alias_once"}


def run(*args: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def error_line(result) -> str:  # type: ignore[no-untyped-def]
    """The one line a refused command prints (and no traceback)."""
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def sql(db: Path, *statements: str) -> None:
    """Run statements and close the connection (closing checkpoints the write-ahead log into the file)."""
    connection = sqlite3.connect(db)
    try:
        with connection:
            for statement in statements:
                connection.execute(statement)
    finally:
        connection.close()


def _populated(db: str) -> str:
    engine = make_engine(db)
    with Session(engine) as session:
        populate(session)
    engine.dispose()
    return db


def _schema_diffs(url: str) -> list:
    """What differs between the database the migrations built and the tables models.py declares."""
    engine = create_engine(url)
    with engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()

    def extra(diff: tuple) -> bool:  # an object the migrations add on purpose, which the models do not name
        kind, *rest = diff
        if kind == "remove_table":
            return rest[0].name.startswith(SQLITE_EXTRAS)
        if kind == "remove_index":
            return rest[0].name in POSTGRES_EXTRAS
        if kind == "remove_column":
            return rest[2].name in POSTGRES_EXTRAS
        return False

    return [diff for diff in diffs if not (isinstance(diff, tuple) and extra(diff))]


def test_the_migrations_build_what_the_models_declare(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    make_engine(db).dispose()
    assert _schema_diffs(f"sqlite:///{db}") == []
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        assert connection.execute("SELECT application, version FROM attribution_schema").fetchall() == [("attribution", SCHEMA_VERSION)]
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger')")}
    assert {"statement_fts", "sentence_fts", "statement_fts_insert", "sentence_fts_update", "statements_by_source", "article_sentences"} <= names
    assert SCHEMA_VERSION == int(HEAD)  # the marker's version is the head revision's number


# --------------------------------------------------------------------------- SQLite: the release before migrations


def _old_release(db: Path) -> None:
    """As the last release before the marker left a database: its seven tables, no marker, no stamp,
    none of the newer tables, and (older still) no full-text index over sentences."""
    tables = ("alembic_version", "attribution_schema", "statement_fix", "source_title", "fact_check_match", "fact_check_progress",
              "fact_check", "fact_checker")
    triggers = ("sentence_fts_insert", "sentence_fts_delete", "sentence_fts_update")
    sql(db, *(f"DROP TABLE {t}" for t in tables), *(f"DROP TRIGGER {t}" for t in triggers), "DROP TABLE sentence_fts")


def test_old_release_database_is_refused_then_upgraded(tmp_path: Path, tiny_model_dir: Path) -> None:
    db = tmp_path / "old.db"
    before = answers(_populated(str(db)))
    _old_release(db)
    untouched = db.read_bytes()

    # Every command refuses it, naming the command that upgrades it, and writes nothing (no -wal beside it).
    for args in (["sources"], ["who-said", "Kirby"], ["export"], ["score", SEED, "--model", tiny_model_dir],
                 ["sources", "merge", "Pentagon", "John Kirby"], ["embed"]):
        line = error_line(run(*args, "--db", db))
        assert line == (
            f"Error: {db}: made by an older attribution (made before schema migrations; this one needs revision {HEAD}); "
            f"run `attribution db upgrade --db {db}` first"
        ), (args, line)
    assert db.read_bytes() == untouched

    result = run("db", "upgrade", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"{db}: upgraded from made before schema migrations to schema revision {HEAD}"
    assert answers(str(db)) == before  # every row kept, every query answers as before
    assert _schema_diffs(f"sqlite:///{db}") == []
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        assert connection.execute("SELECT application, version FROM attribution_schema").fetchall() == [("attribution", SCHEMA_VERSION)]
        # the sentences stored before the upgrade are in the new full-text index
        assert connection.execute("SELECT count(*) FROM sentence_fts WHERE sentence_fts MATCH 'troops'").fetchone()[0] > 0
    assert "the [aid] [package] would arrive" in run("said-about", "aid package", "--db", db).stdout

    # Idempotent: a second upgrade says so and changes nothing.
    upgraded = db.read_bytes()
    again = run("db", "upgrade", "--db", db)
    assert again.exit_code == 0 and again.stderr.strip() == f"{db}: already at schema revision {HEAD}; nothing to do"
    assert db.read_bytes() == upgraded


def test_database_of_the_release_with_the_marker_but_no_stamp(tmp_path: Path) -> None:
    """Made by the release before migrations that had the marker (version 1): same refusal, same upgrade."""
    db = tmp_path / "marked.db"
    before = answers(_populated(str(db)))
    sql(db, "DROP TABLE alembic_version", "UPDATE attribution_schema SET version = 1")
    assert "run `attribution db upgrade" in error_line(run("sources", "--db", db))
    assert run("db", "upgrade", "--db", db).exit_code == 0
    assert answers(str(db)) == before
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT version FROM attribution_schema").fetchall() == [(SCHEMA_VERSION,)]


def test_database_at_an_older_revision_is_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "rev1.db"
    _populated(str(db))
    _old_release(db)
    sql(db,  # stamped at the baseline by a release with migrations
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
        "INSERT INTO alembic_version VALUES ('0001')",
        "CREATE TABLE attribution_schema (application VARCHAR PRIMARY KEY, version INTEGER NOT NULL, created_at DATETIME NOT NULL)",
        "INSERT INTO attribution_schema VALUES ('attribution', 1, '2024-01-01 00:00:00')")
    line = error_line(run("who-said", "Kirby", "--db", db))
    assert f"(schema revision 0001; this one needs revision {HEAD}); run `attribution db upgrade --db {db}` first" in line
    result = run("db", "upgrade", "--db", db)
    assert result.exit_code == 0 and f"upgraded from schema revision 0001 to schema revision {HEAD}" in result.stderr
    assert run("who-said", "Kirby", "--db", db).exit_code == 0


def test_database_of_a_newer_release_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "newer.db"
    _populated(str(db))
    sql(db, "UPDATE alembic_version SET version_num = '0099'")
    untouched = db.read_bytes()
    for args in (["sources"], ["sources", "merge", "Pentagon", "John Kirby"], ["db", "upgrade"]):
        line = error_line(run(*args, "--db", db))
        assert line == f"Error: {db}: made by a newer attribution (schema revision 0099; this one knows up to {HEAD}); upgrade attribution", line
    assert db.read_bytes() == untouched


def test_upgrade_refuses_what_is_not_an_attribution_database(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sql(other, "CREATE TABLE article (id INTEGER PRIMARY KEY, headline TEXT)")
    untouched = other.read_bytes()
    assert "not a database made by attribution" in error_line(run("db", "upgrade", "--db", other))
    assert other.read_bytes() == untouched
    missing = tmp_path / "missing.db"
    assert error_line(run("db", "upgrade", "--db", missing)) == f"Error: database {missing} does not exist; nothing to upgrade"
    assert not missing.exists()


# --------------------------------------------------------------------------- PostgreSQL


def test_postgres_database_of_the_previous_release_is_upgraded(postgres_url: str) -> None:
    """Made before migrations (marker version 1, no stamp), without the newest fact-check tables and the
    stored tsvector column: refused, then upgraded with every row and search kept."""
    before = answers(_populated(postgres_url))
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(text("DROP TABLE fact_check_match, fact_check_progress"))
        connection.execute(text("ALTER TABLE statement DROP COLUMN content_tsv"))  # drops its GIN index with it
        connection.execute(text("UPDATE attribution_schema SET version = 1"))

    line = error_line(run("sources", "--db", postgres_url))
    assert "made by an older attribution (made before schema migrations" in line and "run `attribution db upgrade --db postgresql" in line
    result = run("db", "upgrade", "--db", postgres_url)
    assert result.exit_code == 0, result.output
    assert f"upgraded from made before schema migrations to schema revision {HEAD}" in result.stderr
    assert answers(postgres_url) == before
    assert "[troops] had been deployed to [Poland]" in run("said-about", "troops Poland", "--db", postgres_url).stdout
    assert _schema_diffs(postgres_url) == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        assert connection.execute(text("SELECT count(*) FROM pg_indexes WHERE indexname = 'statement_content_fts'")).scalar() == 1

    again = run("db", "upgrade", "--db", postgres_url)
    assert again.exit_code == 0 and "nothing to do" in again.stderr

    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    assert "made by a newer attribution (schema revision 0099" in error_line(run("who-said", "Kirby", "--db", postgres_url))
    engine.dispose()


def test_postgres_new_database_is_built_at_head(postgres_url: str) -> None:
    make_engine(postgres_url).dispose()
    assert _schema_diffs(postgres_url) == []
    result = run("db", "upgrade", "--db", postgres_url)
    assert result.exit_code == 0 and "nothing to do" in result.stderr
