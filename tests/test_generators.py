"""Generators against their networkx namesakes, in distribution, plus exact structure."""

import math

import networkx as nx
import numpy as np
import pytest
from scipy import stats

import refsim
from refsim import generators as gen
from naive import holme_kim_reference

Z = 4.0  # two-sample tolerance in standard errors


def _stats(G):
    """Statistics compared between refsim's and networkx's graphs of one model."""
    deg = np.array([d for _, d in G.degree()], dtype=float)
    k = int(np.median(deg))
    return {
        "edges": G.number_of_edges(),
        "mean k^2": float((deg**2).mean()),
        "max degree": float(deg.max()),
        "P(k = median)": float((deg == k).mean()),
        "P(k > 2 median)": float((deg > 2 * k).mean()),
        "clustering": nx.average_clustering(G),
        "triangles": sum(nx.triangles(G).values()) / 3,
    }


def _compare(ours, theirs, reps, stat_scale):
    reps = int(reps * stat_scale)
    a = [_stats(ours(seed).to_networkx()) for seed in range(reps)]
    b = [_stats(theirs(10_000 + seed)) for seed in range(reps)]
    for key in a[0]:
        x = np.array([s[key] for s in a])
        y = np.array([s[key] for s in b])
        se = math.sqrt(x.var(ddof=1) / reps + y.var(ddof=1) / reps)
        if se == 0:
            assert x.mean() == y.mean(), key
            continue
        assert abs(x.mean() - y.mean()) <= Z * se, (key, x.mean(), y.mean(), se)


def _simple(g):
    for u in range(g.n):
        row = g.indices[g.indptr[u]:g.indptr[u + 1]]
        assert (np.diff(row) > 0).all() and (row != u).all()


def test_erdos_renyi_matches_networkx(stat_scale):
    n, z = 400, 6.0
    _compare(lambda s: gen.erdos_renyi(n, z, rng=s),
             lambda s: nx.fast_gnp_random_graph(n, z / (n - 1), seed=s), 30, stat_scale)


def test_barabasi_albert_matches_networkx(stat_scale):
    _compare(lambda s: gen.barabasi_albert(400, 3, rng=s),
             lambda s: nx.barabasi_albert_graph(400, 3, seed=s), 30, stat_scale)


def test_holme_kim_without_triads_matches_networkx(stat_scale):
    _compare(lambda s: gen.holme_kim(400, 3, 0.0, rng=s),
             lambda s: nx.powerlaw_cluster_graph(400, 3, 0.0, seed=s), 30, stat_scale)


@pytest.mark.parametrize("triad_p", [0.3, 0.8])
def test_holme_kim_matches_the_process_of_networkx(triad_p, stat_scale):
    # networkx's own loop with the preferential targets used in random order (see
    # naive.holme_kim_reference for why networkx's set order is not the model)
    _compare(lambda s: gen.holme_kim(300, 3, triad_p, rng=s),
             lambda s: holme_kim_reference(300, 3, triad_p, s), 30, stat_scale)


def test_watts_strogatz_matches_networkx(stat_scale):
    _compare(lambda s: gen.watts_strogatz(300, 6, 0.2, rng=s),
             lambda s: nx.watts_strogatz_graph(300, 6, 0.2, seed=s), 30, stat_scale)


def test_random_regular_matches_networkx(stat_scale):
    _compare(lambda s: gen.random_regular(300, 5, rng=s),
             lambda s: nx.random_regular_graph(5, 300, seed=s), 30, stat_scale)


def test_configuration_matches_networkx(stat_scale):
    degrees = np.random.default_rng(0).zipf(2.5, 400).clip(1, 60)
    degrees[0] += degrees.sum() % 2

    def theirs(s):
        G = nx.Graph(nx.configuration_model(degrees.tolist(), seed=s))
        G.remove_edges_from(nx.selfloop_edges(G))
        return G

    _compare(lambda s: gen.configuration(degrees, rng=s), theirs, 30, stat_scale)


