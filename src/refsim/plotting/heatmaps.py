"""A metric over two sweep axes, as a colour map."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis import sweep_axes
from ..errors import InvalidValue
from ._common import new_figure, plain, require, value_text, wrap


def heatmap_figure(summary: pd.DataFrame, x: str, y: str, metric: str = "reach",
                   campaign: str | None = None, differences: pd.DataFrame | None = None):
    """Return a heatmap of a metric's mean over two sweep axes, each cell annotated.

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
        Output of :func:`refsim.analysis.paired_differences`. When given, the map
        shows ``campaign``'s mean difference from the baseline on a diverging scale
        centred on 0, and marks with ``*`` the cells whose interval excludes 0.

    Returns
    -------
    matplotlib.figure.Figure
        The image array (``fig.axes[0].images[0].get_array()``) has one row per value
        of ``y`` and one column per value of ``x``, both ascending; row 0 is at the
        bottom. Other sweep axes are held at their first value (stated in the title).

    Raises
    ------
    ValueError
        If ``x`` or ``y`` is not a sweep axis of the frame, or the metric or campaign is
        absent.
    """
    frame = summary if differences is None else differences
    require(frame, ("cell", "campaign", "metric", "mean", "lo", "hi"), "frame")
    axes = sweep_axes(frame)
    for name in (x, y):
        if name not in axes:
            raise InvalidValue(f"{name!r} is not a sweep axis; the axes are {axes}")
    if x == y:
        raise InvalidValue(f"x and y must be different axes; both are {x!r}")
    if campaign is None:
        campaign = pd.unique(frame["campaign"])[0]
    rows = frame[(frame["campaign"] == campaign) & (frame["metric"] == metric)]
    if rows.empty:
        raise InvalidValue(f"no rows for campaign {campaign!r} and metric {metric!r}; campaigns "
                         f"are {pd.unique(frame['campaign']).tolist()}, metrics are "
                         f"{pd.unique(frame['metric']).tolist()}")
    held = {}
    for a in axes:
        if a not in (x, y):
            held[a] = sorted(pd.unique(rows[a]))[0]
            rows = rows[rows[a] == held[a]]
    if rows.duplicated([x, y]).any():
        raise InvalidValue(f"several cells share values of {x!r} and {y!r}; cannot draw a map")
    xs, ys = sorted(pd.unique(rows[x])), sorted(pd.unique(rows[y]))
    table = {name: rows.pivot(index=y, columns=x, values=name).reindex(index=ys, columns=xs)
             .to_numpy(dtype=np.float64) for name in ("mean", "lo", "hi")}
    values = table["mean"]
    if not np.isfinite(values).any():
        raise InvalidValue(f"{metric!r} of campaign {campaign!r} is undefined (NaN) in every cell")
    fig = new_figure(1.6 + 0.9 * max(len(xs), 3), 1.4 + 0.55 * max(len(ys), 3))
    ax = fig.add_subplot()
    if differences is None:
        cmap, vmin, vmax = "viridis", None, None
    else:
        bound = float(np.nanmax(np.abs(values)))
        bound = bound if bound > 0 else 1.0
        cmap, vmin, vmax = "RdBu", -bound, bound  # blue above 0, red below
    image = ax.imshow(np.ma.masked_invalid(values), origin="lower", aspect="auto", cmap=cmap,
                      vmin=vmin, vmax=vmax)
    norm = image.norm
    for i in range(len(ys)):
        for j in range(len(xs)):
            v = values[i, j]
            if not np.isfinite(v):
                continue
            mark = ""
            if differences is not None and (table["lo"][i, j] > 0 or table["hi"][i, j] < 0):
                mark = "*"
            shade = float(norm(v)) if norm.vmax > norm.vmin else 0.5
            dark = shade < 0.6 if differences is None else abs(shade - 0.5) > 0.3
            ax.text(j, i, f"{v:.3g}{mark}", ha="center", va="center", fontsize="small",
                    color="white" if dark else "black")
    ax.set_xticks(range(len(xs)), [plain(value_text(v)) for v in xs])
    ax.set_yticks(range(len(ys)), [plain(value_text(v)) for v in ys])
    ax.set_xlabel(plain(x))
    ax.set_ylabel(plain(y))
    if differences is None:
        title, label = f"{metric}: {campaign}", metric
    else:
        baseline = pd.unique(rows["baseline"])[0]
        title = f"{metric}: {campaign} \N{MINUS SIGN} {baseline} (* CI excludes 0)"
        label = f"{metric} difference"
    fig.colorbar(image, ax=ax, label=plain(label))
    ax.set_title(plain(wrap(title) + "".join(f"\n{a}={value_text(v)}" for a, v in held.items())),
                 fontsize="medium")
    return fig
