"""Independent Cascade: exact answers, theory, limits and the coupled slow twin."""

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.optimize import brentq

import refsim
from refsim._rng import run_states
from conftest import gnm_graph, random_arc_values, small_graphs
from naive import (exact_ic_distribution, exact_ic_spread, ic_coin, ic_coupled, per_run_sets,
                   sample_variance_se)

Z = 4.0  # tolerance in standard errors: a correct kernel fails one check in ~16,000


@pytest.mark.parametrize("name", sorted(small_graphs()))
@pytest.mark.parametrize("per_arc", [False, True])
def test_mean_spread_matches_exact_enumeration(name, per_arc, stat_scale):
    g = small_graphs()[name]
    p = random_arc_values(g, 7) if per_arc else 0.4
    model = refsim.IndependentCascade(p)
    arc_p = model.arc_probabilities(g)
    exact_mean, exact_var = exact_ic_spread(g, arc_p, [0])
    runs = int(20_000 * stat_scale)
    res = refsim.simulate(g, model, [0], runs=runs, rng=11)
    se = math.sqrt(exact_var / runs)
    assert abs(res.mean - exact_mean) <= Z * se, (res.mean, exact_mean, se)
    # the variance must match too (a kernel firing arcs in correlated ways would not):
    # Z standard errors of a sample variance, from the exact law's fourth moment
    var_se = sample_variance_se(exact_ic_distribution(g, arc_p, [0]), runs)
    assert abs(res.std**2 - exact_var) <= Z * var_se, (res.std**2, exact_var, var_se)


def test_weighted_cascade_matches_exact_enumeration(stat_scale):
    g = small_graphs()["cycle_chord"]
    model = refsim.IndependentCascade("weighted_cascade")
    arc_p = model.arc_probabilities(g)
    assert np.allclose(arc_p, 1.0 / g.in_degree[g.indices])
    exact_mean, exact_var = exact_ic_spread(g, arc_p, [1])
    runs = int(20_000 * stat_scale)
    res = refsim.simulate(g, model, [1], runs=runs, rng=3)
    assert abs(res.mean - exact_mean) <= Z * math.sqrt(exact_var / runs)


def test_agrees_in_distribution_with_one_coin_per_arc(stat_scale):
    g = refsim.Graph.from_networkx(nx.karate_club_graph())
    p = random_arc_values(g, 5, 0.0, 0.3)
    runs = int(4_000 * stat_scale)
    res = refsim.simulate(g, refsim.IndependentCascade(p), [0, 33], runs=runs, rng=8)
    rng = np.random.default_rng(9)
    coin = np.array([ic_coin(g, p, [0, 33], rng) for _ in range(runs)])
    se = math.sqrt(res.sem**2 + coin.std(ddof=1) ** 2 / runs)
    assert abs(res.mean - coin.mean()) <= Z * se
    # and the whole distribution: compare the two empirical CDFs (two-sample KS); a
    # correct kernel fails with probability at most 1e-4 (less: ties in discrete sizes
    # make the test conservative)
    from scipy.stats import ks_2samp

    assert ks_2samp(res.final_sizes, coin).pvalue > 1e-4


def _percolation_giant(zp):
    return brentq(lambda s: s - 1.0 + math.exp(-zp * s), 1e-9, 1.0)


def t_quantile(df):
    """Z for a standard error estimated with df degrees of freedom: the Student t quantile
    with the false-alarm rate Z has for a known one (6.3e-5, two-sided)."""
    from scipy import stats

    return stats.t.ppf(stats.norm.cdf(Z), df)


@pytest.mark.statistical
def test_large_outbreaks_follow_bond_percolation(stat_scale):
    """Newman (2002): on Erdos-Renyi graphs with mean degree z, IC with probability p
    gives large outbreaks of relative size S = 1 - exp(-z p S), with probability S."""
    n, z, p = 40_000, 3.0, 0.5
    S = _percolation_giant(z * p)  # ~0.583
    graphs = max(16, int(16 * stat_scale))
    seeds_per_graph, runs = 8, 20
    sizes, hits = [], []
    for k in range(graphs):
        g = gnm_graph(n, z, seed=100 + k)
        starts = np.random.default_rng(200 + k).choice(n, seeds_per_graph, replace=False)
        per_graph = []
        for j, s in enumerate(starts):
            res = refsim.simulate(g, refsim.IndependentCascade(p), [s], runs=runs,
                                  rng=[k, j])
            large = res.final_sizes > n / 10
            hits.append(large.mean())
            per_graph.extend(res.final_sizes[large] / n)
        sizes.append(np.mean(per_graph))
    # size of a large outbreak: graphs are the independent units, and the standard error
    # is estimated from them, hence the t quantile. Shifts of order 1/n are left out:
    # self-loops and repeated pairs (1.5 and 2.25 expected) lower the mean degree by
    # 7.5 / n and S by about 2.4 / n; the giant's own finite-size bias is O(1/n) too;
    # a few 1e-5, under a twentieth of the tolerance here
    se_size = np.std(sizes, ddof=1) / math.sqrt(graphs)
    tol = t_quantile(graphs - 1) * se_size
    assert abs(np.mean(sizes) - S) <= tol, (np.mean(sizes), S, se_size)
    # chance of a large outbreak: starting nodes are the independent units
    se_hit = np.std(hits, ddof=1) / math.sqrt(len(hits))
    tol = t_quantile(len(hits) - 1) * se_hit
    assert abs(np.mean(hits) - S) <= tol, (np.mean(hits), S, se_hit)


