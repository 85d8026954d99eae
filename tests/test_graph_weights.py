"""Models that read the graph's own arc weights: IC("weights"), LT(weights="graph")."""

import math

import numpy as np
import pytest

import refsim
from conftest import random_arc_values, small_graphs
from naive import exact_ic_spread, exact_lt_spread

Z = 4.0  # tolerance in standard errors: a correct kernel fails one check in ~16,000


def _with_weights(g, weights):
    return refsim.Graph(g.indptr, g.indices, weights=weights, directed=g.directed)


def _ic_case(g):
    return (_with_weights(g, random_arc_values(g, 4)), refsim.IndependentCascade("weights"),
            refsim.IndependentCascade, exact_ic_spread)


def _lt_case(g):
    raw = random_arc_values(g, 5)
    in_sums = np.bincount(g.indices, weights=raw, minlength=g.n)
    w = 0.9 * raw / in_sums[g.indices]  # in-weights of each node sum to 0.9
    return (_with_weights(g, w), refsim.LinearThreshold("graph"), refsim.LinearThreshold,
            exact_lt_spread)


@pytest.mark.parametrize("name", sorted(small_graphs()))
@pytest.mark.parametrize("case", [_ic_case, _lt_case], ids=["ic", "lt"])
def test_graph_weights_match_exact_enumeration(name, case, stat_scale):
    g, model, with_array, exact_spread = case(small_graphs()[name])
    exact_mean, exact_var = exact_spread(g, g.weights, [0])
    runs = int(20_000 * stat_scale)
    res = refsim.simulate(g, model, [0], runs=runs, rng=13)
    # Z standard errors of a mean of `runs` independent final sizes
    assert abs(res.mean - exact_mean) <= Z * math.sqrt(exact_var / runs), res.mean
    # exactly the numbers of the same weights given as a per-arc array
    same = refsim.simulate(g, with_array(g.weights), [0], runs=runs, rng=13)
    assert np.array_equal(res.curves, same.curves)


def test_graph_weights_of_zero_and_one_give_the_reachable_set_exactly():
    # arcs in CSR order: 0->1, 0->2, 0->3, 3->4, 4->5, 5->6, 6->2; the live ones reach
    # 1 and 3 from 0, then 4 from 3, and stop there
    g = _with_weights(small_graphs()["star_tail"], [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0])
    mean, var = exact_ic_spread(g, g.weights, [0])
    res = refsim.simulate(g, refsim.IndependentCascade("weights"), [0], runs=5, rng=0)
    assert (mean, var) == (4.0, 0.0)
    assert res.curves.tolist() == [[1, 3, 4]] * 5


def test_ic_graph_weights_must_exist_and_be_probabilities():
    ic = refsim.IndependentCascade("weights")
    assert repr(ic) == "IndependentCascade(p='weights')"
    assert ic.p is refsim.ArcScheme.GRAPH_WEIGHTS
    bare = refsim.Graph.from_edges([0, 1], [1, 2], directed=True)
    with pytest.raises(ValueError, match=r"IndependentCascade\('weights'\) reads each "
                                         r"arc's value from graph\.weights, but this graph "
                                         r"has none"):
        refsim.simulate(bare, ic, [0])
    g = refsim.Graph.from_edges([0, 1, 1], [1, 2, 0], directed=True, weights=[0.5, 2.5, -1.0],
                                labels=["x", "y", "z"])
    # arcs in CSR order: x -> y, y -> x, y -> z; the first bad one is y -> x
    with pytest.raises(ValueError, match=r"needs graph\.weights in \[0, 1\]; arc 'y' -> 'x' "
                                         r"has weight -1\.0 \(2 arc\(s\) outside \[0, 1\]\)"):
        refsim.simulate(g, ic, [0])


def test_lt_graph_weights_must_exist_and_sum_to_at_most_one():
    lt = refsim.LinearThreshold(weights="graph")
    assert repr(lt) == "LinearThreshold(weights='graph')"
    with pytest.raises(ValueError, match=r"LinearThreshold\(weights='graph'\) reads each "
                                         r"arc's value from graph\.weights, but this graph"):
        refsim.simulate(refsim.Graph.from_edges([0], [1]), lt, [0])
    over = refsim.Graph.from_edges([0, 1], [2, 2], directed=True, weights=[0.6, 0.6],
                                   labels=["x", "y", "z"])
    with pytest.raises(ValueError, match=r"weights into node 'z' sum to 1\.2"):
        refsim.simulate(over, lt, [0])
    bad = refsim.Graph.from_edges([0, 1], [2, 2], directed=True, weights=[0.5, 1.5],
                                  labels=["x", "y", "z"])
    with pytest.raises(ValueError, match=r"arc 'y' -> 'z' has weight 1\.5"):
        refsim.simulate(bad, lt, [0])
