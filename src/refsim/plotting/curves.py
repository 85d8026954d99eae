"""Adoption curves: mean adopters per step with CI bands, one cell or small multiples."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidValue
from ._common import new_figure, plain, require, wrap


def curves_figure(curves: pd.DataFrame, cell: int = 0, series: str = "adopters",
                  title: str | None = None):
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

    Returns
    -------
    matplotlib.figure.Figure
        One line per campaign (in order of first appearance) and one band from ``lo``
        to ``hi`` in the same colour.

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
    for i, campaign in enumerate(pd.unique(rows["campaign"])):
        one = rows[rows["campaign"] == campaign].sort_values("step")
        step = one["step"].to_numpy(dtype=np.float64)
        color = f"C{i % 10}"
        ax.plot(step, one["mean"].to_numpy(dtype=np.float64), color=color, label=plain(campaign))
        ax.fill_between(step, one["lo"].to_numpy(dtype=np.float64),
                        one["hi"].to_numpy(dtype=np.float64), color=color, alpha=0.2,
                        linewidth=0)
    ax.set_xlabel("step")
    ax.set_ylabel(plain(f"{series} (mean, CI band)"))
    ax.set_title(plain(wrap(f"cell {cell}" if title is None else title)), fontsize="medium")
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return fig



def curves_grid(curves: pd.DataFrame, cells, titles=None, series: str = "adopters",
                settle: float = 0.005):
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

    Returns
    -------
    matplotlib.figure.Figure
        One line and CI band per campaign in every panel, one legend.

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
    cols = min(3, len(cells))
    nrows = -(-len(cells) // cols)
    fig = new_figure(3.6 * cols + 0.6, 2.6 * nrows + 0.8)
    grid = fig.subplots(nrows, cols, sharey=True, squeeze=False)
    for k, cell in enumerate(cells):
        ax = grid[k // cols][k % cols]
        here = rows[rows["cell"] == cell]
        end = 1
        for campaign in names:
            m = here[here["campaign"] == campaign].sort_values("step")["mean"].to_numpy(
                dtype=np.float64)
            if m.size > 1 and np.isfinite(m).all():
                rise = np.flatnonzero(np.diff(m) > settle * max(abs(m[-1]), 1e-12))
                end = max(end, int(rise[-1]) + 3 if rise.size else 1)
        for i, campaign in enumerate(names):
            one = here[(here["campaign"] == campaign) & (here["step"] <= end)].sort_values(
                "step")
            step = one["step"].to_numpy(dtype=np.float64)
            ax.plot(step, one["mean"].to_numpy(dtype=np.float64), color=f"C{i % 10}",
                    label=plain(campaign))
            ax.fill_between(step, one["lo"].to_numpy(dtype=np.float64),
                            one["hi"].to_numpy(dtype=np.float64), color=f"C{i % 10}",
                            alpha=0.2, linewidth=0)
        if titles is not None:
            ax.set_title(plain(wrap(str(titles[k]), 40)), fontsize="small")
        ax.set_xlabel("step")
        if k % cols == 0:
            ax.set_ylabel(plain(f"{series} (mean, CI band)"))
        ax.grid(alpha=0.3)
    for k in range(len(cells), nrows * cols):
        grid[k // cols][k % cols].set_visible(False)
    handles, labels = grid[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(3, len(names)),
               fontsize="small")
    return fig
