"""Wire schemas of audit review (SPEC §9, §12): the audit list's pages, the failed-logon
report and a chain verification's result."""

from datetime import datetime

from pydantic import BaseModel

from shared.schemas import AuditRecordPublic


class AuditPage(BaseModel):
    """One page of the audit log, newest first. ``next_cursor`` asks for the next (older)
    page with the same filters; None: this is the oldest page."""

    items: list[AuditRecordPublic]
    next_cursor: str | None = None
    limit: int


class FailedLogonsByUser(BaseModel):
    # An account's username; for a username no account has, "unknown:" and a keyed digest
    # of it (what was typed is often a password typed into the wrong box).
    user: str
    known: bool
    failures: int
    lockouts: int
    last_at: datetime


class FailedLogonsBySource(BaseModel):
    source: str  # the source address ("unknown" when the server had none)
    failures: int
    users: int  # distinct usernames tried from it
    last_at: datetime


class FailedLogonReport(BaseModel):
    since: datetime
    until: datetime
    failures: int
    by_user: list[FailedLogonsByUser]
    by_source: list[FailedLogonsBySource]


class AuditVerification(BaseModel):
    """A chain verification's result; ``first_bad_seq`` names the first bad record."""

    ok: bool
    records: int
    checkpoints: int
    anchors: int
    first_bad_seq: int | None = None
    problem: str = ""
    verified_at: datetime