def test_p_zero_gives_the_seeds_and_p_one_the_reachable_set():
    G = nx.gnp_random_graph(300, 0.01, seed=4, directed=True)
    g = refsim.Graph.from_networkx(G)
    seeds = [0, 17, 99]
    res0 = refsim.simulate(g, refsim.IndependentCascade(0.0), seeds, runs=20, rng=1)
    assert (res0.final_sizes == 3).all() and res0.curves.shape == (20, 1)
    res1 = refsim.simulate(g, refsim.IndependentCascade(1.0), seeds, runs=20, rng=1)
    dist = nx.multi_source_dijkstra_path_length(G, seeds)
    assert (res1.final_sizes == len(dist)).all()
    depth = max(dist.values())
    layers = np.bincount(list(dist.values()), minlength=depth + 1).cumsum()
    assert res1.curves.shape == (20, depth + 1)
    assert (res1.curves == layers).all()


def test_spread_grows_with_p():
    g = refsim.Graph.from_networkx(nx.barabasi_albert_graph(2_000, 3, seed=1))
    sizes = [refsim.simulate(g, refsim.IndependentCascade(p), [0, 1], runs=2_000,
                             rng=5).final_sizes for p in (0.02, 0.05, 0.1, 0.2)]
    for a, b in zip(sizes, sizes[1:]):
        # run r of each p is one pair (the same stream): the mean paired difference more
        # than Z of its standard errors above 0, whatever the correlation within pairs
        d = b - a
        assert d.mean() > Z * d.std(ddof=1) / math.sqrt(d.size), [x.mean() for x in sizes]


def _check_coupled(g, p, seeds, runs, rng, steps=None):
    """``seeds``: one set for every run, or one set per run."""
    model = refsim.IndependentCascade(p)
    res = refsim.simulate(g, model, seeds, runs=runs, rng=rng, steps=steps)
    states = run_states(np.random.SeedSequence(rng), runs)
    arc_p = model.arc_probabilities(g)
    width = res.curves.shape[1]
    for r, run_seeds in enumerate(per_run_sets(seeds, runs)):
        size, counts = ic_coupled(g, arc_p, run_seeds, states[r], max_steps=steps)
        assert res.final_sizes[r] == size
        padded = (counts + [counts[-1]] * width)[:width]
        assert res.curves[r].tolist() == padded


def test_twin_follows_the_kernels_scan_threshold():
    from refsim._kernels.cascade import _SCAN
    from naive import SCAN

    assert SCAN == _SCAN


@pytest.mark.parametrize("p", [0.3, 0.01, "per_arc", "weighted_cascade", 1.0])
def test_kernel_equals_coupled_twin(p):
    g = refsim.Graph.from_networkx(nx.les_miserables_graph())
    if p == "per_arc":
        p = random_arc_values(g, 2, 0.0, 1.0)
    _check_coupled(g, p, [0, 11, 48], runs=60, rng=21)
    _check_coupled(g, p, [0, 11, 48], runs=30, rng=22, steps=2)


def test_deep_cascades_keep_every_step():
    # a long path at p = 0.99: most runs go deeper than the first curve buffer
    g = refsim.Graph.from_edges(np.arange(299), np.arange(1, 300), directed=True)
    _check_coupled(g, 0.99, [0], runs=40, rng=4)
    res = refsim.simulate(g, refsim.IndependentCascade(1.0), [0], runs=3, rng=0)
    assert res.curves.shape == (3, 300)
    assert (res.curves == np.arange(1, 301)).all()


@st.composite
def graph_case(draw):
    n = draw(st.integers(1, 14))
    m = draw(st.integers(0, 40))
    src = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    dst = draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m))
    directed = draw(st.booleans())
    g = refsim.Graph.from_edges(np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64),
                                n, directed=directed)
    if draw(st.booleans()):  # one seed set for every run
        seeds = list(draw(st.permutations(range(n)))[:draw(st.integers(0, n))])
    else:  # one set per run, of any sizes
        seeds = [list(draw(st.permutations(range(n)))[:draw(st.integers(0, n))])
                 for _ in range(4)]
    kind = draw(st.sampled_from(["uniform", "per_arc", "zero", "one"]))
    if kind == "uniform":
        p = draw(st.floats(0.0, 1.0))
    elif kind == "per_arc":
        p = np.array(draw(st.lists(st.floats(0.0, 1.0), min_size=g.num_arcs,
                                   max_size=g.num_arcs)))
    else:
        p = 0.0 if kind == "zero" else 1.0
    steps = draw(st.one_of(st.none(), st.integers(0, 4)))
    return g, p, seeds, steps, draw(st.integers(0, 2**32))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(graph_case())
def test_property_kernel_equals_twin_on_random_graphs(case):
    g, p, seeds, steps, rng = case
    _check_coupled(g, p, seeds, runs=4, rng=rng, steps=steps)

