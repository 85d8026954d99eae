"""Kernels of the random-graph generators: each follows networkx's process step by step."""

import math

import numpy as np
from numba import njit, types
from numba.typed import Dict

from .build import below, grow, shuffle
from .xoshiro import next_double, next_open_closed


@njit(cache=True)
def gnp_pairs(s, n, p, offset, src, dst, m):
    """Append G(n, p) edges among nodes ``offset .. offset+n-1`` (Batagelj & Brandes 2005).

    Each of the ``n (n - 1) / 2`` pairs is an edge with probability ``p``; the lower
    triangle is walked row by row with geometric jumps: O(n + edges). With ``p = 1`` no
    random number is drawn.

    Parameters
    ----------
    s : uint64[4]
        xoshiro256** state, advanced in place.
    n : int
        Number of nodes.
    p : float
        Edge probability.
    offset : int
        Id of the first node.
    src, dst : int32[cap]
        Edge buffers holding ``m`` edges; new edges ``(v, w)``, ``v > w``, go after them.
    m : int
        Number of edges already in the buffers.

    Returns
    -------
    src, dst : int32[cap']
        The buffers, or larger copies (capacity doubled as needed).
    m : int
        The new number of edges.

    Examples
    --------
    With ``p = 1`` every pair of the nodes 10, 11, 12 is drawn, and the one-edge buffers
    grow:

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.graphgen import gnp_pairs
    >>> s = run_states(np.random.SeedSequence(0), 1)[0].copy()
    >>> src, dst = np.empty(1, np.int32), np.empty(1, np.int32)
    >>> src, dst, m = gnp_pairs(s, 3, 1.0, 10, src, dst, 0)
    >>> m, src[:m].tolist(), dst[:m].tolist()
    (3, [11, 12, 12], [10, 10, 11])
    """
    if p <= 0.0 or n < 2:
        return src, dst, m
    lq = math.log1p(-p) if p < 1.0 else -np.inf
    v = 1
    w = -1
    while v < n:
        if lq == -np.inf:
            w += 1
        else:
            gap = math.log(next_open_closed(s)) / lq
            w += 1 + np.int64(min(gap, float(n) * n))  # clamp: past the end either way
        while w >= v and v < n:
            w -= v
            v += 1
        if v < n:
            if m >= src.shape[0]:
                src = grow(src, m + 1)
                dst = grow(dst, m + 1)
            src[m] = offset + v
            dst[m] = offset + w
            m += 1
    return src, dst, m


@njit(cache=True)
def bipartite_pairs(s, a, b, p, off_a, off_b, src, dst, m):
    """Append each of the a*b pairs between two node ranges with probability p."""
    if p <= 0.0 or a == 0 or b == 0:
        return src, dst, m
    lq = math.log1p(-p) if p < 1.0 else -np.inf
    total = a * b
    k = -1
    while True:
        if lq == -np.inf:
            k += 1
        else:
            gap = math.log(next_open_closed(s)) / lq
            if gap >= total - k:
                break
            k += 1 + np.int64(gap)
        if k >= total:
            break
        if m >= src.shape[0]:
            src = grow(src, m + 1)
            dst = grow(dst, m + 1)
        src[m] = off_a + k // b
        dst[m] = off_b + k % b
        m += 1
    return src, dst, m


@njit(cache=True)
def block_pairs(s, offsets, p_in, p_out, src, dst, m):
    """Append a stochastic block model's edges to the buffers ``src, dst``.

    Pairs inside community r are edges with probability ``p_in[r]``, pairs in different
    communities with ``p_out``. Community r holds nodes ``offsets[r] .. offsets[r+1]-1``,
    so its pairs with every later community form one rectangle: O(n + edges +
    communities) in all.

    Parameters
    ----------
    s : uint64[4]
        xoshiro256** state, advanced in place.
    offsets : int64[B + 1]
        Community boundaries, ``offsets[0] = 0`` and ``offsets[B] = n``.
    p_in : float64[B]
        Edge probability inside each community.
    p_out : float
        Edge probability between communities.
    src, dst : int32[cap]
        Edge buffers holding ``m`` edges; new edges go after them.
    m : int
        Number of edges already in the buffers.

    Returns
    -------
    src, dst : int32[cap']
        The buffers, or larger copies (capacity doubled as needed).
    m : int
        The new number of edges.

    Examples
    --------
    Two communities {0, 1} and {2, 3}: with ``p_in = 1`` and ``p_out = 0`` the two
    inside pairs, with ``p_in = 0`` and ``p_out = 1`` the four pairs between:

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.graphgen import block_pairs
    >>> s = run_states(np.random.SeedSequence(0), 1)[0].copy()
    >>> offsets = np.array([0, 2, 4])
    >>> src, dst = np.empty(8, np.int32), np.empty(8, np.int32)
    >>> src, dst, m = block_pairs(s, offsets, np.ones(2), 0.0, src, dst, 0)
    >>> src[:m].tolist(), dst[:m].tolist()
    ([1, 3], [0, 2])
    >>> src, dst, m = block_pairs(s, offsets, np.zeros(2), 1.0, src, dst, 0)
    >>> src[:m].tolist(), dst[:m].tolist()
    ([0, 0, 1, 1], [2, 3, 2, 3])
    """
    blocks = offsets.shape[0] - 1
    n = offsets[blocks]
    for r in range(blocks):
        lo = offsets[r]
        hi = offsets[r + 1]
        src, dst, m = gnp_pairs(s, hi - lo, p_in[r], lo, src, dst, m)
        src, dst, m = bipartite_pairs(s, hi - lo, n - hi, p_out, lo, hi, src, dst, m)
    return src, dst, m


