"""Demo outside agencies (SPEC §6), each with a certificate made at demo-build time. Their
keys are thrown away: the server encrypts to an agency and never decrypts."""

from sen_server.audit.writer import AuditActor
from sen_server.demo.certificates import make_recipient
from sen_server.intel.agencies import add_agency
from sen_server.runtime import Runtime
from sen_server.unit import UnitOfWork
from shared.intel import AgencyCreate

DEMO_AGENCIES = (
    (
        "Metro Joint Terrorism Task Force",
        "26 Federal Plaza, New York, NY 10278",
        "jttf.intake@example.gov",
    ),
    (
        "State Fusion Center (synthetic)",
        "100 Capitol Way, Albany, NY 12224",
        "fusion.desk@example.gov",
    ),
)


async def seed_agencies(runtime: Runtime, actor: AuditActor) -> None:
    async with UnitOfWork(runtime, actor) as unit:
        for name, address, email in DEMO_AGENCIES:
            # Valid since before the demo's month of reports, for a few years.
            recipient = make_recipient(
                name, runtime.now(), valid_days=3 * 365, valid_before_days=90
            )
            await add_agency(
                unit,
                AgencyCreate(
                    name=name,
                    address=address,
                    email=email,
                    certificate_pem=recipient.certificate_pem,
                ),
            )
