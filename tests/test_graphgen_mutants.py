"""Exact checks of the random-graph kernels (refsim._kernels.graphgen).

Each kernel is compared with a plain-Python twin below that consumes the same xoshiro
stream (``naive.Xoshiro``) in the same order, so outcomes must be equal, not close; the
deterministic ones (alias tables, keys, complements) against what they must compute.
The twins are written from the processes the kernels document, over Python lists and
sets (the repeated-nodes list of Holme-Kim is materialised, the Fenwick tree of
community placement is a plain list of free places).
"""

import math
from collections import Counter

import numpy as np
import pytest

from naive import Xoshiro, _below
from refsim._kernels import graphgen as gg
from refsim._rng import run_states


def state(seed):
    return run_states(np.random.SeedSequence(seed), 1)[0]


def streams(seed):
    """(kernel state, twin) on one stream."""
    s = state(seed)
    return s.copy(), Xoshiro(s)


def geometric_pairs(rng, total, p):
    """Indices 0 .. total-1 kept with probability p, by geometric jumps: from k, the
    next kept index is k + 1 + floor(log U / log(1 - p)), U uniform on (0, 1]."""
    if p <= 0.0 or total <= 0:
        return []
    out, k = [], -1
    while True:
        if p >= 1.0:
            k += 1
        else:
            gap = math.log(rng.open_closed()) / math.log1p(-p)
            if gap >= total - k:
                break
            k += 1 + int(gap)
        if k >= total:
            break
        out.append(k)
    return out


def gnp_twin(rng, n, p, offset):
    """G(n, p) on offset .. offset+n-1: pairs (v, w), w < v, in row order; the jump from
    the last pair is clamped at n * n (past the end either way)."""
    if p <= 0.0 or n < 2:
        return []
    out, v, w = [], 1, -1
    while v < n:
        if p >= 1.0:
            w += 1
        else:
            w += 1 + int(min(math.log(rng.open_closed()) / math.log1p(-p), float(n) * n))
        while w >= v and v < n:
            w -= v
            v += 1
        if v < n:
            out.append((offset + v, offset + w))
    return out


def buffers(size=1, m=0):
    """Edge buffers holding m old edges (-1, -2), room for ``size``."""
    src = np.full(max(size, m), -1, np.int32)
    dst = np.full(max(size, m), -2, np.int32)
    return src, dst, m


def edges_of(src, dst, m, skip=0):
    return list(zip(src[skip:m].tolist(), dst[skip:m].tolist()))


@pytest.mark.parametrize("n,p", [(40, 0.1), (25, 0.5), (30, 0.9), (12, 1.0), (30, 0.0),
                                 (1, 0.5), (2, 0.7), (300, 0.003)])
def test_gnp_pairs_equal_the_twin(n, p):
    s, twin = streams(n)
    src, dst, m = gg.gnp_pairs(s, n, p, 5, *buffers(1, 2))
    assert edges_of(src, dst, 2, 0) == [(-1, -2)] * 2  # what was there stays
    got = edges_of(src, dst, m, 2)
    assert got == gnp_twin(twin, n, p, 5)
    assert all(5 <= w < v < 5 + n for v, w in got) and len(set(got)) == len(got)
    if p == 1.0:
        assert len(got) == n * (n - 1) // 2
    if 0 < p < 1 and n > 2:
        assert 0 < len(got) < n * (n - 1) // 2


def test_gnp_pairs_of_a_dense_graph_count_right():
    """p = 1 - 2^-10 on 64 nodes: nearly every pair, each drawn by a jump of 0 or 1."""
    s, twin = streams(3)
    src, dst, m = gg.gnp_pairs(s, 64, 1 - 2.0**-10, 0, *buffers())
    assert edges_of(src, dst, m) == gnp_twin(twin, 64, 1 - 2.0**-10, 0)
    assert 1990 < m < 2016


@pytest.mark.parametrize("a,b,p", [(5, 7, 0.3), (6, 4, 1.0), (8, 9, 0.95), (0, 5, 0.5),
                                   (5, 0, 0.5), (4, 4, 0.0), (20, 30, 0.02)])
