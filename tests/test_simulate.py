"""simulate(): the result contract, reproducibility across workers, and bad input."""

import math

import networkx as nx
import numba
import numpy as np
import pytest

import refsim
from refsim._kernels.xoshiro import fill_doubles
from refsim._rng import run_states
from naive import Xoshiro, sample_variance_se


@pytest.fixture(scope="module")
def ba():
    return refsim.Graph.from_networkx(nx.barabasi_albert_graph(3_000, 3, seed=2))


IC = refsim.IndependentCascade(0.08)


def test_result_contract(ba):
    res = refsim.simulate(ba, IC, [5, 6, 7], runs=500, rng=1, steps=6)
    assert res.final_sizes.dtype == np.int64 and res.final_sizes.shape == (500,)
    assert res.curves.dtype == np.int64 and res.curves.shape == (500, 7)
    assert (res.curves[:, 0] == 3).all()
    assert (np.diff(res.curves, axis=1) >= 0).all()
    assert (res.curves[:, -1] == res.final_sizes).all()
    assert res.mean == pytest.approx(res.final_sizes.mean())
    assert res.sem == pytest.approx(res.final_sizes.std(ddof=1) / math.sqrt(500))
    lo, hi = res.ci(0.95)
    from scipy.stats import t

    half = t.ppf(0.975, 499) * res.sem
    assert (lo, hi) == pytest.approx((res.mean - half, res.mean + half))
    lo99, hi99 = res.ci(0.99)
    assert lo99 < lo and hi < hi99
    assert res.reach == pytest.approx(res.mean / ba.n)
    assert np.allclose(res.mean_curve, res.curves.mean(axis=0))


def test_curves_are_padded_with_the_final_value(ba):
    res = refsim.simulate(ba, IC, [0], runs=300, rng=2)
    last_growth = np.array([np.flatnonzero(np.diff(np.r_[0, c]))[-1] for c in res.curves])
    for row, t in zip(res.curves, last_growth):
        assert (row[t:] == row[-1]).all()
    assert last_growth.max() == res.curves.shape[1] - 1  # trimmed to the deepest run


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
@pytest.mark.parametrize("model", [IC, refsim.IndependentCascade("weighted_cascade"),
                                   refsim.LinearThreshold()], ids=["ic", "wc", "lt"])
def test_same_rng_same_numbers_for_any_number_of_workers(ba, model):
    one = refsim.simulate(ba, model, [0, 1], runs=301, rng=99, workers=1)
    for w in range(2, numba.config.NUMBA_NUM_THREADS + 1):
        many = refsim.simulate(ba, model, [0, 1], runs=301, rng=99, workers=w)
        assert np.array_equal(one.final_sizes, many.final_sizes)
        assert np.array_equal(one.curves, many.curves)
    again = refsim.simulate(ba, model, [0, 1], runs=301, rng=99)
    assert np.array_equal(one.curves, again.curves)


def test_run_r_uses_child_stream_r(ba):
    long = refsim.simulate(ba, IC, [0], runs=40, rng=7)
    short = refsim.simulate(ba, IC, [0], runs=15, rng=7)
    assert np.array_equal(long.final_sizes[:15], short.final_sizes)


def test_rng_forms(ba):
    base = refsim.simulate(ba, IC, [0], runs=200, rng=5).final_sizes
    ss = np.random.SeedSequence(5)
    assert np.array_equal(refsim.simulate(ba, IC, [0], runs=200, rng=ss).final_sizes, base)
    # a SeedSequence is not consumed: passing it again repeats the numbers
    assert np.array_equal(refsim.simulate(ba, IC, [0], runs=200, rng=ss).final_sizes, base)
    assert not np.array_equal(refsim.simulate(ba, IC, [0], runs=200, rng=6).final_sizes, base)
    g1 = refsim.simulate(ba, IC, [0], runs=200, rng=np.random.default_rng(3)).final_sizes
    g2 = refsim.simulate(ba, IC, [0], runs=200, rng=np.random.default_rng(3)).final_sizes
    assert np.array_equal(g1, g2)
    gen = np.random.default_rng(3)
    refsim.simulate(ba, IC, [0], runs=1, rng=gen)  # a Generator is advanced
    assert not np.array_equal(refsim.simulate(ba, IC, [0], runs=200, rng=gen).final_sizes, g1)
    # rng=None records its entropy, so the run can be repeated
    free = refsim.simulate(ba, IC, [0], runs=200)
    seq = np.random.SeedSequence(free.seed["entropy"], spawn_key=free.seed["spawn_key"])
    assert np.array_equal(refsim.simulate(ba, IC, [0], runs=200, rng=seq).final_sizes,
                          free.final_sizes)
    pair = refsim.simulate(ba, IC, [0], runs=200, rng=[1, 2])
    assert pair.seed == {"entropy": [1, 2], "spawn_key": []}


