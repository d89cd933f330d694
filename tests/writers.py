"""Concurrent writers: made-up articles (our own template sentences) stored by several processes at once.

Used by tests/test_postgres.py (4 writers, every row checked) and benchmarks/concurrent_writers.py (insert rate).
Every article names its speakers in full, so where each statement belongs does not depend on which
writer stored what first; the expected graph is known without storing anything.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from dataclasses import dataclass

from attribution.ingest import article_from_text
from attribution.results import ArticleResult, Attribution, SentenceResult, TextSpan

FIRST = ["Ana", "Boris", "Chen", "Dara", "Emeka", "Fatima", "Gustav", "Hana", "Ivo", "Jana"]
LAST = ["Ruiz", "Okafor", "Lindqvist", "Novak", "Haddad", "Tanaka", "Moreau", "Kowalski", "Byrne", "Santos"]
TOPICS = ["the bridge", "the budget", "the hospital", "the school", "the harbour", "the railway", "the museum", "the park"]
VERDICTS = ["would reopen in May", "was over budget", "needed new staff", "had passed inspection", "would close early"]
SENTENCES_PER_ARTICLE = 4
MODEL_VERSION = "writers-v1"


def speaker(number: int) -> str:
    return f"{FIRST[number % len(FIRST)]} {LAST[(number // len(FIRST)) % len(LAST)]}"


@dataclass(frozen=True)
class Planned:
    """What one sentence of an article should become: its speaker and the surface form used."""

    speaker: str
    mention: str


def plan(article: int) -> list[Planned]:
    chosen = random.Random(article)
    planned = []
    for _ in range(SENTENCES_PER_ARTICLE):
        name = speaker(chosen.randrange(60))
        title = chosen.choice(["", "Mayor ", "Dr "])
        planned.append(Planned(name, f"{title}{name}" if title else name))
    return planned


def article_result(article: int) -> ArticleResult:
    sentences: list[tuple[str, Planned, str]] = []
    chosen = random.Random(10_000 + article)
    for planned in plan(article):
        content = f"{chosen.choice(TOPICS)} {chosen.choice(VERDICTS)} (report {article})"
        sentences.append((f"{planned.mention} said {content}.", planned, content))
    text = " ".join(s for s, _, _ in sentences)
    results, offset = [], 0
    for index, (sentence, planned, content) in enumerate(sentences):
        source, cue, said = (TextSpan(offset + sentence.index(p), offset + sentence.index(p) + len(p), p) for p in (planned.mention, "said", content))
        attribution = Attribution(
            source=source, cue=cue, content=said, confidence=0.9,
            entity=planned.speaker, entity_type="person", resolution="alias" if planned.mention != planned.speaker else "named",
        )
        results.append(SentenceResult(index, offset, offset + len(sentence), sentence, "claim", 0.95, [attribution]))
        offset += len(sentence) + 1
    return ArticleResult(article_from_text(text, f"writers/{article}.txt", title=f"Report {article}"), results, MODEL_VERSION)


def share(writer: int, writers: int, articles: int, overlap: float = 0.5) -> list[int]:
    """A writer's articles: its own slice plus ``overlap`` of everyone else's, in its own order."""
    chosen = random.Random(writer)
    mine = [a for a in range(articles) if a % writers == writer or chosen.random() < overlap]
    chosen.shuffle(mine)
    return mine


def _write(url: str, articles: list[int], chunk: int, start: float) -> tuple[int, int, float]:
    from sqlmodel import Session

    from attribution.db.engine import make_engine
    from attribution.store import save_results

    results = [article_result(a) for a in articles]  # built before the clock: only storing is timed
    engine = make_engine(url)
    stored = statements = 0
    while time.time() < start:
        time.sleep(0.01)
    began = time.perf_counter()
    with Session(engine) as session:
        for first in range(0, len(results), chunk):
            part = results[first : first + chunk]
            for result, status in zip(part, save_results(session, part)):
                if status == "stored":
                    stored += 1
                    statements += len(result.sentences)
    elapsed = time.perf_counter() - began
    engine.dispose()
    return stored, statements, elapsed


def run_writers(url: str, writers: int = 4, articles: int = 200, chunk: int = 8) -> tuple[list[tuple[int, int, float]], float]:
    """Start ``writers`` processes at the same moment; each stores its share. Returns per-writer
    (articles stored, statements stored, seconds) and the wall time from start to the last one done."""
    context = multiprocessing.get_context("spawn")
    start = time.time() + 3 + writers  # every process imports and builds its articles first
    with context.Pool(writers) as pool:
        jobs = [pool.apply_async(_write, (url, share(w, writers, articles), chunk, start)) for w in range(writers)]
        outcomes = [job.get(timeout=600) for job in jobs]
    return outcomes, time.time() - start