@njit(cache=True)
def pair_stubs(s, degrees):
    """Configuration model: shuffle the stubs and pair them in order.

    Node ``u`` has ``degrees[u]`` stubs; after a Fisher-Yates shuffle, stubs ``2 i`` and
    ``2 i + 1`` make edge ``i``. Self-loops and repeated edges are left in; an odd
    total leaves the last stub unpaired.

    Parameters
    ----------
    s : uint64[4]
        xoshiro256** state, advanced in place.
    degrees : int64[n]
        Number of stubs of each node.

    Returns
    -------
    src, dst : int32[sum(degrees) // 2]
        The two ends of each edge.

    Examples
    --------
    Every stub is paired, so each node ends as often as its degree says:

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.graphgen import pair_stubs
    >>> s = run_states(np.random.SeedSequence(0), 1)[0].copy()
    >>> src, dst = pair_stubs(s, np.array([2, 2, 1, 1]))
    >>> len(src), np.bincount(np.concatenate([src, dst]), minlength=4).tolist()
    (3, [2, 2, 1, 1])
    """
    total = 0
    for d in degrees:
        total += d
    stubs = np.empty(total, np.int32)
    k = 0
    for u in range(degrees.shape[0]):
        for _ in range(degrees[u]):
            stubs[k] = u
            k += 1
    shuffle(s, stubs)
    half = total // 2
    return stubs[0:2 * half:2].copy(), stubs[1:2 * half:2].copy()


@njit(cache=True)
def _pick_distinct(s, pool, size, m, chosen):
    """Fill ``chosen[:m]`` with distinct values drawn uniformly from ``pool[:size]``."""
    k = 0
    while k < m:
        x = pool[below(s, size)]
        dup = False
        for j in range(k):
            if chosen[j] == x:
                dup = True
                break
        if not dup:
            chosen[k] = x
            k += 1


@njit(cache=True)
def barabasi_albert(s, n, m):
    """Edges of a Barabasi-Albert graph, by networkx's process.

    A star from node 0 to nodes 1 .. m, then each new node ``m + 1 .. n-1`` links to m
    distinct nodes drawn from the list holding each node once per incident edge.

    Parameters
    ----------
    s : uint64[4]
        xoshiro256** state, advanced in place.
    n : int
        Number of nodes, ``n > m``.
    m : int
        Links of each new node, ``m >= 1``.

    Returns
    -------
    src, dst : int32[m + (n - m - 1) m]
        The edges: the star's, then each new node's m links (``src`` is the new node).

    Examples
    --------
    The star 0-1, 0-2, then nodes 3 and 4 each link to two distinct nodes:

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.graphgen import barabasi_albert
    >>> s = run_states(np.random.SeedSequence(0), 1)[0].copy()
    >>> src, dst = barabasi_albert(s, 5, 2)
    >>> src.tolist(), dst[:2].tolist()
    ([0, 0, 3, 3, 4, 4], [1, 2])
    >>> all(len(set(dst[src == v].tolist())) == 2 for v in (3, 4))
    True
    """
    edges = m + (n - m - 1) * m
    src = np.empty(edges, np.int32)
    dst = np.empty(edges, np.int32)
    repeated = np.empty(2 * edges, np.int32)
    size = 0
    for i in range(m):
        src[i] = 0
        dst[i] = i + 1
        repeated[size] = 0
        repeated[size + 1] = i + 1
        size += 2
    e = m
    chosen = np.empty(m, np.int32)
    for source in range(m + 1, n):
        _pick_distinct(s, repeated, size, m, chosen)
        for j in range(m):
            src[e] = source
            dst[e] = chosen[j]
            e += 1
            repeated[size] = chosen[j]
            repeated[size + 1] = source
            size += 2
    return src, dst