def test_xoshiro_matches_reference():
    # first output of xoshiro256** from state (1, 2, 3, 4) is rotl(2 * 5, 7) * 9 = 11520
    state = np.array([1, 2, 3, 4], dtype=np.uint64)
    assert Xoshiro(state).next_u64() == 11520
    ref = Xoshiro(state)
    expected = [ref.double() for _ in range(1000)]
    assert fill_doubles(state, np.empty(1000)).tolist() == expected
    # and the per-run states drive doubles that look uniform
    draws = np.concatenate([fill_doubles(s, np.empty(200)) for s in run_states(
        np.random.SeedSequence(0), 50)])
    from scipy.stats import kstest

    assert kstest(draws, "uniform").pvalue > 1e-4  # fails a uniform stream once in 10,000


def test_empty_seed_set_activates_nothing(ba):
    res = refsim.simulate(ba, IC, [], runs=3, rng=0)
    assert (res.final_sizes == 0).all() and res.curves.shape == (3, 1)


def test_labels_map_to_ids():
    g = refsim.Graph.from_networkx(nx.path_graph(["a", "b", "c"]))
    res = refsim.simulate(g, refsim.IndependentCascade(1.0), g.node_ids(["c"]), runs=2, rng=0)
    assert res.final_sizes.tolist() == [3, 3]
    with pytest.raises(ValueError, match="'z' is not in the graph"):
        g.node_ids(["z"])


# --------------------------------------------------------------------- bad input
BAD_CALLS = [
    ("seeds", dict(seeds=[3_000]), ValueError, r"seeds holds node 3000.*0\.\.2999"),
    ("seeds", dict(seeds=[-1]), ValueError, r"seeds holds node -1"),
    ("seeds", dict(seeds=[4, 9, 4]), ValueError, r"seeds lists node 4 more than once"),
    ("seeds", dict(seeds=[1.5]), TypeError, r"seeds must be integer node ids"),
    ("seeds", dict(seeds=[[1, 2]]), ValueError, r"seeds holds 1 seed set\(s\) but runs=2"),
    ("runs", dict(runs=0), ValueError, r"runs must be >= 1; got 0"),
    ("runs", dict(runs=2.0), TypeError, r"runs must be an int; got 2\.0"),
    ("runs", dict(runs=True), TypeError, r"runs must be an int; got True"),
    ("steps", dict(steps=-1), ValueError, r"steps must be >= 0; got -1"),
    ("workers", dict(workers=0), ValueError, r"workers must be >= 1; got 0"),
    ("runs", dict(runs=10**9), ValueError, r"runs=1000000000 needs about .* GiB of memory"),
    ("steps", dict(steps=10**12), ValueError, r"steps=1000000000000 with runs=2 needs"),
    ("workers", dict(workers=10_000), ValueError, r"workers must be <= \d+; got 10000"),
    ("rng", dict(rng=-3), ValueError, r"rng must be a non-negative int; got -3"),
    ("rng", dict(rng=1.5), TypeError, r"rng must be None, .*got 1\.5"),
    ("rng", dict(rng="seed"), TypeError, r"rng must be None, .*got 'seed'"),
    ("model", dict(model="IC"), TypeError, r"model must be one of .*got str"),
    # the walk through every argument: wrong types, NaN, inf, huge ints, numpy scalars,
    # bools, strings, nested lists, another library's graph
    ("graph", dict(graph=None), TypeError, r"graph must be a refsim.Graph; got NoneType"),
    ("graph", dict(graph=nx.path_graph(3)), TypeError,
     r"got networkx\.classes\.graph\.Graph \(convert with Graph\.from_networkx"),
    ("graph", dict(graph=np.eye(3)), TypeError, r"got numpy\.ndarray"),
    ("model", dict(model=None), TypeError, r"model must be one of .*got NoneType"),
    ("model", dict(model=refsim.IndependentCascade), TypeError,
     r"got the class IndependentCascade itself; build one"),
    ("model", dict(model=refsim.ReferralModel), TypeError, r"got the class ReferralModel"),
    ("seeds", dict(seeds=None), TypeError, r"seeds must be integer node ids in 0\.\.2999; "
                                           r"got None"),
    ("seeds", dict(seeds="0"), TypeError, r"must be integer node ids in 0\.\.2999; got '0'"),
    ("seeds", dict(seeds=["a"]), TypeError, r"map labels to ids with graph\.node_ids"),
    ("seeds", dict(seeds=True), TypeError, r"seeds must be integer node ids in .*; got True"),
    ("seeds", dict(seeds=[True, False]), TypeError, r"seeds must be integer node ids"),
    ("seeds", dict(seeds=[float("nan")]), TypeError, r"seeds must be integer node ids"),
    ("seeds", dict(seeds=np.float64(1.0)), TypeError, r"seeds must be integer node ids"),
    ("seeds", dict(seeds={0, 1}), TypeError, r"seeds must be a list or array of node ids; "
                                             r"got a set, whose order is not fixed"),
    ("seeds", dict(seeds=[10**30]), ValueError, r"seeds holds node 10{30}, which is not"),
    ("seeds", dict(seeds=[-(10**30)]), ValueError, r"seeds holds node -10{30}"),
    ("seeds", dict(seeds=[[[1]], [[2]]]), ValueError, r"seeds\[0\] must be a one-dimensional"),
    ("seeds", dict(seeds=[[0], [0, 3000]]), ValueError, r"seeds\[1\] holds node 3000"),
    ("runs", dict(runs=float("nan")), TypeError, r"runs must be an int; got nan"),
    ("runs", dict(runs=float("inf")), TypeError, r"runs must be an int; got inf"),
    ("runs", dict(runs=np.int64(0)), ValueError, r"runs must be >= 1; got 0"),
    ("runs", dict(runs=np.bool_(True)), TypeError, r"runs must be an int"),
    ("runs", dict(runs="5"), TypeError, r"runs must be an int; got '5' of type str"),
    ("runs", dict(runs=None), TypeError, r"runs must be an int; got None"),
    ("runs", dict(runs=10**30), ValueError, r"runs must be <= 2147483646; got 10{30}"),
    ("steps", dict(steps=float("nan")), TypeError, r"steps must be an int; got nan"),
    ("steps", dict(steps=np.float64(3)), TypeError, r"steps must be an int"),
    ("steps", dict(steps="3"), TypeError, r"steps must be an int; got '3'"),
    ("steps", dict(steps=10**30), ValueError, r"steps must be <= 4611686018427387904"),
    ("workers", dict(workers=-1), ValueError, r"workers must be >= 1; got -1"),
    ("workers", dict(workers=1.0), TypeError, r"workers must be an int; got 1\.0"),
    ("workers", dict(workers=True), TypeError, r"workers must be an int; got True"),
    ("first_run", dict(first_run=-1), ValueError, r"first_run must be >= 0; got -1"),
    ("first_run", dict(first_run=1.0), TypeError, r"first_run must be an int; got 1\.0"),
    ("first_run", dict(first_run=10**30), ValueError, r"first_run must be <= \d+; got 10{30}"),
    ("rng", dict(rng=float("nan")), TypeError, r"rng must be None, .*got nan"),
    ("rng", dict(rng=True), TypeError, r"rng must be None, .*got True"),
    ("rng", dict(rng=[]), TypeError, r"rng must be None, .*got \[\]"),
    ("rng", dict(rng=[1, -2]), ValueError, r"rng must hold non-negative ints; got \[1, -2\]"),
    ("rng", dict(rng=np.random.RandomState(0)), TypeError, r"of type RandomState"),
]


