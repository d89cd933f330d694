"""Alembic's environment for the claim graph: run by ``attribution.db.migrate`` on a connection it opened.

The caller holds the database's write lock (SQLite ``BEGIN IMMEDIATE``, PostgreSQL an advisory lock) in
an open transaction, so every revision and the version stamp commit together, or not at all.  No
``alembic.ini`` is read: the connection comes in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from attribution.db import models  # noqa: F401  (the tables, for `alembic revision --autogenerate`)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the migrations through `attribution db upgrade` (attribution.db.migrate), which passes the connection")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it
)
with context.begin_transaction():  # inside the caller's transaction: no commit of its own
    context.run_migrations()