@njit(cache=True)
def holme_kim(s, n, m, triad_p):
    """Edges of a Holme-Kim graph, by networkx's ``powerlaw_cluster_graph`` process.

    Preferential attachment where each extra link closes a triangle with probability
    ``triad_p`` (Holme & Kim 2002): nodes ``m .. n-1`` each make m links, starting from m
    unlinked nodes.

    Memory is kept to the edge list plus one link per arc: networkx's list of nodes
    "repeated once per link" is implicit. It holds the m initial nodes, then for each
    source its m link targets in order and m copies of itself; every link attempt is
    written to the edge list, including networkx's no-op repeats of an existing edge
    (the CSR builder drops those), so position ``p`` of the list is read off the edges.

    Parameters
    ----------
    s : uint64[4]
        xoshiro256** state, advanced in place.
    n : int
        Number of nodes, ``n > m``.
    m : int
        Links of each new node, ``m >= 1``.
    triad_p : float
        Chance that a link after the first closes a triangle instead.

    Returns
    -------
    src, dst : int32[(n - m) m]
        Every link attempt, in order (``src`` is the new node), repeats included.

    Examples
    --------
    Nodes 2, 3 and 4 each make two links, to earlier nodes:

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.graphgen import holme_kim
    >>> s = run_states(np.random.SeedSequence(0), 1)[0].copy()
    >>> src, dst = holme_kim(s, 5, 2, 0.5)
    >>> src.tolist(), bool((dst < src).all())
    ([2, 2, 3, 3, 4, 4], True)
    """
    edges = (n - m) * m
    src = np.empty(edges, np.int32)
    dst = np.empty(edges, np.int32)
    head = np.full(n, -1, np.int32)  # arcs as linked lists: arc 2e is src->dst of edge e
    nxt = np.empty(2 * edges, np.int32)
    linked = np.full(n, -1, np.int32)  # linked[v] == source: v already linked to source
    deg = np.zeros(n, np.int32)
    picks = np.empty(m, np.int32)
    for source in range(m, n):
        base = (source - m) * m  # first edge of this source
        size = m + 2 * base  # length of the repeated list before this source
        _pick_repeated(s, src, dst, m, size, picks)
        left = m - 1  # picks[left] is the next preferential target (networkx's pop())
        target = picks[left]
        e = base
        e = _link(source, target, e, src, dst, head, nxt, linked, deg)
        count = 1
        while count < m:
            if next_double(s) < triad_p:
                v = _eligible_neighbour(s, target, source, deg, head, nxt, src, dst,
                                        linked, m)
                if v >= 0:
                    e = _link(source, v, e, src, dst, head, nxt, linked, deg)
                    count += 1
                    continue
            left -= 1
            target = picks[left]
            e = _link(source, target, e, src, dst, head, nxt, linked, deg)
            count += 1
    return src, dst


@njit(inline="always", cache=True)
def _repeated_at(src, dst, m, p):
    """Entry p of networkx's repeated-nodes list (see holme_kim)."""
    if p < m:
        return np.int32(p)
    b = (p - m) // (2 * m)
    o = (p - m) % (2 * m)
    return dst[b * m + o] if o < m else np.int32(m + b)


@njit(cache=True)
def _pick_repeated(s, src, dst, m, size, chosen):
    k = 0
    while k < m:
        x = _repeated_at(src, dst, m, below(s, size))
        dup = False
        for j in range(k):
            if chosen[j] == x:
                dup = True
                break
        if not dup:
            chosen[k] = x
            k += 1


@njit(cache=True)
def _eligible_neighbour(s, target, source, deg, head, nxt, src, dst, linked, m):
    """Return a neighbour of ``target`` not linked to ``source``, uniformly, or -1.

    Rejection: walk to a uniformly random position of target's list and accept if the
    node there is eligible. At most m of target's neighbours are ineligible, so after
    a few misses the whole list is counted once to settle whether any is eligible.
    """
    d = deg[target]
    for attempt in range(8):
        a = head[target]
        for _ in range(below(s, d)):
            a = nxt[a]
        v = dst[a >> 1] if a & 1 == 0 else src[a >> 1]
        if linked[v] != source and v != source:
            return v
    c = 0
    a = head[target]
    while a != -1:
        v = dst[a >> 1] if a & 1 == 0 else src[a >> 1]
        if linked[v] != source and v != source:
            c += 1
        a = nxt[a]
    if c == 0:
        return -1
    while True:  # some neighbour is eligible: rejection terminates
        a = head[target]
        for _ in range(below(s, d)):
            a = nxt[a]
        v = dst[a >> 1] if a & 1 == 0 else src[a >> 1]
        if linked[v] != source and v != source:
            return v


