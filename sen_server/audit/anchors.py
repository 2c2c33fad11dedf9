"""Signed checkpoints copied to a file outside the database (SEN_AUDIT_ANCHORS_FILE).

Someone who can write the database can cut the tail off the chain together with its
checkpoints: what remains is a shorter chain that verifies. A copy of every checkpoint kept
elsewhere (another disk, a log shipper, a WORM store) names records the database no longer
has; ``sen-server audit verify --anchors FILE`` checks the chain against it.

A checkpoint is appended only once its transaction has committed: an anchor for a record
that was rolled back would later look like a truncation. Rows are collected on the session
(``note_checkpoint``) and written by a listener on SQLAlchemy's ``after_commit``, which
covers every path that commits audit records (units of work, group commit, jobs, the CLI).
A crash between the commit and the append leaves a checkpoint without its anchor: the
anchors are then a subset, which verification allows.
"""

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from sen_server.models import AuditCheckpoint

log = logging.getLogger(__name__)

# Keys in Session.info: the file (set by the runtime's session factories) and the
# checkpoints of the open transaction.
FILE_KEY = "sen_audit_anchors_file"
_PENDING_KEY = "sen_audit_anchors_pending"


def note_checkpoint(info: dict[str, Any], checkpoint: AuditCheckpoint) -> None:
    """Remember ``checkpoint`` for the anchors file, if the session has one."""
    if info.get(FILE_KEY):
        info.setdefault(_PENDING_KEY, []).append(anchor_line(checkpoint))


def anchor_line(checkpoint: AuditCheckpoint) -> str:
    document = {
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "every": checkpoint.every,
        "signature": checkpoint.signature,
        "key_id": checkpoint.key_id,
        "at": checkpoint.created_at.isoformat(),
    }
    return json.dumps(document, separators=(",", ":"))


def append_anchors(path: Path, lines: list[str]) -> None:
    """Append and fsync: O_APPEND keeps lines of several server processes whole."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, "".join(line + "\n" for line in lines).encode())
        os.fsync(fd)
    finally:
        os.close(fd)


@event.listens_for(Session, "after_commit")
def _write_anchors(session: Session) -> None:
    lines = session.info.pop(_PENDING_KEY, None)
    if not lines:
        return
    try:
        append_anchors(Path(session.info[FILE_KEY]), lines)
    except OSError:
        # Already committed: the checkpoints are in the database. A missing anchor is a
        # gap, not a false alarm; say so loudly (the path only, nothing of the records).
        log.exception("could not append %d audit anchors to the anchors file", len(lines))


@event.listens_for(Session, "after_transaction_end")
def _forget_rolled_back(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING_KEY, None)


class Anchor:
    """One line of the anchors file."""

    def __init__(self, seq: int, chain_hash: str, signature: str, every: int | None) -> None:
        self.seq, self.hash, self.signature, self.every = seq, chain_hash, signature, every

    def fields(self) -> tuple[int, str, str, int | None]:
        return self.seq, self.hash, self.signature, self.every


class BadAnchorsFile(ValueError):
    pass


def read_anchors(path: Path) -> Iterator[Anchor]:
    """The anchors in ``path``; a line that is not one is an error naming its number
    (a torn last line, from a crash mid-append, is skipped)."""
    with path.open(encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    last = len(lines) - 1
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
            every = document.get("every")
            anchor = Anchor(
                int(document["seq"]),
                str(document["hash"]),
                str(document["signature"]),
                int(every) if every is not None else None,
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            if number - 1 == last:  # no newline after it: an append cut short
                continue
            raise BadAnchorsFile(f"line {number} of {path} is not an anchor") from exc
        yield anchor
