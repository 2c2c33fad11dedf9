"""Every benchmark in one run of a few minutes, and the summary table in bench/README.md.

    uv run python -m bench [--only http sqlite queues audit demo tui client fanout] [--no-write]

Each benchmark runs shorter (and on less data) than its script's defaults, which remain
the way to a full run (bench/README.md, "Running"); what was shortened is written under
the table. Each module's own table is printed as it finishes; the summary keeps the rows
that matter per benchmark: SEN's figure, the baseline measured in the same run, their
ratio, and the target from issue 9 where there is one. A benchmark that fails becomes a row saying
so, and the others still run. ``--only`` runs a subset and prints the summary without
writing it (a partial table would replace the full one).
"""

import argparse
import asyncio
import datetime
import os
import platform
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import demo_start, http_throughput, sqlite_durable
from bench.machine import load
from bench.pg import asyncpg_url, throwaway_database
from bench.summary import NO_TARGET, Row, X, block, rewrite_readme, times

if TYPE_CHECKING:
    from bench.audit_verify import Timing as AuditTiming
    from bench.live_fanout import FanoutRun
    from bench.queue_pages import Case as QueueCase
    from bench.timing import Timing as QueueTiming

# Sizes for this runner (the scripts' defaults in brackets).
HTTP_SECONDS = 5  # [10] per case, after a 1 s warm-up
HTTP_REPORTS = 100  # [300] seeded demo reports
SQLITE_SECONDS = 3.0  # [8] per case
DEMO_REPEAT = 1  # [3]
TUI_REPEAT = 1  # [3]
QUEUE_REPORTS = 20_000  # [1,000,000]
QUEUE_USERS = 2_000  # [20,000]
QUEUE_REPEAT = 10  # [20] timed requests per case
QUEUE_PAGES = 100  # [100] the deep page
AUDIT_RECORDS = 100_000  # [300,000]
AUDIT_REPEAT = 1  # [3]
CLIENT_REPEAT = 1  # [3]
CLIENT_REPORTS = 100  # [300]
FANOUT_STREAMS = 300  # [300] streams open when the report is submitted
FANOUT_RSS_STREAMS = 500  # [500]
FANOUT_REPORTS = 30  # [300] seeded demo reports: the queues' size, which must not matter
FANOUT_BACKENDS = ("sqlite", "postgres")  # [both]

# Issue 9, "Must show".
AUDITED_GET_RATIO, AUDITED_GET_P99_MS = 0.3, 100.0
CREATE_SUBMIT_RATIO = 0.2
DEMO_LIST_SECONDS = 5.0
QUEUE_PAGE_P95_MS = 30.0
AUDIT_VERIFY_PER_S = 200_000
CLIENT_LOGIN_SECONDS = 1.0
PUSHED_PER_CLIENT_MAX = 1.1
CLIENT_RSS_MB = 150.0

BACKENDS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}

NOT_MEASURED = (
    "Crash safety under group commit is a test (`tests/e2e/test_crash_safety.py`), not a "
    "figure; the login-flood figure is `bench/login_flood.py` (run alone: it floods the "
    "machine)."
)


@dataclass
class Outcome:
    rows: list[Row]
    notes: list[str]


@dataclass(frozen=True)
class Bench:
    name: str
    title: str
    shortened: str  # how this run differs from the script's defaults
    run: Callable[[], Outcome]


def ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


# ---- HTTP throughput -------------------------------------------------------------------