@njit(inline="always", cache=True)
def _link(u, v, e, src, dst, head, nxt, linked, deg):
    """Record the link attempt u-v as edge e; thread it into the lists unless repeated."""
    src[e] = u
    dst[e] = v
    if linked[v] != u:
        linked[v] = u
        deg[u] += 1
        deg[v] += 1
        a = 2 * e
        nxt[a] = head[u]
        head[u] = a
        nxt[a + 1] = head[v]
        head[v] = a + 1
    return e + 1


@njit(cache=True)
def watts_strogatz(s, n, k, beta):
    """Edges of a Watts-Strogatz graph, by networkx's process.

    A ring where each node links to its k/2 next nodes, then, for each distance j and
    each node u in order, the edge (u, u + j) is moved to (u, w) with probability beta,
    w uniform among nodes that are neither u nor already linked to u (the edge stays
    when u is already linked to every node).

    Each edge stays owned by the node that created it, so ``slots[u]`` holds u's k/2
    edges and "u and w are linked" is "w in slots[u] or u in slots[w]": O(k) per check.

    Parameters
    ----------
    s : uint64[4]
        xoshiro256** state, advanced in place.
    n : int
        Number of nodes, ``n > k``.
    k : int
        Ring degree; ``k // 2`` edges per node.
    beta : float
        Rewiring probability of each edge.

    Returns
    -------
    src, dst : int32[n (k // 2)]
        Node ``u``'s edges at ``u (k // 2) .. (u + 1) (k // 2) - 1`` (``src`` is ``u``).

    Examples
    --------
    With ``beta = 0`` the ring itself:

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.graphgen import watts_strogatz
    >>> s = run_states(np.random.SeedSequence(0), 1)[0].copy()
    >>> src, dst = watts_strogatz(s, 5, 2, 0.0)
    >>> src.tolist(), dst.tolist()
    ([0, 1, 2, 3, 4], [1, 2, 3, 4, 0])
    """
    h = k // 2
    slots = np.empty((n, h), np.int32)
    deg = np.full(n, 2 * h, np.int64)
    for u in range(n):
        for j in range(h):
            slots[u, j] = (u + j + 1) % n
    for j in range(h):
        for u in range(n):
            if next_double(s) < beta:
                w = below(s, n)
                ok = True
                while w == u or _linked(slots, u, w):
                    w = below(s, n)
                    if deg[u] >= n - 1:
                        ok = False
                        break
                if ok:
                    v = slots[u, j]
                    deg[v] -= 1
                    deg[w] += 1
                    slots[u, j] = w
    src = np.empty(n * h, np.int32)
    dst = np.empty(n * h, np.int32)
    for u in range(n):
        for j in range(h):
            src[u * h + j] = u
            dst[u * h + j] = slots[u, j]
    return src, dst


@njit(inline="always", cache=True)
def _linked(slots, u, w):
    for j in range(slots.shape[1]):
        if slots[u, j] == w or slots[w, j] == u:
            return True
    return False


@njit(cache=True)
def _count(keys, delta, key):
    lo = np.searchsorted(keys, key, side="left")
    hi = np.searchsorted(keys, key, side="right")
    return (hi - lo) + delta.get(key, 0)


@njit(cache=True)
def repair_simple(s, n, src, dst):
    """Remove self-loops and repeated edges by random double-edge swaps, in place.

    A bad edge (a, b) and a random edge (c, d) become (a, c) and (b, d) when both are
    new and neither is a loop; every node keeps its degree. Membership is read from the
    sorted keys of the initial edges plus a small map of what the swaps changed.
    The budget is ``100 m + 1000`` attempted swaps.

    Parameters
    ----------
    s : uint64[4]
        xoshiro256** state, advanced in place.
    n : int
        Number of nodes (edge keys are ``min * n + max``).
    src, dst : int32[m]
        The edges, rewritten in place.

    Returns
    -------
    swaps : int
        Number of swaps made, or -1 if the swap budget ran out (the degree is too close
        to n for this repair; the caller starts again or gives up).

    Examples
    --------
    A loop at 0 and the edge 1-2 twice, in a multigraph where every node has degree 2,
    become a simple 2-regular graph:

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.graphgen import repair_simple
    >>> s = run_states(np.random.SeedSequence(0), 1)[0].copy()
    >>> src = np.array([0, 1, 1, 3, 4, 5], np.int32)
    >>> dst = np.array([0, 2, 2, 4, 5, 3], np.int32)
    >>> repair_simple(s, 6, src, dst) > 0
    True
    >>> edges = {(min(u, v), max(u, v)) for u, v in zip(src.tolist(), dst.tolist())}
    >>> len(edges), bool((src != dst).all()), np.bincount(np.r_[src, dst]).tolist()
    (6, True, [2, 2, 2, 2, 2, 2])
    """
    m = src.shape[0]
    keys = np.empty(m, np.int64)
    for i in range(m):
        keys[i] = _key(n, src[i], dst[i])
    keys.sort()
    delta = Dict.empty(key_type=types.int64, value_type=types.int64)
    swaps = 0
    budget = 100 * m + 1000
    for i in range(m):
        while src[i] == dst[i] or _count(keys, delta, _key(n, src[i], dst[i])) > 1:
            budget -= 1
            if budget < 0:
                return -1
            j = below(s, m)
            if j == i:
                continue
            a, b = src[i], dst[i]
            c, d = src[j], dst[j]
            if next_double(s) < 0.5:
                c, d = d, c
            if a == c or b == d:
                continue
            k1 = _key(n, a, c)
            k2 = _key(n, b, d)
            if k1 == k2 or _count(keys, delta, k1) > 0 or _count(keys, delta, k2) > 0:
                continue
            for old in (_key(n, a, b), _key(n, c, d)):
                delta[old] = delta.get(old, 0) - 1
            delta[k1] = delta.get(k1, 0) + 1
            delta[k2] = delta.get(k2, 0) + 1
            src[i], dst[i] = a, c
            src[j], dst[j] = b, d
            swaps += 1
    return swaps


