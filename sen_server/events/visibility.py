"""Who sees a live event, and what it shows them: decided per object type by that domain's
read rule, so an event never tells a reader about something they could not open. Deny by
default: an event whose object type has no rule here (or whose kind this server does not
know) reaches nobody.

A report event shows its reader the report's queue row as their queues show it (their own
delivery state, what they may do from the row) and which of their queues hold it now, so a
client updates its rows in place instead of re-reading its queue. The decision is made in
Python from the row the feed read once for every stream (``policy.admits``,
``queues.live.placement``): hundreds of streams cost one query per batch of events.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.events.feed import FedEvent, with_rows
from sen_server.events.store import event_public
from sen_server.models import Event
from sen_server.principal import Caller
from sen_server.queues.live import placement
from sen_server.reports import policy
from sen_server.summaries import policy as summary_policy
from shared.enums import EventKind, ObjectType, Role
from shared.schemas import EventPublic, QueuePlacement


@dataclass(frozen=True)
class Reader:
    """A stream's reader and their read grants (re-read with the session check)."""

    caller: Caller
    grants: list[policy.Grant]

    @classmethod
    async def load(cls, session: AsyncSession, caller: Caller) -> "Reader":
        facts = await policy.reader_facts(session, caller)
        return cls(caller, policy.read_grants(caller, facts))


def _report_event(reader: Reader, fed: FedEvent, now: datetime) -> EventPublic | None:
    row = fed.row
    if row is None or not policy.admits(reader.grants, row):
        return None
    placed = placement(reader.caller, row, now)
    return event_public(
        fed.event,
        row=row.item_for(reader.caller.id),
        queues=[QueuePlacement(queue=name, key=key) for name, key in placed.items()],
    )


def _summary_event(reader: Reader, fed: FedEvent, now: datetime) -> EventPublic | None:
    # A sent summary is the IROC watch's business only (SPEC §5).
    return event_public(fed.event) if summary_policy.may_summarise(reader.caller) else None


def _intel_lead_event(reader: Reader, fed: FedEvent, now: datetime) -> EventPublic | None:
    """Triage moves reach intel users only: intel_ops (who read every lead) all of them,
    hsi_intel the flags for HSI (the leads they may then read)."""
    caller = reader.caller
    if caller.has(Role.INTEL_OPS) or (
        caller.has(Role.HSI_INTEL) and fed.event.kind == EventKind.LEAD_FLAGGED_FOR_HSI
    ):
        return event_public(fed.event)
    return None


SHOWN_AS: dict[str, Callable[[Reader, FedEvent, datetime], EventPublic | None]] = {
    ObjectType.REPORT: _report_event,
    ObjectType.SUMMARY: _summary_event,
    ObjectType.INTEL_LEAD: _intel_lead_event,
}


def shown_to(reader: Reader, fed: FedEvent, now: datetime) -> EventPublic | None:
    """The event as ``reader`` receives it, or None when they may not see it."""
    if fed.event.kind not in EventKind._value2member_map_:
        return None
    rule = SHOWN_AS.get(fed.event.object_type)
    return rule(reader, fed, now) if rule else None


async def visible_events(session: AsyncSession, caller: Caller, events: list[Event]) -> list[Event]:
    """Of these events, the ones ``caller`` may see (for callers outside a stream)."""
    reader = await Reader.load(session, caller)
    now = datetime.now(UTC)  # only the queues' windows depend on it, not who sees what
    return [fed.event for fed in await with_rows(session, events) if shown_to(reader, fed, now)]
