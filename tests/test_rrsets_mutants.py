"""Exact checks of the RR-set kernels behind IMM (refsim._kernels.rrsets).

``rr_sets`` is compared set by set with ``naive.rr_sets_coupled``, which draws the same
random numbers in the same order, on graphs that have every kind of in-arc list (empty,
all probabilities zero, some exactly one, mixed); at the draws' extremes (the all-zero
state, whose every double is 0.0) the sets are known without any twin. ``max_coverage``
is compared with ``naive.greedy_coverage``, plain greedy over Python sets.
"""

import math

import networkx as nx
import numpy as np
import pytest

from naive import greedy_coverage, rr_sets_coupled
from refsim._kernels.rrsets import max_coverage, rr_sets
from refsim._rng import run_states


def in_arc_arrays(src, dst, values, n):
    """(in_indptr, in_src, in_values) of the arcs src -> dst grouped by target, in the
    order given; values are per arc."""
    src, dst, values = np.asarray(src), np.asarray(dst), np.asarray(values, np.float64)
    order = np.argsort(dst, kind="stable")
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(dst, minlength=n), out=indptr[1:])
    return indptr, src[order].astype(np.int32), values[order]


def node_tables(indptr, in_p):
    """Each node's largest in-arc probability (0 without in-arcs) and log(1 - it)."""
    n = indptr.shape[0] - 1
    pmax = np.array([in_p[indptr[v]:indptr[v + 1]].max(initial=0.0) for v in range(n)])
    with np.errstate(divide="ignore"):
        return pmax, np.log1p(-pmax)


def draw(kind, indptr, src, in_p, states, block, first, count, nodes=None, ptr=None,
         mark=None):
    """Run the kernel on sets first .. first+count-1; return (sets, nodes, ptr, mark)."""
    n = indptr.shape[0] - 1
    pmax, logq = node_tables(indptr, in_p)
    uniform = bool(in_p.size == 0 or in_p.min() == in_p.max())
    nodes = np.empty(1, np.int32) if nodes is None else nodes  # forces regrowth
    if ptr is None:
        ptr = np.zeros(first + count + 1, np.int64)
    mark = np.zeros(n, np.int64) if mark is None else mark
    nodes = rr_sets(kind, indptr, src, in_p, pmax, logq, uniform, states, block, first,
                    count, nodes, ptr, mark)
    sets = [nodes[ptr[j]:ptr[j + 1]].tolist() for j in range(first, first + count)]
    return sets, nodes, ptr, mark


def random_digraph(seed, n=12, arcs=34):
    """A random simple digraph with cycles, some nodes without in-arcs."""
    rng = np.random.default_rng(seed)
    pairs = {(int(u), int(v)) for u, v in rng.integers(0, n, (arcs, 2)) if u != v}
    pairs = sorted(pairs, key=lambda _: rng.random())
    return [u for u, _ in pairs], [v for _, v in pairs], n


