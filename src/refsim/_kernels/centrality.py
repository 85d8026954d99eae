"""Kernels for seed rankings: PageRank, k-core, sampled betweenness, degree discount."""

import numpy as np
from numba import njit


@njit(cache=True)
def pagerank(indptr, indices, damping, tol, max_iter):
    """PageRank by power iteration over out-arcs; dangling mass spread uniformly.

    Starts from the uniform vector; converged when the L1 change of one iteration is
    below ``n * tol``, as ``networkx.pagerank`` tests it.

    Parameters
    ----------
    indptr : int64[n + 1]
        CSR offsets of the out-arcs, ``n >= 1``.
    indices : int32[m] or int64[m]
        Target of each arc.
    damping : float
        Probability of following an arc rather than jumping to a uniform node.
    tol : float
        Tolerance per node of the L1 change between iterations.
    max_iter : int
        Most iterations; after them the current vector is returned.

    Returns
    -------
    scores : float64[n]
        PageRank of each node (sums to 1).
    iterations : int
        Iterations done (``max_iter`` if it did not converge).

    Examples
    --------
    On a directed 3-cycle the uniform start is already the fixed point; with arcs
    0 -> 2 and 1 -> 2, node 2 collects the rank and spreads it as dangling mass:

    >>> import numpy as np
    >>> from refsim._kernels.centrality import pagerank
    >>> scores, iterations = pagerank(np.array([0, 1, 2, 3]), np.array([1, 2, 0], np.int32),
    ...                               0.85, 1e-6, 100)
    >>> scores.round(4).tolist(), iterations
    ([0.3333, 0.3333, 0.3333], 1)
    >>> scores, _ = pagerank(np.array([0, 1, 2, 2]), np.array([2, 2], np.int32), 0.85,
    ...                      1e-10, 100)
    >>> scores.round(4).tolist()
    [0.2128, 0.2128, 0.5745]
    """
    n = indptr.shape[0] - 1
    x = np.full(n, 1.0 / n)
    new = np.empty(n)
    for it in range(max_iter):
        dangling = 0.0
        for u in range(n):
            if indptr[u + 1] == indptr[u]:
                dangling += x[u]
        base = (1.0 - damping) / n + damping * dangling / n
        new[:] = base
        for u in range(n):
            d = indptr[u + 1] - indptr[u]
            if d > 0:
                share = damping * x[u] / d
                for e in range(indptr[u], indptr[u + 1]):
                    new[indices[e]] += share
        err = 0.0
        for u in range(n):
            err += abs(new[u] - x[u])
        x, new = new, x
        if err < n * tol:
            return x, it + 1
    return x, max_iter


@njit(cache=True)
def core_numbers(indptr, indices):
    """k-core number of each node of an undirected graph (Batagelj & Zaversnik 2003), O(m).

    The core number of ``u`` is the largest ``k`` such that ``u`` belongs to a subgraph
    in which every node has degree at least ``k``.

    Parameters
    ----------
    indptr : int64[n + 1]
        CSR offsets; each undirected edge is stored as both of its arcs.
    indices : int32[m] or int64[m]
        Neighbours, without repeats or self-loops.

    Returns
    -------
    core : int64[n]
        Core number of each node.

    Examples
    --------
    A triangle 0-1-2 with a pendant node 3 hanging from 2:

    >>> import numpy as np
    >>> from refsim._kernels.centrality import core_numbers
    >>> indptr = np.array([0, 2, 4, 7, 8])
    >>> indices = np.array([1, 2, 0, 2, 0, 1, 3, 2], np.int32)
    >>> core_numbers(indptr, indices).tolist()
    [2, 2, 2, 1]
    """
    n = indptr.shape[0] - 1
    deg = np.empty(n, np.int64)
    md = 0
    for u in range(n):
        deg[u] = indptr[u + 1] - indptr[u]
        md = max(md, deg[u])
    bins = np.zeros(md + 2, np.int64)
    for u in range(n):
        bins[deg[u]] += 1
    start = 0
    for d in range(md + 1):
        c = bins[d]
        bins[d] = start
        start += c
    pos = np.empty(n, np.int64)
    vert = np.empty(n, np.int64)
    for u in range(n):
        pos[u] = bins[deg[u]]
        vert[pos[u]] = u
        bins[deg[u]] += 1
    for d in range(md, 0, -1):
        bins[d] = bins[d - 1]
    bins[0] = 0
    for i in range(n):
        v = vert[i]
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            if deg[u] > deg[v]:
                du = deg[u]
                pu = pos[u]
                pw = bins[du]
                w = vert[pw]
                if u != w:
                    pos[u] = pw
                    vert[pu] = w
                    pos[w] = pu
                    vert[pw] = u
                bins[du] += 1
                deg[u] -= 1
    return deg


