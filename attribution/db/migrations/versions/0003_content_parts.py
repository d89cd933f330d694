"""A statement's content as its pieces: ``statement.content_parts``.

A quotation over several sentences with the attribution clause between them ('"A," said Roddick, who ...
. "B."') is one statement whose words are two pieces; ``content_parts`` keeps them as a JSON list of
[start, end] pairs (NULL for a content in one piece).  Rows stored before this revision keep NULL: their
content is read as one piece, as it was stored.  The column is added only where it is missing (a
database that the models built already has it).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA_VERSION = 3  # the marker's version at this revision


def _column() -> None:
    columns = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("statement")}
    if "content_parts" not in columns:
        op.add_column("statement", sa.Column("content_parts", sa.String(), nullable=True))


def _mark() -> None:
    marker = sa.table("attribution_schema", sa.column("version", sa.Integer))
    op.get_bind().execute(marker.update().values(version=SCHEMA_VERSION))


def upgrade() -> None:
    _column()
    _mark()


def downgrade() -> None:
    raise NotImplementedError("the claim graph is not downgraded: restore a backup taken before `attribution db upgrade`")
