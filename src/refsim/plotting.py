"""Figures of an experiment's results: adoption curves, budget sweeps, heatmaps, trees.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot, so no
global figure manager or backend is touched; save it with ``fig.savefig(path)``.
matplotlib is imported only when a figure is drawn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .analysis import sweep_axes
from .errors import InvalidType, InvalidValue

__all__ = ["curves_figure", "curves_grid", "budget_figure", "heatmap_figure", "tree_figure",
           "tree_layout"]

#: Lines per panel of :func:`budget_figure` for the values of a second sweep axis.
MAX_GROUPS = 4


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
    _require(curves, ("cell", "campaign", "series", "step", "mean", "lo", "hi"), "curves")
    rows = curves[(curves["cell"] == cell) & (curves["series"] == series)]
    if rows.empty:
        raise InvalidValue(f"no curves for cell {cell!r} and series {series!r}; cells are "
                         f"{sorted(pd.unique(curves['cell']).tolist())[:20]}, series are "
                         f"{pd.unique(curves['series']).tolist()}")
    fig = _figure(5.6, 3.6)
    ax = fig.add_subplot()
    for i, campaign in enumerate(pd.unique(rows["campaign"])):
        one = rows[rows["campaign"] == campaign].sort_values("step")
        step = one["step"].to_numpy(dtype=np.float64)
        color = f"C{i % 10}"
        ax.plot(step, one["mean"].to_numpy(dtype=np.float64), color=color, label=_t(campaign))
        ax.fill_between(step, one["lo"].to_numpy(dtype=np.float64),
                        one["hi"].to_numpy(dtype=np.float64), color=color, alpha=0.2,
                        linewidth=0)
    ax.set_xlabel("step")
    ax.set_ylabel(_t(f"{series} (mean, CI band)"))
    ax.set_title(_t(_wrap(f"cell {cell}" if title is None else title)), fontsize="medium")
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
    _require(curves, ("cell", "campaign", "series", "step", "mean", "lo", "hi"), "curves")
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
    fig = _figure(3.6 * cols + 0.6, 2.6 * nrows + 0.8)
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
                    label=_t(campaign))
            ax.fill_between(step, one["lo"].to_numpy(dtype=np.float64),
                            one["hi"].to_numpy(dtype=np.float64), color=f"C{i % 10}",
                            alpha=0.2, linewidth=0)
        if titles is not None:
            ax.set_title(_t(_wrap(str(titles[k]), 40)), fontsize="small")
        ax.set_xlabel("step")
        if k % cols == 0:
            ax.set_ylabel(_t(f"{series} (mean, CI band)"))
        ax.grid(alpha=0.3)
    for k in range(len(cells), nrows * cols):
        grid[k // cols][k % cols].set_visible(False)
    handles, labels = grid[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(3, len(names)),
               fontsize="small")
    return fig


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
    _require(summary, ("cell", "campaign", "strategy", "metric", "mean", "lo", "hi"), "summary")
    present = [m for m in metrics if (summary["metric"] == m).any()]
    if not present:
        raise InvalidValue(f"none of the metrics {list(metrics)} is in the summary; it has "
                         f"{pd.unique(summary['metric']).tolist()}")
    if x == "budget" and not _finite(summary, "budget").any():
        x = "k"
    if not _finite(summary, x).any():
        raise InvalidValue(f"column {x!r} has no finite value to plot against")
    summary = summary.assign(**{x: pd.to_numeric(summary[x], errors="coerce")})
    axes = sweep_axes(summary)
    fig = _figure(3.4 * len(present) + 2.0, 3.4)
    legend = {}  # one legend for all panels: label -> handle
    for p, metric in enumerate(present):
        ax = fig.add_subplot(1, len(present), p + 1)
        rows = summary[(summary["metric"] == metric) & _finite(summary, x)]
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
                label = str(name) if group is None else f"{name}, {group}={_show(value)}"
                ax.errorbar(line[x].to_numpy(dtype=np.float64), mean, yerr=err, label=_t(label),
                            color=f"C{i % 10}", linestyle=("-", "--", ":", "-.")[j % 4],
                            marker="o", markersize=4, capsize=3)
        ax.set_xlabel(_t("budget" if x == "budget" else ("k (seeds)" if x == "k" else x)))
        ax.set_ylabel(_t(f"{metric} (mean, CI)"))
        ax.set_title(_t(metric + "".join(f"\n{a}={_show(v)}" for a, v in held.items())),
                     fontsize="medium")
        ax.grid(alpha=0.3)
        for handle, label in zip(*ax.get_legend_handles_labels()):
            legend.setdefault(label, handle)
    fig.legend(list(legend.values()), list(legend.keys()), loc="outside right upper",
               fontsize="small")
    return fig


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
    _require(frame, ("cell", "campaign", "metric", "mean", "lo", "hi"), "frame")
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
    fig = _figure(1.6 + 0.9 * max(len(xs), 3), 1.4 + 0.55 * max(len(ys), 3))
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
    ax.set_xticks(range(len(xs)), [_t(_show(v)) for v in xs])
    ax.set_yticks(range(len(ys)), [_t(_show(v)) for v in ys])
    ax.set_xlabel(_t(x))
    ax.set_ylabel(_t(y))
    if differences is None:
        title, label = f"{metric}: {campaign}", metric
    else:
        baseline = pd.unique(rows["baseline"])[0]
        title = f"{metric}: {campaign} \N{MINUS SIGN} {baseline} (* CI excludes 0)"
        label = f"{metric} difference"
    fig.colorbar(image, ax=ax, label=_t(label))
    ax.set_title(_t(_wrap(title) + "".join(f"\n{a}={_show(v)}" for a, v in held.items())),
                 fontsize="medium")
    return fig


def tree_layout(nodes, parents, gap: float = 1.0):
    """Return ``(x, depth)`` positions that draw a referral forest as layered trees.

    Parameters
    ----------
    nodes : array_like of int
        Node ids, each once.
    parents : array_like of int
        Aligned with ``nodes``: the parent's node id, or -1 for a root.
    gap : float, default 1.0
        Extra horizontal space between two trees.

    Returns
    -------
    x : numpy.ndarray
        float64, aligned with ``nodes``. Leaves sit at consecutive integers (in
        depth-first order, children in the order given, trees in the order of their
        roots); a parent sits midway between its first and last child, so siblings,
        whose subtrees span disjoint ranges, always get distinct positions.
    depth : numpy.ndarray
        int64, aligned with ``nodes``: 0 for a root, parent's depth + 1 otherwise.

    Raises
    ------
    ValueError
        If a parent is not among ``nodes``, a node repeats, or the parents form a cycle.

    Notes
    -----
    Iterative, :math:`O(n)` after an :math:`O(n \\log n)` id lookup, so deep trees do not
    hit the recursion limit.

    Examples
    --------
    >>> x, depth = tree_layout([7, 3, 4, 5], [-1, 7, 7, 3])
    >>> x.tolist(), depth.tolist()
    ([0.5, 0.0, 1.0, 0.0], [0, 1, 1, 2])
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    parents = np.asarray(parents, dtype=np.int64)
    children, roots = _forest(nodes, parents)
    x = np.full(len(nodes), np.nan)
    depth = np.full(len(nodes), -1, dtype=np.int64)
    preorder = []
    leaf = 0.0
    for r, root in enumerate(roots):
        leaf += gap if r else 0.0
        depth[root] = 0
        stack = [root]
        while stack:
            i = stack.pop()
            preorder.append(i)
            if not children[i]:
                x[i] = leaf
                leaf += 1.0
            for c in reversed(children[i]):
                depth[c] = depth[i] + 1
                stack.append(c)
    if len(preorder) != len(nodes):
        raise InvalidValue("parents form a cycle: some nodes are not reached from a root")
    for i in reversed(preorder):  # children before parents
        if children[i]:
            x[i] = 0.5 * (x[children[i][0]] + x[children[i][-1]])
    return x, depth


