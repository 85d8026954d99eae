"""How much memory this machine has free, and a check before large allocations."""

from __future__ import annotations

import os
import time

from .errors import InvalidValue

#: Share of the available memory one piece of work may plan to use.
USABLE_SHARE = 0.8
#: A need below this share of the memory read at most ``_FRESH`` seconds ago is let
#: through without reading it again (reading costs three files; a call that needs a few
#: kilobytes should not pay that every time).
_SMALL_SHARE = 0.01
_FRESH = 1.0
_last: tuple | None = None  # (when, bytes, the function that read them)


def _read_int(path) -> int | None:
    try:
        with open(path) as fh:
            text = fh.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def available_memory() -> int | None:
    """Return the bytes this process can still allocate, or ``None`` if unknown.

    The smallest of the kernel's ``MemAvailable`` (``/proc/meminfo``), a cgroup limit
    less its usage (containers), and ``sysconf`` free pages elsewhere.
    """
    found = []
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    found.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError, IndexError):
        pass
    limit = _read_int("/sys/fs/cgroup/memory.max")  # cgroup v2 ("max" reads as None)
    if limit is not None:
        used = _read_int("/sys/fs/cgroup/memory.current") or 0
        found.append(max(0, limit - used))
    else:
        limit = _read_int("/sys/fs/cgroup/memory/memory.limit_in_bytes")  # cgroup v1
        if limit is not None and limit < 2**60:
            used = _read_int("/sys/fs/cgroup/memory/memory.usage_in_bytes") or 0
            found.append(max(0, limit - used))
    if not found:
        try:
            found.append(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES"))
        except (ValueError, OSError, AttributeError):
            return None
    return min(found)


def fmt_bytes(b: float) -> str:
    """``b`` bytes in the largest unit that keeps a number >= 1 (``"3.2 GiB"``)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if b < 1024 or unit == "TiB":
            return f"{b:.0f} {unit}" if unit == "B" else f"{b:.1f} {unit}"
        b /= 1024
    return f"{b:.1f} TiB"  # pragma: no cover


def check_memory(what: str, need: float, hint: str = "choose a smaller size") -> None:
    """Raise :class:`InvalidValue` before any allocation if ``need`` bytes do not fit in
    :data:`USABLE_SHARE` of the memory available now.

    ``what`` names the value responsible (``"n=10000000000"``, ``"experiment.runs"``).
    """
    global _last
    now = time.monotonic()
    if (_last is not None and _last[2] is available_memory and now - _last[0] < _FRESH
            and need < _SMALL_SHARE * _last[1]):
        return
    avail = available_memory()
    if avail is None:
        return
    _last = (now, avail, available_memory)
    if need > USABLE_SHARE * avail:
        raise InvalidValue(f"{what} needs about {fmt_bytes(need)} of memory; "
                           f"{fmt_bytes(avail)} is available; {hint}")
