"""Read-only questions over the claim graph: who said what, what was said about X, where and when.

Every function takes a ``sqlmodel.Session`` and returns plain dataclasses; nothing here writes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Select, case, func, literal_column, or_, table, text
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from attribution.db.models import Article, Sentence, Source, SourceAlias, Statement
from attribution.errors import NotFoundError, QueryError, UnknownSourceError
from attribution.store import normalize

KINDS = ("claim", "quote")
Kind = Literal["claim", "quote"]
HIGHLIGHT_START, HIGHLIGHT_END = "[", "]"
SNIPPET_TOKENS = 16
MAX_RANKED = 10_000  # matches scored by bm25 per search; see said_about
MAX_ARTICLE_ID = 2**63 - 1  # SQLite's largest integer
MAX_REFERENCE_CHARS = 1_000
SUGGESTIONS = 5  # closest source names offered for an unknown one
_HEX = re.compile(r"^[0-9a-f]{6,64}$")
_DIGITS = re.compile(r"^[0-9]+$")  # ASCII only: "²".isdigit() is true
_TERM = re.compile(r"\w+", re.UNICODE)


@dataclass
class StatementRow:
    """One statement with its source, sentence and article: the row of :func:`statement_select`."""

    statement_id: int
    kind: str
    source: str | None
    source_type: str | None
    source_role: str | None
    source_affiliation: str | None
    via: str | None
    mention: str | None
    cue: str | None
    content: str | None
    confidence: float
    resolution: str
    sentence_id: int
    sentence_index: int
    sentence: str
    article_id: int
    title: str | None
    url: str | None
    publisher: str | None
    published: str | None
    scored_at: str

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any]) -> StatementRow:
        values = {f.name: row[f.name] for f in fields(cls)}
        if isinstance(values["scored_at"], datetime):
            values["scored_at"] = values["scored_at"].isoformat()
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def statement_select() -> Select:  # type: ignore[type-arg]
    """The one statement query: every ``StatementRow`` column, named; callers add filters and order."""
    via = aliased(Source, name="via_source")
    return (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns; this is SQLAlchemy's select
            col(Statement.id).label("statement_id"),
            col(Statement.kind).label("kind"),
            col(Source.name).label("source"),
            col(Source.type).label("source_type"),
            col(Source.role).label("source_role"),
            col(Source.affiliation).label("source_affiliation"),
            col(via.name).label("via"),
            col(Statement.mention).label("mention"),
            col(Statement.cue).label("cue"),
            col(Statement.content).label("content"),
            col(Statement.confidence).label("confidence"),
            col(Statement.resolution).label("resolution"),
            col(Sentence.id).label("sentence_id"),
            col(Sentence.index).label("sentence_index"),
            col(Sentence.text).label("sentence"),
            col(Article.id).label("article_id"),
            col(Article.title).label("title"),
            col(Article.url).label("url"),
            col(Article.publisher).label("publisher"),
            col(Article.published).label("published"),
            col(Article.scored_at).label("scored_at"),
        )
        .join(Sentence, col(Sentence.id) == col(Statement.sentence_id))
        .join(Article, col(Article.id) == col(Statement.article_id))
        .outerjoin(Source, col(Source.id) == col(Statement.source_id))
        .outerjoin(via, col(via.id) == col(Statement.via_source_id))
    )


def statement_rows(session: Session, query: Select) -> list[StatementRow]:  # type: ignore[type-arg]
    """Run a :func:`statement_select` query; rows are read by column name."""
    return [StatementRow.from_mapping(row) for row in session.exec(query).mappings()]  # type: ignore[call-overload]


@dataclass
class SearchHit(StatementRow):
    """A statement found by full-text search; ``snippet`` marks matches with ``[`` ``]``."""

    snippet: str = ""
    score: float = 0.0  # bm25: lower is a better match


@dataclass
class SourceSummary:
    """A source with how often and when it was cited."""

    source_id: int
    name: str
    type: str
    vague: bool
    role: str | None
    affiliation: str | None
    claims: int
    quotes: int
    first_seen: str | None
    last_seen: str | None
    aliases: list[str] = field(default_factory=list)

    @property
    def statements(self) -> int:
        return self.claims + self.quotes

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "statements": self.statements}


@dataclass
class SentenceView:
    index: int
    start: int
    end: int
    label: str
    confidence: float
    text: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ArticleView:
    """An article with its sentences and statements, as stored by the last scoring."""

    id: int
    title: str | None
    document: str
    url: str | None
    publisher: str | None
    author: str | None
    published: str | None
    content_hash: str
    model_version: str
    scored_at: str
    sentences: list[SentenceView]
    statements: list[StatementRow]

    def as_dict(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in asdict(self).items() if k not in ("sentences", "statements")},
            "sentences": [s.as_dict() for s in self.sentences],
            "statements": [s.as_dict() for s in self.statements],
        }


def _check_date(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    try:
        date.fromisoformat(value[:10])
    except ValueError as exc:
        raise QueryError(f"{what}={value!r} is not a date; use YYYY-MM-DD") from exc
    return value


def _check_kind(kind: str | None) -> str | None:
    if kind is not None and kind not in KINDS:
        raise QueryError(f"kind={kind!r} is unknown; use one of {', '.join(KINDS)}")
    return kind


def matching_source_ids(session: Session, name: str) -> list[int]:
    """Sources whose name, any alias or surname equals ``name``, ignoring case."""
    wanted = normalize(name)
    if not wanted:
        return []
    by_name = select(Source.id).where(or_(func.lower(Source.name) == wanted, func.lower(Source.surname) == wanted))
    by_alias = select(SourceAlias.source_id).where(SourceAlias.normalized == wanted)
    ids = set(session.exec(by_name).all()) | set(session.exec(by_alias).all())
    return sorted(i for i in ids if i is not None)


def suggest_sources(session: Session, name: str, limit: int = SUGGESTIONS) -> list[str]:
    """Canonical names of the sources whose name or alias is closest to ``name`` (for "did you mean")."""
    wanted = normalize(name)
    canonical: dict[str, str] = {}
    for source_name in session.exec(select(Source.name)).all():
        canonical.setdefault(normalize(source_name), source_name)
    for alias, source_name in session.exec(
        select(SourceAlias.normalized, Source.name).join(Source, col(Source.id) == col(SourceAlias.source_id))
    ).all():
        canonical.setdefault(alias, source_name)
    close = difflib.get_close_matches(wanted, list(canonical), n=limit * 3, cutoff=0.75)
    # A first name or a word of a longer name ("Jonathan" for "Jonathan Longname-Smythe") also counts.
    words = set(wanted.split())
    sharing = sorted(name for key, name in canonical.items() if words & set(key.split()))
    return list(dict.fromkeys([canonical[c] for c in close] + sharing))[:limit]


def source_ids(session: Session, name: str) -> list[int]:
    """Like :func:`matching_source_ids`, but an unknown name is an ``UnknownSourceError`` with suggestions."""
    ids = matching_source_ids(session, name)
    if not ids:
        raise UnknownSourceError(name, suggest_sources(session, name))
    return ids


def _filters(
    since: str | None = None, until: str | None = None, kind: str | None = None, min_confidence: float = 0.0
) -> list[Any]:
    since, until, kind = _check_date(since, "since"), _check_date(until, "until"), _check_kind(kind)
    filters: list[Any] = []
    if since is not None:
        filters.append(col(Article.published) >= since)
    if until is not None:
        # Inclusive: "2024-03-05T10:00" is on 2024-03-05, so compare only as many characters as given.
        filters.append(func.substr(Article.published, 1, len(until)) <= until)
    if kind is not None:
        filters.append(col(Statement.kind) == kind)
    if min_confidence > 0:
        filters.append(col(Statement.confidence) >= min_confidence)
    return filters


def _statements_by(
    session: Session,
    name: str,
    newest_first: bool,
    since: str | None,
    until: str | None,
    kind: str | None,
    limit: int | None,
    min_confidence: float,
) -> list[StatementRow]:
    """A source's statements in date order (undated articles last), within each article in reading order."""
    filters = _filters(since, until, kind, min_confidence)
    dated = [col(Article.published), col(Article.scored_at), col(Article.id)]
    query = statement_select().where(col(Statement.source_id).in_(source_ids(session, name)), *filters)
    query = query.order_by(
        col(Article.published).is_(None),
        *(column.desc() if newest_first else column for column in dated),
        col(Sentence.index),
        col(Statement.id),
    )
    if limit is not None:
        query = query.limit(limit)
    return statement_rows(session, query)


