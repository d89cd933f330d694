"""`attribution fact-checks import|match` and `attribution checked`: argument parsing only."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from attribution.cli_options import DbOption, FormatOption, OutputFormat, short_text
from attribution.errors import InputError
from attribution.factchecks.formats import FactCheckFormat

fact_checks_app = typer.Typer(no_args_is_help=True, help="Published fact-checks: import them, match claims against them.")



class MatchFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


def _session(db: str | None) -> Any:
    from sqlmodel import Session

    from attribution.db.engine import make_engine

    return Session(make_engine(db))


@fact_checks_app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="ClaimReview JSON-LD, Fact Check Tools API JSON, JSONL or TSV")],
    input_format: Annotated[FactCheckFormat, typer.Option("--format", "-f", help="auto (from the name and content), claimreview, google, jsonl or tsv")] = FactCheckFormat.auto,
    db: DbOption = None,
    no_match: Annotated[bool, typer.Option("--no-match", help="Only store them: no embeddings, index or statement matching now")] = False,
) -> None:
    """Import published fact-checks; the same review twice changes nothing; a bad record is reported, the rest load."""
    from attribution.errors import AttributionError
    from attribution.factchecks.checked import update_matches
    from attribution.factchecks.retriever import Retriever
    from attribution.factchecks.store import import_file

    failed = False
    with _session(db) as session:
        for path in files:
            try:
                report = import_file(session, path, input_format)
            except AttributionError as exc:
                typer.echo(f"Error: {exc}", err=True)
                failed = True
                continue
            for failure in report.failures:
                typer.echo(f"Error: {failure.line()}", err=True)
            failed |= bool(report.failures)
            typer.echo(f"{path}: {report.line()}", err=True)
        if not no_match:
            retriever = Retriever(session)
            stored = update_matches(session, retriever.encoder)
            typer.echo(f"index: {retriever.index.size} fact-checks; {stored} new statement matches", err=True)
    if failed:
        raise typer.Exit(1)


def read_queries(path: Path) -> Iterator[tuple[str, str] | str]:
    """(id, text) per query from JSONL {"id","text"} or a TSV with a header; a bad line yields its error."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json") or content.lstrip().startswith("{"):
        for number, line in enumerate(content.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield f"{path}:{number}: not valid JSON ({exc.msg})"
                continue
            if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip() or record.get("id") is None:
                yield f"{path}:{number}: needs an \"id\" and a non-empty \"text\""
                continue
            yield str(record["id"]), record["text"]
        return
    rows = list(csv.reader(content.splitlines(), delimiter="\t"))
    for number, row in enumerate(rows[1:], start=2):
        if len(row) < 2 or not row[1].strip():
            yield f"{path}:{number}: needs an id and a text, tab-separated"
            continue
        yield row[0], row[1]


@fact_checks_app.command("match")
def match_command(
    text: Annotated[str | None, typer.Argument(help="A claim to look up")] = None,
    queries: Annotated[Path | None, typer.Option("--queries", help="Many claims: JSONL {\"id\", \"text\"} or a TSV of id and text with a header")] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=1000, help="Matches per claim")] = 5,
    output_format: Annotated[MatchFormat, typer.Option("--format", "-f", help="A table for people, or only data (json, jsonl)")] = MatchFormat.table,
    rerank: Annotated[bool, typer.Option("--rerank/--no-rerank", help="Re-read the best candidates with the cross-encoder (more accurate, slower)")] = True,
    db: DbOption = None,
) -> None:
    """Which imported fact-checks check this claim?  Best first; `checked` marks a match at the measured threshold."""
    from attribution.factchecks.retriever import Retriever

    if (text is None) == (queries is None):
        typer.echo("Error: give a claim TEXT or --queries FILE (one of them)", err=True)
        raise typer.Exit(2)
    items: list[tuple[str | None, str]] = []
    errors: list[str] = []
    if queries is not None:
        for item in read_queries(queries):
            (errors.append(item) if isinstance(item, str) else items.append(item))
    else:
        items = [(None, text or "")]
    from attribution.query_cli import open_session

    # An existing database only (a mistyped --db is an error, not a new empty one); not read-only, since
    # the retriever embeds fact-checks imported with --no-match and keeps the vector index up to date.
    with open_session(db) as session:
        retriever = Retriever(session, rerank=rerank)
        results = retriever.match([t for _, t in items], top=top)
        names = retriever.published_ids([m.fact_check_id for ms in results for m in ms])
        details = _details(session, list(names)) if output_format == MatchFormat.table else {}
    threshold = retriever.checked_threshold  # measured on the list as shown: re-ranked or not
    for error in errors:
        typer.echo(f"Error: {error}", err=True)
    records = [
        {
            "id": qid,
            "matches": [
                {"fact_check": names[m.fact_check_id], "score": round(m.score, 4), "similarity": round(m.similarity, 4), "checked": m.similarity >= threshold}
                for m in matches
            ],
        }
        for (qid, _), matches in zip(items, results)
    ]
    if output_format == MatchFormat.jsonl:
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif output_format == MatchFormat.json:
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    else:
        _match_table(items, records, details, names)
    if errors:
        raise typer.Exit(1)