@pytest.mark.parametrize("field,kwargs,exc,pattern", BAD_CALLS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(BAD_CALLS)])
@pytest.mark.parametrize("model", [IC, refsim.ReferralModel()], ids=["ic", "referral"])
def test_bad_arguments_are_named(ba, field, kwargs, exc, pattern, model, monkeypatch):
    import refsim._memory
    from refsim._kernels import cascade, referral

    def no_kernel(*args, **kw):
        raise AssertionError("a kernel ran")

    for module, name in [(cascade, "independent_cascade"), (cascade, "linear_threshold"),
                         (referral, "referral_runs")]:
        monkeypatch.setattr(module, name, no_kernel)
    # the memory checks compare with the memory available now: make that one machine's
    monkeypatch.setattr(refsim._memory, "available_memory", lambda: 16 * 2**30)
    call = dict(graph=ba, model=model, seeds=[0], runs=2, rng=0, steps=3) | kwargs
    with pytest.raises(exc, match=pattern):
        refsim.simulate(call.pop("graph"), call.pop("model"), call.pop("seeds"), **call)


@pytest.mark.parametrize("p,exc,pattern", [
    (-0.1, ValueError, r"p must be in \[0, 1\]; got -0\.1"),
    (1.01, ValueError, r"p must be in \[0, 1\]; got 1\.01"),
    (float("nan"), ValueError, r"p must be in \[0, 1\]; got nan"),
    ("cascade", ValueError, r"one of 'weighted_cascade', 'weights'; got 'cascade'"),
    ("0.5", ValueError, r"one of 'weighted_cascade', 'weights'; got '0\.5'"),
    (float("inf"), ValueError, r"p must be in \[0, 1\]; got inf"),
    (10**30, ValueError, r"p must be in \[0, 1\]; got 1e\+30"),
    (np.bool_(True), TypeError, r"p must be a number in \[0, 1\]; got np\.True_"),
    (1j, TypeError, r"p must be a number in \[0, 1\]; got 1j of type complex"),
    ({}, TypeError, r"p must be a number in \[0, 1\]; got \{\} of type dict"),
    ([0.1, "a"], TypeError, r"p must be an array of real numbers"),
    ([[0.1], [0.2, 0.3]], ValueError, r"p must be one-dimensional \(one value per arc\)"),
    (np.array([0.1, np.inf]), ValueError, r"p\[1\] must be in \[0, 1\]; got inf"),
    (None, TypeError, r"p must be a number in \[0, 1\]; got None"),
    (True, TypeError, r"got True of type bool"),
    ([0.1, float("nan")], ValueError, r"p\[1\] must be in \[0, 1\]; got nan"),
    ([0.1, 2.0, 3.0], ValueError, r"p\[1\] must be in \[0, 1\]; got 2\.0 \(2 bad"),
    ([[0.1]], ValueError, r"one-dimensional"),
])
def test_bad_probabilities(p, exc, pattern):
    with pytest.raises(exc, match=pattern):
        refsim.IndependentCascade(p)


