"""`sen-server audit match-term`: which searches looked for a suspected term.

Search terms are kept in the audit log only as a keyed digest (audit.signing.term_digest),
so an auditor with the server's key can check a term they suspect, and nobody without it
can recover what was searched for.
"""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from sen_server.audit.signing import CheckpointSigner
from sen_server.models import AuditRecord
from sen_server.reports.search import normalised_terms
from shared.enums import AuditAction

BATCH = 2000


async def searches_for(
    session: AsyncSession, signer: CheckpointSigner, suspected: str
) -> list[AuditRecord]:
    """The audited searches whose terms were exactly ``suspected`` (case and punctuation
    aside, as the search itself normalises them)."""
    wanted = signer.term_digest(normalised_terms(suspected))
    found: list[AuditRecord] = []
    after = 0
    while True:
        batch = (
            await session.exec(
                select(AuditRecord)
                .where(
                    col(AuditRecord.action) == AuditAction.REPORT_LIST,
                    col(AuditRecord.seq) > after,
                )
                .order_by(col(AuditRecord.seq))
                .limit(BATCH)
            )
        ).all()
        if not batch:
            return found
        for record in batch:
            filters = (record.details or {}).get("filters") or {}
            if filters.get("search_hmac") == wanted:
                found.append(record)
        after = batch[-1].seq
