"""Who may do what in intelligence (SPEC §1, §6). Deny by default.

- ``intel_ops`` triages ERO_LEADs, writes products, authorizes products it did not write
  (the two-person rule) and records disseminations;
- ``hsi_intel`` sees the leads flagged for HSI, reads products and records disseminations;
- ``intel_ops``, ``hsi_intel`` and ``auditor`` read the accounting of disclosures;
- ``admin`` manages the outside agencies (the intel roles read them to pick a recipient).
"""

from sen_server.intel.models import IntelProduct
from sen_server.principal import Caller
from shared.enums import Role
from shared.intel import ProductAction, ProductStatus


def may_triage(caller: Caller) -> bool:
    return caller.has(Role.INTEL_OPS)


def may_list_leads(caller: Caller) -> bool:
    return caller.has(Role.INTEL_OPS, Role.HSI_INTEL)


def may_write_products(caller: Caller) -> bool:
    return caller.has(Role.INTEL_OPS)


def may_read_products(caller: Caller) -> bool:
    return caller.has(Role.INTEL_OPS, Role.HSI_INTEL)


def may_disseminate(caller: Caller) -> bool:
    return caller.has(Role.INTEL_OPS, Role.HSI_INTEL)


def may_read_disclosures(caller: Caller) -> bool:
    return caller.has(Role.INTEL_OPS, Role.HSI_INTEL, Role.AUDITOR)


def may_manage_agencies(caller: Caller) -> bool:
    return caller.has(Role.ADMIN)


def may_list_agencies(caller: Caller) -> bool:
    return may_manage_agencies(caller) or may_disseminate(caller)


def may_use_intel(caller: Caller) -> bool:
    """Whether the intelligence workspace has anything for the caller."""
    return may_list_leads(caller) or may_read_disclosures(caller)


def product_actions(caller: Caller, product: IntelProduct) -> list[ProductAction]:
    """What the caller may do to the product now; the service enforces exactly this."""
    actions: list[ProductAction] = []
    if may_write_products(caller):
        actions.append(ProductAction.EDIT)
    # Two-person rule: a different intel_ops analyst authorizes; never the author.
    if (
        caller.has(Role.INTEL_OPS)
        and product.status == ProductStatus.DRAFT
        and product.author_id != caller.id
    ):
        actions.append(ProductAction.AUTHORIZE)
    if may_disseminate(caller) and product.status == ProductStatus.AUTHORIZED:
        actions.append(ProductAction.DISSEMINATE)
    return actions