@njit(cache=True)
def complement_edges(indptr, indices, n, d):
    """Edges ``u < v`` of the complement of a regular simple graph, in row order.

    The graph's nodes all have degree ``n - 1 - d``, so the complement has ``n * d / 2``
    edges, each node degree ``d``.

    Parameters
    ----------
    indptr : int64[n + 1]
        CSR offsets of the graph (each edge stored as both of its arcs).
    indices : int32[m] or int64[m]
        Neighbours, sorted within each row, without repeats or self-loops.
    n : int
        Number of nodes.
    d : int
        Degree of the complement.

    Returns
    -------
    src, dst : int32[n * d // 2]
        The complement's edges, ``src < dst``.

    Examples
    --------
    The complement of the 4-cycle 0-1-2-3-0 is its two diagonals:

    >>> import numpy as np
    >>> from refsim._kernels.graphgen import complement_edges
    >>> indptr = np.array([0, 2, 4, 6, 8])
    >>> indices = np.array([1, 3, 0, 2, 1, 3, 0, 2], np.int32)
    >>> src, dst = complement_edges(indptr, indices, 4, 1)
    >>> src.tolist(), dst.tolist()
    ([0, 1], [2, 3])
    """
    total = n * d // 2
    src = np.empty(total, np.int32)
    dst = np.empty(total, np.int32)
    e = 0
    for u in range(n):
        j = indptr[u]
        end = indptr[u + 1]
        for v in range(u + 1, n):
            while j < end and indices[j] < v:
                j += 1
            if j < end and indices[j] == v:
                continue
            src[e] = u
            dst[e] = v
            e += 1
    return src, dst


@njit(inline="always", cache=True)
def _key(n, u, v):
    return np.int64(min(u, v)) * n + max(u, v)


@njit(cache=True)
def alias_tables(weights, offsets):
    """Walker alias tables for sampling within each range ``offsets[r]:offsets[r+1]``
    with probability proportional to ``weights``. Returns (prob, alias), local per range.
    """
    n = weights.shape[0]
    prob = np.ones(n, np.float64)
    alias = np.arange(n).astype(np.int32)
    small = np.empty(n, np.int32)
    large = np.empty(n, np.int32)
    for r in range(offsets.shape[0] - 1):
        lo = offsets[r]
        hi = offsets[r + 1]
        size = hi - lo
        if size == 0:
            continue
        total = 0.0
        for i in range(lo, hi):
            total += weights[i]
        ns = 0
        nl = 0
        for i in range(lo, hi):
            prob[i] = weights[i] * size / total if total > 0 else 1.0
            if prob[i] < 1.0:
                small[ns] = i
                ns += 1
            else:
                large[nl] = i
                nl += 1
        while ns > 0 and nl > 0:
            ns -= 1
            a = small[ns]
            g = large[nl - 1]
            alias[a] = g
            prob[g] = prob[g] + prob[a] - 1.0
            if prob[g] < 1.0:
                nl -= 1
                small[ns] = g
                ns += 1
        for j in range(ns):
            prob[small[j]] = 1.0
        for j in range(nl):
            prob[large[j]] = 1.0
    return prob, alias


@njit(inline="always", cache=True)
def _draw(s, prob, alias, lo, size):
    i = lo + below(s, size)
    return i if next_double(s) < prob[i] else alias[i]


