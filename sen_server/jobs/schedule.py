"""What every server instance runs in the background. A domain that sends mail or writes
exports registers its outbox handler here; tests build their own registry."""

from sen_server.audit.writer import checkpoint_head
from sen_server.auth.throttle import WINDOW, summarise_windows
from sen_server.jobs.registry import JobRegistry
from sen_server.runtime import Runtime


async def sign_audit_head(runtime: Runtime) -> None:
    """A signed checkpoint of the chain head, so a rewrite of the whole chain is caught."""
    async with runtime.write_session() as session:
        await checkpoint_head(session, runtime.signer, runtime.now())


def _checkpoint_interval(runtime: Runtime) -> float:
    return runtime.settings.audit_checkpoint_seconds


def server_jobs() -> JobRegistry:
    jobs = JobRegistry()
    jobs.every(
        "audit checkpoint",
        lambda runtime: runtime.settings.audit_checkpoint_seconds,
        sign_audit_head,
    )
    jobs.every(
        "source window summaries",
        lambda _: WINDOW.total_seconds(),
        _summarise_windows,
    )
    return jobs


async def _summarise_windows(runtime: Runtime) -> None:
    await summarise_windows(runtime)
