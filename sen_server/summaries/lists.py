"""Distribution lists: names and email addresses, managed by administrators. Every change
is an audit record naming the list and its addresses (addresses are officials' work
addresses, which the audit may hold; report content never goes near a list)."""

import re

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.writer import AuditEntry
from sen_server.errors import not_found, validation_failed
from sen_server.summaries.models import DistributionList
from sen_server.unit import UnitOfWork
from shared.enums import AuditAction
from shared.schemas import FieldError
from shared.summaries import (
    DistributionListCreate,
    DistributionListPublic,
    DistributionListRef,
    DistributionListUpdate,
)
from shared.validation import EMAIL_PATTERN

_EMAIL = re.compile(EMAIL_PATTERN)


def list_public(row: DistributionList) -> DistributionListPublic:
    return DistributionListPublic(
        id=row.id or 0,
        name=row.name,
        addresses=row.addresses,
        retired=row.retired,
        updated_at=row.updated_at,
    )


def list_ref(row: DistributionList) -> DistributionListRef:
    return DistributionListRef(id=row.id or 0, name=row.name, members=len(row.addresses))


async def all_lists(session: AsyncSession, *, retired: bool = True) -> list[DistributionList]:
    statement = select(DistributionList).order_by(col(DistributionList.name))
    if not retired:
        statement = statement.where(col(DistributionList.retired).is_(False))
    return list((await session.exec(statement)).all())


def _clean_addresses(addresses: list[str]) -> list[str]:
    errors = [
        FieldError(field=f"addresses.{i}", message="must be an email address")
        for i, address in enumerate(addresses)
        if len(address) > 254 or not _EMAIL.match(address.strip())
    ]
    if errors:
        raise validation_failed(errors)
    return list(dict.fromkeys(a.strip().lower() for a in addresses))


async def _check_name(session: AsyncSession, name: str, own_id: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise validation_failed([FieldError(field="name", message="must not be empty")])
    clash = (
        await session.exec(select(DistributionList.id).where(col(DistributionList.name) == name))
    ).first()
    if clash is not None and clash != own_id:
        raise validation_failed([FieldError(field="name", message="is taken by another list")])
    return name


def _audit(
    unit: UnitOfWork,
    action: AuditAction,
    row: DistributionList,
    changed: list[str] | None = None,
) -> None:
    details: dict[str, object] = {
        "name": row.name,
        "addresses": row.addresses,
        "retired": row.retired,
    }
    if changed is not None:  # an edit names the fields it changed (issue 14 item 4)
        details["fields"] = changed
    unit.audit(
        AuditEntry(
            action=action,
            object_type="distribution_list",
            object_id=str(row.id),
            details=details,
        )
    )


async def create_list(unit: UnitOfWork, data: DistributionListCreate) -> DistributionListPublic:
    now = unit.runtime.now()
    row = DistributionList(
        name=await _check_name(unit.session, data.name),
        addresses=_clean_addresses(data.addresses),
        created_at=now,
        updated_at=now,
    )
    unit.session.add(row)
    await unit.session.flush()
    _audit(unit, AuditAction.DISTRIBUTION_LIST_CREATE, row)
    return list_public(row)


async def _load(unit: UnitOfWork, list_id: int) -> DistributionList:
    row = await unit.session.get(DistributionList, list_id, with_for_update=True)
    if row is None:
        raise not_found("distribution list")
    return row


async def update_list(
    unit: UnitOfWork, list_id: int, data: DistributionListUpdate
) -> DistributionListPublic:
    row = await _load(unit, list_id)
    changed: list[str] = []
    if data.name is not None:
        name = await _check_name(unit.session, data.name, row.id)
        if name != row.name:
            row.name = name
            changed.append("name")
    if data.addresses is not None:
        addresses = _clean_addresses(data.addresses)
        if addresses != row.addresses:
            row.addresses = addresses
            changed.append("addresses")
    row.updated_at = unit.runtime.now()
    unit.session.add(row)
    _audit(unit, AuditAction.DISTRIBUTION_LIST_UPDATE, row, changed)
    return list_public(row)


async def retire_list(unit: UnitOfWork, list_id: int) -> DistributionListPublic:
    """A retired list is offered no more; summaries sent to it keep their recipients."""
    row = await _load(unit, list_id)
    row.retired = True
    row.updated_at = unit.runtime.now()
    unit.session.add(row)
    _audit(unit, AuditAction.DISTRIBUTION_LIST_RETIRE, row)
    return list_public(row)