def _http_row(c: http_throughput.Comparison) -> Row:
    failed = c.result.failures + c.baseline.failures
    sen = f"{c.result.requests_per_s:,.0f}/s, p50 {ms(c.result.p50_ms)}, p99 {ms(c.result.p99_ms)}"
    if failed:
        sen += f", {failed} failed"
    baseline = (
        f"{c.baseline_label}: {c.baseline.requests_per_s:,.0f}/s, p99 {ms(c.baseline.p99_ms)}"
    )
    row = Row(f"{c.backend}: {c.label}, 32 clients", sen, baseline, times(c.ratio))
    if c.key == "audited_get":
        met = c.ratio >= AUDITED_GET_RATIO and c.result.p99_ms <= AUDITED_GET_P99_MS
        target = f"≥ {AUDITED_GET_RATIO}{X}, p99 ≤ {AUDITED_GET_P99_MS:.0f} ms"
        return Row(row.measured, sen, baseline, row.ratio, target, met and not failed)
    if c.key == "create_submit":
        met = c.ratio >= CREATE_SUBMIT_RATIO
        return Row(row.measured, sen, baseline, row.ratio, f"≥ {CREATE_SUBMIT_RATIO}{X}", met)
    if c.key == "loadgen_ceiling":
        return Row(f"(reference) {c.label}", sen, baseline, row.ratio)
    return row


def run_http() -> Outcome:
    with tempfile.TemporaryDirectory(prefix="sen-bench-all-http-") as work:
        result = http_throughput.measure(HTTP_SECONDS, Path(work), reports=HTTP_REPORTS)
    print(http_throughput.table(result), flush=True)
    rows = []
    for comparison in result.comparisons:
        row = _http_row(comparison)
        if not result.audit[comparison.backend].ok:  # figures that broke the chain are void
            row = replace(row, met=False if row.met is not None else None, note="chain broken")
        rows.append(row)
    verdicts = "; ".join(f"{db}: {v.text}" for db, v in result.audit.items() if v.ok)
    notes = [f"`audit verify` after the HTTP runs: {verdicts}."] if verdicts else []
    notes += [
        f"`audit verify` after the HTTP runs on {db} **failed**: {_gist(v.text)}"
        for db, v in result.audit.items()
        if not v.ok
    ]
    return Outcome(rows, notes)


# ---- durable writes on SQLite ----------------------------------------------------------


def run_sqlite() -> Outcome:
    rates = sqlite_durable.measure(SQLITE_SECONDS)
    print(sqlite_durable.table(rates), flush=True)
    rows = []
    for rate in rates:
        if not rate.statements:
            continue
        raw = sqlite_durable.raw_rate(rates, rate.synchronous)
        rows.append(
            Row(
                f"SQLite: report create in-process (`UnitOfWork` + `create_report`), "
                f"synchronous={rate.synchronous}",
                f"{rate.per_s:,.0f} tx/s ({rate.statements:.0f} SQL statements each)",
                f"raw sqlite3, report + audit row per tx: {raw:,.0f} tx/s",
                times(rate.per_s / raw if raw else 0.0),
            )
        )
    return Outcome(rows, [])


# ---- queue pages -----------------------------------------------------------------------
# queue_pages and audit_verify are imported where they are used: others are rewriting them,
# and a module caught half-edited must fail its own rows, not the whole run.


@contextmanager
def _database_url(backend: str) -> Iterator[tuple[str, str]]:
    """(SQLAlchemy URL, PostgreSQL database name); ("", "") is SQLite in the data dir."""
    if backend == "sqlite":
        yield "", ""
        return
    with throwaway_database() as database:
        yield asyncpg_url(database), database


def run_queues() -> Outcome:
    from bench import queue_pages
    from bench.timing import timing_table

    args = argparse.Namespace(
        reports=QUEUE_REPORTS, users=QUEUE_USERS, repeat=QUEUE_REPEAT, pages=QUEUE_PAGES
    )
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="sen-bench-all-queues-") as work:
        for backend in BACKENDS:
            with _database_url(backend) as (url, _):
                baseline, timings = queue_pages.measure(backend, Path(work) / backend, url, args)
            print(timing_table(backend, baseline, timings), flush=True)
            every = [queue_pages.PROBE, *queue_pages.cases(QUEUE_PAGES)]
            measured = list(zip(every, timings, strict=True))
            rows += _queue_rows(BACKENDS[backend], queue_pages.BASELINE_SQL, baseline, measured)
    return Outcome(rows, [])


