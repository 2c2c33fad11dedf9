"""The statements that read the audit chain for verification, per dialect, in
fast_hash's column order. Plain SQL run on the driver's own connection: no SQLAlchemy to
import (the hash helper starts faster) and no type processing per value."""

_FULL = {
    "sqlite": (
        "SELECT seq, prev_hash, hash, at, actor, roles, session, source, action, "
        "object_type, object_id, outcome, details FROM audit_record "
        "WHERE seq >= ? AND seq <= ? ORDER BY seq"
    ),
    # jsonb as its text: asyncpg would otherwise decode it with json.loads only for
    # fast_hash to decode it again. varchar columns can only hold text. The timestamp
    # comes as the canonical text itself (formatting a datetime in Python costs more than
    # hashing the record), for the years where to_char's YYYY is strftime's %Y.
    "postgresql": (
        "SELECT seq, prev_hash, hash, "
        "CASE WHEN at >= '1000-01-01 00:00:00+00' AND at < '10000-01-01 00:00:00+00' "
        """THEN to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END, """
        "actor, roles::text, session, source, action, "
        "object_type, object_id, outcome, details::text FROM audit_record "
        "WHERE seq >= $1 AND seq <= $2 ORDER BY seq"
    ),
}
# What the walk needs of a record whose hash the helper has checked.
_LINKS = {
    "sqlite": (
        "SELECT seq, prev_hash, hash FROM audit_record WHERE seq >= ? AND seq <= ? ORDER BY seq"
    ),
    "postgresql": (
        "SELECT seq, prev_hash, hash FROM audit_record WHERE seq >= $1 AND seq <= $2 ORDER BY seq"
    ),
}
# The largest seq each database can hold (SQLite: a rowid; PostgreSQL: integer).
MAX_SEQ = {"sqlite": 2**63 - 1, "postgresql": 2**31 - 1}


def full_rows_sql(dialect: str) -> str:
    """Rows with seq in [$1, $2]."""
    return _FULL[dialect]


def link_rows_sql(dialect: str) -> str:
    """seq, prev_hash and hash of the rows with seq in [$1, $2]."""
    return _LINKS[dialect]
