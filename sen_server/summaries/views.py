"""What a summary looks like on the wire: its paragraphs and citations, the email's subject
and text as it will be sent (the preview), and its delivery state, read from the newest
outbox message that carries it (a retry adds a newer one)."""

from sqlmodel import col, select

from sen_server.models import OutboxMessage, User
from sen_server.summaries import delivery
from sen_server.summaries.email import body_of, subject_of
from sen_server.summaries.lists import all_lists, list_ref
from sen_server.summaries.models import Summary
from sen_server.unit import UnitOfWork
from shared.summaries import Citation, DeliveryStatus, DistributionListRef, Paragraph, SummaryPublic


async def latest_deliveries(unit: UnitOfWork, ids: list[int]) -> dict[int, OutboxMessage]:
    """The latest outbox message of each summary (a retry adds a newer one)."""
    if not ids:
        return {}
    subjects = [delivery.subject_of(summary_id) for summary_id in ids]
    rows = await unit.session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.subject).in_(subjects))
        .order_by(col(OutboxMessage.id))
    )
    return {int(m.payload["summary_id"]): m for m in rows}


def delivery_status(
    summary: Summary, message: OutboxMessage | None
) -> tuple[DeliveryStatus, str | None]:
    if summary.state == "draft":
        return DeliveryStatus.DRAFT, None
    if message is None or message.state == "pending":
        if message is not None and message.attempts and message.last_error:
            return DeliveryStatus.RETRYING, message.last_error
        return DeliveryStatus.QUEUED, None
    if message.state == "done":
        return DeliveryStatus.DELIVERED, None
    return DeliveryStatus.FAILED, message.last_error


async def usernames(unit: UnitOfWork, ids: set[int]) -> dict[int, str]:
    rows = await unit.session.exec(select(User.id, User.username).where(col(User.id).in_(ids)))
    return {int(i): name for i, name in rows if i is not None}


async def summary_public(
    unit: UnitOfWork, summary: Summary, *, pending_retry: bool = False
) -> SummaryPublic:
    summary_id = summary.id or 0
    lists = [row for row in await all_lists(unit.session) if row.id in set(summary.list_ids)]
    refs: list[DistributionListRef] = [list_ref(row) for row in lists]
    recipients = summary.recipients or list(dict.fromkeys(a for r in lists for a in r.addresses))
    message = (
        None if pending_retry else (await latest_deliveries(unit, [summary_id])).get(summary_id)
    )
    status, error = delivery_status(summary, message)
    paragraphs = [Paragraph.model_validate(p) for p in summary.paragraphs]
    citations = [Citation.model_validate(c) for c in summary.citations]
    number = summary_id if summary.state == "sent" else None
    author = (await usernames(unit, {summary.author_id})).get(summary.author_id, "")
    return SummaryPublic(
        id=summary_id,
        state=summary.state,
        revision=summary.revision,
        author=author,
        paragraphs=paragraphs,
        citations=citations,
        lists=refs,
        recipients=recipients,
        created_at=summary.created_at,
        updated_at=summary.updated_at,
        sent_at=summary.sent_at,
        message_id=summary.message_id,
        delivery=status,
        delivery_error=error,
        attempts=message.attempts if message else 0,
        subject=subject_of(number if number is not None else summary_id, len(paragraphs)),
        preview=body_of(summary_id, paragraphs, citations),
    )
