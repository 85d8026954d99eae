"""Metrics against the seeding budget (or k)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis import sweep_axes
from ..errors import InvalidValue
from ._common import finite, new_figure, plain, require, value_text

#: Lines per panel of :func:`budget_figure` for the values of a second sweep axis.
MAX_GROUPS = 4


def budget_figure(summary: pd.DataFrame, metrics=("reach", "cac", "roi"), x: str = "budget"):
    """Return a figure of each metric's mean and CI error bars against budget (or ``k``).

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`refsim.analysis.summarize`.
    metrics : sequence of str, default ("reach", "cac", "roi")
        One panel per metric; metrics absent from ``summary`` (say ``cac`` for an IC
        experiment) are skipped.
    x : str, default "budget"
        Column on the horizontal axis. With ``"budget"`` and no finite budget, ``k`` is
        used instead. Rows whose ``x`` is NaN are left out.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per metric present, with one line per seeding strategy. When two
        campaigns of one strategy would give two points at one ``x`` (say, same budget
        but different rewards), there is one line per campaign instead.

    Raises
    ------
    ValueError
        If none of ``metrics`` is in ``summary``, or ``x`` has no finite value.

    Notes
    -----
    A sweep axis *varies apart from x* when some value of ``x`` occurs with several
    values of the axis (an axis that sets the budget itself does not). The first such
    axis splits every line into one line per value, using at most :data:`MAX_GROUPS`
    values spread evenly over its sorted values; further such axes are held at their
    first value, which the panel title states.
    """
    require(summary, ("cell", "campaign", "strategy", "metric", "mean", "lo", "hi"), "summary")
    present = [m for m in metrics if (summary["metric"] == m).any()]
    if not present:
        raise InvalidValue(f"none of the metrics {list(metrics)} is in the summary; it has "
                         f"{pd.unique(summary['metric']).tolist()}")
    if x == "budget" and not finite(summary, "budget").any():
        x = "k"
    if not finite(summary, x).any():
        raise InvalidValue(f"column {x!r} has no finite value to plot against")
    summary = summary.assign(**{x: pd.to_numeric(summary[x], errors="coerce")})
    axes = sweep_axes(summary)
    fig = new_figure(3.4 * len(present) + 2.0, 3.4)
    legend = {}  # one legend for all panels: label -> handle
    for p, metric in enumerate(present):
        ax = fig.add_subplot(1, len(present), p + 1)
        rows = summary[(summary["metric"] == metric) & finite(summary, x)]
        others = [a for a in axes if a != x and rows.groupby(x)[a].nunique().max() > 1]
        held = {}
        for a in others[1:]:
            held[a] = sorted(pd.unique(rows[a]))[0]
            rows = rows[rows[a] == held[a]]
        group = others[0] if others else None
        values = [None]
        if group is not None:
            values = sorted(pd.unique(rows[group]))
            pick = np.unique(np.linspace(0, len(values) - 1, MAX_GROUPS).round().astype(int))
            values = [values[i] for i in pick]
        keys = [*([group] if group else []), x]
        by = "campaign" if rows.duplicated(["strategy", *keys]).any() else "strategy"
        names = list(pd.unique(rows[by]))
        for i, name in enumerate(names):
            for j, value in enumerate(values):
                line = rows[rows[by] == name]
                if group is not None:
                    line = line[line[group] == value]
                if line.empty:
                    continue
                line = line.sort_values(x)
                mean = line["mean"].to_numpy(dtype=np.float64)
                err = np.nan_to_num(np.abs(np.stack([mean - line["lo"].to_numpy(np.float64),
                                                     line["hi"].to_numpy(np.float64) - mean])))
                label = str(name) if group is None else f"{name}, {group}={value_text(value)}"
                ax.errorbar(line[x].to_numpy(dtype=np.float64), mean, yerr=err, label=plain(label),
                            color=f"C{i % 10}", linestyle=("-", "--", ":", "-.")[j % 4],
                            marker="o", markersize=4, capsize=3)
        ax.set_xlabel(plain("budget" if x == "budget" else ("k (seeds)" if x == "k" else x)))
        ax.set_ylabel(plain(f"{metric} (mean, CI)"))
        ax.set_title(plain(metric + "".join(f"\n{a}={value_text(v)}" for a, v in held.items())),
                     fontsize="medium")
        ax.grid(alpha=0.3)
        for handle, label in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(label, handle)
    fig.legend(list(legend.values()), list(legend.keys()), loc="outside right upper",
               fontsize="small")
    return fig
