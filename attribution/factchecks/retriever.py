"""Hybrid matching of claims to fact-checks: BM25 (SQLite FTS5) and dense (FAISS), z-score fused.

For each query the dense index gives its ``CANDIDATES`` nearest fact-checks and the full-text index
its ``CANDIDATES`` best BM25 hits.  Each score list is z-scored over its own candidates (scores of
different queries and different retrievers are not on one scale, their spread is); a lexical hit
the dense side did not return gets its exact cosine from the index, a dense hit with no BM25 score
gets the lowest BM25 z of the query.  The fused score is ``DENSE_WEIGHT * z_dense + LEXICAL_WEIGHT
* z_bm25``; both weights were fitted on held-out CheckThat! *train* queries (see settings.json
beside the adapter), never on dev.

"Already checked" is decided on the cosine alone (``CHECKED_THRESHOLD``), which, unlike the fused
score, means the same thing for every query; it was measured for precision (see ``thresholds``).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from attribution.db.models import FactCheck
from attribution.errors import ConfigError
from attribution.factchecks.encoder import ADAPTER_DIR, clean_text, fact_check_text, get_encoder
from attribution.factchecks.index import VectorIndex
from attribution.factchecks.reranker import get_reranker
from attribution.factchecks.store import (
    ensure_fact_check_embeddings,
    ensure_schema,
    stored_embeddings,
)

CANDIDATES = 100
MAX_QUERY_TERMS = 32
POSTINGS_BUDGET = 5_000  # rows BM25 may score per query (see fts_query)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class MatchSettings:
    """Fusion weights and the "already checked" threshold (``settings.json`` beside the adapter)."""

    dense_weight: float = 1.0
    lexical_weight: float = 0.3
    checked_threshold: float = 0.75  # cosine; replaced by the measured value in settings.json
    candidates: int = CANDIDATES
    # The same, measured on the re-ranked list's top match (right more often, so a lower cosine will do);
    # None: use checked_threshold.  Statements matched as they are stored are not re-ranked: checked_threshold.
    reranked_threshold: float | None = None

    def __post_init__(self) -> None:
        if self.dense_weight < 0 or self.lexical_weight < 0 or self.dense_weight + self.lexical_weight == 0:
            raise ConfigError("fusion weights must be >= 0 and not both 0; set dense_weight and lexical_weight in settings.json")
        for name, value in (("checked_threshold", self.checked_threshold), ("reranked_threshold", self.reranked_threshold)):
            if value is not None and not -1.0 <= value <= 1.0:
                raise ConfigError(f"{name} is a cosine, between -1 and 1, not {value}")
        if self.candidates < 1:
            raise ConfigError("candidates must be at least 1")

    @classmethod
    def load(cls, folder: Path = ADAPTER_DIR) -> MatchSettings:
        path = Path(folder) / "settings.json"
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**{k: data[k] for k in ("dense_weight", "lexical_weight", "checked_threshold", "candidates", "reranked_threshold") if k in data})


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    lines = (Path(__file__).with_name("stopwords.txt")).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def query_words(query: str) -> list[str]:
    """The query's distinct content words, lower-cased, in order."""
    skip = stopwords()
    words: list[str] = []
    for word in _WORD.findall(clean_text(query).lower()):
        if len(word) > 1 and word not in skip and word not in words:
            words.append(word)
    return words[:MAX_QUERY_TERMS]


def fts_query(query: str, document_frequency: dict[str, int] | None = None, budget: int = POSTINGS_BUDGET) -> str | None:
    """The query's words OR-ed, each quoted (FTS5 syntax cannot leak in).

    With ``document_frequency``, words no fact-check contains are left out and, rarest first, words
    are kept only while the rows they match stay within ``budget``: BM25 must score every row that
    matches any word, and at a million fact-checks a common word matches tens of thousands (its
    weight, the inverse document frequency, is low anyway).  The rarest word is always kept.
    """
    words = query_words(query)
    if document_frequency is not None:
        present = sorted((document_frequency[w], i, w) for i, w in enumerate(words) if document_frequency.get(w))
        kept: list[tuple[int, str]] = []
        total = 0
        for frequency, position, word in present:
            if kept and total + frequency > budget:
                break
            kept.append((position, word))
            total += frequency
        words = [w for _, w in sorted(kept)]
    return " OR ".join(f'"{w}"' for w in words) or None


@dataclass(frozen=True)
class Match:
    fact_check_id: int
    score: float  # fused, z-scored: comparable within one query's list only
    similarity: float  # cosine of the fine-tuned encoder
    bm25: float | None  # FTS5 BM25 (higher is better), None when not among the lexical candidates
    rerank: float | None = None  # the re-ranker's logit, None when it did not read this candidate

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _z(values: np.ndarray, mean: float, std: float) -> np.ndarray:
    return (values - mean) / (std if std > 1e-6 else 1.0)


