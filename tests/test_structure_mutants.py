"""Exact checks of the profile kernels (refsim._kernels.structure): local clustering and
components against networkx, label propagation against ``naive.label_propagation_coupled``
(the same draws in the same order) and against what its fixed points must be."""

import networkx as nx
import numpy as np
import pytest

import refsim
from naive import label_propagation_coupled
from refsim._kernels.structure import components, label_propagation, local_clustering
from refsim._rng import run_states


def csr(G):
    """CSR of an undirected networkx graph whose nodes are 0 .. n-1."""
    H = nx.Graph()
    H.add_nodes_from(range(G.number_of_nodes()))
    H.add_edges_from(G.edges())
    g = refsim.Graph.from_networkx(H)
    return g.indptr, g.indices


def clustered(seed):
    G = nx.powerlaw_cluster_graph(60, 3, 0.6, seed=seed)
    G.add_edges_from([(60, 61), (62, 63), (63, 64), (64, 62)])  # a pair, a triangle
    G.add_node(65)  # alone
    return G


@pytest.mark.parametrize("seed", range(2))
def test_local_clustering_equals_networkx(seed):
    G = clustered(seed)
    indptr, indices = csr(G)
    ref = nx.clustering(G)
    everyone = local_clustering(indptr, indices, np.arange(66))
    assert np.allclose(everyone, [ref[v] for v in range(66)], rtol=1e-14, atol=0)
    some = np.array([65, 3, 62, 60, 3, 0, 17])  # any order, repeats, degree 0 and 1
    assert np.allclose(local_clustering(indptr, indices, some), [ref[v] for v in some],
                       rtol=1e-14, atol=0)


def test_local_clustering_by_hand():
    """Node 0 of a triangle 0-1-2 with a pendant 3: one link among three neighbours of
    three possible, 1/3; 1 and 2 are in one triangle with two neighbours: 1; 3 has one
    neighbour: 0."""
    indptr, indices = csr(nx.Graph([(0, 1), (1, 2), (2, 0), (0, 3)]))
    assert local_clustering(indptr, indices, np.arange(4)).tolist() == [1 / 3, 1.0, 1.0, 0.0]
    # the marks of one node do not leak into the next
    assert local_clustering(indptr, indices, np.array([0, 3, 0])).tolist() == [1 / 3, 0.0,
                                                                                 1 / 3]


def same_partition(labels, parts):
    """labels name the parts exactly: equal within each, different across."""
    names = [{int(labels[u]) for u in part} for part in parts]
    return all(len(x) == 1 for x in names) and len(set().union(*names)) == len(parts)


@pytest.mark.parametrize("seed", range(4))
def test_components_equal_networkx(seed):
    G = nx.gnp_random_graph(80, 0.02, seed=seed)
    indptr, indices = csr(G)
    comp = components(indptr, indices)
    assert ((comp >= 0) & (comp < 80)).all()
    assert same_partition(comp, list(nx.connected_components(G)))
    assert nx.number_connected_components(G) > 10


def test_components_of_a_digraph_read_arcs_both_ways():
    # 0 -> 1 <- 2, 3 -> 4 -> 5 -> 3, 6 -> 7, 8 alone: weakly connected components
    g = refsim.Graph.from_edges([0, 2, 3, 4, 5, 6], [1, 1, 4, 5, 3, 7], n=9, directed=True)
    comp = components(g.indptr, g.indices)
    assert same_partition(comp, [{0, 1, 2}, {3, 4, 5}, {6, 7}, {8}])
    # arcs whose larger end comes first, chains that need several merges
    g = refsim.Graph.from_edges([9, 7, 5, 3, 1, 8, 6], [8, 6, 4, 2, 0, 7, 5], n=10,
                                directed=True)
    comp = components(g.indptr, g.indices)
    assert same_partition(comp, [{0, 1}, {2, 3}, {4, 5, 6, 7, 8, 9}])


def lp_graphs():
    """Four cliques of 8 joined in a ring by single edges, plus a pair: 34 nodes; and a
    sparse random graph of 48 nodes, where ties are frequent."""
    G = nx.ring_of_cliques(4, 8)
    G.add_edge(32, 33)
    return {"cliques": G, "sparse": nx.gnp_random_graph(48, 0.06, seed=3)}


# runs that tile the ids (34 and 48 nodes) and runs whose last one is short (34 = 8 * 4
# + 2, 48 = 5 * 9 + 3)
@pytest.mark.parametrize("name,block", [("cliques", 1), ("cliques", 2), ("cliques", 4),
                                        ("sparse", 1), ("sparse", 2), ("sparse", 5),
                                        ("sparse", 16)])
@pytest.mark.parametrize("seed", range(3))
def test_label_propagation_equals_the_coupled_twin(name, block, seed):
    G = lp_graphs()[name]
    indptr, indices = csr(G)
    state = run_states(np.random.SeedSequence(seed), 1)[0]
    for sweeps, stop in [(50, 0), (2, 0), (50, 3)]:
        labels, done = label_propagation(state.copy(), indptr, indices, sweeps, stop, block)
        want, want_done = label_propagation_coupled(state, indptr, indices, sweeps, stop,
                                                    block)
        assert labels.tolist() == want and done == want_done


def is_fixed_point(labels, G):
    """Every node with neighbours carries a label that is among its neighbours' most
    frequent ones."""
    for u in G:
        counts = {}
        for v in G[u]:
            counts[labels[v]] = counts.get(labels[v], 0) + 1
        if counts and counts.get(labels[u], 0) != max(counts.values()):
            return False
    return True