def ic_probabilities(seed, m):
    """Mixed probabilities: most in (0.05, 0.95), some exactly 0 and some exactly 1."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.05, 0.95, m)
    p[rng.random(m) < 0.15] = 0.0
    p[rng.random(m) < 0.15] = 1.0
    return p


def lt_weights(src, dst, n, seed):
    """In-weights of each node summing to at most 1 (to exactly 1 for some), with some
    zero weights."""
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.0, 1.0, len(src))
    w[rng.random(len(src)) < 0.2] = 0.0
    dst = np.asarray(dst)
    for v in range(n):
        on = dst == v
        total = w[on].sum()
        if total > 0:
            w[on] *= (1.0 if v % 3 == 0 else rng.uniform(0.3, 1.0)) / total
    return w


def cases():
    out = []
    for seed in range(3):
        src, dst, n = random_digraph(seed)
        m = len(src)
        out.append((f"ic-mixed-{seed}", 0, src, dst, ic_probabilities(seed, m), n))
        out.append((f"lt-{seed}", 1, src, dst, lt_weights(src, dst, n, seed), n))
    src, dst, n = random_digraph(7)
    out.append(("ic-uniform", 0, src, dst, np.full(len(src), 0.35), n))
    out.append(("ic-all-live", 0, src, dst, np.ones(len(src)), n))
    # no arc probability reaches 1 and none is 0: pure geometric jumps with thinning
    out.append(("ic-open", 0, src, dst, np.random.default_rng(9).uniform(0.1, 0.9,
                                                                          len(src)), n))
    return out


CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rr_sets_equal_the_coupled_twin(case):
    _, kind, src, dst, values, n = case
    indptr, isrc, in_p = in_arc_arrays(src, dst, values, n)
    states = run_states(np.random.SeedSequence(11), 4)
    block, count = 5, 19  # four streams, the last one partly used
    sets, nodes, ptr, _ = draw(kind, indptr, isrc, in_p, states.copy(), block, 0, count)
    want = rr_sets_coupled(kind, indptr, isrc, in_p, states, block, 0, count)
    assert sets == want
    assert ptr[0] == 0 and ptr[-1] == sum(map(len, want))
    assert nodes.shape[0] >= ptr[-1]
    for rr in sets:  # a set, not a walk: no node twice
        assert len(set(rr)) == len(rr)
    # something of every kind happened across the sets
    assert max(map(len, sets)) > 2 and min(map(len, sets)) == 1


@pytest.mark.parametrize("case", CASES[:2], ids=[c[0] for c in CASES[:2]])
def test_rr_sets_do_not_depend_on_how_they_are_batched(case):
    _, kind, src, dst, values, n = case
    indptr, isrc, in_p = in_arc_arrays(src, dst, values, n)
    states = run_states(np.random.SeedSequence(5), 3)
    whole, *_ = draw(kind, indptr, isrc, in_p, states.copy(), 4, 0, 12)
    # the caller keeps the streams, the buffer, the offsets and the marks between calls
    kept = states.copy()
    ptr = np.zeros(13, np.int64)
    first, nodes, ptr, mark = draw(kind, indptr, isrc, in_p, kept, 4, 0, 6, ptr=ptr)
    second, nodes, ptr, mark = draw(kind, indptr, isrc, in_p, kept, 4, 6, 6, nodes=nodes,
                                    ptr=ptr, mark=mark)
    assert first + second == whole
    assert [nodes[ptr[j]:ptr[j + 1]].tolist() for j in range(12)] == whole


def test_rr_sets_at_the_extreme_draws():
    """With the all-zero state every double is 0.0 (so every (0, 1] draw is 1.0): the
    root is node 0, a geometric jump is 0, and an arc is live exactly when its
    probability is positive. The IC set is then every node reaching 0 through arcs of
    positive probability (each once, the first arc of the list first), and the LT walk
    follows each node's first in-arc of positive weight until it meets itself."""
    n = 7
    #        arc:  0  1  2  3  4  5  6  7  8  9
    src = np.array([1, 2, 3, 4, 5, 6, 0, 2, 5, 4])
    dst = np.array([0, 0, 1, 1, 2, 5, 3, 3, 4, 6])
    p = np.array([0.5, 0.0, 0.3, 1.0, 0.2, 0.9, 0.0, 0.4, 0.6, 0.7])
    indptr, isrc, in_p = in_arc_arrays(src, dst, p, n)
    zero = np.zeros((1, 4), np.uint64)
    live = nx.DiGraph([(int(u), int(v)) for u, v, q in zip(src, dst, p) if q > 0])
    sets, *_ = draw(0, indptr, isrc, in_p, zero.copy(), 8, 0, 2)
    # 0 <- 1 (2 -> 0 is dead) <- 3, 4 (3's in-arcs: 0 dead, 2 live) <- 2, 5 <- 6
    assert sets[0] == [0, 1, 3, 4, 2, 5, 6]
    assert set(sets[0]) == nx.ancestors(live, 0) | {0}
    assert sets[1] == sets[0]  # the stream stays at zero
    # with every probability 1 the walk is plain reachability, arcs in list order
    sets, *_ = draw(0, indptr, isrc, np.ones_like(in_p), zero.copy(), 8, 0, 1)
    assert sets[0] == [0, 1, 2, 3, 4, 5, 6]
    # LT: 0 keeps its first positive in-arc (from 1), 1 its first (from 3), 3 has 0
    # (weight 0) then 2, 2 has 5, 5 has 6, 6 has 4, 4 has 5: met again
    w = np.array([0.5, 0.5, 0.3, 0.7, 1.0, 1.0, 0.0, 0.4, 1.0, 0.7])
    indptr, isrc, in_w = in_arc_arrays(src, dst, w, n)
    sets, *_ = draw(1, indptr, isrc, in_w, zero.copy(), 8, 0, 1)
    assert sets[0] == [0, 1, 3, 2, 5, 6, 4]


