"""Who may count what (SPEC §1, §7). Deny by default.

Statisticians and public affairs count everything; an office manager counts their own area
(the AOR of their office, or their office alone where it has none); an HQ agent counts their
programme. Nobody else gets a number, not even about their own reports.
"""

from dataclasses import dataclass

from sen_server.principal import Caller
from shared.enums import Role

WHOLE_AGENCY = frozenset({Role.STATISTICIAN, Role.PUBLIC_AFFAIRS})


@dataclass(frozen=True)
class StatsScope:
    """The reports a caller may count: every one, or those of one area, office or
    programme. The service adds it to every query as a condition."""

    label: str
    aor: str | None = None
    office_id: int | None = None
    program: str | None = None


ALL = StatsScope("all reports")


def may_read_stats(caller: Caller) -> bool:
    return caller.has(*WHOLE_AGENCY, Role.OFFICE_MANAGER, Role.HQ_AGENT)


def may_count_disseminations(caller: Caller) -> bool:
    """Disseminations have no office or programme of their own, so only those who count
    everything count them: a scoped reader would otherwise see beyond their scope."""
    return caller.has(*WHOLE_AGENCY)


def stats_scope(caller: Caller, office_aor: str | None) -> StatsScope:
    """The caller's scope; ``office_aor`` is the AOR of the caller's office, if any.
    Where a caller holds two scoped roles, the area wins (the narrower of the two is not
    knowable in general; the area is what a manager answers for)."""
    if caller.has(*WHOLE_AGENCY):
        return ALL
    if caller.has(Role.OFFICE_MANAGER):
        if office_aor:
            return StatsScope(f"area {office_aor}", aor=office_aor)
        return StatsScope("own office", office_id=caller.user.office_id or -1)
    if caller.has(Role.HQ_AGENT):
        return StatsScope(f"programme {caller.user.program}", program=caller.user.program)
    raise PermissionError("no statistics scope")  # the controller's guard refuses first
