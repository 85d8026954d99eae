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


@njit(cache=True)
def rr_sets(kind, in_indptr, in_src, in_p, node_pmax, node_logq, uniform, block_states,
            block, first, count, nodes, ptr, mark):
    """Append RR sets ``first .. first+count-1`` to (nodes, ptr); return them regrown.

    kind 0: IC with in-arc probabilities ``in_p``; kind 1: LT with in-arc weights
    ``in_p``. ``mark`` is per-node scratch (int64, holds set index + 1).
    ``ptr`` has room for the offsets; ``nodes`` grows as needed.
    """
    n = in_indptr.shape[0] - 1
    for j in range(first, first + count):
        s = block_states[j // block]
        root = below(s, n)
        start = ptr[j]
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
        ptr[j + 1] = top
    return nodes


@njit(cache=True)
def max_coverage(n, nodes, ptr, sets, k, costs, budget, by_ratio):
    """Greedy maximum coverage of the first ``sets`` RR sets.

    Unit cost (``by_ratio`` false): up to k picks of the node covering most uncovered
    sets. With costs: picks by covered sets per cost (``by_ratio``) or by covered sets,
    skipping nodes that no longer fit in the budget, up to k picks. Ties go to the
    smaller id. Returns (seeds, number of sets covered).
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


