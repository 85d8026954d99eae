"""Reverse-reachable (RR) sets and greedy maximum coverage, for IMM.

An RR set is the set of nodes that reach a uniformly random root in one random
live-arc graph: for IC each in-arc is live independently; for LT each node keeps at most
one in-arc (Borgs et al. 2014; Tang, Shi & Xiao 2015). The expected fraction of RR sets a
seed set touches, times n, is its expected spread.

RR set j draws from the stream of block ``j // block``: the sets are the same however
they are batched.
"""

import math

import numpy as np
from numba import njit

from .build import below, grow
from .xoshiro import next_double, next_open_closed


@njit(inline="always", cache=True)
def _one_set(kind, in_indptr, in_src, in_p, node_pmax, node_logq, uniform, s, j, nodes,
             start, mark):
    """Draw RR set ``j`` from stream ``s`` into ``nodes[start:]``; return the buffer
    (regrown if needed) and the end of the set."""
    n = in_indptr.shape[0] - 1
    root = below(s, n)
    top = start
    if top + 1 > nodes.shape[0]:
        nodes = grow(nodes, top + 1)
    nodes[top] = root
    top += 1
    mark[root] = j + 1
    if kind == 0:
        head = start
        while head < top:
            v = nodes[head]
            head += 1
            lq = node_logq[v]
            if lq == 0.0:
                continue
            e = in_indptr[v]
            end = in_indptr[v + 1]
            pmax = node_pmax[v]
            while True:
                if lq != -np.inf:
                    g = math.log(next_open_closed(s)) / lq
                    if g >= end - e:
                        break
                    e += np.int64(g)
                elif e >= end:
                    break
                if not uniform and in_p[e] < pmax and next_double(s) * pmax >= in_p[e]:
                    e += 1
                    continue
                u = in_src[e]
                e += 1
                if mark[u] != j + 1:
                    mark[u] = j + 1
                    if top + 1 > nodes.shape[0]:
                        nodes = grow(nodes, top + 1)
                    nodes[top] = u
                    top += 1
    else:
        v = root
        while True:
            x = next_double(s)
            acc = 0.0
            pick = -1
            for e in range(in_indptr[v], in_indptr[v + 1]):
                acc += in_p[e]
                if x < acc:
                    pick = in_src[e]
                    break
            if pick < 0 or mark[pick] == j + 1:
                break
            mark[pick] = j + 1
            if top + 1 > nodes.shape[0]:
                nodes = grow(nodes, top + 1)
            nodes[top] = pick
            top += 1
            v = pick
    return nodes, top