def test_lt_walk_stops_at_a_node_without_live_in_arc():
    """A double above every in-weight's sum keeps no arc: the set is the root alone."""
    # weights summing to 0.25 at each node; a stream whose draws are tested against it
    src, dst, n = [1, 2, 0], [0, 1, 2], 3
    indptr, isrc, in_w = in_arc_arrays(src, dst, [0.25] * 3, n)
    states = run_states(np.random.SeedSequence(3), 1)
    sets, *_ = draw(1, indptr, isrc, in_w, states.copy(), 64, 0, 40)
    assert sets == rr_sets_coupled(1, indptr, isrc, in_w, states, 64, 0, 40)
    lengths = [len(s) for s in sets]
    assert 1 in lengths and max(lengths) >= 2


def coverage_case(seed, n=14, sets=40):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(sets):
        size = int(rng.integers(1, 5))
        out.append(rng.choice(n - 2, size, replace=False).tolist())  # n-2, n-1 in none
    nodes = np.array([u for s in out for u in s], np.int32)
    ptr = np.zeros(sets + 1, np.int64)
    np.cumsum([len(s) for s in out], out=ptr[1:])
    return out, nodes, ptr


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("k", [1, 3, 13, 20])
def test_max_coverage_unit_costs_is_plain_greedy(seed, k):
    n = 14
    sets, nodes, ptr = coverage_case(seed, n)
    picks, covered = max_coverage(n, nodes, ptr, len(sets), k, np.ones(n), math.inf, False)
    want, want_covered = greedy_coverage(n, sets, k)
    assert picks.tolist() == want and covered == want_covered
    assert len(want) == min(k, n)  # nodes that cover nothing are still picked, smallest first


@pytest.mark.parametrize("seed", range(3))
def test_max_coverage_of_the_first_sets_only(seed):
    n = 14
    sets, nodes, ptr = coverage_case(seed, n)
    picks, covered = max_coverage(n, nodes, ptr, 17, 4, np.ones(n), math.inf, False)
    want, want_covered = greedy_coverage(n, sets[:17], 4)
    assert picks.tolist() == want and covered == want_covered


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("by_ratio", [False, True])
@pytest.mark.parametrize("budget", [1.0, 7.0, 12.0, 100.0])
def test_max_coverage_under_a_budget_is_plain_greedy(seed, by_ratio, budget):
    n = 14
    sets, nodes, ptr = coverage_case(seed, n)
    costs = np.random.default_rng(seed + 50).integers(1, 6, n).astype(np.float64)
    picks, covered = max_coverage(n, nodes, ptr, len(sets), 9, costs, budget, by_ratio)
    want, want_covered = greedy_coverage(n, sets, 9, costs, budget, by_ratio)
    assert picks.tolist() == want and covered == want_covered
    assert costs[picks].sum() <= budget


