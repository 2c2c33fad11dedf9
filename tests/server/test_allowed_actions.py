"""What a report says its reader may do is what the server lets them do, on SQLite and
PostgreSQL (issue 8: "allowed_actions equals what the server actually accepts").

For every report type, every status the workflow can produce and one demo user per role
(met in their most telling relation to the report, SPEC §11), the reader's
``allowed_actions`` (none where the report answers 404) is checked against the server's
behaviour by attempting every ``ReportAction``: a listed action must succeed, an unlisted
one must be refused and leave the report as it was. The table of who may do what is not
written out here: the server's answer is held to the server's behaviour, plus a few
spot checks from SPEC §1 and §3 that any sensible table contains.

Each (type, status) is built once through the API, bypassing review where the type allows
it. Refused attempts share that copy (they change nothing), and so do acknowledgments (they
touch only the caller's own delivery); every other accepted action gets a fresh copy built
the same way. Types without review (SPOT, NEWS) are never in review nor returned: the
workflow cannot produce those combinations, so they are left out (see ``producible``).
"""

from dataclasses import dataclass
from typing import Any

import pytest

from shared.catalogue import CATALOGUE
from shared.enums import ReportAction, ReportStatus
from shared.fields import ReviewPolicy
from tests.support import flows
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.factories import complete_body

A = ReportAction
S = ReportStatus
TYPES = [spec.code for spec in CATALOGUE.types]
CONTENT_BLIND = ("stats", "admin", "isso")
# Readers met in the same relation whatever the type: one demo user per remaining role.
OTHERS = ("iroc.watch", "hq.hsi", "intel.ops1", "hsi.intel", "pao", "opr", *CONTENT_BLIND)
# An agent with no relation to any of these reports: "own" and "routed" must matter.
STRANGER = "agent.lax"
# Refusals meaning "not you, not now"; a 422 would mean the test sent a bad payload.
REFUSALS = (403, 404, 409)


@dataclass(frozen=True)
class Cast:
    """Who writes a type and who stands next to its author (SPEC §11)."""

    author: str
    supervisor: str  # the author's supervisor, their reviewer
    manager: str  # an office manager of the author's office chain, routed the report

    def users(self) -> list[str]:
        named = [self.author, self.supervisor, self.manager, *OTHERS, STRANGER]
        return list(dict.fromkeys(named))  # pao writes NEWS and is also the public-affairs reader


HSI_CAST = Cast("agent.nyc", "sup.nyc", "sac.nyc")
ERO_CAST = Cast("officer.nyc", "sdo.nyc", "fod.nyc")


def cast_for(report_type: str) -> Cast:
    if report_type == "NEWS":
        # pao has no supervisor and NEWS is never reviewed; the HSI supervisor and manager
        # still read it as the supervisor and office-manager roles.
        return Cast("pao", HSI_CAST.supervisor, HSI_CAST.manager)
    if report_type in ("ERO_LEAD", "ERO_TAV"):
        return ERO_CAST
    return HSI_CAST


