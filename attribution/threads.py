"""How many CPU threads scoring uses, without importing torch.

The ONNX backend sizes its sessions from this number.  It used to read ``torch.get_num_threads()``; a
process that scores from the cached ONNX export no longer imports torch, so the number is kept here and
given to torch as well when torch is (or later gets) imported by ``attribution.model``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_requested: int | None = None


def set_scoring_threads(threads: int) -> None:
    """Use ``threads`` threads for scoring (both backends)."""
    global _requested
    _requested = threads
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(threads)


def requested_threads() -> int | None:
    return _requested


def scoring_threads() -> int:
    """torch's thread count where torch is imported (set_scoring_threads sets it too), else the number set,
    else what torch would start with: ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS``, else the physical cores."""
    torch = sys.modules.get("torch")
    if torch is not None:
        return int(torch.get_num_threads())
    if _requested is not None:
        return _requested
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return physical_cores()


def physical_cores() -> int:
    """Cores this process may run on, hyper-threads of one core counted once (torch's default thread count)."""
    allowed = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(range(os.cpu_count() or 1))
    cores = set()
    for cpu in allowed:
        topology = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
        try:
            cores.add((topology / "physical_package_id").read_text().strip() + ":" + (topology / "core_id").read_text().strip())
        except OSError:
            cores.add(str(cpu))
    return max(1, len(cores))
