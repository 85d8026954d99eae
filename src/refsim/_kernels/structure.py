"""Kernels for a graph's profile: clustering, components, label propagation."""

import numpy as np
from numba import njit

from .build import below


@njit(cache=True)
def local_clustering(indptr, indices, nodes):
    """Local clustering coefficient of each node in ``nodes`` (0 below degree 2).

    The coefficient of ``u`` is the fraction of pairs of its neighbours that are linked.
    Marks the node's neighbours, then counts marked nodes in each neighbour's list:
    O(sum of the neighbours' degrees) per node.

    Parameters
    ----------
    indptr : int64[n + 1]
        CSR offsets of an undirected graph (each edge stored as both of its arcs).
    indices : int32[m] or int64[m]
        Neighbours; rows must be free of repeats and loops.
    nodes : int64[k]
        The nodes to measure.

    Returns
    -------
    cc : float64[k]
        Clustering coefficient of ``nodes[t]`` at position ``t``.

    Examples
    --------
    A triangle 0-1-2 with a pendant node 3 hanging from 2: one of the three pairs of
    node 2's neighbours is linked.

    >>> import numpy as np
    >>> from refsim._kernels.structure import local_clustering
    >>> indptr = np.array([0, 2, 4, 7, 8])
    >>> indices = np.array([1, 2, 0, 2, 0, 1, 3, 2], np.int32)
    >>> local_clustering(indptr, indices, np.arange(4)).round(4).tolist()
    [1.0, 1.0, 0.3333, 0.0]
    """
    mark = np.zeros(len(indptr) - 1, np.bool_)  # neighbours of the node at hand
    out = np.zeros(nodes.shape[0])
    for t in range(nodes.shape[0]):
        u = nodes[t]
        d = indptr[u + 1] - indptr[u]
        if d < 2:
            continue
        for e in range(indptr[u], indptr[u + 1]):
            mark[indices[e]] = True
        links = 0
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            for f in range(indptr[v], indptr[v + 1]):
                if mark[indices[f]]:
                    links += 1
        for e in range(indptr[u], indptr[u + 1]):
            mark[indices[e]] = False
        out[t] = links / (d * (d - 1.0))  # each triangle edge was seen from both ends
    return out


@njit(cache=True)
def inside_arcs(indptr, indices, labels):
    """Count the arcs whose two ends carry the same label, in O(1) extra memory.

    Parameters
    ----------
    indptr : int64[n + 1]
        CSR offsets of the arcs.
    indices : int32[m] or int64[m]
        Target of each arc.
    labels : int[n]
        Community label of each node.

    Returns
    -------
    inside : int
        Number of arcs ``u -> v`` with ``labels[u] == labels[v]``.

    Examples
    --------
    The path 0 - 1 - 2 (four arcs) with nodes 0 and 1 in one community:

    >>> import numpy as np
    >>> from refsim._kernels.structure import inside_arcs
    >>> indptr = np.array([0, 1, 3, 4])
    >>> inside_arcs(indptr, np.array([1, 0, 2, 1], np.int32), np.array([5, 5, 7]))
    2
    """
    n = indptr.shape[0] - 1
    inside = 0
    for u in range(n):
        lu = labels[u]
        for e in range(indptr[u], indptr[u + 1]):
            if labels[indices[e]] == lu:
                inside += 1
    return inside


