"""Carrying out the schedule: destroy what is due, transfer what is due, skip what is held.

Safe to interrupt and to run again. Every step is one transaction that removes a batch of
reports' content, writes their tombstones and their audit records together, so a report is
either untouched or gone with its tombstone and record; a re-run finds only what is left.
A transfer package is complete on disk (written under a temporary name, then renamed)
before any of its reports is removed; a run that stopped between the two first finishes
the packages it finds whose reports are still live, so no report goes into two packages.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.writer import AuditActor, AuditEntry
from sen_server.models import Delivery, Report, ReportVersion, User
from sen_server.retention import package as packages
from sen_server.retention.models import LegalHold, RetentionTombstone
from sen_server.retention.plan import Disposition, DueItem, plan
from sen_server.retention.purge import remove_content, scrub_sqlite_file
from sen_server.runtime import Runtime
from sen_server.unit import UnitOfWork
from shared.enums import AuditAction, ObjectType

BATCH = 25  # reports per transaction: short write locks, few commits
PACKAGE_SIZE = 1000  # reports per transfer package


class Progress(Protocol):
    def phase(self, name: str, total: int) -> None: ...

    def advance(self, done: int) -> None: ...


class NoProgress:
    def phase(self, name: str, total: int) -> None:
        pass

    def advance(self, done: int) -> None:
        pass


@dataclass
class RunResult:
    destroyed: list[str] = field(default_factory=list)
    transferred: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    packages: list[str] = field(default_factory=list)
    # The SQLite WAL was truncated (False: a running server's reader kept it; see purge).
    storage_scrubbed: bool = True


@dataclass(frozen=True)
class Transfer:
    item: DueItem
    package: str
    sha256: str


def _batches(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def _still_due(session: AsyncSession, ids: list[str], revisions: dict[str, int]) -> set[str]:
    """Of ``ids``, those still live at the revision planned and under no hold. The rows
    are locked (PostgreSQL) so that a hold placed meanwhile waits for this transaction."""
    live = await session.exec(
        select(Report.id, Report.revision).where(col(Report.id).in_(ids)).with_for_update()
    )
    unchanged = {rid for rid, revision in live.all() if revisions.get(rid) == revision}
    held = await session.exec(
        select(LegalHold.report_id).where(
            col(LegalHold.report_id).in_(ids), col(LegalHold.lifted_at).is_(None)
        )
    )
    return unchanged - set(held.all())


async def _dispose(
    runtime: Runtime, actor: AuditActor, batch: Sequence[DueItem], transfers: dict[str, Transfer]
) -> list[str]:
    """One transaction: content out, tombstones and audit records in. Returns those done."""
    async with UnitOfWork(runtime, actor) as unit:
        due = await _still_due(
            unit.session, [i.report_id for i in batch], {i.report_id: i.revision for i in batch}
        )
        done: list[str] = []
        for item in batch:
            if item.report_id not in due:
                continue
            transfer = transfers.get(item.report_id)
            copies = await remove_content(unit.session, item.report_id, unit.runtime.now())
            unit.session.add(
                RetentionTombstone(
                    report_id=item.report_id,
                    report_type=item.report_type,
                    created_at=item.created_at,
                    trigger_date=item.trigger_date,
                    cutoff_date=item.cutoff,
                    disposition="transferred" if transfer else "destroyed",
                    disposed_at=unit.runtime.now(),
                    package=transfer.package if transfer else None,
                    record_sha256=transfer.sha256 if transfer else None,
                )
            )
            details: dict[str, Any] = {
                "type": item.report_type,
                "cutoff": item.cutoff.isoformat(),
                "due_on": item.due_on.isoformat(),
            }
            if transfer:
                details |= {"package": transfer.package, "sha256": transfer.sha256}
            if copies:
                details["copies_removed_from"] = copies
            unit.audit(
                AuditEntry(
                    action=AuditAction.RETENTION_TRANSFER
                    if transfer
                    else AuditAction.RETENTION_DESTROY,
                    object_type=ObjectType.REPORT,
                    object_id=item.report_id,
                    details=details,
                )
            )
            done.append(item.report_id)
        return done


async def packed_record(session: AsyncSession, report_id: str) -> dict[str, Any] | None:
    """The whole record as the records centre receives it: the report, every version and
    who received it (None: the report is gone since it was planned)."""
    report = await session.get(Report, report_id)
    if report is None:
        return None
    versions = (
        await session.exec(
            select(ReportVersion)
            .where(col(ReportVersion.report_id) == report_id)
            .order_by(col(ReportVersion.version))
        )
    ).all()
    deliveries = (
        await session.exec(
            select(Delivery, User.username)
            .join(User, col(User.id) == col(Delivery.user_id))
            .where(col(Delivery.report_id) == report_id)
            .order_by(col(Delivery.id))
        )
    ).all()
    user_ids = {report.author_id} | {v.changed_by_id for v in versions}
    names = dict(
        (await session.exec(select(User.id, User.username).where(col(User.id).in_(user_ids)))).all()
    )
    record = report.model_dump(mode="json", exclude={"author_id", "author_office_id"})
    record["author"] = names.get(report.author_id)
    record["versions"] = [
        v.model_dump(mode="json", exclude={"id", "report_id", "changed_by_id"})
        | {"changed_by": names.get(v.changed_by_id)}
        for v in versions
    ]
    record["routing"] = [
        d.model_dump(
            mode="json",
            include={"state", "reason", "created_at", "read_at", "acknowledged_at"},
        )
        | {"recipient": username}
        for d, username in deliveries
    ]
    return record


async def _finish_packages(
    runtime: Runtime,
    actor: AuditActor,
    folder: Path,
    due: dict[str, DueItem],
    progress: Progress,
    result: RunResult,
    batch_size: int,
) -> None:
    """Finish the packages already on disk: remove their reports that are still live."""
    for package in packages.complete_packages(folder):
        pending = [r for r in package.records if r.report_id in due]
        if not pending:
            continue
        transfers = {
            r.report_id: Transfer(due[r.report_id], package.name, r.sha256)
            for r in pending
            if due[r.report_id].revision == r.revision
        }
        items = [t.item for t in transfers.values()]
        progress.phase(f"finishing {package.name}", len(items))
        for batch in _batches(items, batch_size):
            result.transferred += await _dispose(runtime, actor, batch, transfers)
            progress.advance(len(batch))
        for report_id in transfers:
            due.pop(report_id, None)


async def dry_run(runtime: Runtime, as_of: date) -> list[DueItem]:
    """What a run on ``as_of`` would do, from a read transaction: nothing is written (not
    even an audit record: the plan shows IDs, types and dates, no content)."""
    async with runtime.read_sessions() as session:
        return await plan(session, as_of)


async def run_retention(
    runtime: Runtime,
    actor: AuditActor,
    *,
    as_of: date,
    records_dir: Path,
    key: Ed25519PrivateKey,
    progress: Progress | None = None,
    batch_size: int = BATCH,
) -> RunResult:
    progress = progress or NoProgress()
    result = RunResult()
    items = await dry_run(runtime, as_of)
    result.held = [i.report_id for i in items if i.held]
    runnable = [i for i in items if not i.held]
    destroys = [i for i in runnable if i.action is Disposition.DESTROY]
    transfers = {i.report_id: i for i in runnable if i.action is Disposition.TRANSFER}

    progress.phase("destroying", len(destroys))
    for batch in _batches(destroys, batch_size):
        result.destroyed += await _dispose(runtime, actor, batch, {})
        progress.advance(len(batch))

    packages.remove_partial_packages(records_dir)
    await _finish_packages(runtime, actor, records_dir, transfers, progress, result, batch_size)
    for chunk in _batches(list(transfers.values()), PACKAGE_SIZE):
        name = packages.new_package_name(runtime.now())
        progress.phase(f"writing {name}", len(chunk))
        async with runtime.read_sessions() as session:
            records = []
            for item in chunk:
                record = await packed_record(session, item.report_id)
                if record is not None:
                    records.append((item.report_id, record["revision"], record))
                progress.advance(1)
        if not records:
            continue
        package = packages.write_package(records_dir, name, records, key)
        result.packages.append(name)
        # A report is removed only at the revision packed: one changed since is kept (and
        # packed again by a later run).
        packed = {
            r.report_id: Transfer(
                replace(transfers[r.report_id], revision=r.revision), name, r.sha256
            )
            for r in package.records
        }
        chunk = [t.item for t in packed.values()]
        progress.phase(f"transferring {name}", len(chunk))
        for batch in _batches(chunk, batch_size):
            result.transferred += await _dispose(runtime, actor, batch, packed)
            progress.advance(len(batch))

    if (result.destroyed or result.transferred) and runtime.settings.is_sqlite:
        result.storage_scrubbed = scrub_sqlite_file(runtime.settings.resolved_database_url)
    return result
