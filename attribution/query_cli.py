"""Query commands of the CLI: who-said, said-about, timeline, show, repeats, similar, export, embed, browse.

Each command is a plain function of the ``query_app`` Typer app, which ``attribution.cli`` mounts on
the main app.  Commands only parse arguments, call the library and render; user errors are raised
as ``AttributionError`` for the CLI edge to report.  Every query opens the database read-only.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml  # type: ignore[import-untyped]
from sqlmodel import Session

from attribution import export as export_module
from attribution import queries, similarity
from attribution.cli_options import (
    MAX_LIMIT,
    ArticleArgument,
    DbOption,
    ExportFormat,
    FormatOption,
    Kind,
    KindOption,
    LimitOption,
    MinConfidenceOption,
    NameArgument,
    OutputFormat,
    SinceOption,
    UntilOption,
    short_text,
)
from attribution.db.engine import database_url, make_engine, make_read_only_engine
from attribution.editorial import AmbiguousSource
from attribution.errors import AttributionError, DatabaseNotFoundError
from attribution.outputs import output_file
from attribution.render import Column, render, write_data, write_paragraph

METADATA_PATH = Path(__file__).with_name("metadata.yaml")
STATIC_PATH = Path(__file__).with_name("static")
METADATA_DATABASE = "attribution"  # the key under ``databases`` in metadata.yaml

query_app = typer.Typer()

ThresholdOption = Annotated[
    float,
    typer.Option("--threshold", min=0.0, max=1.0, help="Cosine similarity at or above which two claims match"),
]
TextArgument = Annotated[str, typer.Argument(help="Words to search for in what was said", callback=short_text)]

# The short fields of each table (the statement or sentence text goes below them, with the whole width).
STATEMENT_COLUMNS = [
    Column("statement_id", "ID", right=True, shrink=False),
    Column("published", "Date", 10, shrink=False),
    Column("source", "Source", 22),
    Column("kind", "Kind", shrink=False),
    Column("cue", "Cue", 12),
    Column("confidence", "Conf.", shrink=False),
    Column("article_id", "Art.", right=True, shrink=False),
    Column("title", "Headline"),
]
SEARCH_COLUMNS = [c for c in STATEMENT_COLUMNS if c.key != "cue"]
SIMILAR_COLUMNS = [Column("statement_id", "ID", right=True, shrink=False), Column("similarity", "Cosine", shrink=False)] + SEARCH_COLUMNS[1:]
REPEAT_COLUMNS = [
    Column("statement_id", "ID", right=True, shrink=False),
    Column("articles", "Articles", right=True),
    Column("published", "First seen", 10),
    Column("article_id", "Art.", right=True, shrink=False),
    Column("title", "Headline", 30),
    Column("sources", "Sources"),
]
SOURCE_COLUMNS = [
    Column("name", "Source", 34, whole_below=True),
    Column("type", "Type", 12),
    Column("claims", "Claims", right=True),
    Column("quotes", "Quotes", right=True),
    Column("first_seen", "First seen", 10),
    Column("last_seen", "Last seen", 10),
]
AMBIGUOUS_COLUMNS = [
    Column("name", "Source", 24, whole_below=True),
    Column("statements", "Statements", right=True, shrink=False),
    Column("reason", "Why apart", 20),
]
SENTENCE_COLUMNS = [
    Column("index", "#", right=True, shrink=False),
    Column("label", "Label"),
    Column("confidence", "Conf.", shrink=False),
    Column("statements_shown", "Statements (ID source)"),
]


@contextmanager
def open_session(db: str | None, read_only: bool = False) -> Iterator[Session]:
    """A session on an existing database; a missing SQLite file is an error, not a new empty database.

    ``read_only`` opens it so that nothing can be written (queries), and creates no schema.
    """
    url = database_url(db)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if str(path) != ":memory:" and not path.exists():
            raise DatabaseNotFoundError(f"database {path} does not exist; score articles into it first or pass --db")
    engine = make_read_only_engine(url) if read_only else make_engine(url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _say_in_process(session: Session) -> None:
    """On PostgreSQL, say that vectors are compared here, in process (through pgvector when it is installed is not built yet)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    from attribution.db import postgres

    installed = postgres.has_pgvector(session.connection())
    why = "pgvector is installed but not used yet" if installed else "the pgvector extension is not installed in this database"
    typer.echo(f"note: comparing embeddings in this process ({why})", err=True)


def _nothing(message: str, fmt: OutputFormat) -> None:
    typer.echo(message, err=True)
    if fmt is OutputFormat.json:
        sys.stdout.write("[]\n")


def render_statements(rows: Sequence[queries.StatementRow], fmt: OutputFormat, title: str) -> None:
    render([r.as_dict() for r in rows], fmt, STATEMENT_COLUMNS, "content", title)


