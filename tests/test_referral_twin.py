"""The referral kernel against its coupled slow twin: equal outcomes, run by run."""

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import refsim
from refsim._rng import run_states
from naive_referral import TALLY, money, node_parameters, referral_coupled

MONEY = ("revenue", "cost", "profit", "roi", "cac", "cost_per_referral", "rewards",
         "seed_cost", "ad_cost")


def close(a, b, scale=1.0):
    """Equal up to float rounding: sums taken in another order differ by a few ulps."""
    if math.isnan(b):
        return math.isnan(a)
    if math.isinf(b):  # a subnormal cost makes ROI overflow in both
        return a == b
    return abs(a - b) <= 1e-12 * max(1.0, abs(b), scale)


def check_against_twin(g, model, seeds, runs, rng, steps, *, per_run=False, first_run=0):
    """Compare every run with the twin; ``per_run``: ``seeds`` holds one set per run."""
    res = refsim.simulate(g, model, seeds, runs=runs, rng=rng, steps=steps,
                          first_run=first_run)
    states = run_states(np.random.SeedSequence(rng), runs, first_run)
    assert tuple(res.tallies) == TALLY
    for r in range(runs):
        own = [int(v) for v in seeds[r]] if per_run else seeds
        twin = referral_coupled(g, model, own, states[r], steps)
        assert res.curves[r].tolist() == twin["adopters"], r
        assert res.aware_curves[r].tolist() == twin["aware"], r
        assert res.advocate_curves[r].tolist() == twin["advocates"], r
        if model.lifecycle is not None:
            assert res.customers[r].tolist() == twin["customers"], r
            assert res.flows[r, :, 4].tolist() == twin["warned"], r
            assert res.flows[r, :, 5].tolist() == twin["rejected"], r
            assert (res.kept[r].sum(axis=1) == res.customers[r].sum(axis=1)).all()
        else:
            assert res.customers is None and twin["customers"] == [[0, 0, 0]] * (steps + 1)
        assert res.final_sizes[r] == len(twin["order"])
        assert {k: int(v[r]) for k, v in res.tallies.items()} == twin["tally"], r
        assert close(res.virality[r], twin["virality"]), (res.virality[r], twin["virality"])
        bill = money(model, g, own, twin, steps)
        scale = abs(bill["revenue"]) + abs(bill["cost"])
        names = MONEY + (("repeat_revenue", "npv", "payback", "clv_referred",
                          "clv_outside") if model.lifecycle else ())
        for name in names:
            got, want = float(res.money[name][r]), bill[name]
            s = scale / bill["cost"] if name == "roi" and bill["cost"] > 0 else scale
            assert close(got, want, s), (name, got, want)
    return res


def check_tree(g, model, seeds, rng, steps, run):
    """referral_tree replays one run: its adopters in order and their referrers."""
    tree = refsim.referral_tree(g, model, seeds, steps=steps, rng=rng, run=run)
    twin = referral_coupled(g, model, seeds, run_states(np.random.SeedSequence(rng), 1, run)[0],
                            steps)
    assert tree["nodes"].tolist() == twin["order"]
    assert tree["parents"].tolist() == twin["parents"]


def test_twin_reads_the_documented_parameters():
    """node_parameters follows the docs; node_arrays must agree with it exactly."""
    g = refsim.Graph.from_networkx(nx.star_graph(3))
    pop = refsim.Population(["influencer", "regular", "micro_advocate", "regular"])
    model = refsim.ReferralModel(share=[0.1, 0.2, 0.3, 0.9], advocacy=0.4,
                                 trust=[1.0, 0.5, 0.5, 0.5], conversion=0.9, population=pop,
                                 program=refsim.ReferralProgram(10, 30))
    share, conv, adv = model.node_arrays(g)
    twin = node_parameters(model, g.n)
    for got, want in zip((share, conv, adv), twin):
        assert got.tolist() == pytest.approx(want, rel=1e-15, abs=0)
    assert share[3] == 1.0  # 0.9 x 1.43 capped at 1


@pytest.mark.parametrize("forget", [0.0, 0.4, 1.0])
@pytest.mark.parametrize("advocacy", [0.0, 0.6, 1.0])
def test_kernel_equals_twin_on_les_miserables(forget, advocacy):
    g = refsim.Graph.from_networkx(nx.les_miserables_graph())
    model = refsim.ReferralModel(share=0.35, conversion=0.4, advocacy=advocacy,
                                 forget_rate=forget, ad_rate=0.01, trust=0.9)
    check_against_twin(g, model, [0, 11, 48], runs=6, rng=3, steps=8)


def test_kernel_equals_twin_with_segments_and_rewards():
    g = refsim.generators.holme_kim(300, 3, 0.5, rng=1)
    pop = refsim.Population.by_audience(g, influencers=0.02, micro_advocates=0.1, rng=0)
    econ = refsim.Economics(customer_value=80, advocate_multiplier=1.5, referral_premium=0.2,
                            seed_cost_per_follower=2.0, ad_cost_per_step=30)
    model = refsim.ReferralModel(share=0.25, conversion=0.3, advocacy=0.5, forget_rate=0.3,
                                 ad_rate=0.002, population=pop, economics=econ,
                                 program=refsim.ReferralProgram(10, 4))
    seeds = [0, 1, 2, 50]
    check_against_twin(g, model, seeds, runs=8, rng=2, steps=12)
    check_tree(g, model, seeds, rng=2, steps=12, run=5)