def test_bipartite_pairs_equal_the_twin(a, b, p):
    s, twin = streams(a * 31 + b)
    src, dst, m = gg.bipartite_pairs(s, a, b, p, 3, 100, *buffers(1, 1))
    want = [(3 + k // b, 100 + k % b) for k in geometric_pairs(twin, a * b, p)]
    assert edges_of(src, dst, m, 1) == want
    if p == 1.0:
        assert len(want) == a * b


def test_block_pairs_are_gnp_inside_and_bipartite_across():
    offsets = np.array([0, 6, 6, 15, 19])  # an empty community among them
    p_in = np.array([0.5, 0.9, 0.3, 1.0])
    s, twin = streams(8)
    src, dst, m = gg.block_pairs(s, offsets, p_in, 0.2, *buffers())
    want = []
    for r in range(4):
        lo, hi = int(offsets[r]), int(offsets[r + 1])
        want += gnp_twin(twin, hi - lo, p_in[r], lo)
        want += [(lo + k // (19 - hi), hi + k % (19 - hi))
                 for k in geometric_pairs(twin, (hi - lo) * (19 - hi), 0.2)]
    assert edges_of(src, dst, m) == want
    assert (15, 16) in want or (16, 15) in want  # community 3 is complete


def fisher_yates(rng, items):
    items = list(items)
    for i in range(len(items) - 1, 0, -1):
        j = _below(rng, i + 1)
        items[i], items[j] = items[j], items[i]
    return items


@pytest.mark.parametrize("degrees", [[3, 1, 2, 2, 0, 4], [1, 1, 1], [5], []])
def test_pair_stubs_shuffle_the_stubs_and_pair_them_in_order(degrees):
    s, twin = streams(len(degrees))
    a, b = gg.pair_stubs(s, np.array(degrees, np.int64))
    stubs = fisher_yates(twin, [u for u, d in enumerate(degrees) for _ in range(d)])
    half = len(stubs) // 2
    assert a.tolist() == stubs[0:2 * half:2] and b.tolist() == stubs[1:2 * half:2]
    assert a.dtype == np.int32 and b.dtype == np.int32


def barabasi_albert_twin(rng, n, m):
    edges = [(0, i + 1) for i in range(m)]
    repeated = [x for i in range(m) for x in (0, i + 1)]
    for source in range(m + 1, n):
        chosen = []
        while len(chosen) < m:
            x = repeated[_below(rng, len(repeated))]
            if x not in chosen:
                chosen.append(x)
        for x in chosen:
            edges.append((source, x))
            repeated += [x, source]
    return edges


@pytest.mark.parametrize("n,m", [(30, 1), (40, 3), (12, 5), (6, 5)])
def test_barabasi_albert_equals_the_twin(n, m):
    s, twin = streams(n + m)
    src, dst = gg.barabasi_albert(s, n, m)
    assert list(zip(src.tolist(), dst.tolist())) == barabasi_albert_twin(twin, n, m)


def holme_kim_twin(rng, n, m, triad_p):
    """Holme-Kim as the kernel documents it: m initial nodes; each source picks m
    distinct nodes from the repeated list (the initial nodes, then per source the m
    targets of its link attempts and m copies of itself), links to the last pick, and
    for each further link closes a triangle with probability triad_p (a uniformly
    random neighbour of the last target, most recent link first, not yet linked to
    the source; rejection up to 8 times, then a count) or takes the next pick back."""
    edges = []
    nbrs = [[] for _ in range(n)]  # distinct neighbours in the order linked
    repeated = list(range(m))

    def link(u, v):
        edges.append((u, v))
        if v not in nbrs[u]:
            nbrs[u].append(v)
            nbrs[v].append(u)

    def eligible(target, source):
        hood = nbrs[target][::-1]
        ok = [v != source and v not in nbrs[source] for v in hood]
        for _ in range(8):
            i = _below(rng, len(hood))
            if ok[i]:
                return hood[i]
        if not any(ok):
            return -1
        while True:
            i = _below(rng, len(hood))
            if ok[i]:
                return hood[i]

    for source in range(m, n):
        picks = []
        while len(picks) < m:
            x = repeated[_below(rng, len(repeated))]
            if x not in picks:
                picks.append(x)
        first = len(edges)
        target = picks.pop()
        link(source, target)
        count = 1
        while count < m:
            if rng.double() < triad_p:
                v = eligible(target, source)
                if v >= 0:
                    link(source, v)
                    count += 1
                    continue
            target = picks.pop()
            link(source, target)
            count += 1
        repeated += [v for _, v in edges[first:]] + [source] * m
    return edges


@pytest.mark.parametrize("n,m,triad_p", [(40, 1, 0.5), (60, 3, 0.0), (60, 3, 0.7),
                                         (50, 4, 1.0), (25, 2, 0.9)])
def test_holme_kim_equals_the_twin(n, m, triad_p):
    s, twin = streams(n * m)
    src, dst = gg.holme_kim(s, n, m, triad_p)
    want = holme_kim_twin(twin, n, m, triad_p)
    assert list(zip(src.tolist(), dst.tolist())) == want
    if triad_p > 0 and m > 1:
        closed = sum(1 for i, (u, v) in enumerate(want) if i % m)  # not a first link
        assert closed > 0


def test_holme_kim_repeated_list_positions():
    """Entry p of the repeated list: p itself for the m initial nodes, then per source
    b (node m + b) its m link targets and m copies of itself."""
    m = 2
    src = np.array([2, 2, 3, 3], np.int32)
    dst = np.array([1, 0, 2, 1], np.int32)
    want = [0, 1, 1, 0, 2, 2, 2, 1, 3, 3]
    assert [int(gg._repeated_at(src, dst, m, p)) for p in range(10)] == want


def test_eligible_neighbour_when_none_is_left():
    """Target 0 whose only neighbours are the source itself and nodes already linked to
    it: no neighbour is eligible, -1 after the eight tries and the count."""
    # edges: 3-0 (the source's first link), 1-0, 2-0, then 3-1, 3-2
    src = np.array([3, 1, 2, 3, 3, 0], np.int32)
    dst = np.array([0, 0, 0, 1, 2, 0], np.int32)
    n, e = 4, 5
    head = np.full(n, -1, np.int32)
    nxt = np.empty(2 * (e + 1), np.int32)
    linked = np.full(n, -1, np.int32)
    deg = np.zeros(n, np.int32)
    for i in range(e):
        gg._link(src[i], dst[i], i, src, dst, head, nxt, linked, deg)
    linked[:] = -1
    linked[[0, 1, 2]] = 3  # 0, 1 and 2 are linked to the source 3
    s = state(1)
    assert gg._eligible_neighbour(s, 0, 3, deg, head, nxt, src, dst, linked, 2) == -1
    linked[2] = -1  # now 2 is free: it is found, whatever the draws
    for seed in range(5):
        assert gg._eligible_neighbour(state(seed), 0, 3, deg, head, nxt, src, dst, linked,
                                      2) == 2


def watts_strogatz_twin(rng, n, k, beta):
    h = k // 2
    slots = [[(u + j + 1) % n for j in range(h)] for u in range(n)]
    deg = [2 * h] * n

    def linked(u, w):
        return w in slots[u] or u in slots[w]

    for j in range(h):
        for u in range(n):
            if rng.double() < beta:
                w = _below(rng, n)
                ok = True
                while w == u or linked(u, w):
                    w = _below(rng, n)
                    if deg[u] >= n - 1:
                        ok = False
                        break
                if ok:
                    deg[slots[u][j]] -= 1
                    deg[w] += 1
                    slots[u][j] = w
    return [(u, slots[u][j]) for u in range(n) for j in range(h)]


@pytest.mark.parametrize("n,k,beta", [(30, 4, 0.3), (20, 6, 1.0), (9, 8, 0.5),
                                      (12, 4, 0.0), (10, 6, 0.8)])
def test_watts_strogatz_equals_the_twin(n, k, beta):
    s, twin = streams(n + k)
    src, dst = gg.watts_strogatz(s, n, k, beta)
    want = watts_strogatz_twin(twin, n, k, beta)
    assert list(zip(src.tolist(), dst.tolist())) == want
    if beta == 0.0:
        assert want == [(u, (u + j + 1) % n) for u in range(n) for j in range(k // 2)]


def repair_twin(rng, n, src, dst):
    def key(u, v):
        return min(u, v) * n + max(u, v)

    m = len(src)
    count = Counter(key(a, b) for a, b in zip(src, dst))
    swaps, budget = 0, 100 * m + 1000
    for i in range(m):
        while src[i] == dst[i] or count[key(src[i], dst[i])] > 1:
            budget -= 1
            if budget < 0:
                return -1
            j = _below(rng, m)
            if j == i:
                continue
            a, b, c, d = src[i], dst[i], src[j], dst[j]
            if rng.double() < 0.5:
                c, d = d, c
            if a == c or b == d:
                continue
            k1, k2 = key(a, c), key(b, d)
            if k1 == k2 or count[k1] > 0 or count[k2] > 0:
                continue
            count[key(a, b)] -= 1
            count[key(c, d)] -= 1
            count[k1] += 1
            count[k2] += 1
            src[i], dst[i], src[j], dst[j] = a, c, b, d
            swaps += 1
    return swaps


@pytest.mark.parametrize("seed", range(3))
def test_repair_simple_equals_the_twin_and_leaves_a_simple_graph(seed):
    s, twin = streams(seed)
    degrees = np.full(40, 4, np.int64)
    a, b = gg.pair_stubs(s, degrees)
    a2, b2 = a.tolist(), b.tolist()
    fisher_yates(twin, [u for u in range(40) for _ in range(4)])  # the same draws
    swaps = gg.repair_simple(s, 40, a, b)
    assert swaps == repair_twin(twin, 40, a2, b2)
    assert (a.tolist(), b.tolist()) == (a2, b2)
    keys = {(min(u, v), max(u, v)) for u, v in zip(a2, b2)}
    assert swaps > 0 and len(keys) == 80 and all(u != v for u, v in keys)
    assert Counter(a2 + b2) == Counter({u: 4 for u in range(40)})  # degrees kept


def test_repair_simple_gives_up_when_no_swap_can_help():
    """Edges 0-0, 0-1 and 1-2 on three nodes give degrees 3, 2, 1: no simple graph has
    them (node 0 would need three distinct neighbours), so no swap ever succeeds and the
    budget runs out: -1. A simple graph needs no swap: 0."""
    s = state(2)
    src = np.array([0, 0, 1], np.int32)
    dst = np.array([0, 1, 2], np.int32)
    assert gg.repair_simple(s, 3, src, dst) == -1
    src = np.array([0, 1, 2], np.int32)
    dst = np.array([1, 2, 0], np.int32)  # already simple: nothing to do
    assert gg.repair_simple(s, 3, src, dst) == 0


def test_complement_edges():
    """The circulant graph on 7 nodes with offsets 1 and 2 (4-regular): its complement
    is the 7 pairs at offset 3."""
    n = 7
    rows = {u: {(u + d) % n for d in (1, 2, -1, -2)} for u in range(n)}
    indptr = np.cumsum([0] + [len(rows[u]) for u in range(n)])
    indices = np.array([v for u in range(n) for v in sorted(rows[u])], np.int32)
    src, dst = gg.complement_edges(indptr, indices, n, 2)
    want = [(u, v) for u in range(n) for v in range(u + 1, n) if v not in rows[u]]
    assert list(zip(src.tolist(), dst.tolist())) == want
    assert sorted((v - u) % n for u, v in want) == [3] * 4 + [4] * 3


def implied(prob, alias, lo, hi):
    """The probability of each index of lo .. hi-1 under one alias draw there."""
    size = hi - lo
    out = np.zeros(hi - lo)
    for i in range(lo, hi):
        out[i - lo] += prob[i] / size
        out[alias[i] - lo] += (1.0 - prob[i]) / size
    return out


def test_alias_tables_reproduce_the_weights():
    rng = np.random.default_rng(0)
    weights = np.concatenate([rng.pareto(1.5, 9) + 0.01, [0.0, 2.0, 0.0], [3.0],
                              np.zeros(4), rng.random(20), [1.0, 1.0]])
    offsets = np.array([0, 9, 12, 13, 13, 17, 37, 39])  # an empty range, an all-zero one
    prob, alias = gg.alias_tables(weights, offsets)
    for r in range(7):
        lo, hi = offsets[r], offsets[r + 1]
        if hi == lo:
            continue
        assert ((alias[lo:hi] >= lo) & (alias[lo:hi] < hi)).all()
        assert ((prob[lo:hi] >= 0) & (prob[lo:hi] <= 1)).all()
        w = weights[lo:hi]
        want = w / w.sum() if w.sum() > 0 else np.full(hi - lo, 1.0 / (hi - lo))
        assert np.allclose(implied(prob, alias, lo, hi), want, rtol=0, atol=1e-14)
    # the zero-weight nodes of range 1 are never drawn; the single node always
    assert prob[[9, 11]].tolist() == [0.0, 0.0] and alias[[9, 11]].tolist() == [10, 10]
    assert prob[12] == 1.0 and alias[12] == 12
    assert prob[13:17].tolist() == [1.0] * 4 and alias[13:17].tolist() == [13, 14, 15, 16]


def test_draw_is_uniform_slot_then_alias():
    prob = np.array([1.0, 0.25, 0.5, 0.0])
    alias = np.array([0, 2, 0, 2], np.int32)
    s, twin = streams(5)
    for _ in range(50):
        got = gg._draw(s, prob, alias, 1, 3)
        i = 1 + _below(twin, 3)
        assert got == (i if twin.double() < prob[i] else alias[i])


def poisson_twin(rng, lam):
    if lam <= 0.0:
        return 0
    if lam > 1000.0:
        u1, u2 = rng.open_closed(), rng.double()
        z = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
        return max(0, math.floor(lam + math.sqrt(lam) * z + 0.5))

    def inversion(lam):
        k, p = 0, math.exp(-lam)
        c, u = p, rng.double()
        while u > c:
            k += 1
            p *= lam / k
            c += p
            if p == 0.0 and c < u:
                break
        return k

    k = 0
    while lam > 500.0:
        k += inversion(500.0)
        lam -= 500.0
    return k + inversion(lam)


@pytest.mark.parametrize("lam", [0.0, -1.0, 0.3, 4.0, 37.5, 499.0, 500.0, 501.0, 999.0,
                                 1000.0, 1000.5, 4321.0])
def test_poisson_equals_the_twin(lam):
    s, twin = streams(int(lam) + 7)
    got = [gg._poisson(s, lam) for _ in range(30)]
    assert got == [poisson_twin(twin, lam) for _ in range(30)]
    if lam > 0:
        # 30 draws: their mean within Z = 4 standard errors sqrt(lam / 30)
        assert abs(np.mean(got) - lam) <= 4 * math.sqrt(lam / 30)


def test_block_edge_counts_equal_the_twin():
    theta = np.array([1.0, 2.0, 3.0, 0.5, 0.5, 4.0, 10.0, 6.0, 2.0])
    offsets = np.array([0, 3, 5, 9])
    for mixing in (0.0, 0.25, 1.0):
        s, twin = streams(int(mixing * 100))
        counts = gg.block_edge_counts(s, theta, offsets, mixing)
        want = [poisson_twin(twin, (1 - mixing) * t / 2) for t in (6.0, 1.0, 22.0)]
        want.append(poisson_twin(twin, mixing * 29.0 / 2))
        assert counts.tolist() == want


def test_block_tables():
    theta = np.array([1.0, 2.0, 3.0, 0.5, 0.5, 4.0, 10.0, 6.0, 2.0])
    offsets = np.array([0, 3, 5, 9])
    prob, alias, bprob, balias, cum = gg.block_tables(theta, offsets)
    p2, a2 = gg.alias_tables(theta, offsets)
    assert prob.tolist() == p2.tolist() and alias.tolist() == a2.tolist()
    assert cum.tolist() == [0.0, 6.0, 7.0, 29.0]
    assert np.allclose(implied(bprob, balias, 0, 3), [6 / 29, 1 / 29, 22 / 29], atol=1e-15)


def other_block_twin(rng, cum, cu):
    blocks = len(cum) - 1
    own = cum[cu + 1] - cum[cu]
    x = rng.double() * (cum[blocks] - own)
    if x >= cum[cu]:
        x += own
    cv = min(max(int(np.searchsorted(cum, x, side="right")) - 1, 0), blocks - 1)
    if cv == cu or cum[cv + 1] <= cum[cv]:
        for step in range(1, blocks):
            for t in (cu + step, cu - step):
                if 0 <= t < blocks and cum[t + 1] > cum[t]:
                    return t
    return cv


def test_block_edges_equal_the_twin():
    theta = np.array([1.0, 2.0, 3.0, 0.5, 0.5, 4.0, 10.0, 6.0, 2.0])
    offsets = np.array([0, 3, 5, 9])
    prob, alias, bprob, balias, cum = gg.block_tables(theta, offsets)
    counts = np.array([4, 2, 6, 9])
    s, twin = streams(12)
    src, dst = gg.block_edges(s, prob, alias, bprob, balias, cum, offsets, counts)

    def draw(lo, size, p=prob, a=alias):
        i = lo + _below(twin, size)
        return i if twin.double() < p[i] else int(a[i])

    want = []
    for r in range(3):
        lo, size = offsets[r], offsets[r + 1] - offsets[r]
        want += [(draw(lo, size), draw(lo, size)) for _ in range(counts[r])]
    for _ in range(counts[3]):
        cu = draw(0, 3, bprob, balias)
        cv = other_block_twin(twin, cum.tolist(), cu)
        a = draw(offsets[cu], offsets[cu + 1] - offsets[cu])
        want.append((a, draw(offsets[cv], offsets[cv + 1] - offsets[cv])))
    assert list(zip(src.tolist(), dst.tolist())) == want
    block = np.searchsorted(offsets, np.arange(9), side="right") - 1
    assert all(block[u] == block[v] for u, v in want[:12])
    assert all(block[u] != block[v] for u, v in want[12:])


def test_other_block_skips_the_own_block_and_empty_ones():
    cum = [0.0, 2.0, 2.0, 5.0, 6.0]  # block 1 has no mass
    for seed in range(5):
        s, twin = streams(seed)
        for cu in (0, 2, 3, 0, 3, 2):
            got = gg._other_block(s, np.array(cum), cu)
            assert got == other_block_twin(twin, cum, cu) and got not in (cu, 1)
    # the boundary: a draw of exactly 0 from block 0 lands at the start of the rest
    assert gg._other_block(np.zeros(4, np.uint64), np.array(cum), 0) == 2
    assert gg._other_block(np.zeros(4, np.uint64), np.array(cum), 2) == 0


def test_distinct_keys_categories_and_ends():
    n = 10
    src = np.array([3, 1, 4, 4, 9, 2, 6, 5, 7, 0], np.int32)
    dst = np.array([1, 3, 4, 9, 4, 2, 5, 6, 8, 9], np.int32)
    keys = gg.distinct_keys(src, dst, n)
    want = sorted({min(u, v) * n + max(u, v) for u, v in zip(src, dst) if u != v})
    assert keys.tolist() == want == [9, 13, 49, 56, 78]
    offsets = np.array([0, 4, 7, 10])
    # 0-9 across, 1-3 in 0, 4-9 across, 5-6 in 1, 7-8 in 2
    assert gg.key_categories(keys, n, offsets).tolist() == [1, 1, 1, 2]
    a, b = gg.split_keys(keys, n)
    assert list(zip(a.tolist(), b.tolist())) == [(0, 9), (1, 3), (4, 9), (5, 6), (7, 8)]
    assert gg.distinct_keys(np.array([2], np.int32), np.array([2], np.int32), 3).size == 0


def place_twin(rng, need, sizes):
    free = list(sizes)
    out = [0] * len(need)
    for i in sorted(range(len(need)), key=lambda i: -need[i]):  # stable: ties by index
        fits = sum(1 for c in sizes if c >= need[i])  # sizes decrease: a prefix
        room = sum(free[:fits])
        if room == 0:
            fits = len(sizes)
            room = sum(free)
        k = _below(rng, room)
        c = 0
        while k >= free[c]:
            k -= free[c]
            c += 1
        free[c] -= 1
        out[i] = c
    return out


@pytest.mark.parametrize("sizes,low,high", [
    ([9, 7, 5, 5, 3, 2, 1], 1, 1),  # every community fits every node
    ([5, 3, 3, 2], 3, 3),  # communities of exactly the need fit; the last nodes overflow
    ([7, 5, 5, 2, 2], 3, 5),  # the three largest fit every node
    ([4, 4], 9, 9),  # none fits: any community with room
    ([6], 1, 7),
    ([8, 6, 4, 3, 2, 2], 1, 8),  # more communities fit each smaller need
    ([5, 4, 4, 1], 1, 4)])
def test_place_in_communities_equals_the_twin(sizes, low, high):
    """Needs for which the communities that fit are the same for every node, and needs
    for which they grow as the needs fall."""
    rng = np.random.default_rng(len(sizes))
    total = sum(sizes)
    need = rng.integers(low, high + 1, total)
    s, twin = streams(total)
    got = gg.place_in_communities(s, need.astype(np.int64), np.array(sizes, np.int64))
    want = place_twin(twin, need.tolist(), sizes)
    assert got.tolist() == want
    assert Counter(want) == Counter({c: size for c, size in enumerate(sizes)})  # all full


def test_nodes_are_placed_where_they_fit():
    """Communities of 4, 3 and 1 places; one node needs 4, four need 3, three need 1.
    The four that need 3 fit in the 3 places left in the first community and the 3 of
    the second, so none may land in the community of 1."""
    need = np.array([1, 3, 4, 3, 1, 3, 1, 3], np.int64)
    for seed in range(40):
        got = gg.place_in_communities(state(seed), need, np.array([4, 3, 1], np.int64))
        assert all(got[i] < 2 for i in np.flatnonzero(need == 3)), seed
