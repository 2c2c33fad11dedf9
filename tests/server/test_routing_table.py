"""Who receives a submitted report (SPEC §4), for the demo organisation of SPEC §11, on
SQLite and PostgreSQL.

The expected recipients are written out below as usernames, read off the SPEC §4 table and
the demo organisation, not derived from ``sen_server.routing`` (that would test the rules
against themselves):

- office chain: agent.nyc and sup.nyc sit in RAC Long Island under SAC New York;
  officer.nyc in FOD New York. Office recipients are the members holding a receiving role
  (every role but agent, statistician, admin, auditor): RAC-LI → sup.nyc, SAC-NYC →
  sac.nyc, FOD-NYC → fod.nyc + sdo.nyc, FIG-NYC → fig.nyc, IROC → iroc.watch,
  INTEL-OPS → intel.ops1 + intel.ops2, OPA → pao, HQ → hq.hsi.
- the author never receives their own report.
"""

from typing import Any

from tests.support import flows
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.factories import complete_report

# (author, type) → the exact set of users who get a delivery.
EXPECTED: dict[tuple[str, str], frozenset[str]] = {
    # SIR, OPPRED: author's chain (RAC-LI → SAC-NYC), FOD and FIG of NYC, IROC
    ("agent.nyc", "SIR"): frozenset(
        {"sup.nyc", "sac.nyc", "fod.nyc", "sdo.nyc", "fig.nyc", "iroc.watch"}
    ),
    ("agent.nyc", "OPPRED"): frozenset(
        {"sup.nyc", "sac.nyc", "fod.nyc", "sdo.nyc", "fig.nyc", "iroc.watch"}
    ),
    # SPEAR: author's chain, IROC
    ("agent.nyc", "SPEAR"): frozenset({"sup.nyc", "sac.nyc", "iroc.watch"}),
    # LEARA: author's chain
    ("agent.nyc", "LEARA"): frozenset({"sup.nyc", "sac.nyc"}),
    # SPOT: every user with a content role, but the author
    ("agent.nyc", "SPOT"): flows.CONTENT_USERS - {"agent.nyc"},
    # ERO author: the chain is FOD-NYC (its FOD is the same office)
    ("officer.nyc", "SIR"): frozenset({"fod.nyc", "sdo.nyc", "fig.nyc", "iroc.watch"}),
    ("officer.nyc", "LEARA"): frozenset({"fod.nyc", "sdo.nyc"}),
    ("officer.nyc", "SPOT"): flows.CONTENT_USERS - {"officer.nyc"},
    # ERO_LEAD: author's chain, INTEL_OPS
    ("officer.nyc", "ERO_LEAD"): frozenset({"fod.nyc", "sdo.nyc", "intel.ops1", "intel.ops2"}),
    # ERO_TAV: author's chain, IROC
    ("officer.nyc", "ERO_TAV"): frozenset({"fod.nyc", "sdo.nyc", "iroc.watch"}),
    # NEWS: OPA (whose only member is the author) and HQ (hq.hsi; stats, admin and isso
    # hold no receiving role)
    ("pao", "NEWS"): frozenset({"hq.hsi"}),
    # The author never receives their own report: a supervisor in RAC-LI writing an SIR
    # is not among the RAC-LI recipients (and agent.nyc, an agent, never is).
    ("sup.nyc", "SIR"): frozenset({"sac.nyc", "fod.nyc", "sdo.nyc", "fig.nyc", "iroc.watch"}),
}

# Why each recipient got it, for a few rows (GET .../routing shows it in the TUI).
EXPECTED_REASONS = {
    ("agent.nyc", "SIR"): {
        "sup.nyc": "office:RAC-LI",
        "sac.nyc": "office:SAC-NYC",
        "fig.nyc": "office:FIG-NYC",
        "iroc.watch": "office:IROC",
    },
}


def test_expected_table_covers_every_type() -> None:
    assert {t for _, t in EXPECTED} == {
        "SIR",
        "OPPRED",
        "SPEAR",
        "LEARA",
        "SPOT",
        "ERO_LEAD",
        "ERO_TAV",
        "NEWS",
    }


