"""Tests that assert a time bound run alone when the suite runs on several workers.

The suite runs on two pytest-xdist workers (one per core of the machines it runs on). A
test that asserts how fast something happens — an event within a second, a queue page
under its bound, `sen demo` on screen within 10 s — measures SEN, not the other worker:
it is marked ``alone`` and holds this lock exclusively, while every other test holds it
shared. So no other test runs beside it, and the rest still use both cores.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def cores(tmp_path_factory: pytest.TempPathFactory, *, alone: bool) -> Iterator[None]:
    """Hold the run's lock exclusively (``alone``) or shared, for as long as a test runs."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        yield  # one process: nothing runs beside it anyway
        return
    # Each worker's temporary folder is inside the run's own (which pytest cleans up).
    path = tmp_path_factory.getbasetemp().parent / "cores.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
