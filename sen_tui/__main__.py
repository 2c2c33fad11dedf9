"""The `sen` command: `sen [--server URL]` opens the client; `sen demo` first starts an
embedded server full of synthetic data, and stops it again on the way out."""

import argparse
import asyncio
import os
import signal
import sys
import threading
from functools import partial
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from sen_tui.api import InsecureServerUrl, check_server_url
from sen_tui.config import ClientSettings
from sen_tui.demo import DEFAULT_REPORTS, EmbeddedServer

if TYPE_CHECKING:
    from textual.app import App  # imported late at run time (see main)


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


class EndOnSignal:
    """SIGTERM and SIGHUP (a closed terminal, a dropped session, a logout) end the client and
    its demo server. While Textual runs, the handler asks the app to exit on its own event
    loop rather than raising: SystemExit raised from a handler in the middle of Textual's
    output queue once left the main thread waiting forever in WriterThread.stop (seen in CI).
    Before and after the app runs there is nothing to interrupt, so it raises and `finally`
    stops the demo server. Either way a watchdog ends the process if shutdown hangs."""

    def __init__(self, demo: EmbeddedServer | None) -> None:
        self.demo = demo
        self.app: App[None] | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        code = 128 + signum
        watchdog = threading.Timer(HARD_EXIT_SECONDS, self._hard_exit, args=(code,))
        watchdog.daemon = True  # a clean exit does not wait for it
        watchdog.start()
        try:
            # Handlers run on the main thread, so this is Textual's loop while the app runs.
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if self.app is not None and loop is not None:
            # Thread-safe scheduling is also signal-safe: it only queues and wakes the loop.
            loop.call_soon_threadsafe(partial(self.app.exit, return_code=code))
            return
        raise SystemExit(code)  # unwinds through `finally`: the demo server stops

    def _hard_exit(self, code: int) -> None:
        if self.demo is not None:
            self.demo.stop()
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

    on_signal = EndOnSignal(demo)
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        if demo is not None:
            demo.begin_build()  # the data builds while Textual loads (on the other core)
        from sen_tui.app import SenApp  # after argument errors: Textual takes a moment to load

        on_signal.app = app = SenApp(settings, demo=demo)
        app.run()
        return app.return_code or 0
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
