"""HTTP: the directory the recipients picker searches (users and offices)."""

from typing import Annotated

from litestar import get
from litestar.params import Parameter
from sqlmodel import col, or_, select

from sen_server.accounts.views import office_ref
from sen_server.audit.writer import AuditEntry
from sen_server.http.dependencies import UnitDep
from sen_server.http.openapi import ApiController
from sen_server.models import Office, User
from shared.enums import AuditAction
from shared.schemas import OfficeRef, UserRef


class DirectoryController(ApiController):
    path = "/api/v1"
    tags = ["directory"]

    @get("/users")
    async def users(
        self,
        unit: UnitDep,
        q: Annotated[str, Parameter(max_length=100)] = "",
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
    ) -> list[UserRef]:
        """Active users whose username or name contains q (officials' names, not subjects)."""
        statement = (
            select(User, Office.code)
            .outerjoin(Office, col(Office.id) == col(User.office_id))
            .where(col(User.disabled).is_(False))
            .order_by(col(User.username))
            .limit(limit)
        )
        if q:
            pattern = f"%{q.lower()}%"
            statement = statement.where(
                or_(col(User.username).ilike(pattern), col(User.display_name).ilike(pattern))
            )
        rows = (await unit.session.exec(statement)).all()
        unit.audit(AuditEntry(action=AuditAction.DIRECTORY_USERS, details={"results": len(rows)}))
        return [
            UserRef(username=u.username, display_name=u.display_name, office=o) for u, o in rows
        ]

    @get("/offices")
    async def offices(self, unit: UnitDep) -> list[OfficeRef]:
        rows = (await unit.session.exec(select(Office).order_by(col(Office.code)))).all()
        unit.audit(AuditEntry(action=AuditAction.DIRECTORY_OFFICES))
        return [ref for o in rows if (ref := office_ref(o)) is not None]
