"""Who may administer accounts and offices: administrators only (SPEC §1). Deny by default,
as every domain's policy."""

from sen_server.principal import Caller
from shared.enums import Role


def may_administer(caller: Caller) -> bool:
    return caller.has(Role.ADMIN)
