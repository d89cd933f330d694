"""Has it been fact-checked already?  Accuracy and latency of `attribution fact-checks match`.

1. CheckThat! 2020 Task 2 dev: the 197 dev tweets against every verified claim; MAP@1, MAP@5, MRR
   for BM25 alone, the encoder alone, the fused retriever (weights fitted on train, see
   training/factcheck_fit.py) and the fused list re-ranked by the cross-encoder (fitted on train,
   training/factcheck_reranker.py).  Dev is only measured here, never used to choose anything.
2. Latency of one match (encode the claim, FTS5 BM25, vector search, fusion, re-ranking) against
   those claims, with re-ranking and without.
3. Latency at scale: ``--scale`` synthetic fact-checks (default 1,000,000) plus the real ones, in a
   fresh SQLite database with its full-text index and an inverted-file FAISS index; the same dev
   tweets as queries.  Baseline in the same process: an exact scan of every vector.

    python benchmarks/factcheck_match.py --db /tmp/checkthat.db [--scale 1000000] [--zero-shot]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sqlalchemy import text
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from attribution.db.engine import make_engine
from attribution.factchecks.encoder import ADAPTER_DIR, MatchEncoder
from attribution.factchecks.evaluate import ranking_report, read_qrels, read_queries
from attribution.factchecks.index import VectorIndex
from attribution.factchecks.reranker import RERANKER_DIR, Reranker, rerank_available
from attribution.factchecks.retriever import MatchSettings, Retriever
from attribution.factchecks.store import stored_embeddings
from training.factcheck_fit import checkthat_retriever


def evaluate(retriever: Retriever, ids: list[str], texts: list[str], vectors: np.ndarray, gold: dict, settings: MatchSettings, reranker: Reranker | None = None) -> dict:
    retriever.settings = settings
    retriever.reranker = reranker
    results = retriever.match_vectors(texts, vectors, top=5)
    names = retriever.published_ids([m.fact_check_id for ms in results for m in ms])
    return ranking_report({q: [names[m.fact_check_id] for m in ms] for q, ms in zip(ids, results)}, gold)


def threshold_check(retriever: Retriever, ids: list[str], texts: list[str], vectors: np.ndarray, gold: dict, reranker: Reranker) -> None:
    """The shipped "already checked" threshold on dev's re-ranked top matches: an evaluation, dev chooses nothing."""
    retriever.reranker = reranker
    results = retriever.match_vectors(texts, vectors, top=1)
    names = retriever.published_ids([m.fact_check_id for ms in results for m in ms])
    shipped = retriever.checked_threshold
    for threshold in sorted({0.55, shipped, 0.60, 0.70}):
        flagged = [(q, ms[0]) for q, ms in zip(ids, results) if ms and ms[0].similarity >= threshold]
        right = sum(names[m.fact_check_id] in gold[q] for q, m in flagged)
        mark = " (shipped)" if threshold == shipped else ""
        print(f"  checked at cosine >= {threshold:.2f}{mark}: {len(flagged)} of {len(ids)} tweets, precision "
              f"{right / max(len(flagged), 1):.3f}, recall {right / len(ids):.3f}", flush=True)


def line(name: str, report: dict) -> None:
    print(f"  {name:<34} MAP@1 {report['MAP@1']:.3f}  MAP@5 {report['MAP@5']:.3f}  MRR@5 {report['MRR']:.3f}  ({int(report['queries'])} queries)", flush=True)


def latencies(retriever: Retriever, texts: list[str], repeat: int = 1, reranker: Reranker | None = None,
              baseline: MatchEncoder | None = None) -> tuple[list[float], list[list[int]]]:
    """One match per text, timed: ``Retriever.match`` as shipped, or with ``baseline`` the path before
    the speed-ups (PyTorch encodes the query, then BM25 is read).  Also each text's ranked fact-check ids."""
    retriever.reranker = reranker
    retriever.match(texts[:1], top=5)  # warm up (the ONNX exports are made and loaded here)
    if baseline is not None:
        baseline.encode(texts[:1])
    times, lists = [], []
    for _ in range(repeat):
        for query in texts:
            started = time.perf_counter()
            if baseline is None:
                (matches,) = retriever.match([query], top=5)
            else:
                (matches,) = retriever.match_vectors([query], baseline.encode([query]), top=5)
            times.append(1000 * (time.perf_counter() - started))
            lists.append([m.fact_check_id for m in matches])
    return times, lists


def compare_latency(retriever: Retriever, texts: list[str], encoder: MatchEncoder, reranker: Reranker | None, label: str) -> None:
    """The shipped path against the one before it, alternating runs in this process; the same lists or not."""
    baseline = MatchEncoder(base_model=encoder.base_model, adapter=encoder.adapter, backend="torch")
    shipped, before, same = [], [], len(texts)
    for _ in range(2):  # alternate so a busy minute of the shared machine falls on both
        now_times, now_lists = latencies(retriever, texts, reranker=reranker)
        old_times, old_lists = latencies(retriever, texts, reranker=reranker, baseline=baseline)
        shipped += now_times
        before += old_times
        same = min(same, sum(a == b for a, b in zip(now_lists, old_lists)))
    print(f"one match against {label}: {summary(shipped)}", flush=True)
    print(f"  before the speed-ups (PyTorch query encoding, then BM25): {summary(before)}; "
          f"{statistics.median(before) / statistics.median(shipped):.2f}x; same ranked lists for {same}/{len(texts)} queries", flush=True)


