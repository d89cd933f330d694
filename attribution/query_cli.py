"""Query commands of the CLI: who-said, said-about, timeline, show, repeats, similar, export, browse.

``register(app)`` adds them to a Typer app.  Commands only parse arguments, call the library and
render; user errors are raised as ``AttributionError`` for the CLI edge to report.
"""

from __future__ import annotations

import asyncio
import csv
import json
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional, Sequence

import typer
import yaml
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlmodel import Session

from attribution import export as export_module
from attribution import queries, similarity
from attribution.db.engine import database_url, make_engine
from attribution.errors import AttributionError

METADATA_PATH = Path(__file__).with_name("metadata.yaml")
METADATA_DATABASE = "attribution"  # the key under ``databases`` in metadata.yaml


class DatabaseNotFoundError(AttributionError):
    """The database file does not exist (nothing has been scored into it)."""


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class KindChoice(str, Enum):
    claim = "claim"
    quote = "quote"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    claimreview = "claimreview"


DbOption = Annotated[
    Optional[str],
    typer.Option("--db", help="Database path or SQLAlchemy URL [default: $ATTRIBUTION_DB or ./attribution.db]"),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format")]
ThresholdOption = Annotated[
    float,
    typer.Option("--threshold", min=0.0, max=1.0, help="Cosine similarity at or above which two claims match"),
]

# (row key, column title) shown by the table format; the machine formats carry every field.
STATEMENT_COLUMNS = [
    ("published", "Date"),
    ("source", "Source"),
    ("kind", "Kind"),
    ("cue", "Cue"),
    ("content", "Statement"),
    ("title", "Article"),
]
SEARCH_COLUMNS = [("snippet", "Match"), ("source", "Source"), ("kind", "Kind"), ("published", "Date"), ("title", "Article")]
SOURCE_COLUMNS = [
    ("name", "Source"),
    ("type", "Type"),
    ("claims", "Claims"),
    ("quotes", "Quotes"),
    ("first_seen", "First seen"),
    ("last_seen", "Last seen"),
    ("aliases", "Aliases"),
]
SIMILAR_COLUMNS = [("similarity", "Cosine"), ("content", "Statement"), ("source", "Source"), ("published", "Date"), ("title", "Article")]
SENTENCE_COLUMNS = [("index", "#"), ("label", "Label"), ("confidence", "Conf."), ("sources", "Sources"), ("text", "Sentence")]

SHORT_KEYS = {"published", "kind", "cue", "confidence", "index", "label", "similarity", "claims", "quotes", "type", "first_seen", "last_seen", "articles"}
LONG_KEYS = {"content", "snippet", "text", "sentence"}


@contextmanager
def open_session(db: str | None) -> Iterator[Session]:
    """A session on an existing database; a missing SQLite file is an error, not a new empty database."""
    url = database_url(db)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if str(path) != ":memory:" and not path.exists():
            raise DatabaseNotFoundError(f"database {path} does not exist; score articles into it first or pass --db")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _flat(value: Any) -> Any:
    """A CSV cell: lists joined, nested records as JSON."""
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return "; ".join(str(v) for v in value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def render(rows: Sequence[dict[str, Any]], fmt: OutputFormat | str, columns: Sequence[tuple[str, str]], title: str | None = None) -> None:
    """Write rows to stdout: a rich table, or only the data as JSON, JSON lines or CSV."""
    fmt = OutputFormat(fmt)
    out = sys.stdout
    if fmt is OutputFormat.json:
        out.write(json.dumps(list(rows), ensure_ascii=False, indent=2) + "\n")
    elif fmt is OutputFormat.jsonl:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt is OutputFormat.csv:
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows({k: _flat(v) for k, v in row.items()} for row in rows)
    else:
        table = Table(title=title, expand=True)
        for key, heading in columns:
            if key in SHORT_KEYS:
                table.add_column(heading, no_wrap=True)
            else:  # what was said gets most of the width
                table.add_column(heading, overflow="fold", ratio=3 if key in LONG_KEYS else 1)
        for row in rows:
            # Text, not markup: statements contain brackets (and the search highlights are brackets).
            table.add_row(*(Text(_cell(row.get(key))) for key, _ in columns))
        Console(file=out).print(table)


def render_sources(rows: Sequence[queries.SourceSummary], fmt: OutputFormat | str) -> None:
    """Render ``queries.list_sources`` results (for the ``sources`` command)."""
    render([r.as_dict() for r in rows], fmt, SOURCE_COLUMNS, title="Sources")


def _nothing(message: str, fmt: OutputFormat) -> None:
    typer.echo(message, err=True)
    if fmt is OutputFormat.json:
        sys.stdout.write("[]\n")


def render_article(view: queries.ArticleView, fmt: OutputFormat) -> None:
    """An article: header and sentence table, or the whole record (json), or one record per sentence."""
    by_sentence: dict[int, list[dict[str, Any]]] = {}
    for statement in view.statements:
        by_sentence.setdefault(statement.sentence_index, []).append(statement.as_dict())
    sentence_rows = [
        {
            "article_id": view.id,
            **s.as_dict(),
            "sources": [st["source"] or st["mention"] or "?" for st in by_sentence.get(s.index, [])],
            "statements": by_sentence.get(s.index, []),
        }
        for s in view.sentences
    ]
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(view.as_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is not OutputFormat.table:
        render(sentence_rows, fmt, SENTENCE_COLUMNS)
        return
    console = Console(file=sys.stdout)
    console.print(Text(view.title or view.document, style="bold"))
    details = [
        ("Article", str(view.id)),
        ("Published", view.published),
        ("Publisher", view.publisher),
        ("Author", view.author),
        ("URL", view.url),
        ("Document", view.document),
        ("Hash", view.content_hash[:12]),
        ("Model", view.model_version),
    ]
    for label, value in details:
        if value:
            console.print(f"{label}: {value}", highlight=False, markup=False)
    render(sentence_rows, fmt, SENTENCE_COLUMNS)


def metadata_for(db_path: str | Path) -> dict[str, Any]:
    """metadata.yaml with its database entry named after the served file, as Datasette names databases."""
    metadata = yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8"))
    databases = metadata.get("databases", {})
    if METADATA_DATABASE in databases:
        databases[Path(db_path).stem] = databases.pop(METADATA_DATABASE)
    return metadata


def datasette_app(db_path: str | Path) -> Any:
    """A Datasette instance over the database, with the project's metadata."""
    try:
        from datasette.app import Datasette
    except ImportError as exc:
        raise AttributionError("Datasette is not installed; run pip install -e '.[browse]'") from exc
    return Datasette([str(db_path)], metadata=metadata_for(db_path))


def _sqlite_path(db: str | None) -> Path:
    url = database_url(db)
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        raise AttributionError(f"browse serves a SQLite file; {url} is not one")
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        raise DatabaseNotFoundError(f"database {path} does not exist; score articles into it first or pass --db")
    return path


def register(app: typer.Typer) -> None:
    """Add the query commands to ``app``."""

    @app.command("who-said")
    def who_said_command(
        name: Annotated[str, typer.Argument(help="Source name, alias or surname")],
        since: Annotated[Optional[str], typer.Option(help="Only articles published on or after this date (YYYY-MM-DD)")] = None,
        until: Annotated[Optional[str], typer.Option(help="Only articles published on or before this date (YYYY-MM-DD)")] = None,
        kind: Annotated[Optional[KindChoice], typer.Option(help="Only claims or only quotes")] = None,
        limit: Annotated[Optional[int], typer.Option(min=1, help="At most this many statements, newest first")] = 200,
        db: DbOption = None,
        fmt: FormatOption = OutputFormat.table,
    ) -> None:
        """What a source said, newest first."""
        with open_session(db) as session:
            rows = queries.who_said(session, name, since=since, until=until, kind=kind.value if kind else None, limit=limit)
        if not rows:
            _nothing(f"no statements found for {name}", fmt)
            return
        render([r.as_dict() for r in rows], fmt, STATEMENT_COLUMNS, title=f"Statements by {name}")

    @app.command("said-about")
    def said_about_command(
        text: Annotated[str, typer.Argument(help="Words to search for in what was said")],
        limit: Annotated[int, typer.Option(min=1, help="At most this many statements")] = 20,
        db: DbOption = None,
        fmt: FormatOption = OutputFormat.table,
    ) -> None:
        """Statements whose content matches the words, best match first."""
        with open_session(db) as session:
            hits = queries.said_about(session, text, limit=limit)
        if not hits:
            _nothing(f"no statements match {text}", fmt)
            return
        render([h.as_dict() for h in hits], fmt, SEARCH_COLUMNS, title=f"Said about {text}")

    @app.command("timeline")
    def timeline_command(
        name: Annotated[str, typer.Argument(help="Source name, alias or surname")],
        db: DbOption = None,
        fmt: FormatOption = OutputFormat.table,
    ) -> None:
        """A source's statements from the earliest to the latest."""
        with open_session(db) as session:
            rows = queries.timeline(session, name)
        if not rows:
            _nothing(f"no statements found for {name}", fmt)
            return
        render([r.as_dict() for r in rows], fmt, STATEMENT_COLUMNS, title=f"Timeline of {name}")

    @app.command("show")
    def show_command(
        article: Annotated[str, typer.Argument(help="Article id, content-hash prefix, or part of its path or title")],
        db: DbOption = None,
        fmt: FormatOption = OutputFormat.table,
    ) -> None:
        """An article's sentences with their labels, and who said what in them."""
        with open_session(db) as session:
            view = queries.show_article(session, article)
        render_article(view, fmt)

    @app.command("repeats")
    def repeats_command(
        min_articles: Annotated[int, typer.Option("--min-articles", min=2, help="Only claims found in at least this many articles")] = 2,
        threshold: ThresholdOption = similarity.DEFAULT_THRESHOLD,
        kind: Annotated[Optional[KindChoice], typer.Option(help="Only claims or only quotes")] = None,
        db: DbOption = None,
        fmt: FormatOption = OutputFormat.table,
    ) -> None:
        """Claims repeated across articles, with where each first appeared."""
        with open_session(db) as session:
            groups = similarity.repeats(
                session, similarity.get_embedder(), threshold=threshold, min_articles=min_articles, kind=kind.value if kind else None
            )
        if not groups:
            _nothing(f"no claim appears in {min_articles} or more articles at threshold {threshold}", fmt)
            return
        if fmt is OutputFormat.table:
            rows = [
                {
                    "articles": g.articles,
                    "content": g.content,
                    "first": f"{g.first.published or '?'} {g.first.title or ''}".strip(),
                    "sources": g.sources,
                }
                for g in groups
            ]
            render(rows, fmt, [("articles", "Articles"), ("content", "Claim"), ("first", "First appeared"), ("sources", "Sources")], title="Repeated claims")
        else:
            render([g.as_dict() for g in groups], fmt, [])

    @app.command("similar")
    def similar_command(
        text: Annotated[str, typer.Argument(help="A claim to look for")],
        threshold: ThresholdOption = similarity.DEFAULT_THRESHOLD,
        limit: Annotated[int, typer.Option(min=1, help="At most this many statements")] = 10,
        db: DbOption = None,
        fmt: FormatOption = OutputFormat.table,
    ) -> None:
        """Stored statements that say nearly the same as TEXT."""
        with open_session(db) as session:
            matches = similarity.similar(session, similarity.get_embedder(), text, threshold=threshold, limit=limit)
        if not matches:
            _nothing(f"no statement is similar to {text} at threshold {threshold}", fmt)
            return
        render([m.as_dict() for m in matches], fmt, SIMILAR_COLUMNS, title="Similar statements")

    @app.command("export")
    def export_command(
        fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="jsonl, csv, or claimreview (schema.org Claim JSON-LD)")] = ExportFormat.jsonl,
        source: Annotated[Optional[str], typer.Option(help="Only this source (name, alias or surname)")] = None,
        article: Annotated[Optional[str], typer.Option(help="Only this article (id, hash prefix, path or title)")] = None,
        output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of stdout")] = None,
        db: DbOption = None,
    ) -> None:
        """Export statements for other tools."""
        with open_session(db) as session:
            rows = export_module.export_rows(session, source=source, article=article)
        if output is None:
            export_module.write_export(rows, fmt.value, sys.stdout)
            return
        try:
            with output.open("w", encoding="utf-8", newline="") as handle:
                export_module.write_export(rows, fmt.value, handle)
        except OSError as exc:
            raise AttributionError(f"cannot write {output}: {exc.strerror or exc}") from exc
        typer.echo(f"wrote {len(rows)} statements to {output}", err=True)

    @app.command("browse")
    def browse_command(
        port: Annotated[int, typer.Option(min=1, max=65535, help="Port on 127.0.0.1")] = 8001,
        db: DbOption = None,
    ) -> None:
        """Browse the database in a web browser with Datasette (optional extra)."""
        path = _sqlite_path(db)
        make_engine(path).dispose()  # an older file gets the views and search table Datasette shows
        ds = datasette_app(path)
        import uvicorn

        asyncio.run(ds.invoke_startup())
        typer.echo(f"serving {path} on http://127.0.0.1:{port}/ (Ctrl-C stops)", err=True)
        uvicorn.run(ds.app(), host="127.0.0.1", port=port, log_level="warning")
