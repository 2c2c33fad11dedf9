"""Who is acting: a signed-in user (Caller), or the server itself running a job (SYSTEM).

Services and policies take a principal and plain values; they never see the HTTP request
(``sen_server.http.caller`` resolves the Caller from the bearer token).
"""

from dataclasses import dataclass

from sen_server.audit.writer import AuditActor
from sen_server.models import AuthSession, User
from shared.enums import Role


@dataclass(frozen=True)
class Caller:
    user: User
    auth: AuthSession
    roles: frozenset[Role]
    source: str | None

    @property
    def id(self) -> int:
        return self.user.id or 0

    @property
    def actor(self) -> AuditActor:
        return AuditActor(
            username=self.user.username,
            roles=tuple(sorted(self.roles)),
            session=self.auth.public_id,
            source=self.source,
        )

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


def roles_of(user: User) -> frozenset[Role]:
    """The user's roles this server knows (a role from a newer release is ignored)."""
    return frozenset(Role(r) for r in user.roles if r in Role._value2member_map_)


# The server acting on its own (outbox deliveries, periodic jobs): audited under this name,
# with no session and no source address.
SYSTEM_USERNAME = "system"
SYSTEM_ACTOR = AuditActor(username=SYSTEM_USERNAME, roles=("system",))
