"""Who sees a live event: decided per object type by that domain's read rule, so an event
never tells a reader about something they could not open. Deny by default: an event whose
object type has no rule here (or whose kind this server does not know) reaches nobody."""

from collections import defaultdict
from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.models import Event
from sen_server.principal import Caller
from sen_server.reports.policy import readable_report_ids
from shared.enums import EventKind, ObjectType

# Of these object ids, the ones the caller may read.
ReadableIds = Callable[[AsyncSession, Caller, set[str]], Awaitable[set[str]]]

VISIBILITY: dict[str, ReadableIds] = {
    ObjectType.REPORT: readable_report_ids,
}


async def visible_events(session: AsyncSession, caller: Caller, events: list[Event]) -> list[Event]:
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_id is not None:
            wanted[event.object_type].add(event.object_id)
    readable: dict[str, set[str]] = {}
    for object_type, ids in wanted.items():
        rule = VISIBILITY.get(object_type)
        readable[object_type] = await rule(session, caller, ids) if rule else set()
    return [
        e
        for e in events
        if e.kind in EventKind._value2member_map_
        and e.object_id in readable.get(e.object_type, set())
    ]
