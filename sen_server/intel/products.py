"""Intel products (SPEC §6): written by an ``intel_ops`` analyst from one or more leads the
analyst may read. A product starts with every PII-tagged field of its leads removed
(``redaction``); a field comes back only as a put-back with a written justification, kept
with the product and shown to the authorizer. A different ``intel_ops`` analyst authorizes
it (two-person rule); any edit afterwards voids the authorization.

Audit details name fields and counts, never values; the product's text is not in them."""

from typing import Any

from sqlmodel import col, select

from sen_server.audit.writer import AuditEntry
from sen_server.errors import ApiError, validation_failed
from sen_server.intel import policy as intel_policy
from sen_server.intel.models import IntelProduct
from sen_server.intel.redaction import put_back, strip_pii
from sen_server.models import Report, User
from sen_server.principal import Caller
from sen_server.reports import policy
from sen_server.unit import UnitOfWork
from shared.catalogue import get_type
from shared.enums import AuditAction, ObjectType, ReportStatus, ReportType
from shared.intel import (
    MIN_JUSTIFICATION,
    ProductAction,
    ProductCreate,
    ProductPublic,
    ProductStatus,
    ProductSummary,
    ProductUpdate,
    PutBack,
    PutBackPublic,
    RemovedField,
)
from shared.schemas import FieldError

PUBLISHED = (ReportStatus.SUBMITTED, ReportStatus.CLOSED)


def product_entry(
    action: str, product_id: int | None, outcome: str = "success", **details: Any
) -> AuditEntry:
    return AuditEntry(
        action=action,
        outcome=outcome,
        object_type=ObjectType.INTEL_PRODUCT,
        object_id=str(product_id) if product_id is not None else None,
        details=details,
    )


def no_product(action: str, product_id: int) -> ApiError:
    return ApiError(
        404,
        "not_found",
        "No such intel product.",
        audit=product_entry(action, product_id, "denied", reason="not_found"),
    )


async def _readable_leads(
    unit: UnitOfWork, caller: Caller, lead_ids: list[str]
) -> dict[str, Report]:
    """The leads by id; a lead the caller may not read is a field error (422), named by its
    place in the list, the same answer as for one that does not exist (IDs don't leak)."""
    leads: dict[str, Report] = {}
    errors: list[FieldError] = []
    for index, lead_id in enumerate(lead_ids):
        report = await policy.readable_report(unit.session, caller, lead_id)
        if report is None or report.type != ReportType.ERO_LEAD or report.status not in PUBLISHED:
            errors.append(
                FieldError(
                    field=f"lead_ids.{index}",
                    label=f"Leads {index + 1}",
                    message="is not a submitted lead you may read",
                )
            )
        elif lead_id in leads:
            errors.append(
                FieldError(
                    field=f"lead_ids.{index}", label=f"Leads {index + 1}", message="is listed twice"
                )
            )
        else:
            leads[lead_id] = report
    if errors:
        raise validation_failed(errors)
    return leads


