"""One news story in full: headline, outlet, link, publication time, summary, and the
reports it is linked to (those the user may read, as the server sent them)."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from sen_tui.formatting import when, words
from sen_tui.modals.base import SenModal
from shared.news import NewsStoryPublic


def story_text(story: NewsStoryPublic) -> Text:
    text = Text()
    text.append(f"{story.headline}\n", style="bold")
    text.append(f"{story.outlet or '—'} · published {when(story.published_at)}")
    text.append(f" · {story.id} ({words(story.status)})\n")
    text.append(f"{story.url or 'No link given.'}\n\n", style="underline" if story.url else "")
    text.append(f"{story.summary or 'No summary.'}\n\n")
    text.append("Linked reports\n", style="bold")
    if not story.linked:
        text.append("None yet: l, on the list, links a report by its ID.\n", style="italic")
    for report in story.linked:
        text.append(f"  {report.id}  {words(report.status):<10} {report.title}\n")
    return text


class NewsStoryModal(SenModal[None]):
    DEFAULT_CSS = """
    NewsStoryModal { align: center middle; }
    NewsStoryModal > VerticalScroll {
        width: 100; max-width: 100%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="story.close")]

    def __init__(self, story: NewsStoryPublic) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="story-scroll"):
            yield Static(story_text(self.story), id="story-text")

    def action_close(self) -> None:
        self.dismiss(None)
