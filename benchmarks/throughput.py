"""Batch-scoring throughput: the batch path vs the naive path, measured in the same run.

    python benchmarks/throughput.py [--limit N] [--rounds R] [--model DIR]

Scores N articles (default: all 2,117 BBC News articles of ../shared/data/bbc-news, or generated text
where that corpus is absent) into a fresh SQLite database per path:

- batch path: `attribution batch` (sentences of many articles per forward pass, sorted by length,
  dynamic padding, int8 ONNX Runtime, chunked transactions);
- naive path: one article at a time, the model as trained (torch fp32), one transaction per article
  (``--naive-backend onnx`` runs the fp32 model through ONNX Runtime instead).

Each path runs in its own process, which loads its model once and keeps it.  The articles are cut into
R slices and the two paths take turns, slice by slice (batch, naive, naive, batch, ...), so that both
see the same machine: this shared virtual machine drifts by 10-20% over minutes, which moved the ratio
of two back-to-back runs by as much.  Prints articles/s, sentences/s and the peak RSS of each path's
process, per round and in all, and the ratio.  Storage and loading the model are included; the one-time
ONNX export of a new model version is done before timing.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
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


_naive_tracker = None


def naive_path(source: Path, db: Path, model: Path | None, backend: str) -> dict:
    from sqlmodel import Session

    from attribution.db.engine import make_engine
    from attribution.ingest import article_from_record
    from attribution.pipeline import Tracker
    from attribution.store import save_result

    global _naive_tracker
    started = time.time()
    if _naive_tracker is None:  # loaded once, in the first round, like the batch path's model
        _naive_tracker = Tracker(model, quantize=False, batch_size=32, backend=backend)
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    sentences = 0
    with Session(make_engine(db)) as session:
        for n, row in enumerate(rows):
            result = _naive_tracker.analyze(article_from_record(row, f"row {n}"))
            save_result(session, result)
            sentences += len(result.sentences)
    return {"articles": len(rows), "sentences": sentences, "seconds": time.time() - started}


def serve(connection: Connection, path: str, db: str, model: str | None, batch_size: int, backend: str) -> None:
    """A path's process: score each slice it is sent, answer with the figures and its peak RSS so far."""
    while (source := connection.recv()) is not None:
        if path == "batch":
            figures = batch_path(Path(source), Path(db), Path(model) if model else None, batch_size)
        else:
            figures = naive_path(Path(source), Path(db), Path(model) if model else None, backend)
        connection.send(figures | {"rss_mb": peak_rss_mb()})


def start(path: str, db: Path, args: argparse.Namespace) -> tuple[multiprocessing.process.BaseProcess, Connection]:
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=serve, args=(theirs, path, str(db), str(args.model) if args.model else None, args.batch_size, args.naive_backend)
    )
    process.start()
    return process, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=0, help="articles to score (0 = all)")
    parser.add_argument("--rounds", type=int, default=4, help="slices the paths take turns on (1 = one run each)")
    parser.add_argument("--model", type=Path, default=None, help="model folder (default: the shipped model)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--naive-backend", choices=("torch", "onnx"), default="torch", help="fp32 runtime of the naive path")
    args = parser.parse_args()
    import torch

    rows, origin = load_articles(args.limit)
    rounds = max(1, min(args.rounds, len(rows)))
    # The ONNX file is exported once per model version (about 15 s); do it before timing.
    warm = "from attribution.pipeline import Tracker; Tracker(" + (repr(str(args.model)) if args.model else "") + ")"
    subprocess.run([sys.executable, "-c", warm], check=True, capture_output=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"input: {len(rows)} articles from {origin}, in {rounds} rounds")
    paths = ["batch"] if args.skip_naive else ["batch", "naive"]
    totals = {p: {"articles": 0, "sentences": 0, "seconds": 0.0, "rss_mb": 0.0} for p in paths}
    with tempfile.TemporaryDirectory() as tmp:
        workers = {p: start(p, Path(tmp) / f"{p}.db", args) for p in paths}
        try:
            for r in range(rounds):
                source = Path(tmp) / f"slice-{r}.jsonl"
                source.write_text("".join(json.dumps(row) + "\n" for row in rows[r::rounds]), encoding="utf-8")
                figures = {}
                for p in paths if r % 2 == 0 else paths[::-1]:  # alternate which path goes first
                    _, connection = workers[p]
                    connection.send(str(source))
                    figures[p] = connection.recv()
                    totals[p] = {k: totals[p][k] + v for k, v in figures[p].items() if k != "rss_mb"} | {"rss_mb": figures[p]["rss_mb"]}
                print(f"round {r + 1}: " + "; ".join(f"{p} {rate(f):.0f} sentences/s" for p, f in figures.items()) + ratio_text(figures))
        finally:
            for process, connection in workers.values():
                if process.is_alive():  # a crashed one has already said why on stderr
                    connection.send(None)
                process.join()
    report("batch (int8 ONNX, cross-article batches)", totals["batch"])
    if "naive" in totals:
        report(f"naive ({args.naive_backend} fp32, one article at a time)", totals["naive"])
        print(f"speed-up of the batch path over the naive path:{ratio_text(totals)}")


def rate(figures: dict) -> float:
    return figures["sentences"] / figures["seconds"]


def ratio_text(figures: dict) -> str:
    return f" {rate(figures['batch']) / rate(figures['naive']):.2f}x" if "naive" in figures else ""


def report(name: str, figures: dict) -> None:
    seconds = figures["seconds"]
    print(
        f"{name}: {figures['articles']} articles, {figures['sentences']} sentences in {seconds:.1f} s = "
        f"{figures['articles'] / seconds:.2f} articles/s, {rate(figures):.0f} sentences/s; "
        f"peak RSS of its process {figures['rss_mb']:.0f} MB"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
