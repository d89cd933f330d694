"""Scale-out figures of issue 17, measured in one run on the same articles:

    python benchmarks/scale_out.py [--limit 84] [--repeat 2] [--model DIR] [--skip-ray] [--skip-postgres]

The first ``--limit`` politics articles of ../shared/data/bbc-news/articles.jsonl (read by path; a temporary
JSONL copy of those lines is deleted at the end) are batch-scored with the packaged model:

1. `attribution batch` into SQLite (the baseline) and `attribution batch --engine ray` into SQLite, on a local
   Ray cluster started first and given a first tiny Ray Data job (both timed apart, as a running cluster
   would not pay them: the job starts Ray Data's detached system actors, which later jobs reuse), in the
   order batch, Ray, Ray, batch (``--repeat`` times each), so that a load that rises or falls while they
   run weighs on both alike; every Ray run's rows are compared with the first batch run's;
2. `attribution batch` into a throw-away PostgreSQL server (tests/postgres.py), then every export and
   every query command compared with 1 (said-about: the same statements; the ranking is PostgreSQL's).

What is timed is printed with the figures: each run from the call to the return of ``run_batch`` or
``run_ray_batch`` (the function behind the command), after this process has imported what both need.
Printed: every run's sentences/s and the load average, the Ray/batch ratios, and whether rows and answers
are identical.
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


TIMED = """timed, for both engines alike: each run from the call to the return of run_batch / run_ray_batch (wall
  clock): opening the database and reading which articles it holds, reading the input, loading the model
  (batch: in this process, its loaded model dropped before each run; Ray: starting the scoring actor, a
  process with its imports and the model), scoring, resolving sources and storing, the fact-check match.
  Not timed, for both: importing what this process needs (SQLModel, Ray Data, the scoring code; once, before any
  run; no torch: scoring from the cached ONNX export does not import it, in this process or the actor);
  for Ray, starting the local cluster and its first Ray Data job (a running cluster has both; printed apart)."""


def _run(engine: str, source: Path, db: str, model: Path | None) -> tuple[int, float, float, float]:
    """One timed run: sentences, seconds, and the 1-minute load average before and after."""
    from attribution.batch import run_batch
    from attribution.pipeline import _cached_predictor
    from attribution.ray_batch import run_ray_batch

    before = os.getloadavg()[0]
    if engine == "batch":
        _cached_predictor.cache_clear()  # each batch run loads its model, as each Ray run starts its actor
        began = time.perf_counter()
        summary = run_batch(str(source), db=db, model_dir=model, quiet=True)
    else:
        began = time.perf_counter()
        summary = run_ray_batch(str(source), db=db, model_dir=model, quiet=True)
    return summary.sentences, time.perf_counter() - began, before, os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=84)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each engine, in the order batch, Ray, Ray, batch, ...")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--skip-ray", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()

    # What both engines' driver needs, imported before anything is timed.
    import sqlmodel  # noqa: F401

    import attribution.batch
    import attribution.pipeline
    import attribution.predictor
    import attribution.ray_batch
    import attribution.store  # noqa: F401

    work = Path(tempfile.mkdtemp(prefix="scale-out-"))
    records = [line for line in CORPUS.open(encoding="utf-8") if json.loads(line).get("category") == "politics"][: args.limit]
    source = work / "articles.jsonl"
    source.write_text("".join(records), encoding="utf-8")
    print(f"{len(records)} BBC politics articles, packaged model, {args.model or 'default'}; {os.cpu_count()} cores, shared with other jobs")
    try:
        local_db = str(work / "local.db")
        if args.skip_ray:
            sentences, seconds, before, after = _run("batch", source, local_db, args.model)
            print(f"attribution batch (SQLite):            {sentences / seconds:7.1f} sentences/s ({sentences} sentences, {seconds:.1f} s)")
        else:
            import ray
            import ray.data

            began = time.time()
            ray.init(include_dashboard=False, log_to_driver=False)
            start_up = time.time() - began
            # A running cluster has run Ray Data jobs before: Ray Data's system actors (stats, autoscaling
            # coordinator, actor locations; detached, kept for later jobs) are up.  A first tiny job starts them.
            began = time.time()
            ray.data.range(2).map_batches(_Noop, compute=ray.data.ActorPoolStrategy(size=1), num_cpus=0.5).materialize()
            first_job = time.time() - began
            print(f"local Ray cluster started in {start_up:.1f} s, its first Ray Data job took {first_job:.1f} s (neither timed below)")
            print(TIMED)
            order = [e for i in range(args.repeat) for e in (("batch", "ray") if i % 2 == 0 else ("ray", "batch"))]
            runs: dict[str, list[tuple[int, float]]] = {"batch": [], "ray": []}
            local_rows = local_sources = ""
            same_rows: list[bool] = []
            for number, engine in enumerate(order, 1):
                db = local_db if engine == "batch" and not runs["batch"] else str(work / f"run{number}.db")
                sentences, seconds, before, after = _run(engine, source, db, args.model)
                runs[engine].append((sentences, seconds))
                if db == local_db:
                    local_rows = cli("export", "-f", "jsonl", "--db", local_db)
                    local_sources = cli("sources", "--db", local_db, "-f", "json")
                name = "attribution batch" if engine == "batch" else "attribution batch --engine ray"
                print(f"  run {number}: {name + ':':32} {sentences / seconds:6.1f} sentences/s ({sentences} sentences, {seconds:.2f} s); "
                      f"load average (1 min) {before:.1f} before, {after:.1f} after")
            for number, engine in enumerate(order, 1):
                if engine == "ray":
                    db = str(work / f"run{number}.db")
                    same_rows.append(cli("export", "-f", "jsonl", "--db", db) == local_rows
                                     and cli("sources", "--db", db, "-f", "json") == local_sources)
            ray.shutdown()

            def rate(engine: str) -> float:
                return sum(n for n, _ in runs[engine]) / sum(s for _, s in runs[engine])

            pairs = ", ".join(f"{(r[0] / r[1]) / (b[0] / b[1]):.0%}" for b, r in zip(runs["batch"], runs["ray"]))
            print(f"Ray / batch: {rate('ray') / rate('batch'):.0%} over all runs ({rate('ray'):.1f} against {rate('batch'):.1f} sentences/s); "
                  f"run by run (1st Ray run against 1st batch run, ...): {pairs}")
            ray_sentences, ray_seconds = sum(n for n, _ in runs["ray"]), sum(t for _, t in runs["ray"])
            with_job = ray_sentences / (ray_seconds + first_job * len(runs["ray"])) / rate("batch")
            with_start = ray_sentences / (ray_seconds + (first_job + start_up) * len(runs["ray"])) / rate("batch")
            print(f"  with each Ray run paying the first Ray Data job: {with_job:.0%}; and the local cluster's start-up too "
                  f"(a run with no cluster running): {with_start:.0%}")
            print(f"  rows identical to attribution batch (statements, sources, aliases): {'yes, every run' if all(same_rows) else 'NO'}")

        if not args.skip_postgres:
            from tests.postgres import PostgresServer, unavailable_reason

            reason = unavailable_reason()
            if reason:
                print(f"PostgreSQL: skipped ({reason})")
                return
            server = PostgresServer().start()
            try:
                url = server.new_database()
                pg = attribution.batch.run_batch(str(source), db=url, model_dir=args.model, quiet=True)
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