@pytest.mark.parametrize("weights,exc,pattern", [
    (0.5, TypeError, r"weights must be one weight per arc, 'graph' .* or None; got 0\.5"),
    (True, TypeError, r"weights must be one weight per arc.*got True"),
    ("graphs", ValueError, r"weights must be one weight per arc.*got 'graphs'"),
    ([float("nan")], ValueError, r"weights\[0\] must be in \[0, 1\]; got nan"),
    ([0.1, float("inf")], ValueError, r"weights\[1\] must be in \[0, 1\]; got inf"),
    ([True], TypeError, r"weights must be an array of real numbers"),
    ([[0.1]], ValueError, r"weights must be one-dimensional \(one value per arc\)"),
    ([[0.1], [0.2, 0.3]], ValueError, r"weights must be one-dimensional"),
    ({}, TypeError, r"weights must be an array of real numbers"),
])
def test_bad_lt_weights(weights, exc, pattern):
    with pytest.raises(exc, match=pattern):
        refsim.LinearThreshold(weights)


def test_per_arc_array_of_wrong_length(ba):
    with pytest.raises(ValueError, match=rf"p has 5 per-arc values but the graph has "
                                         rf"{ba.num_arcs} arcs"):
        refsim.simulate(ba, refsim.IndependentCascade(np.full(5, 0.1)), [0])
    with pytest.raises(ValueError, match=r"weights has 5 per-arc values"):
        refsim.simulate(ba, refsim.LinearThreshold(np.full(5, 0.1)), [0])


def test_lt_in_weights_above_one():
    g = refsim.Graph.from_edges([0, 1], [2, 2], directed=True, labels=["x", "y", "z"])
    with pytest.raises(ValueError, match=r"weights into node 'z' sum to 1\.2; .*at most 1"):
        refsim.simulate(g, refsim.LinearThreshold([0.6, 0.6]), [0])
    with pytest.raises(ValueError, match=r"weights\[0\] must be in \[0, 1\]; got -0\.5"):
        refsim.LinearThreshold([-0.5, 0.6])


def test_empty_graph_and_wrong_graph_type():
    with pytest.raises(ValueError, match=r"graph is empty \(0 nodes\)"):
        refsim.simulate(refsim.Graph.from_edges([], [], 0), IC, [])
    with pytest.raises(TypeError, match=r"graph must be a refsim.Graph; got "
                                        r"networkx\.classes\.graph\.Graph \(convert"):
        refsim.simulate(nx.path_graph(3), IC, [0])


def test_numpy_scalars_are_numbers():
    assert refsim.IndependentCascade(np.array(0.25)).p == 0.25
    assert refsim.IndependentCascade(np.float32(0.5)).p == 0.5
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\]; got 2\.0"):
        refsim.IndependentCascade(np.array(2.0))


def test_models_are_immutable():
    with pytest.raises(AttributeError, match="immutable"):
        IC.p = 0.5
    arr = refsim.IndependentCascade(np.array([0.1, 0.2])).p
    with pytest.raises(ValueError):
        arr[0] = 0.9


def test_public_names():
    expected = {"ArcScheme", "Graph", "InArcs", "IndependentCascade", "LinearThreshold",
                "SimResult", "read_edgelist", "simulate", "describe", "generators",
                "datasets", "ReferralModel", "ReferralProgram", "Economics", "Population",
                "Segment", "ReferralResult", "select_seeds", "register_strategy",
                "available_strategies"}
    assert expected <= set(refsim.__all__)
    assert set(refsim.__all__) <= set(dir(refsim))


