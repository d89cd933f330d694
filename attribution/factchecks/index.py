"""The vector index over fact-checks (FAISS), so a match does not compare against every review.

Up to ``IVF_MIN`` vectors the index is exact (a flat inner-product index: at 10,389 vectors a search
takes well under a millisecond).  From ``IVF_MIN`` on it is an inverted-file index: vectors are
grouped around ``sqrt(n)`` k-means centroids and a search reads only the ``NPROBE`` nearest groups
(at 1 million vectors, 16 of 1,000 groups: about 1 in 60 vectors; see benchmarks/factcheck_match.py).  The
index is built once, saved next to the SQLite file, and updated in place when fact-checks are
imported; the vectors in ``fact_check.embedding`` stay the source of truth, so a missing or stale
file is simply rebuilt.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

IVF_MIN = 200_000
NPROBE = 16
SINGLE_THREAD_QUERIES = 4
TRAIN_PER_CENTROID = 30  # k-means sample size, per centroid


def _faiss():  # type: ignore[no-untyped-def]
    import faiss

    return faiss


class VectorIndex:
    """Inner-product search over unit vectors keyed by ``fact_check.id``."""

    def __init__(self, dimension: int, index: Any = None, encoder: str = "") -> None:
        faiss = _faiss()
        self.dimension = dimension
        self.encoder = encoder
        self.index = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))

    @classmethod
    def build(cls, ids: np.ndarray, vectors: np.ndarray, encoder: str = "", ivf_min: int = IVF_MIN, nprobe: int = NPROBE) -> VectorIndex:
        faiss = _faiss()
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dimension = int(vectors.shape[1])
        if len(ids) < ivf_min:
            index = cls(dimension, encoder=encoder)
        else:
            lists = int(math.sqrt(len(ids)))
            quantizer = faiss.IndexFlatIP(dimension)
            ivf = faiss.IndexIVFFlat(quantizer, dimension, lists, faiss.METRIC_INNER_PRODUCT)
            sample = np.random.default_rng(0).choice(len(ids), size=min(len(ids), lists * TRAIN_PER_CENTROID), replace=False)
            ivf.train(vectors[np.sort(sample)])
            ivf.nprobe = nprobe
            ivf.set_direct_map_type(faiss.DirectMap.Hashtable)  # remove and update by id
            index = cls(dimension, ivf, encoder)
        index.add(ids, vectors)
        return index

    @property
    def size(self) -> int:
        return int(self.index.ntotal)  # type: ignore[attr-defined]

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add or replace these ids (an imported review whose text changed gets its new vector)."""
        if len(ids) == 0:
            return
        ids = np.asarray(ids, dtype=np.int64)
        self.index.remove_ids(ids)  # type: ignore[attr-defined]
        self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), ids)  # type: ignore[attr-defined]

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Per query, up to ``k`` (ids, cosines) best first; missing slots have id -1."""
        k = max(1, min(k, self.size))
        if self.size == 0:
            return np.full((len(queries), 1), -1, dtype=np.int64), np.zeros((len(queries), 1), dtype=np.float32)
        faiss = _faiss()
        threads = faiss.omp_get_max_threads()
        if len(queries) <= SINGLE_THREAD_QUERIES:
            faiss.omp_set_num_threads(1)  # one query: OpenMP threads only wait on each other (38 ms instead of <2 ms on busy cores)
        try:
            scores, ids = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)  # type: ignore[attr-defined]
        finally:
            faiss.omp_set_num_threads(threads)
        return ids, scores

    def save(self, path: Path) -> None:
        faiss = _faiss()
        tmp = path.with_name(path.name + ".tmp")
        faiss.write_index(self.index, str(tmp))
        tmp.replace(path)  # a reader never sees half a file
        meta = path.with_name(path.name + ".json")
        meta.write_text(json.dumps({"encoder": self.encoder, "size": self.size, "dimension": self.dimension}) + "\n")

    @classmethod
    def load(cls, path: Path) -> VectorIndex | None:
        meta_path = path.with_name(path.name + ".json")
        if not path.is_file() or not meta_path.is_file():
            return None
        try:
            meta = json.loads(meta_path.read_text())
            index = _faiss().read_index(str(path))
        except (OSError, ValueError, RuntimeError):
            return None  # unreadable: the caller rebuilds from the database
        return cls(int(meta["dimension"]), index, str(meta["encoder"]))
