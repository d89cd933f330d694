"""Export statements as JSONL, CSV, or schema.org ``Claim`` objects (JSON-LD) for ClaimReview tools.

The tool itself never rates a claim: a ``ClaimReview`` (rating, review URL, fact-checker) is written
only where an imported, published fact-check matches the statement (see attribution/factchecks).
"""

from __future__ import annotations

import csv
import json
import string
from collections.abc import Iterable
from typing import Any, TextIO

from sqlalchemy import CTE, ColumnElement, Select, Subquery, func, select  # SQLAlchemy's select: any number of columns
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from attribution.db.models import Article, Sentence, Statement
from attribution.errors import QueryError
from attribution.factchecks.checked import attach_reviews, claim_review
from attribution.queries import find_article, source_ids, statement_select
from attribution.store import named_rows

EXPORT_FORMATS = ("jsonl", "csv", "claimreview")
# Fields of queries.StatementRow, in export order, then the claim's first appearance.
STATEMENT_FIELDS = (
    "statement_id",
    "kind",
    "source",
    "source_type",
    "source_role",
    "source_affiliation",
    "via",
    "mention",
    "cue",
    "content",
    "confidence",
    "resolution",
    "sentence",
    "article_id",
    "title",
    "url",
    "publisher",
    "published",
)
FIRST_FIELDS = ("first_article_id", "first_title", "first_url", "first_publisher", "first_published")
EXPORT_COLUMNS = STATEMENT_FIELDS + FIRST_FIELDS
PERSON_TYPES = ("person", "anonymous")  # an unnamed official is still a person, not an organisation
# What a claim key turns into spaces: ASCII punctuation but "_" (a word character), typographic quotes,
# dashes and ellipsis, and every other kind of space (the two control characters are used to join runs).
_TO_SPACE = "".join(c for c in string.punctuation if c != "_") + "\u2018\u2019\u201a\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a\u2013\u2014\u2026\u00b7" + (
    "\t\n\r\f\v\u00a0\u2009\u202f\x01\x02"
)
_PER_STAGE = 12


def with_claim_key(rows: Select[*tuple[Any, ...]]) -> CTE:
    """``rows`` (a select with a ``content`` column) with a ``claim_key`` column, computed by the database.

    The key is the content reduced to lower-case words, so quoting and punctuation do not hide a repeat:
    ``'"We are NOT going,"  he'`` gives ``we are not going he`` (SQLite's ``lower`` changes ASCII letters
    only). SQLite's parser allows only about 30 nested calls, so the characters are replaced a few at a
    time, one ``WITH`` stage each.
    """
    stage = rows.add_columns(func.lower(rows.selected_columns.content).label("claim_key")).cte("claim_key_0")
    for number, begin in enumerate(range(0, len(_TO_SPACE), _PER_STAGE), 1):
        key: ColumnElement[Any] = stage.c.claim_key
        for char in _TO_SPACE[begin : begin + _PER_STAGE]:
            key = func.replace(key, char, " ")
        stage = select(*(c for c in stage.c if c.key != "claim_key"), key.label("claim_key")).cte(f"claim_key_{number}")
    # Runs of spaces to one: " " -> "\x01\x02", then "\x02\x01" -> "" joins a run, then "\x01\x02" -> " ".
    key = func.replace(func.replace(func.replace(stage.c.claim_key, " ", "\x01\x02"), "\x02\x01", ""), "\x01\x02", " ")
    return select(*(c for c in stage.c if c.key != "claim_key"), func.trim(key).label("claim_key")).cte("claim_keys")


def _claims() -> Subquery:
    """Each statement with the first article its claim appeared in: the earliest published, then scored.

    One windowed query over every statement (a partition per claim key), joined to the export rows.
    """
    keyed = with_claim_key(
        select(
            col(Statement.id).label("statement_id"), col(Statement.article_id).label("article_id"), col(Statement.content).label("content")
        ).where(col(Statement.content).is_not(None))
    )
    earliest = (col(Article.published).is_(None), col(Article.published), col(Article.scored_at), col(Article.id))
    return (
        select(
            keyed.c.statement_id,
            func.first_value(col(Article.id)).over(partition_by=keyed.c.claim_key, order_by=earliest).label("first_article_id"),
        )
        .join(Article, col(Article.id) == keyed.c.article_id)
        .subquery("claims")
    )


