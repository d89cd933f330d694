"""``attribution batch --engine ray``: batch scoring on Ray Data, stored through the same store code.

Ray Data reads the inputs (``read_text`` for JSONL, one record a line; ``read_binary_files`` for text
files), turns them into articles with the same ingest functions as ``attribution batch``, drops the ones
already stored with this model version, and scores them with ``map_batches`` over actors that each load
the model once (:class:`attribution.batch.BatchScorer`).  This process resolves sources and stores
each chunk in one transaction, in input order, so the rows are those ``attribution batch`` writes.
With ``--address`` the same runs on an existing Ray cluster (``ray start --head`` on one machine,
``ray start --address HEAD:6379`` on the others); every worker needs this package installed.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from attribution.batch import BATCHES_PER_CHUNK, BatchSummary, _chunks, _resolve_and_save, progress_bar
from attribution.errors import InputError
from attribution.ingest import ReadFailure, expand_inputs
from attribution.results import ArticleResult

ARTICLE_COLUMN = "article"  # a pickled ingest.Article (offsets and boilerplate ranges kept exactly)
ERROR_COLUMN = "error"


def _runs(input_path: str, failures: list[ReadFailure]) -> list[tuple[bool, list[str]]]:
    """The input files in ``attribution batch``'s order, as runs of JSONL (True) or text (False) files."""
    runs: list[tuple[bool, list[str]]] = []
    for item in expand_inputs([input_path]):
        if isinstance(item, ReadFailure):
            failures.append(item)
            continue
        is_jsonl = item.suffix == ".jsonl"
        if runs and runs[-1][0] == is_jsonl:
            runs[-1][1].append(str(item))
        else:
            runs.append((is_jsonl, [str(item)]))
    return runs


def _from_lines(batch: dict[str, Any]) -> dict[str, list]:
    """JSONL lines -> articles (or the one-line reason a record cannot be read)."""
    from attribution.ingest import article_from_record

    articles: list[bytes | None] = []
    errors: list[str | None] = []
    for line, path in zip(batch["text"], batch["path"]):
        where = f"{path}"
        try:
            record = json.loads(line)
            where = f"{path} record {record.get('id')!r}" if isinstance(record, dict) and record.get("id") else where
            articles.append(pickle.dumps(article_from_record(record, where)))
            errors.append(None)
        except (InputError, ValueError) as exc:
            articles.append(None)
            errors.append(str(exc) if isinstance(exc, InputError) else f"{where}: not valid JSON ({exc})")
    return {ARTICLE_COLUMN: articles, ERROR_COLUMN: errors}


def _from_files(batch: dict[str, Any]) -> dict[str, list]:
    """Whole text files -> articles, through the same checks as ``attribution batch`` (size, UTF-8, binary)."""
    from attribution.ingest import _check_size, _decode, article_from_text

    articles: list[bytes | None] = []
    errors: list[str | None] = []
    for raw, path in zip(batch["bytes"], batch["path"]):
        try:
            _check_size(len(raw), path)
            if not raw:
                raise InputError(f"{path}: empty file")
            text = _decode(bytes(raw), path).removeprefix("\ufeff")
            articles.append(pickle.dumps(article_from_text(text, path)))
            errors.append(None)
        except InputError as exc:
            articles.append(None)
            errors.append(str(exc))
    return {ARTICLE_COLUMN: articles, ERROR_COLUMN: errors}


class RayScorer:
    """A Ray actor: the model loaded once in ``__init__`` (BatchScorer), then batch after batch of articles."""

    def __init__(self, model_dir: str | None, batch_size: int, backend: str | None, threads: int) -> None:
        import torch

        from attribution.batch import BatchScorer

        torch.set_num_threads(threads)
        self.scorer = BatchScorer(model_dir, batch_size=batch_size, backend=backend)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        """Each row is one chunk of articles (a list, pickled); its results come back as one row."""
        chunks = [pickle.loads(blob) for blob in batch[ARTICLE_COLUMN]]
        return {"results": [pickle.dumps(self.scorer.tracker.analyze_many(chunk, resolve=False)) for chunk in chunks]}


def _count(summary: BatchSummary, statuses: Sequence[str]) -> None:
    summary.scored += sum(1 for s in statuses if s != "skipped")
    summary.skipped += sum(1 for s in statuses if s == "skipped")