@st.composite
def referral_case(draw):
    n = draw(st.integers(1, 12))
    node = st.integers(0, n - 1)
    pairs = np.array(draw(st.lists(st.tuples(node, node), max_size=36)),
                     dtype=np.int64).reshape(-1, 2)
    g = refsim.Graph.from_edges(pairs[:, 0], pairs[:, 1], n, directed=draw(st.booleans()))
    prob = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0))

    def per_node(values):  # one number or one value per node
        return draw(st.one_of(values, st.lists(values, min_size=n, max_size=n).map(np.array)))

    segments = None
    if draw(st.booleans()):
        k = draw(st.integers(1, 3))
        segments = [refsim.Segment(f"s{i}", trust=draw(prob),
                                   share=draw(st.one_of(st.none(), prob)),
                                   advocacy=draw(st.one_of(st.none(), prob)),
                                   seed_cost=draw(st.floats(0.0, 50.0)))
                    for i in range(k)]
        codes = draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
        segments = refsim.Population(np.array(codes), segments)
    program = refsim.ReferralProgram(
        sender_reward=draw(st.sampled_from([0.0, 2.0, 15.0])),
        recipient_reward=draw(st.sampled_from([0.0, 1.0, 25.0])),
        disclosed=draw(st.booleans()), share_lift=draw(st.floats(0.0, 3.0)),
        conversion_lift=draw(st.floats(0.0, 3.0)), reward_scale=draw(st.floats(0.5, 20.0)),
        sincerity_penalty=draw(prob), quality_decay=draw(prob))
    fee = draw(st.one_of(st.none(), st.floats(0.0, 9.0),
                         st.lists(st.floats(0.0, 9.0), min_size=n, max_size=n)))
    economics = refsim.Economics(
        customer_value=draw(st.floats(0.0, 200.0)),
        advocate_multiplier=draw(st.floats(0.0, 3.0)),
        referral_premium=draw(st.floats(0.0, 1.0)),
        seed_cost_per_follower=draw(st.floats(0.0, 5.0)),
        ad_cost_per_step=draw(st.sampled_from([0.0, 7.5])), seed_cost=fee)
    # 1 - 1/e: log(1 - ad_rate) is exactly -1, a value no other rate gives
    ad_rate = draw(st.sampled_from([0.0, 0.0, 0.05, 0.3, 1.0, -math.expm1(-1.0)]))
    seeds = draw(st.permutations(range(n)))[:draw(st.integers(0, n))]
    # churn hazards of 0 (never), 1 (surely, without a draw) or between
    hazard = st.one_of(st.sampled_from([0.0, 1.0]), prob)
    promoters = draw(prob)
    lifecycle = draw(st.one_of(st.none(), st.builds(
        refsim.Lifecycle, promoters=st.just(promoters),
        detractors=st.floats(0.0, 1.0 - promoters), passive_advocacy=prob,
        churn_promoter=hazard, churn_passive=hazard, churn_detractor=hazard,
        detractor_share=hazard, rejection=prob, bad_news_factor=prob)))
    model = refsim.ReferralModel(
        share=per_node(prob), conversion=draw(prob), advocacy=per_node(prob),
        forget_rate=draw(st.one_of(st.sampled_from([0.0, 1.0]), prob)), ad_rate=ad_rate,
        trust=per_node(prob), population=segments, program=program, economics=economics,
        lifecycle=lifecycle)
    # one set for all runs, a list of sets of any sizes, or an array with one row per run
    layout = draw(st.sampled_from(["one", "one", "list", "rows"]))
    if layout == "list":
        seeds = [draw(st.permutations(range(n)))[:draw(st.integers(0, n))] for _ in range(3)]
    elif layout == "rows":
        k = draw(st.integers(1, n))
        seeds = np.array([draw(st.permutations(range(n)))[:k] for _ in range(3)])
    else:
        seeds = list(seeds)
    return (g, model, seeds, layout != "one", draw(st.integers(0, 6)),
            draw(st.integers(0, 2**32)), draw(st.sampled_from([0, 0, 5])))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(referral_case())
def test_property_kernel_equals_twin_on_random_campaigns(case):
    g, model, seeds, per_run, steps, rng, first = case
    res = check_against_twin(g, model, seeds, runs=3, rng=rng, steps=steps, per_run=per_run,
                             first_run=first)
    check_tree(g, model, list(seeds[2]) if per_run else seeds, rng, steps, run=first + 2)
    assert res.curves.shape == (3, steps + 1)


