"""Exact checks of the ranking kernels (refsim._kernels.centrality) against independent
implementations: networkx, dense power iteration in numpy, brute-force shortest paths,
and DegreeDiscountIC as printed."""

import itertools

import networkx as nx
import numpy as np
import pytest

import refsim
from test_strategies import _degree_discount_reference as dd_reference  # the printed one
from refsim._kernels.centrality import (betweenness_from, core_numbers, degree_discount,
                                        pagerank)


def ordered(G):
    """G with its nodes 0 .. n-1 inserted in order (so refsim's ids are the labels)."""
    H = G.__class__()
    H.add_nodes_from(sorted(G))
    H.add_edges_from(G.edges())
    return H


def csr(G):
    g = refsim.Graph.from_networkx(G)
    assert [g.label(u) for u in range(g.n)] == list(range(G.number_of_nodes()))
    return g.indptr, g.indices


def with_dangling(seed, n=30, p=0.08):
    """A random digraph with nodes that have no out-arc, one with no arc at all."""
    G = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    G.remove_edges_from(list(G.out_edges(3)) + list(G.out_edges(7)))
    G.remove_edges_from(list(G.in_edges(n - 1)) + list(G.out_edges(n - 1)))
    return G


def power_iteration(G, damping, tol, max_iter):
    """Dense PageRank: x <- d (A^T D^-1 x + dangling mass / n) + (1 - d) / n, from the
    uniform vector, until the L1 change is below n * tol (networkx's test). Returns
    (x, iterations)."""
    n = G.number_of_nodes()
    A = nx.to_numpy_array(G, nodelist=range(n))
    out = A.sum(axis=1)
    P = np.divide(A, out[:, None], out=np.zeros_like(A), where=out[:, None] > 0)
    x = np.full(n, 1.0 / n)
    for it in range(1, max_iter + 1):
        new = damping * (P.T @ x + x[out == 0].sum() / n) + (1.0 - damping) / n
        err = np.abs(new - x).sum()
        x = new
        if err < n * tol:
            return x, it
    return x, max_iter


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("damping", [0.85, 0.5])
def test_pagerank_equals_dense_power_iteration(seed, damping):
    G = with_dangling(seed)
    indptr, indices = csr(G)
    x, its = pagerank(indptr, indices, damping, 1e-9, 500)
    want, want_its = power_iteration(G, damping, 1e-9, 500)
    assert its == want_its and 5 < its < 500
    assert np.allclose(x, want, rtol=1e-12, atol=0)
    assert abs(x.sum() - 1.0) < 1e-12  # dangling mass spread, nothing lost
    ref = nx.pagerank(G, alpha=damping, tol=1e-13, max_iter=1000)
    assert np.allclose(x, [ref[v] for v in G], rtol=0, atol=1e-8)


@pytest.mark.parametrize("steps", [1, 2, 3])
def test_pagerank_stops_after_max_iter(steps):
    G = with_dangling(4)
    indptr, indices = csr(G)
    x, its = pagerank(indptr, indices, 0.85, 1e-12, steps)
    want, want_its = power_iteration(G, 0.85, 1e-12, steps)
    assert its == want_its == steps
    assert np.allclose(x, want, rtol=1e-13, atol=0)


def test_pagerank_by_hand():
    """A directed 3-cycle is uniform from the start: one iteration, zero change. With
    no arc at all every node is dangling: uniform again. On 0 -> 1 (1 dangling), one
    step from (1/2, 1/2) gives x0 = (1-d)/2 + d/4, x1 = (1-d)/2 + d/4 + d/2."""
    x, its = pagerank(np.array([0, 1, 2, 3]), np.array([1, 2, 0], np.int32), 0.85, 1e-6, 50)
    assert its == 1 and x.tolist() == pytest.approx([1 / 3] * 3, rel=1e-15)
    x, its = pagerank(np.zeros(5, np.int64), np.zeros(0, np.int32), 0.85, 1e-6, 50)
    assert its == 1 and x.tolist() == pytest.approx([0.25] * 4, rel=1e-15)
    d = 0.85
    x, its = pagerank(np.array([0, 1, 1]), np.array([1], np.int32), d, 1e-12, 1)
    assert x.tolist() == pytest.approx([(1 - d) / 2 + d / 4, (1 - d) / 2 + 3 * d / 4],
                                       rel=1e-15)


def graphs_for_cores():
    out = [nx.powerlaw_cluster_graph(120, 3, 0.5, seed=1),
           nx.gnp_random_graph(80, 0.06, seed=2),
           nx.barabasi_albert_graph(60, 2, seed=3)]
    G = nx.complete_graph(6)  # a 5-core hanging off a path, plus isolated nodes
    G.add_edges_from([(5, 6), (6, 7), (7, 8), (2, 9), (9, 10), (10, 2)])
    G.add_nodes_from([11, 12])
    out.append(G)
    return out


@pytest.mark.parametrize("G", graphs_for_cores(), ids=["plc", "gnp", "ba", "hand"])
def test_core_numbers_equal_networkx(G):
    indptr, indices = csr(G)
    assert core_numbers(indptr, indices).tolist() == [nx.core_number(G)[v] for v in G]


