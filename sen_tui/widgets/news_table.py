"""A page of news stories as a table, newest first: publication time, outlet, how many
reports the story is linked to, and the headline in whatever width the terminal leaves.
Only the page on screen is in the table: the server pages the list."""

from rich.text import Text
from textual.coordinate import Coordinate
from textual.events import Resize

from sen_tui.formatting import short_when
from sen_tui.widgets.row_table import RowTable
from shared.news import NewsStoryPublic

_PADDING = 2  # DataTable's cell padding, both sides
_SCROLLBAR = 2
_FIXED = [("published", "Published", 12), ("outlet", "Outlet", 22), ("links", "Links", 5)]


class NewsTable(RowTable[Text]):
    def __init__(self) -> None:
        super().__init__(id="news-table", zebra_stripes=False)
        self.stories: list[NewsStoryPublic] = []
        self._headline_width = 0

    @property
    def current_story(self) -> NewsStoryPublic | None:
        if not self.stories or self.row_count == 0:
            return None
        row_key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key
        return next((s for s in self.stories if s.id == row_key.value), None)

    def show(self, stories: list[NewsStoryPublic], keep_row: int = 0) -> None:
        self.stories = stories
        self._rebuild()
        if stories:
            self.move_cursor(row=min(keep_row, len(stories) - 1), animate=False)

    def on_resize(self, event: Resize) -> None:
        if self._wanted_width() != self._headline_width:
            keep = self.cursor_row
            self._rebuild()
            if self.row_count:
                self.move_cursor(row=min(keep, self.row_count - 1), animate=False)

    def _wanted_width(self) -> int:
        width = self.size.width or self.app.size.width
        fixed = sum(w + _PADDING for _, _, w in _FIXED)
        return max(20, width - fixed - _PADDING - _SCROLLBAR)

    def _rebuild(self) -> None:
        self._headline_width = headline = self._wanted_width()
        self.clear(columns=True)
        for key, label, width in _FIXED:
            self.add_column(label, width=width, key=key)
        self.add_column("Headline", width=headline, key="headline")
        for story in self.stories:
            self.add_row(
                Text(short_when(story.published_at)),
                Text(_cut(story.outlet or "—", _FIXED[1][2])),
                Text(str(len(story.linked)) if story.linked else "—"),
                Text(_cut(story.headline, headline)),
                key=story.id,
            )


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
