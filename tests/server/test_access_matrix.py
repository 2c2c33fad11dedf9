"""Who may do what to which report: every role x every report type x every action,
checked against the SPEC §1 roles table, on SQLite and on PostgreSQL.

The expected table is written out below from the SPEC text, not derived from
``sen_server.reports.policy`` (that would test the policy against itself).

Routing is being built separately: a report delivered to a user becomes readable by them
("routed"). This file does not test routing; a reader who holds a delivery of a submitted
report is simply allowed to read it, except where the SPEC says no delivery may widen access
(content-blind roles, public affairs and OPPRED).
"""

from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlmodel import col, select

from sen_server.db import create_engine, session_factory
from sen_server.models import Delivery, User
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.factories import complete_report

REDACTED = "[REDACTED]"

# One demo user per role (SPEC §11).
ROLE_USERS = {
    "agent (HSI)": "agent.nyc",
    "agent (ERO)": "officer.nyc",
    "supervisor": "sup.nyc",
    "office_manager": "sac.nyc",
    "iroc": "iroc.watch",
    "hq_agent": "hq.hsi",
    "intel_ops": "intel.ops1",
    "hsi_intel": "hsi.intel",
    "public_affairs": "pao",
    "opr": "opr",
    "statistician": "stats",
    "admin": "admin",
    "auditor": "isso",
}
USERS = list(ROLE_USERS.values())
TYPES = ["SIR", "OPPRED", "SPEAR", "LEARA", "SPOT", "ERO_LEAD", "ERO_TAV", "NEWS"]

# ---- SPEC §1 "create" ---------------------------------------------------------------

HSI_CREATES = {"SIR", "OPPRED", "SPEAR", "LEARA", "SPOT"}
ERO_CREATES = {"SIR", "LEARA", "SPOT", "ERO_LEAD", "ERO_TAV"}
CREATES: dict[str, set[str]] = {
    "agent.nyc": HSI_CREATES,  # report types of their program
    "officer.nyc": ERO_CREATES,
    "sup.nyc": HSI_CREATES,  # as agent
    "sac.nyc": HSI_CREATES,  # as agent
    "iroc.watch": {"SPOT"},
    "hq.hsi": HSI_CREATES,  # as agent
    "intel.ops1": set(),
    "hsi.intel": set(),
    "pao": {"NEWS"},
    "opr": set(),
    "stats": set(),
    "admin": set(),
    "isso": set(),
}

# ---- the reports set up before the checks -------------------------------------------
# A report is named by (author, type, state). Authors: agent.nyc writes HSI types,
# officer.nyc ERO types, pao NEWS, iroc.watch a SPOT; SIR, LEARA and SPOT exist from both
# programs so that program-wide reads (hq_agent) are told apart.

Key = tuple[str, str, str]  # (author, type, state)

SUBMITTED: list[Key] = [
    ("agent.nyc", "SIR", "submitted"),
    ("agent.nyc", "OPPRED", "submitted"),  # via mandatory review, approved by sup.nyc
    ("agent.nyc", "SPEAR", "submitted"),  # via mandatory review, approved by sup.nyc
    ("agent.nyc", "LEARA", "submitted"),
    ("agent.nyc", "SPOT", "submitted"),
    ("officer.nyc", "SIR", "submitted"),
    ("officer.nyc", "LEARA", "submitted"),
    ("officer.nyc", "SPOT", "submitted"),
    ("officer.nyc", "ERO_LEAD", "submitted"),
    ("officer.nyc", "ERO_TAV", "submitted"),
    ("pao", "NEWS", "submitted"),
    ("iroc.watch", "SPOT", "submitted"),
]
# One draft per type, and one report waiting for review.
DRAFTS: list[Key] = [
    ("agent.nyc", "SIR", "draft"),
    ("agent.nyc", "OPPRED", "draft"),
    ("agent.nyc", "SPEAR", "draft"),
    ("officer.nyc", "LEARA", "draft"),
    ("iroc.watch", "SPOT", "draft"),
    ("officer.nyc", "ERO_LEAD", "draft"),
    ("officer.nyc", "ERO_TAV", "draft"),
    ("pao", "NEWS", "draft"),
]
IN_REVIEW: list[Key] = [("agent.nyc", "SIR", "in_review")]
ALL_KEYS = SUBMITTED + DRAFTS + IN_REVIEW
# Write attempts (update, submit, delete) go to one submitted report of each type and to
# every draft and review: the second author of SIR, LEARA and SPOT adds reads, not rules.
FIRST_SUBMITTED = {t: next(key for key in SUBMITTED if key[1] == t) for t in TYPES}
WRITE_TARGETS = [*FIRST_SUBMITTED.values(), *DRAFTS, *IN_REVIEW]