def _queue_rows(
    db: str, sql: str, baseline: "QueueTiming", measured: list[tuple["QueueCase", "QueueTiming"]]
) -> list[Row]:
    base = f"`{sql}`: p95 {ms(baseline.p95_ms)}"
    size = f"{QUEUE_REPORTS:,} reports, {QUEUE_USERS:,} users"
    rows = []
    pages = [(case, timing) for case, timing in measured if case.queue is not None]
    for queue in dict.fromkeys(case.queue for case, _ in pages):
        first, deep = [(c, t) for c, t in pages if c.queue == queue][:2]
        p95s = [first[1].p95_ms, deep[1].p95_ms]
        rows.append(
            Row(
                f"{db}: `GET /api/v1/queues/{queue}` as {first[0].user}, first page / page "
                f"{deep[0].page} (cursor), {size}",
                f"p95 {ms(p95s[0])} / {ms(p95s[1])}",
                base,
                " / ".join(times(p / baseline.p95_ms) for p in p95s),
                f"p95 ≤ {QUEUE_PAGE_P95_MS:.0f} ms at 1,000,000 reports, 20,000 users",
                all(p <= QUEUE_PAGE_P95_MS for p in p95s),
                f"at {QUEUE_REPORTS:,} reports",
            )
        )
    counts = [(c, t) for c, t in measured if c.queue is None and c.page != 0]
    if counts:
        rows.append(
            Row(
                f"{db}: `GET /api/v1/queues/counts`, {size}",
                "p95 " + " / ".join(f"{ms(t.p95_ms)} ({c.user})" for c, t in counts),
                base,
                " / ".join(times(t.p95_ms / baseline.p95_ms) for _, t in counts),
            )
        )
    return rows


# ---- audit verify ----------------------------------------------------------------------


def run_audit() -> Outcome:
    from bench import audit_verify
    from bench.audit_chain import chain_rows, write_chain
    from sen_server.audit.signing import CheckpointSigner
    from sen_server.migrate import upgrade
    from sen_server.settings import ServerSettings

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="sen-bench-all-audit-") as work:
        key_file = Path(work) / "audit-signing.pem"
        chain: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None
        for backend in BACKENDS:
            with _database_url(backend) as (url, database):
                # As bench/audit_verify.py's main() prepares it: the same chain and key for
                # both databases.
                settings = ServerSettings(
                    data_dir=Path(work) / backend,
                    database_url=url,
                    sqlite_synchronous="NORMAL",
                    audit_key_file=key_file,
                )
                upgrade(settings)
                if chain is None:
                    signer = CheckpointSigner.load_or_create(settings.resolved_audit_key_file)
                    chain = chain_rows(AUDIT_RECORDS, signer, audit_verify.CHECKPOINT_EVERY)
                asyncio.run(write_chain(settings, *chain))
                timings = audit_verify.measure(backend, settings, database, AUDIT_REPEAT)
            print(audit_verify.table(backend, timings), flush=True)
            rows += _audit_rows(BACKENDS[backend], timings)
    return Outcome(rows, [])


def _audit_rows(db: str, timings: list["AuditTiming"]) -> list[Row]:
    raw, *sen = timings  # audit_verify.measure: the raw loop first, then SEN's ways
    base = f"{raw.label}: {raw.per_s:,.0f} records/s"
    rows = []
    for timing in sen:
        judged = "as the CLI" in timing.label  # the in-process run, start-up excluded
        rows.append(
            Row(
                f"{db}: {timing.label}, {timing.records:,} records",
                f"{timing.per_s:,.0f} records/s",
                base,
                times(timing.per_s / raw.per_s),
                f"≥ {AUDIT_VERIFY_PER_S:,} records/s" if judged else NO_TARGET,
                timing.per_s >= AUDIT_VERIFY_PER_S if judged else None,
            )
        )
    return rows


# ---- sen demo --------------------------------------------------------------------------


