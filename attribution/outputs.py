"""Output files: any OS error opening, writing or closing one is an ``OutputError`` naming the file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from attribution.errors import OutputError


def cannot_write(path: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot write {path}: {exc.strerror or exc}")


@contextmanager
def output_file(path: Path, newline: str | None = None) -> Iterator[TextIO]:
    """``path`` opened for writing UTF-8 text; an ``OSError`` of the file becomes ``OutputError`` (one line at the CLI)."""
    try:
        with Path(path).open("w", encoding="utf-8", newline=newline) as handle:
            yield handle
    except OSError as exc:
        raise cannot_write(path, exc) from exc


def check_writable(path: Path) -> None:
    """Fail before a long computation whose result could not be written to ``path``: a folder, or no folder."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"cannot write {path}: Is a directory")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(f"cannot write {path}: Not a directory")
            break
    if not path.parent.exists():
        raise OutputError(f"cannot write {path}: No such file or directory")