# ---- SPEC §1 "read" -----------------------------------------------------------------


def _sub(author: str, *types: str) -> set[Key]:
    return {(author, t, "submitted") for t in types}


ALL_SPOTS = _sub("agent.nyc", "SPOT") | _sub("officer.nyc", "SPOT") | _sub("iroc.watch", "SPOT")
HSI_SUBMITTED = _sub("agent.nyc", "SIR", "OPPRED", "SPEAR", "LEARA", "SPOT")
ERO_SUBMITTED = _sub("officer.nyc", "SIR", "LEARA", "SPOT", "ERO_LEAD", "ERO_TAV")

# Others' reports each user reads (their own are always readable, drafts included).
READS: dict[str, set[Key]] = {
    # own, routed, all SPOTs
    "agent.nyc": ALL_SPOTS,
    "officer.nyc": ALL_SPOTS,
    # as agent + reports of the people they supervise (agent.nyc), and what they review
    "sup.nyc": HSI_SUBMITTED | ALL_SPOTS | {("agent.nyc", "SIR", "in_review")},
    # routed to their office (routing is not tested here); SPOTs are readable by every user
    "sac.nyc": ALL_SPOTS,
    # every submitted SIR, OPPRED, SPEAR, LEARA, SPOT, ERO_TAV, whoever wrote it
    "iroc.watch": _sub("agent.nyc", "SIR", "OPPRED", "SPEAR", "LEARA", "SPOT")
    | _sub("officer.nyc", "SIR", "LEARA", "SPOT", "ERO_TAV"),
    # every submitted report of their program (HSI), OPPRED included
    "hq.hsi": HSI_SUBMITTED | ALL_SPOTS,
    # every ERO_LEAD (and intel products, not built yet)
    "intel.ops1": _sub("officer.nyc", "ERO_LEAD") | ALL_SPOTS,
    # leads flagged for HSI: none is flagged here
    "hsi.intel": ALL_SPOTS,
    # SIRs with every PII field masked, all NEWS; never an OPPRED
    "pao": _sub("agent.nyc", "SIR") | _sub("officer.nyc", "SIR") | ALL_SPOTS,
    # every submitted SIR; OPPRED is an SIR and OPR is named among its readers
    "opr": _sub("agent.nyc", "SIR", "OPPRED") | _sub("officer.nyc", "SIR") | ALL_SPOTS,
    # no report content at all, not even a SPOT
    "stats": set(),
    "admin": set(),
    "isso": set(),
}
CONTENT_BLIND = {"stats", "admin", "isso"}
MASKED_READS = {("pao", "SIR")}  # (reader, type) read with PII masked

# PII fields of an SIR (SPEC §2, marked *), as they sit in complete bodies.
SIR_PII = {
    "narrative": lambda body: [body["narrative"]],
    "subjects.*.first_name": lambda body: [s["first_name"] for s in body["subjects"]],
    "subjects.*.last_name": lambda body: [s["last_name"] for s in body["subjects"]],
    "subjects.*.date_of_birth": lambda body: [s["date_of_birth"] for s in body["subjects"]],
    "subjects.*.address": lambda body: [s["address"] for s in body["subjects"]],
    "subjects.*.a_number": lambda body: [s["a_number"] for s in body["subjects"]],
    "subjects.*.fin": lambda body: [s["fin"] for s in body["subjects"]],
    "injuries.*.description": lambda body: [i["description"] for i in body["injuries"]],
}


@dataclass
class Stored:
    """A report made in the setup, as its author last saw it."""

    key: Key
    id: str
    revision: int
    title: str
    body: dict[str, Any]


@dataclass
class Matrix:
    client: Any
    headers: dict[str, dict[str, str]]
    reports: dict[Key, Stored] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def note(self, problem: str) -> None:
        self.problems.append(problem)

    async def call(self, user: str, method: str, url: str, **kwargs: Any) -> Any:
        response = await self.client.request(method, url, headers=self.headers[user], **kwargs)
        if response.status_code >= 500:
            self.note(f"{user} {method} {url}: server error {response.status_code}")
        return response


def label(key: Key) -> str:
    author, report_type, state = key
    return f"{state} {report_type} by {author}"


async def _expect(response: Any, status: int, what: str) -> dict[str, Any]:
    assert response.status_code == status, f"{what}: {response.status_code} {response.text}"
    return dict(response.json())