async def test_routing_table_for_every_type(client: Any, clock: FakeClock) -> None:
    """Each type, submitted by its demo author, reaches exactly the SPEC §4 recipients."""
    authors = {author for author, _ in EXPECTED}
    headers = {user: await login(client, user) for user in authors}
    problems: list[str] = []
    for seed, ((author, report_type), expected) in enumerate(EXPECTED.items(), start=1):
        report = await flows.create_and_publish(
            client,
            headers[author],
            report_type,
            clock(),
            seed=seed,
            reviewer=headers["sup.nyc"],
        )
        assert report["status"] == "submitted", report
        routed = await flows.routed_to(client, headers[author], report["id"])
        got = set(routed)
        if got != expected:
            problems.append(
                f"{report_type} by {author}: missing {sorted(expected - got)}, "
                f"unexpected {sorted(got - expected)}"
            )
        not_new = sorted(u for u, row in routed.items() if row["state"] != "new")
        if not_new:
            problems.append(f"{report_type} by {author}: not 'new' at first for {not_new}")
        for user, reason in EXPECTED_REASONS.get((author, report_type), {}).items():
            if user in routed and routed[user]["reason"] != reason:
                problems.append(
                    f"{report_type} by {author}: {user} reason {routed[user]['reason']!r}, "
                    f"expected {reason!r}"
                )
    assert not problems, "routing differs from SPEC §4:\n" + "\n".join(problems)


async def test_manual_recipients_are_added(client: Any, clock: FakeClock) -> None:
    """A user and an office added by hand receive the report on top of the rules."""
    agent = await login(client, "agent.nyc")
    report = await flows.create_and_publish(
        client,
        agent,
        "SIR",
        clock(),
        recipients={"users": ["hq.hsi"], "offices": ["FOD-LAX"]},
    )
    routed = await flows.routed_to(client, agent, report["id"])
    ruled = EXPECTED[("agent.nyc", "SIR")]
    # FOD Los Angeles expands to its receiving members, not its agent (officer.lax).
    assert set(routed) == ruled | {"hq.hsi", "fod.lax", "sdo.lax"}
    assert routed["hq.hsi"]["reason"] == "manual"
    assert routed["fod.lax"]["reason"] == "manual:FOD-LAX"
    # The manual recipient finds it in their own queue, unread.
    hq = await login(client, "hq.hsi")
    mine = await flows.queue(client, hq, "mine")
    row = next(item for item in mine["items"] if item["id"] == report["id"])
    assert row["delivery_state"] == "new"
    assert mine["unread"] >= 1


async def test_manual_recipient_who_may_not_read_the_type_is_refused(
    client: Any, clock: FakeClock
) -> None:
    """Public affairs may never receive an OPPRED: 422 naming the recipient, nothing saved."""
    agent = await login(client, "agent.nyc")
    before = (await client.get("/api/v1/reports?mine=true", headers=agent)).json()["total"]
    payload_extra = {"recipients": {"users": ["pao"], "offices": []}}
    response = await client.post(
        "/api/v1/reports",
        json={
            **complete_report("OPPRED", now=clock(), seed=3),
            **payload_extra,
        },
        headers=agent,
    )
    assert response.status_code == 422, response.text
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["recipients.users.0"], response.text
    after = (await client.get("/api/v1/reports?mine=true", headers=agent)).json()["total"]
    assert after == before, "a refused report was stored anyway"

    # The same refusal when a draft is edited to add pao, and the draft keeps its recipients.
    draft = await flows.create(
        client, agent, "OPPRED", clock(), seed=4, recipients={"users": ["hq.hsi"]}
    )
    patched = await client.patch(
        f"/api/v1/reports/{draft['id']}",
        json={"base_revision": draft["revision"], "recipients": {"users": ["hq.hsi", "pao"]}},
        headers=agent,
    )
    assert patched.status_code == 422, patched.text
    assert [e["field"] for e in patched.json()["errors"]] == ["recipients.users.1"]
    stored = (await client.get(f"/api/v1/reports/{draft['id']}", headers=agent)).json()
    assert stored["revision"] == draft["revision"]
    assert stored["recipients"]["users"] == ["hq.hsi"]

    # Submitted through review, pao is not among the recipients and cannot open it.
    sup = await login(client, "sup.nyc")
    published = await flows.publish(client, agent, stored, sup)
    assert "pao" not in await flows.routed_to(client, agent, published["id"])
    pao = await login(client, "pao")
    assert (await client.get(f"/api/v1/reports/{draft['id']}", headers=pao)).status_code == 404


