"""Indexes in the audit list's order (migration 0013): each filter of ``GET /api/v1/audit``
is one range of its column with ``seq`` descending, so a page is a short index scan however
long the log is. The failed-logon report reads one action over a time window."""

import sqlalchemy as sa

from sen_server.models import AuditRecord

_columns = AuditRecord.__table__.c  # type: ignore[attr-defined]

AUDIT_LIST_INDEXES = (
    sa.Index("ix_audit_record_actor_seq", _columns.actor, _columns.seq),
    sa.Index("ix_audit_record_action_seq", _columns.action, _columns.seq),
    sa.Index("ix_audit_record_object_seq", _columns.object_id, _columns.seq),
    sa.Index("ix_audit_record_outcome_seq", _columns.outcome, _columns.seq),
    sa.Index("ix_audit_record_action_at", _columns.action, _columns.at),
    sa.Index("ix_audit_record_at", _columns.at),
)
