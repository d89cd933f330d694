"""Export statements as JSONL, CSV, or schema.org ``Claim`` objects (JSON-LD) for ClaimReview tools.

The tool itself never rates a claim: a ``ClaimReview`` (rating, review URL, fact-checker) is written
only where an imported, published fact-check matches the statement (see attribution/factchecks).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from typing import Any, TextIO

from sqlmodel import Session, col, select

from attribution.db.models import Article, Sentence, Statement
from attribution.errors import QueryError
from attribution.factchecks.checked import attach_reviews, claim_review
from attribution.queries import (
    find_article,
    source_ids,
    statement_rows,
    statement_select,
)

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
_NOT_WORD = re.compile(r"[^\w\s]")


def claim_key(content: str | None) -> str:
    """Content reduced to lower-case words, so quoting and punctuation do not hide a repeat."""
    return " ".join(_NOT_WORD.sub(" ", (content or "").lower()).split())


def _first_appearances(session: Session, keys: set[str]) -> dict[str, dict[str, Any]]:
    """For each claim key, the earliest article (published, then scored) whose statement has it."""
    earliest: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {}
    rows = session.exec(  # type: ignore[attr-defined]
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            col(Statement.content).label("content"),
            col(Article.id).label("first_article_id"),
            col(Article.title).label("first_title"),
            col(Article.url).label("first_url"),
            col(Article.publisher).label("first_publisher"),
            col(Article.published).label("first_published"),
            col(Article.scored_at).label("scored_at"),
        )
        .join(Article, col(Article.id) == col(Statement.article_id))
        .where(col(Statement.content).is_not(None))
    ).mappings()  # type: ignore[call-overload]
    for row in rows:
        key = claim_key(row["content"])
        if key not in keys:
            continue
        published = row["first_published"]
        order = (published is None, published or "", str(row["scored_at"]), row["first_article_id"])
        if key not in earliest or order < earliest[key][0]:
            earliest[key] = (order, {name: row[name] for name in FIRST_FIELDS})
    return {key: value[1] for key, value in earliest.items()}


def export_rows(
    session: Session, source: str | None = None, article: str | int | None = None, min_confidence: float = 0.0
) -> list[dict[str, Any]]:
    """Flat statement records (``EXPORT_COLUMNS``), optionally for one source (name, alias or surname) or article."""
    query = statement_select()
    if source is not None:
        query = query.where(col(Statement.source_id).in_(source_ids(session, source)))
    if article is not None:
        query = query.where(col(Statement.article_id) == find_article(session, article).id)
    if min_confidence > 0:
        query = query.where(col(Statement.confidence) >= min_confidence)
    query = query.order_by(
        col(Article.published).is_(None), col(Article.published), col(Article.id), col(Sentence.index), col(Statement.id)
    )
    rows = [{name: getattr(row, name) for name in STATEMENT_FIELDS} for row in statement_rows(session, query)]
    firsts = _first_appearances(session, {claim_key(r["content"]) for r in rows})
    for row in rows:
        row.update(firsts.get(claim_key(row["content"]), dict.fromkeys(FIRST_FIELDS)))
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
