"""Who may read and change the workflow rules (routing and review tables): administrators
only (SPEC §1, §4). Deny by default, as every domain's policy."""

from sen_server.principal import Caller
from shared.enums import Role


def may_manage_rules(caller: Caller) -> bool:
    return caller.has(Role.ADMIN)
