"""A metric over two sweep axes as colour maps: one panel per campaign, one scale."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis import sweep_axes
from ..errors import InvalidValue
from ._common import (
    amount_text,
    amount_ticks,
    hold,
    label_panels,
    ordered_levels,
    panel_figure,
    plain,
    require,
    wrap,
)
from .labels import axis_label, value_labels

#: Colour maps: differences from the baseline (blue above 0, red below), and means.
DIVERGING, SEQUENTIAL = "RdBu", "viridis"


def heatmap_figure(summary: pd.DataFrame, x: str, y: str, metric: str = "reach",
                   campaign: str | None = None, differences: pd.DataFrame | None = None):
    """Return a heatmap of one campaign's metric over two sweep axes, each cell annotated.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`refsim.analysis.summarize` (not read when ``differences`` is
        given).
    x, y : str
        Sweep-axis columns for the horizontal and vertical axis.
    metric : str, default "reach"
        Metric to show.
    campaign : str, optional
        Campaign to show; default the first one (the first compared one with
        ``differences``).
    differences : pandas.DataFrame, optional
        Output of :func:`refsim.analysis.paired_differences`; see :func:`heatmap_grid`.

    Returns
    -------
    matplotlib.figure.Figure
        :func:`heatmap_grid` of the one campaign.

    Raises
    ------
    ValueError
        As :func:`heatmap_grid`.
    """
    frame = summary if differences is None else differences
    require(frame, ("campaign",), "frame")
    if campaign is None and len(frame):
        campaign = pd.unique(frame["campaign"])[0]
    return heatmap_grid(summary, x, y, metric, [campaign], differences)


def heatmap_grid(summary: pd.DataFrame, x: str, y: str, metric: str = "reach",
                 campaigns=None, differences: pd.DataFrame | None = None, *, unit: str = "",
                 units: dict | None = None, order: dict | None = None):
    """Return small multiples of a metric over two sweep axes: one annotated colour map
    per campaign, all on one colour scale.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`refsim.analysis.summarize` (not read when ``differences`` is
        given).
    x, y : str
        Sweep-axis columns for the horizontal and vertical axis.
    metric : str, default "reach"
        Metric to show.
    campaigns : sequence of str, optional
        One panel each, in this order; default every campaign of the frame (with
        ``differences``: every campaign compared with the baseline).
    differences : pandas.DataFrame, optional
        Output of :func:`refsim.analysis.paired_differences`. When given, each map
        shows the campaign's mean difference from the baseline on a diverging scale
        centred on 0, and marks with ``*`` the cells whose interval excludes 0.
    unit : str, default ""
        The metric's unit, on the colour bar.
    units : dict, optional
        Sweep-axis key to unit, on the axis labels.
    order : dict, optional
        Sweep-axis key to its values in the config's order; rows and columns follow
        it (values it lacks come after, in order of first appearance).

    Returns
    -------
    matplotlib.figure.Figure
        Panel ``i`` is ``fig.axes[i]``; its image array (``images[0].get_array()``)
        has one row per value of ``y`` (the first at the top) and one column per value
        of ``x``, in ``order`` or else in order of first appearance, never sorted.
        Ticks name the values briefly (:func:`value_labels`). Every image shares one
        normalisation: with ``differences`` symmetric about 0 at the largest absolute
        mean difference over all panels, else from the smallest to the largest mean.
        One colour bar names the metric and its unit. Other sweep axes are held at
        their first value (stated in the title).

    Raises
    ------
    ValueError
        If ``x`` or ``y`` is not a sweep axis of the frame, a campaign or the metric is
        absent, or the metric is undefined (NaN) in every cell of every campaign.
    """
    frame = summary if differences is None else differences
    require(frame, ("cell", "campaign", "metric", "mean", "lo", "hi"), "frame")
    order, units = order or {}, units or {}
    rows, held = _held_rows(frame, x, y, metric, order)
    campaigns = list(pd.unique(rows["campaign"]) if campaigns is None else campaigns)
    absent = [c for c in campaigns if not (rows["campaign"] == c).any()]
    if absent or not campaigns:
        raise InvalidValue(f"no rows for campaign(s) {absent} and metric {metric!r}; "
                           f"campaigns are {pd.unique(frame['campaign']).tolist()}, metrics "
                           f"are {pd.unique(frame['metric']).tolist()}")
    xs, ys = ordered_levels(rows[x], order.get(x)), ordered_levels(rows[y], order.get(y))
    tables = [_table(rows[rows["campaign"] == c], x, y, xs, ys) for c in campaigns]
    if not any(np.isfinite(t["mean"]).any() for t in tables):
        raise InvalidValue(f"{metric!r} is undefined (NaN) in every cell of {campaigns}")
    norm, cmap = _scale([t["mean"] for t in tables], differences is not None)
    xticks, yticks = value_labels(xs), value_labels(ys)
    ywidth = max(len(line) for t in yticks for line in t.split("\n"))
    fig, panels = panel_figure(len(campaigns), max(2.3, 0.75 * len(xs)),
                                max(1.6, 0.42 * len(ys) + 0.7),
                                (1.6 + 0.075 * ywidth, 1.1 + 0.2 * len(held)), sharey=True)
    baseline = rows["baseline"].iloc[0] if differences is not None else None
    for ax, campaign, table in zip(panels, campaigns, tables):
        image = _draw_map(ax, table, (xticks, yticks), norm, cmap, unit)
        name = campaign if baseline is None else f"{campaign} \N{MINUS SIGN} {baseline}"
        ax.set_title(plain(wrap(str(name), 34)), fontsize="medium")
    label_panels(fig, panels, axis_label(x, units.get(x, "")), axis_label(y, units.get(y, "")),
                  shared_x=True)
    what = f"{metric} difference" if baseline is not None else metric
    bar = fig.colorbar(image, ax=panels, label=plain(axis_label(what, unit)), shrink=0.9)
    amount_ticks(bar.ax.yaxis, unit)
    title = (f"{metric} of each campaign minus the baseline {baseline} (* the interval "
             "excludes 0)" if baseline is not None else f"mean {metric}")
    fig.suptitle(plain(wrap(title, 90) + "".join(
        f"\n{axis_label(a)} = {v}" for a, v in held.items())), fontsize="medium")
    return fig


def _held_rows(frame, x, y, metric, order):
    """The metric's rows with every other sweep axis held at its first value, and the
    values held (as tick text)."""
    axes = sweep_axes(frame)
    for name in (x, y):
        if name not in axes:
            raise InvalidValue(f"{name!r} is not a sweep axis; the axes are {axes}")
    if x == y:
        raise InvalidValue(f"x and y must be different axes; both are {x!r}")
    rows, held = hold(frame[frame["metric"] == metric], [a for a in axes if a not in (x, y)],
                       order)
    if rows.duplicated(["campaign", x, y]).any():
        raise InvalidValue(f"several cells share values of {x!r} and {y!r}; cannot draw a map")
    return rows, held


def _table(rows, x, y, xs, ys):
    """``mean``, ``lo`` and ``hi`` as arrays: a row per value of ``y``, a column per ``x``."""
    return {name: rows.pivot(index=y, columns=x, values=name).reindex(index=ys, columns=xs)
            .to_numpy(dtype=np.float64) for name in ("mean", "lo", "hi")}


def _scale(means, diverging):
    """One normalisation and colour map for all panels."""
    from matplotlib.colors import Normalize

    values = np.concatenate([m.ravel() for m in means])
    if diverging:
        bound = float(np.nanmax(np.abs(values))) or 1.0
        return Normalize(-bound, bound), DIVERGING
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    return Normalize(lo, hi if hi > lo else lo + 1.0), SEQUENTIAL


def _draw_map(ax, table, ticks, norm, cmap, unit):
    """One campaign's map, annotated, with its tick labels; returns the image."""
    image = ax.imshow(np.ma.masked_invalid(table["mean"]), cmap=cmap, norm=norm,
                      aspect="auto")
    _annotate(ax, table, norm, cmap == DIVERGING, unit)
    xticks, yticks = ticks
    slant = max(len(t) for t in xticks) > 8  # text that would overlap its neighbour's
    ax.set_xticks(range(len(xticks)), [plain(t) for t in xticks], rotation=30 if slant else 0,
                  ha="right" if slant else "center")
    ax.set_yticks(range(len(yticks)), [plain(t) for t in yticks])
    return image


def _annotate(ax, table, norm, diverging, unit):
    """Each cell's mean as text (``*`` where a difference's interval excludes 0), dark
    or light to stand out from its colour."""
    values = table["mean"]
    for i, j in zip(*np.nonzero(np.isfinite(values))):
        v = values[i, j]
        mark = "*" if diverging and (table["lo"][i, j] > 0 or table["hi"][i, j] < 0) else ""
        shade = float(norm(v))
        dark = abs(shade - 0.5) > 0.3 if diverging else shade < 0.6
        ax.text(j, i, plain(amount_text(v, unit) + mark), ha="center", va="center",
                fontsize="small", color="white" if dark else "black")
