"""The `sen` command: `sen [--server URL]` opens the client; `sen demo` first starts an
embedded server full of synthetic data, and stops it again on the way out."""

import argparse
import os
import signal
import sys
import threading
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

from sen_tui.api import InsecureServerUrl, check_server_url
from sen_tui.config import ClientSettings
from sen_tui.demo import DEFAULT_REPORTS, EmbeddedServer


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sen", description="SEN — Significant Event Notification, terminal client."
    )
    parser.add_argument("--server", metavar="URL", help="server base URL (or SEN_SERVER_URL)")
    parser.add_argument("--ca-file", metavar="PEM", type=Path, help="CA bundle to trust")
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow plain http:// to a non-loopback server (closed test networks only)",
    )
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="run against an embedded server with synthetic data")
    demo.add_argument(
        "--reports",
        type=int,
        default=DEFAULT_REPORTS,
        help=f"synthetic reports to generate (default {DEFAULT_REPORTS})",
    )
    return parser


def _settings(args: argparse.Namespace) -> ClientSettings:
    overrides: dict[str, Any] = {}
    if args.server:
        overrides["server_url"] = args.server
    if args.ca_file:
        overrides["ca_file"] = args.ca_file
    if args.allow_insecure_http:
        overrides["allow_insecure_http"] = True
    return ClientSettings(**overrides)


HARD_EXIT_SECONDS = 10.0


def _exit_on_signal(demo: EmbeddedServer | None, signum: int, frame: FrameType | None) -> None:
    # A watchdog first: with the terminal gone, Textual's shutdown can wait forever on its
    # output thread (seen: main thread in WriterThread.stop, queue never drained), and the
    # user's processes must not outlive their terminal. It stops the demo server and exits.
    watchdog = threading.Timer(HARD_EXIT_SECONDS, _hard_exit, args=(demo, 128 + signum))
    watchdog.daemon = True  # a clean exit does not wait for it
    watchdog.start()
    raise SystemExit(128 + signum)  # unwinds through `finally`: the demo server stops


def _hard_exit(demo: EmbeddedServer | None, code: int) -> None:
    if demo is not None:
        demo.stop()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = _settings(args)
    demo = EmbeddedServer(reports=args.reports) if args.command == "demo" else None
    if demo is None:
        try:
            check_server_url(settings.server_url, allow_insecure_http=settings.allow_insecure_http)
        except InsecureServerUrl as exc:
            print(f"sen: {exc}", file=sys.stderr)
            return 2

    on_signal = partial(_exit_on_signal, demo)
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        if demo is not None:
            demo.begin_build()  # the data builds while Textual loads (on the other core)
        from sen_tui.app import SenApp  # after argument errors: Textual takes a moment to load

        SenApp(settings, demo=demo).run()
    except KeyboardInterrupt:
        pass
    finally:
        if demo is not None:
            demo.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
