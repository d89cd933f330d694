"""Fact-checks in the database: their tables' full-text index, idempotent import, embeddings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from attribution.db.models import FactCheck, FactChecker
from attribution.factchecks.encoder import fact_check_text
from attribution.factchecks.formats import (
    FactCheckFormat,
    FactCheckRecord,
    RecordFailure,
    read_fact_checks,
)

# BM25 over claim and headline, kept in sync by triggers (the same scheme as statement_fts).  No
# stemming: the query's words are looked up in the vocabulary as they are written (see retriever).
FTS_SCHEMA = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS fact_check_fts USING fts5(
        claim, title, content='fact_check', content_rowid='id', tokenize='unicode61 remove_diacritics 2')""",
    # Document frequency per term: a query skips the commonest of its words on a large collection.
    """CREATE VIRTUAL TABLE IF NOT EXISTS fact_check_vocab USING fts5vocab(fact_check_fts, 'row')""",
    """CREATE TRIGGER IF NOT EXISTS fact_check_fts_insert AFTER INSERT ON fact_check BEGIN
        INSERT INTO fact_check_fts(rowid, claim, title) VALUES (new.id, new.claim, new.title); END""",
    """CREATE TRIGGER IF NOT EXISTS fact_check_fts_delete AFTER DELETE ON fact_check BEGIN
        INSERT INTO fact_check_fts(fact_check_fts, rowid, claim, title) VALUES ('delete', old.id, old.claim, old.title); END""",
    """CREATE TRIGGER IF NOT EXISTS fact_check_fts_update AFTER UPDATE OF claim, title ON fact_check BEGIN
        INSERT INTO fact_check_fts(fact_check_fts, rowid, claim, title) VALUES ('delete', old.id, old.claim, old.title);
        INSERT INTO fact_check_fts(rowid, claim, title) VALUES (new.id, new.claim, new.title); END""",
    """CREATE VIEW IF NOT EXISTS checked_statements AS
        SELECT statement.id AS statement_id, source.name AS source, statement.content,
               fact_check.published_id AS fact_check, fact_check.claim AS fact_checked_claim,
               fact_check.rating, fact_check.url AS review_url, fact_checker.name AS fact_checker,
               fact_check_match.similarity, article.title AS article, article.url AS article_url
        FROM fact_check_match
        JOIN statement ON statement.id = fact_check_match.statement_id
        JOIN fact_check ON fact_check.id = fact_check_match.fact_check_id
        JOIN article ON article.id = statement.article_id
        LEFT JOIN source ON source.id = statement.source_id
        LEFT JOIN fact_checker ON fact_checker.id = fact_check.fact_checker_id""",
]
_ready: set[int] = set()


def ensure_schema(engine: Engine) -> None:
    """The full-text index and view (SQLite); tables themselves come from ``make_engine``."""
    if id(engine) in _ready or engine.dialect.name != "sqlite":
        return
    with engine.begin() as connection:
        for statement in FTS_SCHEMA:
            connection.execute(text(statement))
    _ready.add(id(engine))


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[RecordFailure] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)  # added or changed: these need (new) embeddings

    def line(self) -> str:
        return f"{self.added} fact-checks added, {self.updated} updated, {self.unchanged} unchanged, {len(self.failures)} failed"


_FIELDS = {  # record field -> column
    "claim": "claim", "title": "title", "url": "url", "rating": "rating", "review_date": "review_date",
    "claimant": "claimant", "claim_date": "claim_date", "language": "language",
}


def _fact_checker_ids(session: Session, records: list[FactCheckRecord]) -> dict[str, int]:
    names = {r.author for r in records if r.author}
    known = {row.name: row for row in session.exec(select(FactChecker).where(col(FactChecker.name).in_(names))).all()} if names else {}
    for record in records:
        if record.author and record.author not in known:
            known[record.author] = FactChecker(name=record.author, url=record.author_url)
            session.add(known[record.author])
        elif record.author and record.author_url and not known[record.author].url:
            known[record.author].url = record.author_url  # another review names its site
            session.add(known[record.author])
    session.flush()
    return {name: row.id for name, row in known.items() if row.id is not None}