def tree_figure(tree: dict, max_nodes: int = 300):
    """Return a picture of one example referral forest, generation by generation.

    Parameters
    ----------
    tree : dict
        One entry of ``load_trees``: ``nodes`` (adopters in adoption order), ``parents``
        (referrer, -1 for a seed or an outside adoption), ``seeds``; ``cell``,
        ``campaign`` and ``run`` are used in the title when present.
    max_nodes : int, default 300
        Largest number of adopters to draw.

    Returns
    -------
    matplotlib.figure.Figure
        Depth (referral generation) runs downwards; children sit under their parent
        (:func:`tree_layout`). Seeds, referred adopters and outside adopters who
        referred someone are three colours; the trees of outside adopters come after
        the seeds' trees. Outside adopters who referred nobody are left out (their
        number is in the title). When more than ``max_nodes`` adopters remain, only the
        largest tree is drawn, cut to its first ``max_nodes`` members in breadth-first
        order.
    """
    from matplotlib.collections import LineCollection

    nodes = np.asarray(tree["nodes"], dtype=np.int64)
    parents = np.asarray(tree["parents"], dtype=np.int64)
    seeds = np.asarray(tree.get("seeds", []), dtype=np.int64)
    nodes, parents, kind, note = _drawn_forest(nodes, parents, seeds, int(max_nodes))
    x, depth = tree_layout(nodes, parents)
    fig = _figure(min(12.0, max(5.6, 2.0 + 0.08 * x.max(initial=0))), 4.4)
    ax = fig.add_subplot()
    pos = {int(v): (x[i], depth[i]) for i, v in enumerate(nodes)}
    segments = [(pos[int(p)], pos[int(v)]) for v, p in zip(nodes, parents) if p != -1]
    ax.add_collection(LineCollection(segments, colors="0.6", linewidths=0.8, zorder=1))
    size = float(np.clip(3000.0 / max(len(nodes), 1), 6, 60))
    styles = {"seed": "C1", "referred": "C0", "outside": "C2"}
    for name, color in styles.items():
        sel = kind == name
        if sel.any():
            label = {"seed": "seed", "referred": "referred adopter",
                     "outside": "outside adopter who referred"}[name]
            ax.scatter(x[sel], depth[sel], s=size, color=color, label=label, zorder=2,
                       edgecolors="none")
    ax.set_ylim(depth.max(initial=0) + 0.5, -0.5)
    ax.set_xlim(x.min(initial=0) - 1, x.max(initial=0) + 1)
    ax.set_xticks([])
    ax.set_ylabel("referral generation")
    ax.yaxis.get_major_locator().set_params(integer=True)
    where = ", ".join(f"{k} {tree[k]}" for k in ("cell", "campaign", "run") if k in tree)
    ax.set_title(_t(_wrap(f"referral forest: {where}") + f"\n{_wrap(note)}"), fontsize="medium")
    if len(nodes):
        fig.legend(loc="outside lower center", ncols=3, fontsize="small")
    return fig


