"""Every table of the claim graph, in one module (SQLModel)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Article(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    content_hash: str = Field(unique=True, index=True, description="SHA-256 of the article text")
    document: str = Field(description="path or record id as given when scored")
    title: str | None = Field(default=None, description="headline")
    url: str | None = None
    publisher: str | None = None
    author: str | None = Field(default=None, description="byline author: the article's own voice")
    published: str | None = Field(default=None, index=True, description="publication date, ISO 8601")
    scored_at: datetime = Field(default_factory=utcnow)
    model_version: str = Field(index=True)
    text: str = Field(description="the original text; every offset refers to it")


class Sentence(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    index: int = Field(description="position in the article, from 0")
    start: int
    end: int
    text: str
    label: str = Field(index=True, description="claim, quote or context")
    confidence: float


class Source(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, description="canonical source name")
    type: str = Field(default="unknown", index=True, description="person, organization, government, media, document, anonymous")
    vague: bool = Field(default=False, index=True, description="anonymous or unnamed group")
    role: str | None = Field(default=None, description="job title, e.g. spokesperson")
    affiliation: str | None = None
    first_name: str | None = None
    surname: str | None = Field(default=None, index=True)


class SourceAlias(SQLModel, table=True):
    __tablename__ = "source_alias"
    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", index=True, ondelete="CASCADE")
    name: str = Field(index=True, description="a surface form seen for the source")
    normalized: str = Field(index=True, description="lower-cased form used for matching")


class Statement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    sentence_id: int = Field(foreign_key="sentence.id", index=True, ondelete="CASCADE")
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    kind: str = Field(index=True, description="claim or quote")
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    via_source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    mention: str | None = Field(default=None, description="the source as written: 'he', 'the officials'")
    mention_start: int | None = None
    mention_end: int | None = None
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    content: str | None = None
    content_start: int | None = None
    content_end: int | None = None
    # JSON list of [start, end] pairs: the pieces of the content that are the speaker's words, when it is
    # several (a quotation over sentences with the attribution clause between them); NULL for one piece.
    # ``content`` then holds the pieces' texts joined by a space, content_start/content_end the whole span.
    content_parts: str | None = Field(default=None, description="JSON [[start, end], ...] of the content's pieces; NULL: one piece")
    confidence: float
    resolution: str = Field(description="named, alias, pronoun, description, continuation or unresolved")
    embedding: bytes | None = Field(default=None, description="float32 sentence embedding of the content")


class SourceDecision(SQLModel, table=True):
    """An editor's merge or split; applied on every later save, so it survives re-scoring."""

    __tablename__ = "source_decision"
    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(description="merge: alias -> target; split: alias is its own source")
    alias: str = Field(index=True, description="normalized name the decision applies to")
    target: str | None = Field(default=None, description="canonical name it maps to (merge)")
    created_at: datetime = Field(default_factory=utcnow)


class StatementFix(SQLModel, table=True):
    """An editor's re-attribution of one statement; applied on every later save, so it survives re-scoring.

    The statement is named by where it sits (article text and content offsets), not by its row id,
    which a new model version replaces.
    """

    __tablename__ = "statement_fix"
    id: int | None = Field(default=None, primary_key=True)
    content_hash: str = Field(index=True, description="SHA-256 of the article text")
    content_start: int
    content_end: int
    source: str = Field(description="canonical name of the source the statement is credited to")
    created_at: datetime = Field(default_factory=utcnow)


class SourceTitle(SQLModel, table=True):
    """A public office an article gives a named person ("Chancellor Gordon Brown"): evidence for "the chancellor"."""

    __tablename__ = "source_title"
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True, ondelete="CASCADE")
    role: str = Field(index=True, description="normalised office, e.g. 'chancellor'")
    name: str = Field(description="the person's canonical name")


class Failure(SQLModel, table=True):
    """An input that could not be scored in a batch run."""

    id: int | None = Field(default=None, primary_key=True)
    input: str
    reason: str
    created_at: datetime = Field(default_factory=utcnow)


# --- Fact-checks (issue 18): published reviews, and the statements that match them -------------


class FactChecker(SQLModel, table=True):
    """An organisation (or person) that publishes fact-checks: the ClaimReview's author."""

    __tablename__ = "fact_checker"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    url: str | None = Field(default=None, description="its site, as the review gives it")


class FactCheck(SQLModel, table=True):
    """One published review of one claim; ``published_id`` is the id it was published or listed with."""

    __tablename__ = "fact_check"
    id: int | None = Field(default=None, primary_key=True)
    published_id: str = Field(unique=True, index=True, description="the review's @id or URL, or the id in the imported list")
    claim: str = Field(description="the claim reviewed (claimReviewed)")
    claimant: str | None = Field(default=None, description="who made the claim, as the review says")
    claim_date: str | None = None
    title: str | None = Field(default=None, description="the review's headline")
    url: str | None = Field(default=None, description="the review's address")
    rating: str | None = Field(default=None, index=True, description="the verdict as written (reviewRating alternateName)")
    review_date: str | None = Field(default=None, index=True)
    language: str | None = None
    fact_checker_id: int | None = Field(default=None, foreign_key="fact_checker.id", index=True)
    imported_from: str = Field(description="file the review was imported from")
    imported_at: datetime = Field(default_factory=utcnow)
    encoder: str | None = Field(default=None, description="version of the encoder that made the embedding")
    embedding: bytes | None = Field(default=None, description="float32 unit vector of claim + title")


class FactCheckMatch(SQLModel, table=True):
    """A stored statement that a fact-check checks (similarity at or above the measured threshold)."""

    __tablename__ = "fact_check_match"
    __table_args__ = (UniqueConstraint("statement_id", "fact_check_id"),)
    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", index=True, ondelete="CASCADE")
    fact_check_id: int = Field(foreign_key="fact_check.id", index=True, ondelete="CASCADE")
    similarity: float = Field(description="cosine of the fine-tuned encoder")
    encoder: str
    matched_at: datetime = Field(default_factory=utcnow)


class FactCheckProgress(SQLModel, table=True):
    """How far incremental matching has got: statements and fact-checks up to these ids are matched."""

    __tablename__ = "fact_check_progress"
    id: int | None = Field(default=None, primary_key=True)
    encoder: str = Field(unique=True)
    statement_id: int = 0
    fact_check_id: int = 0


class SchemaMarker(SQLModel, table=True):
    """One row saying this database was made by attribution, and with which schema version.

    The tool opens only databases that hold it (see ``attribution.db.engine``).  The version is the
    number of the Alembic revision the schema is at (``attribution/db/migrations``): each revision that
    changes the schema sets it in the same transaction as the change.
    """

    __tablename__ = "attribution_schema"
    application: str = Field(primary_key=True, description="always 'attribution'")
    version: int = Field(description="schema version of the tables")
    created_at: datetime = Field(default_factory=utcnow)
