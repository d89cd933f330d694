"""Batch-scoring throughput: the batch path vs the naive path, measured in the same process.

    python benchmarks/throughput.py [--limit N] [--model DIR]

Scores N articles (default: all 2,117 BBC News articles of ../shared/data/bbc-news, or generated text
where that corpus is absent) into a fresh SQLite database twice:

- batch path: `attribution batch` (sentences of many articles per forward pass, sorted by length,
  dynamic padding, int8 weights, chunked transactions);
- naive path: one article at a time, the model as trained (torch fp32), one transaction per article
  (``--naive-backend onnx`` runs the fp32 model through ONNX Runtime instead).

Prints articles/s, sentences/s and peak RSS for each, and the ratio.  Storage and loading the model are
included in both; the one-time ONNX export of a new model version is done before timing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
BBC = ROOT.parent / "shared" / "data" / "bbc-news" / "articles.jsonl"


def generated_articles(count: int) -> list[dict]:
    subjects = ["The minister", "Officials", "Mr Brown", "The company", "Analysts", "She"]
    return [
        {"id": f"gen-{n}", "text": " ".join(
            f"{subjects[(n + i) % 6]} said that figure {n}.{i} rose by {i} percent last year. Prices were stable in region {i}."
            for i in range(10))}
        for n in range(count)
    ]


def load_articles(limit: int) -> tuple[list[dict], str]:
    if BBC.is_file():
        rows = [json.loads(line) for line in BBC.read_text(encoding="utf-8").splitlines() if line.strip()]
        return (rows[:limit] if limit else rows), str(BBC)
    return generated_articles(limit or 500), "generated text (BBC corpus not found)"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def batch_path(source: Path, db: Path, model: Path | None, batch_size: int) -> dict:
    from attribution.batch import run_batch

    summary = run_batch(str(source), db=str(db), model_dir=model, batch_size=batch_size, quiet=True)
    assert not summary.failures, summary.failures[:3]
    return {"articles": summary.scored, "sentences": summary.sentences, "seconds": summary.seconds}


def naive_path(rows: list[dict], db: Path, model: Path | None, backend: str) -> dict:
    from sqlmodel import Session

    from attribution.db.engine import make_engine
    from attribution.ingest import article_from_record
    from attribution.pipeline import Tracker
    from attribution.store import save_result

    started = time.time()
    tracker = Tracker(model, quantize=False, batch_size=32, backend=backend)
    sentences = 0
    with Session(make_engine(db)) as session:
        for n, row in enumerate(rows):
            result = tracker.analyze(article_from_record(row, f"row {n}"))
            save_result(session, result)
            sentences += len(result.sentences)
    return {"articles": len(rows), "sentences": sentences, "seconds": time.time() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=0, help="articles to score (0 = all)")
    parser.add_argument("--model", type=Path, default=None, help="model folder (default: the shipped model)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--naive-backend", choices=("torch", "onnx"), default="torch", help="fp32 runtime of the naive path")
    args = parser.parse_args()
    import torch

    rows, origin = load_articles(args.limit)
    # The ONNX file is exported once per model version (about 15 s); do it before timing, in another
    # process so that its memory does not count in the peak RSS below.
    warm = "from attribution.pipeline import Tracker; Tracker(" + (repr(str(args.model)) if args.model else "") + ")"
    subprocess.run([sys.executable, "-c", warm], check=True, capture_output=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"input: {len(rows)} articles from {origin}")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "articles.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        batch = batch_path(source, Path(tmp) / "batch.db", args.model, args.batch_size)
        batch_rss = peak_rss_mb()
        report("batch (int8, cross-article batches)", batch, batch_rss)
        if args.skip_naive:
            return
        naive = naive_path(rows, Path(tmp) / "naive.db", args.model, args.naive_backend)
        report(f"naive ({args.naive_backend} fp32, one article at a time)", naive, peak_rss_mb())
    ratio = (batch["sentences"] / batch["seconds"]) / (naive["sentences"] / naive["seconds"])
    print(f"speed-up of the batch path over the naive path: {ratio:.2f}x")


def report(name: str, figures: dict, rss_mb: float) -> None:
    seconds = figures["seconds"]
    print(
        f"{name}: {figures['articles']} articles, {figures['sentences']} sentences in {seconds:.1f} s = "
        f"{figures['articles'] / seconds:.2f} articles/s, {figures['sentences'] / seconds:.0f} sentences/s; "
        f"peak RSS so far {rss_mb:.0f} MB"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