def run_demo() -> Outcome:
    timings = demo_start.measure(demo_start.HERE, repeat=DEMO_REPEAT)
    print(demo_start.table(timings), flush=True)
    by_key = {t.key: t for t in timings}
    serve = by_key["serve"]
    baseline = f"`sen-server serve`, empty database, to /healthz: {serve.median:.2f} s"
    rows = []
    listed = by_key["listed"]
    rows.append(
        Row(
            "`uv run sen demo` in tmux → account list on screen",
            f"{listed.median:.2f} s",
            baseline,
            times(listed.median / serve.median),
            f"≤ {DEMO_LIST_SECONDS:.0f} s",
            listed.median <= DEMO_LIST_SECONDS,
        )
    )
    if complete := by_key.get("complete"):
        rows.append(
            Row(
                "`uv run sen demo` → all 300 demo reports in",
                f"{complete.median:.2f} s",
                baseline,
                times(complete.median / serve.median),
            )
        )
    return Outcome(rows, [])


# ---- the terminal client ---------------------------------------------------------------


def run_tui() -> Outcome:
    # Textual reads TEXTUAL_ANIMATIONS when it is imported: set it first, import after.
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    from bench import tui_responsiveness

    steps = asyncio.run(tui_responsiveness.measure(TUI_REPEAT))
    print(tui_responsiveness.tables(steps), flush=True)
    by_key = {(s.section, s.key): s for s in steps}
    shown = [
        (
            ("detail", "open"),
            "client: open + render a 50-subject, 20,000-char SIR",
            "1-subject SIR",
        ),
        (("detail", "per_pagedown"), "client: one `pagedown` in that report", "1-subject SIR"),
        (("queue", "fill"), "client: QueueTable fed 10,000 rows", "50 rows"),
        (("queue", "pagedown"), "client: one `pagedown` in that table", "50 rows"),
    ]
    rows = [
        Row(
            label,
            ms(by_key[key].big_s * 1000),
            f"{base}: {ms(by_key[key].baseline_s * 1000)}",
            times(by_key[key].ratio),
        )
        for key, label, base in shown
        if key in by_key
    ]
    return Outcome(rows, [])


def run_client() -> Outcome:
    from bench import client_start

    figures = client_start.measure(repeat=CLIENT_REPEAT, reports=CLIENT_REPORTS)
    print(client_start.table(figures), flush=True)
    by_key = {f.key: f for f in figures}
    cold, login, rss = by_key["cold"], by_key["login"], by_key["rss"]
    rows = [
        Row(
            "client: `uv run sen` in tmux → login form",
            f"{cold.median():.2f} s",
            f"{cold.baseline_label}: {cold.base_median():.2f} s",
            times(cold.median() / cold.base_median()),
        ),
        Row(
            "client: login (Enter) → first queue painted (iroc.watch)",
            f"{login.median():.2f} s",
            f"{login.baseline_label}: {login.base_median():.2f} s",
            times(login.median() / login.base_median()),
            f"≤ {CLIENT_LOGIN_SECONDS:.0f} s",
            login.median() <= CLIENT_LOGIN_SECONDS,
        ),
        Row(
            "client: RSS with the queue on screen",
            f"{rss.median():.0f} MB",
            f"{rss.baseline_label}: {rss.base_median():.0f} MB",
            times(rss.median() / rss.base_median()),
            f"≤ {CLIENT_RSS_MB:.0f} MB",
            rss.median() <= CLIENT_RSS_MB,
        ),
    ]
    return Outcome(rows, [])


# ---- live fan-out ----------------------------------------------------------------------


def run_fanout() -> Outcome:
    from bench import live_fanout

    with tempfile.TemporaryDirectory(prefix="sen-bench-all-fanout-") as work:
        runs = live_fanout.measure(
            Path(work),
            streams=FANOUT_STREAMS,
            rss_streams=FANOUT_RSS_STREAMS,
            reports=FANOUT_REPORTS,
            backends=FANOUT_BACKENDS,
        )
    print(live_fanout.tables(runs), flush=True)
    rows: list[Row] = []
    notes: list[str] = []
    for run in runs:
        rows += _fanout_rows(run)
        notes += _fanout_notes(run)
    return Outcome(rows, notes)


