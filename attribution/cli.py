"""Command-line interface: commands parse arguments and call library functions.

Named exceptions become a one-line error and exit 1 here, at the edge, and
nowhere else.  Training code is imported only inside the commands that need it.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from attribution.errors import AttributionError, AttributionWarning


class _ErrorsToOneLine(TyperGroup):
    """The CLI edge: a named error becomes ``Error: <message>`` and exit code 1; our warnings, ``Warning: <message>``."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            try:
                return super().invoke(ctx)
            except AttributionError as exc:
                typer.echo(f"Error: {exc}", err=True)
                raise typer.Exit(1) from exc


_python_showwarning = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
    if issubclass(category, AttributionWarning):
        typer.echo(f"Warning: {message}", err=True)
    else:
        _python_showwarning(message, category, filename, lineno, file, line)


app = typer.Typer(
    cls=_ErrorsToOneLine, no_args_is_help=True, help="Who said what: claim and source attribution for news articles."
)
sources_app = typer.Typer(help="List sources; merge or split them (editorial decisions survive re-scoring).")
data_app = typer.Typer(no_args_is_help=True, help="Labelled data: import annotation-tool exports.")
app.add_typer(sources_app, name="sources")
app.add_typer(data_app, name="data")

DbOption = Annotated[Optional[str], typer.Option("--db", help="SQLite path or SQLAlchemy URL [default: $ATTRIBUTION_DB or ./attribution.db]")]
ModelOption = Annotated[Optional[Path], typer.Option("--model", help="A trained model folder [default: the shipped model]")]
FormatOption = Annotated[str, typer.Option("--format", help="table, json, jsonl or csv")]
BackendOption = Annotated[Optional[str], typer.Option("--backend", help="onnx (int8, the default where onnxruntime is installed) or torch")]


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def _check_format(value: str, allowed: tuple[str, ...], option: str = "--format") -> None:
    if value not in allowed:
        fail(f"{option} must be one of {', '.join(allowed)}, not {value!r}", code=2)


@app.command()
def score(
    paths: Annotated[list[str], typer.Argument(help="Article files (.txt, .jsonl) or folders")],
    db: DbOption = None,
    output_format: Annotated[str, typer.Option("--format", help="table or jsonl (the JSONL contract)")] = "table",
    no_store: Annotated[bool, typer.Option("--no-store", help="Print only; write nothing to the database")] = False,
    model: ModelOption = None,
    backend: BackendOption = None,
) -> None:
    """Tag every sentence claim / quote / context with its source, and store the claim graph."""
    from attribution.scoring import score_paths

    _check_format(output_format, ("table", "jsonl"))
    if backend is not None:
        _check_format(backend, ("onnx", "torch"), "--backend")
    failures = score_paths(paths, db=None if no_store else db, store=not no_store, model_dir=model, output_format=output_format, backend=backend)
    for failure in failures:
        typer.echo(f"Error: {failure.input}: {failure.reason}", err=True)
    if failures:
        raise typer.Exit(1)


@sources_app.callback(invoke_without_command=True)
def sources(
    ctx: typer.Context,
    db: DbOption = None,
    source_type: Annotated[Optional[str], typer.Option("--type", help="person, organization, government, media, document, anonymous")] = None,
    vague: Annotated[Optional[bool], typer.Option("--vague/--named", help="Only anonymous/unnamed sources, or only named ones")] = None,
    min_statements: Annotated[int, typer.Option("--min", help="At least this many statements")] = 0,
    output_format: FormatOption = "table",
) -> None:
    """Each source with its counts of claims and quotes, first and last seen."""
    if ctx.invoked_subcommand is not None:
        return
    from attribution.query_cli import open_session, render_sources
    from attribution.queries import list_sources

    _check_format(output_format, ("table", "json", "jsonl", "csv"))
    with open_session(db) as session:
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
    source: Annotated[Optional[str], typer.Option("--from", help="The source it was wrongly merged into")] = None,
    db: DbOption = None,
) -> None:
    """Split ALIAS off into a source of its own, now and after any re-scoring."""
    from attribution.query_cli import open_session
    from attribution.store import split_alias

    with open_session(db) as session:
        new = split_alias(session, alias, source)
        typer.echo(f"split {alias!r} into its own source {new.name!r}")


@app.command()
def batch(
    input_path: Annotated[str, typer.Argument(metavar="INPUT", help="A folder (recursive .txt/.jsonl), a JSONL file, or - for JSONL on stdin")],
    db: DbOption = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Scoring processes, each with its own model")] = 1,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Sentences per forward pass")] = 32,
    model: ModelOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar")] = False,
    backend: BackendOption = None,
) -> None:
    """Score many articles fast and resumably; already-scored articles are skipped."""
    from attribution.batch import run_batch

    if backend is not None:
        _check_format(backend, ("onnx", "torch"), "--backend")
    summary = run_batch(input_path, db=db, workers=workers, batch_size=batch_size, model_dir=model, quiet=quiet, backend=backend)
    typer.echo(summary.line(), err=True)
    for failure in summary.failures:
        typer.echo(f"Error: {failure.input}: {failure.reason}", err=True)
    if summary.failures:
        raise typer.Exit(1)


