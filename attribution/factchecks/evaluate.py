"""Ranking measures and the CheckThat! 2020 Task 2 files (read by path, never copied)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

csv.field_size_limit(10_000_000)


def read_queries(path: Path) -> list[tuple[str, str]]:
    """A TSV with a header line: id, text (the CheckThat! ``tweets.queries.tsv``)."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return [(row[0], row[1]) for row in rows[1:] if len(row) >= 2]


def read_qrels(path: Path) -> dict[str, set[str]]:
    """TREC qrels: ``query 0 document relevance``; relevant documents per query."""
    gold: dict[str, set[str]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4 and int(parts[3]) > 0:
            gold.setdefault(parts[0], set()).add(parts[2])
    return gold


def average_precision(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    hits, total = 0, 0.0
    for rank, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            hits += 1
            total += hits / rank
    return total / min(len(relevant), k) if relevant else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    for rank, doc in enumerate(ranked, start=1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def ranking_report(rankings: dict[str, Sequence[str]], gold: dict[str, set[str]]) -> dict[str, float]:
    """MAP@1, MAP@5 and MRR over the queries that have relevant documents (a missing ranking scores 0)."""
    queries = [q for q in gold if gold[q]]
    n = max(1, len(queries))
    return {
        "MAP@1": sum(average_precision(rankings.get(q, []), gold[q], 1) for q in queries) / n,
        "MAP@5": sum(average_precision(rankings.get(q, []), gold[q], 5) for q in queries) / n,
        "MRR": sum(reciprocal_rank(rankings.get(q, []), gold[q]) for q in queries) / n,
        "queries": float(len(queries)),
    }
