"""sen-server: serve, migrate, administer accounts, load data, verify the audit chain.

The account service (Argon2, zxcvbn), Alembic and the unit of work are imported by the
commands that use them: importing them all made every command, `audit verify` included,
start ~0.4 s later.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import sys
import tomllib
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sen_server.audit.verify import verify_chain
from sen_server.audit.writer import AuditActor, AuditEntry, checkpoint_head
from sen_server.runtime import Runtime
from sen_server.settings import ServerSettings
from shared.enums import AuditAction

if TYPE_CHECKING:
    from sen_server.unit import UnitOfWork


def _cli_actor() -> AuditActor:
    # Command-line changes are made by whoever runs the command on the server host.
    try:
        login_name = getpass.getuser()
    except (KeyError, OSError):  # no USER/LOGNAME and no passwd entry (some containers)
        login_name = f"uid-{os.getuid()}"
    return AuditActor(username=f"cli:{login_name}", roles=("admin",), source="local")


async def _with_unit(settings: ServerSettings, work: Callable[[UnitOfWork], Awaitable[Any]]) -> Any:
    from sen_server.unit import UnitOfWork

    runtime = Runtime.build(settings)
    try:
        async with UnitOfWork(runtime, _cli_actor()) as unit:
            return await work(unit)
    finally:
        await runtime.engine.dispose()


KEEP_ALIVE_SECONDS = 30


def cmd_serve(args: argparse.Namespace, settings: ServerSettings) -> int:
    import uvicorn

    from sen_server.app import create_app
    from sen_server.http.protocol import MAX_HEADER_BYTES, BoundedH11Protocol
    from sen_server.migrate import upgrade

    upgrade(settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        access_log=False,  # ours omits query strings, which may hold search terms
        server_header=False,  # no "server: uvicorn" banner for a prober to match
        # Request heads bounded in size and in time (sen_server.http.protocol).
        http=BoundedH11Protocol,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        log_level="info",
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        # Open event streams never finish by themselves; don't let them block a restart.
        timeout_graceful_shutdown=5,
        # An idle connection is kept well beyond the client's own keep-alive (sen_tui's
        # api.base.KEEPALIVE_SECONDS): when both give up at the same moment, a request sent
        # just as the server closes fails as "server disconnected" (a false "unreachable").
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    return 0


def cmd_db_upgrade(_: argparse.Namespace, settings: ServerSettings) -> int:
    from sen_server.migrate import upgrade

    upgrade(settings)
    print("database is at the latest schema")
    return 0


def cmd_user_add(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sen_server.accounts import service as accounts

    # Never a command-line argument: ps and the shell's history would keep it.
    chosen = sys.stdin.readline().rstrip("\n") if args.password_stdin else ""
    password = chosen or accounts.temporary_password()

    async def work(unit: UnitOfWork) -> None:
        spec = accounts.UserSpec(
            username=args.username,
            display_name=args.display_name or args.username,
            program=args.program,
            roles=args.roles.split(","),
            office=args.office,
            supervisor=args.supervisor,
            title=args.title,
            email=args.email,
            phone=args.phone,
        )
        await accounts.create_user(unit.session, spec, password, unit.runtime.now(), temporary=True)
        unit.audit(
            AuditEntry(
                action=AuditAction.USER_ADD,
                object_type="user",
                object_id=args.username,
                details={"roles": sorted(spec.roles)},
            )
        )

    asyncio.run(_with_unit(settings, work))
    if chosen:
        print(f"created {args.username}; the temporary password is the one given")
    else:
        print(f"created {args.username}; temporary password (shown once): {password}")
    return 0


def cmd_user_list(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sqlmodel import select

    from sen_server.models import Office, User

    async def work(unit: UnitOfWork) -> tuple[datetime, list[tuple[Any, ...]]]:
        rows = await unit.session.exec(
            select(User, Office.code).outerjoin(Office).order_by(User.username)
        )
        unit.audit(AuditEntry(action=AuditAction.USER_LIST, object_type="user"))
        return unit.runtime.now(), list(rows.all())

    now, rows = asyncio.run(_with_unit(settings, work))
    if args.json:
        listing = [
            {
                "username": user.username,
                "display_name": user.display_name,
                "program": user.program,
                "roles": user.roles,
                "office": office,
                "disabled": user.disabled,
                "locked": user.locked_until is not None and now < user.locked_until,
            }
            for user, office in rows
        ]
        print(json.dumps(listing, indent=2))
        return 0
    for user, office in rows:
        # A lock that has run out is no lock: the user can log in again.
        locked = user.locked_until is not None and now < user.locked_until
        flags = ("disabled " if user.disabled else "") + ("locked" if locked else "")
        print(
            f"{user.username:<14} {user.program:<4} {','.join(user.roles):<20} "
            f"{office or '-':<10} {flags}"
        )
    return 0


def cmd_user_roles(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sen_server.accounts import service as accounts

    async def work(unit: UnitOfWork) -> None:
        await accounts.set_roles(unit.session, args.username, args.roles.split(","))
        unit.audit(
            AuditEntry(
                action=AuditAction.USER_ROLES,
                object_type="user",
                object_id=args.username,
                details={"roles": sorted(args.roles.split(","))},
            )
        )

    asyncio.run(_with_unit(settings, work))
    print(f"roles of {args.username}: {args.roles}")
    return 0


def cmd_user_unlock(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sen_server.accounts import service as accounts

    async def work(unit: UnitOfWork) -> None:
        await accounts.unlock(unit.session, args.username, unit.runtime.now())
        unit.audit(
            AuditEntry(action=AuditAction.USER_UNLOCK, object_type="user", object_id=args.username)
        )

    asyncio.run(_with_unit(settings, work))
    print(f"unlocked {args.username}")
    return 0


def cmd_user_reset_password(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sen_server.accounts import service as accounts

    async def work(unit: UnitOfWork) -> str:
        _, password = await accounts.reset_password(unit.session, args.username, unit.runtime.now())
        unit.audit(
            AuditEntry(
                action=AuditAction.PASSWORD_RESET, object_type="user", object_id=args.username
            )
        )
        return password

    password = asyncio.run(_with_unit(settings, work))
    print(
        f"temporary password for {args.username} (shown once; must be changed at login): {password}"
    )
    return 0


def cmd_user_disable(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sen_server.accounts import service as accounts

    async def work(unit: UnitOfWork) -> None:
        await accounts.set_disabled(
            unit.session, args.username, not args.enable, unit.runtime.now()
        )
        unit.audit(
            AuditEntry(
                action=AuditAction.USER_ENABLE if args.enable else AuditAction.USER_DISABLE,
                object_type="user",
                object_id=args.username,
            )
        )

    asyncio.run(_with_unit(settings, work))
    print(f"{args.username} {'enabled' if args.enable else 'disabled; its sessions ended'}")
    return 0


def cmd_org_load(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sen_server.accounts import service as accounts

    path = Path(args.file)
    data = (
        tomllib.loads(path.read_text()) if path.suffix == ".toml" else json.loads(path.read_text())
    )

    async def work(unit: UnitOfWork) -> int:
        offices = [accounts.OfficeSpec(**o) for o in data.get("offices", [])]
        for spec in offices:
            await accounts.upsert_office(unit.session, spec)
        unit.audit(
            AuditEntry(
                action=AuditAction.ORG_LOAD, object_type="office", details={"offices": len(offices)}
            )
        )
        return len(offices)

    count = asyncio.run(_with_unit(settings, work))
    print(f"loaded {count} offices from {path.name}")
    return 0


def cmd_demo_data(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sen_server.demo.build import build_demo
    from sen_server.migrate import upgrade

    password = args.password or os.environ.get("SEN_DEMO_PASSWORD")
    if not password:
        print(
            "give the demo accounts' password with --password or SEN_DEMO_PASSWORD", file=sys.stderr
        )
        return 2
    upgrade(settings)

    def progress(line: str) -> None:
        print(line, flush=True)  # read line by line by `sen demo` while the build goes on

    summary = asyncio.run(
        build_demo(
            settings,
            password,
            reports=args.reports,
            seed=args.seed,
            progress=progress if args.progress else lambda _: None,
        )
    )
    print(summary)
    return 0


def cmd_audit_verify(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sen_server.audit.anchors import BadAnchorsFile, read_anchors

    path: Path | None = args.anchors or settings.audit_anchors_file
    try:
        anchors = list(read_anchors(path)) if path is not None else []
    except (OSError, BadAnchorsFile) as exc:
        print(f"cannot read the anchors file: {exc}", file=sys.stderr)
        return 2

    async def work() -> Any:
        runtime = Runtime.build(settings)
        try:
            # A read transaction: one snapshot of the chain, without holding SQLite's
            # write lock (and so stopping a live server's writes) for the whole check.
            async with runtime.read_sessions() as session:
                return await verify_chain(
                    session,
                    runtime.signer,
                    checkpoint_every=settings.audit_checkpoint_every,
                    anchors=anchors,
                )
        finally:
            await runtime.engine.dispose()

    result = asyncio.run(work())
    if result.ok:
        anchored = f", {result.anchors} anchors matched" if path is not None else ""
        print(
            f"audit chain OK: {result.records} records, {result.checkpoints} signed "
            f"checkpoints{anchored}"
        )
        return 0
    print(f"audit chain BROKEN at record {result.first_bad_seq}: {result.problem}")
    return 1


def cmd_audit_checkpoint(_: argparse.Namespace, settings: ServerSettings) -> int:
    async def work() -> int:
        runtime = Runtime.build(settings)
        try:
            async with runtime.sessions() as session, session.begin():
                return await checkpoint_head(
                    session, runtime.signer, runtime.now(), settings.audit_checkpoint_every
                )
        finally:
            await runtime.engine.dispose()

    print(f"checkpoint at record {asyncio.run(work())}")
    return 0


def cmd_audit_match_term(_: argparse.Namespace, settings: ServerSettings) -> int:
    # Read from standard input, never the command line: ps and shell history keep argv.
    suspected = sys.stdin.readline().strip()
    if not suspected:
        print("type the suspected search term on standard input", file=sys.stderr)
        return 2

    from sen_server.audit.term_match import searches_for

    async def work(unit: UnitOfWork) -> list[Any]:
        found = await searches_for(unit.session, unit.runtime.signer, suspected)
        # The check itself is on the record (without the term).
        unit.audit(AuditEntry(action=AuditAction.AUDIT_TERM_CHECK, details={"matches": len(found)}))
        return found

    found = asyncio.run(_with_unit(settings, work))
    for record in found:
        print(f"record {record.seq}  {record.at.isoformat()}  {record.actor}  {record.action}")
    print(f"{len(found)} search(es) for that term")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sen-server", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP server (migrates first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8470)
    serve.add_argument("--ssl-certfile")
    serve.add_argument("--ssl-keyfile")
    serve.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db", required=True)
    db.add_parser("upgrade", help="apply Alembic migrations").set_defaults(func=cmd_db_upgrade)

    user = sub.add_parser("user", help="accounts").add_subparsers(dest="user", required=True)
    add = user.add_parser("add", help="create an account with a temporary password")
    add.add_argument("username")
    add.add_argument("--program", required=True, choices=["HSI", "ERO", "HQ"])
    add.add_argument("--roles", required=True, help="comma-separated")
    add.add_argument("--office")
    add.add_argument("--supervisor")
    add.add_argument("--display-name", default="")
    add.add_argument("--title", default="")
    add.add_argument("--email", default="")
    add.add_argument("--phone", default="")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the temporary password from standard input (default: generated)",
    )
    add.set_defaults(func=cmd_user_add)
    listing = user.add_parser("list", help="accounts, one a line (or --json)")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=cmd_user_list)
    roles = user.add_parser("roles", help="replace a user's roles")
    roles.add_argument("username")
    roles.add_argument("roles", help="comma-separated")
    roles.set_defaults(func=cmd_user_roles)
    for name, func in (("unlock", cmd_user_unlock), ("reset-password", cmd_user_reset_password)):
        p = user.add_parser(name)
        p.add_argument("username")
        p.set_defaults(func=func)
    disable = user.add_parser("disable", help="disable (or --enable) an account")
    disable.add_argument("username")
    disable.add_argument("--enable", action="store_true")
    disable.set_defaults(func=cmd_user_disable)

    org = sub.add_parser("org", help="organisation").add_subparsers(dest="org", required=True)
    load = org.add_parser("load", help="load offices from a TOML or JSON file")
    load.add_argument("file")
    load.set_defaults(func=cmd_org_load)

    demo = sub.add_parser("demo-data", help="build the synthetic demo organisation and reports")
    demo.add_argument("--password")
    demo.add_argument("--reports", type=int, default=300)
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument(
        "--progress",
        action="store_true",
        help="print each account once the organisation exists, then the reports as they are "
        "committed ('account: …', 'reports: N of M' lines)",
    )
    demo.set_defaults(func=cmd_demo_data)

    audit = sub.add_parser("audit", help="audit log").add_subparsers(dest="audit", required=True)
    verify = audit.add_parser("verify", help="check every link and checkpoint")
    verify.add_argument(
        "--anchors",
        type=Path,
        help="checkpoints copied outside the database (default: SEN_AUDIT_ANCHORS_FILE)",
    )
    verify.set_defaults(func=cmd_audit_verify)
    audit.add_parser("checkpoint", help="sign the chain head now").set_defaults(
        func=cmd_audit_checkpoint
    )
    audit.add_parser(
        "match-term", help="list the searches for a suspected term (read from stdin)"
    ).set_defaults(func=cmd_audit_match_term)

    from sen_server.retention.cli import add_parser as add_retention

    add_retention(sub, _cli_actor)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = ServerSettings()
    try:
        code: int = args.func(args, settings)
    except Exception as exc:
        from sen_server.accounts.service import AccountError

        if not isinstance(exc, AccountError):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
