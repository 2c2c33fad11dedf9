"""Retention's step for intelligence: a lead that is destroyed or transferred leaves the
products written from it and its triage history.

A product keeps the lead's ID and the names of its removed and put-back fields, but not the
lead's body nor the put-backs' justifications (free text written about that person). A
product authorized before loses its authorization, as after any change of its content.
The accounting of disclosures (``disclosure*``) is not touched: it holds its own copies
and outlives the record (SPEC §6)."""

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.intel.models import IntelProduct, TriageChange
from sen_server.retention.steps import REMOVED_TEXT, json_mentions
from shared.enums import ObjectType
from shared.intel import ProductStatus


async def remove_lead_copies(session: AsyncSession, report_id: str, now: datetime) -> list[str]:
    changed: list[str] = []
    # Triage notes may quote the lead (the foreign key would cascade too; said here).
    await session.exec(delete(TriageChange).where(col(TriageChange.report_id) == report_id))
    products = await session.exec(
        select(IntelProduct).where(json_mentions(col(IntelProduct.lead_ids), report_id))
    )
    for product in products.all():
        if report_id not in product.lead_ids:
            continue
        product.content = {**product.content, report_id: {}}
        product.put_backs = [
            {**p, "justification": REMOVED_TEXT} if p.get("report_id") == report_id else p
            for p in product.put_backs
        ]
        if product.status == ProductStatus.AUTHORIZED:
            product.status = ProductStatus.DRAFT
            product.authorized_by_id = None
            product.authorized_at = None
        product.revision += 1
        product.updated_at = now
        session.add(product)
        changed.append(f"{ObjectType.INTEL_PRODUCT}:{product.id}")
    return changed
