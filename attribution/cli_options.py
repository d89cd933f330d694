"""The CLI's option vocabulary: one name, one type and one description for each thing, shared by all commands."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

MAX_TEXT_ARGUMENT = 1_000  # characters in a name, search text or article reference
MAX_LIMIT = 1_000_000  # rows; beyond SQLite's integers a LIMIT overflows


class OutputFormat(str, Enum):
    """What a query command writes to stdout: a table for people, data for programs."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class ScoreFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"


class ReportFormat(str, Enum):
    table = "table"
    json = "json"


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    claimreview = "claimreview"


class ImportFormat(str, Enum):
    labelstudio = "labelstudio"
    doccano = "doccano"
    prodigy = "prodigy"
    brat = "brat"
    canonical = "canonical"


class Rehearse(str, Enum):
    """What custom training rehearses so the old labels are not forgotten."""

    auto = "auto"
    polnear = "polnear"
    unlabelled = "unlabelled"
    none = "none"


class Backend(str, Enum):
    onnx = "onnx"
    torch = "torch"


class BatchEngine(str, Enum):
    local = "local"
    ray = "ray"


class Kind(str, Enum):
    claim = "claim"
    quote = "quote"


def short_text(value: str | None) -> str | None:
    """A name, search text or article reference: at most ``MAX_TEXT_ARGUMENT`` characters."""
    if value is not None and len(value) > MAX_TEXT_ARGUMENT:
        raise typer.BadParameter(f"{len(value):,} characters is too long (at most {MAX_TEXT_ARGUMENT:,})")
    return value


DB_HELP = "SQLite path or SQLAlchemy URL (default: $ATTRIBUTION_DB, else ./attribution.db)"
FORMAT_HELP = "Output: a table for people, or only data (json, jsonl, csv)"

DbOption = Annotated[str | None, typer.Option("--db", help=DB_HELP, show_default=False)]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help=FORMAT_HELP)]
# Defaults that are no value of the option go in show_default: typer prints them as "[default: ...]" (in the
# help text itself rich would read "[default: ...]" as a markup tag and drop it).
ModelOption = Annotated[Path | None, typer.Option("--model", help="A trained model folder", show_default="the shipped model")]
BackendOption = Annotated[
    Backend | None,
    typer.Option("--backend", help="Inference backend", show_default="onnx (int8) where onnxruntime is installed, else torch"),
]
NameArgument = Annotated[str, typer.Argument(help="Source name, alias or surname", callback=short_text)]
ArticleArgument = Annotated[
    str, typer.Argument(help="Article id, content-hash prefix, or part of its path or title", callback=short_text)
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="Only articles published on or after this date (YYYY-MM-DD)", callback=short_text)
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Only articles published on or before this date (YYYY-MM-DD)", callback=short_text)
]
KindOption = Annotated[Kind | None, typer.Option("--kind", help="Only claims or only quotes")]
MinConfidenceOption = Annotated[
    float, typer.Option("--min-confidence", min=0.0, max=1.0, help="Only statements at least this likely to be right (calibrated confidence)")
]


LimitOption = Annotated[int, typer.Option("--limit", min=1, max=MAX_LIMIT, help="At most this many statements")]
