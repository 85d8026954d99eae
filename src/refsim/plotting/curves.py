"""Adoption curves: mean adopters per step with CI bands, one cell or small multiples."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidValue
from ._common import (
    label_panels,
    legend_below,
    line_band,
    new_figure,
    panel_figure,
    plain,
    require,
    wrap,
)
from .labels import axis_label

#: What one step of a cascade is, on the horizontal axis of every curve.
STEP_LABEL = "step (round of referrals)"


def curves_figure(curves: pd.DataFrame, cell: int = 0, series: str = "adopters",
                  title: str | None = None, unit: str = "people"):
    """Return a figure of one cell's mean adoption curve per campaign, with its CI band.

    Parameters
    ----------
    curves : pandas.DataFrame
        Per-step summary as ``load_curves`` returns it: ``cell``, ``campaign``,
        ``series``, ``step``, ``mean``, ``lo``, ``hi``.
    cell : int, default 0
        Sweep cell to draw.
    series : str, default "adopters"
        Which count to draw (``"adopters"``; the referral model also has ``"aware"``
        and ``"advocates"``).
    title : str, optional
        Axes title; default names the cell.
    unit : str, default "people"
        What the series counts, shown on the vertical axis.

    Returns
    -------
    matplotlib.figure.Figure
        One line per campaign (in order of first appearance) and one band from ``lo``
        to ``hi`` in the same colour; the axes say what a step is and the unit.

    Raises
    ------
    ValueError
        If ``curves`` has no rows for ``cell`` and ``series``.

    Examples
    --------
    >>> import pandas as pd
    >>> curves = pd.DataFrame({"cell": 0, "campaign": ["a"] * 3 + ["b"] * 3,
    ...                        "series": "adopters", "step": [0, 1, 2] * 2,
    ...                        "mean": [5.0, 8, 9, 5, 9, 12], "lo": [5.0, 7, 8, 5, 8, 10],
    ...                        "hi": [5.0, 9, 10, 5, 10, 14]})
    >>> [line.get_label() for line in curves_figure(curves).axes[0].get_lines()]
    ['a', 'b']
    """
    require(curves, ("cell", "campaign", "series", "step", "mean", "lo", "hi"), "curves")
    rows = curves[(curves["cell"] == cell) & (curves["series"] == series)]
    if rows.empty:
        raise InvalidValue(f"no curves for cell {cell!r} and series {series!r}; cells are "
                         f"{sorted(pd.unique(curves['cell']).tolist())[:20]}, series are "
                         f"{pd.unique(curves['series']).tolist()}")
    fig = new_figure(5.6, 3.6)
    ax = fig.add_subplot()
    _draw_curves(ax, rows, list(pd.unique(rows["campaign"])), rows["step"].max())
    label_panels(fig, [ax], STEP_LABEL, axis_label(series, unit))
    ax.set_title(plain(wrap(f"cell {cell}" if title is None else title)), fontsize="medium")
    ax.legend(fontsize="small")
    return fig


def curves_grid(curves: pd.DataFrame, cells, titles=None, series: str = "adopters",
                settle: float = 0.005, unit: str = "people", break_even: bool = False):
    """Return small multiples of the mean curves: one panel per cell, the same y scale,
    each panel cropped to where its cascades end.

    Parameters
    ----------
    curves : pandas.DataFrame
        Per-step summary as ``load_curves`` returns it.
    cells : sequence of int
        The cells to draw, one panel each, in this order.
    titles : sequence of str, optional
        A title per panel (the cell's sweep values); default none.
    series : str, default "adopters"
        Which count to draw.
    settle : float, default 0.005
        A panel ends two steps after the last step at which some campaign's mean still
        rose by more than this share of its final value.
    unit : str, default "people"
        What the series counts, shown on the shared vertical axis label.
    break_even : bool, default False
        For money to date: a dashed line at 0 ("break-even") and a dot at the step
        from which each campaign's mean stays positive ("payback").

    Returns
    -------
    matplotlib.figure.Figure
        One line and CI band per campaign in every panel, one legend; one label for
        all panels' horizontal axes (steps) and one for their vertical axes (the series
        and its unit).

    Raises
    ------
    ValueError
        If ``cells`` is empty or one of them has no rows for ``series``.

    Examples
    --------
    >>> import pandas as pd
    >>> curves = pd.DataFrame({"cell": [0] * 6 + [1] * 6, "campaign": (["a"] * 3 + ["b"] * 3) * 2,
    ...                        "series": "adopters", "step": [0, 1, 2] * 4,
    ...                        "mean": [5.0, 8, 9, 5, 9, 12] * 2, "lo": [5.0, 7, 8, 5, 8, 10] * 2,
    ...                        "hi": [5.0, 9, 10, 5, 10, 14] * 2})
    >>> len(curves_grid(curves, [0, 1], ["x = 1", "x = 2"]).axes)
    2
    """
    require(curves, ("cell", "campaign", "series", "step", "mean", "lo", "hi"), "curves")
    cells = list(cells)
    if not cells:
        raise InvalidValue("curves_grid needs at least one cell")
    rows = curves[curves["series"] == series]
    missing = [c for c in cells if not (rows["cell"] == c).any()]
    if missing:
        raise InvalidValue(f"no curves for cell(s) {missing[:5]} and series {series!r}")
    names = list(pd.unique(rows[rows["cell"].isin(cells)]["campaign"]))
    fig, panels = panel_figure(len(cells), 3.6, 2.6, (0.6, 1.0), sharey=True)
    for k, (ax, cell) in enumerate(zip(panels, cells)):
        here = rows[rows["cell"] == cell]
        _draw_curves(ax, here, names, _settled(here, names, settle))
        if break_even:
            _payback(ax, here, names, first=k == 0)
        if titles is not None:
            ax.set_title(plain(wrap(str(titles[k]), 40)), fontsize="small")
    label_panels(fig, panels, STEP_LABEL, axis_label(series, unit))
    legend_below(fig, *panels[0].get_legend_handles_labels())
    return fig


def _payback(ax, rows, names, first):
    """A dashed break-even line and, for each campaign, the step from which its mean
    stays positive to the end."""
    from ..analysis import stays_positive

    ax.axhline(0.0, color="0.3", ls="--", lw=0.8, label="break-even" if first else None)
    for i, campaign in enumerate(names):
        one = rows[rows["campaign"] == campaign].sort_values("step").set_index("step")
        if one.empty:
            continue
        step = stays_positive(one["mean"].to_numpy(), one.index.to_numpy())
        if np.isfinite(step):
            ax.plot([step], [one.loc[step, "mean"]], "o", color=f"C{i % 10}", ms=5,
                    label="payback" if first and i == 0 else None)


def _settled(rows, names, settle) -> int:
    """Two steps after the last step at which some campaign's mean still rose by more
    than ``settle`` of its final value (at least 1)."""
    end = 1
    for campaign in names:
        m = rows[rows["campaign"] == campaign].sort_values("step")["mean"].to_numpy(
            dtype=np.float64)
        if m.size > 1 and np.isfinite(m).all():
            rise = np.flatnonzero(np.diff(m) > settle * max(abs(m[-1]), 1e-12))
            end = max(end, int(rise[-1]) + 3 if rise.size else 1)
    return end


def _draw_curves(ax, rows, names, end):
    """One mean line and CI band per campaign (colour by its place in ``names``), up to
    step ``end``."""
    for i, campaign in enumerate(names):
        one = rows[(rows["campaign"] == campaign) & (rows["step"] <= end)].sort_values("step")
        line_band(ax, one["step"].to_numpy(dtype=np.float64),
                   one["mean"].to_numpy(dtype=np.float64), one["lo"].to_numpy(dtype=np.float64),
                   one["hi"].to_numpy(dtype=np.float64), f"C{i % 10}", campaign)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3)
