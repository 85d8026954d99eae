"""Helpers shared by the figures: frame checks, text that matplotlib shows literally,
value order, and constrained-layout figures (one panel or small multiples) made
without pyplot."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidType, InvalidValue
from .labels import value_labels


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


def is_money(unit) -> bool:
    return str(unit).startswith("$")


def amount_text(value, unit="") -> str:
    """A mean as a data label: dollars as ``$1,234``, counts of 100 or more whole."""
    v = abs(float(value))
    text = f"{v:,.0f}" if v >= 100 else f"{v:.3g}"
    return ("\N{MINUS SIGN}" if value < 0 else "") + ("$" if is_money(unit) else "") + text


def amount_ticks(axis, unit=""):
    """At most six ticks on ``axis``, written briefly: ``$30k``, ``1.5M``, ``0.25``."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    def brief(v, _pos):
        for scale, suffix in ((1e6, "M"), (1e3, "k")):
            if abs(v) >= scale:
                return plain(amount_text(v / scale, unit) + suffix)
        return plain(amount_text(v, unit))

    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(FuncFormatter(brief))


def legend_below(fig, handles, labels):
    """One legend under the panels, in as many columns as the figure's width holds."""
    width = fig.get_figwidth() - 0.4
    entries = [0.55 + 0.07 * len(str(label)) for label in labels]  # inches, small font
    cols = 1
    while cols < len(entries) and sum(sorted(entries)[-(cols + 1):]) <= width:
        cols += 1
    fig.legend(handles, labels, loc="outside lower center", ncols=cols, fontsize="small")


def ordered_levels(values, order=None) -> list:
    """The distinct ``values`` in the order of ``order`` (say the config's list of a sweep
    axis), then those it lacks in order of first appearance; never sorted."""
    seen = list(pd.unique(pd.Series(values)))
    if order is None:
        return seen
    order = list(order)
    return sorted(seen, key=lambda v: order.index(v) if v in order else len(order))


def hold(rows, axes, order):
    """``rows`` with each of ``axes`` held at its first value (in ``order``, else of first
    appearance), and the values held, as tick text."""
    held = {}
    for a in axes:
        levels = ordered_levels(rows[a], order.get(a))
        if levels:
            held[a] = value_labels(levels)[0].replace("\n", " ")
            rows = rows[rows[a] == levels[0]]
    return rows, held


def spread(values, most):
    """At most ``most`` of ``values``, spread evenly from the first to the last."""
    pick = np.unique(np.linspace(0, len(values) - 1, most).round().astype(int))
    return [values[i] for i in pick] if len(values) > most else list(values)


def line_band(ax, x, mean, lo, hi, color, label, **line):
    """A mean line and its CI band in one colour."""
    ax.plot(x, mean, color=color, label=plain(label), **line)
    ax.fill_between(x, lo, hi, color=color, alpha=0.2, linewidth=0)


def break_even(ax):
    """A dashed line at 0 labelled "break-even": above it a campaign pays for itself."""
    from matplotlib.transforms import blended_transform_factory

    ax.axhline(0.0, color="0.25", linewidth=1.0, linestyle="--", label="break-even")
    ax.text(0.98, 0.0, "break-even", ha="right", va="bottom", fontsize="small", color="0.25",
            transform=blended_transform_factory(ax.transAxes, ax.transData))


def plain(text) -> str:
    """``text`` as matplotlib shows it literally: a ``$`` in a name must not start
    mathtext (a campaign called "$10 off, $5 back" would otherwise fail to draw)."""
    return str(text).replace("$", r"\$")


def wrap(text, width=60):
    """``text`` in lines of at most ``width`` characters, its own line breaks kept."""
    import textwrap

    return "\n".join(line for part in str(text).split("\n")
                     for line in (textwrap.wrap(part, width) or [part]))


def new_figure(width, height):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def panel_figure(n, width, height, extra=(0.0, 0.0), sharey=False):
    """A figure of ``n`` panels of ``width`` x ``height`` inches in rows of at most three
    (two for four), plus ``extra`` inches for shared labels and legends; returns the
    figure and its panels in reading order (the grid's unused places are hidden)."""
    cols = n if n <= 3 else (2 if n == 4 else 3)
    rows = -(-n // cols)
    fig = new_figure(cols * width + extra[0], rows * height + extra[1])
    grid = fig.subplots(rows, cols, sharey=sharey, squeeze=False).ravel()
    for ax in grid[n:]:
        ax.set_visible(False)
    return fig, list(grid[:n])


def label_panels(fig, panels, xlabel, ylabel, shared_x=False):
    """Axis labels (wrapped when long). The vertical one once for the whole figure when
    there are several panels; the horizontal one under every panel, or once for the
    figure with ``shared_x`` (not with a legend below: the two would overlap)."""
    xlabel, ylabel = plain(wrap(xlabel, 40)), plain(wrap(ylabel, 40))
    if len(panels) == 1:
        panels[0].set_ylabel(ylabel)
    else:
        fig.supylabel(ylabel, fontsize="medium")
    if shared_x and len(panels) > 1:
        fig.supxlabel(xlabel, fontsize="medium")
    else:
        for ax in panels:
            ax.set_xlabel(xlabel)
