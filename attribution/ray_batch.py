"""``attribution batch --engine ray``: batch scoring on Ray Data, stored through the same store code.

One Ray Data pipeline: ``read_text`` (JSONL, one record a line) or ``read_binary_files`` (text files)
reads the inputs, the same ingest functions as ``attribution batch`` turn them into articles, one
planning step drops those already stored with this model version and cuts the rest into the chunks
``attribution batch`` would (the same function), and ``map_batches`` scores each chunk on actors that
load the model once (:class:`attribution.batch.BatchScorer`).  Being one pipeline, the actors start
(process, imports, model: several seconds) while the inputs are still read, instead of after; the
articles never travel through this process.  This process resolves sources and stores each chunk in
one transaction, in input order, so the rows are those ``attribution batch`` writes.  With
``--address`` the same runs on an existing Ray cluster (``ray start --head`` on one machine,
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
from functools import partial
from pathlib import Path
from typing import Any

from attribution.batch import BATCHES_PER_CHUNK, BatchSummary, _chunks, _resolve_and_save, progress_bar
from attribution.errors import InputError
from attribution.ingest import Article, ReadFailure, expand_inputs
from attribution.results import ArticleResult

ARTICLE_COLUMN = "article"  # a pickled ingest.Article (offsets and boilerplate ranges kept exactly), or a chunk of them
ERROR_COLUMN = "error"
KIND_COLUMN = "kind"  # after planning: chunk, failure, plan (how many articles to score), skipped (how many not)
COUNT_COLUMN = "count"
RESULTS_COLUMN = "results"  # a chunk's pickled list of ArticleResult
READ_CPUS = 0.5  # what reading, parsing and planning tasks reserve (they run while the scoring actors start)


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


def _plan(batch: dict[str, Any], done: set[str], budget: int) -> dict[str, list]:
    """All the articles, in input order (one block) -> the rows the scorers take: one per chunk to score.

    The chunks are ``attribution batch``'s (the same function on the same articles), because the int8
    model's scores depend a little on which sentences share a forward pass: the same chunks give the
    same rows.  A record that could not be read becomes a row of its own (``error``), and the number of
    articles skipped (stored already with this model version, or repeated in the input) one more.
    """
    rows: list[tuple[str, bytes | None, str | None, int]] = []  # kind, chunk, error, count
    pending: list[Article] = []
    seen: set[str] = set()
    skipped = 0
    for blob, error in zip(batch[ARTICLE_COLUMN], batch[ERROR_COLUMN]):
        if isinstance(error, str):  # an empty cell may come back as None or NaN
            rows.append(("failure", None, error, 0))
            continue
        article: Article = pickle.loads(blob)
        if article.content_hash in done or article.content_hash in seen:
            skipped += 1
        else:
            seen.add(article.content_hash)
            pending.append(article)
    rows += [("plan", None, None, len(pending)), ("skipped", None, None, skipped)]
    rows += [("chunk", pickle.dumps(chunk), None, len(chunk)) for chunk in _chunks(pending, budget)]
    kinds, payloads, errors, counts = (list(column) for column in zip(*rows))
    return {KIND_COLUMN: kinds, ARTICLE_COLUMN: payloads, ERROR_COLUMN: errors, COUNT_COLUMN: counts}


class RayScorer:
    """A Ray actor: the model loaded once in ``__init__`` (BatchScorer), then chunk after chunk of articles.

    Ray Data starts it when the run starts, so the model loads while the inputs are still being read.
    """

    def __init__(self, model_dir: str | None, batch_size: int, backend: str | None, threads: int) -> None:
        import torch

        from attribution.batch import BatchScorer

        torch.set_num_threads(threads)
        self.scorer = BatchScorer(model_dir, batch_size=batch_size, backend=backend)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        """A chunk row's articles are scored (its results, pickled, in ``results``); other rows pass through."""
        results: list[bytes | None] = []
        for kind, blob in zip(batch[KIND_COLUMN], batch[ARTICLE_COLUMN]):
            if kind == "chunk":
                results.append(pickle.dumps(self.scorer.tracker.analyze_many(pickle.loads(blob), resolve=False)))
            else:
                results.append(None)
        return {KIND_COLUMN: [str(k) for k in batch[KIND_COLUMN]], RESULTS_COLUMN: results,
                ERROR_COLUMN: [e if isinstance(e, str) else None for e in batch[ERROR_COLUMN]],
                COUNT_COLUMN: [int(c) for c in batch[COUNT_COLUMN]]}


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
    from sqlmodel import Session

    from attribution.db.engine import make_engine
    from attribution.db.models import Failure
    from attribution.model import PACKAGED_MODEL_DIR, model_version
    from attribution.store import scored_hashes

    started = time.time()
    summary = BatchSummary()
    engine = make_engine(db)
    version = model_version(Path(model_dir) if model_dir else PACKAGED_MODEL_DIR)
    with Session(engine) as session:
        done = scored_hashes(session, version)
    runs = _runs(input_path, summary.failures)
    with Session(engine) as session:
        for failure in summary.failures:
            session.add(Failure(input=failure.input, reason=failure.reason))
        session.commit()
    if not runs:
        summary.seconds = time.time() - started
        return summary

    owns_ray = not ray.is_initialized()
    if owns_ray:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # our progress bar and summary line say what happens
    try:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # stored in input order: the same rows as `attribution batch`
        context.enable_progress_bars = False  # one bar, ours
        # As many read tasks as scoring actors (Ray Data would split a small file into twice as many blocks
        # as CPUs, and each task's worker process pays for importing Ray Data and the ingest code).
        reads: dict[str, Any] = {"include_paths": True, "num_cpus": READ_CPUS, "override_num_blocks": workers}
        parts = [
            ray.data.read_text(paths, drop_empty_lines=True, **reads).map_batches(_from_lines, batch_format="default", num_cpus=READ_CPUS)
            if is_jsonl
            else ray.data.read_binary_files(paths, **reads).map_batches(_from_files, batch_format="default", num_cpus=READ_CPUS)
            for is_jsonl, paths in runs
        ]
        articles = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
        cpus = int(ray.cluster_resources().get("CPU", os.cpu_count() or 1))
        threads = max(1, cpus // workers)
        # One pipeline, so that the scoring actors start (a process, torch, the model: seconds) while the
        # inputs are read and parsed, instead of after.  The actors leave one CPU unreserved, or the reading
        # and planning tasks could not run beside them (Ray Data's repartition takes a whole CPU); the model
        # only runs once those are done (the plan waits for every article), so its threads take them back.
        reserved = max(0.0, min(float(threads), (cpus - 1) / workers))
        # One block, in input order: the chunks are cut over the whole input.  With one actor the plan runs in
        # it (Ray Data fuses the two steps); with more, each chunk is a block of its own, for any actor to take.
        planned = articles.repartition(1).map_batches(
            partial(_plan, done=done, budget=batch_size * BATCHES_PER_CHUNK), batch_size=None, batch_format="default", num_cpus=READ_CPUS
        )
        if workers > 1:
            planned = planned.repartition(target_num_rows_per_block=1)
        scored = (
            planned.map_batches(
                RayScorer,
                fn_constructor_kwargs={"model_dir": str(model_dir) if model_dir else None, "batch_size": batch_size,
                                       "backend": backend, "threads": threads},
                batch_size=1,
                batch_format="default",
                compute=ray.data.ActorPoolStrategy(size=workers),
                num_cpus=reserved,
            )
        )
        read_failures: list[ReadFailure] = []
        progress = progress_bar(quiet, "scoring on Ray")
        task = progress.add_task("scoring on Ray", total=None, rates="articles (reading)")
        with progress, Session(engine) as session, ThreadPoolExecutor(1, thread_name_prefix="writer") as writer:
            waiting: Future | None = None  # one chunk is stored while the next is scored, as in `attribution batch`
            for row in scored.iter_rows():
                kind = row[KIND_COLUMN]
                if kind == "failure":
                    name, _, why = row[ERROR_COLUMN].partition(": ")
                    read_failures.append(ReadFailure(name, why or row[ERROR_COLUMN]))
                elif kind == "skipped":
                    summary.skipped += int(row[COUNT_COLUMN])
                elif kind == "plan":
                    progress.update(task, total=int(row[COUNT_COLUMN]), rates="articles")
                else:
                    results: list[ArticleResult] = pickle.loads(row[RESULTS_COLUMN])
                    if waiting is not None:
                        _count(summary, waiting.result())
                    waiting = writer.submit(_resolve_and_save, session, results)
                    summary.sentences += sum(len(r.sentences) for r in results)
                    elapsed = max(1e-9, time.time() - started)
                    progress.update(task, advance=len(results), rates=f"articles; {summary.sentences / elapsed:.0f} sent/s")
            if waiting is not None:
                _count(summary, waiting.result())
        with Session(engine) as session:
            session.add_all(Failure(input=failure.input, reason=failure.reason) for failure in read_failures)
            session.commit()
        summary.failures += read_failures
        with Session(engine) as session:  # as `attribution batch` does: the new statements against imported fact-checks
            from attribution.factchecks.checked import match_after_scoring

            match_after_scoring(session)
    finally:
        if owns_ray:
            ray.shutdown()
    summary.seconds = time.time() - started
    return summary