def _fanout_rows(run: "FanoutRun") -> list[Row]:
    from bench import live_fanout

    (base,) = run.baseline.deliveries
    baseline = (
        f"bare SSE broadcast to {base.streams} streams: p50 {ms(base.cut(50))}, "
        f"p99 {ms(base.cut(99))}"
    )
    target_ms = live_fanout.P99_TARGET_MS
    rows = []
    for d in run.sen.deliveries:
        sen = (
            f"p50 {ms(d.cut(50))}, p99 {ms(d.cut(99))}, max {ms(max(d.latencies_ms))}; "
            f"{d.received} of {d.expected} readers' streams"
            if d.latencies_ms
            else f"none of {d.expected} readers' streams"
        )
        if d.late or d.unexpected:
            sen += f" ({d.late} late, {d.unexpected} streams that may not read it)"
        if d.with_row != d.received:
            sen += f", {d.received - d.with_row} without their queue row"
        sen += f"; the submit itself answered in {ms(d.send_ms)}"
        rows.append(
            Row(
                f"{run.backend}: one {d.label} while {d.streams} streams are open "
                f"({len(live_fanout.ACCOUNTS)} demo accounts, every role), submit → event "
                "decoded on each reader's stream",
                sen,
                baseline,
                times(d.cut(99) / base.cut(99))
                if d.latencies_ms and base.latencies_ms
                else NO_TARGET,
                f"p99 ≤ {target_ms / 1000:.0f} s, on every stream that may see it",
                d.all_in and d.with_row == d.received and d.cut(99) <= target_ms,
            )
        )
    pushed = " · ".join(
        f"{d.label.split()[0]} {a.pushed / a.receivers if a.receivers else 0:.2f} "
        f"({a.pushed} for {a.receivers} streams)"
        for d, a in zip(run.sen.deliveries, run.sen.audits, strict=True)
    )
    others = max(a.others for a in run.sen.audits)
    rows.append(
        Row(
            f"{run.backend}: audit records written for that event, per stream that received "
            f"it ({FANOUT_REPORTS} demo reports in the queues)",
            f"queue.row_pushed: {pushed}; other records: at most {others} per submit",
            "(the bare app audits nothing)",
            NO_TARGET,
            "O(1) per client, not O(queue size)",
            all(
                # About one record per receiving client, however many rows the queues
                # hold: a stream that reconnects and replays the event writes a second.
                a.pushed <= PUSHED_PER_CLIENT_MAX * a.receivers
                and a.others <= live_fanout.OTHER_RECORDS_MAX
                for a in run.sen.audits
            ),
        )
    )
    sen_side, base_side = run.sen, run.baseline
    rows.append(
        Row(
            f"{run.backend}: server RSS with {sen_side.rss_streams} open streams (with 0 streams)",
            f"{live_fanout.mb(sen_side.rss_open)} ({live_fanout.mb(sen_side.rss_idle)})",
            f"bare app: {live_fanout.mb(base_side.rss_open)} "
            f"({live_fanout.mb(base_side.rss_idle)})",
            times(sen_side.rss_open / base_side.rss_open),
            f"≤ {live_fanout.RSS_TARGET_BYTES / 1e6:.0f} MB",
            sen_side.rss_open <= live_fanout.RSS_TARGET_BYTES and not sen_side.failed_streams,
        )
    )
    return rows


def _fanout_notes(run: "FanoutRun") -> list[str]:
    notes = [f"Live fan-out on {run.backend}: {note}" for note in run.sen.notes]
    for side in (run.baseline, run.sen):
        if side.failed_streams:
            notes.append(
                f"Live fan-out on {run.backend}, {side.server}: {len(side.failed_streams)} "
                f"streams failed; first: {_gist(side.failed_streams[0])}"
            )
        if side.log_problems:
            notes.append(
                f"Live fan-out on {run.backend}, {side.server}'s log: "
                f"{len(side.log_problems)} warning or error lines; first: "
                f"{_gist(side.log_problems[0])}"
            )
    return notes


