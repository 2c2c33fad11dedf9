"""A second process that checks audit records from the head of the chain down.

One process cannot verify much more than ~150,000 records a second: reading a row and
hashing it are both Python work under one GIL. But every record carries its own
prev_hash, so whether a stretch of the chain is sound inside (each hash right, each record
linked to the one before) does not depend on the records before it. While verify walks
the chain up from record 1, this helper checks fixed chunks from the head down and
reports, for each, what verify needs to take the chunk whole (helper_client.py): how many
records it read, whether they follow one another and link up, which ones fast_hash
could not vouch for ("suspects"), which checkpoints they do not match, and the links at
both ends. verify still checks where each chunk joins the chain, and every checkpoint
signature; a chunk with anything amiss it reads and walks record by record itself.

The helper imports no SQLAlchemy, so that it starts in ~0.1 s.

Protocol: one JSON line on stdin (:class:`Job`); on stdout, for each chunk from the head
down, ``{"claim": [lo, hi]}`` before reading it and a :class:`ChunkResult` after.
"""

import asyncio
import json
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any, TextIO

from sen_server.audit.fast_hash import (
    HASH,
    PREV_HASH,
    SEQ,
    LinkHasher,
    Row,
    postgres_at,
    sqlite_at,
)
from sen_server.audit.sql import full_rows_sql


@dataclass(frozen=True)
class Job:
    dialect: str
    database: str  # SQLite: the file; PostgreSQL: a libpq URL
    top: int  # the highest seq to check
    chunk: int
    checkpoints: dict[int, str]  # seq → the hash its checkpoint signs

    def to_json(self) -> str:
        return json.dumps(asdict(self) | {"checkpoints": list(self.checkpoints.items())})

    @classmethod
    def from_json(cls, line: str) -> "Job":
        fields = json.loads(line)
        return cls(**fields | {"checkpoints": dict(fields["checkpoints"])})


@dataclass(frozen=True)
class ChunkResult:
    lo: int
    hi: int
    count: int  # records read with lo <= seq <= hi
    linked: bool  # each record's seq and prev_hash follow from the one before it
    first_prev_hash: str | None
    last_hash: str | None
    suspects: list[int]  # fast_hash could not vouch for their hash
    unmatched_checkpoints: list[int]  # seqs whose checkpoint signs another hash

    @property
    def clean(self) -> bool:
        """Every seq from lo to hi is there, linked to the one before, with a right hash
        and the hash its checkpoint (if any) signs."""
        return (
            self.count == self.hi - self.lo + 1
            and self.linked
            and not self.suspects
            and not self.unmatched_checkpoints
        )


def chunks(top: int, size: int) -> Iterator[tuple[int, int]]:
    """(lo, hi) ranges of seqs covering 1 .. top, from the top down."""
    hi = top
    while hi >= 1:
        lo = max(1, hi - size + 1)
        yield lo, hi
        hi = lo - 1


def check_chunk(
    lo: int, hi: int, rows: Sequence[Row], hasher: LinkHasher, checkpoints: dict[int, str]
) -> ChunkResult:
    suspects, unmatched = [], []
    linked = True
    prev_seq, prev_hash = None, None
    for row, digest in zip(rows, hasher.hashes(rows), strict=True):
        seq, stored_hash = row[SEQ], row[HASH]
        if digest != stored_hash:
            suspects.append(seq)
        if prev_seq is not None and (seq != prev_seq + 1 or row[PREV_HASH] != prev_hash):
            linked = False
        signed = checkpoints.get(seq)
        if signed is not None and signed != stored_hash:
            unmatched.append(seq)
        prev_seq, prev_hash = seq, stored_hash
    return ChunkResult(
        lo,
        hi,
        len(rows),
        linked,
        rows[0][PREV_HASH] if rows else None,
        rows[-1][HASH] if rows else None,
        suspects,
        unmatched,
    )


def _say(out: TextIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def _run_sqlite(job: Job, out: TextIO) -> None:
    conn = sqlite3.connect(job.database, timeout=30)
    try:
        conn.execute("PRAGMA query_only=ON")
        hasher, sql = LinkHasher(sqlite_at), full_rows_sql("sqlite")
        for lo, hi in chunks(job.top, job.chunk):
            _say(out, {"claim": [lo, hi]})
            rows = conn.execute(sql, (lo, hi)).fetchall()
            _say(out, asdict(check_chunk(lo, hi, rows, hasher, job.checkpoints)))
    finally:
        conn.close()


async def _run_postgres(job: Job, out: TextIO) -> None:
    import asyncpg  # only here: the SQLite helper need not pay for it

    # As the server's own connections (db.py): no JIT compiling of these plain range reads.
    conn = await asyncpg.connect(job.database, server_settings={"jit": "off"})
    try:
        hasher, sql = LinkHasher(postgres_at), full_rows_sql("postgresql")
        for lo, hi in chunks(job.top, job.chunk):
            _say(out, {"claim": [lo, hi]})
            rows = await conn.fetch(sql, lo, hi)
            _say(out, asdict(check_chunk(lo, hi, rows, hasher, job.checkpoints)))
    finally:
        await conn.close()


def main() -> None:
    job = Job.from_json(sys.stdin.readline())
    try:
        if job.dialect == "sqlite":
            _run_sqlite(job, sys.stdout)
        else:
            asyncio.run(_run_postgres(job, sys.stdout))
    except BrokenPipeError:
        pass  # verify no longer listens: it finished, or stopped us


if __name__ == "__main__":
    main()
