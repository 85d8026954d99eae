"""Campaigns side by side: each one's mean metric and its CI, per cell."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InvalidValue
from ._common import (
    amount_text,
    amount_ticks,
    label_panels,
    legend_below,
    panel_figure,
    plain,
    require,
    wrap,
)
from .labels import axis_label

#: Bar colours: the recommended campaign, a runner-up tied with it, the others.
HIGHLIGHT, TIED, PLAIN = "#2f7ebc", "#9dc4e6", "#c3ccd6"


def campaign_figure(summary: pd.DataFrame, metric: str, cells=None, titles=None, *,
                    unit: str = "", recommended: dict | None = None,
                    tied: dict | None = None):
    """Return each campaign's mean metric as a bar with its CI, one panel per cell, the
    recommended campaign in colour.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`refsim.analysis.summarize`.
    metric : str
        The metric to compare (the experiment's objective, say profit).
    cells : sequence of int, optional
        One panel each, in this order; default every cell.
    titles : sequence of str, optional
        A title per panel (the cell's sweep values); default none.
    unit : str, default ""
        The metric's unit: on the axis label, and ``$`` on the bars' values.
    recommended : dict, optional
        Cell to the campaign recommended there; its bar is drawn in
        :data:`HIGHLIGHT`, every other in :data:`PLAIN`.
    tied : dict, optional
        Cell to the runner-up whose difference from the recommended campaign is not
        significant; its bar is drawn in :data:`TIED`.

    Returns
    -------
    matplotlib.figure.Figure
        Campaigns run down the vertical axis in order of first appearance; each bar
        (``ax.patches``, whose ``get_gid()`` is the campaign) reaches the mean, an
        error bar spans the CI, and the mean is written next to it (in bold for the
        recommended campaign). The panels share the campaign axis, not the metric's.

    Raises
    ------
    ValueError
        If the metric is absent or a cell has no rows for it.

    Examples
    --------
    >>> summary = pd.DataFrame({"cell": 0, "campaign": ["a", "b"], "metric": "profit",
    ...                         "mean": [10.0, 30.0], "lo": [5.0, 20.0], "hi": [15.0, 40.0]})
    >>> fig = campaign_figure(summary, "profit", unit="$", recommended={0: "b"})
    >>> [bar.get_gid() for bar in fig.axes[0].patches]
    ['a', 'b']
    """
    require(summary, ("cell", "campaign", "metric", "mean", "lo", "hi"), "summary")
    rows = summary[summary["metric"] == metric]
    cells = list(pd.unique(rows["cell"]) if cells is None else cells)
    missing = [c for c in cells if not (rows["cell"] == c).any()]
    if missing or not cells:
        raise InvalidValue(f"no rows of metric {metric!r} for cell(s) {missing[:5]}; metrics "
                           f"are {pd.unique(summary['metric']).tolist()}")
    names = list(pd.unique(rows[rows["cell"].isin(cells)]["campaign"]))
    longest = max(len(str(n)) for n in names)
    fig, panels = panel_figure(len(cells), 3.4, 0.7 + 0.27 * len(names),
                                (0.5 + 0.07 * longest, 1.0), sharey=True)
    recommended, tied = recommended or {}, tied or {}
    for k, (ax, cell) in enumerate(zip(panels, cells)):
        here = rows[rows["cell"] == cell].set_index("campaign").reindex(names)
        colours = {recommended.get(cell): HIGHLIGHT, tied.get(cell): TIED}
        _bars(ax, here, [colours.get(name, PLAIN) for name in names], unit)
        if titles is not None:
            ax.set_title(plain(wrap(str(titles[k]), 40)), fontsize="small")
    panels[0].set_yticks(range(len(names)), [plain(n) for n in names])
    panels[0].invert_yaxis()  # the first campaign at the top
    label_panels(fig, panels, axis_label(metric, unit), "campaign")
    _legend(fig, panels[0], any(c in tied for c in cells))
    return fig


def _bars(ax, rows, colours, unit):
    """A bar per campaign to its mean, its CI as an error bar, the mean written beside
    (in bold on the highlighted bar)."""
    mean = rows["mean"].to_numpy(dtype=np.float64)
    lo, hi = rows["lo"].to_numpy(dtype=np.float64), rows["hi"].to_numpy(dtype=np.float64)
    y = np.arange(len(rows))
    bars = ax.barh(y, np.nan_to_num(mean), height=0.7,
                   color=colours)
    for bar, name in zip(bars, rows.index):
        bar.set_gid(str(name))
    err = np.nan_to_num(np.abs(np.stack([mean - lo, hi - mean])))
    ax.errorbar(np.nan_to_num(mean), y, xerr=err, fmt="none", ecolor="0.2", elinewidth=1,
                capsize=2, label="confidence interval")
    for i in np.flatnonzero(np.isfinite(mean)):
        right = mean[i] >= 0
        end = np.nan_to_num((hi if right else lo)[i], nan=mean[i])
        ax.annotate(plain(amount_text(mean[i], unit)), (end, y[i]), xytext=(3 if right else -3, 0),
                    textcoords="offset points", ha="left" if right else "right",
                    va="center", fontsize="x-small",
                    fontweight="bold" if colours[i] == HIGHLIGHT else "normal")
    ax.axvline(0.0, color="0.4", linewidth=0.8)
    amount_ticks(ax.xaxis, unit)
    ax.margins(x=0.22)
    ax.grid(axis="x", alpha=0.3)


def _legend(fig, ax, ties):
    from matplotlib.patches import Patch

    handles, labels = ax.get_legend_handles_labels()
    tie = "runner-up, tied with it (difference not significant)"
    shown = [("recommended", HIGHLIGHT), *[(tie, TIED)] * ties, ("other campaigns", PLAIN)]
    legend_below(fig, [*(Patch(color=c) for _, c in shown), *handles],
                  [*(name for name, _ in shown), *labels])