@pytest.mark.parametrize("seed", range(4))
def test_label_propagation_converges_to_a_fixed_point(seed):
    G = lp_graphs()["cliques"]
    indptr, indices = csr(G)
    state = run_states(np.random.SeedSequence(seed), 1)[0]
    labels, sweeps = label_propagation(state, indptr, indices, 100, 0, 2)
    assert sweeps < 100 and is_fixed_point(labels.tolist(), G)
    # each clique of 8 agrees on one label (a neighbour clique's, possibly); the pair,
    # linked to nothing else, on one of its two ids
    for c in range(4):
        assert len({labels[u] for u in range(8 * c, 8 * c + 8)}) == 1
    assert labels[32] == labels[33] in (32, 33)


def test_label_propagation_leaves_isolated_nodes_and_stops_when_asked():
    """Isolated nodes keep their own ids; with nothing to change the first sweep changes
    nothing and is the last. With ``stop_below`` above anything a sweep can change, one
    sweep is done."""
    indptr = np.zeros(6, np.int64)
    indices = np.zeros(0, np.int32)
    state = run_states(np.random.SeedSequence(1), 1)[0]
    labels, sweeps = label_propagation(state, indptr, indices, 10, 0, 2)
    assert labels.tolist() == [0, 1, 2, 3, 4] and sweeps == 1
    G = lp_graphs()["sparse"]
    indptr, indices = csr(G)
    labels, sweeps = label_propagation(state, indptr, indices, 10, 48, 16)
    assert sweeps == 1 and labels.tolist() != list(range(48))


def test_label_propagation_on_an_edge_takes_one_label():
    """Two nodes joined: whichever goes first takes the other's label (its only
    neighbour's); the second then already carries it. One sweep changes one label, the
    next none."""
    indptr, indices = csr(nx.Graph([(0, 1)]))
    for seed in range(6):
        state = run_states(np.random.SeedSequence(seed), 1)[0]
        labels, sweeps = label_propagation(state, indptr, indices, 10, 0, 1)
        assert labels[0] == labels[1] and sweeps == 2


def test_every_node_is_visited_each_sweep():
    """Pairs 2i - 2i+1 in runs of 4 ids, 10 nodes: after one sweep every pair shares a
    label, whoever of the two was visited first."""
    indptr, indices = csr(nx.Graph([(2 * i, 2 * i + 1) for i in range(5)]))
    for seed in range(10):
        state = run_states(np.random.SeedSequence(seed), 1)[0]
        labels, _ = label_propagation(state, indptr, indices, 1, 0, 4)
        assert all(labels[2 * i] == labels[2 * i + 1] for i in range(5)), seed


@pytest.mark.parametrize("seed", range(4))
def test_components_are_labelled_by_their_smallest_node(seed):
    """The label of a component is its smallest node, whatever the order in which the
    arcs join it (the contract profile relies on: comparable labels)."""
    G = nx.gnp_random_graph(80, 0.02, seed=seed)
    indptr, indices = csr(G)
    comp = components(indptr, indices)
    for part in nx.connected_components(G):
        assert {int(comp[u]) for u in part} == {min(part)}, sorted(part)
    # arcs that reach a component's smallest node last, through larger roots
    g = refsim.Graph.from_edges([9, 8, 7, 3, 5], [8, 7, 3, 5, 1], n=10, directed=True)
    assert components(g.indptr, g.indices).tolist() == [0, 1, 2, 1, 4, 1, 6, 1, 1, 1]


@pytest.mark.parametrize("seed", range(3))
def test_inside_arcs_counts_the_arcs_within_a_label(seed):
    from refsim._kernels.structure import inside_arcs

    g = refsim.generators.holme_kim(200, 3, 0.5, rng=seed)
    labels = np.random.default_rng(seed).integers(0, 7, g.n)
    src = np.repeat(np.arange(g.n), g.out_degree)
    assert inside_arcs(g.indptr, g.indices, labels) == int(
        (labels[src] == labels[g.indices]).sum())


def test_describe_reads_a_digraph_as_its_simple_undirected_view():
    """The lean path (no per-arc int64 copies) profiles a digraph exactly as networkx's
    undirected view of it, built independently."""
    rng = np.random.default_rng(4)
    src, dst = rng.integers(0, 300, 1500), rng.integers(0, 300, 1500)
    d = refsim.Graph.from_edges(src, dst, 300, directed=True)
    G = nx.Graph()
    G.add_nodes_from(range(300))
    G.add_edges_from((int(u), int(v)) for u, v in zip(src, dst) if u != v)
    from dataclasses import asdict

    a = asdict(refsim.describe(d, rng=1))
    b = asdict(refsim.describe(refsim.Graph.from_networkx(G), rng=1))
    assert (a.pop("arcs"), a.pop("directed")) == (1486, True)  # the input's own
    assert (b.pop("arcs"), b.pop("directed")) == (2 * G.number_of_edges(), False)
    assert a == b
    u = refsim.Graph.from_networkx(G)
    lab = np.asarray(u.out_degree) % 3  # any labels: mixing and modularity by hand
    g = refsim.Graph(u.indptr, u.indices, directed=False, communities=lab)
    p = refsim.describe(g)
    inside = sum(lab[u] == lab[v] for u, v in G.edges()) / G.number_of_edges()
    assert p.mixing == pytest.approx(1 - inside, abs=1e-12)
    vol = np.bincount(lab, weights=[G.degree(v) for v in range(300)]) / (2 * G.number_of_edges())
    assert p.modularity == pytest.approx(inside - (vol**2).sum(), abs=1e-12)
