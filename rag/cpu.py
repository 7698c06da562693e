"""What the CPU can do, from the kernel's flags (Linux); used to steer llama.cpp and by doctor."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")
FLAGS = {"AVX2": "avx2", "AVX-512": "avx512f", "AMX": "amx_tile"}


def cpuinfo_field(name: str, cpuinfo: Path = CPUINFO) -> str:
    """The first ``name : value`` line's value in ``/proc/cpuinfo`` ("" when unknown)."""
    try:
        lines = cpuinfo.read_text().splitlines()
    except OSError:
        return ""
    return next(
        (ln.split(":", 1)[1].strip() for ln in lines if ln.split(":")[0].strip() == name), ""
    )


def cpu_features(cpuinfo: Path = CPUINFO) -> dict[str, bool]:
    """AVX2 / AVX-512 / AMX support ({} where the flags cannot be read)."""
    flags = cpuinfo_field("flags", cpuinfo).split()
    return {name: flag in flags for name, flag in FLAGS.items()} if flags else {}


@lru_cache(maxsize=1)
def has_amx() -> bool:
    """True when this CPU has AMX tiles (Sapphire Rapids and later Xeons)."""
    return cpu_features().get("AMX", False)