def fuse(
    dense: tuple[np.ndarray, np.ndarray], lexical: tuple[np.ndarray, np.ndarray], cosine_of: Any, settings: MatchSettings
) -> list[Match]:
    """One query's two candidate lists (ids, scores) -> matches, best first."""
    dense_ids, dense_scores = dense
    keep = dense_ids >= 0
    dense_ids, dense_scores = dense_ids[keep], dense_scores[keep]
    lex_ids, lex_scores = lexical
    cosine = dict(zip(dense_ids.tolist(), dense_scores.tolist()))
    extra = [i for i in lex_ids.tolist() if i not in cosine]
    if extra:
        cosine.update(zip(extra, cosine_of(extra)))
    bm25 = dict(zip(lex_ids.tolist(), lex_scores.tolist()))
    d_mean, d_std = (float(dense_scores.mean()), float(dense_scores.std())) if len(dense_scores) else (0.0, 1.0)
    if len(lex_scores):
        l_mean, l_std = float(lex_scores.mean()), float(lex_scores.std())
        l_floor = float(_z(lex_scores.min(keepdims=True), l_mean, l_std)[0])
    else:
        l_mean, l_std, l_floor = 0.0, 1.0, 0.0
    out = []
    for fid, cos in cosine.items():
        z_dense = (cos - d_mean) / (d_std if d_std > 1e-6 else 1.0)
        z_lex = (bm25[fid] - l_mean) / (l_std if l_std > 1e-6 else 1.0) if fid in bm25 else l_floor
        out.append(Match(int(fid), settings.dense_weight * z_dense + settings.lexical_weight * z_lex, float(cos), bm25.get(fid)))
    out.sort(key=lambda m: (-m.score, m.fact_check_id))
    return out


def rerank(matches: list[Match], logits: np.ndarray, weight: float) -> list[Match]:
    """The first ``len(logits)`` matches re-scored (fused score + ``weight`` * logit) and re-sorted.

    The ones after them were not read; each gets the lowest logit read, which keeps the list best
    first with one score throughout (they were already below every re-read candidate on the fused score).
    """
    k = len(logits)
    if k == 0:
        return matches
    head = [replace(m, score=m.score + weight * float(logit), rerank=float(logit)) for m, logit in zip(matches[:k], logits)]
    head.sort(key=lambda m: (-m.score, m.fact_check_id))
    floor = weight * float(np.min(logits))
    return head + [replace(m, score=m.score + floor) for m in matches[k:]]


