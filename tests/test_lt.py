"""Linear Threshold: live-edge enumeration, limits and the coupled slow twin."""

import math
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import refsim
from refsim._rng import run_states
from conftest import small_graphs
from naive import (exact_lt_distribution, exact_lt_spread, lt_coupled, lt_fixed, per_run_sets,
                   sample_variance_se)

Z = 4.0  # tolerance in standard errors: a correct kernel fails one check in ~16,000


def _scaled_weights(g, seed, total=0.9):
    """Random in-weights per node, summing to ``total`` (so some mass chooses no arc)."""
    rng = np.random.default_rng(seed)
    raw = rng.uniform(0.1, 1.0, g.num_arcs)
    sums = np.bincount(g.indices, weights=raw, minlength=g.n)
    return total * raw / sums[g.indices]


@pytest.mark.parametrize("name", sorted(small_graphs()))
@pytest.mark.parametrize("weights", ["default", "random"])
def test_mean_spread_matches_live_edge_enumeration(name, weights, stat_scale):
    g = small_graphs()[name]
    model = refsim.LinearThreshold(None if weights == "default" else _scaled_weights(g, 3))
    w = model.arc_weights(g)
    exact_mean, exact_var = exact_lt_spread(g, w, [0])
    runs = int(20_000 * stat_scale)
    res = refsim.simulate(g, model, [0], runs=runs, rng=12)
    assert abs(res.mean - exact_mean) <= Z * math.sqrt(exact_var / runs), (res.mean, exact_mean)
    # Z standard errors of a sample variance, from the exact law's fourth moment
    var_se = sample_variance_se(exact_lt_distribution(g, w, [0]), runs)
    assert abs(res.std**2 - exact_var) <= Z * var_se, (res.std**2, exact_var, var_se)


def test_whole_weight_activates_surely_and_zero_weight_never():
    # in a directed path each node has one in-arc; weight 1 makes every step certain
    g = refsim.Graph.from_edges(np.arange(99), np.arange(1, 100), directed=True)
    res = refsim.simulate(g, refsim.LinearThreshold(np.ones(99)), [0], runs=5, rng=0)
    assert (res.final_sizes == 100).all() and (res.curves == np.arange(1, 101)).all()
    res = refsim.simulate(g, refsim.LinearThreshold(np.zeros(99)), [0], runs=5, rng=0)
    assert (res.final_sizes == 1).all()


def _check_coupled(g, weights, seeds, runs, rng, steps=None):
    """``seeds``: one set for every run, or one set per run."""
    model = refsim.LinearThreshold(weights)
    res = refsim.simulate(g, model, seeds, runs=runs, rng=rng, steps=steps)
    states = run_states(np.random.SeedSequence(rng), runs)
    w = model.arc_weights(g)
    width = res.curves.shape[1]
    for r, run_seeds in enumerate(per_run_sets(seeds, runs)):
        size, counts = lt_coupled(g, w, run_seeds, states[r], max_steps=steps)
        assert res.final_sizes[r] == size
        assert res.curves[r].tolist() == (counts + [counts[-1]] * width)[:width]


def test_kernel_equals_coupled_twin():
    g = refsim.Graph.from_networkx(nx.les_miserables_graph())
    _check_coupled(g, None, [0, 11], runs=60, rng=3)
    _check_coupled(g, _scaled_weights(g, 1, 1.0), [5], runs=60, rng=4, steps=3)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(n=st.integers(1, 12), data=st.data())
def test_property_kernel_equals_twin_on_random_graphs(n, data):
    m = data.draw(st.integers(0, 30))
    src = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)),
                   dtype=np.int64)
    dst = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)),
                   dtype=np.int64)
    g = refsim.Graph.from_edges(src, dst, n, directed=data.draw(st.booleans()))
    weights = None if data.draw(st.booleans()) else _scaled_weights(
        g, data.draw(st.integers(0, 99)), data.draw(st.floats(0.0, 1.0)))
    def some_seeds():
        return list(data.draw(st.permutations(range(n)))[: data.draw(st.integers(0, n))])

    # one seed set for every run, or one per run
    seeds = some_seeds() if data.draw(st.booleans()) else [some_seeds() for _ in range(3)]
    _check_coupled(g, weights, seeds, runs=3, rng=data.draw(st.integers(0, 2**32)))


