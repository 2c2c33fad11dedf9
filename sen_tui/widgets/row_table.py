"""The table every SEN list is: one row a thing, the cursor on a whole row.

Textual's DataTable moves between columns on home and end (ctrl+home / ctrl+end go to the
first and last row); in a list of reports, accounts or records the columns are fixed and
home and end are where people expect the first and the last row."""

from typing import Any, ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable

CellType = TypeVar("CellType")


class RowTable(DataTable[CellType]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_top", "First row", id="table.first_row", show=False),
        Binding("end", "scroll_bottom", "Last row", id="table.last_row", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cursor_type", "row")
        super().__init__(**kwargs)
