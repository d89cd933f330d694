"""Editors' decisions on single statements and on sources the evidence left apart.

``fix_statement`` re-attributes one statement and records it (``statement_fix``), so that re-scoring the
article with another model version credits the same words to the same source again; ``place_fixes`` finds
those words among the new statements (a new model may move the span by a character or a word).
``ambiguous_sources`` lists the bare surnames and offices ("Blair", "The chancellor") that were stored
as sources of their own because the evidence did not single out one person: an editor merges them
(``sources merge``) where they are the same person; nothing is merged blindly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from attribution import link
from attribution.db.models import Article, Source, SourceTitle, Statement, StatementFix
from attribution.errors import InputError
from attribution.store import named_rows, normalize, source_for_fix


@dataclass
class FixedStatement:
    statement_id: int
    content: str | None
    old_source: str | None
    new_source: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def fix_statement(session: Session, statement_id: int, source_name: str) -> FixedStatement:
    """Credit statement ``statement_id`` to ``source_name`` (an existing source, or a new person), now and after re-scoring."""
    if not source_name.strip():
        raise InputError("--source must name a source")
    statement = session.get(Statement, statement_id)
    if statement is None:
        raise InputError(f"no statement with id {statement_id}; `attribution who-said` and `show` list them")
    article = session.get(Article, statement.article_id)
    assert article is not None  # a statement always belongs to an article (foreign key)
    old = session.get(Source, statement.source_id) if statement.source_id is not None else None
    source = source_for_fix(session, source_name)
    statement.source_id = source.id
    statement.resolution, statement.confidence = "editor", 1.0
    session.add(statement)
    session.add(StatementFix(
        content_hash=article.content_hash, content_start=statement.content_start or 0,
        content_end=statement.content_end or 0, source=source.name,
    ))
    session.commit()
    return FixedStatement(statement_id, statement.content, old.name if old else None, source.name)


MIN_FIX_OVERLAP = 0.5  # shared characters over the characters of both spans, for a fix to follow a moved span


@dataclass(frozen=True)
class StatementSpan:
    """Where a new statement's content sits, and the sentence it belongs to (character offsets in the article)."""

    sentence_start: int
    sentence_end: int
    content_start: int
    content_end: int


def place_fixes(fixes: Sequence[StatementFix], statements: Sequence[StatementSpan]) -> tuple[dict[int, StatementFix], list[StatementFix]]:
    """Which of an article's new statements each editor's fix applies to, and the fixes that no longer apply.

    A fix applies to the statement, in the sentence where the fixed words begin, whose content overlaps
    the fixed words most (of equal overlaps, the closest span), not only to one with the very same
    offsets: a new model version may move a span by a character. The overlap must be at least half of
    the two spans together (``MIN_FIX_OVERLAP``): an editor's source at confidence 1.0 must not pass to a
    different claim that shares a few words. Statements with the same span all get it. Of two fixes that
    land on one statement, the later wins. A fix that no statement of its sentence overlaps so (the new
    model found none there) no longer applies; it is returned so that it can be reported.
    Returns the fix per statement index (into ``statements``) and the fixes that no longer apply.
    """
    placed: dict[int, StatementFix] = {}
    stale: list[StatementFix] = []
    for fix in sorted(fixes, key=lambda f: f.id or 0):  # oldest first: a later fix overrides an earlier one
        best: tuple[int, int] | None = None
        chosen: list[int] = []
        for index, statement in enumerate(statements):
            if not statement.sentence_start <= fix.content_start < statement.sentence_end:
                continue
            overlap = min(fix.content_end, statement.content_end) - max(fix.content_start, statement.content_start)
            if overlap <= 0:
                continue
            union = max(fix.content_end, statement.content_end) - min(fix.content_start, statement.content_start)
            if overlap < MIN_FIX_OVERLAP * union:
                continue
            rank = (overlap, -union)
            if best is None or rank > best:
                best, chosen = rank, [index]
            elif rank == best:
                chosen.append(index)
        if not chosen:
            stale.append(fix)
        for index in chosen:
            placed[index] = fix
    return placed, stale


@dataclass
class AmbiguousSource:
    """A bare surname or an office stored on its own, with the people it might be."""

    source_id: int
    name: str
    statements: int
    reason: str
    candidates: list[str] = field(default_factory=list)  # "Tony Blair (87)": name and statement or title count

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ambiguous_sources(session: Session) -> list[AmbiguousSource]:
    """Sources left apart for want of evidence: a bare surname of people named in full, an office nobody clearly holds."""
    counted = named_rows(session, select(
        col(Statement.source_id).label("source_id"), func.count(col(Statement.id)).label("statements")
    ).group_by(col(Statement.source_id)))
    counts: dict[int | None, int] = {row["source_id"]: row["statements"] for row in counted}
    people = session.exec(select(Source).where(Source.type == "person")).all()
    full_names: dict[str, list[Source]] = {}
    for person in people:
        if person.surname and person.first_name and len(person.name.split()) > 1 and not link.is_office_mention(person.name, person.role and normalize(person.role)):
            full_names.setdefault(person.surname.lower(), []).append(person)
    titles: dict[str, dict[str, int]] = {}
    held = named_rows(session, select(
        col(SourceTitle.role).label("role"),
        col(SourceTitle.name).label("name"),
        func.count(func.distinct(col(SourceTitle.article_id))).label("articles"),
    ).group_by(col(SourceTitle.role), col(SourceTitle.name)))
    for row in held:
        titles.setdefault(row["role"], {})[row["name"]] = row["articles"]
    found: list[AmbiguousSource] = []
    for person in people:
        words = person.name.split()
        statements = counts.get(person.id, 0)
        if len(words) == 1 and words[0].lower() in full_names:
            rivals = sorted(full_names[words[0].lower()], key=lambda s: -counts.get(s.id, 0))
            found.append(AmbiguousSource(
                person.id or 0, person.name, statements, "bare surname of someone named in full elsewhere",
                [f"{s.name} ({counts.get(s.id, 0)})" for s in rivals],
            ))
        elif person.role and link.is_office_mention(person.name, normalize(person.role)):
            holders = sorted(titles.get(normalize(person.role), {}).items(), key=lambda item: -item[1])
            found.append(AmbiguousSource(
                person.id or 0, person.name, statements, "office with no clear holder in the corpus",
                [f"{name} ({articles} articles)" for name, articles in holders],
            ))
    return sorted(found, key=lambda a: (-a.statements, a.name))