class Attempts:
    """Builds fixtures of one type and attempts actions on them as any user."""

    def __init__(
        self, client: Any, clock: FakeClock, report_type: str, headers: dict[str, dict[str, str]]
    ) -> None:
        self.client = client
        self.clock = clock
        self.type = report_type
        self.cast = cast_for(report_type)
        self.headers = headers
        self.built = 0
        # A complete body unlike any built one (their seeds count up from 1): a real change.
        self.amendment = complete_body(report_type, seed=1000, now=clock())

    async def build(self, status: S) -> dict[str, Any]:
        """A report of this type in ``status``, made through the API as the workflow would."""
        author = self.headers[self.cast.author]
        reviewer = self.headers[self.cast.supervisor]
        self.built += 1
        report = await flows.create(self.client, author, self.type, self.clock(), self.built)
        if status in (S.IN_REVIEW, S.RETURNED):
            report = await flows.action(self.client, author, report, "request-review")
        if status == S.RETURNED:
            report = await flows.action(
                self.client, reviewer, report, "return", comment="Add the case number."
            )
        if status in (S.SUBMITTED, S.CLOSED):
            report = await flows.publish(self.client, author, report, reviewer)
        if status == S.CLOSED:
            report = await flows.action(self.client, author, report, "close")
        assert report["status"] == status, f"built {self.type} is {report['status']}"
        return report

    async def allowed(self, user: str, report_id: str) -> set[A] | None:
        """The reader's ``allowed_actions``; None where the report answers 404."""
        response = await self.client.get(f"/api/v1/reports/{report_id}", headers=self.headers[user])
        if response.status_code == 404:
            return None
        body = flows.expect(response, 200, f"{user} reads {report_id}")
        return {A(name) for name in body["allowed_actions"]}

    async def attempt(self, user: str, report: dict[str, Any], action: A) -> Any:
        """Try ``action`` as ``user`` with a payload valid for it, so that a refusal can only
        be a refusal of the user, not of the payload."""
        headers = self.headers[user]
        path = f"/api/v1/reports/{report['id']}"
        based = {"base_revision": report["revision"]}
        now = self.clock()
        match action:
            case A.EDIT:
                return await self.client.patch(
                    path, json={**based, "title": "Edited title"}, headers=headers
                )
            case A.DELETE:
                return await self.client.delete(path, params=based, headers=headers)
            case A.RETURN:
                return await self.client.post(
                    f"{path}/return", json={**based, "comment": "Say who."}, headers=headers
                )
            case A.AMEND:
                payload = {**based, "reason": "Corrected the narrative.", "body": self.amendment}
                return await self.client.post(f"{path}/amend", json=payload, headers=headers)
            case A.DISPOSITION:
                payload = {
                    **based,
                    "disposition_status": "completed",
                    "disposition_narrative": "Assistance given; the agency confirmed.",
                    "completed_at": now.isoformat(),
                }
                return await self.client.post(f"{path}/disposition", json=payload, headers=headers)
            case A.ACKNOWLEDGE:
                return await self.client.post(f"{path}/acknowledge", headers=headers)
            case _:  # request_review, submit, approve, close
                route = action.value.replace("_", "-")
                return await self.client.post(f"{path}/{route}", json=based, headers=headers)

    async def state(self, report_id: str) -> tuple[str, int]:
        """(status, revision) as the author reads it now."""
        response = await self.client.get(
            f"/api/v1/reports/{report_id}", headers=self.headers[self.cast.author]
        )
        body = flows.expect(response, 200, f"author reads {report_id}")
        return body["status"], body["revision"]


async def producible(client: Any, headers: dict[str, str], report_type: str) -> list[S]:
    """The statuses the workflow can put a report of this type in, under the review rule the
    server serves. A type without review (SPOT, NEWS) is never in review, so never returned
    either: those combinations cannot exist and are left out on purpose."""
    spec = flows.expect(
        await client.get(f"/api/v1/report-types/{report_type}", headers=headers),
        200,
        f"type {report_type}",
    )
    if spec["review"] == ReviewPolicy.NONE:
        return [S.DRAFT, S.SUBMITTED, S.CLOSED]
    return list(S)