def run_ray_batch(
    input_path: str,
    db: str | None = None,
    address: str | None = None,
    workers: int = 1,
    batch_size: int = 32,
    model_dir: Path | None = None,
    quiet: bool = False,
    backend: str | None = None,
) -> BatchSummary:
    """Score every article of ``input_path`` not yet stored with this model version, on Ray Data."""
    try:
        import ray
    except ImportError as exc:
        raise InputError("--engine ray needs Ray: pip install 'attribution[ray]'") from exc
    from sqlmodel import Session, select

    from attribution.db.engine import make_engine
    from attribution.db.models import Article as ArticleRow
    from attribution.db.models import Failure
    from attribution.model import PACKAGED_MODEL_DIR, model_version

    started = time.time()
    summary = BatchSummary()
    engine = make_engine(db)
    version = model_version(Path(model_dir) if model_dir else PACKAGED_MODEL_DIR)
    with Session(engine) as session:
        done = {h for h, v in session.exec(select(ArticleRow.content_hash, ArticleRow.model_version)).all() if v == version}
    runs = _runs(input_path, summary.failures)

    owns_ray = not ray.is_initialized()
    if owns_ray:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # our progress bar and summary line say what happens
    try:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # stored in input order: the same rows as `attribution batch`
        context.enable_progress_bars = False  # one bar, ours
        parts = [
            ray.data.read_text(paths, include_paths=True, drop_empty_lines=True).map_batches(_from_lines, batch_format="default")
            if is_jsonl
            else ray.data.read_binary_files(paths, include_paths=True).map_batches(_from_files, batch_format="default")
            for is_jsonl, paths in runs
        ]
        rows: Any = iter(())
        if parts:
            rows = (parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]).iter_rows()

        pending: list[bytes] = []
        seen: set[str] = set()
        for row in rows:  # the hashes decide what is left to score before any model loads
            if isinstance(row[ERROR_COLUMN], str):  # an empty cell may come back as None or NaN
                reason = row[ERROR_COLUMN]
                name, _, why = reason.partition(": ")
                summary.failures.append(ReadFailure(name, why or reason))
                continue
            article = pickle.loads(row[ARTICLE_COLUMN])
            if article.content_hash in done or article.content_hash in seen:
                summary.skipped += 1
            else:
                seen.add(article.content_hash)
                pending.append(row[ARTICLE_COLUMN])
        with Session(engine) as session:
            for failure in summary.failures:
                session.add(Failure(input=failure.input, reason=failure.reason))
            session.commit()
        if not pending:
            summary.seconds = time.time() - started
            return summary

        cpus = int(ray.cluster_resources().get("CPU", os.cpu_count() or 1))
        threads = max(1, cpus // workers)
        # The chunks of `attribution batch`, one task each: the int8 model's scores depend a little on which
        # sentences share a forward pass, so the same chunks give the same rows.
        articles = [pickle.loads(blob) for blob in pending]
        chunks = [{ARTICLE_COLUMN: pickle.dumps(chunk)} for chunk in _chunks(articles, batch_size * BATCHES_PER_CHUNK)]
        scored = ray.data.from_items(chunks).map_batches(
            RayScorer,
            fn_constructor_kwargs={"model_dir": str(model_dir) if model_dir else None, "batch_size": batch_size,
                                   "backend": backend, "threads": threads},
            batch_size=1,
            batch_format="default",
            compute=ray.data.ActorPoolStrategy(size=workers),
            num_cpus=threads,
        )
        progress = progress_bar(quiet, "scoring on Ray")
        task = progress.add_task("scoring on Ray", total=len(pending), rates="articles")
        with progress, Session(engine) as session, ThreadPoolExecutor(1, thread_name_prefix="writer") as writer:
            waiting: Future | None = None  # one chunk is stored while the next is scored, as in `attribution batch`
            for row in scored.iter_rows():
                results: list[ArticleResult] = pickle.loads(row["results"])
                if waiting is not None:
                    _count(summary, waiting.result())
                waiting = writer.submit(_resolve_and_save, session, results)
                summary.sentences += sum(len(r.sentences) for r in results)
                elapsed = max(1e-9, time.time() - started)
                progress.update(task, advance=len(results), rates=f"articles; {summary.sentences / elapsed:.0f} sent/s")
            if waiting is not None:
                _count(summary, waiting.result())
    finally:
        if owns_ray:
            ray.shutdown()
    summary.seconds = time.time() - started
    return summary
