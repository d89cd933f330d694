"""Read-only questions over the claim graph: who said what, what was said about X, where and when.

Every function takes a ``sqlmodel.Session`` and returns plain dataclasses; nothing here writes.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal, Sequence

from sqlalchemy import case, func, or_, text
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from attribution.db.models import Article, Sentence, Source, SourceAlias, Statement
from attribution.errors import AttributionError
from attribution.store import normalize

KINDS = ("claim", "quote")
Kind = Literal["claim", "quote"]
HIGHLIGHT_START, HIGHLIGHT_END = "[", "]"
SNIPPET_TOKENS = 16
MAX_RANKED = 10_000  # matches scored by bm25 per search; see said_about
_HEX = re.compile(r"^[0-9a-f]{6,64}$")
_TERM = re.compile(r"\w+", re.UNICODE)


class QueryError(AttributionError):
    """A query argument is invalid (bad date, unknown kind, empty search)."""


class NotFoundError(QueryError):
    """What the user asked for is not in the database."""


@dataclass
class StatementRow:
    """One statement with its source, sentence and article."""

    statement_id: int
    source: str | None
    kind: str
    content: str | None
    cue: str | None
    mention: str | None
    via: str | None
    resolution: str
    confidence: float
    article_id: int
    title: str | None
    published: str | None
    url: str | None
    sentence: str
    sentence_index: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SearchHit:
    """A statement found by full-text search; ``snippet`` marks matches with ``[`` ``]``."""

    statement_id: int
    snippet: str
    score: float  # bm25: lower is a better match
    content: str | None
    source: str | None
    mention: str | None
    kind: str
    article_id: int
    title: str | None
    published: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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


def _statement_select():  # type: ignore[no-untyped-def]
    via = aliased(Source)
    query = (
        select(
            Statement.id,
            Source.name,
            Statement.kind,
            Statement.content,
            Statement.cue,
            Statement.mention,
            via.name,
            Statement.resolution,
            Statement.confidence,
            Article.id,
            Article.title,
            Article.published,
            Article.url,
            Sentence.text,
            Sentence.index,
        )
        .join(Sentence, Sentence.id == Statement.sentence_id)
        .join(Article, Article.id == Statement.article_id)
        .outerjoin(Source, Source.id == Statement.source_id)
        .outerjoin(via, via.id == Statement.via_source_id)
    )
    return query


def _rows(session: Session, query) -> list[StatementRow]:  # type: ignore[no-untyped-def]
    return [StatementRow(*row) for row in session.exec(query).all()]


def _date_filters(since: str | None, until: str | None) -> list[Any]:
    filters: list[Any] = []
    if since is not None:
        filters.append(Article.published >= since)
    if until is not None:
        # Inclusive: "2024-03-05T10:00" is on 2024-03-05, so compare only as many characters as given.
        filters.append(func.substr(Article.published, 1, len(until)) <= until)
    return filters


def who_said(
    session: Session,
    name: str,
    since: str | None = None,
    until: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[StatementRow]:
    """Statements by the source called ``name`` (canonical name, alias or surname), newest first."""
    since, until, kind = _check_date(since, "since"), _check_date(until, "until"), _check_kind(kind)
    ids = matching_source_ids(session, name)
    if not ids:
        return []
    query = _statement_select().where(col(Statement.source_id).in_(ids), *_date_filters(since, until))
    if kind is not None:
        query = query.where(Statement.kind == kind)
    query = query.order_by(
        col(Article.published).is_(None),
        col(Article.published).desc(),
        col(Article.scored_at).desc(),
        Article.id.desc(),  # type: ignore[union-attr]
        Sentence.index,
        Statement.id,
    )
    if limit is not None:
        query = query.limit(limit)
    return _rows(session, query)


def timeline(session: Session, name: str) -> list[StatementRow]:
    """A source's statements from the earliest to the latest (undated articles last)."""
    ids = matching_source_ids(session, name)
    if not ids:
        return []
    query = (
        _statement_select()
        .where(col(Statement.source_id).in_(ids))
        .order_by(
            col(Article.published).is_(None),
            Article.published,
            Article.scored_at,
            Article.id,
            Sentence.index,
            Statement.id,
        )
    )
    return _rows(session, query)


def fts_query(user_text: str) -> str:
    """An FTS5 MATCH expression for free text: each word a quoted string, all required, content only.

    Quoting every term means no punctuation, operator word (AND, NEAR) or column name in the
    user's text can change the query's meaning or break its syntax.
    """
    # A chunk such as "U.S." stays one phrase ("u s") rather than two independent words.
    terms = [chunk for chunk in user_text.split() if _TERM.search(chunk)]
    if not terms:
        raise QueryError(f"nothing to search for in {user_text!r}; give at least one word")
    quoted = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
    return f"content : ({quoted})"


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