def test_core_numbers_by_hand():
    # K6 on 0..5; 6, 7, 8 a path off 5; triangle 2-9-10; 11 and 12 alone
    G = graphs_for_cores()[-1]
    indptr, indices = csr(G)
    assert core_numbers(indptr, indices).tolist() == [5] * 6 + [1, 1, 1, 2, 2, 0, 0]


def brute_betweenness(G, sources):
    """sum over s in sources, t != s reachable, of the share of shortest s-t paths
    through each interior node (paths enumerated)."""
    bc = dict.fromkeys(G, 0.0)
    for s in sources:
        for t in G:
            if t == s or not nx.has_path(G, s, t):
                continue
            paths = list(nx.all_shortest_paths(G, s, t))
            for path in paths:
                for w in path[1:-1]:
                    bc[w] += 1.0 / len(paths)
    return [bc[v] for v in G]


def betweenness_graphs():
    G = nx.Graph()  # many equal-length paths: a grid with a tail and a detached pair
    G.add_edges_from(nx.grid_2d_graph(3, 4).edges())
    G = nx.convert_node_labels_to_integers(G, ordering="sorted")
    G.add_edges_from([(11, 12), (12, 13), (14, 15)])
    return [ordered(G), nx.gnp_random_graph(25, 0.12, seed=5)]


@pytest.mark.parametrize("G", betweenness_graphs(), ids=["grid", "gnp"])
def test_betweenness_from_sources_equals_path_counting(G):
    indptr, indices = csr(G)
    n = G.number_of_nodes()
    everyone = betweenness_from(indptr, indices, np.arange(n))
    assert np.allclose(everyone, brute_betweenness(G, range(n)), rtol=1e-12, atol=1e-12)
    some = [9, 0, 4, 13] if n > 13 else [9, 0, 4]  # unsorted: state reset per source
    ours = betweenness_from(indptr, indices, np.array(some, np.int64))
    assert np.allclose(ours, brute_betweenness(G, some), rtol=1e-12, atol=1e-12)
    ref = nx.betweenness_centrality(G, normalized=False)
    assert np.allclose(everyone / 2, [ref[v] for v in G], rtol=1e-12, atol=1e-12)


def test_betweenness_on_a_directed_graph_follows_the_arcs():
    """On the directed path 0 -> 1 -> 2, node 1 lies on the one path from 0 to 2."""
    G = nx.DiGraph([(0, 1), (1, 2)])
    indptr, indices = csr(G)
    assert betweenness_from(indptr, indices, np.arange(3)).tolist() == [0.0, 1.0, 0.0]
    G = nx.gnp_random_graph(20, 0.15, seed=6, directed=True)
    indptr, indices = csr(G)
    ours = betweenness_from(indptr, indices, np.arange(20))
    assert np.allclose(ours, brute_betweenness(G, range(20)), rtol=1e-12, atol=1e-12)


def test_betweenness_by_hand():
    """Path 0-1-2-3 and a 4-cycle 4-5-6-7: from source 0, node 1 lies on the paths to
    2 and 3, node 2 on the path to 3. From 4, 5 and 7 each carry half of the two
    shortest paths to 6."""
    G = nx.Graph([(0, 1), (1, 2), (2, 3), (4, 5), (5, 6), (6, 7), (7, 4)])
    indptr, indices = csr(G)
    bc = betweenness_from(indptr, indices, np.array([0, 4], np.int64))
    assert bc.tolist() == [0.0, 2.0, 1.0, 0.0, 0.0, 0.5, 0.0, 0.5]


@pytest.mark.parametrize("G,p", [(nx.gnp_random_graph(40, 0.15, seed=8), 0.1),
                                 (nx.barabasi_albert_graph(40, 3, seed=9), 0.3),
                                 (nx.grid_2d_graph(5, 5), 0.0)], ids=["gnp", "ba", "grid"])
def test_degree_discount_is_the_published_algorithm(G, p):
    G = ordered(nx.convert_node_labels_to_integers(G, ordering="sorted"))
    indptr, indices = csr(G)
    n = G.number_of_nodes()
    for k in (1, 7, n):
        assert degree_discount(indptr, indices, k, p).tolist() == dd_reference(G, k, p)


def test_degree_discount_by_hand():
    """Star 0-{1,2,3} and path 4-5-6: 0 first (degree 3); 1, 2, 3 drop to
    1 - 2 - 0 = -1, so 5 (degree 2) follows, then 4 and 6 at 1 - 2 = -1 too, and the
    ties go to the smaller id: 1."""
    G = nx.Graph([(0, 1), (0, 2), (0, 3), (4, 5), (5, 6)])
    indptr, indices = csr(G)
    assert degree_discount(indptr, indices, 3, 0.5).tolist() == [0, 5, 1]
    assert set(itertools.chain(degree_discount(indptr, indices, 7, 0.5).tolist())) == \
        set(range(7))