@njit(cache=True)
def _poisson(s, lam):
    """Poisson variate: inversion for means up to 1000 (in pieces of at most 500, whose
    sum is Poisson too, so exp(-mean) never underflows), normal approximation above."""
    if lam <= 0.0:
        return 0
    if lam > 1000.0:
        # Box-Muller; relative error of the approximation is far below the noise
        u1 = next_open_closed(s)
        u2 = next_double(s)
        z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
        return max(0, np.int64(math.floor(lam + math.sqrt(lam) * z + 0.5)))
    k = 0
    while lam > 500.0:
        k += _poisson_inversion(s, 500.0)
        lam -= 500.0
    return k + _poisson_inversion(s, lam)


@njit(cache=True)
def _poisson_inversion(s, lam):
    """Poisson variate by inversion of the CDF; ``lam`` at most 500."""
    k = 0
    p = math.exp(-lam)
    c = p
    u = next_double(s)
    while u > c:
        k += 1
        p *= lam / k
        c += p
        if p == 0.0 and c < u:  # float tail: stop at the mean's far side
            break
    return k


@njit(cache=True)
def block_edge_counts(s, theta, offsets, mixing):
    """Poisson edge counts of a degree-corrected block model (Karrer & Newman 2011).

    ``counts[r]`` edges inside community r, mean ``(1 - mixing) * Theta_r / 2`` with
    ``Theta_r`` the sum of ``theta`` over r, and ``counts[-1]`` between communities,
    mean ``mixing * Theta / 2``. Poisson variates by inversion up to a mean of 1000, by
    a normal approximation above.

    Parameters
    ----------
    s : uint64[4]
        xoshiro256** state, advanced in place.
    theta : float64[n]
        Expected degree of each node.
    offsets : int64[B + 1]
        Community boundaries: community r holds nodes ``offsets[r] .. offsets[r+1]-1``.
    mixing : float
        Fraction of the degree that leaves the node's community.

    Returns
    -------
    counts : int64[B + 1]
        Edges to draw inside each community, then between communities.

    Examples
    --------
    Two communities of 500 nodes of expected degree 10, no mixing: about 2500 edges
    inside each, none between.

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.graphgen import block_edge_counts
    >>> s = run_states(np.random.SeedSequence(0), 1)[0].copy()
    >>> counts = block_edge_counts(s, np.full(1000, 10.0), np.array([0, 500, 1000]), 0.0)
    >>> counts.shape, int(counts[-1]), bool((abs(counts[:2] - 2500) < 300).all())
    ((3,), 0, True)
    """
    blocks = offsets.shape[0] - 1
    counts = np.empty(blocks + 1, np.int64)
    total = 0.0
    for r in range(blocks):
        t = 0.0
        for i in range(offsets[r], offsets[r + 1]):
            t += theta[i]
        counts[r] = _poisson(s, (1.0 - mixing) * t / 2.0)
        total += t
    counts[blocks] = _poisson(s, mixing * total / 2.0)
    return counts


@njit(cache=True)
def block_tables(theta, offsets):
    """Sampling tables of :func:`block_edges`, from the expected degrees ``theta``.

    Walker alias tables of theta within each community (a node is drawn from its
    community with chance proportional to its theta) and of the communities' masses
    (sums of theta), and the masses' running sums.

    Parameters
    ----------
    theta : float64[n]
        Expected degree of each node.
    offsets : int64[B + 1]
        Community boundaries: community r holds nodes ``offsets[r] .. offsets[r+1]-1``.

    Returns
    -------
    prob : float64[n]
        Acceptance probability of each node's slot in its community's table.
    alias : int32[n]
        The node drawn instead when a slot is not accepted (a node of the same
        community).
    bprob : float64[B]
        Acceptance probability of each community's slot in the table of masses.
    balias : int32[B]
        The community drawn instead.
    cum : float64[B + 1]
        Running sums of the masses, ``cum[0] = 0``.

    Examples
    --------
    In community {0, 1} node 1 has three times node 0's theta: node 0's slot is kept
    half the time, and gives node 1 otherwise. Both communities have mass 4.

    >>> import numpy as np
    >>> from refsim._kernels.graphgen import block_tables
    >>> tables = block_tables(np.array([1.0, 3.0, 2.0, 2.0]), np.array([0, 2, 4]))
    >>> [t.tolist() for t in tables]
    [[0.5, 1.0, 1.0, 1.0], [1, 1, 2, 3], [1.0, 1.0], [0, 1], [0.0, 4.0, 8.0]]
    """
    blocks = offsets.shape[0] - 1
    prob, alias = alias_tables(theta, offsets)
    mass = np.empty(blocks, np.float64)
    cum = np.zeros(blocks + 1, np.float64)
    for r in range(blocks):
        t = 0.0
        for i in range(offsets[r], offsets[r + 1]):
            t += theta[i]
        mass[r] = t
        cum[r + 1] = cum[r] + t
    one = np.zeros(2, np.int64)
    one[1] = blocks
    bprob, balias = alias_tables(mass, one)
    return prob, alias, bprob, balias, cum