BENCHES = [
    Bench(
        "http",
        "HTTP throughput (`bench/http_throughput.py`)",
        f"{HTTP_SECONDS} s per case [10], {HTTP_REPORTS} seeded reports [300]",
        run_http,
    ),
    Bench(
        "sqlite",
        "durable writes (`bench/sqlite_durable.py`)",
        f"{SQLITE_SECONDS:.0f} s per case [8]",
        run_sqlite,
    ),
    Bench(
        "queues",
        "queue pages (`bench/queue_pages.py`)",
        f"{QUEUE_REPORTS:,} reports [1,000,000], {QUEUE_USERS:,} users [20,000], "
        f"{QUEUE_REPEAT} requests per case [20]",
        run_queues,
    ),
    Bench(
        "audit",
        "audit verify (`bench/audit_verify.py`)",
        f"{AUDIT_RECORDS:,} records [300,000], {AUDIT_REPEAT} run per case [3]",
        run_audit,
    ),
    Bench("demo", "`sen demo` start (`bench/demo_start.py`)", f"{DEMO_REPEAT} run [3]", run_demo),
    Bench(
        "tui",
        "client responsiveness (`bench/tui_responsiveness.py`)",
        f"{TUI_REPEAT} run [3]",
        run_tui,
    ),
    Bench(
        "client",
        "client start (`bench/client_start.py`)",
        f"{CLIENT_REPEAT} run [3], {CLIENT_REPORTS} seeded reports [300]",
        run_client,
    ),
    Bench(
        "fanout",
        "live fan-out (`bench/live_fanout.py`)",
        f"{FANOUT_REPORTS} seeded reports [300]",
        run_fanout,
    ),
]


def _gist(message: str) -> str:
    """The first and the last line of a message (a traceback's last line says what)."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    gist = lines[0] if len(lines) == 1 else f"{lines[0]} … {lines[-1]}"
    return gist[:300]


def _failed(bench: Bench, exc: BaseException) -> Row:
    reason = _gist(str(exc)) or type(exc).__name__
    return Row(bench.title, f"did not complete: {reason}", NO_TARGET, NO_TARGET, note="failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [b.name for b in BENCHES]
    parser.add_argument("--only", nargs="+", choices=names, help="run these only (no write)")
    parser.add_argument("--no-write", action="store_true", help="print the summary only")
    args = parser.parse_args()
    # Settings come from each benchmark, never from a developer's sen-server.toml.
    os.environ["SEN_CONFIG"] = "/nonexistent"
    selected = [b for b in BENCHES if not args.only or b.name in args.only]
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_start, started = load(), time.monotonic()
    rows: list[Row] = []
    notes: list[str] = []
    took: list[str] = []
    for bench in selected:
        print(f"\n=== {bench.title}: {bench.shortened}", flush=True)
        begun = time.monotonic()
        try:
            outcome = bench.run()
        except (Exception, SystemExit) as exc:  # one broken benchmark must not hide the rest
            print(f"!!! {bench.title} failed: {exc!r}", flush=True)
            outcome = Outcome([_failed(bench, exc)], [])
        rows += outcome.rows
        notes += outcome.notes
        took.append(f"{bench.name} {time.monotonic() - begun:.0f} s")
    elapsed = time.monotonic() - started
    intro = [
        f"Run of {when} on host `{platform.node()}`, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; load average (1/5 min) {load_start} at the start, "
        f"{load()} at the end; {elapsed / 60:.1f} min in all ({', '.join(took)}). Other work "
        "on the same cores moves absolute figures; read the ratios, each against a baseline "
        "measured right before it.",
    ]
    shortened = "; ".join(f"{b.name}: {b.shortened}" for b in selected)
    notes.append(f"Shorter than each script's defaults (in brackets): {shortened}.")
    notes.append(NOT_MEASURED)
    text = block(intro, rows, [f"- {note}" for note in notes])
    print(f"\n{text}\n", flush=True)
    if args.only or args.no_write:
        print("(bench/README.md left as it is)")
    else:
        rewrite_readme(text)
        print("bench/README.md: summary rewritten")


if __name__ == "__main__":
    main()
