"""The transactional outbox's worker: claims due messages after they commit, runs the
handler for their kind, and records each attempt.

A claim is a lease (``leased_until``) taken with a conditional UPDATE, so two instances on
one PostgreSQL database never run the same message at once, and a message whose worker died
is taken up again when its lease runs out. A handler's failure is retried with exponential
backoff; after ``MAX_ATTEMPTS`` (or a permanent failure) the message is marked failed with
the reason. Every attempt's outcome is an audit record of the system principal.
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlmodel import col, select, update

from sen_server.audit.writer import AuditEntry
from sen_server.models import OutboxMessage
from sen_server.principal import SYSTEM_ACTOR
from sen_server.runtime import Runtime
from sen_server.unit import UnitOfWork
from shared.enums import AuditAction

log = logging.getLogger("sen.jobs")

# Does the work one outbox message asks for; raises DeliveryFailed (or anything) if it can't.
OutboxHandler = Callable[[Runtime, dict[str, Any]], Awaitable[None]]

MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=5)
POLL_SECONDS = 5.0  # other instances' messages (no local wake-up) are noticed this often


class DeliveryFailed(Exception):
    """An outbox handler could not do its work. ``reason`` is kept with the message and in
    the audit record, so it must name no personal data (an SMTP reply code, say)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def backoff(attempts: int, first: float = 30.0) -> timedelta:
    """``first`` seconds (settings.outbox_retry_seconds) after the first failure,
    doubling, at most an hour."""
    return min(timedelta(seconds=first * 2 ** max(0, attempts - 1)), timedelta(hours=1))


async def run_outbox(runtime: Runtime, handlers: dict[str, OutboxHandler]) -> None:
    """The worker: deliver what is due, then wait for a local commit or the next poll."""
    while True:
        armed = runtime.outbox_wakeup.arm()  # before draining, so no wake-up falls between
        try:
            await drain(runtime, handlers)
        except Exception as exc:  # the database went away: try again at the next poll
            log.warning("outbox worker: %s", type(exc).__name__)
        await runtime.outbox_wakeup.wait(POLL_SECONDS, armed)


async def drain(runtime: Runtime, handlers: dict[str, OutboxHandler]) -> int:
    """Deliver every message that is due now; the number of attempts made."""
    attempts = 0
    while (message := await claim_next(runtime)) is not None:
        await deliver(runtime, handlers, message)
        attempts += 1
    return attempts


def _claimable(now: Any) -> list[ColumnElement[bool]]:
    return [
        col(OutboxMessage.state) == "pending",
        col(OutboxMessage.available_at) <= now,
        or_(col(OutboxMessage.leased_until).is_(None), col(OutboxMessage.leased_until) < now),
    ]


async def claim_next(runtime: Runtime) -> OutboxMessage | None:
    """Lease the oldest due message, or None. Another instance's claim wins a race: the
    UPDATE re-checks the lease, and the loser looks for the next message."""
    for _ in range(10):
        now = runtime.now()
        async with runtime.write_session() as session:
            candidate = (
                await session.exec(
                    select(OutboxMessage.id)
                    .where(*_claimable(now))
                    .order_by(col(OutboxMessage.id))
                    .limit(1)
                )
            ).first()
            if candidate is None:
                return None
            claimed = await session.exec(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == candidate, *_claimable(now))
                .values(leased_until=now + LEASE, attempts=col(OutboxMessage.attempts) + 1)
            )
            if claimed.rowcount == 1:
                message = await session.get(OutboxMessage, candidate)
                if message is not None:
                    session.expunge(message)
                    return message
    return None


async def deliver(
    runtime: Runtime, handlers: dict[str, OutboxHandler], message: OutboxMessage
) -> None:
    handler = handlers.get(message.kind)
    error: DeliveryFailed | None = None
    if handler is None:
        error = DeliveryFailed("no handler for this kind of message", permanent=True)
    else:
        try:
            await handler(runtime, message.payload)
        except DeliveryFailed as exc:
            error = exc
        except Exception as exc:  # a handler's bug or an outage: retried like a failure
            error = DeliveryFailed(type(exc).__name__)
    await _record(runtime, message, error)


async def _record(runtime: Runtime, claimed: OutboxMessage, error: "DeliveryFailed | None") -> None:
    async with UnitOfWork(runtime, SYSTEM_ACTOR) as unit:
        message = await unit.session.get(OutboxMessage, claimed.id, with_for_update=True)
        if message is None:
            return
        now = runtime.now()
        message.leased_until = None
        if error is None:
            message.state, message.finished_at = "done", now
            outcome = "success"
        elif error.permanent or message.attempts >= MAX_ATTEMPTS:
            message.state, message.finished_at = "failed", now
            message.last_error = error.reason[:500]
            outcome = "failure"
        else:
            message.available_at = now + backoff(
                message.attempts, runtime.settings.outbox_retry_seconds
            )
            message.last_error = error.reason[:500]
            outcome = "failure"
        unit.session.add(message)
        details: dict[str, Any] = {
            "kind": message.kind,
            "attempt": message.attempts,
            "state": message.state,
        }
        if error is not None:
            details["reason"] = error.reason[:200]
        unit.audit(
            AuditEntry(
                action=AuditAction.OUTBOX_DELIVERY,
                outcome=outcome,
                object_type="outbox",
                object_id=str(message.id),
                details=details,
            )
        )