@pytest.mark.parametrize("which", ["ic", "lt", "referral"])
def test_a_run_does_not_depend_on_the_runs_sharing_its_worker(which):
    """Past 255 runs a worker clears its one-byte visit stamps; any run computed among
    600 on one worker must equal the same run computed alone."""
    from refsim.simulate import ic_kernel_args, lt_kernel_args

    g = refsim.generators.holme_kim(300, 3, 0.5, rng=1)
    seeds = np.array([0, 1], dtype=g.indices.dtype)
    states = run_states(np.random.SeedSequence(3), 600)
    everyone = np.arange(600, dtype=np.int64)
    lo, hi = np.zeros(600, np.int64), np.full(600, 2, np.int64)  # one set for every run
    if which == "referral":
        from refsim._kernels.referral import referral_runs

        m = refsim.ReferralModel(share=0.4, conversion=0.5, ad_rate=0.01)
        share, conv, adv = m.node_arrays(g)
        from refsim.referral import NO_LIFECYCLE

        args = (g.indptr, g.indices, np.log1p(-share), conv, adv, float(np.log1p(-0.01)),
                0.3, *NO_LIFECYCLE, seeds)
        full = referral_runs(*args, lo, hi, states, everyone, 10, 1)
        for r in (254, 255, 256, 300, 511, 599):
            alone = referral_runs(*args, lo[:1], hi[:1], states, np.array([r]), 10, 1, 0)
            for a, b in zip(full[:5], alone[:5]):
                assert np.array_equal(a[r], b[0]), r
            # the recorded tree is the same whether the run is computed alone or among many
            kept = referral_runs(*args, lo, hi, states, everyone, 10, 1, r)
            assert np.array_equal(kept[5], alone[5]) and np.array_equal(kept[6], alone[6])
            assert alone[5].shape[0] == full[0][r, -1]
        return
    from refsim.simulate import kernel_scratch as scratch

    kernel, args = (ic_kernel_args if which == "ic" else lt_kernel_args)(
        g, refsim.IndependentCascade(0.3) if which == "ic" else refsim.LinearThreshold())

    def fresh():
        return scratch(g.n, 1, g.indices.dtype, lt=which == "lt")

    full = kernel(*args, seeds, lo, hi, states, everyone, g.n, 64, 1, *fresh())
    for r in (254, 255, 256, 300, 511, 599):
        alone = kernel(*args, seeds, lo[:1], hi[:1], states, np.array([r]), g.n, 64, 1,
                       *fresh())
        # alone, the curve stops at the run's own depth; among many, it is padded
        curve, own = full[2][r], alone[2][0]
        assert full[0][r] == alone[0][0] and np.array_equal(curve[: own.size], own), r
        assert (curve[own.size:] == own[-1]).all(), r


def test_long_adjacency_lists_use_the_logarithm_and_stay_exact(stat_scale):
    # a star seen from its centre: 1 + Binomial(40, p) exactly; 40 arcs > the table scan
    g = refsim.Graph.from_edges(np.zeros(40, dtype=np.int64), np.arange(1, 41), directed=True)
    runs, p = int(20_000 * stat_scale), 0.07
    res = refsim.simulate(g, refsim.IndependentCascade(p), [0], runs=runs, rng=2)
    assert abs(res.mean - (1 + 40 * p)) <= 4 * math.sqrt(40 * p * (1 - p) / runs)
    # 4 standard errors of a sample variance, from the binomial's exact fourth moment
    from scipy.stats import binom

    law = dict(enumerate(binom.pmf(np.arange(41), 40, p)))
    var_se = sample_variance_se(law, runs)
    assert abs(res.std**2 - 40 * p * (1 - p)) <= 4 * var_se, (res.std**2, var_se)


def test_the_no_fire_table_is_one_minus_p_to_the_r():
    from refsim.simulate import q_powers

    for p in (1e-6, 0.01, 0.3, 0.999):
        r = np.arange(200)
        assert np.allclose(q_powers(p, 199), np.power(1.0 - p, r), rtol=1e-12, atol=0)
    assert q_powers(1.0, 3).tolist() == [1.0, 0.0, 0.0, 0.0]


def test_other_pool_sizes_use_numpys_own_children():
    seq = np.random.SeedSequence(9, pool_size=8)
    expected = np.array([c.generate_state(4, np.uint64)
                         for c in np.random.SeedSequence(9, pool_size=8).spawn(5)])
    assert np.array_equal(run_states(seq, 5), expected)


@pytest.mark.parametrize("rng", [np.random.SeedSequence(5, spawn_key=(3, 1)),
                                 np.random.SeedSequence(5, pool_size=8),
                                 np.random.SeedSequence(np.array([1, 2])),
                                 [4, 5, 6]], ids=["spawn_key", "pool", "array", "list"])
def test_result_seed_rebuilds_the_run(ba, rng):
    res = refsim.simulate(ba, IC, [0], runs=50, rng=rng)
    again = refsim.simulate(ba, IC, [0], runs=50, rng=np.random.SeedSequence(**res.seed))
    assert np.array_equal(res.final_sizes, again.final_sizes)


def test_generator_seeds_carry_full_entropy_and_threads_are_restored(ba):
    before = numba.get_num_threads()
    res = refsim.simulate(ba, IC, [0], runs=5, rng=np.random.default_rng(1), workers=1)
    assert numba.get_num_threads() == before
    assert len(res.seed["entropy"]) == 4 and max(res.seed["entropy"]) > 2**40