@njit(cache=True)
def _other_block(s, cum, cu):
    """A community other than ``cu``, with chance proportional to its mass: a uniform
    point of the masses with cu's stretch cut out (exact, no rejection)."""
    blocks = cum.shape[0] - 1
    own = cum[cu + 1] - cum[cu]
    x = next_double(s) * (cum[blocks] - own)
    if x >= cum[cu]:
        x += own
    cv = np.searchsorted(cum, x, side="right") - 1
    cv = min(max(cv, 0), blocks - 1)
    if cv == cu or cum[cv + 1] <= cum[cv]:  # rounding at a boundary: the nearest other
        for step in range(1, blocks):
            for t in (cu + step, cu - step):
                if 0 <= t < blocks and cum[t + 1] > cum[t]:
                    return t
    return cv


@njit(cache=True)
def block_edges(s, prob, alias, bprob, balias, cum, offsets, counts):
    """Draw the edges of a degree-corrected block model, ``counts`` of each kind.

    ``counts[r]`` edges inside each community r, both ends in r with chance
    proportional to theta, and ``counts[-1]`` edges between communities: one end's
    community by mass, the other's by mass among the rest, each node by theta.
    Repeats and self-loops are left in (see :func:`distinct_keys`).

    Parameters
    ----------
    s : uint64[4]
        xoshiro256** state, advanced in place.
    prob : float64[n]
        Acceptance probability of each node's slot (see :func:`block_tables`).
    alias : int32[n]
        The node drawn instead when a slot is not accepted.
    bprob : float64[B]
        Acceptance probability of each community's slot in the table of masses.
    balias : int32[B]
        The community drawn instead.
    cum : float64[B + 1]
        Running sums of the communities' masses.
    offsets : int64[B + 1]
        Community boundaries: community r holds nodes ``offsets[r] .. offsets[r+1]-1``.
    counts : int64[B + 1]
        Edges to draw inside each community, then between communities.

    Returns
    -------
    src, dst : int32[sum(counts)]
        The edges, community by community, then those between.

    Examples
    --------
    Three edges inside {0, 1}, two inside {2, 3}, four between:

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.graphgen import block_edges, block_tables
    >>> s = run_states(np.random.SeedSequence(0), 1)[0].copy()
    >>> offsets = np.array([0, 2, 4])
    >>> tables = block_tables(np.array([1.0, 3.0, 2.0, 2.0]), offsets)
    >>> src, dst = block_edges(s, *tables, offsets, np.array([3, 2, 4]))
    >>> ((src >= 2) == (dst >= 2)).tolist()  # both ends in the same community?
    [True, True, True, True, True, False, False, False, False]
    """
    blocks = offsets.shape[0] - 1
    total = 0
    for c in counts:
        total += c
    src = np.empty(total, np.int32)
    dst = np.empty(total, np.int32)
    e = 0
    for r in range(blocks):
        lo = offsets[r]
        size = offsets[r + 1] - lo
        for _ in range(counts[r]):
            src[e] = _draw(s, prob, alias, lo, size)
            dst[e] = _draw(s, prob, alias, lo, size)
            e += 1
    for _ in range(counts[blocks]):
        cu = _draw(s, bprob, balias, 0, blocks)
        cv = _other_block(s, cum, cu)
        src[e] = _draw(s, prob, alias, offsets[cu], offsets[cu + 1] - offsets[cu])
        dst[e] = _draw(s, prob, alias, offsets[cv], offsets[cv + 1] - offsets[cv])
        e += 1
    return src, dst


@njit(cache=True)
def distinct_keys(src, dst, n):
    """Sorted keys ``min(u, v) * n + max(u, v)`` of the distinct edges, loops left out.

    Parameters
    ----------
    src, dst : int32[m]
        Edge ends.
    n : int
        Number of nodes.

    Returns
    -------
    keys : int64[k]
        One key per distinct undirected edge that is not a self-loop, increasing.

    Examples
    --------
    The edge 0-1 given twice, a loop at 2, then 2-3 and 0-3:

    >>> import numpy as np
    >>> from refsim._kernels.graphgen import distinct_keys
    >>> src = np.array([0, 1, 2, 2, 0], np.int32)
    >>> dst = np.array([1, 0, 2, 3, 3], np.int32)
    >>> distinct_keys(src, dst, 4).tolist()
    [1, 3, 11]
    """
    keys = np.empty(src.shape[0], np.int64)
    k = 0
    for i in range(src.shape[0]):
        if src[i] != dst[i]:
            keys[k] = _key(n, src[i], dst[i])
            k += 1
    keys = keys[:k]
    keys.sort()
    out = 0
    for i in range(k):
        if out == 0 or keys[i] != keys[out - 1]:
            keys[out] = keys[i]
            out += 1
    return keys[:out]