def summary(times: list[float]) -> str:
    times = sorted(times)
    return f"median {statistics.median(times):.1f} ms, p90 {times[int(0.9 * (len(times) - 1))]:.1f} ms, max {times[-1]:.1f} ms ({len(times)} matches)"


def synthetic_texts(real: list[str], count: int, rng: np.random.Generator) -> list[str]:
    """Word salads with the real claims' word frequencies and lengths: BM25 posting lists as a real collection's."""
    words = Counter(w for t in real for w in t.lower().split())
    vocabulary = np.array(list(words))
    p = np.array(list(words.values()), dtype=np.float64)
    p /= p.sum()
    lengths = rng.integers(10, 30, size=count)
    drawn = rng.choice(len(vocabulary), size=int(lengths.sum()), p=p)
    out, at = [], 0
    for n in lengths:
        out.append(" ".join(vocabulary[drawn[at : at + n]]))
        at += n
    return out


def build_scale_db(path: Path, real_texts: list[str], scale: int, encoder: MatchEncoder, settings: MatchSettings, dimension: int) -> Session:
    """The real claims (ids 1..n, published ids real-<vclaim id>) and ``scale`` synthetic ones; kept for reuse."""
    session = Session(make_engine(str(path)))
    Retriever(session, encoder, settings, index=VectorIndex(dimension))  # creates the full-text index
    total = len(real_texts) + scale
    if session.connection().execute(text("SELECT count(*) FROM fact_check")).scalar() == total:
        print(f"  reusing {path} ({total:,} fact-checks)", flush=True)
        return session
    session.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    session = Session(make_engine(str(path)))
    Retriever(session, encoder, settings, index=VectorIndex(dimension))
    rng = np.random.default_rng(0)
    started = time.time()
    connection = session.connection()
    insert = text("INSERT INTO fact_check (id, published_id, claim, imported_from, imported_at) VALUES (:id, :pid, :claim, 'synthetic', '2026-01-01')")
    connection.execute(insert, [{"id": i + 1, "pid": f"real-{i}", "claim": t} for i, t in enumerate(real_texts)])
    offset = len(real_texts) + 1
    chunk = 100_000
    for start in range(0, scale, chunk):
        batch = synthetic_texts(real_texts, min(chunk, scale - start), rng)
        connection.execute(insert, [{"id": offset + start + j, "pid": f"syn-{start + j}", "claim": t} for j, t in enumerate(batch)])
    session.commit()
    print(f"  {total:,} fact-checks stored with their full-text index in {time.time() - started:.0f} s", flush=True)
    return session