def test_exact_structure():
    ba = gen.barabasi_albert(500, 4, rng=1)
    assert ba.num_arcs == 2 * (4 + (500 - 5) * 4) and ba.out_degree.min() == 4
    reg = gen.random_regular(1000, 7 - 1, rng=2)
    assert (reg.out_degree == 6).all()
    ring = gen.watts_strogatz(50, 4, 0.0, rng=0)
    assert nx.utils.graphs_equal(ring.to_networkx(), nx.watts_strogatz_graph(50, 4, 0.0))
    ws = gen.watts_strogatz(500, 6, 0.3, rng=3)
    assert ws.num_arcs == 500 * 6  # rewiring moves edges, never loses one
    for g in (ba, reg, ws, gen.holme_kim(500, 3, 0.9, rng=4), gen.erdos_renyi(500, 9, rng=5),
              gen.configuration(np.full(500, 8), rng=6)):
        _simple(g)
        assert not g.directed


def test_mean_degree_of_erdos_renyi_is_unbiased():
    n, z = 20_000, 7.0
    got = [gen.erdos_renyi(n, z, rng=s).num_arcs / n for s in range(20)]
    # each graph's mean degree has variance 2 z / n (twice a binomial edge count / n)
    se = math.sqrt(2 * z * (1 - z / (n - 1)) / n / 20)
    assert abs(np.mean(got) - z) <= Z * se


@pytest.mark.parametrize("make", [
    lambda r: gen.erdos_renyi(300, 5, rng=r), lambda r: gen.random_regular(300, 4, rng=r),
    lambda r: gen.configuration(np.full(300, 4), rng=r),
    lambda r: gen.barabasi_albert(300, 2, rng=r), lambda r: gen.holme_kim(300, 2, 0.5, rng=r),
    lambda r: gen.watts_strogatz(300, 4, 0.3, rng=r)])
def test_same_rng_same_graph(make):
    a, b, c = make(7), make(7), make(8)
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    assert not (np.array_equal(a.indptr, c.indptr) and np.array_equal(a.indices, c.indices))


