"""Batch scoring: many articles through one loaded model, resumable, never storing an article twice.

Sentences of many articles share forward passes (sorted by length, dynamic
padding, int8 weights); each chunk of articles is written in one transaction,
so a killed run leaves only whole articles behind and a rerun skips them.
"""

from __future__ import annotations

import multiprocessing
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from attribution.ingest import Article, ReadFailure, read_inputs, read_jsonl_file, read_jsonl_stream
from attribution.results import ArticleResult

ARTICLE_FIELDS = ("id", "title", "text", "url", "published", "publisher", "author")
BATCHES_PER_CHUNK = 128  # forward passes per scoring chunk (one transaction): sorting 4,096 sentences pads 2%, 256 pad 15%


class BatchScorer:
    """A callable scorer: ``__init__`` loads the model once, ``__call__`` scores a columnar batch.

    The batch is ``{"id": [...], "text": [...], "title": [...], ...}``; the answer adds
    ``content_hash``, ``model_version``, ``records`` (the JSONL contract) and ``result``.
    The same class can run under a distributed engine's ``map_batches``.
    """

    def __init__(
        self, model_dir: Path | str | None = None, batch_size: int = 32, quantize: bool = True, backend: str | None = None
    ) -> None:
        from attribution.pipeline import Tracker

        self.tracker = Tracker(model_dir, quantize=quantize, batch_size=batch_size, backend=backend)
        self.model_version = self.tracker.model_version

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        from attribution.ingest import article_from_text

        size = len(batch["text"])
        articles = [
            article_from_text(
                batch["text"][i],
                str(batch.get("id", [None] * size)[i] or f"article-{i}"),
                **{k: batch[k][i] for k in ("title", "url", "published", "publisher", "author") if k in batch},
            )
            for i in range(size)
        ]
        return self.score_articles(articles)

    def score_articles(self, articles: list[Article]) -> dict[str, list]:
        results = self.tracker.analyze_many(articles)
        return {
            "id": [r.article.document for r in results],
            "content_hash": [r.article.content_hash for r in results],
            "model_version": [r.model_version for r in results],
            "records": [r.records() for r in results],
            "result": results,
        }


@dataclass
class BatchSummary:
    scored: int = 0
    skipped: int = 0
    sentences: int = 0
    seconds: float = 0.0
    failures: list[ReadFailure] = field(default_factory=list)

    def line(self) -> str:
        rate = self.scored / self.seconds if self.seconds else 0.0
        sentence_rate = self.sentences / self.seconds if self.seconds else 0.0
        return (
            f"scored {self.scored}, skipped {self.skipped} (already scored with this model), "
            f"failed {len(self.failures)} in {self.seconds:.1f} s "
            f"({rate:.1f} articles/s, {sentence_rate:.0f} sentences/s)"
        )


def read_batch_input(input_path: str) -> Iterator[Article | ReadFailure]:
    """A folder (recursive), a JSONL file, a text file, or ``-`` for JSONL on stdin."""
    if input_path == "-":
        yield from read_jsonl_stream(sys.stdin.buffer, "<stdin>")  # bytes: a bad line fails alone
    elif Path(input_path).suffix == ".jsonl" and Path(input_path).is_file():
        yield from read_jsonl_file(Path(input_path))
    else:
        yield from read_inputs([input_path])


_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*(?:\s|$)")


def _chunks(articles: list[Article], sentence_budget: int) -> Iterator[list[Article]]:
    """Groups of articles holding about ``sentence_budget`` sentences (counted roughly: the scorer segments them)."""
    chunk: list[Article] = []
    sentences = 0
    for article in articles:
        chunk.append(article)
        sentences += _estimated_sentences(article)
        if sentences >= sentence_budget:
            yield chunk
            chunk, sentences = [], 0
    if chunk:
        yield chunk


_worker_scorer: BatchScorer | None = None


def _init_worker(model_dir: str | None, batch_size: int, threads: int, backend: str | None) -> None:
    from attribution.threads import set_scoring_threads

    global _worker_scorer
    set_scoring_threads(threads)  # torch too, if a torch model is loaded (the torch backend, a first ONNX export)
    _worker_scorer = BatchScorer(model_dir, batch_size=batch_size, backend=backend)


def _score_in_worker(articles: list[Article]) -> list[ArticleResult]:
    assert _worker_scorer is not None
    return _worker_scorer.tracker.analyze_many(articles)


def _resolve_and_save(session: Any, results: list[ArticleResult]) -> Sequence[str]:
    """Resolve sources (where the scorer left it undone) and store the chunk in one transaction."""
    from attribution.calibration import threshold
    from attribution.link import resolve_article
    from attribution.store import save_results

    results = [result if result.resolved else resolve_article(result) for result in results]
    return save_results(session, results, min_probability=threshold())


def progress_bar(quiet: bool, label: str = "scoring") -> Any:
    """A progress bar on stderr (none when quiet or when stderr is not a terminal)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(file=sys.stderr)
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rates]}"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet or not sys.stderr.isatty(),
        transient=False,
    )


def _estimated_sentences(article: Article) -> int:
    return max(1, len(_SENTENCE_END.findall(article.text)))


def import_store_modules() -> None:
    """Import what the database and model version need before a run's clock starts: the summary line times
    the run, not Python's imports.  (No torch: scoring from the cached ONNX export does not import it.)"""
    import attribution.db.engine  # noqa: F401
    import attribution.predictor  # noqa: F401
    import attribution.store  # noqa: F401


