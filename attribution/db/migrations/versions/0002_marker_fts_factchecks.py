"""The schema as it stood when migrations came: the marker, editorial fixes, offices, fact-checks, search, views.

A database of the baseline release lacks all of this; one made between that release and the migrations
(with the ``attribution_schema`` marker, before Alembic) has some or all of it, depending on its version.
So everything here is created only where it is missing (``IF NOT EXISTS``), and a full-text index that
is created over rows already stored is rebuilt from them.

SQLite: fts5 tables over statements and sentences kept in sync by triggers.  PostgreSQL: ``to_tsvector``
kept in a stored generated column with a GIN index, GIN expression indexes over sentences and
fact-checks, and a unique index making an alias once per source (concurrent writers).  Both: two views
for Datasette and SQL users.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA_VERSION = 2  # the marker's version at this revision
TEXT_SEARCH_CONFIG = "english"  # PostgreSQL: stemming as SQLite's porter tokenizer; English stop words dropped

VIEWS = {
    "statements_by_source": """
        SELECT source.name AS source, source.type AS source_type, statement.kind, statement.mention,
               statement.content, via.name AS via, statement.confidence, statement.resolution,
               article.title AS article, article.published, sentence.text AS sentence, statement.id AS statement_id
        FROM statement
        JOIN sentence ON sentence.id = statement.sentence_id
        JOIN article ON article.id = statement.article_id
        LEFT JOIN source ON source.id = statement.source_id
        LEFT JOIN source AS via ON via.id = statement.via_source_id""",
    "article_sentences": """
        SELECT article.title AS article, article.published, sentence."index" AS sentence_index,
               sentence.label, sentence.confidence, sentence.text, sentence.id AS sentence_id
        FROM sentence JOIN article ON article.id = sentence.article_id""",
}

SQLITE_FULL_TEXT = {
    "statement_fts": [
        """CREATE VIRTUAL TABLE statement_fts USING fts5(
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
    ],
    # Sentences are searchable too (Datasette's search box on the sentence table and article_sentences).
    "sentence_fts": [
        """CREATE VIRTUAL TABLE sentence_fts USING fts5(
            text, content='sentence', content_rowid='id', tokenize='porter unicode61')""",
        """CREATE TRIGGER IF NOT EXISTS sentence_fts_insert AFTER INSERT ON sentence BEGIN
            INSERT INTO sentence_fts(rowid, text) VALUES (new.id, new.text); END""",
        """CREATE TRIGGER IF NOT EXISTS sentence_fts_delete AFTER DELETE ON sentence BEGIN
            INSERT INTO sentence_fts(sentence_fts, rowid, text) VALUES ('delete', old.id, old.text); END""",
        """CREATE TRIGGER IF NOT EXISTS sentence_fts_update AFTER UPDATE OF text ON sentence BEGIN
            INSERT INTO sentence_fts(sentence_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO sentence_fts(rowid, text) VALUES (new.id, new.text); END""",
    ],
}

POSTGRES_FULL_TEXT = [
    # Stored, not an index expression only: ranking reads the vector of each match instead of re-parsing its text.
    f"""ALTER TABLE statement ADD COLUMN IF NOT EXISTS content_tsv tsvector
        GENERATED ALWAYS AS (to_tsvector('{TEXT_SEARCH_CONFIG}', coalesce(content, ''))) STORED""",
    "CREATE INDEX IF NOT EXISTS statement_content_fts ON statement USING GIN (content_tsv)",
    f"""CREATE INDEX IF NOT EXISTS fact_check_fts ON fact_check
        USING GIN (to_tsvector('{TEXT_SEARCH_CONFIG}', claim || ' ' || coalesce(title, '')))""",
    f"CREATE INDEX IF NOT EXISTS sentence_text_fts ON sentence USING GIN (to_tsvector('{TEXT_SEARCH_CONFIG}', text))",
    # An alias once per source, whoever writes it (inserts use ON CONFLICT DO NOTHING).
    "CREATE UNIQUE INDEX IF NOT EXISTS source_alias_once ON source_alias (source_id, normalized)",
]


