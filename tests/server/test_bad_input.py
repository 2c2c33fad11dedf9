"""Bad input gets a field-by-field error and changes nothing (SPEC §2, §3), on every type.

For each report type and each kind of mistake a client can make (wrong enum value,
malformed A-number, narrative over 20,000 characters, unknown fields, more than 50
subjects, wrong JSON types, a body over 1 MiB, no JSON at all) the server must answer a
4xx whose JSON names the field, never a 500, and store nothing: the author's list of
reports and the report's version and content stay as they were.
"""

import copy
import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from shared.blocks import NARRATIVE_MAX, PERSONS_MAX
from shared.catalogue import get_type
from shared.fields import FieldKind
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.factories import (
    ALL_TYPES,
    complete_body,
    complete_report,
    field_paths,
    set_path,
    wire_path,
)

# Who may create each type (SPEC §1).
AUTHORS = {
    "SIR": "agent.nyc",
    "OPPRED": "agent.nyc",
    "SPEAR": "agent.nyc",
    "LEARA": "agent.nyc",
    "SPOT": "agent.nyc",
    "ERO_LEAD": "officer.nyc",
    "ERO_TAV": "officer.nyc",
    "NEWS": "pao",
}
REFUSALS = {400, 413, 422}  # what a client's mistake may be answered with


@dataclass
class Case:
    """One mistake: the payload change it makes and the field the error must name."""

    name: str
    fields: list[str]  # errors[].field values the answer must include
    envelope: dict[str, Any] = field(default_factory=dict)  # top-level keys to set
    body_path: tuple[str, ...] | None = None  # where in the body to put body_value
    body_value: Any = None
    raw_body: Any = None  # replaces the whole envelope "body"


def cases_for(report_type: str) -> list[Case]:
    """Every mistake that applies to ``report_type``, read off its catalogue entry."""
    spec = get_type(report_type)
    cases = [
        Case("unknown envelope field", ["colour"], envelope={"colour": "red"}),
        Case("unknown body field", ["body.colour"], body_path=("colour",), body_value="red"),
        Case("wrong envelope enum", ["priority"], envelope={"priority": "urgent"}),
        Case("title not text", ["title"], envelope={"title": 42}),
        Case("event_at a number", ["event_at"], envelope={"event_at": 1_700_000_000}),
        Case("event_at without offset", ["event_at"], envelope={"event_at": "2026-01-01T10:00"}),
        Case("event_at not a time", ["event_at"], envelope={"event_at": "yesterday"}),
        Case("body a list", ["body"], raw_body=[]),
        Case("body a string", ["body"], raw_body="all of it"),
    ]
    enums = field_paths(spec, FieldKind.ENUM)
    if enums:
        cases.append(
            Case("wrong enum value", [wire_path(enums[0])], body_path=enums[0], body_value="nope")
        )
    for path in field_paths(spec, FieldKind.A_NUMBER):
        for bad in ("A1234567", "B12345678", "A1234567890", 123456789):
            cases.append(
                Case(
                    f"malformed A-number {bad!r}",
                    [wire_path(path)],
                    body_path=path,
                    body_value=bad,
                )
            )
    narrative = field_paths(spec, FieldKind.LONG_TEXT)[0]
    cases += [
        Case(
            "narrative over 20,000 characters",
            [wire_path(narrative)],
            body_path=narrative,
            body_value="x" * (NARRATIVE_MAX + 1),
        ),
        Case("narrative a number", [wire_path(narrative)], body_path=narrative, body_value=7),
    ]
    for f in spec.fields:
        if f.kind is FieldKind.LIST and f.max_items == PERSONS_MAX:
            person = complete_body(report_type)[f.name][0]
            cases.append(
                Case(
                    f"{PERSONS_MAX + 1} {f.name}",
                    [wire_path((f.name,))],
                    body_path=(f.name,),
                    body_value=[person] * (PERSONS_MAX + 1),
                )
            )
        if f.kind is FieldKind.LIST:
            cases.append(
                Case(
                    f"{f.name} not a list",
                    [wire_path((f.name,))],
                    body_path=(f.name,),
                    body_value="one",
                )
            )
        if f.kind is FieldKind.GROUP:
            group = (f.name,)
            cases += [
                Case(
                    f"{f.name} not an object",
                    [wire_path(group)],
                    body_path=group,
                    body_value=["a"],
                ),
                Case(
                    f"unknown field in {f.name}",
                    [wire_path((*group, "nickname"))],
                    body_path=(*group, "nickname"),
                    body_value="x",
                ),
            ]
    for kind, bad in (
        (FieldKind.INTEGER, "30"),
        (FieldKind.BOOLEAN, "yes"),
        (FieldKind.DATE, 20260101),
        (FieldKind.DATETIME, 1_700_000_000),
        (FieldKind.DECIMAL, "lots"),
    ):
        paths = field_paths(spec, kind)
        if paths:
            cases.append(
                Case(
                    f"{kind} given {bad!r}",
                    [wire_path(paths[0])],
                    body_path=paths[0],
                    body_value=bad,
                )
            )
    return cases