def who_said(
    session: Session,
    name: str,
    since: str | None = None,
    until: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
    min_confidence: float = 0.0,
) -> list[StatementRow]:
    """Statements by the source called ``name`` (canonical name, alias or surname), newest first.

    An unknown name raises ``UnknownSourceError`` (with the closest names); a known source with no
    statement passing the filters gives an empty list.
    """
    return _statements_by(session, name, True, since, until, kind, limit, min_confidence)


def timeline(
    session: Session,
    name: str,
    since: str | None = None,
    until: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
    min_confidence: float = 0.0,
) -> list[StatementRow]:
    """A source's statements from the earliest to the latest (undated articles last); filters as :func:`who_said`."""
    return _statements_by(session, name, False, since, until, kind, limit, min_confidence)


def fts_query(user_text: str) -> str:
    """An FTS5 MATCH expression for free text: each word a quoted string, all required, content only.

    Quoting every term means no punctuation, operator word (AND, NEAR) or column name in the
    user's text can change the query's meaning or break its syntax.
    """
    quoted = " ".join('"' + term.replace('"', '""') + '"' for term in _search_terms(user_text))
    return f"content : ({quoted})"


_FTS = table("statement_fts", literal_column("rowid"))


def _rank_floor(session: Session, match: str) -> int:
    """Lowest rowid among the newest ``MAX_RANKED`` matches, or 0 when there are fewer."""
    floor = session.connection().execute(
        text(
            "SELECT rowid FROM statement_fts WHERE statement_fts MATCH :match "
            "ORDER BY rowid DESC LIMIT 1 OFFSET :offset"
        ),
        {"match": match, "offset": MAX_RANKED - 1},
    ).scalar()
    return int(floor) if floor is not None else 0


