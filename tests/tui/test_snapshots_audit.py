"""Audit review's screens at 80x24 and 120x36 (issue 14): the log narrowed by actor and
action, the failed-logon report and a verification's result. Same fixed server and frozen
clock as test_snapshots.py; the report and the verdict are shown with fixed values, since
failed logons and verification runs happen at real times.

Update with `pytest tests/tui/test_snapshots_audit.py --snapshot-update` after looking at
the report."""

from datetime import UTC, datetime
from typing import Any

import pytest
from textual.pilot import Pilot

from sen_tui.modals.audit_verification import AuditVerificationModal
from sen_tui.screens.failed_logons import FailedLogonsScreen
from shared.audit_review import (
    AuditVerification,
    FailedLogonReport,
    FailedLogonsBySource,
    FailedLogonsByUser,
)
from tests.support.servers import ServerProcess
from tests.support.tui import on_screen, screen_busy, wait_until
from tests.tui import test_snapshots as base
from tests.tui.test_snapshots import audit_of_the_seeding_only, signed_in

# The fixed server of test_snapshots.py (fixtures are found by name in this module).
fixed_server = base.fixed_server
server = base.server

pytestmark = pytest.mark.parametrize("size", ["80x24", "120x36"])

AT = datetime(2026, 3, 2, 9, 13, 0, tzinfo=UTC)
FIXED_REPORT = FailedLogonReport(
    since=datetime(2026, 3, 1, 9, 13, 0, tzinfo=UTC),
    until=AT,
    failures=9,
    by_user=[
        FailedLogonsByUser(user="agent.nyc", known=True, failures=4, lockouts=1, last_at=AT),
        FailedLogonsByUser(
            user="unknown:3f9a0c1e77b2d4a5", known=False, failures=3, lockouts=0, last_at=AT
        ),
        FailedLogonsByUser(user="sup.lax", known=True, failures=2, lockouts=0, last_at=AT),
    ],
    by_source=[
        FailedLogonsBySource(source="198.51.100.23", failures=7, users=3, last_at=AT),
        FailedLogonsBySource(source="10.20.30.40", failures=2, users=1, last_at=AT),
    ],
)
BROKEN = AuditVerification(
    ok=False,
    records=4182,
    checkpoints=41,
    anchors=41,
    first_bad_seq=4183,
    problem="content does not match its hash (the record was altered)",
    verified_at=AT,
)


def test_audit_filtered_by_actor_and_action(
    snap_compare: Any, server: ServerProcess, size: str
) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await audit_of_the_seeding_only(pilot)
        screen = pilot.app.screen
        screen.query_one("#audit-action").value = "report."
        await wait_until(
            pilot,
            lambda: (
                screen.page.items and all(r.action.startswith("report.") for r in screen.page.items)
            ),
            "the seeded user's report actions",
        )
        await wait_until(pilot, lambda: not screen_busy(pilot), "the page loaded")

    signed_in(snap_compare, server, size, "isso", then)


def test_failed_logon_report(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await pilot.press("l")
        await wait_until(pilot, lambda: on_screen(pilot, FailedLogonsScreen), "the report")
        screen = pilot.app.screen
        assert isinstance(screen, FailedLogonsScreen)
        await wait_until(pilot, lambda: screen.ready and not screen_busy(pilot), "loaded")
        screen.report = FIXED_REPORT
        screen.show(FIXED_REPORT)
        await pilot.pause()

    signed_in(snap_compare, server, size, "isso", then)


def test_audit_verification_broken(snap_compare: Any, server: ServerProcess, size: str) -> None:
    async def then(pilot: Pilot[Any]) -> None:
        await audit_of_the_seeding_only(pilot)
        pilot.app.push_screen(AuditVerificationModal(BROKEN))
        await wait_until(pilot, lambda: on_screen(pilot, AuditVerificationModal), "the verdict")

    signed_in(snap_compare, server, size, "isso", then)
