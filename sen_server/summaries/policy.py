"""Who may do what with summaries and distribution lists (SPEC §1, §5). Deny by default."""

from sen_server.principal import Caller
from sen_server.summaries.models import Summary
from shared.enums import Role


def may_summarise(caller: Caller) -> bool:
    """IROC watch officers write and send summaries, and read the sent ones."""
    return caller.has(Role.IROC)


def may_manage_lists(caller: Caller) -> bool:
    return caller.has(Role.ADMIN)


def may_read(caller: Caller, summary: Summary) -> bool:
    """A draft is its author's; a sent summary is the watch's record."""
    return may_summarise(caller) and (summary.state == "sent" or summary.author_id == caller.id)


def may_edit(caller: Caller, summary: Summary) -> bool:
    return summary.state == "draft" and summary.author_id == caller.id