async def test_amendment_marks_deliveries_updated_and_unread(client: Any, clock: FakeClock) -> None:
    agent = await login(client, "agent.nyc")
    sac = await login(client, "sac.nyc")
    report = await flows.create_and_publish(client, agent, "SIR", clock(), seed=5)

    def row_of(page: dict[str, Any]) -> dict[str, Any]:
        return next(item for item in page["items"] if item["id"] == report["id"])

    first = await flows.queue(client, sac, "mine")
    assert row_of(first)["delivery_state"] == "new"
    assert first["unread"] == 1
    # Opening the report marks it read: no longer unread.
    assert (await client.get(f"/api/v1/reports/{report['id']}", headers=sac)).status_code == 200
    read = await flows.queue(client, sac, "mine")
    assert row_of(read)["delivery_state"] == "read"
    assert row_of(read)["updated"] is False
    assert read["unread"] == 0

    clock.advance(minutes=5)
    amended = await flows.action(
        client, agent, report, "amend", reason="arrest count corrected", title="Amended title"
    )
    assert amended["version"] == report["version"] + 1

    routed = await flows.routed_to(client, agent, report["id"])
    assert routed, "the amended report lost its recipients"
    stale = sorted(user for user, row in routed.items() if not row["updated"])
    assert not stale, f"recipients not marked updated: {stale}"

    again = await flows.queue(client, sac, "mine")
    row = row_of(again)
    assert row["updated"] is True
    assert row["title"] == "Amended title"
    assert again["unread"] == 1, "an amended report must show as unread again"
    counts = (await client.get("/api/v1/queues/counts", headers=sac)).json()
    assert counts["mine"]["unread"] == 1

    # Reading the new version clears the mark.
    await client.get(f"/api/v1/reports/{report['id']}", headers=sac)
    cleared = await flows.queue(client, sac, "mine")
    assert row_of(cleared)["updated"] is False
    assert cleared["unread"] == 0


async def test_acknowledge_moves_new_read_acknowledged(client: Any, clock: FakeClock) -> None:
    agent = await login(client, "agent.nyc")
    fod = await login(client, "fod.nyc")
    report = await flows.create_and_publish(client, agent, "SIR", clock(), seed=6)

    async def my_state() -> tuple[str, int]:
        page = await flows.queue(client, fod, "mine")
        row = next(item for item in page["items"] if item["id"] == report["id"])
        return row["delivery_state"], page["unread"]

    assert await my_state() == ("new", 1)
    await client.get(f"/api/v1/reports/{report['id']}", headers=fod)
    assert await my_state() == ("read", 0)
    clock.advance(minutes=1)
    acked = await client.post(f"/api/v1/reports/{report['id']}/acknowledge", headers=fod)
    assert acked.status_code == 200, acked.text
    assert acked.json()["state"] == "acknowledged"
    assert await my_state() == ("acknowledged", 0)
    # Acknowledging again is no longer offered, is refused, and changes nothing.
    detail = (await client.get(f"/api/v1/reports/{report['id']}", headers=fod)).json()
    assert "acknowledge" not in detail["allowed_actions"]
    clock.advance(minutes=1)
    again = await client.post(f"/api/v1/reports/{report['id']}/acknowledge", headers=fod)
    assert again.status_code == 409 and again.json()["reason"] == "already_acknowledged"
    routed = await flows.routed_to(client, agent, report["id"])
    assert routed["fod.nyc"]["acknowledged_at"] == acked.json()["acknowledged_at"]

    # The author sees who acknowledged and when; the others are still new.
    routed = await flows.routed_to(client, agent, report["id"])
    assert routed["fod.nyc"]["state"] == "acknowledged"
    assert routed["fod.nyc"]["acknowledged_at"] is not None
    assert routed["sdo.nyc"]["state"] == "new"

    # Someone who may read the report but did not receive it has nothing to acknowledge.
    opr = await login(client, "opr")
    refused = await client.post(f"/api/v1/reports/{report['id']}/acknowledge", headers=opr)
    assert refused.status_code == 403, refused.text
    assert "opr" not in await flows.routed_to(client, agent, report["id"])