@pytest.mark.parametrize("length", [64, 65, 66])
def test_cascades_as_deep_as_the_first_buffer(length):
    # depth = length - 1: just under, at and just over the 64 columns tried first
    g = refsim.Graph.from_edges(np.arange(length - 1), np.arange(1, length), directed=True)
    res = refsim.simulate(g, refsim.IndependentCascade(1.0), [0], runs=3, rng=0)
    assert res.curves.shape == (3, length)
    assert (res.curves == np.arange(1, length + 1)).all()


def test_results_are_read_only(ba):
    res = refsim.simulate(ba, IC, [0], runs=5, rng=0)
    with pytest.raises(ValueError):
        res.final_sizes[0] = 99
    with pytest.raises(ValueError, match="level must be a number strictly between"):
        res.ci("a")


@pytest.mark.parametrize("entropy,key", [
    (0, ()), (5, ()), (2**32 - 1, ()), (2**32, ()), (2**100 + 7, ()), ([1, 2], ()),
    ([0, 2**40, 3], ()), (123, (4,)), (9, (2**33, 1)), (2**128 - 1, (0, 0, 0)),
])
def test_bulk_child_states_equal_numpys_spawned_children(entropy, key):
    seq = np.random.SeedSequence(entropy, spawn_key=key)
    children = seq.spawn(70)
    expected = np.array([c.generate_state(4, np.uint64) for c in children])
    assert np.array_equal(run_states(np.random.SeedSequence(entropy, spawn_key=key), 70),
                          expected)
    # children far out (index past 2**32 takes two words)
    far = np.random.SeedSequence(entropy, spawn_key=key + (2**32 + 5,))
    assert np.array_equal(run_states(seq, 1, start=2**32 + 5)[0],
                          far.generate_state(4, np.uint64))


def test_seed_values_beyond_the_graph_are_reported_as_given(ba):
    with pytest.raises(ValueError, match=r"seeds holds node 18446744073709551615"):
        refsim.simulate(ba, IC, np.array([2**64 - 1], dtype=np.uint64))
    for bad in (np.array([True]), np.array(["0.1"]), np.array([0.1j])):
        with pytest.raises(TypeError, match=r"p must be an array of real numbers"):
            refsim.IndependentCascade(np.repeat(bad, 3))


def test_visit_stamps_cycle_through_255_values_and_clear_on_wrap():
    from numba import njit

    from refsim._kernels.cascade import next_stamp

    @njit
    def stamp_of(mark, count):
        return next_stamp(mark, count)

    mark = np.full(8, 7, dtype=np.uint8)
    stamps = [int(stamp_of(mark, c)) for c in range(255)]
    assert stamps == list(range(1, 256)) and (mark == 7).all()  # no clearing yet
    assert int(stamp_of(mark, 255)) == 1 and (mark == 0).all()  # wrap: cleared
    mark[:] = 9
    assert int(stamp_of(mark, 510)) == 1 and (mark == 0).all()


def test_prepared_inputs_give_the_same_numbers_as_the_per_arc_path():
    """One p for every arc is prepared in O(largest out-degree) (the kernel reads only its
    first entries); the same p given per arc goes through the general preparation. Both,
    and LT's kept 1 / in-degree weights against the same weights given explicitly, give
    bit-identical runs; a second call on the graph reuses what the first prepared."""
    g = refsim.generators.holme_kim(3000, 3, 0.5, rng=2)
    seeds = [0, 5, 9]
    for p in (0.0, 1e-310, 0.05, 0.3, 1.0):
        a = refsim.simulate(g, refsim.IndependentCascade(p), seeds, runs=50, rng=4)
        b = refsim.simulate(g, refsim.IndependentCascade(np.full(g.num_arcs, p)), seeds, runs=50, rng=4)
        assert np.array_equal(a.curves, b.curves), p
    share = 1.0 / np.bincount(g.indices, minlength=g.n)[g.indices]
    a = refsim.simulate(g, refsim.LinearThreshold(), seeds, runs=50, rng=4)
    b = refsim.simulate(g, refsim.LinearThreshold(share), seeds, runs=50, rng=4)
    assert np.array_equal(a.curves, b.curves)
    kept = g.derived("in_degree_share", lambda graph: None)
    assert kept is refsim.LinearThreshold().arc_weights(g) and not kept.flags.writeable
    # an isolated graph: nothing can fire whatever p
    lone = refsim.Graph.from_edges([], [], n=3)
    assert refsim.simulate(lone, refsim.IndependentCascade(0.5), [1], runs=2).curves.tolist() == [[1], [1]]


def test_default_workers_follow_the_runs(monkeypatch):
    """One run starts no threads; more runs use up to every core; the numbers are the
    same either way."""
    from refsim.simulate import _resolve_workers

    monkeypatch.setattr(numba.config, "NUMBA_NUM_THREADS", 8)
    assert [_resolve_workers(None, r) for r in (1, 2, 5, 100)] == [1, 2, 5, 8]
    assert _resolve_workers(3, 1) == 3