def stored_hashes(db: str | None, model_dir: Path | None) -> tuple[Any, set[str]]:
    """The database's engine, and the content hashes of the articles it holds scored with this model version."""
    from sqlmodel import Session

    from attribution.db.engine import make_engine
    from attribution.predictor import PACKAGED_MODEL_DIR, model_version
    from attribution.store import scored_hashes

    engine = make_engine(db)
    version = model_version(Path(model_dir) if model_dir else PACKAGED_MODEL_DIR)
    with Session(engine) as session:
        return engine, scored_hashes(session, version)


def select_new(items: Iterable[Article | ReadFailure], done: set[str]) -> tuple[list[Article], list[ReadFailure], int]:
    """The articles to score, in input order; the inputs that could not be read; how many articles are skipped
    (stored already with this model version, whose hashes are ``done``, or repeated in the input)."""
    pending: list[Article] = []
    failures: list[ReadFailure] = []
    seen: set[str] = set()
    skipped = 0
    for item in items:
        if isinstance(item, ReadFailure):
            failures.append(item)
        elif item.content_hash in done or item.content_hash in seen:
            skipped += 1
        else:
            seen.add(item.content_hash)
            pending.append(item)
    return pending, failures, skipped


def store_failures(engine: Any, failures: Sequence[ReadFailure]) -> None:
    """One ``Failure`` row per input that could not be read (a query tells what a run left out)."""
    from sqlmodel import Session

    from attribution.db.models import Failure

    with Session(engine) as session:
        session.add_all(Failure(input=failure.input, reason=failure.reason) for failure in failures)
        session.commit()


def store_chunks(
    engine: Any, chunks: Iterable[list[ArticleResult]], summary: BatchSummary, on_stored: Callable[[], None] | None = None
) -> None:
    """Resolve and store each scored chunk in one transaction, counting into ``summary``, then match the new
    statements against imported fact-checks (issue 18).

    One writer thread stores a chunk while the next one is scored (the model runs outside the GIL, or in
    other processes); at most one chunk waits, and the chunks are stored in the order given.
    ``on_stored`` is called after each chunk is stored (a progress bar's rates).
    """
    from sqlmodel import Session

    from attribution.factchecks.checked import match_after_scoring

    def record(write: Future, results: list[ArticleResult]) -> None:
        statuses = write.result()  # re-raises a failed write here
        summary.scored += sum(1 for s in statuses if s != "skipped")
        summary.skipped += sum(1 for s in statuses if s == "skipped")
        summary.sentences += sum(len(r.sentences) for r in results)
        if on_stored is not None:
            on_stored()

    with Session(engine) as session, ThreadPoolExecutor(1, thread_name_prefix="writer") as writer:
        waiting: tuple[Future, list[ArticleResult]] | None = None
        for results in chunks:
            if waiting is not None:
                record(*waiting)
            waiting = (writer.submit(_resolve_and_save, session, results), results)
        if waiting is not None:
            record(*waiting)
    with Session(engine) as session:
        match_after_scoring(session)


def run_batch(
    input_path: str,
    db: str | None = None,
    workers: int = 1,
    batch_size: int = 32,
    model_dir: Path | None = None,
    quiet: bool = False,
    backend: str | None = None,
) -> BatchSummary:
    """Score every article of ``input_path`` not yet in the database with this model version."""
    import_store_modules()
    started = time.time()
    summary = BatchSummary()
    engine, done = stored_hashes(db, model_dir)
    pending, summary.failures, summary.skipped = select_new(read_batch_input(input_path), done)
    store_failures(engine, summary.failures)
    if not pending:
        summary.seconds = time.time() - started
        return summary

    chunks = list(_chunks(pending, batch_size * BATCHES_PER_CHUNK))
    # The bar counts sentences as the model labels them (a chunk of articles is one transaction of
    # thousands of sentences); the total is estimated until every chunk has been segmented.
    progress = progress_bar(quiet)
    estimated = [sum(_estimated_sentences(a) for a in chunk) for chunk in chunks]
    task = progress.add_task("scoring", total=sum(estimated), rates="")
    pool = None
    if workers > 1:
        import os

        threads = max(1, (os.cpu_count() or 1) // workers)
        context = multiprocessing.get_context("spawn")
        pool = context.Pool(workers, _init_worker, (str(model_dir) if model_dir else None, batch_size, threads, backend))
        results_iter: Iterator[list[ArticleResult]] = pool.imap(_score_in_worker, chunks)
    else:
        scorer = BatchScorer(model_dir, batch_size=batch_size, backend=backend)

        def advance(size: int) -> None:
            progress.advance(task, size)

        results_iter = (scorer.tracker.analyze_many(chunk, resolve=False, on_batch=advance) for chunk in chunks)

    def scored() -> Iterator[list[ArticleResult]]:
        """Each chunk as it is labelled: its estimate gives way to its real number of sentences."""
        labelled = 0  # sentences of the chunks scored so far, exactly
        for chunk_number, results in enumerate(results_iter):
            labelled += sum(len(r.sentences) for r in results)
            progress.update(task, completed=labelled, total=labelled + sum(estimated[chunk_number + 1 :]))
            yield results

    def stored() -> None:
        elapsed = max(1e-9, time.time() - started)
        progress.update(
            task,
            rates=f"sentences; {summary.scored + summary.skipped}/{len(pending)} articles stored, "
            f"{summary.sentences / elapsed:.0f} sent/s, {len(summary.failures)} failed",
        )

    try:
        with progress:
            store_chunks(engine, scored(), summary, stored)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    summary.seconds = time.time() - started
    return summary