def said_about(session: Session, text_query: str, limit: int = 20) -> list[SearchHit]:
    """Statements whose content matches ``text_query``, best bm25 match first.

    bm25 must score every match before the best can be picked; for a word found in most
    statements (say "the" alone) that alone costs over 100 ms per 100,000 statements, so only
    the ``MAX_RANKED`` most recently stored matches are ranked.  A word that common carries
    almost no bm25 weight anyway.
    """
    match = fts_query(text_query)
    sql = text(
        """
        SELECT statement.id, snippet(statement_fts, 0, :hl_start, :hl_end, '…', :tokens) AS snippet,
               bm25(statement_fts) AS score, statement.content, source.name, statement.mention, statement.kind,
               article.id, article.title, article.published
        FROM statement_fts
        JOIN statement ON statement.id = statement_fts.rowid
        JOIN article ON article.id = statement.article_id
        LEFT JOIN source ON source.id = statement.source_id
        WHERE statement_fts MATCH :match AND statement_fts.rowid >= :floor
        ORDER BY score, statement.id
        LIMIT :limit
        """
    )
    params = {
        "hl_start": HIGHLIGHT_START,
        "hl_end": HIGHLIGHT_END,
        "tokens": SNIPPET_TOKENS,
        "match": match,
        "limit": limit,
        "floor": _rank_floor(session, match),
    }
    return [SearchHit(*row) for row in session.connection().execute(sql, params).all()]


def list_sources(
    session: Session, type: str | None = None, vague: bool | None = None, min_statements: int = 0
) -> list[SourceSummary]:
    """Every source with its claim and quote counts and first/last dates, most cited first."""
    claims = func.coalesce(func.sum(case((Statement.kind == "claim", 1), else_=0)), 0)
    quotes = func.coalesce(func.sum(case((Statement.kind == "quote", 1), else_=0)), 0)
    total = func.count(Statement.id)
    query = (
        select(
            Source.id,
            Source.name,
            Source.type,
            Source.vague,
            Source.role,
            Source.affiliation,
            claims,
            quotes,
            func.min(Article.published),
            func.max(Article.published),
        )
        .outerjoin(Statement, Statement.source_id == Source.id)
        .outerjoin(Article, Article.id == Statement.article_id)
        .group_by(Source.id)
        .order_by(total.desc(), Source.name)
    )
    if type is not None:
        query = query.where(Source.type == type)
    if vague is not None:
        query = query.where(Source.vague == vague)
    if min_statements > 0:
        query = query.having(total >= min_statements)
    summaries = [SourceSummary(*row) for row in session.exec(query).all()]
    aliases: dict[int, list[str]] = {}
    for source_id, alias in session.exec(select(SourceAlias.source_id, SourceAlias.name).order_by(SourceAlias.id)):
        aliases.setdefault(source_id, []).append(alias)
    for summary in summaries:
        summary.vague = bool(summary.vague)
        summary.aliases = aliases.get(summary.source_id, [])
    return summaries


def find_article(session: Session, ref: str | int) -> Article:
    """An article by id, content-hash prefix, or a substring of its document path or title."""
    ref_text = str(ref).strip()
    if not ref_text:
        raise QueryError("give an article id, a content-hash prefix, or part of its path or title")
    if ref_text.isdigit():
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
            .order_by(Article.id)
        ).all()
    if not candidates:
        raise NotFoundError(f"no article matches {ref_text!r}")
    if len(candidates) > 1:
        shown = "; ".join(f"{a.id}: {a.title or a.document}" for a in candidates[:5])
        more = f" and {len(candidates) - 5} more" if len(candidates) > 5 else ""
        raise QueryError(f"{len(candidates)} articles match {ref_text!r} ({shown}{more}); give an article id")
    return candidates[0]


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def show_article(session: Session, ref: str | int) -> ArticleView:
    """An article with its sentences (label, confidence) and its statements in reading order."""
    article = find_article(session, ref)
    sentences = session.exec(select(Sentence).where(Sentence.article_id == article.id).order_by(Sentence.index)).all()
    statements = _rows(
        session,
        _statement_select().where(Statement.article_id == article.id).order_by(Sentence.index, Statement.id),
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
    "ArticleView",
    "KINDS",
    "NotFoundError",
    "QueryError",
    "SearchHit",
    "SentenceView",
    "SourceSummary",
    "StatementRow",
    "find_article",
    "fts_query",
    "list_sources",
    "matching_source_ids",
    "said_about",
    "show_article",
    "timeline",
    "who_said",
]
