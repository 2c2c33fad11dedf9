"""Audit review (SPEC §9, §12): the list, keyset-paged; the failed-logon report; a chain
verification run on request. Auditors and administrators read; only auditors verify."""

import base64
import binascii
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, union_all
from sqlmodel import col, select

import sen_server.audit.indexes  # noqa: F401  (the list's indexes, on the metadata)
from sen_server.audit.anchors import BadAnchorsFile, read_anchors
from sen_server.audit.sql import MAX_SEQ
from sen_server.audit.verify import verify_chain
from sen_server.audit.writer import AuditActor, AuditEntry
from sen_server.errors import ApiError, validation_failed
from sen_server.models import AuditRecord
from sen_server.runtime import Runtime
from sen_server.unit import UnitOfWork, record_alone
from shared.audit_review import (
    AuditPage,
    AuditVerification,
    FailedLogonReport,
    FailedLogonsBySource,
    FailedLogonsByUser,
)
from shared.enums import AuditAction, AuditOutcome, ObjectType
from shared.schemas import AuditRecordPublic, FieldError

MAX_CURSOR = 100  # characters; a real one is about 20
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
# The failed-logon report's window when none is asked for, and its longest one.
DEFAULT_WINDOW = timedelta(hours=24)
REPORT_ROWS = 100  # per table, the most failures first
# The most the clocks of two server instances may differ (see _seq_range).
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None
    action: str | None = None  # an action, or the start of one ("auth.")
    object_id: str | None = None
    outcome: AuditOutcome | None = None


# ---- the list ---------------------------------------------------------------------------


def encode_cursor(seq: int) -> str:
    raw = json.dumps({"before": seq}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str, dialect: str) -> int:
    """The seq a cursor pages below, or a 422 naming ``cursor``."""
    if len(text) > MAX_CURSOR or not _BASE64URL.fullmatch(text):
        raise _bad_cursor()
    try:
        document = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(document, dict) or set(document) != {"before"}:
        raise _bad_cursor()
    before = document["before"]
    if type(before) is not int or not 1 <= before <= MAX_SEQ[dialect]:
        raise _bad_cursor()
    return before


def _bad_cursor() -> ApiError:
    message = "is not a cursor this server gave out: ask for the first page again"
    return validation_failed([FieldError(field="cursor", message=message)])


async def audit_page(
    unit: UnitOfWork,
    filters: AuditFilters,
    window: tuple[datetime | None, datetime | None],
    cursor: str | None,
    limit: int,
) -> AuditPage:
    """Newest first. Keyset: the next page is the records below the last one's seq, one
    index range under each filter however deep the reader has paged (indexes.py)."""
    since, until = window
    dialect = unit.session.get_bind().dialect.name
    before = decode_cursor(cursor, dialect) if cursor is not None else None
    conditions = []
    if filters.actor:
        conditions.append(col(AuditRecord.actor) == filters.actor)
    group = group_actions(filters.action) if filters.action else []
    if filters.action and not group:
        conditions.append(col(AuditRecord.action) == filters.action)
    if filters.object_id:
        conditions.append(col(AuditRecord.object_id) == filters.object_id)
    if filters.outcome:
        conditions.append(col(AuditRecord.outcome) == filters.outcome)
    if since:
        conditions.append(col(AuditRecord.at) >= since)
    if until:
        conditions.append(col(AuditRecord.at) < until)
    conditions += await _seq_range(unit, since, until)
    if before is not None:
        conditions.append(col(AuditRecord.seq) < before)
    if group:
        conditions.append(
            col(AuditRecord.seq).in_(await _group_seqs(unit, conditions, group, limit))
        )
    rows = (
        await unit.session.exec(
            select(AuditRecord)
            .where(*conditions)
            .order_by(col(AuditRecord.seq).desc())
            .limit(limit + 1)
        )
    ).all()
    shown = {
        "actor": filters.actor,
        "action": filters.action,
        "object_id": filters.object_id,
        "outcome": filters.outcome,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
    }
    details: dict[str, Any] = {"filters": {k: str(v) for k, v in shown.items() if v}}
    if before is not None:
        details["before"] = before
    unit.audit(AuditEntry(action=AuditAction.AUDIT_READ, details=details))
    items = [AuditRecordPublic.model_validate(r, from_attributes=True) for r in rows[:limit]]
    next_cursor = encode_cursor(items[-1].seq) if len(rows) > limit else None
    return AuditPage(items=items, next_cursor=next_cursor, limit=limit)


