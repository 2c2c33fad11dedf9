"""The review workflow of SPEC §3 and its admin-editable rules, on SQLite and PostgreSQL:
mandatory review, who may approve, stale decisions, return with a comment, the review and
routing tables as data, and comparing versions."""

from typing import Any

from tests.support import flows
from tests.support.api import login
from tests.support.clock import FakeClock


async def _state(client: Any, headers: dict[str, str], report_id: str) -> dict[str, Any]:
    return flows.expect(
        await client.get(f"/api/v1/reports/{report_id}", headers=headers), 200, "read back"
    )


async def _unchanged(
    client: Any, headers: dict[str, str], report_id: str, status: str, revision: int
) -> dict[str, Any]:
    """A refused action left the report as it was and routed it nowhere."""
    after = await _state(client, headers, report_id)
    assert (after["status"], after["revision"]) == (status, revision)
    assert await flows.routed_to(client, headers, report_id) == {}
    return after


async def test_mandatory_review_cannot_be_skipped(client: Any, clock: FakeClock) -> None:
    """Submitting an OPPRED or SPEAR directly is refused and changes nothing."""
    agent = await login(client, "agent.nyc")
    sup = await login(client, "sup.nyc")
    iroc = await login(client, "iroc.watch")
    for seed, report_type in enumerate(("OPPRED", "SPEAR"), start=1):
        draft = await flows.create(client, agent, report_type, clock(), seed=seed)
        response = await client.post(
            f"/api/v1/reports/{draft['id']}/submit",
            json={"base_revision": draft["revision"]},
            headers=agent,
        )
        assert response.status_code == 409, response.text
        assert response.json()["reason"] == "review_required"

        after = await _unchanged(client, agent, draft["id"], "draft", draft["revision"])
        assert after["submitted_at"] is None
        versions = (
            await client.get(f"/api/v1/reports/{draft['id']}/versions", headers=agent)
        ).json()
        assert len(versions) == 1, "a refused submit wrote a version"
        # Nobody downstream sees it: IROC may not open it, the supervisor has no review.
        assert (await client.get(f"/api/v1/reports/{draft['id']}", headers=iroc)).status_code == (
            404
        )
        review = await flows.queue(client, sup, "review")
        assert draft["id"] not in {item["id"] for item in review["items"]}

        # The way that works: request review, then the supervisor approves.
        published = await flows.publish(client, agent, after, sup)
        assert published["status"] == "submitted"


async def test_reviewer_cannot_approve_their_own_report(client: Any, clock: FakeClock) -> None:
    sup = await login(client, "sup.nyc")
    sac = await login(client, "sac.nyc")
    draft = await flows.create(client, sup, "OPPRED", clock(), seed=7)
    asked = await flows.action(client, sup, draft, "request-review")
    assert asked["status"] == "in_review"
    # sup.nyc does not even see their own report in their review queue.
    review = await flows.queue(client, sup, "review")
    assert asked["id"] not in {item["id"] for item in review["items"]}

    response = await client.post(
        f"/api/v1/reports/{asked['id']}/approve",
        json={"base_revision": asked["revision"]},
        headers=sup,
    )
    assert response.status_code in (403, 404), response.text
    await _unchanged(client, sup, asked["id"], "in_review", asked["revision"])

    # Their own supervisor (sac.nyc) may.
    approved = await flows.action(client, sac, asked, "approve")
    assert approved["status"] == "submitted"


async def test_only_the_authors_supervisors_may_approve(client: Any, clock: FakeClock) -> None:
    """Not the author's supervisor, nor a supervisor up their office chain: refused."""
    agent = await login(client, "agent.nyc")
    draft = await flows.create(client, agent, "OPPRED", clock(), seed=8)
    asked = await flows.action(client, agent, draft, "request-review")
    outsiders = [
        "sdo.nyc",  # a supervisor in the same AOR, but in FOD New York, not the author's chain
        "sup.lax",  # a supervisor of the same program elsewhere
        "fod.nyc",  # an office manager in the same AOR
        "agent.lax",
        "iroc.watch",
        "hq.hsi",
        "opr",
        "admin",
    ]
    for user in outsiders:
        headers = await login(client, user)
        for decision, extra in (("approve", {}), ("return", {"comment": "not mine to judge"})):
            response = await client.post(
                f"/api/v1/reports/{asked['id']}/{decision}",
                json={"base_revision": asked["revision"], **extra},
                headers=headers,
            )
            assert response.status_code in (403, 404), f"{user} {decision}: {response.text}"
    await _unchanged(client, agent, asked["id"], "in_review", asked["revision"])