def _forest(nodes, parents):
    """Return each node's children (indices, in the order given) and the root indices."""
    if nodes.shape != parents.shape or nodes.ndim != 1:
        raise InvalidValue(f"nodes and parents must be 1-d and of equal length; got shapes "
                         f"{nodes.shape} and {parents.shape}")
    index = {int(v): i for i, v in enumerate(nodes)}
    if len(index) != len(nodes):
        raise InvalidValue("nodes contains a repeated id")
    children = [[] for _ in nodes]
    roots = []
    for i, p in enumerate(parents.tolist()):
        if p == -1:
            roots.append(i)
        elif p in index:
            children[index[p]].append(i)
        else:
            raise InvalidValue(f"node {int(nodes[i])} has parent {p}, which is not in nodes")
    return children, roots


def _drawn_forest(nodes, parents, seeds, max_nodes):
    """Return the nodes, parents and kinds to draw, seed trees first, and a caption."""
    has_child = np.isin(nodes, parents[parents != -1])
    is_seed = np.isin(nodes, seeds)
    lone = (parents == -1) & ~is_seed & ~has_child
    nodes, parents, is_seed = nodes[~lone], parents[~lone], is_seed[~lone]
    children, roots = _forest(nodes, parents)
    trees = []  # member indices of each tree, breadth-first from its root
    for root in roots:
        members, head = [root], 0
        while head < len(members):
            members.extend(children[members[head]])
            head += 1
        trees.append(members)
    if sum(map(len, trees)) != len(nodes):
        raise InvalidValue("parents form a cycle: some nodes are not reached from a root")
    note = f"{len(nodes)} adopters"
    if lone.any():
        note += f"; {int(lone.sum())} outside adopters who referred nobody not shown"
    if len(nodes) > max_nodes:
        largest = max(trees, key=len)  # the first of equal size
        keep = np.array(largest[:max_nodes])
        note = (f"largest cascade only: {len(keep)} of its {len(largest)} members "
                f"(breadth-first) of {len(nodes)} adopters")
    else:
        seeded = [t for t in trees if is_seed[t[0]]]
        keep = np.array([i for t in seeded + [t for t in trees if not is_seed[t[0]]]
                         for i in t], dtype=np.int64)
    nodes, parents, is_seed = nodes[keep], parents[keep].copy(), is_seed[keep]
    if len(keep):
        parents[0] = -1  # the root of a cut tree; already -1 otherwise
    kind = np.where(is_seed, "seed", np.where(parents == -1, "outside", "referred"))
    return nodes, parents, kind, note


def _finite(frame, column):
    """Boolean Series: where ``frame[column]`` is a finite number (all False if absent)."""
    if column not in frame:
        return pd.Series(False, index=frame.index)
    return pd.Series(np.isfinite(pd.to_numeric(frame[column], errors="coerce")
                                 .to_numpy(dtype=np.float64)), index=frame.index)


def _require(frame, columns, what):
    if not isinstance(frame, pd.DataFrame):
        raise InvalidType(f"{what} must be a pandas DataFrame; got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidValue(f"{what} lacks the column(s) {missing}; it has {list(frame.columns)}")


def _show(value):
    """Axis value as text: numbers in short form, anything else as is."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return f"{value:g}"
    return str(value)


def _t(text) -> str:
    """``text`` as matplotlib shows it literally: a ``$`` in a name must not start
    mathtext (a campaign called "$10 off, $5 back" would otherwise fail to draw)."""
    return str(text).replace("$", r"\$")


def _wrap(text, width=60):
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _figure(width, height):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")