def said_about(session: Session, text_query: str, limit: int = 20, min_confidence: float = 0.0) -> list[SearchHit]:
    """Statements whose content matches ``text_query``, best bm25 match first.

    bm25 must score every match before the best can be picked; for a word found in most
    statements (say "the" alone) that alone costs over 100 ms per 100,000 statements, so only
    the ``MAX_RANKED`` most recently stored matches are ranked.  A word that common carries
    almost no bm25 weight anyway.
    """
    if session.get_bind().dialect.name == "postgresql":
        return _said_about_postgres(session, text_query, limit, min_confidence)
    match = fts_query(text_query)
    fts: Any = literal_column("statement_fts")
    score = func.bm25(fts).label("score")
    query = (
        statement_select()
        .add_columns(func.snippet(fts, 0, HIGHLIGHT_START, HIGHLIGHT_END, "…", SNIPPET_TOKENS).label("snippet"), score)
        .join(_FTS, literal_column("statement_fts.rowid") == col(Statement.id))
        .where(text("statement_fts MATCH :match").bindparams(match=match))
        .where(literal_column("statement_fts.rowid") >= _rank_floor(session, match), *_filters(min_confidence=min_confidence))
        .order_by(score, col(Statement.id))
        .limit(limit)
    )
    hits = []
    for row in session.exec(query).mappings():  # type: ignore[call-overload]
        base = StatementRow.from_mapping(row)
        hits.append(SearchHit(**asdict(base), snippet=row["snippet"], score=row["score"]))
    return hits


def _search_terms(user_text: str) -> list[str]:
    """The words of a search (SQLite FTS5 and PostgreSQL alike); text with no word is a ``QueryError``.

    A chunk such as "U.S." stays one term (one phrase, "u s") rather than two independent words.
    """
    terms = [chunk for chunk in user_text.split() if _TERM.search(chunk)]
    if not terms:
        raise QueryError(f"nothing to search for in {user_text!r}; give at least one word")
    return terms


def _said_about_postgres(session: Session, text_query: str, limit: int, min_confidence: float) -> list[SearchHit]:
    """PostgreSQL full-text search (GIN index over ``to_tsvector(content)``): ranked by ``ts_rank_cd``,
    snippets by ``ts_headline``.  As on SQLite, only the ``MAX_RANKED`` newest matches are ranked."""
    from attribution.db import postgres

    tsquery = postgres.ts_query(_search_terms(text_query))
    newest = (
        select(col(Statement.id).label("id"))
        .where(postgres.matches(tsquery), *_filters(min_confidence=min_confidence))
        .order_by(col(Statement.id).desc())
        .limit(MAX_RANKED)
        .subquery("newest")
    )
    score = postgres.score(tsquery).label("score")
    ranked = (
        select(col(Statement.id).label("id"), score)
        .join(newest, newest.c.id == col(Statement.id))
        .order_by(score, col(Statement.id))
        .limit(limit)
        .subquery("ranked")
    )
    query = (
        statement_select()
        .add_columns(postgres.headline(tsquery, HIGHLIGHT_START, HIGHLIGHT_END, SNIPPET_TOKENS).label("snippet"), ranked.c.score)
        .join(ranked, ranked.c.id == col(Statement.id))
        .order_by(ranked.c.score, col(Statement.id))
    )
    hits = []
    for row in session.exec(query).mappings():  # type: ignore[call-overload]
        base = StatementRow.from_mapping(row)
        hits.append(SearchHit(**asdict(base), snippet=row["snippet"], score=float(row["score"])))
    return hits


