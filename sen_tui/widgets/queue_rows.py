"""A live event applied to the rows of a queue page, as the server placed the report.

The event says which of the reader's queues hold its report now and with what sort key
(``EventPublic.queues``), and the page says which field its rows are ordered by
(``QueuePage.order_by``): the client only follows those answers. A row already shown is
replaced (and moved, if its key moved) or removed; a new row is added only to the first
page, since a later page begins after a row the client cannot move. A page may grow past
its size this way; the next read trims it.
"""

from datetime import datetime

from shared.schemas import EventPublic, QueueItem, QueuePage


def _key(item: QueueItem, order_by: str) -> tuple[datetime, str]:
    moment = getattr(item, order_by) or datetime.min
    return moment, item.id


def apply_event(page: QueuePage, event: EventPublic, *, first_page: bool) -> list[QueueItem]:
    """The page's rows after ``event`` (the same list when it changes nothing here)."""
    row = event.row
    if row is None:
        return page.items
    placed = next((p for p in event.queues if p.queue == page.queue), None)
    rows = [item for item in page.items if item.id != row.id]
    shown = len(rows) != len(page.items)
    if placed is None or not (shown or first_page):
        return rows if shown else page.items
    key = (placed.key, row.id)  # where the server puts it in this queue
    at = next(
        (n for n, item in enumerate(rows) if _key(item, page.order_by) < key),
        len(rows),
    )
    if at == len(rows) and not shown and page.next_cursor is not None:
        return page.items  # it sorts after this page: it belongs to a later one
    return [*rows[:at], row, *rows[at:]]
