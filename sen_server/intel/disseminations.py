"""Disseminations and the accounting of disclosures (SPEC §6, 5 U.S.C. 552a(c)).

Disseminating an authorized product encrypts it to the agency's certificate (``smime``),
hands the encrypted message to the outbox (the e-mail channel, or a file for hand
delivery) and writes the accounting entry, all in one transaction: a disclosure is
accounted for exactly when its export is on its way. The entry keeps its own copies of the
agency, the report ids and the persons concerned, so it answers "every disclosure of report
Y" and "every disclosure concerning A-number X" after the lead's content is gone."""

import base64
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import col, select

from sen_server.audit.writer import AuditEntry
from sen_server.errors import ApiError, validation_failed
from sen_server.intel import policy as intel_policy
from sen_server.intel.agencies import unknown_agency
from sen_server.intel.certificates import encryption_problem, load_certificate
from sen_server.intel.models import Agency, Disclosure, DisclosurePerson, DisclosureReport
from sen_server.intel.products import load_product, product_entry
from sen_server.intel.redaction import name_key, persons_in
from sen_server.intel.smime import encrypted_export
from sen_server.models import Report
from sen_server.principal import Caller
from sen_server.unit import UnitOfWork
from shared.enums import AuditAction, ObjectType
from shared.intel import (
    DisclosurePersonPublic,
    DisclosurePublic,
    DisseminationCreate,
    ExportChannel,
    ProductAction,
)
from shared.schemas import FieldError

EXPORT_KIND = "intel.export"
MIN_PURPOSE = 10


async def disseminate(
    unit: UnitOfWork, caller: Caller, product_id: int, data: DisseminationCreate
) -> DisclosurePublic:
    action = AuditAction.DISSEMINATE
    product = await load_product(unit, caller, product_id, action, lock=True)
    if ProductAction.DISSEMINATE not in intel_policy.product_actions(caller, product):
        reason = "not_authorized" if intel_policy.may_disseminate(caller) else "not_allowed"
        detail = (
            f"IP-{product.id} is not authorized: a second analyst must authorize it first."
            if reason == "not_authorized"
            else "You may not disseminate products."
        )
        raise ApiError(
            409 if reason == "not_authorized" else 403,
            reason,
            detail,
            audit=product_entry(action, product.id, "denied", reason=reason),
        )
    if product.revision != data.base_revision:
        raise ApiError(
            409,
            "version_conflict",
            f"IP-{product.id} changed since you loaded it (now revision {product.revision}).",
            extra={"revision": product.revision},
        )
    errors: list[FieldError] = []
    if len(data.purpose.strip()) < MIN_PURPOSE:
        errors.append(
            FieldError(
                field="purpose",
                label="Purpose",
                message=f"needs at least {MIN_PURPOSE} characters (it is kept in the accounting)",
            )
        )
    agency = await unit.session.get(Agency, data.agency_id)
    now = unit.runtime.now()
    certificate = None
    if agency is None:
        errors.append(unknown_agency().errors[0])
    else:
        certificate = load_certificate(agency.certificate_pem)
        problem = encryption_problem(certificate, now)
        if problem:
            errors.append(
                FieldError(field="agency_id", label="Agency", message=f"certificate {problem}")
            )
        if data.channel == ExportChannel.EMAIL and not agency.email:
            errors.append(
                FieldError(
                    field="channel", label="Channel", message="needs an agency e-mail address"
                )
            )
    if errors or agency is None or certificate is None:
        raise validation_failed(errors)
    export = encrypted_export(product, certificate, agency.email or agency.name, now)
    disclosure = Disclosure(
        disclosed_at=now,
        agency_id=agency.id,
        agency_name=agency.name,
        agency_address=agency.address,
        purpose=data.purpose.strip(),
        channel=data.channel,
        product_id=product.id or 0,
        product_title=product.title,
        product_revision=product.revision,
        recorded_by=caller.user.username,
        export_name="",
        message_sha256=export.sha256,
    )
    unit.session.add(disclosure)
    await unit.session.flush()
    disclosure.export_name = f"IP-{product.id}-D{disclosure.id}.eml"
    leads = {
        lead.id: lead
        for lead in (
            await unit.session.exec(select(Report).where(col(Report.id).in_(product.lead_ids)))
        ).all()
    }
    for report_id in product.lead_ids:
        unit.session.add(DisclosureReport(disclosure_id=disclosure.id or 0, report_id=report_id))
    # The persons in the product's order of leads: the accounting lists them as recorded,
    # and an IN without ORDER BY comes back in whatever order the database finds them.
    for lead in (leads[report_id] for report_id in product.lead_ids if report_id in leads):
        for a_number, name in persons_in(lead.body):
            unit.session.add(
                DisclosurePerson(
                    disclosure_id=disclosure.id or 0,
                    report_id=lead.id,
                    a_number=a_number.upper() if a_number else None,
                    name=name,
                    name_key=name_key(name) if name else None,
                )
            )
    unit.session.add(disclosure)
    unit.enqueue(
        EXPORT_KIND,
        {
            "disclosure_id": disclosure.id,
            "channel": data.channel.value,
            "file_name": disclosure.export_name,
            "message": base64.b64encode(export.message).decode("ascii"),
        },
        subject=f"disclosure:{disclosure.id}",
    )
    unit.audit(
        AuditEntry(
            action=action,
            object_type=ObjectType.DISCLOSURE,
            object_id=str(disclosure.id),
            details={
                "product_id": product.id,
                "revision": product.revision,
                "agency_id": agency.id,
                "channel": data.channel.value,
                "report_ids": product.lead_ids,
                "sha256": export.sha256,
            },
        )
    )
    await unit.session.flush()
    return (await _public(unit, [disclosure]))[0]


