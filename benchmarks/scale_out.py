"""Scale-out figures of issue 17, measured in one run on the same articles:

    python benchmarks/scale_out.py [--limit 84] [--model DIR] [--skip-ray] [--skip-postgres]

The first ``--limit`` politics articles of ../shared/data/bbc-news/articles.jsonl (read by path; a temporary
JSONL copy of those lines is deleted at the end) are batch-scored with the packaged model:

1. `attribution batch` into SQLite (the baseline);
2. `attribution batch --engine ray` into SQLite, on a local Ray cluster started first and given a first tiny
   Ray Data job (both timed apart, as a running cluster would not pay them: the job starts Ray Data's
   detached system actors, which later jobs reuse), then compared row by row with 1;
3. `attribution batch` into a throw-away PostgreSQL server (tests/postgres.py), then every export and
   every query command compared with 1 (said-about: the same statements; the ranking is PostgreSQL's).

Printed: sentences/s of each path, the Ray/local ratio, and whether rows and answers are identical.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "data" / "bbc-news" / "articles.jsonl"
_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")


def cli(*args: object) -> str:
    from typer.testing import CliRunner

    from attribution.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exit_code != 0:
        raise SystemExit(f"scale_out: {' '.join(map(str, args))} failed: {result.output.strip()}")
    return _TIME.sub("<time>", result.stdout)


class _Noop:
    """The first Ray Data job's actor: does nothing (see main)."""

    def __call__(self, batch: dict) -> dict:
        return batch


def answers(db: str) -> tuple[dict[str, str], dict[str, list[int]]]:
    """Every export and query command's JSON answer; said-about as the set of statements found."""
    sources = json.loads(cli("sources", "--db", db, "-f", "json"))
    names = [s["name"] for s in sources[:8]]
    exact = {f"export {f}": cli("export", "-f", f, "--db", db) for f in ("jsonl", "csv", "claimreview")}
    exact["sources"] = cli("sources", "--db", db, "-f", "json")
    exact["sources --ambiguous"] = cli("sources", "--ambiguous", "--db", db, "-f", "json")
    for name in names:
        exact[f"who-said {name}"] = cli("who-said", name, "--db", db, "-f", "json")
        exact[f"timeline {name}"] = cli("timeline", name, "--db", db, "-f", "json")
    for article in ("1", "42"):
        exact[f"show {article}"] = cli("show", article, "--db", db, "-f", "json")
    found = {}
    for words in ("election", "tax cuts", "Labour party", "immigration", "Iraq war", "prime minister"):
        hits = json.loads(cli("said-about", words, "--db", db, "-f", "json", "--limit", "1000"))
        found[words] = sorted(h["statement_id"] for h in hits)
    return exact, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=84)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--skip-ray", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()

    from attribution.batch import run_batch

    work = Path(tempfile.mkdtemp(prefix="scale-out-"))
    records = [line for line in CORPUS.open(encoding="utf-8") if json.loads(line).get("category") == "politics"][: args.limit]
    source = work / "articles.jsonl"
    source.write_text("".join(records), encoding="utf-8")
    print(f"{len(records)} BBC politics articles, packaged model, {args.model or 'default'}")
    try:
        local_db = str(work / "local.db")
        local = run_batch(str(source), db=local_db, model_dir=args.model, quiet=True)
        print(f"attribution batch (SQLite):            {local.sentences / local.seconds:7.1f} sentences/s "
              f"({local.sentences} sentences, {local.seconds:.1f} s)")
        local_rows = cli("export", "-f", "jsonl", "--db", local_db)
        local_sources = cli("sources", "--db", local_db, "-f", "json")

        if not args.skip_ray:
            import ray

            from attribution.ray_batch import run_ray_batch

            began = time.time()
            ray.init(include_dashboard=False, log_to_driver=False)
            start_up = time.time() - began
            # A running cluster has run Ray Data jobs before: Ray Data's system actors (stats, autoscaling
            # coordinator, actor locations; detached, kept for later jobs) are up.  A first tiny job starts them.
            began = time.time()
            ray.data.range(2).map_batches(_Noop, compute=ray.data.ActorPoolStrategy(size=1), num_cpus=0.5).materialize()
            first_job = time.time() - began
            ray_db = str(work / "ray.db")
            scored = run_ray_batch(str(source), db=ray_db, model_dir=args.model, quiet=True)
            ray.shutdown()
            rate = scored.sentences / scored.seconds
            print(f"attribution batch --engine ray:        {rate:7.1f} sentences/s ({scored.seconds:.1f} s on a running cluster; "
                  f"starting the local cluster took {start_up:.1f} s more, and its first Ray Data job {first_job:.1f} s)")
            local_rate = local.sentences / local.seconds
            print(f"  Ray / local: {rate / local_rate:.0%}; with the first job's system actors: "
                  f"{scored.sentences / (scored.seconds + first_job) / local_rate:.0%}; and the cluster start-up too: "
                  f"{scored.sentences / (scored.seconds + first_job + start_up) / local_rate:.0%}")
            print(f"  load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other jobs share the machine)")
            same = cli("export", "-f", "jsonl", "--db", ray_db) == local_rows and cli("sources", "--db", ray_db, "-f", "json") == local_sources
            print(f"  rows identical to attribution batch (statements, sources, aliases): {'yes' if same else 'NO'}")

        if not args.skip_postgres:
            from tests.postgres import PostgresServer, unavailable_reason

            reason = unavailable_reason()
            if reason:
                print(f"PostgreSQL: skipped ({reason})")
                return
            server = PostgresServer().start()
            try:
                url = server.new_database()
                pg = run_batch(str(source), db=url, model_dir=args.model, quiet=True)
                print(f"attribution batch (PostgreSQL):        {pg.sentences / pg.seconds:7.1f} sentences/s ({pg.seconds:.1f} s)")
                lite_exact, lite_found = answers(local_db)
                pg_exact, pg_found = answers(url)
                differ = [k for k in lite_exact if lite_exact[k] != pg_exact[k]]
                print(f"  exports and query answers compared: {len(lite_exact)}; different: {differ or 'none'}")
                searched = [k for k in lite_found if lite_found[k] != pg_found[k]]
                counts = ", ".join(f"{k!r}: {len(v)}" for k, v in lite_found.items())
                print(f"  said-about, statements found ({counts}): {'the same on both' if not searched else f'DIFFERENT for {searched}'}")
            finally:
                server.stop()
    finally:
        for path in sorted(work.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        work.rmdir()


if __name__ == "__main__":
    main()
