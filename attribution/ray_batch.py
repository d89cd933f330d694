"""``attribution batch --engine ray``: batch scoring on Ray Data, stored through the same store code.

One Ray Data pipeline: ``read_text`` (JSONL, one record a line) or ``read_binary_files`` (text files)
reads the inputs, the same ingest functions as ``attribution batch`` turn them into articles, one
planning step drops those already stored with this model version and cuts the rest into the chunks
``attribution batch`` would (the same functions), and ``map_batches`` scores each chunk on actors that
load the model once (:class:`attribution.batch.BatchScorer`); with several actors a chunk is cut in as
many pieces, which they score at once (a sentence's scores do not depend on the sentences scored with it).  Being one pipeline, the actors start
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
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from attribution.batch import (
    BATCHES_PER_CHUNK,
    BatchSummary,
    _chunks,
    _estimated_sentences,
    import_store_modules,
    progress_bar,
    select_new,
    store_chunks,
    store_failures,
    stored_hashes,
)
from attribution.errors import InputError
from attribution.ingest import Article, ReadFailure, expand_inputs
from attribution.results import ArticleResult

ARTICLE_COLUMN = "article"  # a pickled ingest.Article (offsets and boilerplate ranges kept exactly), or a chunk of them
ERROR_COLUMN = "error"
KIND_COLUMN = "kind"  # after planning: piece, chunk (a chunk's last piece), failure, plan (articles to score), skipped
COUNT_COLUMN = "count"
RESULTS_COLUMN = "results"  # a chunk's pickled list of ArticleResult (other rows: their payload, passed through)
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


def _plan(batch: dict[str, Any], done: set[str], budget: int, pieces: int = 1) -> dict[str, list]:
    """All the articles, in input order (one block) -> the rows the scorers take: one per chunk to score.

    The chunks are ``attribution batch``'s (the same functions on the same articles: ``select_new`` drops
    what is stored or repeated, ``_chunks`` cuts the rest), so each chunk is stored in one transaction as
    there.  A record that could not be read becomes a row of its own (a pickled ``ReadFailure``), and the
    number of articles skipped one more.
    """
    items: list[Article | ReadFailure] = [
        _read_failure(error) if isinstance(error, str) else pickle.loads(blob)  # an empty cell may come back as None or NaN
        for blob, error in zip(batch[ARTICLE_COLUMN], batch[ERROR_COLUMN])
    ]
    pending, failures, skipped = select_new(items, done)
    rows: list[tuple[str, bytes, int]] = [("failure", pickle.dumps(failure), 0) for failure in failures]  # kind, payload, count
    rows += [("plan", b"", len(pending)), ("skipped", b"", skipped)]
    for chunk in _chunks(pending, budget):
        parts = _pieces(chunk, pieces)
        rows += [("piece", pickle.dumps(part), len(part)) for part in parts[:-1]] + [("chunk", pickle.dumps(parts[-1]), len(parts[-1]))]
    kinds, payloads, counts = (list(column) for column in zip(*rows))
    return {KIND_COLUMN: kinds, ARTICLE_COLUMN: payloads, COUNT_COLUMN: counts}


def _pieces(chunk: list[Article], parts: int) -> list[list[Article]]:
    """A chunk cut into about ``parts`` runs of articles of about as many sentences each, for as many actors
    to score at once (a sentence's scores do not depend on the others it is scored with)."""
    if parts <= 1 or len(chunk) <= 1:
        return [chunk]
    return list(_chunks(chunk, -(-sum(_estimated_sentences(a) for a in chunk) // parts)))


def _read_failure(error: str) -> ReadFailure:
    """``"INPUT: reason"`` (the one line an ingest error says) -> the failure ``attribution batch`` records."""
    name, _, why = error.partition(": ")
    return ReadFailure(name, why or error)


class RayScorer:
    """A Ray actor: the model loaded once in ``__init__`` (BatchScorer), then chunk after chunk of articles.

    Ray Data starts it when the run starts, so the model loads while the inputs are still being read.
    """

    def __init__(self, model_dir: str | None, batch_size: int, backend: str | None, threads: int) -> None:
        from attribution.batch import BatchScorer
        from attribution.threads import set_scoring_threads

        set_scoring_threads(threads)  # torch too, if a torch model is loaded (the torch backend, a first ONNX export)
        self.scorer = BatchScorer(model_dir, batch_size=batch_size, backend=backend)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        """A chunk or piece row's articles are scored (its results, pickled, replace them); other rows pass through."""
        payloads = [
            pickle.dumps(self.scorer.tracker.analyze_many(pickle.loads(blob), resolve=False)) if kind in ("piece", "chunk") else blob
            for kind, blob in zip(batch[KIND_COLUMN], batch[ARTICLE_COLUMN])
        ]
        return {KIND_COLUMN: [str(k) for k in batch[KIND_COLUMN]], RESULTS_COLUMN: payloads,
                COUNT_COLUMN: [int(c) for c in batch[COUNT_COLUMN]]}


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
    import_store_modules()
    started = time.time()
    summary = BatchSummary()
    engine, done = stored_hashes(db, model_dir)
    runs = _runs(input_path, summary.failures)
    store_failures(engine, summary.failures)
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
        # One block, in input order: the chunks are cut over the whole input.  With several actors each chunk is
        # cut in as many pieces (of about as many sentences), each a block of its own for any free actor, so that
        # none idles while another scores a whole chunk; the pieces of a chunk are stored together, as one chunk.
        planned = articles.repartition(1).map_batches(
            partial(_plan, done=done, budget=batch_size * BATCHES_PER_CHUNK, pieces=workers), batch_size=None, batch_format="default", num_cpus=READ_CPUS
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
                # One piece at a time per actor: a ready actor does not queue the piece another could score.
                compute=ray.data.ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=1),
                num_cpus=reserved,
            )
        )
        read_failures: list[ReadFailure] = []
        progress = progress_bar(quiet, "scoring on Ray")
        task = progress.add_task("scoring on Ray", total=None, rates="articles (reading)")

        def chunks() -> Iterator[list[ArticleResult]]:
            """The scored chunks in input order; the other rows say what was skipped, planned or unreadable."""
            parts: list[ArticleResult] = []
            for row in scored.iter_rows():
                kind, payload = row[KIND_COLUMN], row[RESULTS_COLUMN]
                if kind == "piece":  # scored, but stored with the rest of its chunk
                    parts += pickle.loads(payload)
                elif kind == "failure":
                    read_failures.append(pickle.loads(payload))
                elif kind == "skipped":
                    summary.skipped += int(row[COUNT_COLUMN])
                elif kind == "plan":
                    progress.update(task, total=int(row[COUNT_COLUMN]), rates="articles")
                else:
                    results, parts = parts + pickle.loads(payload), []
                    progress.update(task, advance=len(results))
                    yield results

        def stored() -> None:
            elapsed = max(1e-9, time.time() - started)
            progress.update(task, rates=f"articles; {summary.sentences / elapsed:.0f} sent/s")

        with progress:
            store_chunks(engine, chunks(), summary, stored)
        store_failures(engine, read_failures)
        summary.failures += read_failures
    finally:
        if owns_ray:
            ray.shutdown()
    summary.seconds = time.time() - started
    return summary
