"""How fast who_said and said_about answer on a generated claim graph of 100,000 statements.

    python benchmarks/query_speed.py [--statements 100000] [--runs 20] [--keep PATH] [--db URL]

Builds the database in a temporary file with bulk inserts through SQLAlchemy core (the FTS
triggers fire as in real use), then prints the median milliseconds of each query over ``--runs``.
Target: under 100 ms each.  ``--db`` builds into that (empty) database instead, e.g. a PostgreSQL URL.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from attribution import queries  # noqa: E402
from attribution.db.engine import make_engine  # noqa: E402
from attribution.db.models import Article, Sentence, Source, SourceAlias, Statement  # noqa: E402

TARGET_MS = 100.0
STATEMENTS_PER_SENTENCE = 2
SENTENCES_PER_ARTICLE = 5
SOURCES = 3_000
SYLLABLES = ["ka", "lo", "mi", "ter", "san", "vo", "re", "dun", "pa", "li", "gor", "ne", "sta", "bri", "mon", "el"]
FIRST_NAMES = ["John", "Maria", "Ana", "Peter", "Olga", "James", "Li", "Fatima", "Carlos", "Emma", "Ivan", "Sara"]


def _vocabulary(rng: random.Random, size: int = 8_000) -> list[str]:
    words = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size * 2)}
    return sorted(words)[:size]


def _zipf_weights(n: int, s: float = 1.1) -> list[float]:
    """Cumulative Zipf weights (random.choices recomputes plain weights on every call: slow)."""
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


def build(path: Path | str, statements: int, seed: int = 7) -> dict[str, Any]:
    """Fill a fresh database; returns names and words worth querying."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng)
    word_weights = _zipf_weights(len(vocabulary))
    surnames = [w.capitalize() for w in rng.sample(vocabulary, SOURCES)]
    sources = []
    for number, surname in enumerate(surnames, 1):
        first = FIRST_NAMES[number % len(FIRST_NAMES)]
        sources.append(
            {"id": number, "name": f"{first} {surname}", "type": "person", "vague": False, "role": "spokesperson",
             "affiliation": None, "first_name": first, "surname": surname}
        )
    aliases = [
        {"source_id": s["id"], "name": f"Minister {s['surname']}", "normalized": f"minister {s['surname'].lower()}"}
        for s in sources
    ]
    source_weights = _zipf_weights(len(sources), 0.9)
    sentences_total = statements // STATEMENTS_PER_SENTENCE
    articles_total = sentences_total // SENTENCES_PER_ARTICLE
    start_day = date(2020, 1, 1)
    now = datetime.now(UTC)
    articles = [
        {"id": a, "content_hash": f"{a:064x}", "document": f"gen/{a}.txt", "title": f"Generated article {a}",
         "url": f"https://example.org/{a}", "publisher": "Example News", "author": None,
         "published": (start_day + timedelta(days=rng.randrange(1800))).isoformat(), "scored_at": now,
         "model_version": "bench", "text": "generated"}
        for a in range(1, articles_total + 1)
    ]
    sentence_rows, statement_rows = [], []
    statement_id = itertools.count(1)
    for sentence_id in range(1, sentences_total + 1):
        article_id = (sentence_id - 1) // SENTENCES_PER_ARTICLE + 1
        sentence_rows.append(
            {"id": sentence_id, "article_id": article_id, "index": (sentence_id - 1) % SENTENCES_PER_ARTICLE,
             "start": 0, "end": 100, "text": "generated sentence", "label": "claim", "confidence": 0.9}
        )
        speakers = rng.choices(sources, cum_weights=source_weights, k=STATEMENTS_PER_SENTENCE)
        for speaker in speakers:
            content = " ".join(rng.choices(vocabulary, cum_weights=word_weights, k=rng.randint(8, 16)))
            statement_rows.append(
                {"id": next(statement_id), "sentence_id": sentence_id, "article_id": article_id,
                 "kind": rng.choice(("claim", "quote")), "source_id": speaker["id"], "via_source_id": None,
                 "mention": speaker["surname"], "cue": "said", "content": content, "confidence": 0.9,
                 "resolution": "named"}
            )
    engine = make_engine(path)
    with engine.begin() as connection:
        for model, rows in ((Source, sources), (SourceAlias, aliases), (Article, articles), (Sentence, sentence_rows), (Statement, statement_rows)):
            connection.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return {
        "top_source": sources[0]["name"],
        "typical_source": sources[99]["name"],
        "typical_surname": sources[99]["surname"],
        "typical_alias": aliases[99]["name"],
        "common_word": vocabulary[0],
        "mid_word": vocabulary[200],
        "rare_word": vocabulary[5000],
        "statements": len(statement_rows),
    }


def median_ms(call: Callable[[], Any], runs: int) -> tuple[float, int]:
    call()  # warm the page cache once; every run after it is timed
    timings, found = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        found = len(call())
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    parser.add_argument("--db", help="an empty database (path or SQLAlchemy URL, e.g. postgresql+psycopg://...) to build into")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    path: Path | str = args.db or args.keep or Path(folder.name) / "bench.db"
    started = time.perf_counter()
    info = build(path, args.statements)
    print(f"built {info['statements']:,} statements in {time.perf_counter() - started:.1f} s ({path})")
    engine = make_engine(path)
    cases: list[tuple[str, Callable[[Session], Any]]] = [
        (f"who_said({info['typical_source']!r})", lambda s: queries.who_said(s, info["typical_source"])),
        (f"who_said({info['typical_surname']!r})  surname", lambda s: queries.who_said(s, info["typical_surname"])),
        (f"who_said({info['typical_alias']!r})  alias", lambda s: queries.who_said(s, info["typical_alias"])),
        (f"who_said({info['typical_source']!r}, since, kind)", lambda s: queries.who_said(s, info["typical_source"], since="2023-01-01", kind="claim")),
        (f"who_said({info['top_source']!r})  most cited, all", lambda s: queries.who_said(s, info["top_source"])),
        (f"who_said({info['top_source']!r}, limit=50)", lambda s: queries.who_said(s, info["top_source"], limit=50)),
        (f"said_about({info['rare_word']!r})", lambda s: queries.said_about(s, info["rare_word"])),
        (f"said_about({info['mid_word']!r})", lambda s: queries.said_about(s, info["mid_word"])),
        (f"said_about({info['common_word']!r})  most common word", lambda s: queries.said_about(s, info["common_word"])),
        (f"said_about('{info['common_word']} {info['mid_word']}')", lambda s: queries.said_about(s, f"{info['common_word']} {info['mid_word']}")),
    ]
    print(f"{'query':<60} {'median ms':>10} {'rows':>7}")
    slow = 0
    with Session(engine) as session:
        for label, query in cases:
            ms, rows = median_ms(lambda query=query: query(session), args.runs)
            slow += ms >= TARGET_MS
            print(f"{label:<60} {ms:>10.1f} {rows:>7}")
    engine.dispose()
    print(f"target < {TARGET_MS:.0f} ms: {'met' if not slow else f'{slow} over'}")


if __name__ == "__main__":
    main()
