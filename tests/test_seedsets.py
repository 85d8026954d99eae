"""Seed sets: one shared by every run, one per run, empty ones, and their checks."""

import hashlib

import numba
import numpy as np
import pytest

import refsim

KARATE = refsim.datasets.load("karate_club")

# Values computed with the kernels as they were before seed sets could vary per run
# (commit 3a5f6ac): one shared set must still give exactly these numbers.
BEFORE = {
    "ic": ([7, 9, 11, 15, 13, 7, 15, 11, 16, 16, 16, 7, 17, 16, 12, 4, 19, 10, 7, 11, 11, 11,
            11, 12, 10, 18, 9, 11, 11, 18, 9, 8, 14, 15, 18, 11, 12, 15, 15, 7],
           "76ab3ee463cc67ab"),
    "ic_per_arc": ([20, 18, 19, 15, 17, 16, 17, 17, 21, 25, 13, 20, 16, 19, 22, 19, 15, 15,
                    17, 16, 15, 24, 17, 19, 14, 20, 15, 17, 18, 21, 18, 16, 18, 18, 20, 15,
                    18, 17, 18, 16], "ccecec19230dcfc4"),
    "lt": ([29, 26, 20, 31, 14, 19, 16, 20, 13, 14, 23, 25, 12, 16, 27, 34, 10, 28, 22, 32,
            16, 16, 23, 31, 30, 16, 19, 31, 24, 11, 25, 32, 25, 18, 30, 26, 31, 29, 21, 32],
           "70c74e932dcf0f9d"),
}
CASCADES = {
    "ic": refsim.IndependentCascade(0.2),
    "ic_per_arc": refsim.IndependentCascade(np.linspace(0.05, 0.5, KARATE.num_arcs)),
    "lt": refsim.LinearThreshold(),
}


def _digest(a):
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:16]


def _referral_model(seed_fee=None):
    econ = refsim.Economics(seed_cost_per_follower=1.0 if seed_fee is None else 0.1,
                            seed_cost=seed_fee)
    return refsim.ReferralModel(share=0.4, conversion=0.5, ad_rate=0.01, economics=econ)


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_one_shared_set_gives_the_numbers_of_before(name):
    res = refsim.simulate(KARATE, CASCADES[name], [0, 33], runs=40, rng=2024)
    sizes, curves = BEFORE[name]
    assert res.final_sizes.tolist() == sizes
    assert _digest(res.curves) == curves


def test_one_shared_set_gives_the_referral_numbers_of_before():
    res = refsim.simulate(KARATE, _referral_model(), [0, 33], runs=12, rng=2024, steps=8)
    assert res.final_sizes.tolist() == [25, 26, 12, 24, 28, 15, 19, 26, 24, 21, 22, 25]
    assert [_digest(a) for a in (res.curves, res.aware_curves, res.advocate_curves,
                                 res.virality)] == ["d69164d1e667fdca", "870fce610dd2d4fe",
                                                    "dbe7b5d1246516f0", "6d74809fdb66f5e8"]
    assert res.tallies["referrals_sent"].tolist() == [39, 38, 27, 41, 33, 21, 26, 52, 32, 35,
                                                      33, 35]
    assert res.tallies["depth"].tolist() == [4, 3, 2, 2, 4, 3, 2, 3, 3, 5, 2, 2]
    # seed cost = out-degrees of nodes 0 and 33 at 1 per follower
    assert float(res.money["profit"].sum()) == 27408.0
    assert res.money["seed_cost"].tolist() == [33.0] * 12
    tree = refsim.referral_tree(KARATE, _referral_model(), [0, 33], steps=8, rng=2024, run=5)
    assert tree["nodes"].tolist() == [0, 33, 8, 17, 23, 31, 27, 2, 24, 29, 32, 25, 1, 7, 21]
    assert tree["parents"].tolist() == [-1, -1, 0, 0, 33, 33, -1, 8, 31, -1, 29, 24, 17, 1, 1]


SETS = [[0, 33], [], [5], [33, 0], list(range(10, 20)), [2, 3], [0]]


def _as_rows(sets):
    """The same sets, when they have one size, as a 2-D array; else as given."""
    return np.array(sets) if len({len(s) for s in sets}) == 1 else sets


def _assert_run_equals_single_call(many, i, single):
    assert many.final_sizes[i] == single.final_sizes[0]
    width = single.curves.shape[1]
    assert np.array_equal(many.curves[i, :width], single.curves[0])
    assert (many.curves[i, width:] == single.final_sizes[0]).all()


@pytest.mark.parametrize("name", sorted(CASCADES))
@pytest.mark.parametrize("sets", [SETS, [[1, 2], [3, 4], [0, 33]]], ids=["ragged", "2d"])
def test_per_run_sets_equal_single_runs_of_the_cascades(name, sets):
    first = 5
    many = refsim.simulate(KARATE, CASCADES[name], _as_rows(sets), runs=len(sets), rng=8,
                           first_run=first)
    assert many.curves[:, 0].tolist() == [len(s) for s in sets]
    for i, s in enumerate(sets):
        one = refsim.simulate(KARATE, CASCADES[name], s, runs=1, rng=8, first_run=first + i)
        _assert_run_equals_single_call(many, i, one)