def test_max_coverage_by_hand():
    """Sets {0,1}, {1,2}, {2}, {3}: nodes 1 and 2 both cover two; ties go to the
    smaller id. Costs 1, 2, 2, 1 and budget 3: by ratio all four cover one set per unit,
    so 0; then 2 ({1,2}, 2 sets for 2) ties with 3 and fits the 2 left. Plain greedy
    takes 1 (2 sets, cost 2); then 0 covers nothing new, 2 no longer fits, 3 does."""
    sets = [[0, 1], [1, 2], [2], [3]]
    nodes = np.array([u for s in sets for u in s], np.int32)
    ptr = np.array([0, 2, 4, 5, 6], np.int64)
    picks, covered = max_coverage(4, nodes, ptr, 4, 4, np.ones(4), math.inf, False)
    assert picks.tolist() == [1, 2, 3, 0] and covered == 4
    costs = np.array([1.0, 2.0, 2.0, 1.0])
    picks, covered = max_coverage(4, nodes, ptr, 4, 4, costs, 3.0, True)
    assert picks.tolist() == [0, 2] and covered == 3
    picks, covered = max_coverage(4, nodes, ptr, 4, 4, costs, 3.0, False)
    assert picks.tolist() == [1, 3] and covered == 3  # budget spent exactly
    # the whole budget fits exactly: every node bought
    picks, covered = max_coverage(4, nodes, ptr, 4, 4, costs, 6.0, False)
    assert sorted(picks.tolist()) == [0, 1, 2, 3] and covered == 4
    # k stops first
    picks, covered = max_coverage(4, nodes, ptr, 4, 1, costs, 6.0, True)
    assert picks.tolist() == [0] and covered == 1


@pytest.mark.parametrize("case", CASES[:2], ids=[c[0] for c in CASES[:2]])
def test_rr_chunks_joined_in_order_equal_one_serial_call(case):
    """rr_chunk (what the threads run) gives the serial kernel's sets, chunk by chunk,
    whatever the chunk edges, as long as no two chunks share a block's stream."""
    from refsim._kernels.rrsets import rr_chunk

    _, kind, src, dst, values, n = case
    indptr, isrc, in_p = in_arc_arrays(src, dst, values, n)
    pmax, logq = node_tables(indptr, in_p)
    uniform = bool(in_p.min() == in_p.max())
    states = run_states(np.random.SeedSequence(5), 5)
    whole, *_ = draw(kind, indptr, isrc, in_p, states.copy(), 4, 0, 19)
    kept, got = states.copy(), []
    for lo, hi in [(0, 3), (3, 4), (4, 12), (12, 19)]:  # a partial block, then whole ones
        nodes, sizes = rr_chunk(kind, indptr, isrc, in_p, pmax, logq, uniform, kept, 4, lo,
                                hi - lo, np.zeros(n, np.int64))
        assert sizes.sum() == nodes.shape[0]
        ends = np.cumsum(sizes)
        got += [nodes[e - z:e].tolist() for e, z in zip(ends, sizes)]
    assert got == whole


@pytest.mark.parametrize("kind", [0, 1])
def test_imm_sets_do_not_depend_on_the_thread_count(kind):
    """The sampler's threads take whole blocks; its sets (and so IMM's seeds) are the
    serial ones on any number of threads, however the growth is batched."""
    import refsim
    from refsim.strategies.imm import _BLOCK, _in_arc_model, _Sampler

    g = refsim.generators.holme_kim(3_000, 4, 0.5, rng=2)
    model = refsim.IndependentCascade(0.08) if kind == 0 else refsim.LinearThreshold()
    k, in_p = _in_arc_model(g, model)
    runs = {}
    for workers in (1, 2, 3):
        s = _Sampler(g, k, in_p, np.random.SeedSequence(9), workers)
        for total in (100, 3 * _BLOCK + 17, 20 * _BLOCK + 5, 41 * _BLOCK):  # partial blocks
            s.extend_to(total)
        runs[workers] = (s.nodes[: s.ptr[-1]].copy(), s.ptr.copy())
    for workers in (2, 3):
        assert np.array_equal(runs[workers][0], runs[1][0])
        assert np.array_equal(runs[workers][1], runs[1][1])
