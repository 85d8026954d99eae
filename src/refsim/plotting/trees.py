"""Referral forests: a layered layout and a picture of one example forest."""

from __future__ import annotations

import numpy as np

from ..errors import InvalidValue
from ._common import new_figure, plain, wrap


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


def tree_figure(tree: dict, max_nodes: int = 300, title: str | None = None):
    """Return a picture of one example referral forest, generation by generation.

    Parameters
    ----------
    tree : dict
        One entry of ``load_trees``: ``nodes`` (adopters in adoption order), ``parents``
        (referrer, -1 for a seed or an outside adoption), ``seeds``; ``cell``,
        ``campaign`` and ``run`` are used in the title when present.
    max_nodes : int, default 300
        Largest number of adopters to draw.
    title : str, optional
        First line of the title; default "referral forest:" and the tree's cell,
        campaign and run.

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
    fig = new_figure(min(12.0, max(5.6, 2.0 + 0.08 * x.max(initial=0))), 4.4)
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
    ax.set_xlabel("adopters, each under the customer who referred them")
    ax.set_ylabel("referral generation")
    ax.yaxis.get_major_locator().set_params(integer=True)
    if title is None:
        where = ", ".join(f"{k} {tree[k]}" for k in ("cell", "campaign", "run") if k in tree)
        title = f"referral forest: {where}"
    ax.set_title(plain(wrap(title) + f"\n{wrap(note)}"), fontsize="medium")
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