@pytest.mark.parametrize("call,exc,pattern", [
    (lambda: gen.erdos_renyi(0, 1), ValueError, r"n must be >= 1; got 0"),
    (lambda: gen.erdos_renyi(10, 12), ValueError, r"mean_degree must be at most n - 1 = 9; got 12"),
    (lambda: gen.erdos_renyi(10, -1), ValueError, r"mean_degree must be a finite number >= 0"),
    (lambda: gen.erdos_renyi(10.5, 1), TypeError, r"n must be an int"),
    (lambda: gen.random_regular(5, 3), ValueError, r"n \* d must be even"),
    (lambda: gen.random_regular(5, 5), ValueError, r"d must be less than n = 5; got 5"),
    (lambda: gen.configuration([1, 2, 2]), ValueError, r"even sum .* got 5"),
    (lambda: gen.configuration([1, -1]), ValueError, r"degrees must be >= 0; node 1 has -1"),
    (lambda: gen.configuration([3, 1]), ValueError, r"at most n - 1 = 1"),
    (lambda: gen.configuration([1.0, 1.0]), TypeError, r"degrees must be a non-empty 1-D"),
    (lambda: gen.barabasi_albert(5, 5), ValueError, r"m must be less than n = 5; got 5"),
    (lambda: gen.barabasi_albert(5, 0), ValueError, r"m must be >= 1; got 0"),
    (lambda: gen.holme_kim(50, 2, 1.5), ValueError, r"triad_p must be in \[0, 1\]; got 1\.5"),
    (lambda: gen.watts_strogatz(10, 10, 0.1), ValueError, r"k must be less than n = 10"),
    (lambda: gen.watts_strogatz(10, 4, -0.1), ValueError, r"beta must be in \[0, 1\]"),
    (lambda: gen.erdos_renyi(2_000_000_000, 1000), ValueError, r"needs about .* GiB"),
])
def test_impossible_parameters_are_refused_before_allocating(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def _mixing(g):
    src = np.repeat(np.arange(g.n), g.out_degree)
    return float((g.communities[src] != g.communities[g.indices]).mean())


def test_stochastic_block_matches_networkx(stat_scale):
    sizes = [60, 100, 140]
    P = gen.block_probabilities(sizes, 6.0, 2.0)
    member = np.repeat(np.arange(3), sizes)

    def with_mixing(G):
        st = _stats(G)
        u, v = np.array(list(G.edges())).T
        st["mixing"] = float((member[u] != member[v]).mean())
        return st

    reps = int(30 * stat_scale)
    a = [with_mixing(gen.stochastic_block(sizes, 6.0, 2.0, rng=s).to_networkx())
         for s in range(reps)]
    b = [with_mixing(nx.stochastic_block_model(sizes, P.tolist(), seed=500 + s))
         for s in range(reps)]
    for key in a[0]:
        x = np.array([s[key] for s in a])
        y = np.array([s[key] for s in b])
        se = math.sqrt(x.var(ddof=1) / reps + y.var(ddof=1) / reps)
        assert abs(x.mean() - y.mean()) <= Z * se, (key, x.mean(), y.mean())
    g = gen.stochastic_block(sizes, 6.0, 2.0, rng=0)
    assert g.communities.tolist() == member.tolist()


def _mixed_poisson_tail(mean_degree, exponent, cap, n, above):
    """The share of nodes above degree ``above`` in a degree-corrected block model, and
    its standard error over n nodes.

    Expected degrees are theta = min(kmin U^(-1/(exponent - 1)), cap) with kmin such that
    the mean is mean_degree; a node's degree is then Poisson(theta) (the ends of Poisson
    numbers of links, each end on a node with chance proportional to its theta; links
    between communities and the redrawn repeats change a node's mean by a share of order
    theta / (its community's total theta), under 1% of a standard error here). Nodes
    are independent but for one thing: the generator solves kmin on its own draws, so
    that their mean is exactly mean_degree, which moves kmin by a relative sd(theta) /
    (mean_degree sqrt(n)) / (d log mean / d log kmin) and the share with it; the two
    errors are added (a bound whatever their correlation)."""
    from scipy import integrate, optimize, stats

    e = 1.0 / (exponent - 1.0)

    def integral(f, kmin):  # over U, with the kink where the cap starts
        return integrate.quad(lambda u: f(min(kmin * u**-e, cap)), 0.0, 1.0,
                              points=[(kmin / cap) ** (1 / e)], limit=200)[0]

    def mean(kmin):
        return integral(lambda t: t, kmin)

    def share(kmin):
        return integral(lambda t: stats.poisson.sf(above, t), kmin)

    kmin = optimize.brentq(lambda k: mean(k) - mean_degree, 1e-6, mean_degree)
    h = 1e-4  # derivatives in log kmin, by central differences
    slope = (share(kmin * (1 + h)) - share(kmin * (1 - h))) / (2 * h)
    elasticity = (mean(kmin * (1 + h)) - mean(kmin * (1 - h))) / (2 * h) / mean_degree
    sd_theta = math.sqrt(integral(lambda t: t * t, kmin) - mean_degree**2)
    q = share(kmin)
    solve_error = abs(slope) * sd_theta / (mean_degree * math.sqrt(n)) / elasticity
    return q, math.sqrt(q * (1 - q) / n) + solve_error


def test_degree_corrected_block_hits_mixing_and_degree_with_heavy_tail():
    sizes, z, mu = [4000, 5000, 6000], 6.0, 0.25
    reps = 8
    graphs = [gen.degree_corrected_block(sizes, z, mu, max_degree=60, rng=s)
              for s in range(reps)]
    n = sum(sizes)
    # Poisson numbers of links inside communities and between them, all met by distinct
    # links: the mean degree 2 links / n has mean z and variance 2 z / n; given the
    # links N of a graph, those between are Binomial(N, mu), so its mixing has mean mu
    # and variance mu (1 - mu) / N
    mix = np.array([_mixing(g) for g in graphs])
    deg = np.array([g.num_arcs / g.n for g in graphs])
    links = np.array([g.num_arcs // 2 for g in graphs])
    assert abs(mix.mean() - mu) <= Z * math.sqrt(np.sum(mu * (1 - mu) / links)) / reps
    assert abs(deg.mean() - z) <= Z * math.sqrt(2 * z / n / reps)
    # degree correction: the power-law tail of the expected degrees (exponent 2.5,
    # capped at 60) shows in the degrees; Poisson(6) degrees put 6e-9 above 24
    tail = np.mean([(g.out_degree > 4 * z).mean() for g in graphs])
    q, se = _mixed_poisson_tail(z, 2.5, 60.0, n * reps, above=4 * z)
    assert abs(tail - q) <= Z * se, (tail, q, se)  # q is 0.030
    assert [int((graphs[0].communities == c).sum()) for c in range(3)] == sizes


def test_lfr_places_nodes_in_roomy_communities_and_mixes_as_asked():
    mu = 0.3
    g = gen.lfr(30_000, 10.0, mu, min_community=20, max_community=1500, rng=4)
    sizes = np.bincount(g.communities)
    assert sizes.min() >= 20 and sizes.max() <= 1500 + 20
    # community ids run in blocks: nodes are numbered community by community
    assert (np.diff(g.communities) >= 0).all()
    _realised(g, 10.0, mu)
    # every node sits in a community with room for its (1 - mu) theta inside links,
    # theta its expected degree. Its degree is about Poisson(theta) (the largest hubs a
    # little below, their repeated links redrawn elsewhere), so degree <= theta + Z
    # sqrt(theta): theta is at least the root theta_low of theta + Z sqrt(theta) = degree
    hubs = np.argsort(g.out_degree)[-200:]
    degree = g.out_degree[hubs].astype(float)
    theta_low = ((np.sqrt(Z**2 + 4 * degree) - Z) / 2) ** 2
    need = (1 - mu) * theta_low
    assert (sizes[g.communities[hubs]] >= need).all()
    # and that is the placement's doing: a community drawn at random (the community of a
    # random node) is too small for hub h with chance p_h. Random placement is a random
    # permutation, whose indicators of too small are negatively associated, so it would
    # leave every hub room with chance at most prod(1 - p_h) <= exp(-sum p_h): below
    # the 6e-5 of Z standard errors when sum p_h >= 9.7 (it is 34.5)
    p_h = np.array([(sizes[g.communities] < x).mean() for x in need])
    assert math.exp(-p_h.sum()) < 2 * stats.norm.sf(Z)


@pytest.mark.parametrize("call,exc,pattern", [
    (lambda: gen.stochastic_block([10, 0], 2, 1), ValueError, r"sizes must all be >= 1"),
    (lambda: gen.stochastic_block([10, 10], 12, 1), ValueError,
     r"mean_degree_in must be at most .* = 9; got 12"),
    (lambda: gen.stochastic_block([10], 2, 1), ValueError, r"at least two communities"),
    (lambda: gen.stochastic_block([5, 5], 2, 9), ValueError, r"mean_degree_out=9\.0"),
    (lambda: gen.degree_corrected_block([50, 50], 5, 0.1, exponent=2.0), ValueError,
     r"exponent must be > 2"),
    (lambda: gen.degree_corrected_block([50, 50], 5, 1.2), ValueError,
     r"mixing must be in \[0, 1\]; got 1\.2"),
    (lambda: gen.lfr(100, 5, 0.2, community_exponent=1.0), ValueError,
     r"community_exponent must be > 1"),
    (lambda: gen.lfr(100, 5, 0.2, min_community=100), ValueError,
     r"needs at least two communities"),
])
def test_block_models_refuse_impossible_parameters(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


# ------------------------------------------------- memory, limits and silly parameters
from refsim import _memory  # noqa: E402
from refsim.errors import InvalidType, InvalidValue, RefsimError  # noqa: E402


@pytest.fixture
def little_memory(monkeypatch):
    """Pretend 50 MiB is available, so memory checks do not depend on the machine."""
    monkeypatch.setattr(_memory, "available_memory", lambda: 50 * 2**20)


@pytest.mark.parametrize("call, pattern", [
    (lambda: gen.erdos_renyi(10**6, 10.0), r"^n=1000000 with about 5e\+06 edges needs about"),
    (lambda: gen.random_regular(10**6, 10), r"^n=1000000 with about 5e\+06 edges"),
    (lambda: gen.configuration(np.full(10**6, 10)), r"^len\(degrees\)=1000000 with about"),
    (lambda: gen.barabasi_albert(10**6, 5), r"^n=1000000 with about 5e\+06 edges"),
    (lambda: gen.holme_kim(10**6, 5, 0.5), r"^n=1000000 with about 5e\+06 edges"),
    (lambda: gen.watts_strogatz(10**6, 10, 0.1), r"^n=1000000 with about 5e\+06 edges"),
    (lambda: gen.stochastic_block([10**5] * 10, 8.0, 2.0), r"^sum\(sizes\)=1000000 with"),
    (lambda: gen.degree_corrected_block([10**5] * 10, 10.0, 0.2), r"^sum\(sizes\)=1000000"),
    (lambda: gen.lfr(10**6, 10.0, 0.2), r"^n=1000000 with about 5e\+06 edges"),
    (lambda: gen.block_probabilities([1] * 10**4, 0.0, 1.0),
     r"^sizes with 10000 communities \(10000 x 10000 probabilities\) needs about 762\.9 MiB"),
], ids=["er", "rr", "conf", "ba", "hk", "ws", "sbm", "dcb", "lfr", "block_probabilities"])
def test_memory_is_checked_against_what_is_available(little_memory, call, pattern):
    with pytest.raises(InvalidValue, match=pattern) as info:
        call()
    assert "of memory; 50.0 MiB is available; " in str(info.value)


def test_stochastic_block_with_a_million_communities():
    # the communities-by-communities matrix (7 TiB here) is never built
    g = gen.stochastic_block([1] * 10**6, 0.0, 1.0, rng=3)
    assert g.n == 10**6 and int(g.communities.max()) == 10**6 - 1
    # one probability for every pair: G(n, p) with p = 1 / (n - 1), whose mean degree
    # 2 links / n has variance 4 C(n, 2) p (1 - p) / n^2 < 2 / n
    assert abs(g.num_arcs / g.n - 1.0) <= Z * math.sqrt(2.0 / g.n)


@pytest.mark.parametrize("sizes, d_in, d_out, arcs", [
    ([3, 3], 2.0, 3.0, 30),       # both probabilities 1: the complete graph K6
    ([3, 3], 2.0, 0.0, 12),       # two triangles
    ([1] * 5, 0.0, 4.0, 20),      # K5 from outside links alone
    ([2, 2, 2], 1.0, 0.0, 6),     # three single edges
])
def test_stochastic_block_exact_when_probabilities_are_zero_or_one(sizes, d_in, d_out, arcs):
    g = gen.stochastic_block(sizes, d_in, d_out, rng=0)
    assert g.num_arcs == arcs
    _simple(g)
    if d_out == 0:
        assert (g.communities[np.repeat(np.arange(g.n), g.out_degree)]
                == g.communities[g.indices]).all()


def _realised(g, z, mu):
    """The mean degree and mixing of g, each within Z standard deviations of the request:
    the links inside and between communities are Poisson with means (1 - mu) n z / 2 and
    mu n z / 2, so the mean degree has sd sqrt(2 z / n); given the number N of links,
    those between are Binomial(N, mu), so the mixing has sd sqrt(mu (1 - mu) / N)."""
    links = g.num_arcs // 2
    assert abs(g.num_arcs / g.n - z) <= Z * math.sqrt(2 * z / g.n), g.num_arcs / g.n
    assert abs(_mixing(g) - mu) <= Z * math.sqrt(mu * (1 - mu) / links) + 1e-12, _mixing(g)


@pytest.mark.parametrize("seed", range(3))
def test_degree_corrected_block_meets_mean_degree_where_links_repeat(seed):
    # hubs of expected degree up to sqrt(10000 * 20) = 447 in communities of 100: their
    # links repeat a lot; dropping the repeats gave a mean degree near 12.8
    g = gen.degree_corrected_block([100] * 100, 20.0, 0.3, rng=seed)
    _realised(g, 20.0, 0.3)


@pytest.mark.parametrize("seed", range(3))
def test_lfr_meets_mean_degree_on_a_small_graph(seed):
    g = gen.lfr(2000, 10.0, 0.2, rng=seed)  # was near 8.7
    _realised(g, 10.0, 0.2)


@pytest.mark.parametrize("call, pattern", [
    (lambda: gen.degree_corrected_block([10] * 10, 50, 0.1),
     r"^mean_degree=50 is more than communities of these sizes can hold with mixing=0\.1: "
     r"the links inside communities allow a mean degree of at most 10$"),
    (lambda: gen.degree_corrected_block([20] * 5, 30, 0.0),
     r"mean_degree=30 .* inside communities allow a mean degree of at most 19$"),
    (lambda: gen.degree_corrected_block([98, 2], 10, 1.0),
     r"mean_degree=10 .* the links between communities allow a mean degree of at most 3\.92$"),
    (lambda: gen.degree_corrected_block([1000, 1], 5, 0.5),  # raised a kernel ValueError
     r"mean_degree=5 .* between communities allow a mean degree of at most 3\.996$"),
    (lambda: gen.lfr(1000, 10, 0.1, min_community=5, max_community=6, rng=0),
     r"^mean_degree=10 is more than the \d+ communities of these sizes can hold"),
], ids=["inside", "inside-no-mixing", "between", "one-big", "lfr-small-communities"])
def test_mean_degree_no_simple_graph_has_is_refused_at_once(call, pattern):
    with pytest.raises(InvalidValue, match=pattern):
        call()


@pytest.mark.parametrize("seed", range(3))
def test_mean_degree_the_links_cannot_reach_is_refused(seed):
    # 500 communities of 2 nodes hold exactly the 500 links a mean degree of 1 needs,
    # but a hub's community is asked for several links on its single pair
    with pytest.raises(InvalidValue, match=r"^mean_degree=1 cannot be reached with these "
                                           r"communities and mixing=0: .* mean degree "
                                           r"0\.\d+ \(\d+ links missing") as info:
        gen.degree_corrected_block([2] * 500, 1.0, 0.0, rng=seed)
    assert "inside community" in str(info.value) and "(2 nodes)" in str(info.value)


def test_poisson_counts_above_745():
    # exp(-mean) underflows to 0 beyond 745: inversion then returned 0 or 1 links
    from refsim._kernels.graphgen import _poisson
    from refsim.generators._common import generator_state

    s = generator_state(5)
    r = 2000
    for lam in (600.0, 800.0, 999.0):
        x = np.array([_poisson(s, lam) for _ in range(r)])
        assert abs(x.mean() - lam) <= Z * math.sqrt(lam / r), (lam, x.mean())
        # the sample variance: Var(s^2) = mu4 / r - sigma^4 (r - 3) / (r (r - 1)) with
        # the Poisson's sigma^2 = lam and mu4 = lam (1 + 3 lam)
        se = math.sqrt(lam * (1 + 3 * lam) / r - lam**2 * (r - 3) / (r * (r - 1)))
        assert abs(x.var(ddof=1) - lam) <= Z * se, (lam, x.var(ddof=1), se)


def test_other_block_is_exact_and_never_repeats_the_first():
    from refsim._kernels.graphgen import _other_block
    from refsim.generators._common import generator_state

    s = generator_state(0)
    cum = np.array([0.0, 1e9, 1e9 + 1])  # one huge community, one tiny
    assert {int(_other_block(s, cum, 0)) for _ in range(200)} == {1}
    assert {int(_other_block(s, cum, 1)) for _ in range(200)} == {0}
    cum = np.array([0.0, 1.0, 3.0, 6.0])  # masses 1, 2, 3; from 0: 2 : 3
    draws = np.array([_other_block(s, cum, 0) for _ in range(20000)])
    assert set(draws.tolist()) == {1, 2}
    assert abs((draws == 1).mean() - 0.4) <= Z * math.sqrt(0.24 / 20000)  # binomial


@pytest.mark.parametrize("n", range(2, 13))
def test_random_regular_every_degree(n):
    for d in range(n):
        if n * d % 2:
            continue
        for seed in range(3):
            g = gen.random_regular(n, d, rng=seed)
            _simple(g)
            assert g.out_degree.tolist() == [d] * n, (n, d, seed)


def test_random_regular_dense_is_random():
    # 5-regular graphs on 8 labelled nodes are the complements of the 2-regular ones:
    # unions of cycles of 8, 5 + 3 or 4 + 4 nodes, 7!/2 + C(8,3) 4!/2 + C(8,4)/2 (3!/2)^2
    # = 2520 + 672 + 315 = 3507 of them. The number of distinct graphs among 20 draws
    # from them all alike has an exact law, built one draw at a time: below 18 with
    # chance under the 6.3e-5 of Z standard errors (the generator is uniform up to the
    # small bias of its repair swaps)
    count, draws = 3507, 20
    law = np.zeros(draws + 1)
    law[0] = 1.0
    for _ in range(draws):
        seen = np.arange(draws + 1)
        law = law * seen / count + np.r_[0.0, law[:-1] * (count - seen[:-1]) / count]
    least = np.flatnonzero(np.cumsum(law) >= 2 * stats.norm.sf(Z))[0]
    assert least == 18
    graphs = {tuple(gen.random_regular(8, 5, rng=s).indices.tolist()) for s in range(draws)}
    assert len(graphs) >= least


def test_community_sizes_with_a_steep_exponent():
    from refsim.generators.blocks import _power_law_sizes

    u = np.random.default_rng(0).random(1000)
    for exponent in (1e6, 400.0):  # (10 ** (1 - exponent)) overflowed or underflowed
        assert _power_law_sizes(u, 1000, 10, 100, exponent).tolist() == [10] * 100
    assert _power_law_sizes(u, 1000, 10, 100, 1.0 + 1e-12).max() <= 100
    g = gen.lfr(1000, 2.0, 0.1, community_exponent=1e6, rng=0)
    assert set(np.bincount(g.communities).tolist()) == {10}


@pytest.mark.parametrize("call, exc, pattern", [
    (lambda: gen.stochastic_block([[1], [1, 2]], 1, 1), InvalidType, r"^sizes must be a non-empty"),
    (lambda: gen.stochastic_block(5, 1, 1), InvalidType, r"^sizes must be a non-empty"),
    (lambda: gen.stochastic_block([], 1, 1), InvalidType, r"^sizes must be a non-empty"),
    (lambda: gen.stochastic_block([2**62, 2**62], 1, 1), InvalidValue,
     r"^sizes add up to 4611686018427387904 nodes or more; at most 2147483647"),
    (lambda: gen.stochastic_block([5, 5], "1", 1), InvalidType, r"^mean_degree_in must be"),
    (lambda: gen.stochastic_block([5, 5], 1, float("nan")), InvalidValue, r"^mean_degree_out"),
    (lambda: gen.degree_corrected_block([[50], [50, 1]], 5, 0.1), InvalidType, r"^sizes"),
    (lambda: gen.degree_corrected_block([50, 50], 0, 0.1), InvalidValue, r"^mean_degree must"),
    (lambda: gen.degree_corrected_block([50, 50], 5, 0.1, max_degree=2), InvalidValue,
     r"^max_degree must be at least mean_degree"),
    (lambda: gen.degree_corrected_block([50, 50], 5, 0.1, exponent=float("inf")),
     InvalidValue, r"^exponent"),
    (lambda: gen.lfr(1000, 0, 0.1), InvalidValue, r"^mean_degree must be in \(0, n - 1"),
    (lambda: gen.lfr(1000, 10, 0.1, degree_exponent=1.5), InvalidValue, r"^degree_exponent"),
    (lambda: gen.lfr(1000, 10, 0.1, max_community=5), InvalidValue, r"^max_community must"),
    (lambda: gen.lfr(1000, 10, 0.1, min_community=0), InvalidValue, r"^min_community must"),
    (lambda: gen.lfr(1000, 10, 0.1, min_community=2.5), InvalidType, r"^min_community must"),
    (lambda: gen.lfr(1000, 10, 0.1, max_degree=-1), InvalidValue, r"^max_degree must"),
    (lambda: gen.lfr(1000, 10, -0.5), InvalidValue, r"^mixing must be in \[0, 1\]"),
    (lambda: gen.erdos_renyi(-1, 1), InvalidValue, r"^n must be >= 1"),
    (lambda: gen.erdos_renyi(None, 1), InvalidType, r"^n must be an int"),
    (lambda: gen.erdos_renyi(True, 1), InvalidType, r"^n must be an int"),
    (lambda: gen.erdos_renyi(10**30, 1), InvalidValue, r"^n must be <= 2147483647"),
    (lambda: gen.erdos_renyi(10, float("inf")), InvalidValue, r"^mean_degree must be"),
    (lambda: gen.random_regular(10, 2.0), InvalidType, r"^d must be an int"),
    (lambda: gen.configuration([[1], [1, 2]]), InvalidType, r"^degrees must be a non-empty"),
    (lambda: gen.configuration("12"), InvalidType, r"^degrees must be a non-empty"),
    (lambda: gen.configuration(4), InvalidType, r"^degrees must be a non-empty"),
    (lambda: gen.barabasi_albert(10, 2.5), InvalidType, r"^m must be an int"),
    (lambda: gen.holme_kim(10, 10, 0.5), InvalidValue, r"^m must be less than n = 10"),
    (lambda: gen.holme_kim(10, 2, float("nan")), InvalidValue, r"^triad_p must be in"),
    (lambda: gen.watts_strogatz(10, -2, 0.1), InvalidValue, r"^k must be >= 0"),
    (lambda: gen.watts_strogatz(10, 2, 2), InvalidValue, r"^beta must be in \[0, 1\]"),
    (lambda: gen.erdos_renyi(10, 2, rng="x"), InvalidType, r"^rng must be"),
])
def test_silly_parameters_give_one_clear_line(call, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        call()
    assert isinstance(info.value, RefsimError) and "\n" not in str(info.value)