async def set_up(m: Matrix, clock: FakeClock) -> None:
    """Every author writes complete reports: submitted ones, drafts, one in review."""
    for seed, key in enumerate(ALL_KEYS, start=1):
        author, report_type, state = key
        payload = complete_report(report_type, now=clock(), seed=seed)
        created = await _expect(
            await m.call(author, "POST", "/api/v1/reports", json=payload),
            201,
            f"setup: {author} creates {report_type}",
        )
        report_id, revision = created["id"], created["revision"]
        if state == "submitted" and report_type in ("OPPRED", "SPEAR"):
            asked = await _expect(
                await m.call(
                    author,
                    "POST",
                    f"/api/v1/reports/{report_id}/request-review",
                    json={"base_revision": revision},
                ),
                200,
                f"setup: {author} asks for review of {report_id}",
            )
            approved = await _expect(
                await m.call(
                    "sup.nyc",
                    "POST",
                    f"/api/v1/reports/{report_id}/approve",
                    json={"base_revision": asked["revision"]},
                ),
                200,
                f"setup: sup.nyc approves {report_id}",
            )
            revision = approved["revision"]
        elif state in ("submitted", "in_review"):
            action = "submit" if state == "submitted" else "request-review"
            done = await _expect(
                await m.call(
                    author,
                    "POST",
                    f"/api/v1/reports/{report_id}/{action}",
                    json={"base_revision": revision},
                ),
                200,
                f"setup: {author} {action} {report_id}",
            )
            revision = done["revision"]
        final = await _expect(
            await m.call(author, "GET", f"/api/v1/reports/{report_id}"), 200, "setup read"
        )
        assert final["status"] == state, f"setup: {report_id} is {final['status']}, not {state}"
        m.reports[key] = Stored(key, report_id, revision, final["title"], final["body"])


async def deliveries(client: Any) -> set[tuple[str, str]]:
    """(username, report id) of every delivery: routed reads, once routing exists."""
    # The app runs on the test client's own event loop: read through an engine of ours.
    engine = create_engine(client.app.state.runtime.settings)
    try:
        async with session_factory(engine)() as session:
            rows = await session.exec(
                select(User.username, Delivery.report_id).join(
                    User, col(User.id) == col(Delivery.user_id)
                )
            )
            return {(username, report_id) for username, report_id in rows.all()}
    finally:
        await engine.dispose()


def may_read(user: str, key: Key, routed: set[tuple[str, str]], report_id: str) -> bool:
    author, report_type, state = key
    if user == author:
        return True
    if key in READS[user]:
        return True
    never = user in CONTENT_BLIND or (user == "pao" and report_type == "OPPRED")
    return state == "submitted" and not never and (user, report_id) in routed


async def check_list(m: Matrix, user: str, routed: set[tuple[str, str]]) -> None:
    """GET /api/v1/reports lists exactly what the user may read: no more, no less."""
    response = await m.call(user, "GET", "/api/v1/reports", params={"limit": 500})
    if response.status_code != 200:
        m.note(f"{user} list: {response.status_code}, expected 200")
        return
    listed = {item["id"] for item in response.json()["items"]}
    by_id = {s.id: s.key for s in m.reports.values()}
    expected = {s.id for s in m.reports.values() if may_read(user, s.key, routed, s.id)}
    for report_id in sorted(expected - listed):
        m.note(f"{user} list: {label(by_id[report_id])} ({report_id}) missing")
    for report_id in sorted(listed - expected):
        what = label(by_id[report_id]) if report_id in by_id else "a report created by another"
        m.note(f"{user} list: shows {what} ({report_id}), which they may not read")


async def check_read(m: Matrix, user: str, stored: Stored, allowed: bool) -> None:
    """200 with the right content (masked where the SPEC says), or 404, never 403."""
    response = await m.call(user, "GET", f"/api/v1/reports/{stored.id}")
    what = f"{user} GET {label(stored.key)} ({stored.id})"
    if not allowed:
        if response.status_code != 404:
            m.note(f"{what}: {response.status_code}, expected 404")
        return
    if response.status_code != 200:
        m.note(f"{what}: {response.status_code}, expected 200")
        return
    report = response.json()
    report_type = stored.key[1]
    masked = (user, report_type) in MASKED_READS
    if report["masked"] is not masked:
        m.note(f"{what}: masked={report['masked']}, expected {masked}")
    if not masked:
        if report["body"] != stored.body:
            m.note(f"{what}: body differs from what the author stored")
        return
    body = report["body"]
    for path, values_of in SIR_PII.items():
        shown = values_of(body)
        if any(value != REDACTED for value in shown):
            m.note(f"{what}: PII field {path} is not masked")
    for kept in ("category", "location"):
        if body.get(kept) != stored.body[kept]:
            m.note(f"{what}: non-PII field {kept} was altered by masking")