@njit(cache=True)
def rr_sets(kind, in_indptr, in_src, in_p, node_pmax, node_logq, uniform, block_states,
            block, first, count, nodes, ptr, mark):
    """Append RR sets ``first .. first+count-1`` to (nodes, ptr); return them regrown.

    Set ``j`` starts from a uniform root and holds the nodes that reach it in one random
    live-arc graph, root first, in the order found: for IC (``kind`` 0) each in-arc is
    live with its probability, candidates reached by geometric jumps with the largest
    in-arc probability of the node as the IC kernel does; for LT (``kind`` 1) each node
    keeps at most one in-arc, arc ``e`` with chance ``in_p[e]``, and the set is the walk
    back along them.

    Parameters
    ----------
    kind : int
        0 for IC, 1 for LT.
    in_indptr : int64[n + 1]
        CSR offsets of the in-arcs: those into ``v`` are ``in_indptr[v] ..
        in_indptr[v + 1] - 1``.
    in_src : int32[m] or int64[m]
        Source of each in-arc.
    in_p : float64[m]
        IC probability (kind 0) or LT weight (kind 1) of each in-arc; the LT weights
        into a node sum to at most 1.
    node_pmax : float64[n]
        Largest ``in_p`` into each node (0 without in-arcs); read for IC only.
    node_logq : float64[n]
        ``log(1 - node_pmax[v])``: 0 where no arc can be live, ``-inf`` where
        ``node_pmax[v] == 1``; read for IC only.
    uniform : bool
        Whether every ``in_p`` is the same (no per-arc thinning); read for IC only.
    block_states : uint64[blocks, 4]
        xoshiro256** state of each block of ``block`` sets, advanced in place: set ``j``
        draws from row ``j // block``, so a later call carries on where this one stopped.
    block : int
        Number of sets per state.
    first : int
        Index of the first set to draw; sets ``0 .. first-1`` are already in
        ``nodes[:ptr[first]]``.
    count : int
        Number of sets to draw.
    nodes : int32[cap]
        Buffer of the sets' nodes, set ``j`` at ``nodes[ptr[j]:ptr[j + 1]]``.
    ptr : int64[>= first + count + 1]
        Set offsets, ``ptr[:first + 1]`` filled in; ``ptr[first + 1:first + count + 1]``
        is written in place.
    mark : int64[n]
        Per-node scratch, ``mark[v] == j + 1`` while ``v`` is in set ``j``; zeros
        before the first call, then kept between calls.

    Returns
    -------
    nodes : int32[cap']
        The node buffer holding sets ``0 .. first+count-1``: ``nodes`` itself, or a
        larger copy (capacity doubled as needed).

    Examples
    --------
    On the directed 3-cycle 0 -> 1 -> 2 -> 0 with IC probability 1, every node reaches
    every root, so each set holds all three nodes:

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.rrsets import rr_sets
    >>> in_indptr = np.array([0, 1, 2, 3])  # the in-arcs 2 -> 0, 0 -> 1, 1 -> 2
    >>> in_src = np.array([2, 0, 1], np.int32)
    >>> pmax, logq = np.ones(3), np.full(3, -np.inf)
    >>> states = run_states(np.random.SeedSequence(0), 1)  # one block: sets 0 .. 255
    >>> ptr = np.zeros(5, np.int64)
    >>> nodes = rr_sets(0, in_indptr, in_src, np.ones(3), pmax, logq, True, states, 256,
    ...                 0, 4, np.empty(1, np.int32), ptr, np.zeros(3, np.int64))
    >>> ptr.tolist(), sorted(nodes[ptr[3]:ptr[4]].tolist())
    ([0, 3, 6, 9, 12], [0, 1, 2])
    """
    for j in range(first, first + count):
        nodes, ptr[j + 1] = _one_set(kind, in_indptr, in_src, in_p, node_pmax, node_logq,
                                     uniform, block_states[j // block], j, nodes, ptr[j],
                                     mark)
    return nodes


@njit(cache=True, nogil=True)
def rr_chunk(kind, in_indptr, in_src, in_p, node_pmax, node_logq, uniform, block_states,
             block, first, count, mark):
    """Draw RR sets ``first .. first+count-1`` into a buffer of their own, without the GIL.

    The same sets as :func:`rr_sets` (set ``j`` from row ``j // block`` of
    ``block_states``, advanced in place), so threads that take chunks touching different
    blocks can draw at once, each with its own ``mark``, and the chunks joined in order
    equal one serial call.

    Parameters
    ----------
    kind, in_indptr, in_src, in_p, node_pmax, node_logq, uniform, block_states, block
        As for :func:`rr_sets`.
    first : int
        Index of the first set to draw.
    count : int
        Number of sets to draw; sets ``first .. first+count-1`` must not share a block
        with a chunk another thread draws at the same time.
    mark : int64[n]
        This thread's per-node scratch (``mark[v] == j + 1`` while ``v`` is in set
        ``j``); zeros at first, then kept between the thread's chunks.

    Returns
    -------
    nodes : int32[total]
        The chunk's sets one after another.
    sizes : int64[count]
        The number of nodes in each set.

    Examples
    --------
    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> in_indptr, in_src = np.array([0, 1, 2, 3]), np.array([2, 0, 1], np.int32)
    >>> states = run_states(np.random.SeedSequence(0), 1)
    >>> nodes, sizes = rr_chunk(0, in_indptr, in_src, np.ones(3), np.ones(3),
    ...                         np.full(3, -np.inf), True, states, 256, 0, 2,
    ...                         np.zeros(3, np.int64))
    >>> sizes.tolist(), len(nodes)
    ([3, 3], 6)
    """
    nodes = np.empty(max(16, 4 * count), np.int32)
    sizes = np.empty(count, np.int64)
    top = 0
    for i in range(count):
        j = first + i
        nodes, end = _one_set(kind, in_indptr, in_src, in_p, node_pmax, node_logq, uniform,
                              block_states[j // block], j, nodes, top, mark)
        sizes[i] = end - top
        top = end
    return nodes[:top], sizes


@njit(cache=True)
def max_coverage(n, nodes, ptr, sets, k, costs, budget, by_ratio):
    """Greedy maximum coverage of the first ``sets`` RR sets.

    Unit cost (``by_ratio`` false): up to k picks of the node covering most uncovered
    sets. With costs: picks by covered sets per cost (``by_ratio``) or by covered sets,
    skipping nodes that no longer fit in the budget, up to k picks. Ties go to the
    smaller id.

    Parameters
    ----------
    n : int
        Number of nodes.
    nodes : int32[>= ptr[sets]]
        Nodes of the sets, set ``j`` at ``nodes[ptr[j]:ptr[j + 1]]`` (no repeats within
        a set).
    ptr : int64[>= sets + 1]
        Set offsets.
    sets : int
        Number of sets to cover (the first ones).
    k : int
        Most picks.
    costs : float64[n]
        Cost of each node, positive (``np.ones(n)`` for unit cost).
    budget : float
        Most total cost (``inf`` for none).
    by_ratio : bool
        Rank by covered sets per cost instead of covered sets.

    Returns
    -------
    seeds : int64[<= k]
        The picks, in order.
    covered : int
        Number of sets the picks cover.

    Examples
    --------
    Sets {0, 1}, {1, 2}, {2} and {3}: node 1 covers two, then node 2 one more (ties to
    the smaller id). With node 2 costing 3 and a budget of 2, node 3 is taken instead:

    >>> import numpy as np
    >>> from refsim._kernels.rrsets import max_coverage
    >>> nodes = np.array([0, 1, 1, 2, 2, 3], np.int32)
    >>> ptr = np.array([0, 2, 4, 5, 6])
    >>> seeds, covered = max_coverage(4, nodes, ptr, 4, 2, np.ones(4), np.inf, False)
    >>> seeds.tolist(), covered
    ([1, 2], 3)
    >>> costs = np.array([1.0, 1.0, 3.0, 1.0])
    >>> seeds, covered = max_coverage(4, nodes, ptr, 4, 2, costs, 2.0, True)
    >>> seeds.tolist(), covered
    ([1, 3], 3)
    """
    m = ptr[sets]
    cnt = np.zeros(n + 1, np.int64)
    for i in range(m):
        cnt[nodes[i] + 1] += 1
    for u in range(n):
        cnt[u + 1] += cnt[u]
    member = np.empty(m, np.int64)  # node -> the sets it is in
    fill = cnt[:n].copy()
    for j in range(sets):
        for i in range(ptr[j], ptr[j + 1]):
            u = nodes[i]
            member[fill[u]] = j
            fill[u] += 1
    gain = np.empty(n, np.int64)
    for u in range(n):
        gain[u] = cnt[u + 1] - cnt[u]
    covered = np.zeros(sets, np.bool_)
    taken = np.zeros(n, np.bool_)
    out = np.empty(k, np.int64)
    picked = 0
    total = 0
    left = budget
    while picked < k:
        best = -1
        score = -1.0
        for u in range(n):
            if taken[u] or costs[u] > left:
                continue
            sc = gain[u] / costs[u] if by_ratio else float(gain[u])
            if sc > score:
                best = u
                score = sc
        if best < 0:
            break
        taken[best] = True
        out[picked] = best
        picked += 1
        left -= costs[best]
        for a in range(cnt[best], cnt[best + 1]):
            j = member[a]
            if not covered[j]:
                covered[j] = True
                total += 1
                for i in range(ptr[j], ptr[j + 1]):
                    gain[nodes[i]] -= 1
    return out[:picked], total