def _compose(
    leads: dict[str, Report], put_backs: list[PutBack], by: str
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Each lead's body stripped of PII, the fields removed, and the put-backs applied
    (each checked: a removed field of a lead of the product, with a justification)."""
    content: dict[str, Any] = {}
    removed: dict[tuple[str, str], str] = {}
    for lead_id, report in leads.items():
        stripped = strip_pii(get_type(report.type), report.body)
        content[lead_id] = stripped.body
        removed.update({(lead_id, path): label for path, label in stripped.removed.items()})
    errors: list[FieldError] = []
    kept: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(put_backs):
        key = (item.report_id, item.field)
        label = f"Put-backs {index + 1}"
        if key not in removed or key in seen:
            errors.append(
                FieldError(
                    field=f"put_backs.{index}.field",
                    label=f"{label} · Field",
                    message="is not a removed personal-data field of this product's leads",
                )
            )
            continue
        justification = item.justification.strip()
        if len(justification) < MIN_JUSTIFICATION:
            errors.append(
                FieldError(
                    field=f"put_backs.{index}.justification",
                    label=f"{label} · Justification",
                    message=f"needs at least {MIN_JUSTIFICATION} characters saying why "
                    "this personal data must be shared",
                )
            )
            continue
        seen.add(key)
        put_back(content[item.report_id], leads[item.report_id].body, item.field)
        kept.append(
            {
                "report_id": item.report_id,
                "field": item.field,
                "label": removed[key],
                "justification": justification,
                "by": by,
            }
        )
    if errors:
        raise validation_failed(errors)
    still_removed = [
        {"report_id": lead_id, "field": path, "label": label}
        for (lead_id, path), label in removed.items()
        if (lead_id, path) not in seen
    ]
    return content, still_removed, kept


async def create_product(unit: UnitOfWork, caller: Caller, data: ProductCreate) -> ProductPublic:
    leads = await _readable_leads(unit, caller, data.lead_ids)
    content, removed, kept = _compose(leads, data.put_backs, caller.user.username)
    now = unit.runtime.now()
    product = IntelProduct(
        title=data.title.strip(),
        summary=data.summary,
        caveats=data.caveats,
        marking=data.marking.strip(),
        lead_ids=list(leads),
        content=content,
        removed=removed,
        put_backs=kept,
        status=ProductStatus.DRAFT,
        author_id=caller.id,
        created_at=now,
        updated_at=now,
    )
    unit.session.add(product)
    await unit.session.flush()
    unit.audit(
        product_entry(
            AuditAction.PRODUCT_CREATE,
            product.id,
            report_ids=product.lead_ids,
            removed_fields=len(removed),
            put_backs=[f"{p['report_id']}:{p['field']}" for p in kept],
        )
    )
    return await product_public(unit, caller, product)


async def load_product(
    unit: UnitOfWork, caller: Caller, product_id: int, action: str, *, lock: bool = False
) -> IntelProduct:
    product = await unit.session.get(IntelProduct, product_id)
    if product is None or not intel_policy.may_read_products(caller):
        raise no_product(action, product_id)
    if lock:
        await unit.session.refresh(product, with_for_update=True)
    return product


def _stale(unit: UnitOfWork, product: IntelProduct, base_revision: int, action: str) -> None:
    if product.revision != base_revision:
        raise ApiError(
            409,
            "version_conflict",
            f"IP-{product.id} changed since you loaded it (now revision {product.revision}).",
            extra={"revision": product.revision},
        )


def _refuse(action: str, product: IntelProduct, reason: str, detail: str) -> ApiError:
    return ApiError(
        403, reason, detail, audit=product_entry(action, product.id, "denied", reason=reason)
    )


async def update_product(
    unit: UnitOfWork, caller: Caller, product_id: int, data: ProductUpdate
) -> ProductPublic:
    action = AuditAction.PRODUCT_UPDATE
    product = await load_product(unit, caller, product_id, action, lock=True)
    if ProductAction.EDIT not in intel_policy.product_actions(caller, product):
        raise _refuse(action, product, "not_allowed", "You may not edit this product.")
    _stale(unit, product, data.base_revision, action)
    changed = [
        name
        for name in ("title", "summary", "caveats", "marking")
        if (value := getattr(data, name)) is not None and value != getattr(product, name)
    ]
    for name in changed:
        setattr(product, name, getattr(data, name))
    if data.put_backs is not None:
        leads = await _readable_leads(unit, caller, product.lead_ids)
        content, removed, kept = _compose(leads, data.put_backs, caller.user.username)
        # A put-back kept from before keeps its original author.
        before = {(p["report_id"], p["field"]): p for p in product.put_backs}
        for p in kept:
            old = before.get((p["report_id"], p["field"]))
            if old and old["justification"] == p["justification"]:
                p["by"] = old["by"]
        if kept != product.put_backs:
            changed.append("put_backs")
        product.content, product.removed, product.put_backs = content, removed, kept
    voided = bool(changed) and product.status == ProductStatus.AUTHORIZED
    if changed:
        product.revision += 1
        product.updated_at = unit.runtime.now()
        # Any edit voids an authorization: the second analyst authorized what they read.
        product.status = ProductStatus.DRAFT
        product.authorized_by_id = None
        product.authorized_at = None
        unit.session.add(product)
    unit.audit(product_entry(action, product.id, changed=changed, voided_authorization=voided))
    return await product_public(unit, caller, product)


async def authorize_product(
    unit: UnitOfWork, caller: Caller, product_id: int, base_revision: int
) -> ProductPublic:
    action = AuditAction.PRODUCT_AUTHORIZE
    product = await load_product(unit, caller, product_id, action, lock=True)
    if not intel_policy.may_write_products(caller):
        raise _refuse(action, product, "not_allowed", "You may not authorize products.")
    if product.author_id == caller.id:
        raise _refuse(
            action,
            product,
            "two_person_rule",
            "You wrote this product; a different intelligence analyst must authorize it.",
        )
    if ProductAction.AUTHORIZE not in intel_policy.product_actions(caller, product):
        raise ApiError(409, "already_authorized", f"IP-{product.id} is authorized already.")
    _stale(unit, product, base_revision, action)
    product.status = ProductStatus.AUTHORIZED
    product.authorized_by_id = caller.id
    product.authorized_at = unit.runtime.now()
    unit.session.add(product)
    unit.audit(product_entry(action, product.id, revision=product.revision))
    return await product_public(unit, caller, product)


async def _usernames(unit: UnitOfWork, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await unit.session.exec(select(User.id, User.username).where(col(User.id).in_(wanted)))
    return {int(i): name for i, name in rows.all() if i is not None}


async def product_public(unit: UnitOfWork, caller: Caller, product: IntelProduct) -> ProductPublic:
    names = await _usernames(unit, {product.author_id, product.authorized_by_id})
    return ProductPublic(
        id=product.id or 0,
        title=product.title,
        summary=product.summary,
        caveats=product.caveats,
        marking=product.marking,
        lead_ids=product.lead_ids,
        content=product.content,
        removed=[RemovedField(**r) for r in product.removed],
        put_backs=[PutBackPublic(**p) for p in product.put_backs],
        status=ProductStatus(product.status),
        author=names.get(product.author_id, ""),
        authorized_by=names.get(product.authorized_by_id) if product.authorized_by_id else None,
        authorized_at=product.authorized_at,
        revision=product.revision,
        created_at=product.created_at,
        updated_at=product.updated_at,
        allowed_actions=intel_policy.product_actions(caller, product),
    )


async def view_product(unit: UnitOfWork, caller: Caller, product_id: int) -> ProductPublic:
    product = await load_product(unit, caller, product_id, AuditAction.PRODUCT_VIEW)
    unit.audit(product_entry(AuditAction.PRODUCT_VIEW, product.id, revision=product.revision))
    return await product_public(unit, caller, product)


async def list_products(
    unit: UnitOfWork, caller: Caller, status: ProductStatus | None, offset: int, limit: int
) -> list[ProductSummary]:
    statement = select(IntelProduct)
    if status is not None:
        statement = statement.where(col(IntelProduct.status) == status.value)
    statement = statement.order_by(col(IntelProduct.updated_at).desc(), col(IntelProduct.id).desc())
    products = list((await unit.session.exec(statement.offset(offset).limit(limit))).all())
    names = await _usernames(unit, {p.author_id for p in products})
    unit.audit(
        AuditEntry(
            action=AuditAction.PRODUCT_LIST,
            object_type=ObjectType.INTEL_PRODUCT,
            details={"product_ids": [p.id for p in products]},
        )
    )
    return [
        ProductSummary(
            id=p.id or 0,
            title=p.title,
            status=ProductStatus(p.status),
            author=names.get(p.author_id, ""),
            lead_count=len(p.lead_ids),
            updated_at=p.updated_at,
            allowed_actions=intel_policy.product_actions(caller, p),
        )
        for p in products
    ]
