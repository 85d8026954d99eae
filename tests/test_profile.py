"""describe(), power_law_fit(), datasets and graph specs, against networkx and theory."""

import math

import networkx as nx
import numpy as np
import pytest

import refsim
from refsim import datasets, generators as gen
from refsim.profile import power_law_fit
from refsim.specs import graph_from_spec

Z = 4.0  # tolerance in standard errors


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
    reps = 32
    errs = []
    for seed in range(reps):
        p = refsim.describe(g, rng=seed, clustering_sample=1500)
        assert p.clustering_sampled == 1500 and p.clustering_se > 0
        errs.append((p.clustering - exact) / p.clustering_se)
    # independent samples: the sum of the squared z-scores is chi-square with reps
    # degrees of freedom if the estimates are unbiased and their standard errors right;
    # outside its central 1 - 6.3e-5 (the two tails of Z) they are biased, or their
    # standard errors too small (sum too large) or too large (sum too small)
    from scipy import stats

    tail = stats.norm.sf(Z)
    low, high = stats.chi2.ppf(tail, reps), stats.chi2.isf(tail, reps)
    assert low < np.sum(np.square(errs)) < high, (np.sum(np.square(errs)), low, high)


def _fit_limit(kmin, pmf, upto=10**6):
    """What the fit converges to on degrees drawn independently from ``pmf`` (a function
    of an array of degrees), with its lower bound at ``kmin``, and its standard error.

    The fit is 1 + 1 / mean(L) with L = log(k / (kmin - 1/2)) over the tail k >= kmin,
    so it tends to alpha* = 1 + 1 / E[L] (not quite the law's exponent: the formula is
    an approximation to the discrete likelihood), and by the delta method its standard
    error on n_tail degrees is (alpha* - 1)^2 sd(L) / sqrt(n_tail). The sum stops at
    ``upto``: beyond lies a fraction about (kmin / upto)^(alpha - 1) of the tail, under
    1e-5 for the laws and lower bounds here (alpha >= 2.2, kmin <= 60), which moves alpha*
    by about (alpha* - 1)^2 log(upto / kmin) times that fraction: under 2e-4, a thirtieth
    of the smallest standard error. Returns (alpha*, sd(L))."""
    k = np.arange(kmin, upto, dtype=float)
    q = pmf(k)
    q = q / q.sum()
    L = np.log(k / (kmin - 0.5))
    mean = float(q @ L)
    return 1.0 + 1.0 / mean, math.sqrt(float(q @ L**2) - mean**2)


@pytest.mark.parametrize("alpha", [2.2, 2.6, 3.2])
def test_power_law_fit_recovers_the_exponent(alpha):
    rng = np.random.default_rng(int(alpha * 10))
    kmin = 4
    # discrete power law by rounding a continuous one shifted by 1/2 (Clauset et al. 2009):
    # P(K >= k) = ((k - 1/2) / (kmin - 1/2))^(1 - alpha) exactly, for every k >= kmin
    x = (kmin - 0.5) * (1 - rng.random(100_000)) ** (-1 / (alpha - 1)) + 0.5
    k = np.floor(x).astype(int)
    est, found_kmin, ntail = power_law_fit(k)
    assert ntail == (k >= found_kmin).sum()

    def pmf(j):  # the same law, from any lower bound
        return (j - 0.5) ** (1 - alpha) - (j + 0.5) ** (1 - alpha)

    # the tail above found_kmin is again this law: Z standard errors of the fit's limit
    # (the choice of found_kmin by the data is not accounted for); the limit is within
    # 0.01 of alpha at these lower bounds, where the approximate likelihood is all but exact
    limit, sd = _fit_limit(found_kmin, pmf)
    se = (limit - 1) ** 2 * sd / math.sqrt(ntail)
    assert abs(est - limit) <= Z * se, (est, limit, se, found_kmin, ntail)


def test_power_law_fit_of_barabasi_albert_is_near_three():
    m = 4
    g = gen.barabasi_albert(200_000, m, rng=1)
    est, kmin, ntail = power_law_fit(g.out_degree)
    assert ntail == (g.out_degree >= kmin).sum()
    # the degrees of a Barabasi-Albert graph follow P(k) = 2m(m+1) / (k(k+1)(k+2)) for
    # k >= m as n grows (Dorogovtsev, Mendes & Samukhin 2000; Bollobas et al. 2001): a
    # tail k^-3 whose local slope 3 - O(1/k) the fit sees from kmin on (its limit is 2.88
    # from kmin = 11, 2.94 from kmin = 22). Z standard errors of the fit's limit on that
    # law, as if the degrees were independent (those of one graph are only weakly
    # dependent); the data's choice of kmin is not accounted for
    limit, sd = _fit_limit(kmin, lambda k: 1.0 / (k * (k + 1) * (k + 2)))
    se = (limit - 1) ** 2 * sd / math.sqrt(ntail)
    assert abs(est - limit) <= Z * se, (est, limit, se, kmin, ntail)


def test_label_propagation_recovers_planted_communities():
    # 4 blocks of 300, 14 links inside and 0.5 outside per node on average: label
    # propagation finds the planted blocks exactly (it does on every seed tried), so
    # mixing and modularity must equal those of the planted partition up to rounding,
    # not merely be close: one node in the wrong block would change the count of links
    # between blocks by its links into the other block minus those into its own
    g = gen.stochastic_block([300, 300, 300, 300], 14.0, 0.5, rng=2)
    plain = refsim.Graph(g.indptr, g.indices, directed=False)  # hide the answer
    p = refsim.describe(plain, rng=1)
    assert p.communities_source.startswith("label propagation")
    assert (p.communities, p.largest_community, p.median_community) == (4, 300, 300)
    # the planted partition's mixing and modularity, independently: networkx
    G = g.to_networkx()
    blocks = [set(np.flatnonzero(g.communities == c).tolist()) for c in range(4)]
    between = sum(g.communities[u] != g.communities[v] for u, v in G.edges())
    modularity = nx.community.modularity(G, blocks)
    # abs=1e-12: rounding only, each number is a few float operations on exact counts
    truth = refsim.describe(g)
    assert truth.mixing == pytest.approx(between / G.number_of_edges(), abs=1e-12)
    assert truth.modularity == pytest.approx(modularity, abs=1e-12)
    assert p.mixing == pytest.approx(truth.mixing, abs=1e-12)
    assert p.modularity == pytest.approx(truth.modularity, abs=1e-12)


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