def test_exact_past_255_runs_per_worker():
    # a worker's scratch stamps wrap after 255 runs: a run after the wrap must not see
    # the states left by the run that used the same stamp before
    g = refsim.Graph.from_networkx(nx.les_miserables_graph())
    model = refsim.ReferralModel(share=0.6, conversion=0.5, advocacy=0.7, forget_rate=0.5,
                                 ad_rate=0.02)
    runs = 300
    res = refsim.simulate(g, model, [0, 11], runs=runs, rng=12, steps=6, workers=1)
    states = run_states(np.random.SeedSequence(12), runs)
    for r in list(range(3)) + list(range(250, runs)):
        twin = referral_coupled(g, model, [0, 11], states[r], 6)
        assert res.curves[r].tolist() == twin["adopters"], r
        assert res.aware_curves[r].tolist() == twin["aware"], r
        assert {k: int(v[r]) for k, v in res.tallies.items()} == twin["tally"], r
    # a node only run 0 touched still carries run 0's stamp when the stamp comes round
    # again: star, run 0 seeds leaf 1, runs 1..254 seed leaf 2 (which reaches only the
    # centre in one step), run 255 seeds the centre, which converts all five leaves
    star = refsim.Graph.from_networkx(nx.star_graph(5))
    sure = refsim.ReferralModel(share=1.0, conversion=1.0, advocacy=1.0, forget_rate=0.0)
    sets = [[1]] + [[2]] * 254 + [[0]]
    res = refsim.simulate(star, sure, sets, runs=256, rng=0, steps=1, workers=1)
    assert res.final_sizes[255] == 6 and res.tallies["referrals_sent"][255] == 5
    assert res.final_sizes[:255].tolist() == [2] * 255  # a leaf and the centre


@pytest.mark.parametrize("ad_rate", [-math.expm1(-1.0), 1.0])
def test_kernel_equals_twin_at_special_ad_rates(ad_rate):
    # 1 - 1/e makes log(1 - ad_rate) exactly -1; 1 reaches every node without a draw
    g = refsim.Graph.from_networkx(nx.les_miserables_graph())
    model = refsim.ReferralModel(share=0.3, conversion=0.3, ad_rate=ad_rate, forget_rate=0.5)
    check_against_twin(g, model, [0], runs=4, rng=8, steps=3)
    # without advocates, advertising still brings customers in every step
    quiet = refsim.ReferralModel(share=0.0, ad_rate=ad_rate, advocacy=0.0)
    res = check_against_twin(g, quiet, [], runs=4, rng=8, steps=3)
    assert (res.advocate_curves == 0).all()
    if ad_rate < 1:
        assert (np.diff(res.curves, axis=1) > 0).all()


@pytest.mark.parametrize("life", [
    refsim.Lifecycle(),  # the defaults
    refsim.Lifecycle(promoters=0.3, detractors=0.4, passive_advocacy=0.5,
                     churn_promoter=0.1, churn_passive=0.3, churn_detractor=0.6),
    refsim.Lifecycle(promoters=0.0, detractors=1.0, churn_detractor=1.0),  # all leave
    refsim.Lifecycle(promoters=0.3, detractors=0.6, detractor_share=0.7, rejection=0.3,
                     bad_news_factor=0.2, churn_detractor=0.0),  # loud detractors
    refsim.Lifecycle(detractors=0.5, detractor_share=1.0, rejection=1.0),  # all reject
])
def test_kernel_equals_twin_with_a_lifecycle(life):
    g = refsim.Graph.from_networkx(nx.les_miserables_graph())
    model = refsim.ReferralModel(share=0.5, conversion=0.5, advocacy=0.8, forget_rate=0.2,
                                 ad_rate=0.02, lifecycle=life)
    res = check_against_twin(g, model, [0, 11, 48], runs=6, rng=21, steps=12)
    current = res.customers.sum(axis=2)
    assert (current <= res.curves).all()
    if life.churn_detractor == 1.0:
        # every customer is a detractor who leaves the step after it buys: after each
        # step only that step's buyers are customers, and nobody refers after the seeds
        assert (current[:, 1:] == np.diff(res.curves, axis=1)).all()
        assert (res.advocate_curves[:, 1:] == 0).all()


def test_detractors_keep_talking_after_the_last_advocate_stops():
    # the seed, a detractor, stops referring after step 1 (forget 1) and nobody else
    # advocates: nothing more can be won, but its bad news still reaches its contacts
    # step after step, so a run must not end early while a detractor can still talk
    star = refsim.Graph.from_networkx(nx.star_graph(40))
    life = refsim.Lifecycle(promoters=0.0, detractors=1.0, churn_promoter=0.0,
                            churn_passive=0.0, churn_detractor=0.0, detractor_share=0.2,
                            rejection=0.5)
    model = refsim.ReferralModel(share=0.05, conversion=0.5, advocacy=0.0, forget_rate=1.0,
                                 ad_rate=0.0, lifecycle=life)
    res = check_against_twin(star, model, [0], runs=8, rng=3, steps=10)
    assert (res.advocate_curves[:, 1:] == 0).all()
    told = res.flows[:, 2:, 4] + res.flows[:, 2:, 5]  # after the last advocate stopped
    assert told.sum() > 0