@pytest.mark.parametrize("sets", [SETS, [[1, 2], [3, 4], [0, 33]]], ids=["ragged", "2d"])
def test_per_run_sets_equal_single_runs_of_the_referral_model(sets):
    # fees that are not exact in binary, so seed costs must be summed per run as alone
    fee = np.random.default_rng(1).uniform(0, 50, KARATE.n).round(2)
    model = _referral_model(seed_fee=fee)
    many = refsim.simulate(KARATE, model, _as_rows(sets), runs=len(sets), rng=8, steps=6,
                           first_run=3)
    for i, s in enumerate(sets):
        one = refsim.simulate(KARATE, model, s, runs=1, rng=8, steps=6, first_run=3 + i)
        for a, b in [(many.curves, one.curves), (many.aware_curves, one.aware_curves),
                     (many.advocate_curves, one.advocate_curves),
                     (many.virality, one.virality)]:
            assert np.array_equal(a[i], b[0])
        for k in many.tallies:
            assert many.tallies[k][i] == one.tallies[k][0], k
        for k in many.money:
            assert np.array_equal(many.money[k][i], one.money[k][0], equal_nan=True), k
        assert many.money["seed_cost"][i] == float(model.seed_costs(KARATE, s).sum())
        tree = refsim.referral_tree(KARATE, model, s, steps=6, rng=8, run=3 + i)
        assert tree["nodes"].shape[0] == many.final_sizes[i]


def test_deep_cascades_are_redone_from_their_own_sets():
    # a directed path at p = 1: a run seeded at node s reaches depth 299 - s
    g = refsim.Graph.from_edges(np.arange(299), np.arange(1, 300), directed=True)
    sets = [[290], [0], [150, 295], [], [299]]
    res = refsim.simulate(g, refsim.IndependentCascade(1.0), sets, runs=5, rng=0)
    assert res.curves.shape == (5, 300)
    assert res.final_sizes.tolist() == [10, 300, 150, 0, 1]
    assert res.curves[1].tolist() == list(range(1, 301))
    assert res.curves[2, :6].tolist() == [2, 4, 6, 8, 10, 11]


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
@pytest.mark.parametrize("model", [CASCADES["ic"], CASCADES["lt"], _referral_model()],
                         ids=["ic", "lt", "referral"])
def test_per_run_sets_give_the_same_numbers_for_any_number_of_workers(model):
    sets = [list(np.random.default_rng(r).choice(KARATE.n, r % 4, replace=False))
            for r in range(101)]
    one = refsim.simulate(KARATE, model, sets, runs=101, rng=4, steps=5, workers=1)
    two = refsim.simulate(KARATE, model, sets, runs=101, rng=4, steps=5, workers=2)
    assert np.array_equal(one.curves, two.curves)


# ----------------------------------------------------------------- empty seed sets
@pytest.mark.parametrize("model", [CASCADES["ic"], CASCADES["lt"],
                                   refsim.ReferralModel(ad_rate=0.0)], ids=["ic", "lt", "ref"])
def test_seeding_nobody_reaches_nobody(model):
    res = refsim.simulate(KARATE, model, [], runs=4, rng=0, steps=5)
    assert (res.curves == 0).all() and (res.final_sizes == 0).all()


def test_seeding_nobody_leaves_outside_adoption_only():
    econ = refsim.Economics(ad_cost_per_step=2.0)
    model = refsim.ReferralModel(share=0.0, ad_rate=0.05, economics=econ)
    res = refsim.simulate(KARATE, model, [], runs=50, rng=1, steps=10)
    t = res.tallies
    assert (t["seed"] == 0).all() and (t["referral"] == 0).all()
    assert (res.final_sizes == t["outside"]).all() and res.final_sizes.sum() > 0
    assert (res.money["seed_cost"] == 0).all() and (res.money["ad_cost"] == 20.0).all()
    assert (res.money["cost"] == 20.0).all()
    # each run keeps its own stream: runs seeded with nobody next to a seeded run are
    # the runs seeded with nobody alone
    mixed = refsim.simulate(KARATE, model, [[0, 1]] + [[]] * 49, runs=50, rng=1, steps=10)
    assert np.array_equal(mixed.curves[1:], res.curves[1:])


