"""Files written whole or not at all: through a temporary file beside them, replaced at
the end (the exports and the report)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .errors import FileProblem

__all__ = ["writing"]


@contextlib.contextmanager
def writing(out: Path):
    """Write ``out`` through a temporary file beside it, replaced at the end, so a
    failure (a full disk) never leaves half a file; its folder is created if missing.
    Yields the temporary path. OS errors become a :class:`~refsim.errors.FileProblem`
    naming ``out`` and the cause."""
    out = Path(out)
    if out.is_dir():
        raise FileProblem(f"{str(out)!r} is a folder; give a file name to write")
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        yield tmp
        os.replace(tmp, out)
    except OSError as exc:
        raise FileProblem(f"cannot write {str(out)!r}: "
                          f"{exc.strerror or exc}") from None
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