@pytest.mark.parametrize("report_type", TYPES)
async def test_allowed_actions_are_what_the_server_accepts(
    client: Any, clock: FakeClock, report_type: str
) -> None:
    cast = cast_for(report_type)
    users = cast.users()
    headers = {user: await login(client, user) for user in users}
    attempts = Attempts(client, clock, report_type, headers)
    table: dict[tuple[S, str], set[A]] = {}
    problems: list[str] = []

    for status in await producible(client, headers[cast.author], report_type):
        base = await attempts.build(status)
        for user in users:
            listed = await attempts.allowed(user, base["id"])
            allowed = table[status, user] = listed or set()
            # A report its reader may not read has no actions, and every one answers 404.
            refusals = REFUSALS if listed is not None else (404,)
            for action in A:
                if action in allowed:
                    continue
                response = await attempts.attempt(user, base, action)
                reason = response.json().get("reason") if response.content else None
                if response.status_code not in refusals or reason == "version_conflict":
                    problems.append(
                        f"{status} {user}: {action} is not listed but answered "
                        f"{response.status_code} {reason}"
                    )
            if A.ACKNOWLEDGE in allowed:
                # Acknowledging touches only the caller's own delivery, not the report nor
                # anyone else's actions, and this user is done with this copy: no copy needed.
                response = await attempts.attempt(user, base, A.ACKNOWLEDGE)
                if not 200 <= response.status_code < 300:
                    problems.append(
                        f"{status} {user}: acknowledge is listed but answered "
                        f"{response.status_code} {response.text[:200]}"
                    )
        # Every write bumps the revision, so one look after all the refusals (and the
        # acknowledgments) proves that none of them changed the report.
        after = await attempts.state(base["id"])
        if after != (status, base["revision"]):
            problems.append(f"{status}: refused attempts changed it to {after}")
        for user in users:
            for action in sorted(table[status, user] - {A.ACKNOWLEDGE}):
                copy = await attempts.build(status)
                response = await attempts.attempt(user, copy, action)
                if not 200 <= response.status_code < 300:
                    problems.append(
                        f"{status} {user}: {action} is listed but answered "
                        f"{response.status_code} {response.text[:200]}"
                    )

    assert not problems, f"{report_type}: allowed_actions disagrees with the handlers:\n" + (
        "\n".join(problems)
    )
    spot_check(report_type, cast, table)


def spot_check(report_type: str, cast: Cast, table: dict[tuple[S, str], set[A]]) -> None:
    """Rows any sensible table has (SPEC §1, §3), whatever else it says."""
    statuses = {status for status, _ in table}
    # The author may edit, delete and send their draft, and amend it once submitted.
    assert {A.EDIT, A.DELETE} <= table[S.DRAFT, cast.author]
    assert table[S.DRAFT, cast.author] & {A.SUBMIT, A.REQUEST_REVIEW}
    assert A.AMEND in table[S.SUBMITTED, cast.author]
    if S.RETURNED in statuses:
        assert A.EDIT in table[S.RETURNED, cast.author]
    if S.IN_REVIEW in statuses:
        # The author's supervisor may decide the review; the author may not, nor touch it.
        assert {A.APPROVE, A.RETURN} <= table[S.IN_REVIEW, cast.supervisor]
        assert not table[S.IN_REVIEW, cast.author]
    if report_type in ("OPPRED", "SPEAR"):
        assert A.SUBMIT not in table[S.DRAFT, cast.author], "review is mandatory"
    if report_type == "SPOT":
        assert A.REQUEST_REVIEW not in table[S.DRAFT, cast.author], "SPOT has no review"
    if report_type == "LEARA":
        assert A.DISPOSITION in table[S.SUBMITTED, cast.manager], "routed manager disposes"
    for (status, user), allowed in table.items():
        where = f"{report_type} {status} {user}"
        # Nobody approves their own report; content-blind roles do nothing to any report.
        if user == cast.author:
            assert not allowed & {A.APPROVE, A.RETURN, A.ACKNOWLEDGE}, where
        if user in CONTENT_BLIND:
            assert not allowed, where
        # Only the author edits, sends, deletes or amends.
        if user != cast.author:
            assert not allowed & {A.EDIT, A.DELETE, A.SUBMIT, A.REQUEST_REVIEW, A.AMEND}, where
        # A stranger at most acknowledges what was broadcast to them (a SPOT).
        if user == STRANGER:
            assert allowed <= ({A.ACKNOWLEDGE} if report_type == "SPOT" else set()), where
        # Drafts are private; a closed report takes nothing but an acknowledgment.
        if status in (S.DRAFT, S.RETURNED) and user != cast.author:
            assert not allowed, where
        if status == S.CLOSED:
            assert allowed <= {A.ACKNOWLEDGE}, where