def _tables() -> None:
    op.create_table(
        "attribution_schema",
        sa.Column("application", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("application"),
        if_not_exists=True,
    )
    op.create_table(
        "statement_fix",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(), nullable=False),
        sa.Column("content_start", sa.Integer(), nullable=False),
        sa.Column("content_end", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index("ix_statement_fix_content_hash", "statement_fix", ["content_hash"], if_not_exists=True)
    op.create_table(
        "source_title",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index("ix_source_title_article_id", "source_title", ["article_id"], if_not_exists=True)
    op.create_index("ix_source_title_role", "source_title", ["role"], if_not_exists=True)
    op.create_table(
        "fact_checker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("url", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index("ix_fact_checker_name", "fact_checker", ["name"], unique=True, if_not_exists=True)
    op.create_table(
        "fact_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("published_id", sa.String(), nullable=False),
        sa.Column("claim", sa.String(), nullable=False),
        sa.Column("claimant", sa.String(), nullable=True),
        sa.Column("claim_date", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("url", sa.String(), nullable=True),
        sa.Column("rating", sa.String(), nullable=True),
        sa.Column("review_date", sa.String(), nullable=True),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("fact_checker_id", sa.Integer(), nullable=True),
        sa.Column("imported_from", sa.String(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("encoder", sa.String(), nullable=True),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["fact_checker_id"], ["fact_checker.id"]),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    op.create_index("ix_fact_check_fact_checker_id", "fact_check", ["fact_checker_id"], if_not_exists=True)
    op.create_index("ix_fact_check_published_id", "fact_check", ["published_id"], unique=True, if_not_exists=True)
    op.create_index("ix_fact_check_rating", "fact_check", ["rating"], if_not_exists=True)
    op.create_index("ix_fact_check_review_date", "fact_check", ["review_date"], if_not_exists=True)
    op.create_table(
        "fact_check_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("fact_check_id", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("encoder", sa.String(), nullable=False),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["fact_check_id"], ["fact_check.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["statement_id"], ["statement.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("statement_id", "fact_check_id"),
        if_not_exists=True,
    )
    op.create_index("ix_fact_check_match_fact_check_id", "fact_check_match", ["fact_check_id"], if_not_exists=True)
    op.create_index("ix_fact_check_match_statement_id", "fact_check_match", ["statement_id"], if_not_exists=True)
    op.create_table(
        "fact_check_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("encoder", sa.String(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("fact_check_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("encoder"),
        if_not_exists=True,
    )


def _full_text_and_views() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for statement in POSTGRES_FULL_TEXT:
            op.execute(statement)
        for name, body in VIEWS.items():
            op.execute(f"CREATE OR REPLACE VIEW {name} AS{body}")
        return
    existing = set(sa.inspect(bind).get_table_names())
    for table, statements in SQLITE_FULL_TEXT.items():
        if table not in existing:
            for statement in statements:
                op.execute(statement)
            op.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")  # index the rows already stored
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW IF NOT EXISTS {name} AS{body}")


def _mark() -> None:
    marker = sa.table("attribution_schema", sa.column("application", sa.String), sa.column("version", sa.Integer),
                      sa.column("created_at", sa.DateTime(timezone=True)))
    bind = op.get_bind()
    if bind.execute(sa.select(marker.c.application)).first() is None:
        bind.execute(marker.insert().values(application="attribution", version=SCHEMA_VERSION,
                                            created_at=datetime.now(UTC).replace(microsecond=0)))
    else:
        bind.execute(marker.update().values(version=SCHEMA_VERSION))


def upgrade() -> None:
    _tables()
    _full_text_and_views()
    _mark()


def downgrade() -> None:
    raise NotImplementedError("the claim graph is not downgraded: restore a backup taken before `attribution db upgrade`")
