"""The marking banner: report content on screen carries its marking, top and bottom."""

from textual.widgets import Static

from shared.enums import DEFAULT_MARKING


class MarkingBanner(Static):
    def __init__(self, marking: str = DEFAULT_MARKING, *, position: str = "top") -> None:
        super().__init__(marking, classes=f"marking marking-{position}")
