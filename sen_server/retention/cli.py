"""`sen-server retention plan|run|verify`: what the schedule makes due, carrying it out
(a dry run unless --execute), and checking a transfer package."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sen_server.audit.writer import AuditActor
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from sen_server.retention.plan import DueItem


def records_dir(args: argparse.Namespace, settings: ServerSettings) -> Path:
    return Path(args.to) if args.to else settings.data_dir / "records"


def key_file(args: argparse.Namespace, settings: ServerSettings) -> Path:
    return Path(args.key) if args.key else settings.resolved_audit_key_file


def _due(settings: ServerSettings, as_of: date | None) -> tuple[date, list[DueItem]]:
    from sen_server.retention.run import dry_run

    async def work() -> tuple[date, list[DueItem]]:
        runtime = Runtime.build(settings)
        try:
            day = as_of or runtime.now().date()
            return day, await dry_run(runtime, day)
        finally:
            await runtime.engine.dispose()

    return asyncio.run(work())


def print_plan(day: date, items: list[DueItem], verb: Callable[[str], str]) -> None:
    print(f"retention plan as of {day.isoformat()}")
    for item in items:
        state = "BLOCKED by a legal hold" if item.held else verb(item.action)
        print(f"{item.report_id:<22} {state:<24} due {item.due_on.isoformat()}  ({item.why()})")
    held = sum(item.held for item in items)
    counts = {
        action: sum(1 for i in items if i.action == action and not i.held)
        for action in ("transfer", "destroy")
    }
    print(
        f"{len(items)} due: {counts['transfer']} to transfer, {counts['destroy']} to destroy, "
        f"{held} blocked by legal holds"
    )


def cmd_plan(args: argparse.Namespace, settings: ServerSettings) -> int:
    day, items = _due(settings, args.as_of)
    print_plan(day, items, lambda action: action)
    return 0


class RichProgress:
    """The run's phases as rich progress bars."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None

    def phase(self, name: str, total: int) -> None:
        self._task = self._progress.add_task(name, total=total)

    def advance(self, done: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, done)


def cmd_run(args: argparse.Namespace, settings: ServerSettings, actor: AuditActor) -> int:
    if not args.execute:
        day, items = _due(settings, args.as_of)
        print_plan(day, items, lambda action: f"would {action}")
        print("dry run: nothing was changed (add --execute to carry it out)")
        return 0
    if args.as_of:
        print("--as-of only applies to a dry run: a run disposes of what is due today")
        return 2

    from rich.progress import Progress

    from sen_server.retention.package import load_private_key
    from sen_server.retention.run import run_retention

    key = load_private_key(key_file(args, settings))
    folder = records_dir(args, settings)

    async def work(progress: RichProgress) -> Any:
        runtime = Runtime.build(settings)
        try:
            return await run_retention(
                runtime,
                actor,
                as_of=runtime.now().date(),
                records_dir=folder,
                key=key,
                progress=progress,
            )
        finally:
            await runtime.engine.dispose()

    with Progress() as bars:
        result = asyncio.run(work(RichProgress(bars)))
    for name in result.packages:
        print(f"transfer package written: {folder / name}")
    print(
        f"destroyed {len(result.destroyed)}, transferred {len(result.transferred)}, "
        f"blocked by legal holds {len(result.held)}"
    )
    if not result.storage_scrubbed:
        print("note: a running server kept the SQLite WAL open; its next checkpoint clears it")
    return 0


def cmd_verify(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sen_server.retention.package import load_public_key, verify_package

    problems = verify_package(Path(args.package), load_public_key(key_file(args, settings)))
    for problem in problems:
        print(f"BAD: {problem}")
    if problems:
        return 1
    print(f"package {Path(args.package).name}: manifest, records and signature verify")
    return 0


def add_parser(sub: Any, actor: Callable[[], AuditActor]) -> None:
    retention = sub.add_parser("retention", help="records schedule (SPEC §8)").add_subparsers(
        dest="retention", required=True
    )
    plan = retention.add_parser("plan", help="what is due, when and why (holds: blocked)")
    plan.add_argument("--as-of", type=date.fromisoformat, help="a day other than today")
    plan.set_defaults(func=cmd_plan)
    run = retention.add_parser("run", help="carry out the plan (a dry run unless --execute)")
    run.add_argument("--execute", action="store_true", help="transfer and destroy for real")
    run.add_argument("--as-of", type=date.fromisoformat, help="dry run only: another day")
    run.add_argument("--to", help="folder for transfer packages (default DATA_DIR/records)")
    run.add_argument("--key", help="Ed25519 key that signs packages (default: the audit key)")
    run.set_defaults(func=lambda args, settings: cmd_run(args, settings, actor()))
    verify = retention.add_parser("verify", help="check a transfer package and its signature")
    verify.add_argument("package", help="the package's folder")
    verify.add_argument("--key", help="the signing key, or its public half (default: audit key)")
    verify.set_defaults(func=cmd_verify)
