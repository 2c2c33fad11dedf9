"""Reports as the live stream sees them: the columns the read rule and the queues look at,
with every recipient's delivery, read once for all the streams of a process.

A stream decides what each of its events shows its reader from these rows in Python
(``policy.Grant.admits``, ``queues.placement``) instead of asking the database once per
stream per event: with hundreds of watch officers connected, one query per batch of events
replaces hundreds.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.models import Delivery, Office, Report, User
from sen_server.reports.policy import row_actions
from sen_server.reports.views import ENVELOPE, summary_fields
from shared.enums import DeliveryState
from shared.schemas import QueueItem


@dataclass(frozen=True, slots=True)
class Receipt:
    """One recipient's delivery of the report."""

    state: str
    updated: bool


@dataclass(slots=True)  # not frozen: views.Envelope, which it is, has writable fields
class ReportRow:
    id: str
    type: str
    status: str
    version: int
    title: str
    priority: str
    event_at: datetime | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    late: bool
    author_id: int
    author_office_id: int | None
    program: str
    triage_status: str | None
    summarised: bool
    summary_id: int | None
    author: str
    office: str | None
    receipts: Mapping[int, Receipt]  # by recipient's user id

    def item_for(self, user_id: int) -> QueueItem:
        """The row as this reader's queue shows it (who may see it is decided elsewhere)."""
        receipt = self.receipts.get(user_id)
        state = receipt.state if receipt else None
        return QueueItem(
            **summary_fields(self, self.author, self.office),
            delivery_state=DeliveryState(state) if state else None,
            updated=bool(receipt and receipt.updated),
            summarised=self.summarised,
            summary_id=self.summary_id,
            allowed_actions=row_actions(state),
        )


async def load_rows(session: AsyncSession, ids: Iterable[str]) -> dict[str, ReportRow]:
    """The rows of these reports that still exist (a deleted draft has none): two
    statements, whatever the number of reports and recipients."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    receipts: dict[str, dict[int, Receipt]] = {report_id: {} for report_id in wanted}
    delivered = select(
        col(Delivery.report_id), col(Delivery.user_id), col(Delivery.state), col(Delivery.updated)
    ).where(col(Delivery.report_id).in_(wanted))
    for report_id, user_id, state, updated in (await session.exec(delivered)).all():
        receipts[report_id][user_id] = Receipt(state, bool(updated))
    statement = (
        select(  # type: ignore[call-overload]
            *ENVELOPE,
            col(Report.author_id),
            col(Report.author_office_id),
            col(Report.program),
            col(Report.triage_status),
            col(Report.summary_id),
            col(User.username),
            col(Office.code),
        )
        .join(User, col(User.id) == col(Report.author_id))
        .outerjoin(Office, col(Office.id) == col(Report.author_office_id))
        .where(col(Report.id).in_(wanted))
    )
    rows = {}
    for r in (await session.exec(statement)).all():
        rows[r.id] = ReportRow(
            id=r.id,
            type=r.type,
            status=r.status,
            version=r.version,
            title=r.title,
            priority=r.priority,
            event_at=r.event_at,
            created_at=r.created_at,
            updated_at=r.updated_at,
            submitted_at=r.submitted_at,
            late=bool(r.late),
            author_id=r.author_id,
            author_office_id=r.author_office_id,
            program=r.program,
            triage_status=r.triage_status,
            summarised=r.summary_id is not None,
            summary_id=r.summary_id,
            author=r.username,
            office=r.code,
            receipts=receipts[r.id],
        )
    return rows