def list_sources(
    session: Session, type: str | None = None, vague: bool | None = None, min_statements: int = 0
) -> list[SourceSummary]:
    """Every source with its claim and quote counts and first/last dates, most cited first."""
    claims = func.coalesce(func.sum(case((col(Statement.kind) == "claim", 1), else_=0)), 0)
    quotes = func.coalesce(func.sum(case((col(Statement.kind) == "quote", 1), else_=0)), 0)
    total = func.count(col(Statement.id))
    query = (
        select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
            col(Source.id).label("source_id"),
            col(Source.name).label("name"),
            col(Source.type).label("type"),
            col(Source.vague).label("vague"),
            col(Source.role).label("role"),
            col(Source.affiliation).label("affiliation"),
            claims.label("claims"),
            quotes.label("quotes"),
            func.min(Article.published).label("first_seen"),
            func.max(Article.published).label("last_seen"),
        )
        .outerjoin(Statement, col(Statement.source_id) == col(Source.id))
        .outerjoin(Article, col(Article.id) == col(Statement.article_id))
        .group_by(col(Source.id))
        .order_by(total.desc(), col(Source.name))
    )
    if type is not None:
        query = query.where(col(Source.type) == type)
    if vague is not None:
        query = query.where(col(Source.vague) == vague)
    if min_statements > 0:
        query = query.having(total >= min_statements)
    aliases: dict[int, list[str]] = {}
    for source_id, alias in session.exec(select(SourceAlias.source_id, SourceAlias.name).order_by(col(SourceAlias.id))):
        aliases.setdefault(source_id, []).append(alias)
    return [
        SourceSummary(**{**row, "vague": bool(row["vague"]), "aliases": aliases.get(row["source_id"], [])})
        for row in session.exec(query).mappings()  # type: ignore[call-overload]
    ]


def find_article(session: Session, ref: str | int) -> Article:
    """An article by id, content-hash prefix, or a substring of its document path or title."""
    ref_text = str(ref).strip()
    if not ref_text:
        raise QueryError("give an article id, a content-hash prefix, or part of its path or title")
    if len(ref_text) > MAX_REFERENCE_CHARS:  # SQLite refuses LIKE patterns over 50,000 bytes
        raise QueryError(f"article reference {_shown(ref_text)} is too long (at most {MAX_REFERENCE_CHARS:,} characters)")
    if _DIGITS.match(ref_text) and int(ref_text) <= MAX_ARTICLE_ID:
        article = session.get(Article, int(ref_text))
        if article is not None:
            return article
    candidates: Sequence[Article] = []
    if _HEX.match(ref_text.lower()):
        candidates = session.exec(select(Article).where(col(Article.content_hash).startswith(ref_text.lower()))).all()
    if not candidates:
        pattern = f"%{_escape_like(ref_text)}%"
        candidates = session.exec(
            select(Article)
            .where(
                or_(
                    col(Article.document).ilike(pattern, escape="\\"),
                    col(Article.title).ilike(pattern, escape="\\"),
                )
            )
            .order_by(col(Article.id))
        ).all()
    if not candidates:
        raise NotFoundError(f"no article matches {_shown(ref_text)}")
    if len(candidates) > 1:
        shown = "; ".join(f"{a.id}: {a.title or a.document}" for a in candidates[:5])
        more = f" and {len(candidates) - 5} more" if len(candidates) > 5 else ""
        raise QueryError(f"{len(candidates)} articles match {_shown(ref_text)} ({shown}{more}); give an article id")
    return candidates[0]


def _shown(value: str, limit: int = 60) -> str:
    """A user's value quoted for a message, shortened so that the message stays one readable line."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + f"… ({len(value):,} characters)"


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def show_article(session: Session, ref: str | int) -> ArticleView:
    """An article with its sentences (label, confidence) and its statements in reading order."""
    article = find_article(session, ref)
    sentences = session.exec(select(Sentence).where(Sentence.article_id == article.id).order_by(col(Sentence.index))).all()
    statements = statement_rows(
        session,
        statement_select().where(col(Statement.article_id) == article.id).order_by(col(Sentence.index), col(Statement.id)),
    )
    scored_at = article.scored_at.isoformat() if isinstance(article.scored_at, datetime) else str(article.scored_at)
    return ArticleView(
        id=article.id,  # type: ignore[arg-type]
        title=article.title,
        document=article.document,
        url=article.url,
        publisher=article.publisher,
        author=article.author,
        published=article.published,
        content_hash=article.content_hash,
        model_version=article.model_version,
        scored_at=scored_at,
        sentences=[SentenceView(s.index, s.start, s.end, s.label, s.confidence, s.text) for s in sentences],
        statements=statements,
    )


__all__ = [
    "KINDS",
    "ArticleView",
    "NotFoundError",
    "QueryError",
    "SearchHit",
    "SentenceView",
    "SourceSummary",
    "StatementRow",
    "UnknownSourceError",
    "find_article",
    "fts_query",
    "list_sources",
    "matching_source_ids",
    "said_about",
    "show_article",
    "source_ids",
    "statement_rows",
    "statement_select",
    "suggest_sources",
    "timeline",
    "who_said",
]
