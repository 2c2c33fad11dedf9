"""No PII value ever leaves the report store (SPEC §13): canary values are planted in every
PII field of every report type, pushed through create, save, submit, review, amend, view,
list, denied and bad-input paths, and then looked for everywhere else: audit records (and
every other table that is not report content), error answers, list answers, the masked
view of public affairs, the server's log and the files of its data folder.
"""

import copy
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import MetaData, select

from sen_server.db import create_engine
from sen_server.settings import ServerSettings
from shared.ages import AGE_FIELD, BIRTH_FIELD, age_on
from shared.catalogue import get_type
from shared.fields import FieldKind, FieldSpec
from tests.support.api import login
from tests.support.clock import FakeClock
from tests.support.demo import seed_demo
from tests.support.factories import ALL_TYPES, complete_report

# Anything containing one of these is a leak; "QX7Z" also catches a truncated canary (and,
# unlike a hex tag such as "7f1e", never turns up by chance inside a hash or a token).
NEEDLES = ("CANARY", "QX7Z", "A987654321", "1911-11-11")
CANARY_A_NUMBER = "A987654321"
CANARY_BIRTH_DATE = "1911-11-11"
DELETED_TAG = "GONEZQ"  # marks the canaries of a draft that its author deletes

# Where report content legitimately lives (in the database) and nowhere else.
CONTENT_TABLES = {"report", "report_version"}
DATABASE_FILES = ("sen.db", "sen.db-wal", "sen.db-shm", "sen.db-journal")
# The test's own HTTP client logs the URLs it calls; that is not the server's log.
CLIENT_LOGGERS = ("httpx", "httpcore")

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
USERS = ("agent.nyc", "officer.nyc", "sup.nyc", "pao", "iroc.watch", "opr", "hq.hsi", "stats")


def leaks(text: str | bytes) -> list[str]:
    """The needles found in ``text``."""
    if isinstance(text, bytes):
        return [n for n in NEEDLES if n.encode() in text]
    return [n for n in NEEDLES if n in text]


def plant(fields: list[FieldSpec], data: dict[str, Any], tag: str, event_day: date) -> None:
    """Put a canary in every PII field of ``data`` (a complete body), in place. A stated
    age follows the canary date of birth, so that the body stays consistent on the
    report's event day (a disagreement would be refused, and no path tested)."""
    for f in fields:
        value = data.get(f.name)
        if f.pii:
            if f.kind is FieldKind.DATE:
                data[f.name] = CANARY_BIRTH_DATE
                if f.name == BIRTH_FIELD and AGE_FIELD in data:
                    data[AGE_FIELD] = age_on(date.fromisoformat(CANARY_BIRTH_DATE), event_day)
            elif f.kind is FieldKind.A_NUMBER:
                data[f.name] = CANARY_A_NUMBER
            else:
                assert f.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT), f
                data[f.name] = f"CANARY-QX7Z-{tag}-{f.name}"[: f.max_length]
        elif f.kind is FieldKind.GROUP and isinstance(value, dict):
            plant(f.fields or [], value, tag, event_day)
        elif f.kind is FieldKind.LIST and isinstance(value, list):
            for item in value:
                plant(f.fields or [], item, tag, event_day)


def canary_report(report_type: str, now: datetime, tag: str = "new") -> dict[str, Any]:
    payload = complete_report(report_type, now=now, title=f"Canary test {report_type}")
    event_day = datetime.fromisoformat(payload["event_at"]).astimezone(UTC).date()
    plant(get_type(report_type).fields, payload["body"], tag, event_day)
    assert leaks(json.dumps(payload)), "the canaries were not planted"
    return payload


Answer = tuple[str, str]  # (what was done, the answer's text)


@dataclass
class Transcript:
    """Every answer the server gave during the exercise, by kind."""

    errors: list[Answer] = field(default_factory=list)  # each 4xx/5xx
    lists: list[Answer] = field(default_factory=list)  # answers to GET /api/v1/reports
    masked: list[Answer] = field(default_factory=list)  # public affairs' SIR view, versions
    server_errors: list[str] = field(default_factory=list)
    deleted_id: str = ""  # a draft with its own canary, deleted by its author

    def record(self, what: str, response: httpx.Response) -> httpx.Response:
        if response.status_code >= 500:
            self.server_errors.append(f"{what}: {response.status_code}")
        if response.status_code >= 400:
            self.errors.append((what, f"{response.status_code} {response.text}"))
        return response