def index_path(engine: Engine) -> Path | None:
    """Beside the SQLite file; ``None`` (kept in memory) for in-memory and server databases."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database).with_name(Path(database).name + ".fact-checks.faiss")


_memory_indexes: dict[tuple[int, str], VectorIndex] = {}


class Retriever:
    """Match texts against the fact-checks of one database."""

    def __init__(self, session: Session, encoder: Any = None, settings: MatchSettings | None = None, index: VectorIndex | None = None,
                 reranker: Any = None, rerank: bool = True) -> None:
        self.session = session
        self.encoder = encoder if encoder is not None else get_encoder()
        # Re-reads the fused list's first few (reranker.py); None: the fused order stands.
        self.reranker = None if not rerank else reranker if reranker is not None else get_reranker()
        self.settings = settings or MatchSettings.load()
        engine = session.get_bind()
        ensure_schema(engine)  # type: ignore[arg-type]
        self.path = index_path(engine)  # type: ignore[arg-type]
        self._engine_key = (id(engine), str(getattr(self.encoder, "version", "")))
        self.index = index if index is not None else self._load_index()
        self._frequency: dict[str, int] = {}  # document frequency of query words, looked up once

    def _load_index(self) -> VectorIndex:
        """The saved index, brought up to date: new or changed fact-checks are embedded and added."""
        version = self.encoder.version
        index = VectorIndex.load(self.path) if self.path else _memory_indexes.get(self._engine_key)
        made_ids, made = ensure_fact_check_embeddings(self.session, self.encoder)
        count = len(self.session.exec(select(col(FactCheck.id)).where(FactCheck.encoder == version)).all())
        changed = bool(made_ids)
        if index is not None and index.encoder == version:
            index.add(np.asarray(made_ids, dtype=np.int64), made)
        if index is None or index.encoder != version or index.size != count:  # missing, stale or out of step
            ids, vectors = stored_embeddings(self.session, version)
            index = VectorIndex.build(ids, vectors, version) if len(ids) else VectorIndex(self.encoder.dimension, encoder=version)
            changed = True
        if changed and self.path:
            index.save(self.path)
        if not self.path:
            _memory_indexes[self._engine_key] = index
        return index

    def lexical(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        words = query_words(query)
        if not words:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        connection = self.session.connection()
        if connection.dialect.name == "postgresql":  # no fts5 there: PostgreSQL full-text search (db/postgres.py)
            from attribution.db import postgres

            hits = postgres.fact_check_lexical(connection, list(words), k)
            return np.array([h[0] for h in hits], dtype=np.int64), np.array([h[1] for h in hits], dtype=np.float32)
        unknown = [w for w in words if w not in self._frequency]
        if unknown:  # fts5vocab counts by reading the word's rows: remember the counts for this retriever's life
            marks = ", ".join(f":w{i}" for i in range(len(unknown)))
            counts = connection.execute(text(f"SELECT term, doc FROM fact_check_vocab WHERE term IN ({marks})"), {f"w{i}": w for i, w in enumerate(unknown)})
            found: dict[str, int] = {row.term: row.doc for row in counts}
            self._frequency.update({w: int(found.get(w, 0)) for w in unknown})
        expression = fts_query(query, self._frequency)
        if expression is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rows = connection.execute(
            text("SELECT rowid, -bm25(fact_check_fts) FROM fact_check_fts WHERE fact_check_fts MATCH :q ORDER BY rank LIMIT :k"),
            {"q": expression, "k": k},
        ).all()
        return np.array([r[0] for r in rows], dtype=np.int64), np.array([r[1] for r in rows], dtype=np.float32)

    def _cosines(self, query_vector: np.ndarray, ids: list[int]) -> list[float]:
        vectors = np.vstack([self.index.index.reconstruct(int(i)) for i in ids])  # type: ignore[attr-defined]
        return (vectors @ query_vector).tolist()

    def match_vectors(self, texts: Sequence[str], vectors: np.ndarray, top: int,
                      lexical_hits: Sequence[tuple[np.ndarray, np.ndarray]] | None = None) -> list[list[Match]]:
        """``lexical_hits``: each text's BM25 candidates when already looked up (see :meth:`match`)."""
        k = self.settings.candidates
        dense_ids, dense_scores = self.index.search(vectors, k)
        out = []
        for i, query in enumerate(texts):
            lexical = lexical_hits[i] if lexical_hits is not None else self.lexical(query, k)
            fused = fuse((dense_ids[i], dense_scores[i]), lexical, lambda ids, v=vectors[i]: self._cosines(v, ids), self.settings)
            if self.reranker is not None:
                fused = self._rerank(query, fused)
            out.append(fused[:top])
        return out

    def _rerank(self, query: str, fused: list[Match]) -> list[Match]:
        reranker: Any = self.reranker
        settings = reranker.settings
        head = [m.fact_check_id for m in fused[: settings.candidates]]
        if not head:
            return fused
        rows = self.session.exec(select(FactCheck.id, FactCheck.claim, FactCheck.title).where(col(FactCheck.id).in_(head))).all()
        texts = {int(fid or 0): fact_check_text(claim, title) for fid, claim, title in rows}
        logits = np.asarray(reranker.score(query, [texts.get(fid, "") for fid in head]), dtype=np.float32)
        return rerank(fused, logits, settings.weight)

    def match(self, texts: Sequence[str], top: int = 5) -> list[list[Match]]:
        if not texts:
            return []
        if len(texts) == 1:
            # One query: the encoder runs in a worker thread (ONNX Runtime and PyTorch release the GIL)
            # while this thread reads BM25 from the database, so on two cores neither waits for the other.
            # The session stays on this thread; the results are the same as one after the other.
            encoding = _encoding_worker().submit(self.encoder.encode, list(texts))
            try:
                lexical = [self.lexical(texts[0], self.settings.candidates)]
            finally:
                vectors = np.asarray(encoding.result(), dtype=np.float32)
            return self.match_vectors(texts, vectors, top, lexical)
        vectors = np.asarray(self.encoder.encode(list(texts)), dtype=np.float32)
        return self.match_vectors(texts, vectors, top)

    @property
    def checked_threshold(self) -> float:
        """The cosine at which a match of this retriever's lists counts as already checked (measured for precision)."""
        if self.reranker is not None and self.settings.reranked_threshold is not None:
            return self.settings.reranked_threshold
        return self.settings.checked_threshold

    def published_ids(self, ids: Sequence[int]) -> dict[int, str]:
        rows = self.session.exec(select(FactCheck.id, FactCheck.published_id).where(col(FactCheck.id).in_(list(set(ids))))).all() if ids else []
        return {int(fid or 0): pid for fid, pid in rows}


_worker: ThreadPoolExecutor | None = None


def _encoding_worker() -> ThreadPoolExecutor:
    """One thread, kept for the process: a query's encoding overlaps its BM25 lookup (Retriever.match)."""
    global _worker
    if _worker is None:
        _worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fact-check-encoder")
    return _worker


def timed(function: Any, *args: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started