def test_small_memory_checks_reuse_a_fresh_reading(monkeypatch):
    """A need below 1% of what was available a moment ago is not read again (three files
    per call); a larger need, an old reading or another reader reads again."""
    from refsim import _memory

    reads = []

    def reader():
        reads.append(1)
        return 10**9

    monkeypatch.setattr(_memory, "available_memory", reader)
    monkeypatch.setattr(_memory, "_last", None)
    _memory.check_memory("x", 10)
    _memory.check_memory("x", 10**7 - 1)  # below 1% of 10^9: the reading is reused
    assert len(reads) == 1
    _memory.check_memory("x", 10**7)  # not below 1%: read again
    assert len(reads) == 2
    monkeypatch.setattr(_memory, "_last", (_memory._last[0] - 2.0, *_memory._last[1:]))
    _memory.check_memory("x", 10)  # the reading is older than a second
    assert len(reads) == 3
    monkeypatch.setattr(_memory, "available_memory", lambda: 100)  # another reader
    with pytest.raises(ValueError, match="x needs about 90 B of memory; 100 B is available"):
        _memory.check_memory("x", 90)


@pytest.mark.parametrize("which", ["ic", "ic per arc", "lt"])
def test_prefetching_changes_no_result(which):
    """The kernels' prefetch distance (used on graphs beyond the cache) is a hint only:
    every distance gives the same sizes, depths and curves as none."""
    from refsim._kernels.cascade import SERIAL
    from refsim.simulate import kernel_scratch as scratch
    from refsim.simulate import ic_kernel_args, lt_kernel_args

    g = refsim.generators.holme_kim(3_000, 4, 0.5, rng=5)
    if which == "lt":
        kernel, args = lt_kernel_args(g, refsim.LinearThreshold())
        at = 4
    else:
        p = (np.random.default_rng(1).random(g.num_arcs) * 0.3) if which != "ic" else 0.15
        kernel, args = ic_kernel_args(g, refsim.IndependentCascade(p))
        at = 7
    assert args[at] == 0  # a small graph: no prefetching by default
    seeds = np.array([0, 7, 9], dtype=g.indices.dtype)
    lo, hi = np.zeros(50, np.int64), np.full(50, 3, np.int64)
    states = run_states(np.random.SeedSequence(2), 50)
    def fresh():
        return scratch(g.n, 2, g.indices.dtype, lt=which == "lt")

    want = kernel(*args, seeds, lo, hi, states, np.arange(50), g.n, 64, 2, *fresh())
    assert want[0].max() > 100  # cascades long enough to run ahead of the queue
    for ahead in (1, 2, 5, 16, 64):
        for k, workers in ((kernel, 2), (SERIAL[kernel], 1)):
            got = k(*args[:at], ahead, seeds, lo, hi, states, np.arange(50), g.n, 64,
                    workers, *fresh())
            for a, b in zip(want, got):
                assert np.array_equal(a, b), ahead


def test_default_workers_follow_the_work():
    """A default call stays on one thread once the last call of the same model on the
    graph shows the call is too small to wake threads for; heavy calls use every core."""
    import numba

    from refsim.simulate import _PARALLEL_FROM, _resolve_workers

    g = refsim.generators.holme_kim(500, 3, 0.5, rng=1)
    model = refsim.IndependentCascade(0.05)
    key = repr(model)
    most = numba.config.NUMBA_NUM_THREADS
    assert _resolve_workers(None, 10, g, key) == min(most, 10)  # nothing known yet
    for _ in range(3):  # the first calls may pay one-off costs (loading kernels)
        first = refsim.simulate(g, model, [0], runs=10, rng=3)
    kept = g.derived("seconds_per_run", dict)
    assert 0 < kept[key] < 0.05  # recorded (a loose bound: machines differ)
    kept[key] = _PARALLEL_FROM / 100  # ten runs of this cost: not worth waking threads
    assert _resolve_workers(None, 10, g, key) == 1
    assert _resolve_workers(None, 1000, g, key) == min(most, 1000)  # enough work
    assert _resolve_workers(None, 10, g, repr(refsim.LinearThreshold())) == min(most, 10)
    assert _resolve_workers(2, 10, g, key) == min(2, most)  # as given
    kept[key] = 1.0  # heavy runs: all cores
    assert _resolve_workers(None, 10, g, key) == min(most, 10)
    again = refsim.simulate(g, model, [0], runs=10, rng=3)
    assert np.array_equal(first.curves, again.curves)


