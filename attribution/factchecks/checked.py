"""Stored statements that published fact-checks already check: incremental matching, listing, export.

``update_matches`` runs after scoring (new statements against every fact-check) and after an import
(every statement against the new fact-checks only); how far it has got is kept in
``fact_check_progress``, so each statement and each fact-check is matched once per encoder.  A pair
is stored when its cosine reaches the measured threshold (``MatchSettings.checked_threshold``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from attribution.db.models import (
    Article,
    FactCheck,
    FactChecker,
    FactCheckMatch,
    FactCheckProgress,
    Source,
    Statement,
)

MIN_STATEMENT_CHARS = 20  # shorter contents ("he said so") match anything a little
TOP_PER_STATEMENT = 5
ENCODE_CHUNK = 512


def _progress(session: Session, version: str) -> FactCheckProgress:
    row = session.exec(select(FactCheckProgress).where(FactCheckProgress.encoder == version)).first()
    if row is None:
        row = FactCheckProgress(encoder=version)
        session.add(row)
        session.flush()
    return row


def _statements(session: Session, after: int = 0, upto: int | None = None) -> list[tuple[int, str]]:
    query = (
        select(Statement.id, Statement.content)
        .where(col(Statement.id) > after)
        .where(col(Statement.content).is_not(None))
        .where(func.length(Statement.content) >= MIN_STATEMENT_CHARS)
    )
    if upto is not None:
        query = query.where(col(Statement.id) <= upto)
    return [(int(sid or 0), content or "") for sid, content in session.exec(query.order_by(col(Statement.id))).all()]


def _store(session: Session, pairs: dict[tuple[int, int], float], version: str) -> int:
    if not pairs:
        return 0
    known = set()
    statement_ids = sorted({s for s, _ in pairs})
    for start in range(0, len(statement_ids), 500):
        known |= set(
            session.exec(
                select(FactCheckMatch.statement_id, FactCheckMatch.fact_check_id).where(col(FactCheckMatch.statement_id).in_(statement_ids[start : start + 500]))
            ).all()
        )
    rows = [{"statement_id": s, "fact_check_id": f, "similarity": round(c, 4), "encoder": version} for (s, f), c in pairs.items() if (s, f) not in known]
    if rows:
        session.execute(insert(FactCheckMatch), rows)
    return len(rows)


def update_matches(session: Session, encoder: Any = None, settings: Any = None) -> int:
    """Match what is new since the last run; returns how many statement/fact-check pairs were stored."""
    if session.exec(select(FactCheck.id).limit(1)).first() is None:
        return 0  # no fact-checks imported: nothing to load, nothing to match
    from attribution.factchecks.retriever import Retriever

    retriever = Retriever(session, encoder, settings)
    version = retriever.encoder.version
    threshold = retriever.settings.checked_threshold
    progress = _progress(session, version)
    last_statement = session.exec(select(func.max(Statement.id))).one() or 0
    last_fact_check = session.exec(select(func.max(FactCheck.id))).one() or 0
    pairs: dict[tuple[int, int], float] = {}

    # New fact-checks against the statements matched before (brute force: the new ones are few).
    if last_fact_check > progress.fact_check_id and progress.statement_id > 0:
        new = session.exec(select(FactCheck.id, FactCheck.embedding).where(col(FactCheck.id) > progress.fact_check_id).where(FactCheck.encoder == version)).all()
        if new:
            new_ids = np.array([fid for fid, _ in new])
            matrix = np.frombuffer(b"".join(blob or b"" for _, blob in new), dtype=np.float32).reshape(len(new), -1)
            old = _statements(session, 0, progress.statement_id)
            for start in range(0, len(old), ENCODE_CHUNK):
                chunk = old[start : start + ENCODE_CHUNK]
                scores = np.asarray(retriever.encoder.encode([c for _, c in chunk]), dtype=np.float32) @ matrix.T
                for row, col_ in zip(*np.nonzero(scores >= threshold)):
                    pairs[(chunk[row][0], int(new_ids[col_]))] = float(scores[row, col_])

    # New statements against every fact-check, through the index.
    fresh = _statements(session, progress.statement_id)
    for start in range(0, len(fresh), ENCODE_CHUNK):
        chunk = fresh[start : start + ENCODE_CHUNK]
        ids, scores = retriever.index.search(np.asarray(retriever.encoder.encode([c for _, c in chunk]), dtype=np.float32), TOP_PER_STATEMENT)
        for (sid, _), row_ids, row_scores in zip(chunk, ids, scores):
            for fid, score in zip(row_ids.tolist(), row_scores.tolist()):
                if fid >= 0 and score >= threshold:
                    pairs[(sid, fid)] = score

    stored = _store(session, pairs, version)
    progress.statement_id = max(progress.statement_id, last_statement)
    progress.fact_check_id = max(progress.fact_check_id, last_fact_check)
    session.add(progress)
    session.commit()
    return stored


@dataclass
class CheckedRow:
    statement_id: int
    source: str | None
    content: str | None
    article: str | None
    article_url: str | None
    fact_check: str  # the published id
    claim_reviewed: str
    rating: str | None
    review_url: str | None
    fact_checker: str | None
    fact_checker_url: str | None
    review_date: str | None
    title: str | None
    similarity: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def checked_rows(session: Session, source: str | None = None, statement_ids: Iterable[int] | None = None) -> list[CheckedRow]:
    """Statements with the fact-checks that match them, best match first within a statement."""
    columns = {
        "statement_id": Statement.id, "source": Source.name, "content": Statement.content, "article": Article.title,
        "article_url": Article.url, "fact_check": FactCheck.published_id, "claim_reviewed": FactCheck.claim,
        "rating": FactCheck.rating, "review_url": FactCheck.url, "fact_checker": FactChecker.name,
        "fact_checker_url": FactChecker.url, "review_date": FactCheck.review_date, "title": FactCheck.title,
        "similarity": FactCheckMatch.similarity,
    }
    query: Any = (
        select(*(col(column).label(name) for name, column in columns.items()))  # type: ignore[call-overload]
        .join(Statement, col(Statement.id) == FactCheckMatch.statement_id)
        .join(FactCheck, col(FactCheck.id) == FactCheckMatch.fact_check_id)
        .join(Article, col(Article.id) == Statement.article_id)
        .outerjoin(Source, col(Source.id) == Statement.source_id)
        .outerjoin(FactChecker, col(FactChecker.id) == FactCheck.fact_checker_id)
    )
    if source is not None:
        from attribution.queries import source_ids

        query = query.where(col(Statement.source_id).in_(source_ids(session, source)))
    if statement_ids is not None:
        query = query.where(col(Statement.id).in_(list(statement_ids)))
    query = query.order_by(col(Statement.id), col(FactCheckMatch.similarity).desc(), col(FactCheck.id))
    return [CheckedRow(**{name: getattr(row, name) for name in columns}) for row in session.exec(query).all()]


def attach_reviews(session: Session, rows: list[dict[str, Any]]) -> None:
    """Give each export row that a fact-check matches a ``fact_checks`` list (best first)."""
    if not rows or session.exec(select(FactCheckMatch.id).limit(1)).first() is None:
        return
    found: dict[int, list[dict[str, Any]]] = {}
    ids = [r["statement_id"] for r in rows]
    for start in range(0, len(ids), 500):
        for row in checked_rows(session, statement_ids=ids[start : start + 500]):
            found.setdefault(row.statement_id, []).append(row.as_dict())
    for record in rows:
        if record["statement_id"] in found:
            record["fact_checks"] = found[record["statement_id"]]


def claim_review(claim: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """A schema.org ``ClaimReview`` of ``claim`` by the best matching fact-check; the claim alone if none."""
    reviews = row.get("fact_checks") or []
    if not reviews:
        return claim
    best = reviews[0]
    item = {k: v for k, v in claim.items() if k != "@context"}
    author = {"@type": "Organization", "name": best["fact_checker"], "url": best["fact_checker_url"]}
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": best["review_url"],
        "claimReviewed": best["claim_reviewed"],
        "headline": best["title"],
        "datePublished": best["review_date"],
        "author": {k: v for k, v in author.items() if v is not None} if best["fact_checker"] else None,
        "reviewRating": {"@type": "Rating", "alternateName": best["rating"]} if best["rating"] else None,
        "itemReviewed": item,
        "identifier": best["fact_check"],
    }
    return {k: v for k, v in review.items() if v is not None}


def match_after_scoring(session: Session) -> None:
    """The hook that scoring and batch call once their articles are stored: match the new statements.

    Costs one query when no fact-checks are imported.  The articles are already committed, so a
    failure here is reported on stderr, not raised; matching resumes where it stopped (``fact_check_progress``)
    at the next `score`, `batch` or `fact-checks import`.
    """
    import sys

    from attribution.errors import AttributionError

    try:
        update_matches(session)
    except AttributionError as exc:
        print(f"Warning: fact-check matching skipped: {exc}", file=sys.stderr)