def import_records(session: Session, records: Iterable[FactCheckRecord | RecordFailure], source: str) -> ImportReport:
    """Insert new reviews, update changed ones, leave identical ones alone; one transaction."""
    ensure_schema(session.get_bind())  # type: ignore[arg-type]
    report = ImportReport()
    latest: dict[str, FactCheckRecord] = {}
    for item in records:
        if isinstance(item, RecordFailure):
            report.failures.append(item)
        else:
            latest[item.published_id] = item  # the same id twice in one file: the last one wins
    good = list(latest.values())
    try:
        checkers = _fact_checker_ids(session, good)
        existing: dict[str, FactCheck] = {}
        ids = list(latest)
        for start in range(0, len(ids), 500):
            for row in session.exec(select(FactCheck).where(col(FactCheck.published_id).in_(ids[start : start + 500]))).all():
                existing[row.published_id] = row
        changed: list[FactCheck] = []
        for record in good:
            values: dict[str, Any] = {column: getattr(record, name) for name, column in _FIELDS.items()}
            values["fact_checker_id"] = checkers.get(record.author) if record.author else None
            found = existing.get(record.published_id)
            if found is None:
                row = FactCheck(published_id=record.published_id, imported_from=source, **values)
                session.add(row)
                report.added += 1
                changed.append(row)
                continue
            row = found
            if any(getattr(row, k) != v for k, v in values.items()):
                text_changed = (row.claim, row.title) != (values["claim"], values["title"])
                for key, value in values.items():
                    setattr(row, key, value)
                row.imported_from = source
                if text_changed:
                    row.embedding, row.encoder = None, None
                    changed.append(row)
                session.add(row)
                report.updated += 1
            else:
                report.unchanged += 1
        session.flush()
        report.new_ids = [row.id for row in changed if row.id is not None]
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return report


def import_file(session: Session, path: Path, fmt: FactCheckFormat = FactCheckFormat.auto) -> ImportReport:
    return import_records(session, read_fact_checks(path, fmt), str(path))


def ensure_fact_check_embeddings(session: Session, encoder: Any, batch: int = 512) -> tuple[list[int], np.ndarray]:
    """Embed every fact-check without a vector of this encoder's version; returns the ids and vectors made."""
    version = encoder.version
    missing = session.exec(
        select(FactCheck.id, FactCheck.claim, FactCheck.title).where((col(FactCheck.encoder).is_(None)) | (FactCheck.encoder != version)).order_by(col(FactCheck.id))
    ).all()
    made_ids: list[int] = []
    made: list[np.ndarray] = []
    table = FactCheck.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        vectors = np.asarray(encoder.encode([fact_check_text(claim, title) for _, claim, title in chunk]), dtype=np.float32)
        connection.execute(
            table.update().where(table.c.id == bindparam("fid")).values(embedding=bindparam("vector"), encoder=version),
            [{"fid": fid, "vector": v.tobytes()} for (fid, _, _), v in zip(chunk, vectors)],
        )
        made_ids.extend(int(fid or 0) for fid, _, _ in chunk)
        made.append(vectors)
    session.commit()
    return made_ids, (np.concatenate(made) if made else np.zeros((0, 0), dtype=np.float32))


def stored_embeddings(session: Session, version: str) -> tuple[np.ndarray, np.ndarray]:
    """All fact-check vectors of one encoder version: ids (int64) and a float32 matrix."""
    rows = session.exec(select(FactCheck.id, FactCheck.embedding).where(FactCheck.encoder == version).order_by(col(FactCheck.id))).all()
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    ids = np.array([fid for fid, _ in rows], dtype=np.int64)
    matrix = np.frombuffer(b"".join(blob or b"" for _, blob in rows), dtype=np.float32).reshape(len(rows), -1)
    return ids, matrix


def record_fields() -> list[str]:
    return [f.name for f in fields(FactCheckRecord)]