def _details(session: Any, ids: list[int]) -> dict[str, tuple[str, str | None]]:
    from sqlmodel import col, select

    from attribution.db.models import FactCheck

    rows = session.exec(select(FactCheck.published_id, FactCheck.claim, FactCheck.rating).where(col(FactCheck.id).in_(ids))).all() if ids else []
    return {pid: (claim, rating) for pid, claim, rating in rows}


def _match_table(items: list[tuple[str | None, str]], records: list[dict], details: dict[str, tuple[str, str | None]], names: dict[int, str]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for (qid, query), record in zip(items, records):
        table = Table(title=f"{qid + ': ' if qid else ''}{query[:100]}", expand=True)
        for name, options in (("#", {"justify": "right", "width": 3}), ("fact-check", {"ratio": 1}), ("score", {"width": 6}), ("cos", {"width": 5}),
                              ("checked", {"width": 7}), ("rating", {"ratio": 1}), ("claim reviewed", {"ratio": 4})):
            table.add_column(name, **options)  # type: ignore[arg-type]
        for rank, match in enumerate(record["matches"], start=1):
            claim, rating = details.get(match["fact_check"], ("", None))
            table.add_row(str(rank), match["fact_check"], f"{match['score']:.2f}", f"{match['similarity']:.2f}", "yes" if match["checked"] else "",
                          rating or "", claim)
        console.print(table)


def checked_command(
    source: Annotated[str | None, typer.Option("--source", help="Only this source (name, alias or surname)", callback=short_text)] = None,
    output_format: FormatOption = OutputFormat.table,
    db: DbOption = None,
) -> None:
    """Statements that published fact-checks already check, with each review's rating and address.

    Read-only: statements are matched when they are scored and when fact-checks are imported.
    """
    from attribution.factchecks.checked import checked_rows
    from attribution.query_cli import open_session
    from attribution.render import Column, render

    with open_session(db, read_only=True) as session:
        rows = [r.as_dict() for r in checked_rows(session, source=source)]
    columns = [
        Column("statement_id", "ID", right=True, shrink=False), Column("source", "Source", 22),
        Column("rating", "Rating", 14), Column("fact_checker", "Checked by", 16), Column("similarity", "Cos", right=True, shrink=False),
        Column("review_url", "Review", 30),
    ]
    render(rows, output_format, columns, text_key="content", title=f"{len(rows)} statement/fact-check matches")


def register(app: typer.Typer) -> None:
    """Add ``fact-checks`` and ``checked`` to the main CLI."""
    app.add_typer(fact_checks_app, name="fact-checks")
    app.command("checked")(checked_command)