def render_sources(rows: Sequence[queries.SourceSummary], fmt: OutputFormat | str) -> None:
    """Render ``queries.list_sources`` results (for the ``sources`` command); aliases go below each name."""
    table_rows = [{**r.as_dict(), "aliases_shown": f"aliases: {', '.join(r.aliases)}" if r.aliases else ""} for r in rows]
    if OutputFormat(fmt) is OutputFormat.table:
        render(table_rows, fmt, SOURCE_COLUMNS, "aliases_shown", "Sources")
    else:
        render([r.as_dict() for r in rows], fmt, SOURCE_COLUMNS)


def render_ambiguous(rows: Sequence[AmbiguousSource], fmt: OutputFormat | str) -> None:
    """Render ``editorial.ambiguous_sources`` (for ``sources --ambiguous``); the candidates go below each name."""
    render([r.as_dict() for r in rows], fmt, AMBIGUOUS_COLUMNS, text_key="candidates", title="Ambiguous sources")


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
        sys.stdout.write(json.dumps(view.as_dict(), ensure_ascii=False, indent=2) + "\n")  # one document
        return
    if fmt is not OutputFormat.table:
        write_data(sentence_rows, fmt)
        return
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
    write_paragraph(view.title or view.document)
    for label, value in details:
        if value:
            write_paragraph(f"{label}: {value}")
    for row in sentence_rows:
        row["statements_shown"] = [f"{st['statement_id']} {st['source'] or st['mention'] or '?'}" for st in row["statements"]]
    render(sentence_rows, fmt, SENTENCE_COLUMNS, "text")


def _source_statements(
    query: Callable[..., list[queries.StatementRow]],
    title: str,
    name: str,
    since: str | None,
    until: str | None,
    kind: Kind | None,
    limit: int,
    min_confidence: float,
    db: str | None,
    fmt: OutputFormat,
) -> None:
    """who-said and timeline: the same filters, two orders."""
    with open_session(db, read_only=True) as session:
        rows = query(session, name, since=since, until=until, kind=kind.value if kind else None, limit=limit, min_confidence=min_confidence)
    if not rows:
        _nothing(f"no statements found for {name}", fmt)
        return
    render_statements(rows, fmt, title)


