"""Building CSR straight from edge streams, and the random draws generators need."""

import numpy as np
from numba import njit

from .xoshiro import next_double


@njit(inline="always", cache=True)
def below(s, k):
    """Return an integer uniform on 0 .. k-1 (k >= 1), from 53 random bits."""
    r = np.int64(next_double(s) * k)
    return r if r < k else k - 1


@njit(cache=True)
def undirected_csr(n, src, dst, m):
    """Return the CSR arrays of the simple undirected graph on edges ``src[:m], dst[:m]``.

    Each edge gives both of its arcs; rows come out sorted, with repeated edges merged
    and self-loops dropped. Extra memory: one int64 per node plus the arcs before
    deduplication.

    Parameters
    ----------
    n : int
        Number of nodes; every endpoint is in ``0 .. n-1``.
    src, dst : int32[>= m]
        Edge endpoints; only the first ``m`` of each are read.
    m : int
        Number of edges to read.

    Returns
    -------
    indptr : int64[n + 1]
        Row offsets: the neighbours of ``u`` are ``indices[indptr[u]:indptr[u + 1]]``.
    indices : int32[indptr[n]]
        Neighbours, sorted within each row; a view of a buffer of ``2 m`` entries at most
        (copying would double the peak memory for a few repeats).

    Examples
    --------
    Edges 0-1, 1-0 (a repeat), 1-2, 2-2 (a loop) and 2-0 make a triangle:

    >>> import numpy as np
    >>> from refsim._kernels.build import undirected_csr
    >>> src = np.array([0, 1, 1, 2, 2], np.int32)
    >>> dst = np.array([1, 0, 2, 2, 0], np.int32)
    >>> indptr, indices = undirected_csr(3, src, dst, 5)
    >>> indptr.tolist(), indices.tolist()
    ([0, 2, 4, 6], [1, 2, 0, 2, 0, 1])
    """
    deg = np.zeros(n + 1, np.int64)
    for i in range(m):
        u = src[i]
        v = dst[i]
        if u != v:
            deg[u + 1] += 1
            deg[v + 1] += 1
    for u in range(n):
        deg[u + 1] += deg[u]
    indices = np.empty(deg[n], np.int32)
    pos = deg[:n].copy()
    for i in range(m):
        u = src[i]
        v = dst[i]
        if u != v:
            indices[pos[u]] = v
            pos[u] += 1
            indices[pos[v]] = u
            pos[v] += 1
    return _sorted_simple_rows(n, deg, indices)


_SHORT = 24  # rows up to this long are sorted by insertion


@njit(cache=True)
def _sorted_simple_rows(n, deg, indices):
    """Sort each row of (deg, indices) in place, drop repeats and slide rows left over
    the gaps; return the offsets and a view of the kept indices."""
    out = 0
    start = 0
    for u in range(n):
        end = deg[u + 1]
        if end - start <= _SHORT:  # insertion sort: no call for the usual short row
            for a in range(start + 1, end):
                x = indices[a]
                b = a - 1
                while b >= start and indices[b] > x:
                    indices[b + 1] = indices[b]
                    b -= 1
                indices[b + 1] = x
        else:
            indices[start:end].sort()  # in place: no temporary per row
        deg[u] = out
        last = -1
        for j in range(end - start):
            x = indices[start + j]
            if x != last:
                indices[out] = x
                out += 1
                last = x
        start = end
    deg[n] = out
    return deg, indices[:out]  # a view: copying would double the peak for a few repeats


@njit(cache=True)
def symmetric_csr(indptr, indices):
    """Return the CSR of the simple undirected graph whose links are a digraph's arcs.

    Like :func:`undirected_csr`, read from a CSR instead of an edge list (no array of arc
    sources): each arc ``u -> v`` gives ``v`` to row ``u`` and ``u`` to row ``v``; rows
    come out sorted, repeats (``u -> v`` and ``v -> u``) merged, self-loops dropped.
    Extra memory: the ``2 m`` entries before deduplication and one int64 per node.

    Parameters
    ----------
    indptr : int64[n + 1]
        CSR offsets of the arcs.
    indices : int32[m] or int64[m]
        Target of each arc.

    Returns
    -------
    indptr : int64[n + 1]
        Row offsets of the undirected graph.
    indices : the dtype of ``indices``, [...]
        Sorted neighbours (a view of a buffer of ``2 m`` entries at most).

    Examples
    --------
    Arcs 0 -> 1, 1 -> 0, 1 -> 2 and 2 -> 2 make the path 0 - 1 - 2:

    >>> import numpy as np
    >>> from refsim._kernels.build import symmetric_csr
    >>> indptr, indices = symmetric_csr(np.array([0, 1, 3, 4]), np.array([1, 0, 2, 2]))
    >>> indptr.tolist(), indices.tolist()
    ([0, 1, 3, 4], [1, 0, 2, 1])
    """
    n = indptr.shape[0] - 1
    deg = np.zeros(n + 1, np.int64)
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if u != v:
                deg[u + 1] += 1
                deg[v + 1] += 1
    for u in range(n):
        deg[u + 1] += deg[u]
    out = np.empty(deg[n], indices.dtype)
    pos = deg[:n].copy()
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if u != v:
                out[pos[u]] = v
                pos[u] += 1
                out[pos[v]] = u
                pos[v] += 1
    return _sorted_simple_rows(n, deg, out)


@njit(cache=True)
def grow(buf, size):
    """Return ``buf`` with room for at least ``size`` items (doubling)."""
    if size <= buf.shape[0]:
        return buf
    cap = max(size, 2 * buf.shape[0])
    out = np.empty(cap, buf.dtype)
    out[: buf.shape[0]] = buf
    return out


@njit(cache=True)
def shuffle(s, a):
    """Fisher-Yates shuffle of ``a`` in place."""
    for i in range(a.shape[0] - 1, 0, -1):
        j = below(s, i + 1)
        t = a[i]
        a[i] = a[j]
        a[j] = t