async def _public(unit: UnitOfWork, disclosures: list[Disclosure]) -> list[DisclosurePublic]:
    ids = [d.id for d in disclosures]
    reports: dict[int, list[str]] = {}
    persons: dict[int, list[DisclosurePersonPublic]] = {}
    if ids:
        for row in (
            await unit.session.exec(
                select(DisclosureReport)
                .where(col(DisclosureReport.disclosure_id).in_(ids))
                .order_by(col(DisclosureReport.id))
            )
        ).all():
            reports.setdefault(row.disclosure_id, []).append(row.report_id)
        for person in (
            await unit.session.exec(
                select(DisclosurePerson)
                .where(col(DisclosurePerson.disclosure_id).in_(ids))
                .order_by(col(DisclosurePerson.id))
            )
        ).all():
            persons.setdefault(person.disclosure_id, []).append(
                DisclosurePersonPublic(
                    report_id=person.report_id, a_number=person.a_number, name=person.name
                )
            )
    return [
        DisclosurePublic(
            id=d.id or 0,
            disclosed_at=d.disclosed_at,
            agency_name=d.agency_name,
            agency_address=d.agency_address,
            purpose=d.purpose,
            channel=ExportChannel(d.channel),
            product_id=d.product_id,
            product_title=d.product_title,
            report_ids=reports.get(d.id or 0, []),
            persons=persons.get(d.id or 0, []),
            recorded_by=d.recorded_by,
            export_name=d.export_name,
        )
        for d in disclosures
    ]


async def disclosures(
    unit: UnitOfWork,
    report_id: str | None,
    a_number: str | None,
    name: str | None,
    offset: int,
    limit: int,
) -> list[DisclosurePublic]:
    """The accounting, for one report, one A-number or one name (exactly one of them). The
    audit record says which key was asked and what was shown, never the A-number or name."""
    given = {
        k: v for k, v in (("report_id", report_id), ("a_number", a_number), ("name", name)) if v
    }
    if len(given) != 1:
        raise validation_failed(
            [
                FieldError(
                    field="report_id",
                    label="Report, A-number or name",
                    message="exactly one of report_id, a_number and name is needed",
                )
            ]
        )
    condition: ColumnElement[bool]
    if report_id:
        condition = col(Disclosure.id).in_(
            select(DisclosureReport.disclosure_id).where(
                col(DisclosureReport.report_id) == report_id
            )
        )
    elif a_number:
        condition = col(Disclosure.id).in_(
            select(DisclosurePerson.disclosure_id).where(
                col(DisclosurePerson.a_number) == a_number.strip().upper()
            )
        )
    else:
        condition = col(Disclosure.id).in_(
            select(DisclosurePerson.disclosure_id).where(
                col(DisclosurePerson.name_key) == name_key(name or "")
            )
        )
    statement = (
        select(Disclosure)
        .where(condition)
        .order_by(col(Disclosure.disclosed_at).desc(), col(Disclosure.id).desc())
        .offset(offset)
        .limit(limit)
    )
    found = list((await unit.session.exec(statement)).all())
    details: dict[str, Any] = {"by": next(iter(given)), "disclosure_ids": [d.id for d in found]}
    if report_id:
        details["report_id"] = report_id
    unit.audit(
        AuditEntry(
            action=AuditAction.DISCLOSURES_READ, object_type=ObjectType.DISCLOSURE, details=details
        )
    )
    return await _public(unit, found)
