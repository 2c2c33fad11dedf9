"""What the figures were measured on: they mean little without the machine's state.

Other work on the same 2 cores (test suites, other servers) slows every case, the baseline
included; the load average printed with each run tells whether a run was disturbed.
"""

import datetime
import os
import platform
from pathlib import Path


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def filesystem_of(path: Path) -> str:
    """The type of the filesystem holding ``path`` (fsync costs nothing on tmpfs)."""
    best, kind = "", "unknown"
    resolved = str(path.resolve())
    with open("/proc/mounts") as mounts:
        for line in mounts:
            _, mount_point, fs_type, *_ = line.split()
            inside = resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")
            if inside and len(mount_point) > len(best):
                best, kind = mount_point, fs_type
    return kind


def header() -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{now}, host {platform.node()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load avg (1/5 min) {load()}"
    )