async def test_stale_approve_is_a_conflict(client: Any, clock: FakeClock) -> None:
    """A reviewer approving the version they loaded, after the author changed it: 409."""
    agent = await login(client, "agent.nyc")
    sup = await login(client, "sup.nyc")
    draft = await flows.create(client, agent, "SIR", clock(), seed=9)
    loaded = await flows.action(client, agent, draft, "request-review")  # what sup.nyc opens

    returned = await flows.action(
        client, sup, loaded, "return", comment="Add the arresting officer's contact details."
    )
    edited = flows.expect(
        await client.patch(
            f"/api/v1/reports/{draft['id']}",
            json={"base_revision": returned["revision"], "title": "Arrest at JFK, corrected"},
            headers=agent,
        ),
        200,
        "author edits the returned report",
    )
    resent = await flows.action(client, agent, edited, "request-review")

    stale = await client.post(
        f"/api/v1/reports/{draft['id']}/approve",
        json={"base_revision": loaded["revision"]},
        headers=sup,
    )
    assert stale.status_code == 409, stale.text
    assert stale.json()["reason"] == "version_conflict"
    assert stale.json()["extra"]["current"]["revision"] == resent["revision"]
    assert stale.json()["extra"]["current"]["title"] == "Arrest at JFK, corrected"
    await _unchanged(client, agent, draft["id"], "in_review", resent["revision"])

    approved = await flows.action(client, sup, resent, "approve")
    assert approved["status"] == "submitted"


async def test_return_with_comment_reaches_the_author(client: Any, clock: FakeClock) -> None:
    agent = await login(client, "agent.nyc")
    sup = await login(client, "sup.nyc")
    draft = await flows.create(client, agent, "SPEAR", clock(), seed=10)
    asked = await flows.action(client, agent, draft, "request-review")

    # A return must say what to change.
    empty = await client.post(
        f"/api/v1/reports/{asked['id']}/return",
        json={"base_revision": asked["revision"], "comment": "   "},
        headers=sup,
    )
    assert empty.status_code == 422, empty.text
    assert [e["field"] for e in empty.json()["errors"]] == ["comment"]
    assert (await _state(client, agent, asked["id"]))["status"] == "in_review"

    comment = "Name the search warrant's issuing court."
    await flows.action(client, sup, asked, "return", comment=comment)
    seen = await _state(client, agent, asked["id"])
    assert seen["status"] == "returned"
    assert seen["review_comment"] == comment
    drafts = await flows.queue(client, agent, "drafts")
    row = next(item for item in drafts["items"] if item["id"] == asked["id"])
    assert row["status"] == "returned"
    # Back with the author: no longer in the reviewer's queue, editable, re-submittable.
    review = await flows.queue(client, sup, "review")
    assert asked["id"] not in {item["id"] for item in review["items"]}
    published = await flows.publish(client, agent, seen, sup)
    assert published["status"] == "submitted"
    assert published["review_comment"] is None


async def test_admin_makes_sir_review_mandatory(client: Any, clock: FakeClock) -> None:
    admin = await login(client, "admin")
    agent = await login(client, "agent.nyc")
    rules = flows.expect(
        await client.get("/api/v1/admin/review-rules", headers=admin), 200, "review rules"
    )
    # The SPEC §3 defaults, stored as data.
    assert rules == {
        "SIR": "elective",
        "OPPRED": "mandatory",
        "SPEAR": "mandatory",
        "LEARA": "elective",
        "SPOT": "none",
        "ERO_LEAD": "elective",
        "ERO_TAV": "elective",
        "NEWS": "none",
    }
    changed = flows.expect(
        await client.put("/api/v1/admin/review-rules/SIR", json="mandatory", headers=admin),
        200,
        "admin sets SIR review to mandatory",
    )
    assert changed["SIR"] == "mandatory"

    draft = await flows.create(client, agent, "SIR", clock(), seed=11)
    response = await client.post(
        f"/api/v1/reports/{draft['id']}/submit",
        json={"base_revision": draft["revision"]},
        headers=agent,
    )
    assert response.status_code == 409, response.text
    assert response.json()["reason"] == "review_required"
    assert (await _state(client, agent, draft["id"]))["status"] == "draft"
    asked = await flows.action(client, agent, draft, "request-review")
    assert asked["status"] == "in_review"

    # And back: an elective SIR may be submitted directly again.
    flows.expect(
        await client.put("/api/v1/admin/review-rules/SIR", json="elective", headers=admin),
        200,
        "admin sets SIR review back to elective",
    )
    other = await flows.create(client, agent, "SIR", clock(), seed=12)
    assert (await flows.action(client, agent, other, "submit"))["status"] == "submitted"