@njit(cache=True)
def key_categories(keys, n, offsets):
    """How many of the edge ``keys`` lie inside each community, and (last) between.

    Parameters
    ----------
    keys : int64[k]
        Edge keys ``min(u, v) * n + max(u, v)``.
    n : int
        Number of nodes.
    offsets : int64[B + 1]
        Community boundaries: community r holds nodes ``offsets[r] .. offsets[r+1]-1``.

    Returns
    -------
    counts : int64[B + 1]
        Edges inside each community, then edges between communities.

    Examples
    --------
    Edges 0-1 (inside {0, 1}), 0-3 and 1-2 (between) and 2-3 (inside {2, 3}):

    >>> import numpy as np
    >>> from refsim._kernels.graphgen import key_categories
    >>> keys = np.array([1, 3, 6, 11])
    >>> key_categories(keys, 4, np.array([0, 2, 4])).tolist()
    [1, 1, 2]
    """
    blocks = offsets.shape[0] - 1
    out = np.zeros(blocks + 1, np.int64)
    for i in range(keys.shape[0]):
        cu = np.searchsorted(offsets, keys[i] // n, side="right") - 1
        cv = np.searchsorted(offsets, keys[i] % n, side="right") - 1
        out[cu if cu == cv else blocks] += 1
    return out


@njit(cache=True)
def split_keys(keys, n):
    """The int32 ends of the edges with the given keys.

    Parameters
    ----------
    keys : int64[k]
        Edge keys ``u * n + v``.
    n : int
        Number of nodes.

    Returns
    -------
    src, dst : int32[k]
        ``keys // n`` and ``keys % n``.

    Examples
    --------
    >>> import numpy as np
    >>> from refsim._kernels.graphgen import split_keys
    >>> src, dst = split_keys(np.array([1, 3, 6, 11]), 4)
    >>> src.tolist(), dst.tolist()
    ([0, 0, 1, 2], [1, 3, 2, 3])
    """
    src = np.empty(keys.shape[0], np.int32)
    dst = np.empty(keys.shape[0], np.int32)
    for i in range(keys.shape[0]):
        src[i] = keys[i] // n
        dst[i] = keys[i] % n
    return src, dst


@njit(cache=True)
def place_in_communities(s, need, sizes):
    """Assign nodes to communities as LFR does: each node to a community of at least
    ``need[i]`` nodes, uniformly over the free places of the communities that qualify.

    ``sizes`` must be sorted in decreasing order; nodes are placed in decreasing order of
    need, so those that need large communities are placed first. Free places are kept in
    a Fenwick tree over communities: O(n log B). A node no community can hold goes to
    the largest one with a free place.

    Parameters
    ----------
    s : uint64[4]
        xoshiro256** state, advanced in place.
    need : int64[n]
        Smallest community size each node accepts.
    sizes : int64[B]
        Community sizes, decreasing, summing to at least ``n``.

    Returns
    -------
    community : int64[n]
        Index into ``sizes`` of each node's community.

    Examples
    --------
    Communities of 3 and 2 nodes: the two nodes that need 3 go to the first, and every
    place is filled.

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.graphgen import place_in_communities
    >>> s = run_states(np.random.SeedSequence(0), 1)[0].copy()
    >>> community = place_in_communities(s, np.array([3, 1, 3, 1, 2]), np.array([3, 2]))
    >>> community[[0, 2]].tolist(), np.bincount(community).tolist()
    ([0, 0], [3, 2])
    """
    B = sizes.shape[0]
    n = need.shape[0]
    tree = np.zeros(B + 1, np.int64)
    for c in range(B):
        j = c + 1
        while j <= B:
            tree[j] += sizes[c]
            j += j & (-j)
    order = np.argsort(-need, kind="mergesort")
    out = np.empty(n, np.int64)
    fits = 0  # communities 0 .. fits-1 are big enough for the current node
    for t in range(n):
        i = order[t]
        while fits < B and sizes[fits] >= need[i]:  # needs fall, so more communities fit
            fits += 1
        free = 0  # free places in communities 0 .. fits-1 (prefix sum)
        j = fits
        while j > 0:
            free += tree[j]
            j -= j & (-j)
        if free == 0:  # nothing big enough has room: take any community with room
            j = B
            while j > 0:
                free += tree[j]
                j -= j & (-j)
        k = below(s, free)  # the k-th free place, found by descending the tree
        pos = 0
        step = 1
        while step * 2 <= B:
            step *= 2
        while step > 0:
            if pos + step <= B and tree[pos + step] <= k:
                pos += step
                k -= tree[pos]
            step //= 2
        c = pos  # community index (0-based)
        out[i] = c
        j = c + 1
        while j <= B:
            tree[j] -= 1
            j += j & (-j)
    return out
