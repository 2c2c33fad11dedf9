"""Outside agencies (admin-managed data): a name, a postal address for the accounting, an
e-mail address for the e-mail channel, and the X.509 certificate exports are encrypted to.
A certificate that cannot receive an encrypted export now is refused with its reason.

An agency may be edited (a new certificate before the old one expires, a new address) or
removed: each disclosure keeps its own copy of the agency's name and address, so the
accounting outlives the agency (SPEC §6)."""

from datetime import datetime

from sqlmodel import col, select

from sen_server.audit.writer import AuditEntry
from sen_server.errors import ApiError, not_found, validation_failed
from sen_server.intel.certificates import CertificateProblem, checked_certificate
from sen_server.intel.models import Agency
from sen_server.unit import UnitOfWork
from shared.enums import AuditAction, ObjectType
from shared.intel import AgencyCreate, AgencyPublic, AgencyUpdate
from shared.schemas import FieldError


def agency_public(agency: Agency) -> AgencyPublic:
    return AgencyPublic(
        id=agency.id or 0,
        name=agency.name,
        address=agency.address,
        email=agency.email,
        certificate_subject=agency.certificate_subject,
        certificate_not_after=agency.certificate_not_after,
        created_at=agency.created_at,
    )


class _Checked:
    """The fields of an add or an edit, checked together so every refusal is named at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []
        self.subject = ""
        self.not_after: datetime | None = None

    def certificate(self, pem: str, now: datetime) -> None:
        try:
            certificate = checked_certificate(pem, now)
        except CertificateProblem as problem:
            self.errors.append(
                FieldError(field="certificate_pem", label="Certificate", message=str(problem))
            )
            return
        self.subject = certificate.subject.rfc4514_string()[:500]
        self.not_after = certificate.not_valid_after_utc

    def email(self, email: str) -> None:
        if email and "@" not in email:
            self.errors.append(
                FieldError(field="email", label="E-mail", message="is not an e-mail address")
            )

    def required(self, field: str, label: str, value: str) -> None:
        if not value.strip():
            self.errors.append(FieldError(field=field, label=label, message="must not be empty"))

    async def name(self, unit: UnitOfWork, name: str, own_id: int | None = None) -> None:
        self.required("name", "Name", name)
        taken = (
            await unit.session.exec(select(Agency.id).where(col(Agency.name) == name.strip()))
        ).first()
        if taken is not None and taken != own_id:
            self.errors.append(
                FieldError(field="name", label="Name", message="is taken by another agency")
            )

    def raise_if_refused(self) -> None:
        if self.errors:
            raise validation_failed(self.errors)


async def add_agency(unit: UnitOfWork, data: AgencyCreate) -> AgencyPublic:
    now = unit.runtime.now()
    checked = _Checked()
    checked.certificate(data.certificate_pem, now)
    checked.email(data.email)
    checked.required("address", "Address", data.address)
    await checked.name(unit, data.name)
    checked.raise_if_refused()
    agency = Agency(
        name=data.name.strip(),
        address=data.address.strip(),
        email=data.email.strip(),
        certificate_pem=data.certificate_pem.strip() + "\n",
        certificate_subject=checked.subject,
        certificate_not_after=checked.not_after or now,
        created_at=now,
    )
    unit.session.add(agency)
    await unit.session.flush()
    unit.audit(
        AuditEntry(
            action=AuditAction.AGENCY_ADD,
            object_type=ObjectType.AGENCY,
            object_id=str(agency.id),
            details={"fields": ["name", "address", "email", "certificate_pem"]},
        )
    )
    return agency_public(agency)


async def _load(unit: UnitOfWork, agency_id: int) -> Agency:
    agency = await unit.session.get(Agency, agency_id, with_for_update=True)
    if agency is None:
        raise not_found("agency")
    return agency


async def update_agency(unit: UnitOfWork, agency_id: int, data: AgencyUpdate) -> AgencyPublic:
    """Change what is given; the audit record names the fields that changed (no values)."""
    agency = await _load(unit, agency_id)
    checked = _Checked()
    if data.certificate_pem is not None:
        checked.certificate(data.certificate_pem, unit.runtime.now())
    if data.email is not None:
        checked.email(data.email)
    if data.address is not None:
        checked.required("address", "Address", data.address)
    if data.name is not None:
        await checked.name(unit, data.name, agency.id)
    checked.raise_if_refused()
    new = {
        "name": data.name.strip() if data.name is not None else agency.name,
        "address": data.address.strip() if data.address is not None else agency.address,
        "email": data.email.strip() if data.email is not None else agency.email,
    }
    if data.certificate_pem is not None:
        new["certificate_pem"] = data.certificate_pem.strip() + "\n"
    changed = sorted(name for name, value in new.items() if getattr(agency, name) != value)
    for name in changed:
        setattr(agency, name, new[name])
    if "certificate_pem" in changed:
        agency.certificate_subject = checked.subject
        agency.certificate_not_after = checked.not_after or agency.certificate_not_after
    unit.session.add(agency)
    unit.audit(
        AuditEntry(
            action=AuditAction.AGENCY_UPDATE,
            object_type=ObjectType.AGENCY,
            object_id=str(agency.id),
            details={"fields": changed},
        )
    )
    return agency_public(agency)


async def remove_agency(unit: UnitOfWork, agency_id: int) -> None:
    """Offered no more as a recipient; past disclosures keep their copy of it."""
    agency = await _load(unit, agency_id)
    await unit.session.delete(agency)
    unit.audit(
        AuditEntry(
            action=AuditAction.AGENCY_REMOVE,
            object_type=ObjectType.AGENCY,
            object_id=str(agency_id),
        )
    )


async def list_agencies(unit: UnitOfWork) -> list[AgencyPublic]:
    rows = await unit.session.exec(select(Agency).order_by(col(Agency.name)))
    unit.audit(AuditEntry(action=AuditAction.AGENCY_LIST, object_type=ObjectType.AGENCY))
    return [agency_public(a) for a in rows.all()]


def unknown_agency() -> ApiError:
    return validation_failed(
        [FieldError(field="agency_id", label="Agency", message="is not a known agency")]
    )
