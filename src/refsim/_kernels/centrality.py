"""Kernels for seed rankings: PageRank, k-core, sampled betweenness, degree discount."""

import numpy as np
from numba import njit


@njit(cache=True)
def pagerank(indptr, indices, damping, tol, max_iter):
    """PageRank by power iteration over out-arcs; dangling mass spread uniformly.

    Returns (scores, iterations). Converged when the L1 change is below n * tol, as
    networkx.pagerank tests it.
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
    """k-core number of each node of an undirected graph (Batagelj & Zaversnik 2003), O(m)."""
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
    """DegreeDiscountIC (Chen, Wang & Yang 2009): pick the node of largest discounted
    degree dd(v) = d(v) - 2 t(v) - (d(v) - t(v)) t(v) p, t(v) = seeded neighbours.

    Ties go to the smaller node id. O(k n + m) with a linear scan per pick.
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
