"""The intelligence screens at 80x24 and 120x36 (issue 12): the leads to triage, the
products, the product editor with its removed fields and put-backs, the justification
prompt, the dissemination dialog and the accounting of disclosures for a report.

The data is written through the real API with a frozen clock before the server process
starts (as in test_snapshots.py); each snapshot waits for what it shows."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from textual.pilot import Pilot

from sen_server.app import create_app
from sen_server.demo.certificates import make_recipient
from sen_tui.modals.disseminate import DisseminateModal
from sen_tui.modals.prompt import TextPromptModal
from sen_tui.screens.intel import IntelScreen
from sen_tui.screens.intel_product import ProductScreen
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.databases import server_settings
from tests.support.demo import seed_demo
from tests.support.factories import complete_report
from tests.support.intel import JUSTIFICATION
from tests.support.servers import ServerProcess
from tests.support.tui import in_workspace, on_screen, screen_busy, type_text, wait_until
from tests.tui.snapshot_data import DATA_TIME
from tests.tui.test_snapshots import SIZES, signed_in

pytestmark = pytest.mark.parametrize("size", list(SIZES))


async def _seed(settings: Any) -> dict[str, Any]:
    await seed_demo(settings, reports=0)
    clock = FakeClock(DATA_TIME)
    async with AsyncTestClient(app=create_app(settings, clock=clock)) as client:
        officer, ops1, ops2, admin = [
            await login(client, u) for u in ("officer.nyc", "intel.ops1", "intel.ops2", "admin")
        ]

        async def call(headers: dict[str, str], method: str, path: str, payload: Any) -> Any:
            clock.advance(minutes=1)
            response = await client.request(method, f"/api/v1{path}", json=payload, headers=headers)
            assert response.is_success, response.text
            return response.json()

        leads = []
        for seed, title in (
            (21, "Suspected document fraud ring"),
            (22, "Tip on a smuggling route"),
        ):
            payload = complete_report("ERO_LEAD", now=DATA_TIME, seed=seed, title=title)
            draft = await call(officer, "POST", "/reports", payload)
            base = {"base_revision": draft["revision"]}
            leads.append(await call(officer, "POST", f"/reports/{draft['id']}/submit", base))
        first = leads[0]["id"]
        await call(ops1, "POST", f"/intel/leads/{first}/triage", {"state": "reviewed"})
        product = await call(
            ops1,
            "POST",
            "/intel/products",
            {
                "lead_ids": [first],
                "title": "Document fraud ring, east coast",
                "summary": "A ring selling forged identity documents.",
                "caveats": "Not for further release.",
                "put_backs": [
                    {"report_id": first, "field": "entity.a_number", "justification": JUSTIFICATION}
                ],
            },
        )
        ready = await call(
            ops2, "POST", f"/intel/products/{product['id']}/authorize", {"base_revision": 1}
        )
        # Its certificate is valid at the data's frozen time (the demo's are made for today).
        recipient = make_recipient("Snapshot Task Force", DATA_TIME)
        agency = await call(
            admin,
            "POST",
            "/admin/agencies",
            {
                "name": "Snapshot Task Force",
                "address": "1 Example Plaza, Springfield",
                "certificate_pem": recipient.certificate_pem,
            },
        )
        await call(
            ops1,
            "POST",
            f"/intel/products/{product['id']}/disseminations",
            {
                "base_revision": ready["revision"],
                "agency_id": agency["id"],
                "purpose": "Joint investigation of the ring",
                "channel": "file",
            },
        )
        return {"lead": first, "product": product["id"]}


@pytest.fixture(scope="module")
async def intel_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[ServerProcess, dict[str, Any]]]:
    from sen_server.migrate import upgrade_async

    settings = server_settings(tmp_path_factory.mktemp("intel-snapshots"))
    await upgrade_async(settings)
    ids = await _seed(settings)
    server = ServerProcess(settings)
    server.start()
    try:
        yield server, ids
    finally:
        server.stop()


async def _intel(pilot: Pilot[Any]) -> IntelScreen:
    pilot.app.switch_workspace("intel")
    await wait_until(
        pilot, lambda: in_workspace(pilot) and on_screen(pilot, IntelScreen), "intelligence"
    )
    await wait_until(pilot, lambda: not screen_busy(pilot), "loaded")
    screen = pilot.app.screen
    assert isinstance(screen, IntelScreen)
    return screen


async def _editor(pilot: Pilot[Any]) -> ProductScreen:
    screen = await _intel(pilot)
    await pilot.press("2")
    await wait_until(pilot, lambda: screen.current_product() is not None, "products")
    await pilot.press("enter")
    await wait_until(pilot, lambda: on_screen(pilot, ProductScreen), "the editor")
    editor = pilot.app.screen
    assert isinstance(editor, ProductScreen)
    return editor


def test_intel_leads(snap_compare: Any, intel_server: Any, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        screen = await _intel(pilot)
        await wait_until(pilot, lambda: screen.current_lead() is not None, "leads")

    signed_in(snap_compare, intel_server[0], size, "intel.ops1", then)


def test_intel_products(snap_compare: Any, intel_server: Any, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        screen = await _intel(pilot)
        await pilot.press("2")
        await wait_until(pilot, lambda: screen.current_product() is not None, "products")

    signed_in(snap_compare, intel_server[0], size, "intel.ops1", then)


def test_intel_product_editor(snap_compare: Any, intel_server: Any, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await _editor(pilot)

    signed_in(snap_compare, intel_server[0], size, "intel.ops1", then)


def test_intel_put_back_prompt(snap_compare: Any, intel_server: Any, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await _editor(pilot)
        await pilot.press("b")
        await wait_until(pilot, lambda: on_screen(pilot, TextPromptModal), "the prompt")

    signed_in(snap_compare, intel_server[0], size, "intel.ops1", then)


def test_intel_disseminate_dialog(snap_compare: Any, intel_server: Any, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await _editor(pilot)
        await pilot.press("d")
        await wait_until(pilot, lambda: on_screen(pilot, DisseminateModal), "the dialog")

    signed_in(snap_compare, intel_server[0], size, "intel.ops1", then)


def test_intel_disclosures(snap_compare: Any, intel_server: Any, size: str) -> None:
    lead = intel_server[1]["lead"]

    async def then(pilot: Pilot[Any]) -> None:
        screen = await _intel(pilot)
        await pilot.press("3")  # the Disclosures tab
        await pilot.press("slash")
        await wait_until(pilot, lambda: on_screen(pilot, TextPromptModal), "the prompt")
        await type_text(pilot, lead)
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(screen.found) == 1, "the disclosure")

    signed_in(snap_compare, intel_server[0], size, "hsi.intel", then)