@pytest.mark.parametrize("p", ["array", "weighted_cascade"])
def test_per_arc_inputs_are_prepared_once_per_model_and_graph(p, monkeypatch):
    """Per-arc probabilities cost O(arcs) on the first call only: later calls with the
    same model on the same graph reuse the kept inputs, with the same results."""
    g = refsim.generators.holme_kim(400, 3, 0.5, rng=2)
    if p == "array":
        p = np.random.default_rng(3).random(g.num_arcs) * 0.4
    model = refsim.IndependentCascade(p)
    want = refsim.simulate(refsim.Graph(g.indptr, g.indices, directed=False), model,
                           [0, 5], runs=30, rng=4).curves  # a graph with nothing kept
    calls = []
    original = refsim.IndependentCascade.arc_probabilities
    monkeypatch.setattr(refsim.IndependentCascade, "arc_probabilities",
                        lambda self, graph: calls.append(1) or original(self, graph))
    for _ in range(3):
        got = refsim.simulate(g, model, [0, 5], runs=30, rng=4).curves
        assert np.array_equal(got, want)
    assert len(calls) == 1
    other = refsim.IndependentCascade(p if isinstance(p, str) else p.copy())
    refsim.simulate(g, other, [0], runs=2, rng=1)
    # an equal array in another model is prepared anew (models are told apart by identity)
    assert len(calls) == (1 if isinstance(p, str) else 2)



@pytest.mark.parametrize("which", ["ic", "lt"])
def test_scratch_kept_between_calls_changes_no_result(which):
    """A graph keeps each thread's scratch (visit stamps, queue, LT's sums) between
    calls and never clears it: 600 calls of one run each on the same graph, across two
    wraps of the 255 stamps, on one and two threads, give exactly the runs of one call
    on a fresh graph."""
    g = refsim.generators.holme_kim(400, 3, 0.5, rng=6)
    model = refsim.IndependentCascade(0.3) if which == "ic" else refsim.LinearThreshold()
    want = refsim.simulate(refsim.Graph(g.indptr, g.indices, directed=False), model, [0, 1],
                           runs=600, rng=8, workers=2)
    for r in range(600):
        got = refsim.simulate(g, model, [0, 1], runs=1, rng=8, first_run=r,
                              workers=1 + r % 2)
        assert got.final_sizes[0] == want.final_sizes[r], r
        curve = want.curves[r]
        assert np.array_equal(got.curves[0], curve[: got.curves.shape[1]]), r
    pool = g.derived("scratch_" + which, list)
    assert len(pool) == 1 and pool[0][1].sum() == 600  # one scratch, every run counted


@pytest.mark.parametrize("which", ["ic", "lt"])
def test_kernel_columns_stop_at_the_cap_with_the_count_after_that_step(which):
    """Called with a cap below some runs' depth, the kernels keep each run's count
    after every step up to the cap (not its final size) and pad only shallower runs."""
    from refsim.simulate import ic_kernel_args, kernel_scratch, lt_kernel_args

    g = refsim.generators.watts_strogatz(400, 4, 0.05, rng=3)  # long, thin cascades
    kernel, args = (ic_kernel_args(g, refsim.IndependentCascade(0.9)) if which == "ic"
                    else lt_kernel_args(g, refsim.LinearThreshold(thresholds=0.4)))
    seeds = np.array([0, 1], dtype=g.indices.dtype)
    lo, hi = np.zeros(20, np.int64), np.full(20, 2, np.int64)
    states = run_states(np.random.SeedSequence(5), 20)

    def run(cap):
        return kernel(*args, seeds, lo, hi, states, np.arange(20), g.n, cap, 1,
                      *kernel_scratch(g.n, 1, g.indices.dtype, lt=which == "lt"))

    final, depth, full = run(g.n)
    cap = 5
    assert depth.min() > cap  # every run goes deeper than the cap
    got_final, _, capped = run(cap)
    assert capped.shape == (20, cap + 1)
    assert np.array_equal(capped, full[:, : cap + 1]) and np.array_equal(got_final, final)
    assert (capped[:, cap] < final).all()  # the count after step 5, not the final size


def test_scratch_of_a_call_cut_short_is_not_reused(monkeypatch):
    """A call that fails inside the kernel may leave visit stamps its run counts do not
    cover: its scratch is dropped, and the next call takes fresh scratch."""
    from refsim._kernels import cascade

    g = refsim.generators.holme_kim(300, 3, 0.5, rng=4)
    model = refsim.IndependentCascade(0.2)
    refsim.simulate(g, model, [0], runs=3, rng=1, workers=1)
    pool = g.derived("scratch_ic", list)
    assert len(pool) == 1
    kept = pool[0]

    def broken(*args):
        args[-2][0] += 7  # as if some runs happened
        raise MemoryError("cut short")

    monkeypatch.setitem(cascade.SERIAL, cascade.independent_cascade, broken)
    with pytest.raises(MemoryError):
        refsim.simulate(g, model, [0], runs=3, rng=1, workers=1)
    assert pool == []  # not handed back
    monkeypatch.undo()
    again = refsim.simulate(g, model, [0], runs=3, rng=1, workers=1)
    assert len(pool) == 1 and pool[0] is not kept and pool[0][1][0] == 3
    fresh = refsim.simulate(refsim.Graph(g.indptr, g.indices, directed=False), model, [0],
                            runs=3, rng=1, workers=1)
    assert np.array_equal(again.curves, fresh.curves)
