"""HTTP: IROC summaries (iroc) and distribution lists (admin). Handlers are one line; the
rules are in ``service``, ``lists`` and ``policy``."""

from typing import Annotated

from litestar import get, patch, post
from litestar.params import JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from sen_server.audit.writer import AuditEntry
from sen_server.http.dependencies import CallerDep, UnitDep
from sen_server.http.guards import allowed_by
from sen_server.http.openapi import CHANGE_TO_ONE, ONE_OBJECT, ApiController
from sen_server.summaries import lists, service
from sen_server.summaries.policy import may_manage_lists, may_summarise
from shared.enums import AuditAction
from shared.summaries import (
    WINDOW_HOURS_DEFAULT,
    WINDOW_HOURS_MAX,
    DistributionListCreate,
    DistributionListPublic,
    DistributionListRef,
    DistributionListUpdate,
    SummaryCandidate,
    SummaryCreate,
    SummaryListItem,
    SummaryPublic,
    SummarySend,
    SummaryUpdate,
)

SummaryId = Annotated[int, Parameter(ge=1, le=2**31 - 1)]
ListId = Annotated[int, Parameter(ge=1, le=2**31 - 1)]
Hours = Annotated[int, Parameter(ge=1, le=WINDOW_HOURS_MAX)]


class SummaryController(ApiController):
    """IROC summaries: the composer's picker and lists, drafts, sending, the sent record."""

    path = "/api/v1/summaries"
    tags = ["summaries"]
    guards = [allowed_by(may_summarise, "Only IROC watch officers write and read summaries.")]

    @get("/candidates", opt={"audit_action": AuditAction.SUMMARY_CANDIDATES})
    async def candidates(
        self, caller: CallerDep, unit: UnitDep, hours: Hours = WINDOW_HOURS_DEFAULT
    ) -> list[SummaryCandidate]:
        """IROC reports submitted in the last ``hours`` (24 by default), newest first."""
        return await service.candidates(unit, caller, hours)

    @get("/lists", opt={"audit_action": AuditAction.SUMMARY_LIST})
    async def lists(self, unit: UnitDep) -> list[DistributionListRef]:
        """The distribution lists a summary may go to."""
        return await service.offered_lists(unit)

    @get("/", opt={"audit_action": AuditAction.SUMMARY_LIST})
    async def index(self, caller: CallerDep, unit: UnitDep) -> list[SummaryListItem]:
        """Sent summaries with their delivery state, and the caller's drafts."""
        return await service.list_summaries(unit, caller)

    @post("/", status_code=HTTP_201_CREATED, opt={"audit_action": AuditAction.SUMMARY_CREATE})
    async def create(
        self, caller: CallerDep, unit: UnitDep, data: JSONBody[SummaryCreate]
    ) -> SummaryPublic:
        """A draft with one paragraph per report, prefilled from non-PII fields."""
        return await service.create_summary(unit, caller, data)

    @get("/{summary_id:int}", responses=ONE_OBJECT, opt={"audit_action": AuditAction.SUMMARY_VIEW})
    async def detail(
        self, caller: CallerDep, unit: UnitDep, summary_id: SummaryId
    ) -> SummaryPublic:
        return await service.read_summary(unit, caller, summary_id)

    @patch(
        "/{summary_id:int}",
        responses=CHANGE_TO_ONE,
        opt={"audit_action": AuditAction.SUMMARY_UPDATE},
    )
    async def update(
        self, caller: CallerDep, unit: UnitDep, summary_id: SummaryId, data: JSONBody[SummaryUpdate]
    ) -> SummaryPublic:
        return await service.update_summary(unit, caller, summary_id, data)

    @post(
        "/{summary_id:int}/send",
        status_code=HTTP_200_OK,
        responses=CHANGE_TO_ONE,
        opt={"audit_action": AuditAction.SUMMARY_SEND},
    )
    async def send(
        self, caller: CallerDep, unit: UnitDep, summary_id: SummaryId, data: JSONBody[SummarySend]
    ) -> SummaryPublic:
        return await service.send_summary(unit, caller, summary_id, data)

    @post(
        "/{summary_id:int}/retry",
        status_code=HTTP_200_OK,
        responses=CHANGE_TO_ONE,
        opt={"audit_action": AuditAction.SUMMARY_RETRY},
    )
    async def retry(self, caller: CallerDep, unit: UnitDep, summary_id: SummaryId) -> SummaryPublic:
        """Send a summary whose delivery failed once more."""
        return await service.retry_summary(unit, caller, summary_id)


class DistributionListController(ApiController):
    """Distribution lists as data (administrators); every change is audited."""

    path = "/api/v1/admin/distribution-lists"
    tags = ["admin"]
    guards = [allowed_by(may_manage_lists, "Only administrators manage distribution lists.")]

    @get("/", opt={"audit_action": AuditAction.DISTRIBUTION_LISTS_READ})
    async def index(self, unit: UnitDep) -> list[DistributionListPublic]:
        unit.audit(AuditEntry(action=AuditAction.DISTRIBUTION_LISTS_READ))
        return [lists.list_public(row) for row in await lists.all_lists(unit.session)]

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        opt={"audit_action": AuditAction.DISTRIBUTION_LIST_CREATE},
    )
    async def create(
        self, unit: UnitDep, data: JSONBody[DistributionListCreate]
    ) -> DistributionListPublic:
        return await lists.create_list(unit, data)

    @patch(
        "/{list_id:int}",
        responses=ONE_OBJECT,
        opt={"audit_action": AuditAction.DISTRIBUTION_LIST_UPDATE},
    )
    async def update(
        self, unit: UnitDep, list_id: ListId, data: JSONBody[DistributionListUpdate]
    ) -> DistributionListPublic:
        """Rename a list or change its members."""
        return await lists.update_list(unit, list_id, data)

    @post(
        "/{list_id:int}/retire",
        status_code=HTTP_200_OK,
        responses=ONE_OBJECT,
        opt={"audit_action": AuditAction.DISTRIBUTION_LIST_RETIRE},
    )
    async def retire(self, unit: UnitDep, list_id: ListId) -> DistributionListPublic:
        return await lists.retire_list(unit, list_id)