@app.command()
def train(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the trained model")],
    config: Annotated[Path, typer.Option("--config", help="TOML settings")] = Path("configs/polnear.toml"),
    data: Annotated[Optional[Path], typer.Option("--data", help="Canonical labels JSONL (from `attribution data import`)")] = None,
    from_model: Annotated[Optional[Path], typer.Option("--from", help="Continue from this model folder")] = None,
    mix_polnear: Annotated[float, typer.Option("--mix-polnear", min=0.0, help="Add this share of PolNeAR train (relative to --data size)")] = 0.0,
    holdout: Annotated[float, typer.Option("--holdout", min=0.0, max=0.9, help="Share of --data held out for before/after figures")] = 0.2,
    epochs: Annotated[Optional[float], typer.Option("--epochs", help="Override the config's epochs")] = None,
) -> None:
    """Fine-tune the attribution model (LoRA + heads) on PolNeAR or on your own labels."""
    from attribution.config import load_config
    from training.train import train as run_training
    from training.custom import train_on_labels

    model_settings, training_settings = load_config(config)
    if epochs is not None:
        training_settings.epochs = epochs
    if data is None:
        result = run_training(model_settings, training_settings, output)
        typer.echo(json.dumps({"best_step": result.best_step, "dev": result.best_metrics}, indent=2))
        return
    report = train_on_labels(data, output, model_settings, training_settings, from_model=from_model, mix_polnear=mix_polnear, holdout=holdout)
    typer.echo(json.dumps(report, indent=2))


@app.command()
def evaluate(
    model: ModelOption = None,
    data: Annotated[Path, typer.Option("--data", help="A PolNeAR-style split: text/ and attributions/")] = Path("../shared/data/polnear/dev"),
    output_format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    predictions: Annotated[Optional[Path], typer.Option("--predictions", help="Also write the JSONL predictions here")] = None,
    backend: BackendOption = None,
    fp32: Annotated[bool, typer.Option("--fp32", help="Full-precision weights instead of int8")] = False,
) -> None:
    """Sentence macro-F1, per-label F1, source/cue exact and source/content overlap F1 on a labelled split."""
    from attribution.model import PACKAGED_MODEL_DIR
    from training.evaluate import evaluate_model, format_report

    _check_format(output_format, ("table", "json"))
    if backend is not None:
        _check_format(backend, ("onnx", "torch"), "--backend")
    folder = model or PACKAGED_MODEL_DIR
    metrics = evaluate_model(folder, data, predictions, quantize=not fp32, backend=backend)
    typer.echo(json.dumps(metrics) if output_format == "json" else format_report(metrics))


@data_app.command("import")
def data_import(
    file: Annotated[Path, typer.Argument(help="An export of Label Studio, doccano, Prodigy, or brat standoff")],
    input_format: Annotated[str, typer.Option("--format", help="labelstudio, doccano, prodigy, brat or canonical")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Canonical labels JSONL to write")],
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first invalid record")] = False,
) -> None:
    """Convert annotation-tool labels into the canonical labelled JSONL."""
    from training.importers import import_labels, write_jsonl

    _check_format(input_format, ("labelstudio", "doccano", "prodigy", "brat", "canonical"))
    report = import_labels(file, input_format, strict=strict)
    for reason in report.skipped:
        typer.echo(f"skipped: {reason}", err=True)
    if not report.records:  # an empty file would look like a successful import
        fail(f"{file}: no valid records ({len(report.skipped)} skipped); {output} not written")
    write_jsonl(report.records, output)
    typer.echo(f"{len(report.records)} records written to {output}; {len(report.skipped)} skipped", err=True)


@app.command()
def review(
    output: Annotated[Path, typer.Option("--output", "-o", help="Label Studio tasks JSON to write")],
    uncertain: Annotated[int, typer.Option("--uncertain", min=1, help="How many of the least confident sentences")] = 50,
    db: DbOption = None,
) -> None:
    """Export the least confident sentences as Label Studio tasks with the model's predictions pre-filled."""
    from attribution.query_cli import open_session
    from attribution.review import export_review_tasks

    with open_session(db) as session:
        count = export_review_tasks(session, uncertain, output)
    typer.echo(f"{count} tasks written to {output}", err=True)


def _register_query_commands() -> None:
    from attribution.query_cli import register

    register(app)


_register_query_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
