"""Who tracks news: public affairs (SPEC §1 "news tracking"). Deny by default.

Which stories and reports a tracker sees is the reports' own read rule
(``reports.policy``): a story is a NEWS report, a linked report is shown only to those who
may read it, and a masked reader still reads it masked."""

from sen_server.principal import Caller
from shared.enums import Role


def may_track_news(caller: Caller) -> bool:
    return caller.has(Role.PUBLIC_AFFAIRS)
