"""describe(), power_law_fit(), datasets and graph specs, against networkx and theory."""

import math

import networkx as nx
import numpy as np
import pytest

import refsim
from refsim import datasets, generators as gen
from refsim.profile import power_law_fit
from refsim.specs import graph_from_spec


@pytest.mark.parametrize("make", [
    lambda: nx.karate_club_graph(), lambda: nx.les_miserables_graph(),
    lambda: nx.powerlaw_cluster_graph(500, 3, 0.7, seed=1),
    lambda: nx.disjoint_union(nx.cycle_graph(7), nx.complete_graph(5)),
], ids=["karate", "lesmis", "holme_kim", "two_parts"])
def test_exact_profile_matches_networkx(make):
    G = nx.Graph(make())
    p = refsim.describe(refsim.Graph.from_networkx(G))
    assert p.clustering == pytest.approx(nx.average_clustering(G), abs=1e-12)
    assert p.clustering_se == 0.0
    comps = [len(c) for c in nx.connected_components(G)]
    assert p.components == len(comps)
    assert p.giant_component == pytest.approx(max(comps) / G.number_of_nodes())
    k = np.array([d for _, d in G.degree()], dtype=float)
    assert p.mean_degree == pytest.approx(k.mean())
    assert p.epidemic_threshold == pytest.approx(k.mean() / ((k**2).mean() - k.mean()))


def test_sampled_clustering_is_within_its_standard_error():
    g = gen.holme_kim(20_000, 4, 0.6, rng=3)
    exact = refsim.describe(g, clustering_sample=20_000).clustering
    errs = []
    for seed in range(8):
        p = refsim.describe(g, rng=seed, clustering_sample=1500)
        assert p.clustering_sampled == 1500 and p.clustering_se > 0
        errs.append((p.clustering - exact) / p.clustering_se)
    assert max(abs(e) for e in errs) < 4
    assert np.mean(np.square(errs)) < 4  # z-scores of size ~1, not inflated


@pytest.mark.parametrize("alpha", [2.2, 2.6, 3.2])
def test_power_law_fit_recovers_the_exponent(alpha):
    rng = np.random.default_rng(int(alpha * 10))
    kmin = 4
    # discrete power law by rounding a continuous one shifted by 1/2 (Clauset et al. 2009)
    x = (kmin - 0.5) * (1 - rng.random(100_000)) ** (-1 / (alpha - 1)) + 0.5
    est, found_kmin, ntail = power_law_fit(np.floor(x).astype(int))
    se = (est - 1) / math.sqrt(ntail)  # asymptotic s.e. of the MLE
    assert abs(est - alpha) <= 4 * se + 0.02, (est, found_kmin, ntail)


def test_power_law_fit_of_barabasi_albert_is_near_three():
    g = gen.barabasi_albert(200_000, 4, rng=1)
    est, _, ntail = power_law_fit(g.out_degree)
    assert 2.7 < est < 3.3 and ntail > 1000


def test_label_propagation_recovers_planted_communities():
    g = gen.stochastic_block([300, 300, 300, 300], 14.0, 0.5, rng=2)
    plain = refsim.Graph(g.indptr, g.indices, directed=False)  # hide the answer
    p = refsim.describe(plain, rng=1)
    assert p.communities_source.startswith("label propagation")
    assert p.communities == 4
    truth = refsim.describe(g)
    assert p.modularity == pytest.approx(truth.modularity, abs=0.01)
    assert p.mixing == pytest.approx(truth.mixing, abs=0.01)


def test_directed_graphs_are_profiled_as_undirected():
    G = nx.gnp_random_graph(300, 0.03, seed=5, directed=True)
    p = refsim.describe(refsim.Graph.from_networkx(G))
    U = nx.Graph(G.to_undirected())
    assert p.directed and p.arcs == G.number_of_edges()
    assert p.clustering == pytest.approx(nx.average_clustering(U), abs=1e-12)


def test_profile_rejects_bad_input():
    with pytest.raises(TypeError, match="graph must be a refsim.Graph; got Graph"):
        refsim.describe(nx.path_graph(3))
    with pytest.raises(ValueError, match=r"graph is empty"):
        refsim.describe(refsim.Graph.from_edges([], [], 0))
    with pytest.raises(ValueError, match=r"clustering_sample must be >= 1; got 0"):
        refsim.describe(datasets.load("karate_club"), clustering_sample=0)


def test_datasets_are_networkx_graphs_with_their_communities():
    for name, G in [("karate_club", nx.karate_club_graph()),
                    ("les_miserables", nx.les_miserables_graph()),
                    ("florentine_families", nx.florentine_families_graph()),
                    ("davis_southern_women", nx.davis_southern_women_graph())]:
        g = datasets.load(name)
        assert g.labels == tuple(G.nodes())
        assert nx.utils.graphs_equal(nx.Graph(g.to_networkx().edges()), nx.Graph(G.edges()))
    karate = datasets.load("karate_club")
    clubs = [nx.karate_club_graph().nodes[v]["club"] for v in range(34)]
    assert [c == "Mr. Hi" for c in clubs] == (karate.communities == 0).tolist()
    assert datasets.load("les_miserables").weights.max() == 31
    with pytest.raises(ValueError, match=r"unknown dataset 'karate'; known: davis"):
        datasets.load("karate")


def test_graph_specs():
    g = graph_from_spec("stochastic_block:sizes=[20,30],mean_degree_in=4,mean_degree_out=1",
                        rng=0)
    assert g.n == 50 and np.bincount(g.communities).tolist() == [20, 30]
    a = graph_from_spec("erdos_renyi:n=200,mean_degree=5", rng=3)
    b = gen.erdos_renyi(200, 5, rng=3)
    assert np.array_equal(a.indices, b.indices)
    for spec, pattern in [
        ("nosuch", r"not a file, a dataset .* or a generator"),
        ("barabasi_albert:n=10,q=2", r"no parameter 'q'; it takes n, m"),
        ("barabasi_albert:n=10", r"barabasi_albert needs m"),
        ("barabasi_albert:n=10,m=", r"cannot read the arguments"),
        ("barabasi_albert:10,3", r"cannot read the arguments"),
        ("barabasi_albert:n=__import__('os'),m=1", r"cannot read the arguments"),
        ("", r"non-empty string"),
    ]:
        with pytest.raises(ValueError, match=pattern):
            graph_from_spec(spec)