async def _seq_range(unit: UnitOfWork, since: datetime | None, until: datetime | None) -> list[Any]:
    """A time window as a range of seq, so that its page is a short primary-key range
    read newest first, not a walk down from the head (or a sort of the whole window).

    Records get their time from the writer's clock under the chain lock, so time follows
    seq within the clock skew between server instances (CLOCK_SKEW at most): a record
    more than that before ``since`` has a smaller seq than every record in the window, and
    one more than that after ``until`` a greater one. Each bound is one probe of the
    ``at`` index; the exact time conditions stay."""
    session, bounds = unit.session, []
    if since is not None:
        below = (
            await session.exec(
                select(AuditRecord.seq)
                .where(col(AuditRecord.at) < since - CLOCK_SKEW)
                .order_by(col(AuditRecord.at).desc())
                .limit(1)
            )
        ).first()
        if below is not None:
            bounds.append(col(AuditRecord.seq) > below)
    if until is not None:
        above = (
            await session.exec(
                select(AuditRecord.seq)
                .where(col(AuditRecord.at) >= until + CLOCK_SKEW)
                .order_by(col(AuditRecord.at))
                .limit(1)
            )
        ).first()
        if above is not None:
            bounds.append(col(AuditRecord.seq) < above)
    return bounds


def group_actions(action: str) -> list[str]:
    """The actions a filter names by their beginning ("auth.", "admin.hold": every known
    action that starts so), or [] when ``action`` is itself an action (an exact match).
    The server writes only the actions it knows, so the group is a finite list."""
    if action in _KNOWN_ACTIONS:
        return []
    return [known for known in _KNOWN_ACTIONS if known.startswith(action)] or [action]


_KNOWN_ACTIONS = sorted(a.value for a in AuditAction)


async def _group_seqs(
    unit: UnitOfWork, conditions: list[Any], actions: list[str], limit: int
) -> list[int]:
    """The newest ``limit + 1`` seqs among a group's actions: one short range of the
    (action, seq) index per action, merged. A LIKE over the group would walk the whole log
    backwards for a rare group (or sort every match of a common one)."""
    branches = [
        select(AuditRecord.seq)
        .where(*conditions, col(AuditRecord.action) == action)
        .order_by(col(AuditRecord.seq).desc())
        .limit(limit + 1)
        .subquery()
        for action in actions
    ]
    merged = union_all(*(select(branch.c.seq) for branch in branches)).subquery()
    newest = select(merged.c.seq).order_by(merged.c.seq.desc()).limit(limit + 1)
    return list((await unit.session.exec(newest)).all())


# ---- failed logons ----------------------------------------------------------------------