async def exercise(http: Any, now: datetime) -> Transcript:
    """Drive the API the way users do, with canaries in every PII field."""
    t = Transcript()
    h = {user: await login(http, user) for user in USERS}

    async def call(what: str, user: str, method: str, url: str, **kwargs: Any) -> Any:
        headers = {**h[user], **kwargs.pop("headers", {})}
        return t.record(what, await http.request(method, url, headers=headers, **kwargs))

    async def refused(what: str, user: str, method: str, url: str, **kwargs: Any) -> None:
        response = await call(what, user, method, url, **kwargs)
        assert 400 <= response.status_code < 500, f"{what}: {response.status_code}"

    async def ok(what: str, user: str, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        response = await call(what, user, method, url, **kwargs)
        assert response.status_code in (200, 201), f"{what}: {response.text[:300]}"
        return dict(response.json())

    # Create, save, submit (through review where it is mandatory).
    ids: dict[str, str] = {}
    for report_type in ALL_TYPES:
        author = AUTHORS[report_type]
        report = await ok(
            f"create {report_type}",
            author,
            "POST",
            "/api/v1/reports",
            json=canary_report(report_type, now),
        )
        url = f"/api/v1/reports/{report['id']}"
        edited = canary_report(report_type, now, tag="edited")["body"]
        report = await ok(
            f"save {report_type}",
            author,
            "PATCH",
            url,
            json={"base_revision": report["revision"], "title": "Edited", "body": edited},
        )
        if report_type in ("OPPRED", "SPEAR"):
            report = await ok(
                f"review {report_type}",
                author,
                "POST",
                f"{url}/request-review",
                json={"base_revision": report["revision"]},
            )
            report = await ok(
                f"approve {report_type}",
                "sup.nyc",
                "POST",
                f"{url}/approve",
                json={"base_revision": report["revision"]},
            )
        else:
            report = await ok(
                f"submit {report_type}",
                author,
                "POST",
                f"{url}/submit",
                json={"base_revision": report["revision"]},
            )
        ids[report_type] = report["id"]

    sir = f"/api/v1/reports/{ids['SIR']}"
    current = await ok("author views SIR", "agent.nyc", "GET", sir)
    amended = canary_report("SIR", now, tag="amended")["body"]
    await ok(
        "amend SIR",
        "agent.nyc",
        "POST",
        f"{sir}/amend",
        json={
            "base_revision": current["revision"],
            "reason": "CANARY-QX7Z-REASON: corrected the subject's name",
            "body": amended,
        },
    )

    # Views and versions by the readers of each type, lists by everyone.
    for report_type, report_id in ids.items():
        url = f"/api/v1/reports/{report_id}"
        for user in (AUTHORS[report_type], "iroc.watch", "opr", "hq.hsi"):
            await call(f"{user} views {report_type}", user, "GET", url)
            await call(f"{user} versions {report_type}", user, "GET", f"{url}/versions")
    # Public affairs reads the SIR masked: no PII field may show, in any version. (The
    # amendment's free-text reason is checked by its own test below.)
    view = await ok("pao views SIR", "pao", "GET", sir)
    t.masked.append(("pao views SIR", json.dumps(view["body"])))
    versions = await call("pao views SIR versions", "pao", "GET", f"{sir}/versions")
    assert versions.status_code == 200, versions.text
    bodies = [v["body"] for v in versions.json()]
    t.masked.append(("pao views SIR versions", json.dumps(bodies)))
    for user in USERS:
        for query in ("", "?type=SIR", "?mine=true", "?status=submitted"):
            response = await call(f"{user} lists{query}", user, "GET", f"/api/v1/reports{query}")
            t.lists.append((f"{user} lists{query}", response.text))

    # Denied: no role of these may do this; the refusal is audited, the body is not.
    await call("pao edits SIR", "pao", "PATCH", sir, json={"base_revision": 1, "body": amended})
    await call("stats views SIR", "stats", "GET", sir)
    await call(
        "pao creates OPPRED", "pao", "POST", "/api/v1/reports", json=canary_report("OPPRED", now)
    )
    failed = await http.post(
        "/api/v1/auth/login",
        json={"username": "officer.nyc", "password": "CANARY-QX7Z-PASSWORD"},
    )
    t.record("failed login", failed)

    # Bad input built around the canaries: each is refused without repeating them.
    good = canary_report("SIR", now)

    def bad(change: Any) -> dict[str, Any]:
        payload = copy.deepcopy(good)
        change(payload)
        return payload

    mistakes: dict[str, Any] = {
        "malformed A-number": bad(
            lambda p: p["body"]["subjects"][0].update(a_number="CANARY-QX7Z-A")
        ),
        "bad birth date": bad(
            lambda p: p["body"]["subjects"][0].update(date_of_birth="CANARY-QX7Z-DOB")
        ),
        # The refusal says the age the canary birth date gives, never the date itself.
        "age that disagrees": bad(lambda p: p["body"]["subjects"][0].update(age=3)),
        "bad enum": bad(lambda p: p["body"]["subjects"][0].update(sex="CANARY-QX7Z-SEX")),
        "long narrative": bad(lambda p: p["body"].update(narrative="CANARY-QX7Z-" * 2000)),
        "subjects as text": bad(lambda p: p["body"].update(subjects="CANARY-QX7Z-SUBJECTS")),
        "unknown body key": bad(lambda p: p["body"].update({"CANARY-QX7Z-KEY": "CANARY-QX7Z-V"})),
        "unknown nested key": bad(
            lambda p: p["body"]["subjects"][0].update({"CANARY-QX7Z-KEY": "CANARY-QX7Z-V"})
        ),
        "unknown envelope key": bad(lambda p: p.update({"CANARY-QX7Z-KEY": "CANARY-QX7Z-V"})),
        "long title": bad(lambda p: p.update(title="CANARY-QX7Z-" * 30)),
        "long case number": bad(lambda p: p.update(case_number="CANARY-QX7Z-" * 7)),
        "bad priority": bad(lambda p: p.update(priority="CANARY-QX7Z-P")),
        "bad event time": bad(lambda p: p.update(event_at="CANARY-QX7Z-WHEN")),
        "bad type": bad(lambda p: p.update(type="CANARY-QX7Z-TYPE")),
        "body as text": bad(lambda p: p.update(body="CANARY-QX7Z-BODY")),
    }
    for what, payload in mistakes.items():
        await refused(f"create with {what}", "agent.nyc", "POST", "/api/v1/reports", json=payload)
    draft = await ok("create draft", "agent.nyc", "POST", "/api/v1/reports", json=good)
    url = f"/api/v1/reports/{draft['id']}"
    for what, payload in mistakes.items():
        if what == "bad type":
            continue  # a saved report keeps its type: there is no type to send
        update = {k: v for k, v in payload.items() if k != "type"}
        await refused(
            f"save with {what}",
            "agent.nyc",
            "PATCH",
            url,
            json={"base_revision": draft["revision"], **update},
        )
    await refused(
        "save with bad base_revision",
        "agent.nyc",
        "PATCH",
        url,
        json={"base_revision": "CANARY-QX7Z-BASE", "body": good["body"]},
    )
    incomplete = {"type": "SIR", "body": {"subjects": good["body"]["subjects"]}}
    partial = await ok("create partial", "agent.nyc", "POST", "/api/v1/reports", json=incomplete)
    await refused(
        "submit incomplete",
        "agent.nyc",
        "POST",
        f"/api/v1/reports/{partial['id']}/submit",
        json={"base_revision": partial["revision"]},
    )
    as_json = {"content-type": "application/json"}
    raw = {
        "truncated JSON": b'{"type": "SIR", "body": {"narrative": "CANARY-QX7Z-TRUNCATED',
        "2 MiB body": json.dumps(
            {"type": "SIR", "body": {"narrative": "CANARY-QX7Z-" * 200_000}}
        ).encode(),
    }
    for what, content in raw.items():
        await refused(
            what, "agent.nyc", "POST", "/api/v1/reports", content=content, headers=as_json
        )
    for query in ("type=CANARY-QX7Z", "since=CANARY-QX7Z", "limit=CANARY-QX7Z"):
        await refused(f"list with {query}", "agent.nyc", "GET", f"/api/v1/reports?{query}")
    await refused("bad report id", "agent.nyc", "GET", "/api/v1/reports/CANARY-QX7Z-ID")
    await refused("bad delete", "agent.nyc", "DELETE", f"{url}?base_revision=CANARY-QX7Z")

    # A deleted draft leaves nothing behind, not even in the report tables.
    doomed = canary_report("SIR", now, tag=DELETED_TAG)
    draft = await ok("create doomed", "agent.nyc", "POST", "/api/v1/reports", json=doomed)
    assert DELETED_TAG in json.dumps(draft["body"])
    deleted = await call(
        "delete draft",
        "agent.nyc",
        "DELETE",
        f"/api/v1/reports/{draft['id']}",
        params={"base_revision": draft["revision"]},
    )
    assert deleted.status_code == 204, deleted.text
    t.deleted_id = draft["id"]
    return t


@dataclass
class DatabaseScan:
    leaks: dict[str, list[str]]  # table → rows holding a canary, outside report content
    deleted: dict[str, list[str]]  # table → rows still holding the deleted draft's canary
    audit_rows: int
    stored_canaries: int  # canaries found in the report table: proof the scan sees them


def is_content_table(name: str) -> bool:
    # The reports, their versions, and the search index built from their titles and
    # narratives (report_fts and, on SQLite, its FTS5 shadow tables).
    return name in CONTENT_TABLES or name.startswith("report_fts")


async def scan_database(settings: ServerSettings) -> DatabaseScan:
    """Every row of every table, read straight from the database."""
    engine = create_engine(settings)
    scan = DatabaseScan({}, {}, 0, 0)
    try:
        async with engine.connect() as conn:
            metadata = MetaData()
            await conn.run_sync(metadata.reflect)
            for name, table in metadata.tables.items():
                rows = [repr(tuple(row)) for row in (await conn.execute(select(table))).all()]
                if name == "audit_record":
                    scan.audit_rows = len(rows)
                if name == "report":
                    scan.stored_canaries = sum(len(leaks(row)) for row in rows)
                if not is_content_table(name):
                    hits = [row[:300] for row in rows if leaks(row)]
                    if hits:
                        scan.leaks[name] = hits[:5]
                # FTS keeps lower-cased tokens: look for the deleted draft's tag in any case.
                gone = [row[:300] for row in rows if DELETED_TAG.lower() in row.lower()]
                if gone:
                    scan.deleted[name] = gone[:3]
    finally:
        await engine.dispose()
    return scan


def scan_data_dir(data_dir: Path) -> list[str]:
    """Files of the data folder that hold a canary, other than the database itself and
    the server's log (which the log test reads line by line)."""
    found = []
    for path in sorted(data_dir.rglob("*")):
        if not path.is_file() or path.name in DATABASE_FILES or path.match("server-*.log"):
            continue
        if leaks(path.read_bytes()):
            found.append(f"{path.relative_to(data_dir)}: {leaks(path.read_bytes())}")
    return found


async def read_audit_api(http: Any) -> list[dict[str, Any]]:
    """The whole audit log as the ISSO reads it."""
    headers = await login(http, "isso")
    records: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 500}
    while True:
        response = await http.get("/api/v1/audit", params=params, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        records += page["items"]
        if page["next_cursor"] is None:
            return records
        params["cursor"] = page["next_cursor"]


def leak_problems(
    t: Transcript, audit: list[dict[str, Any]], db: DatabaseScan, files: list[str]
) -> list[str]:
    """Every place a canary turned up where no PII may be; empty when all is well."""
    assert db.stored_canaries, "no canary in the report table: the scan would prove nothing"
    assert db.audit_rows > 50, "too few audit records: the exercise did not run"
    actions = {r["action"] for r in audit}
    expected = {"report.create", "report.update", "report.submit", "report.approve"}
    expected |= {"report.amend", "report.view", "report.versions", "report.list"}
    expected |= {"report.delete"}
    assert expected <= actions, f"actions missing from the audit log: {expected - actions}"
    problems = [f"server error: {e}" for e in t.server_errors]
    problems += [f"error answer to {w} repeats PII: {a[:300]}" for w, a in t.errors if leaks(a)]
    problems += [f"answer to {w} shows body content: {a[:300]}" for w, a in t.lists if leaks(a)]
    problems += [f"public affairs sees PII in {w}: {_near(a)}" for w, a in t.masked if leaks(a)]
    problems += [
        f"audit record {r['seq']} ({r['action']}) holds PII: {json.dumps(r)[:300]}"
        for r in audit
        if leaks(json.dumps(r))
    ]
    problems += [f"table {name} holds PII: {rows}" for name, rows in db.leaks.items()]
    problems += [
        f"deleted draft {t.deleted_id} lingers in table {name}: {rows}"
        for name, rows in db.deleted.items()
    ]
    problems += [f"data folder file holds PII: {f}" for f in files]
    return problems


def _near(text: str) -> str:
    """The text around the first canary in ``text``."""
    at = min(text.find(n) for n in leaks(text))
    return text[max(0, at - 120) : at + 80]


async def test_canaries_stay_in_the_report_store(
    client: Any, clock: FakeClock, demo_settings: ServerSettings, caplog: pytest.LogCaptureFixture
) -> None:
    """In-process, on SQLite and PostgreSQL: after every kind of request with PII in it,
    the PII is in the report tables and nowhere else a person could read it."""
    caplog.set_level(logging.INFO)  # what `sen-server serve` logs
    transcript = await exercise(client, clock())
    audit = await read_audit_api(client)
    db = await scan_database(demo_settings)
    problems = leak_problems(transcript, audit, db, scan_data_dir(demo_settings.data_dir))
    problems += [
        f"log line holds PII: {r.name}: {r.getMessage()[:300]}"
        for r in caplog.records
        if leaks(r.getMessage()) and not r.name.startswith(CLIENT_LOGGERS)
    ]
    assert not problems, "\n".join(problems)


async def test_canaries_never_reach_the_server_log(
    sqlite_settings: ServerSettings, start_server: Any
) -> None:
    """The real `sen-server serve` process on a seeded SQLite database: its log (which
    operators read, ship and keep) and its data folder hold no PII after the same exercise."""
    await seed_demo(sqlite_settings)
    server = start_server(sqlite_settings)
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        transcript = await exercise(http, datetime.now(UTC))
        audit = await read_audit_api(http)
    server.stop()
    log = server.log_text()
    assert "POST /api/v1/reports 422" in log, f"the server log has no request lines:\n{log[-2000:]}"
    db = await scan_database(sqlite_settings)
    # The data folder holds the log file too, so this also reads the log byte for byte.
    problems = leak_problems(transcript, audit, db, scan_data_dir(sqlite_settings.data_dir))
    problems += [
        f"server log line holds PII: {line[:300]}" for line in log.splitlines() if leaks(line)
    ]
    assert not problems, "\n".join(problems)


async def test_amendment_reason_is_masked_for_public_affairs(client: Any, clock: FakeClock) -> None:
    """An amendment's reason is free text about what changed in the report ("corrected
    the subject's name to ..."): like a narrative, it is where PII ends up, so public
    affairs, who read SIRs with every PII field masked, must not see it in the versions;
    the author still does."""
    agent, pao = await login(client, "agent.nyc"), await login(client, "pao")
    created = await client.post(
        "/api/v1/reports", json=complete_report("SIR", now=clock()), headers=agent
    )
    report = created.json()
    url = f"/api/v1/reports/{report['id']}"
    submitted = await client.post(
        f"{url}/submit", json={"base_revision": report["revision"]}, headers=agent
    )
    assert submitted.status_code == 200, submitted.text
    reason = "CANARY-QX7Z-REASON: subject's name corrected to CANARY-QX7Z-NAME"
    amended = await client.post(
        f"{url}/amend",
        json={"base_revision": submitted.json()["revision"], "reason": reason},
        headers=agent,
    )
    assert amended.status_code == 200, amended.text

    mine = (await client.get(f"{url}/versions", headers=agent)).json()
    assert mine[-1]["reason"] == reason
    shown = (await client.get(f"{url}/versions", headers=pao)).json()
    assert len(shown) == len(mine)
    assert not leaks(json.dumps(shown)), f"public affairs sees the reason: {shown[-1]['reason']}"
