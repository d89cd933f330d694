"""The views for Datasette and SQL users, written once for every database (each dialect adds its CREATE)."""

from __future__ import annotations

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


def create_views(create: str) -> list[str]:
    """``create`` is the dialect's statement head: ``CREATE VIEW IF NOT EXISTS`` or ``CREATE OR REPLACE VIEW``."""
    return [f"{create} {name} AS{body}" for name, body in VIEWS.items()]
