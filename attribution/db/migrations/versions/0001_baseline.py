"""Baseline: the claim graph of the last release before the schema marker.

Its seven tables (article, sentence, source, source_alias, statement, source_decision, failure) with
every column and index they have today.  A database from that release is stamped at this revision by
``attribution db upgrade`` (``attribution.db.migrate``) and then upgraded; a new database starts here.
Full-text search, triggers and views came with later versions and are created by revision 0002.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("document", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("publisher", sa.String(), nullable=True),
        sa.Column("author", sa.String(), nullable=True),
        sa.Column("published", sa.String(), nullable=True),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model_version", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_article_content_hash", "article", ["content_hash"], unique=True)
    op.create_index("ix_article_model_version", "article", ["model_version"])
    op.create_index("ix_article_published", "article", ["published"])

    op.create_table(
        "failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("input", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )

    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("vague", sa.Boolean(), nullable=False),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("affiliation", sa.String(), nullable=True),
        sa.Column("first_name", sa.String(), nullable=True),
        sa.Column("surname", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_source_name", "source", ["name"], unique=True)
    op.create_index("ix_source_surname", "source", ["surname"])
    op.create_index("ix_source_type", "source", ["type"])
    op.create_index("ix_source_vague", "source", ["vague"])

    op.create_table(
        "source_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("alias", sa.String(), nullable=False),
        sa.Column("target", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_source_decision_alias", "source_decision", ["alias"])

    op.create_table(
        "sentence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sentence_article_id", "sentence", ["article_id"])
    op.create_index("ix_sentence_label", "sentence", ["label"])

    op.create_table(
        "source_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("normalized", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_source_alias_name", "source_alias", ["name"])
    op.create_index("ix_source_alias_normalized", "source_alias", ["normalized"])
    op.create_index("ix_source_alias_source_id", "source_alias", ["source_id"])

    op.create_table(
        "statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sentence_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("via_source_id", sa.Integer(), nullable=True),
        sa.Column("mention", sa.String(), nullable=True),
        sa.Column("mention_start", sa.Integer(), nullable=True),
        sa.Column("mention_end", sa.Integer(), nullable=True),
        sa.Column("cue", sa.String(), nullable=True),
        sa.Column("cue_start", sa.Integer(), nullable=True),
        sa.Column("cue_end", sa.Integer(), nullable=True),
        sa.Column("content", sa.String(), nullable=True),
        sa.Column("content_start", sa.Integer(), nullable=True),
        sa.Column("content_end", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("resolution", sa.String(), nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sentence_id"], ["sentence.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_id"], ["source.id"]),
        sa.ForeignKeyConstraint(["via_source_id"], ["source.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_statement_article_id", "statement", ["article_id"])
    op.create_index("ix_statement_kind", "statement", ["kind"])
    op.create_index("ix_statement_sentence_id", "statement", ["sentence_id"])
    op.create_index("ix_statement_source_id", "statement", ["source_id"])
    op.create_index("ix_statement_via_source_id", "statement", ["via_source_id"])


def downgrade() -> None:
    for table in ("statement", "source_alias", "sentence", "source_decision", "source", "failure", "article"):
        op.drop_table(table)