# ------------------------------------------------------------ fixed thresholds
def test_fixed_thresholds_by_hand():
    # a - b, a - c, b - c, c - d, d - e (undirected); weights 1 / degree; seed a.
    # b (neighbours a, c; threshold 1/2): a alone is 1/2 -> step 1.
    # c (a, b, d; 0.6): a is 1/3 < 0.6; a and b are 2/3 -> step 2.
    # d (c, e; 1/2): c is 1/2 -> step 3.   e (d; 1): d is 1 -> step 4.
    g = refsim.Graph.from_edges([0, 0, 1, 2, 3], [1, 2, 2, 3, 4], labels=list("abcde"))
    model = refsim.LinearThreshold(thresholds=[0.3, 0.5, 0.6, 0.5, 1.0])
    res = refsim.simulate(g, model, [0], runs=3, rng=0)
    assert res.curves.tolist() == [[1, 2, 3, 4, 5]] * 3
    # c at 0.7 needs all three neighbours, but d waits for c: the cascade stops at b
    stuck = refsim.LinearThreshold(thresholds=[0.3, 0.5, 0.7, 0.5, 1.0])
    assert refsim.simulate(g, stuck, [0], runs=2, rng=0).curves.tolist() == [[1, 2]] * 2
    # one threshold for every node: 1/2 lets c in at step 2 as well
    assert refsim.simulate(g, refsim.LinearThreshold(thresholds=0.5), [0],
                           rng=0).curves.tolist() == [[1, 2, 3, 4, 5]]
    assert refsim.simulate(g, stuck, [0], rng=0, steps=1).curves.tolist() == [[1, 2]]


@pytest.mark.parametrize("active,joins", [(7, False), (8, True), (10, True)])
def test_fixed_threshold_is_reached_despite_rounding(active, joins):
    # ten arcs into node 10 at weight 0.1: in floating point 0.1 * 8 summed is
    # 0.7999999999999999 < 0.8, yet 8 of 10 in-neighbours do reach a threshold of 0.8
    g = refsim.Graph.from_edges(np.arange(10), np.full(10, 10), directed=True)
    res = refsim.simulate(g, refsim.LinearThreshold(thresholds=0.8), list(range(active)))
    assert res.final_sizes.tolist() == [active + joins]


def test_fixed_thresholds_use_no_randomness():
    g = refsim.Graph.from_networkx(nx.les_miserables_graph())
    theta = np.random.default_rng(0).uniform(0.05, 0.6, g.n)
    model = refsim.LinearThreshold(thresholds=theta)
    base = refsim.simulate(g, model, [0, 11], runs=5, rng=0)
    assert (base.curves == base.curves[0]).all()
    for rng, first in [(1, 0), (2**40, 7), (None, 3)]:
        other = refsim.simulate(g, model, [0, 11], runs=5, rng=rng, first_run=first)
        assert np.array_equal(other.curves, base.curves)


