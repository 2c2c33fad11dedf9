"""Where a report row sits in one reader's queues, decided in Python from a row the live
stream read once for every reader (sen_server.reports.rows): the queues' own definitions
(``walks.SHAPES``) asked of one row instead of walked in the database."""

from datetime import datetime

from sen_server.principal import Caller
from sen_server.queues.policy import queues_for
from sen_server.queues.walks import SHAPES
from sen_server.reports.policy import ReportSet
from sen_server.reports.rows import ReportRow
from shared.enums import QueueName


def holds(reports: ReportSet, row: ReportRow, me: int) -> bool:
    """Whether the set (in the read rule's terms) holds the report of ``row``."""
    return (
        (reports.statuses is None or row.status in reports.statuses)
        and (reports.types is None or row.type in reports.types)
        and (reports.authored is None or (row.author_id == me) is reports.authored)
        and (not reports.delivered or me in row.receipts)
    )


def placement(caller: Caller, row: ReportRow, now: datetime) -> dict[QueueName, datetime]:
    """The caller's queues that hold the row now, each with the row's sort key there (rows
    are newest first by that key, then by id). Whether the caller may read the row at all
    is the read rule's to say (``policy.admits``)."""
    placed: dict[QueueName, datetime] = {}
    for name in queues_for(caller):
        shape = SHAPES[name]
        if not holds(shape.reports, row, caller.id):
            continue
        if shape.own_row is not None and not shape.own_row(row):
            continue
        submitted = row.submitted_at
        if shape.window is not None and (submitted is None or submitted < now - shape.window):
            continue
        key = submitted if shape.by_submission else row.updated_at
        if key is not None:
            placed[name] = key
    return placed
