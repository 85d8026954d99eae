"""IndependentCascade and LinearThreshold as parameter objects: what each hands the
kernels (exact per-arc values, threshold levels), the limits of what they accept, and
how they name themselves."""

from fractions import Fraction

import numpy as np
import pytest

import refsim


def _graph():
    # arcs in CSR order: 0->1, 0->2, 1->2, 2->0, 3->2; in-degrees 1, 1, 3, 0
    return refsim.Graph.from_edges([0, 0, 1, 2, 3], [1, 2, 2, 0, 2], directed=True)


def test_in_degree_shares_are_exact():
    g = _graph()
    indeg = {0: 1, 1: 1, 2: 3}
    expected = [float(Fraction(1, indeg[v])) for v in g.indices.tolist()]
    assert expected == [1.0, 1 / 3, 1 / 3, 1.0, 1 / 3]
    wc = refsim.IndependentCascade("weighted_cascade")
    assert wc.arc_probabilities(g).tolist() == expected
    assert refsim.LinearThreshold().arc_weights(g).tolist() == expected
    assert refsim.IndependentCascade(0.25).arc_probabilities(g).tolist() == [0.25] * 5


def test_per_arc_and_per_node_arrays_must_match_the_graph_exactly():
    g = _graph()  # 5 arcs, 4 nodes
    p = [0.1, 0.2, 0.3, 0.4, 0.5]
    assert refsim.IndependentCascade(p).arc_probabilities(g).tolist() == p
    w = [0.5, 0.2, 0.2, 0.5, 0.2]
    assert refsim.LinearThreshold(w).arc_weights(g).tolist() == w
    levels = refsim.LinearThreshold(thresholds=[1.0, 0.5, 0.25, 0.125]).threshold_levels(g)
    assert levels.tolist() == [t * (1 - 1e-9) for t in (1.0, 0.5, 0.25, 0.125)]
    for extra in (1, -1):  # one value too many, one too few
        with pytest.raises(ValueError, match=rf"p has {5 + extra} per-arc values but the "
                                             rf"graph has 5 arcs"):
            refsim.IndependentCascade(np.full(5 + extra, 0.1)).arc_probabilities(g)
        with pytest.raises(ValueError, match=rf"weights has {5 + extra} per-arc values but "
                                             rf"the graph has 5 arcs"):
            refsim.LinearThreshold(np.full(5 + extra, 0.1)).arc_weights(g)
        with pytest.raises(ValueError, match=rf"thresholds has {4 + extra} per-node values "
                                             rf"but the graph has 4 nodes"):
            refsim.LinearThreshold(thresholds=np.full(4 + extra, 0.5)).threshold_levels(g)


def test_in_weights_may_exceed_one_by_the_tolerance_and_no_more():
    # two arcs into node 2: 0.5 and c - 0.5 with c = 1 + SUM_TOLERANCE; c - 0.5 is exact
    # (Sterbenz), so the in-weights sum to c exactly: allowed. The next double up is not.
    g = refsim.Graph.from_edges([0, 1], [2, 2], directed=True)
    c = 1.0 + refsim.LinearThreshold.SUM_TOLERANCE
    assert 0.5 + (c - 0.5) == c
    assert refsim.LinearThreshold([0.5, c - 0.5]).arc_weights(g).tolist() == [0.5, c - 0.5]
    over = np.nextafter(c, 2.0) - 0.5
    with pytest.raises(ValueError, match=r"weights into node 2 sum to 1; .*\(1 node\(s\) over\)"):
        refsim.LinearThreshold([0.5, over]).arc_weights(g)


def test_the_first_node_over_is_named():
    # nodes 2 and 3 both take 0.6 + 0.6 in: the error names node 2 and counts both
    g = refsim.Graph.from_edges([0, 1, 0, 1], [2, 2, 3, 3], directed=True,
                                labels=["a", "b", "c", "d"])
    with pytest.raises(ValueError, match=r"weights into node 'c' sum to 1\.2; .*"
                                         r"\(2 node\(s\) over\)"):
        refsim.LinearThreshold([0.6] * 4).arc_weights(g)


def test_properties_and_names():
    per_arc = refsim.IndependentCascade(np.array([0.1, 0.2, 0.3]))
    assert per_arc.p.tolist() == [0.1, 0.2, 0.3]
    assert repr(per_arc) == "IndependentCascade(p=<3 per-arc values>)"
    assert repr(refsim.IndependentCascade(0.5)) == "IndependentCascade(p=0.5)"
    assert repr(refsim.IndependentCascade("weighted_cascade")) == (
        "IndependentCascade(p='weighted_cascade')")
    assert refsim.LinearThreshold().weights is None
    assert refsim.LinearThreshold().thresholds is None
    assert refsim.LinearThreshold("graph").weights == "graph"
    lt = refsim.LinearThreshold([0.5, 0.25], thresholds=[0.5, 1.0, 0.25])
    assert lt.weights.tolist() == [0.5, 0.25] and lt.thresholds.tolist() == [0.5, 1.0, 0.25]
    assert repr(lt) == ("LinearThreshold(weights=<2 per-arc values>, "
                        "thresholds=<3 per-node values>)")
    assert repr(refsim.LinearThreshold("graph", thresholds=0.25)) == (
        "LinearThreshold(weights='graph', thresholds=0.25)")
    assert refsim.LinearThreshold().threshold_levels(_graph()).shape == (0,)


def test_thresholds_are_keyword_only():
    with pytest.raises(TypeError):
        refsim.LinearThreshold(None, 0.5)
    assert refsim.LinearThreshold(weights=None, thresholds=0.5).thresholds == 0.5