async def failed_logon_report(
    unit: UnitOfWork, window: tuple[datetime | None, datetime | None]
) -> FailedLogonReport:
    """Failed logons per user and per source address over ``window`` (since, until; default:
    the last 24 hours). Usernames no account has are shown as keyed digests, never as typed."""
    # Without an end, up to and including now (the end is exclusive when it is given).
    until = window[1] or unit.runtime.now() + timedelta(microseconds=1)
    since = window[0] or until - DEFAULT_WINDOW
    if since >= until:
        message = "must be before the end of the window (until)"
        raise validation_failed([FieldError(field="since", message=message)])
    digest = unit.runtime.signer.username_digest
    users: dict[str, _Tally] = defaultdict(_Tally)
    sources: dict[str, _Tally] = defaultdict(_Tally)
    # Grouped in the database over one index range (action, at): one row per account (or
    # username tried) and source, however many thousands of failures a flood left. A
    # failure names its account in object_id; a username no account has is only in its
    # details, as is the lockout flag (present only on the failure that locked).
    details = col(AuditRecord.details)
    tried = details["username_tried"].as_string()
    # SQLModel types select() for up to 4 columns: six need the ignore below.
    query = (
        select(  # type: ignore[call-overload]
            AuditRecord.object_id,
            tried,
            AuditRecord.source,
            func.count(),
            func.count(details["lockout"].as_string()),
            func.max(AuditRecord.at),
        )
        .where(
            col(AuditRecord.action) == AuditAction.LOGIN_FAILED,
            col(AuditRecord.at) >= since,
            col(AuditRecord.at) < until,
        )
        .group_by(col(AuditRecord.object_id), tried, col(AuditRecord.source))
    )
    total = 0
    for object_id, username, source, failures, lockouts, last_at in await unit.session.exec(query):
        total += failures
        user = object_id or f"unknown:{digest(username or '')}"
        users[user].add(user, last_at, failures, lockouts)
        sources[source or "unknown"].add(user, last_at, failures)
    by_user = sorted(
        (
            FailedLogonsByUser(
                user=user,
                known=not user.startswith("unknown:"),
                failures=tally.failures,
                lockouts=tally.lockouts,
                last_at=tally.last_at,
            )
            for user, tally in users.items()
        ),
        key=lambda u: (-u.failures, u.user),
    )
    by_source = sorted(
        (
            FailedLogonsBySource(
                source=source,
                failures=tally.failures,
                users=len(tally.users),
                last_at=tally.last_at,
            )
            for source, tally in sources.items()
        ),
        key=lambda s: (-s.failures, s.source),
    )
    unit.audit(
        AuditEntry(
            action=AuditAction.AUDIT_FAILED_LOGONS,
            object_type=ObjectType.AUDIT,
            details={"since": since.isoformat(), "until": until.isoformat(), "failures": total},
        )
    )
    return FailedLogonReport(
        since=since,
        until=until,
        failures=total,
        by_user=by_user[:REPORT_ROWS],
        by_source=by_source[:REPORT_ROWS],
    )


class _Tally:
    def __init__(self) -> None:
        self.failures = self.lockouts = 0
        self.users: set[str] = set()
        self.last_at = datetime.min.replace(tzinfo=UTC)

    def add(self, user: str, at: datetime, failures: int, lockouts: int = 0) -> None:
        self.failures += failures
        self.lockouts += lockouts
        self.users.add(user)
        self.last_at = max(self.last_at, at)


# ---- verification -----------------------------------------------------------------------


async def verify_for(runtime: Runtime, actor: AuditActor) -> AuditVerification:
    """Verify the chain on request; the run itself is on the record, with its verdict."""
    verification, entry = await run_verification(runtime)
    await record_alone(runtime, actor, entry)
    return verification


async def run_verification(runtime: Runtime) -> tuple[AuditVerification, AuditEntry]:
    """Verify the chain (and the anchors file, if the server keeps one) in a read
    transaction, so that no writer waits for it; the result and its audit entry."""
    settings = runtime.settings
    path = settings.audit_anchors_file
    try:
        anchors = list(read_anchors(path)) if path is not None and path.exists() else []
    except (OSError, BadAnchorsFile):
        anchors = []
        anchors_problem = "the anchors file cannot be read"
    else:
        anchors_problem = ""
    async with runtime.read_sessions() as session:
        result = await verify_chain(
            session,
            runtime.signer,
            checkpoint_every=settings.audit_checkpoint_every,
            anchors=anchors,
        )
    ok = result.ok and not anchors_problem
    verification = AuditVerification(
        ok=ok,
        records=result.records,
        checkpoints=result.checkpoints,
        anchors=result.anchors,
        first_bad_seq=result.first_bad_seq,
        problem=result.problem or anchors_problem,
        verified_at=runtime.now(),
    )
    entry = AuditEntry(
        action=AuditAction.AUDIT_VERIFY,
        outcome="success" if ok else "failure",
        object_type=ObjectType.AUDIT,
        details={
            "ok": ok,
            "records": result.records,
            "first_bad_seq": result.first_bad_seq,
        },
    )
    return verification, entry
