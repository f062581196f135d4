"""Filling a DataTable in one go, its columns sized to their cells.

DataTable sizes auto-width columns when it is next idle, but keeps the lines it drew before that:
filled after the first frame (from a worker's message, or on a language switch), a table could
stay drawn at its header's width, the deck titles cut. Giving each column its width avoids that.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable


def _width(cell: Text | str) -> int:
    if isinstance(cell, Text):
        return max((cell_len(line) for line in cell.plain.splitlines()), default=0)
    return max((cell_len(line) for line in str(cell).splitlines()), default=0)


def fill(table: DataTable, columns: list[tuple[Text | str, str | None]], rows: list[tuple[list, str | None]]) -> None:
    """Replace the table's columns and rows: columns as (label, key), rows as (cells, key)."""
    table.clear(columns=True)
    for index, (label, key) in enumerate(columns):
        width = max([_width(label), *(_width(cells[index]) for cells, _ in rows)])
        table.add_column(label, key=key, width=max(width, 1))
    for cells, key in rows:
        table.add_row(*cells, key=key)
