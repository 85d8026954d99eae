"""Kernels for a graph's profile: clustering, components, label propagation."""

import numpy as np
from numba import njit

from .build import below


@njit(cache=True)
def local_clustering(indptr, indices, nodes):
    """Local clustering coefficient of each node in ``nodes`` (0 below degree 2).

    Marks the node's neighbours, then counts marked nodes in each neighbour's list:
    O(sum of the neighbours' degrees) per node. Rows must be free of repeats and loops.
    """
    n = indptr.shape[0] - 1
    mark = np.zeros(n, np.bool_)
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
def components(indptr, indices):
    """Label of each node's connected component (arcs read as undirected links)."""
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
    a sweep changes at most ``stop_below`` labels. O(m) per sweep. Returns
    (labels, sweeps).
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