async def check_writes(m: Matrix, user: str, stored: Stored, readable: bool) -> None:
    """Update, submit and delete of someone else's report are refused: 404 when the user may
    not even read it (IDs don't leak), else 403 or 404; never a success, never a 500."""
    url, revision = f"/api/v1/reports/{stored.id}", stored.revision
    attempts = [
        ("PATCH", url, {"json": {"base_revision": revision, "title": "X"}}),
        ("POST", f"{url}/submit", {"json": {"base_revision": revision}}),
        ("DELETE", url, {"params": {"base_revision": revision}}),
    ]
    allowed = {403, 404} if readable else {404}
    for method, url, kwargs in attempts:
        response = await m.call(user, method, url, **kwargs)
        if response.status_code not in allowed:
            m.note(
                f"{user} {method} {url.removeprefix('/api/v1/reports/')} "
                f"({label(stored.key)}): {response.status_code}, expected one of {sorted(allowed)}"
            )


async def check_create(m: Matrix, user: str, clock: FakeClock) -> int:
    """Each type: 201 draft if the role may create it, else 403 type_not_permitted."""
    created = 0
    for report_type in TYPES:
        payload = complete_report(report_type, now=clock(), seed=99)
        response = await m.call(user, "POST", "/api/v1/reports", json=payload)
        what = f"{user} create {report_type}"
        if report_type in CREATES[user]:
            if response.status_code != 201:
                m.note(f"{what}: {response.status_code}, expected 201")
                continue
            created += 1
            report = response.json()
            if report["status"] != "draft" or report["author"] != user:
                m.note(f"{what}: got status {report['status']} by {report['author']}")
        elif response.status_code != 403 or response.json().get("reason") != "type_not_permitted":
            m.note(f"{what}: {response.status_code} {response.text[:120]}, expected 403")
    return created


async def test_access_matrix(client: Any, clock: FakeClock) -> None:
    """Every role against every report type and action, as SPEC §1 grants them.

    What a user would notice on failure: a report they should see is missing or refused,
    a report they should not see is shown (or its existence leaks through a 403), public
    affairs sees a subject's name, or someone else's report could be changed or deleted.
    All mismatches are collected and reported together.
    """
    m = Matrix(client, {user: await login(client, user) for user in USERS})
    clock.advance(minutes=1)
    await set_up(m, clock)
    routed = await deliveries(client)
    clock.advance(minutes=1)

    for user in USERS:
        await check_list(m, user, routed)
        for key, stored in m.reports.items():
            if key[0] == user:
                continue
            readable = may_read(user, key, routed, stored.id)
            await check_read(m, user, stored, readable)
            if key in WRITE_TARGETS:
                await check_writes(m, user, stored, readable)
        own_before = (await m.call(user, "GET", "/api/v1/reports?mine=true")).json()["total"]
        created = await check_create(m, user, clock)
        own_after = (await m.call(user, "GET", "/api/v1/reports?mine=true")).json()["total"]
        if own_after != own_before + created:
            m.note(f"{user}: {own_after - own_before} reports stored, {created} accepted")

    # Nothing anyone tried changed a report that was not theirs.
    for stored in m.reports.values():
        author = stored.key[0]
        now = (await m.call(author, "GET", f"/api/v1/reports/{stored.id}")).json()
        if (now["revision"], now["title"], now["status"]) != (
            stored.revision,
            stored.title,
            stored.key[2],
        ):
            m.note(f"{label(stored.key)} ({stored.id}) was changed by someone else")

    if m.problems:
        pytest.fail(f"{len(m.problems)} access-matrix mismatches:\n" + "\n".join(m.problems))


def test_tables_cover_every_role_and_type() -> None:
    """The expected tables name every role of SPEC §1 and every author's report exists."""
    assert set(CREATES) == set(READS) == set(USERS)
    assert {key[1] for key in SUBMITTED} == set(TYPES)
    assert {key[1] for key in DRAFTS} == set(TYPES)
    assert {key[1] for key in WRITE_TARGETS if key[2] == "submitted"} == set(TYPES)
    for author, report_type, _ in ALL_KEYS:
        assert report_type in CREATES[author], (author, report_type)
