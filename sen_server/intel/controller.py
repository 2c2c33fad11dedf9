"""HTTP: /api/v1/intel (lead triage, products, disseminations), /api/v1/disclosures (the
accounting) and /api/v1/admin/agencies (outside agencies). Guards decide who may call;
the rules are in the services and ``intel.policy``."""

from typing import Annotated

from litestar import delete, get, patch, post
from litestar.params import JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from sen_server.http.dependencies import CallerDep, UnitDep
from sen_server.http.guards import allowed_by
from sen_server.http.openapi import CHANGE_TO_ONE, ONE_OBJECT, ApiController, error_responses
from sen_server.intel import agencies, disseminations, policy, products, triage
from sen_server.reports.controller import ReportId
from shared.enums import AuditAction
from shared.intel import (
    AgencyCreate,
    AgencyPublic,
    AgencyUpdate,
    DisclosurePublic,
    DisseminationCreate,
    LeadListPublic,
    ProductCreate,
    ProductPublic,
    ProductRevision,
    ProductStatus,
    ProductSummary,
    ProductUpdate,
    TriageChangePublic,
    TriageState,
    TriageUpdate,
)
from shared.schemas import MAX_OFFSET, MAX_PAGE

Offset = Annotated[int, Parameter(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Parameter(ge=1, le=MAX_PAGE)]
ProductId = Annotated[int, Parameter(ge=1, le=2**31 - 1)]
AgencyId = Annotated[int, Parameter(ge=1, le=2**31 - 1)]
SearchText = Annotated[str | None, Parameter(max_length=300)]


class LeadController(ApiController):
    path = "/api/v1/intel/leads"
    tags = ["intelligence"]
    guards = [allowed_by(policy.may_list_leads, "Only intelligence analysts work on leads.")]

    @get("/", opt={"audit_action": AuditAction.LEAD_LIST})
    async def index(
        self,
        caller: CallerDep,
        unit: UnitDep,
        triage_state: Annotated[TriageState | None, Parameter(query="state")] = None,
        offset: Offset = 0,
        limit: Limit = 100,
    ) -> LeadListPublic:
        """Leads with their triage state and counts per state (hsi_intel: flagged only)."""
        return await triage.list_leads(unit, caller, triage_state, offset, limit)

    @post(
        "/{report_id:str}/triage",
        status_code=HTTP_200_OK,
        opt={"audit_action": AuditAction.LEAD_TRIAGE},
        guards=[allowed_by(policy.may_triage, "Only ERO intelligence operations triage leads.")],
        responses=CHANGE_TO_ONE,
    )
    async def set_triage(
        self, caller: CallerDep, unit: UnitDep, report_id: ReportId, data: JSONBody[TriageUpdate]
    ) -> TriageChangePublic:
        return await triage.triage_lead(unit, caller, report_id, data)

    @get("/{report_id:str}/triage", responses=ONE_OBJECT)
    async def history(
        self, caller: CallerDep, unit: UnitDep, report_id: ReportId
    ) -> list[TriageChangePublic]:
        """The lead's triage history, oldest first."""
        return await triage.triage_history(unit, caller, report_id)


class ProductController(ApiController):
    path = "/api/v1/intel/products"
    tags = ["intelligence"]
    guards = [allowed_by(policy.may_read_products, "Only intelligence analysts use products.")]

    @post(
        "/",
        opt={"audit_action": AuditAction.PRODUCT_CREATE},
        guards=[allowed_by(policy.may_write_products, "Only ERO intelligence writes products.")],
    )
    async def create(
        self, caller: CallerDep, unit: UnitDep, data: JSONBody[ProductCreate]
    ) -> ProductPublic:
        """A product from leads, every PII field removed but for justified put-backs."""
        return await products.create_product(unit, caller, data)

    @get("/", opt={"audit_action": AuditAction.PRODUCT_LIST})
    async def index(
        self,
        caller: CallerDep,
        unit: UnitDep,
        status: ProductStatus | None = None,
        offset: Offset = 0,
        limit: Limit = 100,
    ) -> list[ProductSummary]:
        return await products.list_products(unit, caller, status, offset, limit)

    @get("/{product_id:int}", responses=ONE_OBJECT)
    async def show(self, caller: CallerDep, unit: UnitDep, product_id: ProductId) -> ProductPublic:
        return await products.view_product(unit, caller, product_id)

    @patch("/{product_id:int}", responses=CHANGE_TO_ONE)
    async def update(
        self, caller: CallerDep, unit: UnitDep, product_id: ProductId, data: JSONBody[ProductUpdate]
    ) -> ProductPublic:
        """An edit; it voids an authorization."""
        return await products.update_product(unit, caller, product_id, data)

    @post("/{product_id:int}/authorize", status_code=HTTP_200_OK, responses=CHANGE_TO_ONE)
    async def authorize(
        self,
        caller: CallerDep,
        unit: UnitDep,
        product_id: ProductId,
        data: JSONBody[ProductRevision],
    ) -> ProductPublic:
        """The second analyst's authorization (never the author's)."""
        return await products.authorize_product(unit, caller, product_id, data.base_revision)

    @post(
        "/{product_id:int}/disseminations",
        opt={"audit_action": AuditAction.DISSEMINATE},
        guards=[allowed_by(policy.may_disseminate, "Only intelligence analysts disseminate.")],
        responses=CHANGE_TO_ONE,
    )
    async def disseminate(
        self,
        caller: CallerDep,
        unit: UnitDep,
        product_id: ProductId,
        data: JSONBody[DisseminationCreate],
    ) -> DisclosurePublic:
        """Encrypt the authorized product to the agency and account for the disclosure."""
        return await disseminations.disseminate(unit, caller, product_id, data)


class DisclosureController(ApiController):
    path = "/api/v1/disclosures"
    tags = ["intelligence"]
    guards = [
        allowed_by(
            policy.may_read_disclosures,
            "Only intelligence analysts and auditors read the accounting of disclosures.",
        )
    ]

    @get("/", opt={"audit_action": AuditAction.DISCLOSURES_READ})
    async def index(
        self,
        unit: UnitDep,
        report_id: SearchText = None,
        a_number: SearchText = None,
        name: SearchText = None,
        offset: Offset = 0,
        limit: Limit = 100,
    ) -> list[DisclosurePublic]:
        """Every disclosure of one report, or concerning one person (A-number or name)."""
        return await disseminations.disclosures(unit, report_id, a_number, name, offset, limit)


class AgencyController(ApiController):
    path = "/api/v1/admin/agencies"
    tags = ["admin"]
    guards = [
        allowed_by(policy.may_list_agencies, "Only administrators and analysts see agencies.")
    ]

    @get("/", opt={"audit_action": AuditAction.AGENCY_LIST})
    async def index(self, unit: UnitDep) -> list[AgencyPublic]:
        return await agencies.list_agencies(unit)

    @post(
        "/",
        opt={"audit_action": AuditAction.AGENCY_ADD},
        guards=[allowed_by(policy.may_manage_agencies, "Only administrators manage agencies.")],
        responses=error_responses(422),
    )
    async def add(self, unit: UnitDep, data: JSONBody[AgencyCreate]) -> AgencyPublic:
        """An outside agency; its certificate must be able to receive an encrypted export."""
        return await agencies.add_agency(unit, data)

    @patch(
        "/{agency_id:int}",
        opt={"audit_action": AuditAction.AGENCY_UPDATE},
        guards=[allowed_by(policy.may_manage_agencies, "Only administrators manage agencies.")],
        responses=error_responses(404, 422),
    )
    async def update(
        self, unit: UnitDep, agency_id: AgencyId, data: JSONBody[AgencyUpdate]
    ) -> AgencyPublic:
        """Rename, a new address or e-mail, or a new certificate (checked as on adding)."""
        return await agencies.update_agency(unit, agency_id, data)

    @delete(
        "/{agency_id:int}",
        status_code=HTTP_204_NO_CONTENT,
        opt={"audit_action": AuditAction.AGENCY_REMOVE},
        guards=[allowed_by(policy.may_manage_agencies, "Only administrators manage agencies.")],
        responses=error_responses(404),
    )
    async def remove(self, unit: UnitDep, agency_id: AgencyId) -> None:
        """No longer a recipient; the accounting keeps each disclosure's copy of it."""
        await agencies.remove_agency(unit, agency_id)