def scale_run(args: argparse.Namespace, encoder: MatchEncoder, real_vectors: np.ndarray, real_texts: list[str],
              ids: list[str], texts: list[str], vectors: np.ndarray, gold: dict, settings: MatchSettings, reranker: Reranker | None) -> None:
    rng = np.random.default_rng(0)
    session = build_scale_db(Path(args.scale_db), real_texts, args.scale, encoder, settings, real_vectors.shape[1])
    total = len(real_texts) + args.scale

    # Vectors: each synthetic one is a real claim's vector plus noise, so the index sees clusters like real data's.
    started = time.time()
    chunk = 100_000
    matrix = np.empty((total, real_vectors.shape[1]), dtype=np.float32)
    matrix[: len(real_vectors)] = real_vectors
    for start in range(len(real_vectors), total, chunk):
        end = min(total, start + chunk)
        base = real_vectors[rng.integers(0, len(real_vectors), size=end - start)]
        noisy = base + rng.normal(0, 0.06, size=base.shape).astype(np.float32)
        matrix[start:end] = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
    all_ids = np.arange(1, total + 1, dtype=np.int64)

    scan = []  # baseline: an exact scan of every vector
    for v in vectors[:50]:
        t0 = time.perf_counter()
        scores = matrix @ v
        np.argpartition(-scores, 100)[:100]
        scan.append(1000 * (time.perf_counter() - t0))
    index = VectorIndex.build(all_ids, matrix, encoder.version)
    print(f"  IVF index over {index.size:,} vectors built in {time.time() - started:.0f} s ({index.index.nlist} lists, nprobe {index.index.nprobe})", flush=True)  # type: ignore[attr-defined]
    del matrix
    probe = []
    for v in vectors[:50]:
        t0 = time.perf_counter()
        index.search(v[None, :], 100)
        probe.append(1000 * (time.perf_counter() - t0))
    print(f"  dense search alone: exact scan {summary(scan)}; IVF {summary(probe)}; {statistics.median(scan) / statistics.median(probe):.0f}x faster", flush=True)

    retriever = Retriever(session, encoder, settings, index=index, rerank=False)
    scale_gold = {q: {f"real-{g}" for g in gs} for q, gs in gold.items()}
    line(f"hybrid, among {total:,}", evaluate(retriever, ids, texts, vectors, scale_gold, settings))
    if reranker is not None:
        line(f"hybrid + re-ranker, among {total:,}", evaluate(retriever, ids, texts, vectors, scale_gold, settings, reranker))
        print(f"  one match against {total:,} fact-checks, re-ranked: {summary(latencies(retriever, texts, reranker=reranker)[0])}", flush=True)
    print(f"  one match against {total:,} fact-checks, not re-ranked: {summary(latencies(retriever, texts)[0])}", flush=True)
    session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/checkthat2020-task2"))
    parser.add_argument("--adapter", type=Path, default=ADAPTER_DIR)
    parser.add_argument("--db", default="/tmp/factcheck-bench/checkthat.db", help="scratch database (reused: claims are embedded once)")
    parser.add_argument("--scale", type=int, default=1_000_000, help="synthetic fact-checks for the scale test (0: skip it)")
    parser.add_argument("--scale-db", default="/tmp/factcheck-bench/scale.db")
    parser.add_argument("--zero-shot", action="store_true", help="also measure the MiniLM without the adapter (embeds every claim again)")
    parser.add_argument("--reranker", type=Path, default=RERANKER_DIR, help="the cross-encoder's folder (training/factcheck_reranker.py)")
    args = parser.parse_args()
    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    Path(args.scale_db).parent.mkdir(parents=True, exist_ok=True)

    import torch

    print(f"torch threads {torch.get_num_threads()}", flush=True)
    queries = dict(read_queries(args.data / "dev" / "tweets.queries.tsv"))
    gold = read_qrels(args.data / "dev" / "tweet-vclaim-pairs.qrels")
    ids = sorted(gold, key=int)
    texts = [queries[q] for q in ids]
    settings = MatchSettings.load(args.adapter)
    print(f"settings: dense {settings.dense_weight}, lexical {settings.lexical_weight}, checked at cosine >= {settings.checked_threshold}", flush=True)

    reranker = Reranker(args.reranker) if rerank_available(args.reranker) else None
    if reranker is not None:
        print(f"re-ranker: the fused first {reranker.settings.candidates} re-read, fused score + {reranker.settings.weight} x logit", flush=True)
    encoders = [("zero-shot MiniLM", MatchEncoder(adapter=None))] if args.zero_shot else []
    encoders.append(("fine-tuned MiniLM", MatchEncoder(adapter=args.adapter)))
    for name, encoder in encoders:
        started = time.time()
        retriever = checkthat_retriever(args.data, args.db, encoder, settings, rerank=False)
        print(f"{name}: {retriever.index.size:,} verified claims indexed ({time.time() - started:.0f} s)", flush=True)
        vectors = encoder.encode(texts)
        print(f"CheckThat! 2020 Task 2 dev ({len(ids)} tweets against {retriever.index.size:,} verified claims):")
        line("BM25 (FTS5) alone", evaluate(retriever, ids, texts, vectors, gold, MatchSettings(dense_weight=0.0, lexical_weight=1.0)))
        line(f"{name} alone", evaluate(retriever, ids, texts, vectors, gold, MatchSettings(dense_weight=1.0, lexical_weight=0.0)))
        line(f"{name} + BM25, fused", evaluate(retriever, ids, texts, vectors, gold, settings))
        if reranker is not None and encoder.adapter is not None:
            line(f"{name} + BM25, fused, re-ranked", evaluate(retriever, ids, texts, vectors, gold, settings, reranker))
            threshold_check(retriever, ids, texts, vectors, gold, reranker)
    print(f"uptime: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (load average, 1/5/15 min)", flush=True)
    if reranker is not None:
        compare_latency(retriever, texts, encoders[-1][1], reranker, f"{retriever.index.size:,} verified claims, re-ranked")
    compare_latency(retriever, texts, encoders[-1][1], None, f"{retriever.index.size:,} verified claims, not re-ranked")
    print(f"uptime: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (load average, 1/5/15 min)", flush=True)
    if args.scale:
        real_ids, stored = stored_embeddings(retriever.session, encoders[-1][1].version)
        names = retriever.published_ids(real_ids.tolist())
        with open(args.data / "verified_claims.docs.tsv", encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle, delimiter="\t"))[1:]
        by_claim = {int(r[0]): f"{r[1]} {r[2]}" for r in rows}
        row_of = {int(names[int(fid)]): i for i, fid in enumerate(real_ids)}
        order = [row_of[v] for v in range(len(by_claim))]  # vclaim 0, 1, ... -> scale ids 1, 2, ...
        print(f"Scale: {args.scale:,} synthetic fact-checks + {len(by_claim):,} real")
        scale_run(args, encoders[-1][1], stored[order], [by_claim[v] for v in range(len(by_claim))], ids, texts, vectors, gold, settings, reranker)


if __name__ == "__main__":
    main()
