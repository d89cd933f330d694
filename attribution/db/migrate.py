"""Schema migrations with Alembic, run from the package: the revisions ship in ``attribution/db/migrations``.

No ``alembic.ini``: the script folder is this package's, and the connection is one the caller opened and
holds the write lock on (``attribution.db.engine``), so the version stamp and every revision commit in
the caller's transaction.  A new database is built by running every revision; a database of the release
before migrations is stamped at the baseline (``0001``, the tables it has) and upgraded from there.

A developer adding a revision: change ``models.py``, then write ``migrations/versions/NNNN_what.py`` by
hand or with ``alembic revision --autogenerate`` from a scratch ``alembic.ini`` whose ``script_location``
is ``attribution/db/migrations``; ``tests/test_migrations.py`` checks that the revisions build what the
models declare.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection

MIGRATIONS = Path(__file__).parent / "migrations"
BASELINE = "0001"  # the schema of the last release without migrations (and without the marker)
VERSION_TABLE = "alembic_version"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    """The newest revision this version of attribution knows."""
    revision = scripts().get_current_head()
    if revision is None:  # the package ships its revisions: none means a broken install
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return revision


def known(revision: str) -> bool:
    """Whether ``revision`` is one of this version's revisions (a newer attribution's is not)."""
    try:
        return scripts().get_revision(revision) is not None
    except CommandError:
        return False


def _run(connection: Connection, destination: str, step: Any) -> None:
    script = scripts()
    with EnvironmentContext(_config(connection), script, fn=lambda rev, _context: step(script, rev), destination_rev=destination):
        script.run_env()


def stamp_baseline(connection: Connection) -> None:
    """Record that a database made before migrations holds the baseline revision (writes only the stamp)."""
    _run(connection, BASELINE, lambda script, rev: script._stamp_revs(BASELINE, rev))


def upgrade(connection: Connection) -> None:
    """Every revision from the database's stamp (none: a new database) to head, on the caller's transaction."""
    _run(connection, "head", lambda script, rev: script._upgrade_revs("head", rev))
