"""Request and response bodies of account and office administration (``/api/v1/admin``).

Kept apart from ``shared.schemas`` so that the administration of other resources (lists,
agencies, holds) can grow beside it. Updates are partial: a field left out is kept, a field
sent as null is cleared (where clearing means something).
"""

from datetime import datetime
from typing import Annotated

from pydantic import Field

from shared.enums import OfficeKind, Program, Role
from shared.schemas import Strict, UserPublic

# Usernames as the demo and the CLI write them (``agent.nyc``): lower case, no spaces, so
# that one cannot be made to look like another; at most 64 characters, what an audit
# record's object ID holds.
Username = Annotated[str, Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")]
OfficeCode = Annotated[str, Field(min_length=2, max_length=40, pattern=r"^[A-Z0-9][A-Z0-9_-]*$")]
AorCode = Annotated[str, Field(min_length=2, max_length=10, pattern=r"^[A-Z]+$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Roles = Annotated[list[Role], Field(min_length=1, max_length=len(Role))]


class AdminUserPublic(UserPublic):
    """An account as its administrator sees it."""

    locked: bool = False  # a lockout that is still running
    must_change_password: bool = False
    created_at: datetime


class AdminUserCreate(Strict):
    username: Username
    display_name: Name
    title: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    program: Program
    roles: Roles
    office: OfficeCode | None = None
    supervisor: Username | None = None


class AdminUserUpdate(Strict):
    display_name: Name | None = None
    title: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    program: Program | None = None
    roles: Roles | None = None
    office: OfficeCode | None = None
    supervisor: Username | None = None


class UserCreated(Strict):
    """The new account and its temporary password, which the server shows this once."""

    user: AdminUserPublic
    temporary_password: str


class PasswordIssued(Strict):
    """A reset's temporary password, shown this once; the user must change it at logon."""

    username: str
    temporary_password: str


class OfficePublic(Strict):
    id: int
    code: str
    name: str
    kind: OfficeKind
    aor: str | None = None
    parent: str | None = None  # the parent office's code
    depth: int = 0  # 0 for a root: the list comes in tree order
    users: int = 0  # accounts in this office


class OfficeCreate(Strict):
    code: OfficeCode
    name: Name
    kind: OfficeKind
    aor: AorCode | None = None
    parent: OfficeCode | None = None


class OfficeUpdate(Strict):
    """Rename (name), move (parent; null makes a root) or change the AOR (null clears it)."""

    name: Name | None = None
    aor: AorCode | None = None
    parent: OfficeCode | None = None