async def test_admin_changes_a_routing_rule(client: Any, clock: FakeClock) -> None:
    """Routing rules are data: LEARA also to IROC once the admin says so."""
    admin = await login(client, "admin")
    agent = await login(client, "agent.nyc")
    rules = flows.expect(
        await client.get("/api/v1/admin/routing-rules", headers=admin), 200, "routing rules"
    )
    assert rules["LEARA"] == ["author_chain"]
    bad = await client.put(
        "/api/v1/admin/routing-rules/LEARA", json=["author_chain", "everyone"], headers=admin
    )
    assert bad.status_code == 422, bad.text
    assert [e["field"] for e in bad.json()["errors"]] == ["1"]

    flows.expect(
        await client.put(
            "/api/v1/admin/routing-rules/LEARA",
            json=["author_chain", "office_kind:IROC"],
            headers=admin,
        ),
        200,
        "admin adds IROC to LEARA routing",
    )
    report = await flows.create_and_publish(client, agent, "LEARA", clock(), seed=13)
    assert set(await flows.routed_to(client, agent, report["id"])) == {
        "sup.nyc",
        "sac.nyc",
        "iroc.watch",
    }


async def test_non_admins_cannot_touch_workflow_rules(client: Any) -> None:
    admin = await login(client, "admin")
    before = (
        (await client.get("/api/v1/admin/review-rules", headers=admin)).json(),
        (await client.get("/api/v1/admin/routing-rules", headers=admin)).json(),
    )
    for user in ("sup.nyc", "sac.nyc", "iroc.watch", "hq.hsi", "isso", "stats"):
        headers = await login(client, user)
        attempts = [
            ("GET", "/api/v1/admin/review-rules", None),
            ("PUT", "/api/v1/admin/review-rules/OPPRED", "none"),
            ("GET", "/api/v1/admin/routing-rules", None),
            ("PUT", "/api/v1/admin/routing-rules/OPPRED", ["broadcast"]),
        ]
        for method, url, body in attempts:
            kwargs: dict[str, Any] = {"headers": headers}
            if body is not None:
                kwargs["json"] = body
            response = await client.request(method, url, **kwargs)
            assert response.status_code == 403, f"{user} {method} {url}: {response.text}"
    after = (
        (await client.get("/api/v1/admin/review-rules", headers=admin)).json(),
        (await client.get("/api/v1/admin/routing-rules", headers=admin)).json(),
    )
    assert after == before


async def test_compare_versions_lists_field_differences(client: Any, clock: FakeClock) -> None:
    agent = await login(client, "agent.nyc")
    report = await flows.create_and_publish(client, agent, "SIR", clock(), seed=14)
    current = await _state(client, agent, report["id"])
    body = current["body"]
    new_category = "seizure" if body["category"] != "seizure" else "arrest"
    new_city = body["location"]["city"] + " Heights"
    amended_body = {
        **body,
        "category": new_category,
        "location": {**body["location"], "city": new_city},
    }
    amended = await flows.action(
        client,
        agent,
        current,
        "amend",
        reason="wrong category and city",
        title="Seizure at the port",
        body=amended_body,
    )
    compared = flows.expect(
        await client.get(
            f"/api/v1/reports/{report['id']}/compare",
            params={"from_version": current["version"], "to_version": amended["version"]},
            headers=agent,
        ),
        200,
        "compare",
    )
    differences = {d["field"]: (d["before"], d["after"]) for d in compared["differences"]}
    assert differences == {
        "title": (current["title"], "Seizure at the port"),
        "body.category": (body["category"], new_category),
        "body.location.city": (body["location"]["city"], new_city),
    }
    # Every version stays readable, with the amendment's reason.
    versions = (await client.get(f"/api/v1/reports/{report['id']}/versions", headers=agent)).json()
    assert versions[-1]["reason"] == "wrong category and city"
    assert versions[-2]["title"] == current["title"]
    # A version that does not exist names the parameter.
    missing = await client.get(
        f"/api/v1/reports/{report['id']}/compare",
        params={"from_version": 1, "to_version": 99},
        headers=agent,
    )
    assert missing.status_code == 404, missing.text
    assert [e["field"] for e in missing.json()["errors"]] == ["to_version"]
