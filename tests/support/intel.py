"""Steps through the intelligence API (SPEC §6) that its tests share."""

from datetime import datetime
from typing import Any

from sen_server.demo.certificates import Recipient, make_recipient
from tests.support.factories import complete_report
from tests.support.flows import create_and_publish, expect

JUSTIFICATION = "The receiving task force must match this subject to its open case file."


async def lead(
    client: Any,
    officer: dict[str, str],
    now: datetime,
    seed: int,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A submitted ERO_LEAD about a person (``body`` replaces the generated one)."""
    if body is None:
        return await create_and_publish(client, officer, "ERO_LEAD", now, seed=seed)
    payload = complete_report("ERO_LEAD", now=now, seed=seed)
    payload["body"] = body
    draft = expect(await client.post("/api/v1/reports", json=payload, headers=officer), 201, "lead")
    return expect(
        await client.post(
            f"/api/v1/reports/{draft['id']}/submit",
            json={"base_revision": draft["revision"]},
            headers=officer,
        ),
        200,
        "submit lead",
    )


async def add_agency(
    client: Any, admin: dict[str, str], now: datetime, name: str = "Test Task Force"
) -> tuple[dict[str, Any], Recipient]:
    recipient = make_recipient(name, now)
    agency = expect(
        await client.post(
            "/api/v1/admin/agencies",
            json={
                "name": name,
                "address": "1 Example Plaza, Springfield",
                "email": "intake@example.gov",
                "certificate_pem": recipient.certificate_pem,
            },
            headers=admin,
        ),
        201,
        "add agency",
    )
    return agency, recipient


async def product(
    client: Any, analyst: dict[str, str], lead_ids: list[str], **extra: Any
) -> dict[str, Any]:
    payload = {"lead_ids": lead_ids, "title": "Smuggling route activity", "summary": "Pattern."}
    return expect(
        await client.post("/api/v1/intel/products", json={**payload, **extra}, headers=analyst),
        201,
        "create product",
    )


async def authorize(client: Any, analyst: dict[str, str], made: dict[str, Any]) -> dict[str, Any]:
    return expect(
        await client.post(
            f"/api/v1/intel/products/{made['id']}/authorize",
            json={"base_revision": made["revision"]},
            headers=analyst,
        ),
        200,
        "authorize",
    )


async def disseminate(
    client: Any,
    analyst: dict[str, str],
    made: dict[str, Any],
    agency_id: int,
    channel: str = "file",
) -> Any:
    return await client.post(
        f"/api/v1/intel/products/{made['id']}/disseminations",
        json={
            "base_revision": made["revision"],
            "agency_id": agency_id,
            "purpose": "Joint investigation of a smuggling network",
            "channel": channel,
        },
        headers=analyst,
    )
