"""A new report's starting values (issue 10 item 3, SPEC §1): the author's and their
supervisor's contact blocks filled from their profiles, and a SPOT's time set to now.

Which block is whose is the catalogue's to say (``FieldSpec.prefill``); the client only
shows what the server starts it with, so no copy of that rule lives in the client.
"""

from typing import Any

from sen_server.audit.writer import AuditEntry
from sen_server.errors import ApiError
from sen_server.models import Office, User
from sen_server.principal import Caller
from sen_server.reports import policy
from sen_server.unit import UnitOfWork
from shared.catalogue import get_type
from shared.enums import AuditAction, Priority, ReportType
from shared.fields import Prefill
from shared.schemas import ReportStart
from shared.validation import validate_body


async def starting_values(unit: UnitOfWork, caller: Caller, code: ReportType) -> ReportStart:
    if code not in policy.creatable_types(caller):
        raise ApiError(
            403,
            "type_not_permitted",
            f"Your roles may not create {code} reports.",
            audit=AuditEntry(
                action=AuditAction.REPORT_START,
                outcome="denied",
                object_type="report",
                details={"type": code, "reason": "type_not_permitted"},
            ),
        )
    spec = get_type(code)
    people = {Prefill.AUTHOR: caller.user, Prefill.SUPERVISOR: await _supervisor(unit, caller)}
    body: dict[str, Any] = {}
    for f in spec.fields:
        person = people.get(f.prefill) if f.prefill else None
        if person is not None:
            body[f.name] = await _contact(unit, person)
    body = _valid_part(spec.code, body)
    # Field names only: the values are officials' contact details (SPEC §2: need-to-know).
    unit.audit(
        AuditEntry(
            action=AuditAction.REPORT_START,
            object_type="report",
            details={"type": code, "prefilled": sorted(body)},
        )
    )
    now = unit.runtime.now()
    return ReportStart(
        type=code,
        event_at=now.replace(second=0, microsecond=0) if spec.event_at_now else None,
        priority=Priority(spec.default_priority),
        body=body,
    )


async def _supervisor(unit: UnitOfWork, caller: Caller) -> User | None:
    supervisor_id = caller.user.supervisor_id
    if supervisor_id is None:
        return None
    supervisor = await unit.session.get(User, supervisor_id)
    return None if supervisor is None or supervisor.disabled else supervisor


async def _contact(unit: UnitOfWork, user: User) -> dict[str, str]:
    office = await unit.session.get(Office, user.office_id) if user.office_id else None
    values = {
        "name": user.display_name,
        "title": user.title,
        "office_agency": office.name if office else "",
        "phone": user.phone,
        "email": user.email,
    }
    return {name: value for name, value in values.items() if value}


def _valid_part(code: str, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` without the values the report itself would refuse (a profile's phone
    number in a shape the form does not take): the author types those in."""
    _, errors = validate_body(get_type(code), body, for_submit=False)
    for error in errors:
        _, name, *rest = error.field.split(".")
        if rest and isinstance(body.get(name), dict):
            body[name].pop(rest[0], None)
        else:
            body.pop(name, None)
    return body
