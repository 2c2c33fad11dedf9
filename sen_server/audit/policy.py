"""Who may read and verify the audit log: auditors (ISSO) and administrators (SPEC §1, §9).
Deny by default, as every domain's policy."""

from sen_server.principal import Caller
from shared.enums import Role


def may_read_audit(caller: Caller) -> bool:
    return caller.has(Role.AUDITOR, Role.ADMIN)


def may_verify_audit(caller: Caller) -> bool:
    """SPEC §1: the auditor (ISSO) reads and verifies; the administrator only reads."""
    return caller.has(Role.AUDITOR)
