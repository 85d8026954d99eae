"""Helpers shared by the figures: frame checks, text that matplotlib shows literally,
and a constrained-layout figure made without pyplot."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidType, InvalidValue


def finite(frame, column):
    """Boolean Series: where ``frame[column]`` is a finite number (all False if absent)."""
    if column not in frame:
        return pd.Series(False, index=frame.index)
    return pd.Series(np.isfinite(pd.to_numeric(frame[column], errors="coerce")
                                 .to_numpy(dtype=np.float64)), index=frame.index)


def require(frame, columns, what):
    if not isinstance(frame, pd.DataFrame):
        raise InvalidType(f"{what} must be a pandas DataFrame; got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidValue(f"{what} lacks the column(s) {missing}; it has {list(frame.columns)}")


def value_text(value):
    """Axis value as text: numbers in short form, anything else as is."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return f"{value:g}"
    return str(value)


def plain(text) -> str:
    """``text`` as matplotlib shows it literally: a ``$`` in a name must not start
    mathtext (a campaign called "$10 off, $5 back" would otherwise fail to draw)."""
    return str(text).replace("$", r"\$")


def wrap(text, width=60):
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def new_figure(width, height):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")