def export_rows(
    session: Session, source: str | None = None, article: str | int | None = None, min_confidence: float = 0.0
) -> list[dict[str, Any]]:
    """Flat statement records (``EXPORT_COLUMNS``), optionally for one source (name, alias or surname) or article."""
    claims = _claims()
    first = aliased(Article, name="first_article")
    query = (
        statement_select()
        .add_columns(
            col(first.id).label("first_article_id"),
            col(first.title).label("first_title"),
            col(first.url).label("first_url"),
            col(first.publisher).label("first_publisher"),
            col(first.published).label("first_published"),
        )
        .outerjoin(claims, claims.c.statement_id == col(Statement.id))
        .outerjoin(first, col(first.id) == claims.c.first_article_id)
    )
    if source is not None:
        query = query.where(col(Statement.source_id).in_(source_ids(session, source)))
    if article is not None:
        query = query.where(col(Statement.article_id) == find_article(session, article).id)
    if min_confidence > 0:
        query = query.where(col(Statement.confidence) >= min_confidence)
    query = query.order_by(
        col(Article.published).is_(None), col(Article.published), col(Article.id), col(Sentence.index), col(Statement.id)
    )
    rows = [{name: row[name] for name in EXPORT_COLUMNS} for row in named_rows(session, query)]
    attach_reviews(session, rows)  # issue 18: the published fact-checks that match each statement, if any
    return rows


def _drop_empty(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if v is not None and v != {}}


def _news_article(url: str | None, headline: str | None, publisher: str | None, published: str | None) -> dict[str, Any]:
    return _drop_empty(
        {
            "@type": "NewsArticle",
            "url": url,
            "headline": headline,
            "publisher": {"@type": "Organization", "name": publisher} if publisher else None,
            "datePublished": published,
        }
    )


def claim_object(row: dict[str, Any]) -> dict[str, Any]:
    """One export row as a schema.org ``Claim`` (JSON-LD); fields that are unknown are left out."""
    author = None
    if row.get("source"):
        is_person = row.get("source_type") in PERSON_TYPES
        author = _drop_empty(
            {
                "@type": "Person" if is_person else "Organization",
                "name": row["source"],
                "jobTitle": row.get("source_role") if is_person else None,
                "affiliation": (
                    {"@type": "Organization", "name": row["source_affiliation"]}
                    if is_person and row.get("source_affiliation")
                    else None
                ),
            }
        )
    appearance = _news_article(row.get("url"), row.get("title"), row.get("publisher"), row.get("published"))
    first = None
    if row.get("first_article_id") is not None:
        first = _news_article(row.get("first_url"), row.get("first_title"), row.get("first_publisher"), row.get("first_published"))
    return _drop_empty(
        {
            "@context": "https://schema.org",
            "@type": "Claim",
            "text": row.get("content"),
            "author": author,
            "appearance": appearance,
            "firstAppearance": first,
            # schema.org: the date the claim entered public discourse, i.e. its first appearance.
            "datePublished": row.get("first_published") or row.get("published"),
        }
    )


def claimreview_document(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [claim_review(claim_object(row), row) for row in rows]  # a ClaimReview where a fact-check matches


def write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO) -> None:
    out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def write_csv(rows: Iterable[dict[str, Any]], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=list(EXPORT_COLUMNS), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def write_claimreview(rows: Iterable[dict[str, Any]], out: TextIO) -> None:
    """One JSON document: a list of ``Claim`` objects."""
    json.dump(claimreview_document(rows), out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_export(rows: list[dict[str, Any]], fmt: str, out: TextIO) -> None:
    writers = {"jsonl": write_jsonl, "csv": write_csv, "claimreview": write_claimreview}
    if fmt not in writers:
        raise QueryError(f"export format {fmt!r} is unknown; use one of {', '.join(EXPORT_FORMATS)}")
    writers[fmt](rows, out)
