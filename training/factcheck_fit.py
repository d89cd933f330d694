"""Fit the fusion weight and measure the "already checked" threshold, on held-out *train* queries.

The held-out queries are the ones ``training/factcheck_encoder.py`` kept out of fine-tuning
(``held_out_queries`` in the adapter's training.json); dev is never read.  The threshold is the
lowest cosine at which the top match (of the re-ranked list, when there is a re-ranker) is right for at least ``--precision`` of the queries that
reach it, counting as wrong every sentence of unrelated news (BBC News 2004-05, which the 2020
Snopes-era fact-checks do not check) whose top match reaches it.  Writes settings.json beside the adapter.

    python -m training.factcheck_fit --adapter attribution/factchecks/encoder --db /tmp/checkthat.db
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from sqlmodel import Session, select

from attribution.db.engine import make_engine
from attribution.db.models import FactCheck
from attribution.factchecks.encoder import MatchEncoder
from attribution.factchecks.evaluate import ranking_report, read_qrels, read_queries
from attribution.factchecks.formats import FactCheckFormat
from attribution.factchecks.reranker import RERANKER_DIR, Reranker, rerank_available
from attribution.factchecks.retriever import MatchSettings, Retriever
from attribution.factchecks.store import import_file

WEIGHTS = tuple(round(0.1 * i, 1) for i in range(11))


def checkthat_retriever(data: Path, db: str, encoder: MatchEncoder, settings: MatchSettings | None = None, rerank: bool = False) -> Retriever:
    """A database holding the verified claims (imported once, embedded once per encoder)."""
    engine = make_engine(db)
    session = Session(engine)
    if session.exec(select(FactCheck.id).limit(1)).first() is None:
        report = import_file(session, data / "verified_claims.docs.tsv", FactCheckFormat.tsv)
        print(report.line(), flush=True)
    return Retriever(session, encoder, settings, rerank=rerank)


def news_sentences(path: Path, count: int, seed: int) -> list[str]:
    """Sentences of 60-300 characters from BBC News articles: claims nobody in the 2020 set checked."""
    sentences: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        sentences.extend(s for s in re.split(r"(?<=[.!?])\s+", text) if 60 <= len(s) <= 300)
    random.Random(seed).shuffle(sentences)
    return sentences[:count]


def threshold_table(positive: list[tuple[float, bool]], negative: list[float], grid: list[float]) -> list[dict]:
    rows = []
    for t in grid:
        right = sum(1 for cos, ok in positive if cos >= t and ok)
        wrong = sum(1 for cos, ok in positive if cos >= t and not ok) + sum(1 for cos in negative if cos >= t)
        precision = right / (right + wrong) if right + wrong else 1.0
        rows.append({"threshold": t, "precision": precision, "recall": right / len(positive), "false_on_news": sum(1 for c in negative if c >= t)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/checkthat2020-task2"))
    parser.add_argument("--news", type=Path, default=Path("../shared/data/bbc-news/articles.jsonl"))
    parser.add_argument("--adapter", type=Path, required=True)
    parser.add_argument("--reranker", type=Path, default=RERANKER_DIR, help="measure the threshold on the re-ranked list (when the folder holds one)")
    parser.add_argument("--db", required=True, help="scratch database for the verified claims (reused between runs)")
    parser.add_argument("--precision", type=float, default=0.9)
    parser.add_argument("--negatives", type=int, default=1000)
    args = parser.parse_args()

    info = json.loads((args.adapter / "training.json").read_text())
    held = info["held_out_queries"]
    queries = dict(read_queries(args.data / "train" / "tweets.queries.tsv"))
    gold = {q: g for q, g in read_qrels(args.data / "train" / "tweet-vclaim-pairs.qrels").items() if q in held}
    encoder = MatchEncoder(adapter=args.adapter)
    retriever = checkthat_retriever(args.data, args.db, encoder)
    ids = sorted(gold)
    texts = [queries[q] for q in ids]
    vectors = encoder.encode(texts)

    best = None
    for weight in WEIGHTS:
        retriever.settings = MatchSettings(dense_weight=1.0, lexical_weight=weight)
        results = retriever.match_vectors(texts, vectors, top=5)
        names = retriever.published_ids([m.fact_check_id for ms in results for m in ms])
        report = ranking_report({q: [names[m.fact_check_id] for m in ms] for q, ms in zip(ids, results)}, gold)
        print(f"lexical weight {weight}: {report}", flush=True)
        if best is None or report["MAP@5"] > best[1]["MAP@5"]:
            best = (weight, report, results, names)
    assert best is not None
    weight, report, results, names = best

    news = news_sentences(args.news, args.negatives, seed=7)
    _, news_scores = retriever.index.search(encoder.encode(news), 1)
    negative = news_scores[:, 0].tolist()  # the best cosine: at least that of whichever candidate a list puts first
    grid = [round(0.5 + 0.01 * i, 2) for i in range(46)]

    def measure(results: list, names: dict[int, str]) -> tuple[list[dict], dict]:
        positive = [(ms[0].similarity, names[ms[0].fact_check_id] in gold[q]) for q, ms in zip(ids, results)]
        table = threshold_table(positive, negative, grid)
        chosen = next((row for row in table if row["precision"] >= args.precision), table[-1])
        for row in table[::5]:
            print(row)
        print("chosen", chosen, flush=True)
        return table, chosen

    # The fused list's top match: `match --no-rerank`, and statements matched as they are stored (not re-ranked).
    table, chosen = measure(results, names)
    retriever.settings = MatchSettings(dense_weight=1.0, lexical_weight=weight)
    reranked, reranked_table, reranked_chosen = None, None, None
    if rerank_available(args.reranker):  # `match` as shipped: the re-ranked list's top match
        retriever.reranker = Reranker(args.reranker)
        results = retriever.match_vectors(texts, vectors, top=5)
        names = retriever.published_ids([m.fact_check_id for ms in results for m in ms])
        reranked = ranking_report({q: [names[m.fact_check_id] for m in ms] for q, ms in zip(ids, results)}, gold)
        print(f"re-ranked: {reranked}", flush=True)
        reranked_table, reranked_chosen = measure(results, names)
    settings = {
        "dense_weight": 1.0, "lexical_weight": weight, "checked_threshold": chosen["threshold"], "candidates": MatchSettings().candidates,
        "reranked_threshold": reranked_chosen["threshold"] if reranked_chosen else None,
        "fitted_on": f"{len(ids)} held-out CheckThat! 2020 train queries; {len(negative)} BBC News sentences as unmatched claims",
        "holdout": report, "holdout_reranked": reranked, "threshold_measured": chosen, "threshold_table": table,
        "reranked_threshold_measured": reranked_chosen, "reranked_threshold_table": reranked_table,
    }
    (args.adapter / "settings.json").write_text(json.dumps(settings, indent=1) + "\n")
    print(f"wrote {args.adapter / 'settings.json'}")


if __name__ == "__main__":
    main()
