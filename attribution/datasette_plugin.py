"""A Datasette plugin for `attribution browse`: on a row page, ids of other rows are links with their labels.

Datasette 0.65 labels foreign keys on table pages (a statement's article, sentence and source) but shows
bare numbers on a row page; this links them there too, labelled with the same ``label_column`` values
that metadata.yaml names.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl  # type: ignore[import-untyped]
from markupsafe import Markup, escape

# (table, column) -> (table it points to, the column that labels that table's rows)
LINKS = {
    ("statement", "sentence_id"): ("sentence", "text"),
    ("statement", "article_id"): ("article", "title"),
    ("statement", "source_id"): ("source", "name"),
    ("statement", "via_source_id"): ("source", "name"),
    ("sentence", "article_id"): ("article", "title"),
    ("source_alias", "source_id"): ("source", "name"),
}
LABEL_CHARS = 200


@hookimpl
def render_cell(value: Any, column: str, table: str, database: str, datasette: Any) -> Any:
    target = LINKS.get((table, column))
    # A table page passes labelled foreign keys as {"value", "label"}: Datasette renders those itself.
    if target is None or not isinstance(value, int) or isinstance(value, bool):
        return None
    other_table, label_column = target

    async def link() -> Markup:
        rows = await datasette.get_database(database).execute(
            f"SELECT [{label_column}] AS label FROM [{other_table}] WHERE id = ?", [value]
        )
        first = rows.first()  # a sqlite3.Row: read by column name
        label = first["label"] if first is not None else None
        text = str(label)[:LABEL_CHARS] + ("…" if label and len(str(label)) > LABEL_CHARS else "") if label else str(value)
        url = datasette.urls.row(database, other_table, value)
        return Markup(f'<a href="{escape(url)}">{escape(text)}</a> <em>{value}</em>')

    return link
