"""Metrics against a numeric sweep axis, or against the seeding budget (or k)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis import sweep_axes
from ..errors import InvalidValue
from ._common import (
    amount_ticks,
    break_even,
    finite,
    hold,
    is_money,
    label_panels,
    legend_below,
    line_band,
    new_figure,
    ordered_levels,
    panel_figure,
    plain,
    require,
    spread,
    wrap,
)
from .labels import axis_label, value_labels, value_text

#: Lines per panel of :func:`budget_figure` for the values of a second sweep axis.
MAX_GROUPS = 4
#: Panels of :func:`axis_figure`, one per value of a second sweep axis.
MAX_PANELS = 6


def axis_figure(summary: pd.DataFrame, x: str, metric: str = "reach", *, unit: str = "",
                units: dict | None = None, order: dict | None = None):
    """Return each campaign's mean metric with its CI band against a numeric sweep axis.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`refsim.analysis.summarize`.
    x : str
        A numeric sweep axis (``campaign.reward``, say), on the horizontal axis.
    metric : str, default "reach"
        The metric on the vertical axis.
    unit : str, default ""
        The metric's unit. For money (a unit starting with ``$``) a dashed line at 0
        is labelled "break-even".
    units : dict, optional
        Sweep-axis key to unit, on the axis labels.
    order : dict, optional
        Sweep-axis key to its values in the config's order: panels follow it.

    Returns
    -------
    matplotlib.figure.Figure
        One line (mean) and band (CI) per campaign, in order of first appearance, at
        the values of ``x``. When another sweep axis varies there is one panel per
        value of it (at most :data:`MAX_PANELS`, spread evenly; the title says when
        some are left out), all on one vertical scale; further varying axes are held
        at their first value, which the title states.

    Raises
    ------
    ValueError
        If ``x`` is not a numeric sweep axis or the metric is absent.

    Examples
    --------
    >>> summary = pd.DataFrame({"cell": [0, 0, 1, 1], "campaign.reward": [5.0, 5, 10, 10],
    ...                         "campaign": ["a", "b"] * 2, "metric": "profit",
    ...                         "mean": [1.0, 2, -1, 3], "lo": [0.0, 1, -2, 2],
    ...                         "hi": [2.0, 3, 0, 4]})
    >>> fig = axis_figure(summary, "campaign.reward", "profit", unit="$")
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['a', 'b', 'break-even']
    """
    require(summary, ("cell", "campaign", "metric", "mean", "lo", "hi"), "summary")
    axes = sweep_axes(summary)
    rows = summary[summary["metric"] == metric]
    if x not in axes or not pd.api.types.is_numeric_dtype(summary[x]):
        raise InvalidValue(f"{x!r} is not a numeric sweep axis; the axes are {axes}")
    if rows.empty:
        raise InvalidValue(f"no rows of metric {metric!r}; metrics are "
                           f"{pd.unique(summary['metric']).tolist()}")
    order, units = order or {}, units or {}
    others = [a for a in axes if a != x and rows[a].nunique() > 1]
    rows, held = hold(rows, others[1:], order)
    by = others[0] if others else None
    values = ordered_levels(rows[by], order.get(by)) if by else [None]
    shown = spread(values, MAX_PANELS)
    names = dict(zip(values, value_labels(values))) if by else {}
    width = 3.6 if len(shown) > 1 else 5.2
    fig, panels = panel_figure(len(shown), width, 2.8, (0.6, 1.2), sharey=True)
    campaigns = list(pd.unique(rows["campaign"]))
    for ax, value in zip(panels, shown):
        _axis_lines(ax, rows if by is None else rows[rows[by] == value], campaigns, x, unit)
        if by is not None:
            ax.set_title(plain(f"{axis_label(by)} = {names[value]}".replace("\n", " ")),
                         fontsize="small")
    label_panels(fig, panels, axis_label(x, units.get(x, "")), axis_label(metric, unit))
    notes = [f"{axis_label(a)} = {v}" for a, v in held.items()]
    if len(shown) < len(values):
        notes.append(f"{len(shown)} of the {len(values)} values of {axis_label(by)}")
    if notes:
        fig.suptitle(plain(wrap("; ".join(notes), 90)), fontsize="medium")
    amount_ticks(panels[0].yaxis, unit)
    legend_below(fig, *panels[0].get_legend_handles_labels())
    return fig


def _axis_lines(ax, rows, campaigns, x, unit):
    """One line and CI band per campaign against ``x`` (colour by its place in
    ``campaigns``); break-even for money."""
    for i, name in enumerate(campaigns):
        line = rows[rows["campaign"] == name].sort_values(x)
        if line.empty:
            continue
        line_band(ax, line[x].to_numpy(dtype=np.float64),
                   line["mean"].to_numpy(dtype=np.float64),
                   line["lo"].to_numpy(dtype=np.float64), line["hi"].to_numpy(dtype=np.float64),
                   f"C{i % 10}", name, marker="o", markersize=4)
    xs = np.sort(pd.unique(rows[x].astype(np.float64)))
    if _doubling(xs):
        ax.set_xscale("log")
        ax.minorticks_off()
    if len(xs) <= 8:
        ax.set_xticks(xs, [value_text(v) for v in xs])
    if is_money(unit):
        break_even(ax)
    ax.grid(alpha=0.3)


def budget_figure(summary: pd.DataFrame, metrics=("reach", "cac", "roi"), x: str = "budget",
                  units: dict | None = None):
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
    units : dict, optional
        Metric to unit, on each panel's vertical axis label.

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
            values = spread(sorted(pd.unique(rows[group])), MAX_GROUPS)
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
        ax.set_xlabel(plain({"budget": "budget ($)", "k": "k (seeds)"}.get(x, x)))
        ax.set_ylabel(plain(axis_label(metric, (units or {}).get(metric, ""))))
        ax.set_title(plain(metric + "".join(f"\n{a}={value_text(v)}" for a, v in held.items())),
                     fontsize="medium")
        ax.grid(alpha=0.3)
        for handle, label in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(label, handle)
    fig.legend(list(legend.values()), list(legend.keys()), loc="outside right upper",
               fontsize="small")
    return fig


def _doubling(xs) -> bool:
    """Whether sorted values grow by a near-constant factor (0.5, 1, 2 or 5, 10, 20, 40),
    so that a log scale spaces them evenly."""
    if len(xs) < 3 or xs[0] <= 0:
        return False
    ratios = xs[1:] / xs[:-1]
    return bool(ratios.min() > 1.5 and ratios.max() < 1.35 * ratios.min())
