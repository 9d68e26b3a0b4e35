"""Peak memory of the current process, as the benchmarks report it."""

from __future__ import annotations

from pathlib import Path


def peak_rss_kib() -> int:
    """VmHWM, the peak resident set since this program started.

    Not ``getrusage().ru_maxrss``: on Linux that survives ``exec``, so a child
    started by a large parent reports the parent's peak, whatever it does itself.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")