def apply(case: Case, payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` with the mistake made in it (a deep copy)."""
    bad = copy.deepcopy(payload)
    bad.update(case.envelope)
    if case.raw_body is not None:
        bad["body"] = case.raw_body
    elif case.body_path is not None:
        set_path(bad["body"], case.body_path, case.body_value)
    return bad


def refusal_problem(response: Any, expected_fields: list[str]) -> str | None:
    """What is wrong with the answer to a bad request, or None if it is right."""
    if response.status_code not in REFUSALS:
        return f"{response.status_code}, expected one of {sorted(REFUSALS)}"
    try:
        error = response.json()
    except ValueError:
        return f"{response.status_code} without a JSON body"
    named = [e.get("field") for e in error.get("errors") or []]
    if error.get("status_code") != response.status_code or not error.get("reason"):
        return f"error body without status_code/reason: {error}"
    missing = [f for f in expected_fields if f not in named]
    if missing:
        return f"{response.status_code} names {named}, not {missing}"
    return None


async def mine(client: Any, headers: dict[str, str]) -> list[tuple[str, int]]:
    """The author's reports as (id, version): what 'nothing was stored' is checked against."""
    response = await client.get(
        "/api/v1/reports", params={"mine": "true", "limit": 500}, headers=headers
    )
    assert response.status_code == 200, response.text
    return sorted((r["id"], r["version"]) for r in response.json()["items"])


async def test_bad_create_is_refused_field_by_field(client: Any, clock: FakeClock) -> None:
    """Creating a report with any one mistake: a 4xx naming the field, and no report appears
    in the author's list (so no half-saved draft and no burnt report number shows up)."""
    headers = {user: await login(client, user) for user in set(AUTHORS.values())}
    problems = []
    for report_type in ALL_TYPES:
        author = headers[AUTHORS[report_type]]
        good = complete_report(report_type, now=clock())
        before = await mine(client, author)
        for case in cases_for(report_type):
            response = await client.post("/api/v1/reports", json=apply(case, good), headers=author)
            problem = refusal_problem(response, case.fields)
            if problem:
                problems.append(f"create {report_type} with {case.name}: {problem}")
        if await mine(client, author) != before:
            problems.append(f"create {report_type}: a refused create stored a report")
    assert not problems, "\n".join(problems)


async def test_bad_update_changes_nothing(client: Any, clock: FakeClock) -> None:
    """Saving a draft with any one mistake: a 4xx naming the field; the draft keeps its
    revision, content and history, exactly as the author last saved it."""
    headers = {user: await login(client, user) for user in set(AUTHORS.values())}
    problems = []
    for report_type in ALL_TYPES:
        author = headers[AUTHORS[report_type]]
        created = await client.post(
            "/api/v1/reports", json=complete_report(report_type, now=clock()), headers=author
        )
        assert created.status_code == 201, created.text
        saved = created.json()
        url = f"/api/v1/reports/{saved['id']}"
        good = {
            "base_revision": saved["revision"],
            "title": "Edited",
            "event_at": saved["event_at"],
            "body": saved["body"],
        }
        cases = [
            *cases_for(report_type),
            Case("base_revision as text", ["base_revision"], envelope={"base_revision": "1"}),
            Case("base_revision as true", ["base_revision"], envelope={"base_revision": True}),
            Case("no base_revision", ["base_revision"], envelope={"base_revision": None}),
        ]
        for case in cases:
            payload = apply(case, good)
            if payload.get("base_revision") is None:
                del payload["base_revision"]
            response = await client.patch(url, json=payload, headers=author)
            problem = refusal_problem(response, case.fields)
            if problem:
                problems.append(f"update {report_type} with {case.name}: {problem}")
            now = (await client.get(url, headers=author)).json()
            if (now["revision"], now["title"], now["body"]) != (
                saved["revision"],
                saved["title"],
                saved["body"],
            ):
                problems.append(f"update {report_type} with {case.name}: the draft changed")
                # Go on from what is stored, so that one bug does not fail every later case.
                saved, good["base_revision"] = now, now["revision"]
        versions = (await client.get(f"{url}/versions", headers=author)).json()
        if len(versions) != saved["version"]:
            problems.append(
                f"update {report_type}: {len(versions)} versions kept for version "
                f"{saved['version']}: a refused save left a version behind"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("report_type", ["SIR", "OPPRED"])
async def test_incident_dated_in_the_future_is_not_submitted(
    client: Any, clock: FakeClock, report_type: str
) -> None:
    """An SIR (and an OPPRED, which is an SIR) dated tomorrow may be saved as a draft but
    not submitted or sent for review: 422 naming event_at, and it stays a draft."""
    headers = await login(client, "agent.nyc")
    tomorrow = (clock() + timedelta(days=1)).isoformat()
    payload = complete_report(report_type, now=clock(), event_at=tomorrow)
    created = await client.post("/api/v1/reports", json=payload, headers=headers)
    assert created.status_code == 201, created.text
    report = created.json()
    url = f"/api/v1/reports/{report['id']}"
    for action in ("submit", "request-review"):
        if report_type == "OPPRED" and action == "submit":
            continue  # OPPRED is never submitted without review
        response = await client.post(
            f"{url}/{action}", json={"base_revision": report["revision"]}, headers=headers
        )
        assert response.status_code == 422, response.text
        errors = response.json()["errors"]
        assert [e["field"] for e in errors] == ["event_at"], errors
        assert "future" in errors[0]["message"]
    now = (await client.get(url, headers=headers)).json()
    assert (now["status"], now["revision"]) == ("draft", report["revision"])


@pytest.mark.parametrize("report_type", ALL_TYPES)
async def test_body_over_one_mebibyte_is_413(
    client: Any, clock: FakeClock, report_type: str
) -> None:
    """A 2 MiB request is refused with 413 naming the body, on create and on save, and the
    draft is untouched."""
    headers = await login(client, AUTHORS[report_type])
    created = await client.post(
        "/api/v1/reports", json=complete_report(report_type, now=clock()), headers=headers
    )
    assert created.status_code == 201, created.text
    report = created.json()
    before = await mine(client, headers)
    narrative = field_paths(get_type(report_type), FieldKind.LONG_TEXT)[0]
    huge = "x" * (2 * 1024 * 1024)
    create = complete_report(report_type, now=clock())
    set_path(create["body"], narrative, huge)
    update = {"base_revision": report["revision"], "body": copy.deepcopy(create["body"])}
    as_json = {"content-type": "application/json", **headers}
    url = f"/api/v1/reports/{report['id']}"
    for method, target, payload in (("POST", "/api/v1/reports", create), ("PATCH", url, update)):
        response = await client.request(
            method, target, content=json.dumps(payload).encode(), headers=as_json
        )
        assert response.status_code == 413, response.text
        assert refusal_problem(response, ["body"]) is None, response.text
    assert await mine(client, headers) == before


async def test_request_that_is_not_json_is_refused(client: Any, clock: FakeClock) -> None:
    """Not JSON at all (or not a JSON object): a 4xx naming the body, nothing stored."""
    headers = await login(client, "agent.nyc")
    created = await client.post(
        "/api/v1/reports", json=complete_report("SIR", now=clock()), headers=headers
    )
    report = created.json()
    before = await mine(client, headers)
    url = f"/api/v1/reports/{report['id']}"
    as_json = {"content-type": "application/json", **headers}
    problems = []
    for content in (b"{not json", b'{"type": "SIR",', b"\xff\xfe", b"", b"[1, 2]", b'"SIR"'):
        for method, target in (
            ("POST", "/api/v1/reports"),
            ("PATCH", url),
            ("POST", f"{url}/submit"),
        ):
            response = await client.request(method, target, content=content, headers=as_json)
            problem = refusal_problem(response, ["body"])
            if problem:
                problems.append(f"{method} {target} with {content!r}: {problem}")
    assert not problems, "\n".join(problems)
    assert await mine(client, headers) == before


async def test_bad_parameters_name_the_parameter(client: Any) -> None:
    """Bad query and path parameters: a 4xx naming the parameter, never a 500."""
    headers = await login(client, "agent.nyc")
    checks = [
        ("GET", "/api/v1/reports?type=MEMO", "type"),
        ("GET", "/api/v1/reports?limit=0", "limit"),
        ("GET", "/api/v1/reports?limit=501", "limit"),
        ("GET", "/api/v1/reports?since=last-week", "since"),
        # A number was read as seconds after 1970; a time without an offset, or one that
        # overflows on its way to UTC, was a 500 (issue 10 item 9, found by Schemathesis).
        ("GET", "/api/v1/reports?until=0.5", "until"),
        ("GET", "/api/v1/reports?since=2026-01-01T00:00:00", "since"),
        ("GET", "/api/v1/reports?since=9999-12-31T23:59:59-14:00", "since"),
        ("GET", "/api/v1/queues/mine?until=0001-01-01T00:00:00%2B14:00", "until"),
        ("GET", "/api/v1/queues/mine?since=1700000000", "since"),
        ("GET", "/api/v1/reports/not-an-id", "report_id"),
        ("DELETE", "/api/v1/reports/SIR-2026-000001", "base_revision"),
        ("DELETE", "/api/v1/reports/SIR-2026-000001?base_revision=one", "base_revision"),
    ]
    problems = []
    for method, url, name in checks:
        response = await client.request(method, url, headers=headers)
        problem = refusal_problem(response, [name])
        if problem:
            problems.append(f"{method} {url}: {problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("report_type", ALL_TYPES)
async def test_stale_save_gets_409_and_loses_nothing(
    client: Any, clock: FakeClock, report_type: str
) -> None:
    """The author edits the same draft in two places. The second save, based on the old
    version, gets 409 version_conflict with the current version attached, and the first
    save is what stays stored (no lost update)."""
    username = AUTHORS[report_type]
    desk = await login(client, username)
    laptop = await login(client, username)
    created = await client.post(
        "/api/v1/reports", json=complete_report(report_type, now=clock()), headers=desk
    )
    assert created.status_code == 201, created.text
    original = created.json()
    url = f"/api/v1/reports/{original['id']}"
    laptop_body = complete_body(report_type, seed=1)
    first = await client.patch(
        url,
        json={"base_revision": original["revision"], "title": "From laptop", "body": laptop_body},
        headers=laptop,
    )
    assert first.status_code == 200, first.text
    current = first.json()
    assert current["revision"] == original["revision"] + 1

    stale = await client.patch(
        url,
        json={
            "base_revision": original["revision"],
            "title": "From desk",
            "body": original["body"],
        },
        headers=desk,
    )
    assert stale.status_code == 409, stale.text
    error = stale.json()
    assert error["reason"] == "version_conflict"
    shown = error["extra"]["current"]
    assert (shown["revision"], shown["title"], shown["body"]) == (
        current["revision"],
        "From laptop",
        current["body"],
    )
    stored = (await client.get(url, headers=desk)).json()
    assert (stored["revision"], stored["title"], stored["body"]) == (
        current["revision"],
        "From laptop",
        current["body"],
    )

    # A stale delete does not throw the newer version away either.
    gone = await client.delete(url, params={"base_revision": original["revision"]}, headers=desk)
    assert gone.status_code == 409, gone.text
    assert gone.json()["extra"]["current"]["revision"] == current["revision"]
    assert (await client.get(url, headers=desk)).status_code == 200
