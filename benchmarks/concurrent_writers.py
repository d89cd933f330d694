"""Several writers storing into one PostgreSQL database at once: combined insert rate vs one writer.

    python benchmarks/concurrent_writers.py [--writers 4] [--articles 400]

A throw-away server is started (tests/postgres.py: Debian's PostgreSQL, run as
``postgres``).  The articles are made up (tests/writers.py, 4 statements each); writer k stores its own
slice plus half of the others' (overlapping inputs, as several batch runs over the same archive would).
Only storing is timed: no model runs.  Printed: articles and statements stored per second, for one
writer alone and for N at once, in the same run, and a check that no row is missing or duplicated.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(url: str, writers: int, articles: int, chunk: int) -> tuple[float, float, int]:
    from sqlalchemy import func
    from sqlmodel import Session, select

    from attribution.db.engine import make_engine
    from attribution.db.models import Article, Statement
    from tests import writers as workload

    outcomes, _ = workload.run_writers(url, writers=writers, articles=articles, chunk=chunk)
    slowest = max(seconds for _, _, seconds in outcomes)
    stored = sum(a for a, _, _ in outcomes)
    statements = sum(s for _, s, _ in outcomes)
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.exec(select(func.count(Article.id))).one()
        statement_rows = session.exec(select(func.count(Statement.id))).one()
    engine.dispose()
    problems = 0 if (rows, statement_rows) == (articles, articles * workload.SENTENCES_PER_ARTICLE) == (stored, statements) else 1
    return stored / slowest, statements / slowest, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--chunk", type=int, default=8, help="articles per transaction")
    args = parser.parse_args()

    from tests.postgres import PostgresServer, unavailable_reason

    reason = unavailable_reason()
    if reason:
        sys.exit(f"concurrent_writers: {reason}")
    server = PostgresServer().start()
    try:
        single = measure(server.new_database(), 1, args.articles, args.chunk)
        many = measure(server.new_database(), args.writers, args.articles, args.chunk)
    finally:
        server.stop()
    print(f"articles: {args.articles} (4 statements each), {args.chunk} per transaction, made-up text, storing only")
    print(f"1 writer:  {single[0]:8.1f} articles/s  {single[1]:8.1f} statements/s")
    print(f"{args.writers} writers: {many[0]:8.1f} articles/s  {many[1]:8.1f} statements/s combined "
          f"(x{many[1] / single[1]:.2f} of one writer; overlapping inputs, duplicates skipped)")
    print(f"missing or duplicated rows: {'none' if not (single[2] or many[2]) else 'FOUND'}")


if __name__ == "__main__":
    main()
