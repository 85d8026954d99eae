"""Writing a run directory's results as CSV or Parquet."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .._files import writing
from ..errors import InvalidValue, MissingFile

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["export", "curves_long", "writing"]


def curves_long(run_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """Return every run's curves in long form: ``cell``, ``campaign``, ``series``,
    ``run``, ``step``, ``value``."""
    import numpy as np
    import pandas as pd

    from .store import load_curves

    frames = []
    for (cell, camp, series), a in load_curves(run_dir, raw=True).items():
        runs, cols = a.shape
        frames.append(pd.DataFrame({
            "cell": cell, "campaign": camp, "series": series,
            "run": np.repeat(np.arange(runs), cols), "step": np.tile(np.arange(cols), runs),
            "value": a.ravel()}))
    cols = ["cell", "campaign", "series", "run", "step", "value"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def export(run_dir: str | os.PathLike[str], out: str | os.PathLike[str] | None = None, *,
           fmt: str = "csv", curves: bool = False) -> Path:
    """Write the results of ``run_dir`` to ``out`` as CSV or Parquet; return the path.

    One row per (cell, campaign, run) (see :func:`refsim.load_results`), or with
    ``curves=True`` one row per (cell, campaign, series, run, step).
    """
    from .store import load_results

    if fmt not in ("csv", "parquet"):
        raise InvalidValue(f"format must be csv or parquet; got {fmt!r}")
    df = curves_long(run_dir) if curves else load_results(run_dir)
    if out is None:
        out = Path(run_dir) / f"{'curves' if curves else 'results'}.{fmt}"
    out = Path(out)
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise MissingFile("Parquet export needs pyarrow: pip install "
                              "'refsim[parquet]'") from None
    with writing(out) as tmp:
        if fmt == "parquet":
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, index=False)
    return out