# ----------------------------------------------------------------- checks
BAD_SETS = [
    ([[0], [1], [99]], ValueError, r"seeds\[2\] holds node 99, which is not in the graph; "
                                   r"nodes are numbered 0\.\.33"),
    ([[0], [4, 9, 4], [1]], ValueError, r"seeds\[1\] lists node 4 more than once"),
    ([[0], [-1], [1]], ValueError, r"seeds\[1\] holds node -1"),
    ([[0], [1]], ValueError, r"seeds holds 2 seed set\(s\) but runs=3"),
    ([[0], [1], [2], [3]], ValueError, r"seeds holds 4 seed set\(s\) but runs=3"),
    ([[0], 1, [2]], TypeError, r"seeds must be one seed set .* or one set per run; got a mix: "
                               r"seeds\[0\] is \[0\] but seeds\[1\] is 1"),
    ([3, [1], [2]], TypeError, r"got a mix: seeds\[0\] is 3 but seeds\[1\] is \[1\]"),
    ([[0], [1.5], [2]], TypeError, r"seeds\[1\] must be integer node ids"),
    ([[0], ["a"], [2]], TypeError, r"seeds\[1\] must be integer node ids"),
    ([[0], [[1, 2]], [2]], ValueError, r"seeds\[1\] must be a one-dimensional list"),
    ([[0], [[1, 2], [3]], [2]], ValueError, r"seeds\[1\] must be a one-dimensional list"),
    ([[0], [2**70], [2]], ValueError, r"seeds\[1\] holds node 1180591620717411303424"),
    (np.array([[0, 1], [2, 2], [3, 4]]), ValueError, r"seeds\[1\] lists node 2 more"),
    (np.array([[0, 1], [2, 3], [3, 40]]), ValueError, r"seeds\[2\] holds node 40"),
    (np.array([[0, 1], [2, 3], [3, 2**63]], dtype=np.uint64), ValueError,
     r"seeds holds node 9223372036854775808"),
    (np.array([[0.0], [1.0], [2.0]]), TypeError, r"seeds must be integer node ids"),
    (np.zeros((3, 1, 1), dtype=int), ValueError, r"seeds must be a one-dimensional"),
]


@pytest.mark.parametrize("seeds,exc,pattern", BAD_SETS,
                         ids=[f"bad-{i}" for i in range(len(BAD_SETS))])
@pytest.mark.parametrize("model", [CASCADES["ic"], _referral_model()], ids=["ic", "referral"])
def test_bad_seed_sets_are_named(seeds, exc, pattern, model):
    with pytest.raises(exc, match=pattern):
        refsim.simulate(KARATE, model, seeds, runs=3, rng=0, steps=3)


def test_sets_in_other_forms():
    ic = CASCADES["ic"]
    base = refsim.simulate(KARATE, ic, [[0, 1], [2], []], runs=3, rng=3)
    for form in ([np.array([0, 1]), np.array([2]), np.array([], dtype=np.int64)],
                 ((0, 1), (2,), ()),
                 np.array([np.array([0, 1]), np.array([2]), np.array([], dtype=int)],
                          dtype=object),
                 [range(2), [np.int64(2)], []]):
        assert np.array_equal(refsim.simulate(KARATE, ic, form, runs=3, rng=3).curves,
                              base.curves)
    # one run: a list holding one set is that run's set, a flat list the shared set
    assert np.array_equal(refsim.simulate(KARATE, ic, [[0, 1]], runs=1, rng=3).curves,
                          refsim.simulate(KARATE, ic, [0, 1], runs=1, rng=3).curves)
    # numpy integer scalars and a 0-d array are one node
    for one in (np.int32(5), np.array(5), 5):
        assert refsim.simulate(KARATE, ic, one, runs=2, rng=1).curves[:, 0].tolist() == [1, 1]


def test_the_memory_check_counts_seed_sets_and_referral_outputs(monkeypatch):
    import refsim._memory

    g = refsim.Graph.from_edges(np.arange(99), np.arange(1, 100))
    ic = refsim.IndependentCascade(0.5)
    # 10 runs of 6 steps: a few kB of curves and offsets; 10 sets of 100 ids: 16 kB more
    monkeypatch.setattr(refsim._memory, "available_memory", lambda: 12_500)
    refsim.simulate(g, ic, list(range(100)), runs=10, steps=5, rng=0, workers=1)
    with pytest.raises(ValueError, match=r"steps=5 with runs=10 needs about .* of memory"):
        refsim.simulate(g, ic, [list(range(100))] * 10, runs=10, steps=5, rng=0, workers=1)
    # referral outputs: three int64 curves of runs x (steps + 1), 24 kB here
    with pytest.raises(ValueError, match=r"steps=99 with runs=10 needs about"):
        refsim.simulate(g, refsim.ReferralModel(), [0], runs=10, steps=99, rng=0, workers=1)
    # without steps: 2000 runs x 65 columns tried first, 1.2 MB
    monkeypatch.setattr(refsim._memory, "available_memory", lambda: 10**6)
    with pytest.raises(ValueError, match=r"runs=2000 needs about .* MiB of memory; .* "
                                         r"available; lower it"):
        refsim.simulate(g, ic, [0], runs=2000, rng=0, workers=1)
