"""What every server instance runs in the background. A domain that sends mail or writes
exports registers its outbox handler here; tests build their own registry."""

from sen_server.audit.writer import checkpoint_head
from sen_server.auth.throttle import WINDOW, summarise_windows
from sen_server.intel.exports import hand_on_export
from sen_server.jobs.registry import JobRegistry
from sen_server.runtime import Runtime
from sen_server.summaries.delivery import KIND as SUMMARY_EMAIL
from sen_server.summaries.delivery import deliver_summary


async def sign_audit_head(runtime: Runtime) -> None:
    """A signed checkpoint of the chain head, so a rewrite of the whole chain is caught."""
    async with runtime.write_session() as session:
        await checkpoint_head(
            session, runtime.signer, runtime.now(), runtime.settings.audit_checkpoint_every
        )


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
    jobs.handle(SUMMARY_EMAIL, deliver_summary)
    jobs.handle("intel.export", hand_on_export)
    return jobs


async def _summarise_windows(runtime: Runtime) -> None:
    await summarise_windows(runtime)
