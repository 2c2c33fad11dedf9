"""Audit review over HTTP (SPEC §9, §12): filters, keyset pages, the failed-logon report and
a verification run from the API, on SQLite and PostgreSQL where the SQL differs."""

import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from sen_server.settings import ServerSettings
from tests.support.api import login
from tests.support.clock import FakeClock


async def _records(client: AsyncTestClient[Any], headers: dict[str, str], **params: Any) -> Any:
    response = await client.get("/api/v1/audit", params={"limit": 500, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_filters_narrow_and_cursor_pages_walk_the_log_once(
    client: AsyncTestClient[Any], clock: FakeClock
) -> None:
    await login(client, "agent.nyc")
    await login(client, "sup.nyc")
    wrong = await client.post(
        "/api/v1/auth/login", json={"username": "agent.nyc", "password": "not the password"}
    )
    assert wrong.status_code == 401
    isso = await login(client, "isso")

    by_agent = await _records(client, isso, actor="agent.nyc", action="auth.login")
    assert by_agent["items"], "agent.nyc's logon is on the record"
    assert {(r["actor"], r["action"]) for r in by_agent["items"]} == {("agent.nyc", "auth.login")}
    group = await _records(client, isso, action="auth.", outcome="failure")
    assert {r["action"] for r in group["items"]} == {"auth.login_failed"}
    assert [r["object_id"] for r in group["items"]] == ["agent.nyc"]
    # Any beginning of an action names the actions that start so; one that no action starts
    # with names none (and is not read as a pattern).
    begun = await _records(client, isso, action="auth.login_f")
    assert {r["action"] for r in begun["items"]} == {"auth.login_failed"}
    assert (await _records(client, isso, action="auth%"))["items"] == []
    about = await _records(client, isso, object_id="agent.nyc")
    assert about["items"] and all(r["object_id"] == "agent.nyc" for r in about["items"])
    later = (clock() + timedelta(hours=1)).isoformat()
    assert (await _records(client, isso, since=later))["items"] == []
    assert (await _records(client, isso, until=later))["items"]

    # Keyset pages: the whole log as it stood, newest first, each record once, although
    # every page read adds a record at the top.
    everything = [r["seq"] for r in (await _records(client, isso))["items"]]
    paged: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 7, "until": later}
        if cursor:
            params["cursor"] = cursor
        page = await _records(client, isso, **params)
        paged += [r["seq"] for r in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
        if len(paged) == 7:
            # The reads of the first page are on the record, above where paging goes on.
            newest = (await _records(client, isso, action="audit.read", limit=1))["items"][0]
            assert newest["seq"] > paged[0]
    assert paged == sorted(set(paged), reverse=True)
    assert set(everything) <= set(paged)


async def test_a_forged_cursor_is_refused_by_name(client: AsyncTestClient[Any]) -> None:
    isso = await login(client, "isso")
    for forged in ("not-a-cursor", "eyJiZWZvcmUiOi0xfQ", "eyJiZWZvcmUiOiIxIn0", "e30"):
        response = await client.get("/api/v1/audit", params={"cursor": forged}, headers=isso)
        assert response.status_code == 422, (forged, response.text)
        assert [e["field"] for e in response.json()["errors"]] == ["cursor"]


async def test_failed_logon_report_groups_by_user_and_source_without_what_was_typed(
    client: AsyncTestClient[Any], clock: FakeClock
) -> None:
    typed = "Tr0ub4dor&3-typed-as-username"
    for username in ("agent.nyc", "agent.nyc", typed):
        response = await client.post(
            "/api/v1/auth/login", json={"username": username, "password": "wrong password"}
        )
        assert response.status_code == 401
    admin = await login(client, "admin")
    response = await client.get("/api/v1/audit/failed-logons", headers=admin)
    assert response.status_code == 200, response.text
    assert typed not in response.text
    report = response.json()
    assert report["failures"] == 3
    users = {u["user"]: u for u in report["by_user"]}
    assert users["agent.nyc"]["failures"] == 2 and users["agent.nyc"]["known"]
    (unknown,) = [u for u in report["by_user"] if not u["known"]]
    assert unknown["user"].startswith("unknown:") and unknown["failures"] == 1
    (source,) = report["by_source"]
    assert source["failures"] == 3 and source["users"] == 2

    # The same attempts again show under the same digest: an auditor can follow them.
    await client.post("/api/v1/auth/login", json={"username": typed, "password": "x" * 12})
    again = (await client.get("/api/v1/audit/failed-logons", headers=admin)).json()
    assert {u["user"]: u["failures"] for u in again["by_user"]}[unknown["user"]] == 2

    # A window after the attempts holds none of them.
    since = (clock() + timedelta(minutes=5)).isoformat()
    until = (clock() + timedelta(hours=2)).isoformat()
    empty = await client.get(
        "/api/v1/audit/failed-logons", params={"since": since, "until": until}, headers=admin
    )
    assert empty.json()["failures"] == 0 and empty.json()["by_user"] == []
    backwards = await client.get(
        "/api/v1/audit/failed-logons", params={"since": until, "until": since}, headers=admin
    )
    assert backwards.status_code == 422
    assert [e["field"] for e in backwards.json()["errors"]] == ["since"]

    reads = await _records(client, admin, action="audit.failed_logons")
    assert len(reads["items"]) == 3 and typed not in str(reads)
    agent = await login(client, "agent.nyc")
    denied = await client.get("/api/v1/audit/failed-logons", headers=agent)
    assert denied.status_code == 403


async def test_the_auditor_verifies_from_the_api_and_the_run_is_on_the_record(
    client: AsyncTestClient[Any],
) -> None:
    isso = await login(client, "isso")
    admin = await login(client, "admin")
    me = (await client.get("/api/v1/me", headers=isso)).json()
    (audit,) = [w for w in me["workspaces"] if w["name"] == "audit"]
    assert set(audit["actions"]) == {"read_audit", "failed_logons", "verify_audit"}
    admin_me = (await client.get("/api/v1/me", headers=admin)).json()
    (admin_audit,) = [w for w in admin_me["workspaces"] if w["name"] == "audit"]
    assert "verify_audit" not in admin_audit["actions"]

    response = await client.post("/api/v1/audit/verify", headers=isso)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["ok"] and result["records"] > 0 and result["first_bad_seq"] is None
    refused = await client.post("/api/v1/audit/verify", headers=admin)
    assert refused.status_code == 403
    runs = (await _records(client, isso, action="audit.verify"))["items"]
    assert [(r["actor"], r["outcome"]) for r in runs] == [("admin", "denied"), ("isso", "success")]
    assert runs[1]["details"]["records"] == result["records"]


@pytest.mark.parametrize("demo_settings", ["sqlite"], indirect=True)
async def test_verification_from_the_api_names_the_first_altered_record(
    client: AsyncTestClient[Any], demo_settings: ServerSettings
) -> None:
    isso = await login(client, "isso")
    victim = (await _records(client, isso, actor="isso", action="auth.login"))["items"][0]
    with sqlite3.connect(demo_settings.data_dir / "sen.db") as db:
        db.execute("DROP TRIGGER audit_record_no_update")
        db.execute("UPDATE audit_record SET source = '203.0.113.9' WHERE seq = ?", (victim["seq"],))
    result = (await client.post("/api/v1/audit/verify", headers=isso)).json()
    assert not result["ok"]
    assert result["first_bad_seq"] == victim["seq"]
    assert "altered" in result["problem"]
    (run,) = (await _records(client, isso, action="audit.verify"))["items"]
    assert run["outcome"] == "failure" and run["details"]["first_bad_seq"] == victim["seq"]


@pytest.mark.parametrize("demo_settings", ["sqlite"], indirect=True)
def test_the_audit_list_pages_through_its_indexes(demo_settings: ServerSettings) -> None:
    """Every filter is an index range in seq order: no sort of the matching rows (SQLite's
    plan; PostgreSQL's is checked at scale by bench/audit_list.py)."""
    with sqlite3.connect(demo_settings.data_dir / "sen.db") as db:
        for column in ("actor", "action", "object_id", "outcome"):
            plan = " ".join(
                str(row[-1])
                for row in db.execute(
                    "EXPLAIN QUERY PLAN SELECT * FROM audit_record "
                    f"WHERE {column} = ? AND seq < ? ORDER BY seq DESC LIMIT 101",
                    ("x", 10**6),
                )
            )
            assert "USING INDEX ix_audit_record_" in plan, plan
            assert "TEMP B-TREE" not in plan, plan


async def test_a_time_window_holds_exactly_the_records_written_in_it(
    client: AsyncTestClient[Any], clock: FakeClock
) -> None:
    """The window is read as a range of seq (found from the time index) and then by time:
    the records of the hour before and after are left out, those in it all come."""
    start = clock()
    await login(client, "agent.nyc")
    clock.advance(hours=1)
    await login(client, "sup.nyc")
    await client.get("/api/v1/queues/mine", headers=await login(client, "sup.nyc"))
    clock.advance(hours=1)
    isso = await login(client, "isso")
    window = {
        "since": (start + timedelta(minutes=30)).isoformat(),
        "until": (start + timedelta(minutes=90)).isoformat(),
    }
    inside = await _records(client, isso, **window)
    assert inside["items"] and {r["actor"] for r in inside["items"]} == {"sup.nyc"}
    everything = await _records(client, isso, actor="sup.nyc")
    assert [r["seq"] for r in inside["items"]] == [r["seq"] for r in everything["items"]]
    paged = await _records(client, isso, limit=2, **window)
    rest = await _records(client, isso, cursor=paged["next_cursor"], **window)
    assert [r["seq"] for r in paged["items"] + rest["items"]] == [r["seq"] for r in inside["items"]]
