"""Command-line interface: commands parse arguments and call library functions.

Named exceptions become a one-line error and exit 1 here, at the edge, and
nowhere else.  Training code is imported only inside the commands that need it.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape  # help text is rich markup: a literal "[" is escaped
from typer.core import TyperGroup

from attribution.cli_options import (
    MAX_LIMIT,
    BackendOption,
    BatchEngine,
    DbOption,
    FormatOption,
    ImportFormat,
    ModelOption,
    OutputFormat,
    Rehearse,
    ReportFormat,
    ScoreFormat,
)
from attribution.config import DEFAULT_DEV_DATA
from attribution.errors import AttributionError, AttributionWarning
from attribution.factchecks.cli import register as register_fact_checks
from attribution.query_cli import query_app


class _ErrorsToOneLine(TyperGroup):
    """The CLI edge: a named error is ``Error: <message>`` and exit 1; a usage error one line and exit 2."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning  # our warnings as one line: ``Warning: <message>``
            try:
                return super().invoke(ctx)
            except AttributionError as exc:
                typer.echo(f"Error: {exc}", err=True)
                raise typer.Exit(1) from exc

    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Typer's main, but a usage error is one line too: ``Error: <command>: <message>``, exit 2."""
        if not kwargs.pop("standalone_mode", True):
            return super().main(*args, **{**kwargs, "standalone_mode": False})
        try:
            code = super().main(*args, **{**kwargs, "standalone_mode": False})
        except typer.TyperException as exc:  # click's UsageError, BadParameter ... (typer vendors click)
            message = " ".join(exc.format_message().split())
            if not message:  # a group called without a command: its help, as typer shows it
                context = getattr(exc, "ctx", None)
                typer.echo(context.get_help() if context is not None else "")
                sys.exit(exc.exit_code)
            context = getattr(exc, "ctx", None)
            command = f"{context.command_path}: " if context is not None else ""
            typer.echo(f"Error: {command}{message}", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


_python_showwarning = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
    if issubclass(category, AttributionWarning):
        typer.echo(f"Warning: {message}", err=True)
    else:
        _python_showwarning(message, category, filename, lineno, file, line)


app = typer.Typer(
    name="attribution",
    cls=_ErrorsToOneLine,
    no_args_is_help=True, help="Who said what: claim and source attribution for news articles."
)
sources_app = typer.Typer(help="List sources; merge or split them (editorial decisions survive re-scoring).")
data_app = typer.Typer(no_args_is_help=True, help="Labelled data: import annotation-tool exports.")
statements_app = typer.Typer(no_args_is_help=True, help="Correct single statements (kept across re-scoring).")
db_app = typer.Typer(no_args_is_help=True, help="The database itself: bring one made by an older attribution up to date.")
app.add_typer(sources_app, name="sources")
app.add_typer(statements_app, name="statements")
app.add_typer(data_app, name="data")
app.add_typer(db_app, name="db")
app.add_typer(query_app)  # who-said, said-about, timeline, show, repeats, similar, export, embed, browse
register_fact_checks(app)  # fact-checks import|match, checked


@app.command()
def score(
    paths: Annotated[list[str], typer.Argument(help="Article files (.txt, .jsonl) or folders")],
    db: DbOption = None,
    output_format: Annotated[ScoreFormat, typer.Option("--format", "-f", help="A table, or the JSONL contract")] = ScoreFormat.table,
    no_store: Annotated[bool, typer.Option("--no-store", help="Print only; write nothing to the database")] = False,
    model: ModelOption = None,
    backend: BackendOption = None,
) -> None:
    """Tag every sentence claim / quote / context with its source, and store the claim graph."""
    from attribution.scoring import score_paths

    failures = score_paths(
        paths,
        db=None if no_store else db,
        store=not no_store,
        model_dir=model,
        output_format=output_format.value,
        backend=backend.value if backend else None,
    )
    for failure in failures:
        typer.echo(f"Error: {failure.input}: {failure.reason}", err=True)
    if failures:
        raise typer.Exit(1)


@sources_app.callback(invoke_without_command=True)
def sources(
    ctx: typer.Context,
    db: DbOption = None,
    source_type: Annotated[str | None, typer.Option("--type", help="person, organization, government, media, document, anonymous")] = None,
    vague: Annotated[bool | None, typer.Option("--vague/--named", help="Only anonymous/unnamed sources, or only named ones")] = None,
    min_statements: Annotated[int, typer.Option("--min", min=0, max=MAX_LIMIT, help="At least this many statements")] = 0,
    ambiguous: Annotated[bool, typer.Option("--ambiguous", help="Only bare surnames and offices left apart for an editor to merge")] = False,
    output_format: FormatOption = OutputFormat.table,
) -> None:
    """Each source with its counts of claims and quotes, first and last seen."""
    if ctx.invoked_subcommand is not None:
        return
    from attribution.queries import list_sources
    from attribution.query_cli import open_session, render_ambiguous, render_sources

    if ambiguous:
        from attribution.editorial import ambiguous_sources

        with open_session(db, read_only=True) as session:
            left = ambiguous_sources(session)
        render_ambiguous(left, output_format)
        return
    with open_session(db, read_only=True) as session:
        rows = list_sources(session, type=source_type, vague=vague, min_statements=min_statements)
    render_sources(rows, output_format)


@sources_app.command("merge")
def sources_merge(
    name: Annotated[str, typer.Argument(help="The source to merge away")],
    into: Annotated[str, typer.Argument(help="The source that keeps its name")],
    db: DbOption = None,
) -> None:
    """Merge source NAME into INTO: NAME becomes an alias, now and after any re-scoring."""
    from attribution.query_cli import open_session
    from attribution.store import merge_sources

    with open_session(db) as session:
        target = merge_sources(session, name, into)
        typer.echo(f"merged {name!r} into {target.name!r}")


@sources_app.command("split")
def sources_split(
    alias: Annotated[str, typer.Argument(help="The surface name to split off, e.g. 'Kirby'")],
    source: Annotated[str | None, typer.Option("--from", help="The source it was wrongly merged into")] = None,
    db: DbOption = None,
) -> None:
    """Split ALIAS off into a source of its own, now and after any re-scoring."""
    from attribution.query_cli import open_session
    from attribution.store import split_alias

    with open_session(db) as session:
        new = split_alias(session, alias, source)
        typer.echo(f"split {alias!r} into its own source {new.name!r}")


@statements_app.command("fix")
def statements_fix(
    statement_id: Annotated[int, typer.Argument(metavar="ID", help="The statement's id (as `who-said` and `show` print it)")],
    source: Annotated[str, typer.Option("--source", help="The source to credit it to (an existing name, or a new person)")],
    db: DbOption = None,
) -> None:
    """Re-attribute one statement to SOURCE, now and after any re-scoring."""
    from attribution.editorial import fix_statement
    from attribution.query_cli import open_session

    with open_session(db) as session:
        fixed = fix_statement(session, statement_id, source)
    typer.echo(f"statement {fixed.statement_id}: {fixed.old_source!r} -> {fixed.new_source!r}")


@app.command()
def batch(
    input_path: Annotated[str, typer.Argument(metavar="INPUT", help="A folder (recursive .txt/.jsonl), a JSONL file, or - for JSONL on stdin")],
    db: DbOption = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Scoring processes, each with its own model")] = 1,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, max=4096, help="Sentences per forward pass")] = 32,
    model: ModelOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar")] = False,
    backend: BackendOption = None,
    engine: Annotated[
        BatchEngine, typer.Option("--engine", help=escape("local: this machine's processes; ray: Ray Data (pip install 'attribution[ray]')"))
    ] = BatchEngine.local,
    address: Annotated[str | None, typer.Option("--address", help="Ray cluster to join (--engine ray), e.g. HEAD:6379; default: a local one")] = None,
) -> None:
    """Score many articles fast and resumably; already-scored articles are skipped."""
    if address is not None and engine is not BatchEngine.ray:
        raise typer.BadParameter("--address needs --engine ray", param_hint="--address")
    if engine is BatchEngine.ray:
        from attribution.ray_batch import run_ray_batch

        summary = run_ray_batch(
            input_path, db=db, address=address, workers=workers, batch_size=batch_size, model_dir=model, quiet=quiet,
            backend=backend.value if backend else None,
        )
    else:
        from attribution.batch import run_batch

        summary = run_batch(
            input_path, db=db, workers=workers, batch_size=batch_size, model_dir=model, quiet=quiet, backend=backend.value if backend else None
        )
    typer.echo(summary.line(), err=True)
    for failure in summary.failures:
        typer.echo(f"Error: {failure.input}: {failure.reason}", err=True)
    if summary.failures:
        raise typer.Exit(1)


REHEARSE_HELP = (
    "What to rehearse so nothing is forgotten: auto (PolNeAR train when present, else the starting model's predictions "
    "on --unlabelled / --db), polnear, unlabelled or none"
)


@app.command()
def train(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the trained model")],
    config: Annotated[Path, typer.Option("--config", help="TOML settings")] = Path("configs/polnear.toml"),
    data: Annotated[Path | None, typer.Option("--data", help="Canonical labels JSONL (from `attribution data import`)")] = None,
    from_model: Annotated[Path | None, typer.Option("--from", help="Continue from this model folder", show_default="the shipped model")] = None,
    rehearse: Annotated[Rehearse, typer.Option("--rehearse", help=REHEARSE_HELP)] = Rehearse.auto,
    unlabelled: Annotated[list[Path] | None, typer.Option("--unlabelled", help="Articles (.txt files or folders) whose sentences the starting model labels for rehearsal")] = None,
    db: DbOption = None,
    holdout: Annotated[float | None, typer.Option("--holdout", min=0.0, max=0.9, help="Share of --data held out for early stopping and the report", show_default="0.2")] = None,
    steps: Annotated[int | None, typer.Option("--steps", min=1, max=MAX_LIMIT, help="Training steps", show_default="sized to the data")] = None,
    epochs: Annotated[float | None, typer.Option("--epochs", min=0.01, help="PolNeAR: override the config's epochs; --data: passes over your records")] = None,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="The report as text, or JSON")] = ReportFormat.table,
) -> None:
    """Fine-tune the attribution model on PolNeAR, or continue it on your own labels (--data) with a report."""
    from attribution.config import load_config
    from training.custom import copy_settings, format_custom_report, read_custom_settings, train_on_labels
    from training.train import train as run_training

    model_settings, training_settings = load_config(config)
    if data is None:
        if epochs is not None:  # new settings, validated again (epochs must be positive)
            training_settings = dataclasses.replace(training_settings, epochs=epochs)
        result = run_training(model_settings, training_settings, output)
        typer.echo(json.dumps({"best_step": result.best_step, "dev": result.best_metrics}, indent=2))
        return
    custom = copy_settings(read_custom_settings(config), holdout=holdout, steps=steps, passes=epochs)
    report = train_on_labels(data, output, model_settings, training_settings, from_model=from_model, custom=custom,
                             rehearse=rehearse.value, unlabelled=unlabelled or [], db=db)
    typer.echo(json.dumps(report, indent=2) if output_format is ReportFormat.json else format_custom_report(report))


