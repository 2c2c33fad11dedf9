"""Who may see, place and lift legal holds: administrators only (SPEC §8). Deny by default,
as every domain's policy."""

from sen_server.principal import Caller
from shared.enums import Role


def may_manage_holds(caller: Caller) -> bool:
    return caller.has(Role.ADMIN)
