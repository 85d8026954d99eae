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

    Skips over the lower triangle by geometric jumps: O(n + edges). Returns the
    (possibly regrown) buffers and the new edge count.
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
    """Append a stochastic block model's edges: pairs inside community r with
    probability ``p_in[r]``, pairs in different communities with ``p_out``.

    Community r holds nodes ``offsets[r] .. offsets[r+1]-1``, so its pairs with every
    later community form one rectangle: O(n + edges + communities) in all.
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
    """Configuration model: shuffle the stubs and pair them in order."""
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
    """networkx's process: a star on m + 1 nodes, then each new node links to m distinct
    nodes drawn from the list holding each node once per incident edge."""
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
    """networkx's powerlaw_cluster_graph process: preferential attachment where each
    extra link closes a triangle with probability ``triad_p`` (Holme & Kim 2002).

    Memory is kept to the edge list plus one link per arc: networkx's list of nodes
    "repeated once per link" is implicit. It holds the m initial nodes, then for each
    source its m link targets in order and m copies of itself; every link attempt is
    written to the edge list, including networkx's no-op repeats of an existing edge
    (the CSR builder drops those), so position ``p`` of the list is read off the edges.
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
    """networkx's process: a ring where each node links to its k/2 next nodes, then, for
    each distance j and each node u in order, the edge (u, u + j) is moved to (u, w) with
    probability beta, w uniform among nodes that are neither u nor already linked to u.

    Each edge stays owned by the node that created it, so ``slots[u]`` holds u's k/2
    edges and "u and w are linked" is "w in slots[u] or u in slots[w]": O(k) per check.
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
    Returns the number of swaps, or -1 if the swap budget ran out (the degree is too
    close to n for this repair; the caller starts again or gives up).
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
    """Edges ``u < v`` of the complement of a simple graph in CSR (rows sorted) whose
    nodes all have degree ``n - 1 - d``: ``n * d / 2`` edges."""
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
    """Poisson edge counts of a degree-corrected block model (Karrer & Newman 2011):
    ``counts[r]`` edges inside community r, mean ``(1 - mixing) * Theta_r / 2``, and
    ``counts[-1]`` between communities, mean ``mixing * Theta / 2``."""
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
    """Sampling tables of :func:`block_edges`: alias tables of theta within each
    community and of the communities' masses, and the masses' running sums."""
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
    """Draw ``counts[r]`` edges inside each community r, both ends in r with chance
    proportional to theta, and ``counts[-1]`` edges between communities: one end's
    community by mass, the other's by mass among the rest, each node by theta.
    Repeats and self-loops are left in (see :func:`distinct_keys`)."""
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
    """Sorted keys ``min(u, v) * n + max(u, v)`` of the distinct edges that are not
    self-loops."""
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
    """How many of the edge ``keys`` lie inside each community, and (last) between."""
    blocks = offsets.shape[0] - 1
    out = np.zeros(blocks + 1, np.int64)
    for i in range(keys.shape[0]):
        cu = np.searchsorted(offsets, keys[i] // n, side="right") - 1
        cv = np.searchsorted(offsets, keys[i] % n, side="right") - 1
        out[cu if cu == cv else blocks] += 1
    return out


@njit(cache=True)
def split_keys(keys, n):
    """The int32 ends of the edges with the given keys."""
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
    the largest one with a free place. Returns each node's community.
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