@query_app.command("who-said")
def who_said(
    name: NameArgument,
    since: SinceOption = None,
    until: UntilOption = None,
    kind: KindOption = None,
    limit: LimitOption = 200,
    min_confidence: MinConfidenceOption = 0.0,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """What a source said, newest first."""
    _source_statements(queries.who_said, f"Statements by {name}", name, since, until, kind, limit, min_confidence, db, fmt)


@query_app.command("timeline")
def timeline(
    name: NameArgument,
    since: SinceOption = None,
    until: UntilOption = None,
    kind: KindOption = None,
    limit: LimitOption = 200,
    min_confidence: MinConfidenceOption = 0.0,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """A source's statements from the earliest to the latest."""
    _source_statements(queries.timeline, f"Timeline of {name}", name, since, until, kind, limit, min_confidence, db, fmt)


@query_app.command("said-about")
def said_about(
    text: TextArgument,
    limit: LimitOption = 20,
    min_confidence: MinConfidenceOption = 0.0,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Statements whose content matches the words, best match first."""
    with open_session(db, read_only=True) as session:
        hits = queries.said_about(session, text, limit=limit, min_confidence=min_confidence)
    if not hits:
        _nothing(f"no statements match {text}", fmt)
        return
    render([h.as_dict() for h in hits], fmt, SEARCH_COLUMNS, "snippet", f"Said about {text}")


@query_app.command("show")
def show(
    article: ArticleArgument,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """An article's sentences with their labels, and who said what in them."""
    with open_session(db, read_only=True) as session:
        view = queries.show_article(session, article)
    render_article(view, fmt)


def _warn_missing_embeddings(session: Session) -> None:
    missing = similarity.missing_embeddings(session)
    if missing:
        typer.echo(f"note: {missing:,} statements have no embedding yet and are left out; run `attribution embed`", err=True)


@query_app.command("repeats")
def repeats(
    min_articles: Annotated[int, typer.Option("--min-articles", min=2, max=MAX_LIMIT, help="Only claims found in at least this many articles")] = 2,
    threshold: ThresholdOption = similarity.DEFAULT_THRESHOLD,
    kind: KindOption = None,
    min_confidence: MinConfidenceOption = 0.0,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Claims repeated across articles, with where each first appeared (needs `attribution embed`)."""
    with open_session(db, read_only=True) as session:
        _say_in_process(session)
        groups = similarity.repeats(
            session, threshold=threshold, min_articles=min_articles, kind=kind.value if kind else None, min_confidence=min_confidence
        )
        _warn_missing_embeddings(session)
    if not groups:
        _nothing(f"no claim appears in {min_articles} or more articles at threshold {threshold}", fmt)
        return
    if fmt is OutputFormat.table:
        rows = [{**g.first.as_dict(), "articles": g.articles, "sources": g.sources} for g in groups]
        render(rows, fmt, REPEAT_COLUMNS, "content", "Repeated claims (first appearance)")
    else:
        render([g.as_dict() for g in groups], fmt, [])


@query_app.command("similar")
def similar(
    text: Annotated[str, typer.Argument(help="A claim to look for", callback=short_text)],
    threshold: ThresholdOption = similarity.DEFAULT_THRESHOLD,
    limit: LimitOption = 10,
    min_confidence: MinConfidenceOption = 0.0,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Stored statements that say nearly the same as TEXT (needs `attribution embed`)."""
    with open_session(db, read_only=True) as session:
        _say_in_process(session)
        matches = similarity.similar(
            session, similarity.get_embedder(), text, threshold=threshold, limit=limit, min_confidence=min_confidence
        )
        _warn_missing_embeddings(session)
    if not matches:
        _nothing(f"no statement is similar to {text} at threshold {threshold}", fmt)
        return
    render([m.as_dict() for m in matches], fmt, SIMILAR_COLUMNS, "content", "Similar statements")


@query_app.command("export")
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="jsonl, csv, or claimreview (schema.org Claim JSON-LD)")] = ExportFormat.jsonl,
    source: Annotated[str | None, typer.Option("--source", help="Only this source (name, alias or surname)", callback=short_text)] = None,
    article: Annotated[str | None, typer.Option("--article", help="Only this article (id, hash prefix, path or title)", callback=short_text)] = None,
    min_confidence: MinConfidenceOption = 0.0,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout")] = None,
    db: DbOption = None,
) -> None:
    """Export statements for other tools."""
    with open_session(db, read_only=True) as session:
        rows = export_module.export_rows(session, source=source, article=article, min_confidence=min_confidence)
    if output is None:
        export_module.write_export(rows, fmt.value, sys.stdout)
        return
    with output_file(output, newline="") as handle:
        export_module.write_export(rows, fmt.value, handle)
    typer.echo(f"wrote {len(rows)} statements to {output}", err=True)


@query_app.command("embed")
def embed(
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar")] = False,
) -> None:
    """Compute the sentence embeddings that `repeats` and `similar` read (only for statements without one)."""
    from rich.progress import Progress

    from attribution.batch import progress_bar

    with open_session(db) as session:
        embedder = similarity.get_embedder()
        bar: Progress = progress_bar(quiet, "embedding")
        task = bar.add_task("embedding", total=None, rates="")
        with bar:
            count = similarity.ensure_embeddings(session, embedder, progress=lambda done, total: bar.update(task, completed=done, total=total))
    typer.echo(f"embedded {count:,} statements", err=True)


def metadata_for(db_path: str | Path) -> dict[str, Any]:
    """metadata.yaml with its database entry named after the served file, as Datasette names databases."""
    metadata = yaml.safe_load(METADATA_PATH.read_text(encoding="utf-8"))
    databases = metadata.get("databases", {})
    if METADATA_DATABASE in databases:
        databases[Path(db_path).stem] = databases.pop(METADATA_DATABASE)
    name = Path(db_path).stem
    if "description_html" in metadata:  # the index page's links to the main tables and views
        metadata["description_html"] = metadata["description_html"].replace("/attribution/", f"/{name}/")
    return metadata


def datasette_app(db_path: str | Path) -> Any:
    """A Datasette instance over the database, read-only, with the project's metadata and stylesheet."""
    try:
        from datasette.app import Datasette  # type: ignore[import-untyped]
        from datasette.plugins import pm  # type: ignore[import-untyped]
    except ImportError as exc:
        raise AttributionError("Datasette is not installed; run pip install -e '.[browse]'") from exc
    from attribution import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="attribution")
    return Datasette(
        files=[str(db_path)],
        metadata=metadata_for(db_path),
        static_mounts=[("attribution-static", str(STATIC_PATH))],
        settings={"default_page_size": 50, "suggest_facets": False},
    )


def _sqlite_path(db: str | None) -> Path:
    url = database_url(db)
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        raise AttributionError(f"browse serves a SQLite file; {url} is not one")
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        raise DatabaseNotFoundError(f"database {path} does not exist; score articles into it first or pass --db")
    return path


@query_app.command("browse")
def browse(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port on 127.0.0.1")] = 8001,
    db: DbOption = None,
) -> None:
    """Browse the database in a web browser with Datasette (optional extra)."""
    path = _sqlite_path(db)
    make_engine(path).dispose()  # refuses another program's file, or an older one (`attribution db upgrade` first)
    ds = datasette_app(path)
    import uvicorn

    asyncio.run(ds.invoke_startup())
    typer.echo(f"serving {path} on http://127.0.0.1:{port}/ (Ctrl-C stops)", err=True)
    uvicorn.run(ds.app(), host="127.0.0.1", port=port, log_level="warning")