@app.command()
def evaluate(
    model: ModelOption = None,
    data: Annotated[Path, typer.Option("--data", help="A PolNeAR-style split: text/ and attributions/")] = DEFAULT_DEV_DATA,
    output_format: Annotated[ReportFormat, typer.Option("--format", "-f", help="A table, or JSON")] = ReportFormat.table,
    predictions: Annotated[Path | None, typer.Option("--predictions", help="Also write the JSONL predictions here")] = None,
    backend: BackendOption = None,
    fp32: Annotated[bool, typer.Option("--fp32", help="Full-precision weights instead of int8")] = False,
) -> None:
    """Sentence macro-F1, per-label F1, source/cue exact and source/content overlap F1 on a labelled split."""
    from attribution.predictor import PACKAGED_MODEL_DIR
    from training.evaluate import evaluate_model, format_report

    folder = model or PACKAGED_MODEL_DIR
    metrics = evaluate_model(folder, data, predictions, quantize=not fp32, backend=backend.value if backend else None)
    typer.echo(json.dumps(metrics) if output_format is ReportFormat.json else format_report(metrics))


@data_app.command("import")
def data_import(
    file: Annotated[Path, typer.Argument(help="An export of Label Studio, doccano, Prodigy, or brat standoff")],
    input_format: Annotated[ImportFormat, typer.Option("--format", "-f", help="The annotation tool that wrote FILE")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Canonical labels JSONL to write")],
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first invalid record")] = False,
) -> None:
    """Convert annotation-tool labels into the canonical labelled JSONL."""
    from training.importers import import_labels_to

    def skipped(reason: str) -> None:
        typer.echo(f"skipped: {reason}", err=True)

    report = import_labels_to(file, input_format.value, output, strict=strict, on_skipped=skipped)
    typer.echo(f"{len(report.records)} records written to {output}; {len(report.skipped)} skipped", err=True)


@app.command()
def review(
    output: Annotated[Path, typer.Option("--output", "-o", help="Label Studio tasks JSON to write")],
    uncertain: Annotated[int, typer.Option("--uncertain", min=1, max=MAX_LIMIT, help="How many of the least confident sentences")] = 50,
    db: DbOption = None,
) -> None:
    """Export the least confident sentences as Label Studio tasks with the model's predictions pre-filled."""
    from attribution.query_cli import open_session
    from attribution.review import export_review_tasks

    with open_session(db, read_only=True) as session:
        count = export_review_tasks(session, uncertain, output)
    typer.echo(f"{count} tasks written to {output}", err=True)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Upgrade a database made by an older attribution to this version's schema (Alembic migrations, one transaction)."""
    from attribution.db.engine import upgrade_database

    report = upgrade_database(db)
    if report.changed:
        typer.echo(f"{report.database}: upgraded from {report.before} to schema revision {report.after}", err=True)
    else:
        typer.echo(f"{report.database}: already at schema revision {report.after}; nothing to do", err=True)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