@njit(cache=True)
def components(indptr, indices):
    """Label of each node's connected component (arcs read as undirected links).

    Union-find with path halving; each component is labelled by its smallest node.

    Parameters
    ----------
    indptr : int64[n + 1]
        CSR offsets of the arcs.
    indices : int32[m] or int64[m]
        Target of each arc.

    Returns
    -------
    labels : int64[n]
        The smallest node of each node's component.

    Examples
    --------
    Edges 0-1 and 2-3 and an isolated node 4:

    >>> import numpy as np
    >>> from refsim._kernels.structure import components
    >>> indptr = np.array([0, 1, 2, 3, 4, 4])
    >>> components(indptr, np.array([1, 0, 3, 2], np.int32)).tolist()
    [0, 0, 2, 2, 4]
    """
    n = indptr.shape[0] - 1
    parent = np.arange(n)
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            a = u
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            b = indices[e]
            while parent[b] != b:
                parent[b] = parent[parent[b]]
                b = parent[b]
            if a != b:
                if a < b:
                    parent[b] = a
                else:
                    parent[a] = b
    for u in range(n):
        a = u
        while parent[a] != a:
            a = parent[a]
        parent[u] = a
    return parent


@njit(cache=True)
def label_propagation(s, indptr, indices, max_sweeps, stop_below, block):
    """Asynchronous label propagation (Raghavan, Albert & Kumara 2007).

    Each node takes the label most common among its neighbours (ties broken at random,
    the current label kept if it is among the best). Nodes are visited in runs of
    ``block`` consecutive ids, the runs in a fresh random order each sweep: random
    enough to avoid one label flooding the graph, local enough for the cache. Stops when
    a sweep changes at most ``stop_below`` labels. O(m) per sweep.

    Parameters
    ----------
    s : uint64[4]
        xoshiro256** state, advanced in place.
    indptr : int64[n + 1]
        CSR offsets of an undirected graph (each edge stored as both of its arcs).
    indices : int32[m] or int64[m]
        Neighbours.
    max_sweeps : int
        Most sweeps over the nodes.
    stop_below : int
        Stop after a sweep that changes at most this many labels.
    block : int
        Length of the runs of consecutive ids visited together, ``>= 1``.

    Returns
    -------
    labels : int64[n]
        Final label of each node, a node id (labels start as the ids; not renumbered).
    sweeps : int
        Sweeps done.

    Examples
    --------
    Two separate triangles each end up with one label of their own, whatever the
    random order:

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.structure import label_propagation
    >>> indptr = np.array([0, 2, 4, 6, 8, 10, 12])
    >>> indices = np.array([1, 2, 0, 2, 0, 1, 4, 5, 3, 5, 3, 4], np.int32)
    >>> s = run_states(np.random.SeedSequence(0), 1)[0].copy()
    >>> labels, sweeps = label_propagation(s, indptr, indices, 10, 0, 1)
    >>> len(set(labels[:3].tolist())), len(set(labels[3:].tolist())), sweeps <= 10
    (1, 1, True)
    """
    n = indptr.shape[0] - 1
    label = np.arange(n)
    count = np.zeros(n, np.int64)
    seen = np.empty(n, np.int64)
    nb = (n + block - 1) // block
    order = np.arange(nb)
    sweeps = 0
    for sweep in range(max_sweeps):
        sweeps += 1
        for i in range(nb - 1, 0, -1):
            j = below(s, i + 1)
            order[i], order[j] = order[j], order[i]
        changed = 0
        for t in range(nb * block):  # every position of every run; the last may be short
            u = order[t // block] * block + t % block
            if u >= n:
                continue
            k = 0
            for e in range(indptr[u], indptr[u + 1]):
                lab = label[indices[e]]
                if count[lab] == 0:
                    seen[k] = lab
                    k += 1
                count[lab] += 1
            if k == 0:
                continue
            best = 0
            for j in range(k):
                if count[seen[j]] > best:
                    best = count[seen[j]]
            ties = 0
            keep = False
            for j in range(k):
                if count[seen[j]] == best:
                    ties += 1
                    if seen[j] == label[u]:
                        keep = True
            if not keep:  # the current label, if among the best, stays (convergence)
                pick = below(s, ties)
                for j in range(k):
                    if count[seen[j]] == best:
                        if pick == 0:
                            label[u] = seen[j]
                            changed += 1
                            break
                        pick -= 1
            for j in range(k):
                count[seen[j]] = 0
        if changed <= stop_below:
            break
    return label, sweeps


