"""`attribution score`: analyse the given files, print them, store each article in its own transaction."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import Engine

from attribution.errors import AttributionError, DatabaseError
from attribution.ingest import ReadFailure, read_inputs
from attribution.results import ArticleResult


def render_table(result: ArticleResult, out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{result.article.document}: {result.article.title or ''}", show_lines=False, expand=True)
    table.add_column("#", justify="right", width=3)
    table.add_column("label", width=7)
    table.add_column("conf", width=4)
    table.add_column("source", ratio=1)
    table.add_column("sentence", ratio=3)
    for sentence in result.sentences:
        sources = "; ".join(
            (a.entity or (a.source.text if a.source else "?")) + (f" (via {a.via})" if a.via else "")
            for a in sentence.attributions
        )
        style = {"claim": "yellow", "quote": "cyan"}.get(sentence.label, "dim")
        table.add_row(str(sentence.index), f"[{style}]{sentence.label}[/]", f"{sentence.confidence:.2f}", sources, sentence.text)
    Console(file=out, width=160).print(table)


def score_paths(
    paths: list[str],
    db: str | None = None,
    store: bool = True,
    model_dir: Path | None = None,
    output_format: str = "table",
    out: TextIO | None = None,
    backend: str | None = None,
) -> list[ReadFailure]:
    """Score every readable input; return the ones that failed (the others are still scored and stored)."""
    from attribution.calibration import threshold
    from attribution.pipeline import Tracker
    from attribution.store import save_result

    out = out or sys.stdout
    session = None
    if store:  # open the database first: a bad --db fails before the model loads
        from sqlmodel import Session

        from attribution.db.engine import make_engine

        session = Session(make_engine(db))
    failures: list[ReadFailure] = []
    try:
        tracker = Tracker(model_dir, backend=backend)
        for item in read_inputs(paths):
            if isinstance(item, ReadFailure):
                failures.append(item)
                continue
            try:
                result = tracker.analyze(item)
                if session is not None:
                    save_result(session, result, min_probability=threshold())
            except DatabaseError:
                raise  # the database, not this article: stop at the first (the transaction is rolled back)
            except AttributionError as exc:
                failures.append(ReadFailure(item.document, str(exc)))
                continue
            if output_format == "jsonl":
                for record in result.records():
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                render_table(result, out)
            out.flush()
        if session is not None:  # issue 18: match the new statements against imported fact-checks
            from attribution.factchecks.checked import match_after_scoring

            match_after_scoring(session)
    finally:
        if session is not None:
            session.close()
            bind = session.get_bind()
            if isinstance(bind, Engine):
                bind.dispose()  # close the file now, not when collected
    return failures
