"""Linear Threshold: live-edge enumeration, limits and the coupled slow twin."""

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import refsim
from refsim._rng import run_states
from conftest import small_graphs
from naive import exact_lt_spread, lt_coupled, per_run_sets

Z = 4.0


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
    assert res.std**2 == pytest.approx(exact_var, rel=0.1)


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
