"""verify's side of the hash helper (hash_helper.py): start it, follow what it has
claimed and found, stop it.

The helper is an accelerator and nothing more: if it cannot start, dies, says something
unexpected or falls silent, verify does the work itself.
"""

import asyncio
import contextlib
import json
import sys
from dataclasses import dataclass, field

from sen_server.audit import hash_helper
from sen_server.audit.hash_helper import ChunkResult, Job

# A result line names every suspect of a chunk: allow for all of them.
_LINE_LIMIT = 1 << 24


@dataclass(frozen=True)
class HelperConfig:
    min_records: int = 50_000
    """Start a helper only for a chain at least this long: below it, starting a process
    (~0.1-0.3 s) costs more than it saves."""
    chunk: int = 10_000
    """Records per chunk: what verify may wait for when its walk catches up."""
    patience: float = 30.0
    """Seconds verify waits for a chunk before doing it itself (the helper is stuck)."""
    wait_for_first_claim: bool = False
    """Tests: let the helper claim its first chunk before verify starts its own walk."""


@dataclass
class _Chunk:
    done: asyncio.Event = field(default_factory=asyncio.Event)
    result: ChunkResult | None = None


class HashHelper:
    def __init__(self, proc: asyncio.subprocess.Process, top: int, config: HelperConfig):
        self._proc = proc
        self.top = top
        self._config = config
        self.claimed_lo = top + 1  # the lowest seq of a claimed chunk
        self._chunks: dict[int, _Chunk] = {}
        self._claimed = asyncio.Event()
        self._listener = asyncio.ensure_future(self._listen())

    @classmethod
    async def start(
        cls,
        dialect: str,
        database: str,
        top: int,
        checkpoints: dict[int, str],
        config: HelperConfig,
    ) -> "HashHelper | None":
        """A running helper, or None if none could be started (verify then works alone)."""
        if not sys.executable:
            return None
        try:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                hash_helper.__name__,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
                limit=_LINE_LIMIT,
            )
        except OSError:
            return None
        assert proc.stdin is not None
        # On stdin, not in argv: a PostgreSQL URL may carry a password.
        job = Job(dialect, database, top, config.chunk, checkpoints)
        proc.stdin.write(job.to_json().encode() + b"\n")
        proc.stdin.close()
        helper = cls(proc, top, config)
        if config.wait_for_first_claim:
            await helper._claimed.wait()
        return helper

    def chunk_of(self, seq: int) -> tuple[int, int]:
        """The (lo, hi) of the chunk holding ``seq`` (1 <= seq <= top)."""
        size = self._config.chunk
        hi = self.top - (self.top - seq) // size * size
        return max(1, hi - size + 1), hi

    async def result(self, lo: int) -> ChunkResult | None:
        """What the helper found in the chunk starting at ``lo``: None if it never will."""
        chunk = self._chunks.get(lo)
        if chunk is None:
            return None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(chunk.done.wait(), self._config.patience)
        return chunk.result

    async def _listen(self) -> None:
        assert self._proc.stdout is not None
        try:
            async for line in self._proc.stdout:
                message = json.loads(line)
                if "claim" in message:
                    lo, _ = message["claim"]
                    self._chunks[lo] = _Chunk()
                    self.claimed_lo = lo
                    self._claimed.set()
                else:
                    result = ChunkResult(**message)
                    chunk = self._chunks[result.lo]
                    chunk.result = result
                    chunk.done.set()
        except (ValueError, KeyError, TypeError):
            pass  # not what a helper says: stop listening, and trust nothing more
        finally:
            # Whatever is still pending will not come: release every waiter.
            self._claimed.set()
            for chunk in self._chunks.values():
                chunk.done.set()

    async def stop(self) -> None:
        if self._proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._proc.kill()
            await self._proc.wait()
        self._listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._listener
