"""Query results on stdout: a table that reads in the terminal's width, or only data (JSON, JSON lines, CSV).

The table puts the short fields of a row (ids, date, source, kind ...) on one line, each column cut
with an ellipsis to fit, and the row's text (the statement, the sentence) below it with the whole
width, wrapped between words and cut after ``MAX_TEXT_LINES`` lines.  Columns that are empty in
every row are left out.  Written to a pipe or file with no ``COLUMNS`` set, nothing is cut or
wrapped: each row is two lines, with full values.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from attribution.cli_options import OutputFormat

MAX_TEXT_LINES = 5  # lines of a row's text in a terminal; with its field line, a row takes at most 6
GAP = "  "
MAX_ID_WIDTH = 10
RULE = "─"


@dataclass(frozen=True)
class Column:
    """A short field shown on a row's first line."""

    key: str
    title: str
    max_width: int | None = None  # cut to this in a terminal (the title's width at least)
    right: bool = False  # numbers line up on the right
    whole_below: bool = False  # an id (a source's name): when cut, it is written whole on the text line
    shrink: bool = True  # False for ids, dates and numbers: the other columns give way first


def output_width() -> int | None:
    """The width to fit: ``$COLUMNS``, else the terminal's; ``None`` (no limit) when stdout is not a terminal."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def cell(value: Any) -> str:
    """A field as table text: numbers rounded, lists joined, no line breaks."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    return " ".join(str(value).split())


def _fit(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, ending with an ellipsis when cut."""
    if cell_len(text) <= width:
        return text
    piece = Text(text)
    piece.truncate(width, overflow="ellipsis")
    return piece.plain


def _widths(natural: list[int], minimum: list[int], caps: list[int | None], available: int | None) -> list[int]:
    if available is None:
        return natural
    widths = [min(n, max(c, m)) if c is not None else n for n, m, c in zip(natural, minimum, caps)]
    while sum(widths) > available:
        room = [w - m for w, m in zip(widths, minimum)]
        widest = max(range(len(widths)), key=lambda i: room[i])
        if room[widest] <= 0:
            break
        widths[widest] -= 1
    return widths


def _wrap(text: str, width: int, console: Console, max_lines: int | None = MAX_TEXT_LINES) -> list[str]:
    """Lines of at most ``width`` cells, broken between words; the last one ends with … when cut."""
    lines = [line.plain.rstrip() for line in Text(text).wrap(console, width, overflow="ellipsis")]
    if max_lines is None or len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while cell_len(last) + 2 > width and " " in last:
        last = last.rsplit(" ", 1)[0]
    kept[-1] = last + " …"
    return kept


def write_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    text_key: str | None = None,
    title: str | None = None,
    out: TextIO | None = None,
    width: int | None = None,
) -> None:
    """Rows as a table: the ``columns`` on one line, ``rows[i][text_key]`` below with the whole width."""
    out = out or sys.stdout
    width = output_width() if width is None else width
    shown = [c for c in columns if any(cell(row.get(c.key)) for row in rows)]  # drop empty columns
    cells = [[cell(row.get(c.key)) for c in shown] for row in rows]
    natural = [max([cell_len(c.title)] + [cell_len(r[i]) for r in cells]) for i, c in enumerate(shown)]
    minimum = [min(n, max(cell_len(c.title), 3)) if c.shrink else n for n, c in zip(natural, shown)]
    available = None if width is None else width - len(GAP) * max(0, len(shown) - 1)
    widths = _widths(natural, minimum, [c.max_width for c in shown], available)
    # The text starts under the second column when the first is a short id, else a little indented.
    indent = " " * (widths[0] + len(GAP) if shown and widths[0] <= MAX_ID_WIDTH else len(GAP) * 2)
    console = Console(width=10_000, file=out, color_system=None, highlight=False)

    def line(values: Sequence[str]) -> str:
        parts = []
        for value, w, column in zip(values, widths, shown):
            value = _fit(value, w)
            pad = " " * (w - cell_len(value))
            parts.append(pad + value if column.right else value + pad)
        return GAP.join(parts).rstrip()

    if title:
        out.write((title if width is None else _fit(title, width)) + "\n")
    header = line([c.title for c in shown])
    out.write(header + "\n")
    out.write(RULE * (width if width is not None else cell_len(header)) + "\n")
    for row, values in zip(rows, cells):
        out.write(line(values) + "\n")
        body = cell(row.get(text_key)) if text_key else ""
        cut = [v for v, w, c in zip(values, widths, shown) if c.whole_below and cell_len(v) > w]
        body = "; ".join(cut + ([body] if body else []))
        if not body:
            continue
        if width is None:
            out.write(indent + body + "\n")
        else:
            for text_line in _wrap(body, max(20, width - len(indent)), console):
                out.write(indent + text_line + "\n")


def write_paragraph(text: str, out: TextIO | None = None, width: int | None = None) -> None:
    """A line of text, wrapped between words to the output width (whole when piped)."""
    out = out or sys.stdout
    width = output_width() if width is None else width
    if width is None:
        out.write(text + "\n")
        return
    console = Console(width=10_000, file=out, color_system=None, highlight=False)
    for line in _wrap(text, width, console, max_lines=None):
        out.write(line + "\n")


def _flat(value: Any) -> Any:
    """A CSV cell: lists joined, nested records as JSON."""
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return "; ".join(str(v) for v in value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_data(rows: Sequence[dict[str, Any]], fmt: OutputFormat, out: TextIO | None = None) -> None:
    """Only the data: a JSON list, JSON lines, or CSV with a header (nothing for no rows)."""
    out = out or sys.stdout
    if fmt is OutputFormat.json:
        out.write(json.dumps(list(rows), ensure_ascii=False, indent=2) + "\n")
    elif fmt is OutputFormat.jsonl:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt is OutputFormat.csv and rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: _flat(v) for k, v in row.items()} for row in rows)


def render(
    rows: Sequence[dict[str, Any]],
    fmt: OutputFormat | str,
    columns: Sequence[Column],
    text_key: str | None = None,
    title: str | None = None,
) -> None:
    """A table for people (``table``), else only the data, on stdout."""
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.table:
        write_table(rows, columns, text_key, title)
    else:
        write_data(rows, fmt)
