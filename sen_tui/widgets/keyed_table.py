"""A table of what the server listed, one row an item, each row keyed by what names its
item: the administration tabs (accounts, offices, distribution lists, agencies) act on the
item under the cursor."""

from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

from rich.text import Text

from sen_tui.widgets.row_table import RowTable

Item = TypeVar("Item")


class KeyedTable(RowTable[Text], Generic[Item]):
    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.items: dict[str, Item] | None = None  # None until the first answer is shown

    def fill(
        self,
        columns: Sequence[str],
        items: Iterable[Item],
        key: Callable[[Item], object],
        cells: Callable[[Item], Sequence[Text]],
        keep: object = None,
    ) -> None:
        """Show ``items`` anew, with the cursor back on ``keep``'s row if it is still there."""
        self.items = {str(key(item)): item for item in items}
        self.clear(columns=True)
        self.add_columns(*columns)
        for name, item in self.items.items():
            self.add_row(*cells(item), key=name)
        if keep is not None and str(keep) in self.items:
            self.move_cursor(row=self.get_row_index(str(keep)), animate=False)

    @property
    def selected(self) -> Item | None:
        """The item under the cursor; None while the table is empty."""
        if not self.items or not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.items.get(str(key))