@njit(cache=True)
def betweenness_from(indptr, indices, sources):
    """Unnormalised betweenness accumulated from the given BFS sources (Brandes 2001).

    With all nodes as sources this is exact (each unordered pair counted twice on an
    undirected graph; arcs followed in their direction on a digraph); with a uniform
    sample it estimates betweenness up to a constant.

    Parameters
    ----------
    indptr : int64[n + 1]
        CSR offsets of the out-arcs.
    indices : int32[m] or int64[m]
        Target of each arc.
    sources : int64[s]
        BFS sources, distinct nodes.

    Returns
    -------
    bc : float64[n]
        For each node, the sum over sources ``s`` and targets ``t`` of the fraction of
        shortest ``s``-``t`` paths that pass through it (Brandes' dependencies).

    Examples
    --------
    On the undirected path 0-1-2, node 1 lies on the one path between 0 and 2, counted
    from both ends; from source 0 alone, once:

    >>> import numpy as np
    >>> from refsim._kernels.centrality import betweenness_from
    >>> indptr, indices = np.array([0, 1, 3, 4]), np.array([1, 0, 2, 1], np.int32)
    >>> betweenness_from(indptr, indices, np.arange(3)).tolist()
    [0.0, 2.0, 0.0]
    >>> betweenness_from(indptr, indices, np.array([0])).tolist()
    [0.0, 1.0, 0.0]
    """
    n = indptr.shape[0] - 1
    bc = np.zeros(n)
    sigma = np.zeros(n)
    dist = np.full(n, -1, np.int64)
    delta = np.zeros(n)
    order = np.empty(n, np.int64)
    for t in range(sources.shape[0]):
        s = sources[t]
        head = 0
        tail = 1
        order[0] = s
        dist[s] = 0
        sigma[s] = 1.0
        while head < tail:
            v = order[head]
            head += 1
            for e in range(indptr[v], indptr[v + 1]):
                w = indices[e]
                if dist[w] < 0:
                    dist[w] = dist[v] + 1
                    order[tail] = w
                    tail += 1
                if dist[w] == dist[v] + 1:
                    sigma[w] += sigma[v]
        # dependencies through successors (arcs w -> x one level further), so that a
        # digraph is walked along its arcs; in reverse BFS order every successor of w
        # is final before w
        for j in range(tail - 1, -1, -1):
            w = order[j]
            for e in range(indptr[w], indptr[w + 1]):
                x = indices[e]
                if dist[x] == dist[w] + 1:
                    delta[w] += sigma[w] / sigma[x] * (1.0 + delta[x])
            if w != s:
                bc[w] += delta[w]
        for j in range(tail):  # reset only what this source touched
            w = order[j]
            dist[w] = -1
            sigma[w] = 0.0
            delta[w] = 0.0
    return bc


@njit(cache=True)
def degree_discount(indptr, indices, k, p):
    """DegreeDiscountIC (Chen, Wang & Yang 2009): ``k`` seeds by discounted degree.

    Each pick takes the node of largest discounted degree
    ``dd(v) = d(v) - 2 t(v) - (d(v) - t(v)) t(v) p``, with ``t(v)`` the number of its
    neighbours already picked. Ties go to the smaller node id. O(k n + m) with a linear
    scan per pick.

    Parameters
    ----------
    indptr : int64[n + 1]
        CSR offsets of the out-arcs; ``d(v)`` is the out-degree.
    indices : int32[m] or int64[m]
        Target of each arc.
    k : int
        Number of seeds, ``0 <= k <= n``.
    p : float
        The IC probability the discount assumes.

    Returns
    -------
    seeds : int64[k]
        The picks, in order.

    Examples
    --------
    A star 0-1, 0-2, 0-3 with a tail 3-4: after the hub 0, node 3 (degree 2, one seeded
    neighbour) is discounted below node 4 (degree 1, none):

    >>> import numpy as np
    >>> from refsim._kernels.centrality import degree_discount
    >>> indptr = np.array([0, 3, 4, 5, 7, 8])
    >>> indices = np.array([1, 2, 3, 0, 0, 0, 4, 3], np.int32)
    >>> degree_discount(indptr, indices, 2, 0.1).tolist()
    [0, 4]
    """
    n = indptr.shape[0] - 1
    d = np.empty(n, np.float64)
    for u in range(n):
        d[u] = indptr[u + 1] - indptr[u]
    dd = d.copy()
    t = np.zeros(n, np.float64)
    chosen = np.zeros(n, np.bool_)
    out = np.empty(k, np.int64)
    for i in range(k):
        best = -1
        for u in range(n):
            if not chosen[u] and (best < 0 or dd[u] > dd[best]):
                best = u
        out[i] = best
        chosen[best] = True
        for e in range(indptr[best], indptr[best + 1]):
            v = indices[e]
            if not chosen[v]:
                t[v] += 1.0
                dd[v] = d[v] - 2.0 * t[v] - (d[v] - t[v]) * t[v] * p
    return out