@st.composite
def fixed_case(draw):
    """A random small graph, seeds and fixed thresholds, in exact fractions: either the
    default weights 1/in-degree with thresholds k/20 (Watts's fraction rule), or weights
    and thresholds in sixteenths."""
    n = draw(st.integers(1, 12))
    m = draw(st.integers(0, 30))
    src = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    dst = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    g = refsim.Graph.from_edges(np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64),
                                n, directed=draw(st.booleans()))
    indeg = np.bincount(g.indices, minlength=n)
    if draw(st.booleans()):
        exact_w = [Fraction(1, int(indeg[v])) for v in g.indices.tolist()]
        weights, unit = None, 20
    else:
        # each node shares out at most 16 sixteenths over its in-arcs
        exact_w = [Fraction(0)] * g.num_arcs
        for v in range(n):
            arcs = np.flatnonzero(g.indices == v).tolist()
            parts = draw(st.lists(st.integers(0, 16), min_size=len(arcs), max_size=len(arcs)))
            scale = max(1, sum(parts) // 16 + (sum(parts) % 16 > 0))
            for e, part in zip(arcs, parts):
                exact_w[e] = Fraction(part // scale, 16)
        weights, unit = [float(w) for w in exact_w], 16
    if draw(st.booleans()):
        k = draw(st.integers(1, unit))
        exact_t, thresholds = [Fraction(k, unit)] * n, k / unit
    else:
        ks = draw(st.lists(st.integers(1, unit), min_size=n, max_size=n))
        exact_t, thresholds = [Fraction(k, unit) for k in ks], [k / unit for k in ks]
    seeds = list(draw(st.permutations(range(n)))[: draw(st.integers(0, n))])
    steps = draw(st.one_of(st.none(), st.integers(0, 3)))
    return g, weights, thresholds, exact_w, exact_t, seeds, steps


@settings(max_examples=150, deadline=None, derandomize=True)
@given(fixed_case())
def test_fixed_thresholds_equal_the_exact_twin(case):
    g, weights, thresholds, exact_w, exact_t, seeds, steps = case
    model = refsim.LinearThreshold(weights, thresholds=thresholds)
    res = refsim.simulate(g, model, seeds, runs=2, rng=5, steps=steps)
    size, counts = lt_fixed(g, exact_w, exact_t, seeds, max_steps=steps)
    width = res.curves.shape[1]
    assert res.final_sizes.tolist() == [size, size]
    assert res.curves.tolist() == [(counts + [counts[-1]] * width)[:width]] * 2


@pytest.mark.parametrize("thresholds,exc,pattern", [
    (0, ValueError, r"thresholds must be in \(0, 1\]; got 0\.0"),
    (1.5, ValueError, r"thresholds must be in \(0, 1\]; got 1\.5"),
    (float("nan"), ValueError, r"thresholds must be in \(0, 1\]; got nan"),
    (float("inf"), ValueError, r"thresholds must be in \(0, 1\]; got inf"),
    (-0.2, ValueError, r"thresholds must be in \(0, 1\]; got -0\.2"),
    (True, TypeError, r"thresholds must be a number in \(0, 1\]; got True of type bool"),
    ("0.5", TypeError, r"thresholds must be a number in \(0, 1\]; got '0\.5'"),
    ([0.5, 0.0], ValueError, r"thresholds\[1\] must be in \(0, 1\]; got 0\.0 \(1 bad"),
    ([0.5, float("nan")], ValueError, r"thresholds\[1\] must be in \(0, 1\]; got nan"),
    ([[0.5]], ValueError, r"thresholds must be one-dimensional \(one value per node\)"),
    ([[0.5], [0.5, 0.5]], ValueError, r"thresholds must be one-dimensional"),
    (["a", "b"], TypeError, r"thresholds must be an array of real numbers"),
    (np.array([True, False]), TypeError, r"thresholds must be an array of real numbers"),
])
def test_bad_thresholds(thresholds, exc, pattern):
    with pytest.raises(exc, match=pattern):
        refsim.LinearThreshold(thresholds=thresholds)


def test_thresholds_per_node_must_match_the_graph():
    g = refsim.Graph.from_edges([0, 1], [1, 2])
    assert refsim.LinearThreshold(thresholds=np.float32(0.5)).thresholds == 0.5
    assert refsim.LinearThreshold(thresholds=np.array(0.25)).thresholds == 0.25
    with pytest.raises(ValueError, match=r"thresholds has 2 per-node values but the graph "
                                         r"has 3 nodes"):
        refsim.simulate(g, refsim.LinearThreshold(thresholds=[0.5, 0.5]), [0])
    assert repr(refsim.LinearThreshold(thresholds=[0.5, 0.5])) == (
        "LinearThreshold(weights=1/in-degree, thresholds=<2 per-node values>)")

