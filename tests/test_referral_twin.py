"""The referral kernel against its coupled slow twin: equal outcomes, run by run."""

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive_referral import (
    TALLY,
    money,
    node_parameters,
    referral_coupled,
    satisfaction_cuts,
    social_proof,
)

import refsim
from refsim._rng import run_states

MONEY = ("revenue", "cost", "profit", "roi", "cac", "cost_per_referral", "rewards",
         "seed_cost", "ad_cost")
LIFECYCLE_MONEY = ("repeat_revenue", "npv", "payback", "clv_referred", "clv_outside",
                   "clv_advocates", "clv_others", "loyalty_cost", "advocacy_cost")


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
            assert res.flows[r].tolist() == twin["flows"], r
            assert res.kept[r].tolist() == twin["kept"], r
            assert res.proof[r].tolist() == twin["proof"], r
            assert (res.kept[r, :, :4].sum(axis=1) == res.customers[r].sum(axis=1)).all()
        else:
            assert res.customers is None and twin["customers"] == [[0, 0, 0]] * (steps + 1)
            assert res.flows is None and res.kept is None and res.proof is None
        assert res.final_sizes[r] == len(twin["order"])
        assert {k: int(v[r]) for k, v in res.tallies.items()} == twin["tally"], r
        assert close(res.virality[r], twin["virality"]), (res.virality[r], twin["virality"])
        bill = money(model, g, own, twin, steps)
        scale = abs(bill["revenue"]) + abs(bill["cost"])
        names = MONEY + (LIFECYCLE_MONEY if model.lifecycle else ())
        assert set(res.money) == set(names)
        for name in names:
            got, want = float(res.money[name][r]), bill[name]
            s = scale / bill["cost"] if name == "roi" and bill["cost"] > 0 else scale
            assert close(got, want, s), (name, got, want)
        if model.lifecycle is not None:
            for got, want in zip(res.cash_flow[r].tolist(), bill["cash_flow"], strict=True):
                assert close(got, want, scale), ("cash_flow", got, want)
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
def lifecycles(draw, prob):
    """A lifecycle with every mechanism on or off, and the programmes and reviews that
    act on it: (lifecycle, loyalty, reviews, advocacy_programme)."""
    # churn hazards of 0 (never), 1 (surely, without a draw) or between
    hazard = st.one_of(st.sampled_from([0.0, 1.0]), prob)
    promoters = draw(prob)
    life = refsim.Lifecycle(
        promoters=promoters, detractors=draw(st.floats(0.0, 1.0 - promoters)),
        passive_advocacy=draw(prob), churn_promoter=draw(hazard),
        churn_passive=draw(hazard), churn_detractor=draw(hazard),
        detractor_share=draw(hazard), rejection=draw(prob), bad_news_factor=draw(prob),
        winback=draw(prob), referrer_churn_reduction=draw(prob),
        margin=draw(st.floats(0.0, 5.0)),
        discount_rate=draw(st.sampled_from([0.0, 0.0015, 0.2])))
    loyalty = draw(st.one_of(st.none(), st.builds(
        refsim.LoyaltyProgram, cost_per_member=st.floats(0.0, 5.0),
        fixed_cost=st.floats(0.0, 50.0), churn_reduction=prob,
        margin_lift=st.floats(0.0, 1.0), promoter_lift=prob,
        joins=st.sampled_from(["all", "promoters"]),
        cap=st.one_of(st.none(), st.integers(1, 4)))))
    stars = st.one_of(st.sampled_from([1.0, 5.0]), st.floats(1.0, 5.0))
    reviews = draw(st.one_of(st.none(), st.builds(
        refsim.Reviews, review_promoter=prob, review_passive=prob,
        review_detractor=prob, rating_promoter=stars, rating_passive=stars,
        rating_detractor=stars,
        reviews_at_start=st.one_of(st.sampled_from([0.0, 0.0, 2.0, 50.0]),
                                   st.floats(0.0, 10.0)),
        rating_at_start=stars, volume_elasticity=st.floats(0.0, 3.0),
        valence_elasticity=st.floats(0.0, 3.0))))
    coach = draw(st.one_of(st.none(), st.builds(
        refsim.AdvocacyProgram, recruit=prob, forget_reduction=prob,
        cost_per_advocate=st.floats(0.0, 5.0), fixed_cost=st.floats(0.0, 50.0))))
    return life, loyalty, reviews, coach


@st.composite
def referral_case(draw, lifecycle=None):
    """A random small campaign; ``lifecycle``: True always, False never, None either."""
    n = draw(st.integers(1, 12))
    node = st.integers(0, n - 1)
    pairs = np.array(draw(st.lists(st.tuples(node, node), max_size=36)),
                     dtype=np.int64).reshape(-1, 2)
    g = refsim.Graph.from_edges(pairs[:, 0], pairs[:, 1], n, directed=draw(st.booleans()))
    prob = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0))

    def per_node(values):  # one number or one value per node
        return draw(st.one_of(values, st.lists(values, min_size=n, max_size=n).map(np.array)))

    life, loyalty, reviews, coach = None, None, None, None
    if lifecycle or (lifecycle is None and draw(st.booleans())):
        life, loyalty, reviews, coach = draw(lifecycles(prob))

    def mix():  # a segment's own promoters and detractors, either may be unset
        p = draw(st.one_of(st.none(), prob))
        top = 1.0 - (life.promoters if p is None and life is not None else p or 0.0)
        if life is not None and life.detractors > top:  # the lifecycle's would not fit
            return p, draw(st.floats(0.0, top))
        return p, draw(st.one_of(st.none(), st.floats(0.0, top)))

    segments = None
    if draw(st.booleans()):
        k = draw(st.integers(1, 3))
        segments = []
        for i in range(k):
            promoters, detractors = mix()
            segments.append(refsim.Segment(
                f"s{i}", trust=draw(prob), share=draw(st.one_of(st.none(), prob)),
                advocacy=draw(st.one_of(st.none(), prob)),
                seed_cost=draw(st.floats(0.0, 50.0)), promoters=promoters,
                detractors=detractors))
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
    model = refsim.ReferralModel(
        share=per_node(prob), conversion=draw(prob), advocacy=per_node(prob),
        forget_rate=draw(st.one_of(st.sampled_from([0.0, 1.0]), prob)), ad_rate=ad_rate,
        trust=per_node(prob), population=segments, program=program, economics=economics,
        lifecycle=life, loyalty=loyalty, reviews=reviews, advocacy_programme=coach)
    # one set for all runs, a list of sets of any sizes, or an array with one row per run
    layout = draw(st.sampled_from(["one", "one", "list", "rows"]))
    if layout == "list":
        seeds = [draw(st.permutations(range(n)))[:draw(st.integers(0, n))] for _ in range(3)]
    elif layout == "rows":
        k = draw(st.integers(1, n))
        seeds = np.array([draw(st.permutations(range(n)))[:k] for _ in range(3)])
    else:
        seeds = list(seeds)
    return (g, model, seeds, layout != "one", draw(st.integers(0, 6 if life is None else 9)),
            draw(st.integers(0, 2**32)), draw(st.sampled_from([0, 0, 5])))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(referral_case())
def test_property_kernel_equals_twin_on_random_campaigns(case):
    g, model, seeds, per_run, steps, rng, first = case
    res = check_against_twin(g, model, seeds, runs=3, rng=rng, steps=steps, per_run=per_run,
                             first_run=first)
    check_tree(g, model, list(seeds[2]) if per_run else seeds, rng, steps, run=first + 2)
    assert res.curves.shape == (3, steps + 1)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(referral_case(lifecycle=True))
def test_property_kernel_equals_twin_with_every_lifecycle_mechanism(case):
    # reviews, win-back, referrer-kept churn, loyalty (capped, all or promoters), the
    # advocacy programme and segments with their own satisfaction mix, on or off
    g, model, seeds, per_run, steps, rng, first = case
    res = check_against_twin(g, model, seeds, runs=3, rng=rng, steps=steps, per_run=per_run,
                             first_run=first)
    check_tree(g, model, list(seeds[2]) if per_run else seeds, rng, steps, run=first + 2)
    if model.loyalty is not None and model.loyalty.cap is not None:
        assert (res.kept[..., 5] <= model.loyalty.cap).all()
    if model.reviews is None:
        assert (res.proof == 1.0).all() and (res.flows[..., 7:] == 0).all()


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


def test_twin_reads_the_documented_lifecycle():
    """satisfaction_cuts and social_proof follow the docs; the package must agree."""
    from refsim.referral import lifecycle_inputs

    g = refsim.Graph.from_networkx(nx.star_graph(3))
    segs = [refsim.Segment("a", promoters=0.7), refsim.Segment("b", detractors=0.3),
            refsim.Segment("c", promoters=0.2, detractors=0.1), refsim.Segment("d")]
    model = refsim.ReferralModel(population=refsim.Population(np.arange(4), segs),
                                 lifecycle=refsim.Lifecycle(promoters=0.4, detractors=0.25))
    _, promoter, passive, _, _ = lifecycle_inputs(model, g.n)
    cuts = satisfaction_cuts(model, g.n)
    assert cuts == [(0.7, 0.75), (0.4, 0.7), (0.2, 0.9), (0.4, 0.75)]
    assert list(zip(promoter.tolist(), passive.tolist())) == cuts
    for reviews in (refsim.Reviews(), refsim.Reviews(reviews_at_start=0.0, rating_at_start=3.0,
                                                     rating_passive=2.5)):
        for written in ([0, 0, 0], [100, 0, 0], [3, 7, 11], [0, 0, 2]):
            assert social_proof(reviews, written) == pytest.approx(
                reviews.factor(written), rel=1e-14, abs=0)
    assert social_proof(refsim.Reviews(), [0, 0, 0]) == 1.0


@pytest.mark.parametrize("life", [
    refsim.Lifecycle(),  # the defaults
    refsim.Lifecycle(promoters=0.3, detractors=0.4, passive_advocacy=0.5,
                     churn_promoter=0.1, churn_passive=0.3, churn_detractor=0.6),
    # all leave, and none comes back
    refsim.Lifecycle(promoters=0.0, detractors=1.0, churn_detractor=1.0, winback=0.0),
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


CHURNY = refsim.Lifecycle(promoters=0.3, detractors=0.3, passive_advocacy=0.5,
                          churn_promoter=0.05, churn_passive=0.2, churn_detractor=0.4,
                          detractor_share=0.1, rejection=0.2, winback=0.6,
                          referrer_churn_reduction=0.5, margin=2.0, discount_rate=0.01)


@pytest.mark.parametrize("extras", [
    {"reviews": refsim.Reviews()},  # the defaults
    {"reviews": refsim.Reviews(review_promoter=0.6, review_passive=0.0,
                               review_detractor=0.9, rating_detractor=1.0,
                               reviews_at_start=0.0, valence_elasticity=2.0)},
    {"reviews": refsim.Reviews(review_promoter=1.0, reviews_at_start=2.0,
                               volume_elasticity=1.5)},  # proof past 1: chances capped
    {"loyalty": refsim.LoyaltyProgram()},  # the defaults: everyone joins, no cap
    {"loyalty": refsim.LoyaltyProgram(cap=5, churn_reduction=0.8, promoter_lift=0.6)},
    {"loyalty": refsim.LoyaltyProgram(joins="promoters", cap=4, margin_lift=0.5)},
    {"advocacy_programme": refsim.AdvocacyProgram()},
    {"advocacy_programme": refsim.AdvocacyProgram(recruit=1.0, forget_reduction=1.0)},
    {"reviews": refsim.Reviews(review_passive=0.3),
     "loyalty": refsim.LoyaltyProgram(cap=8, joins="promoters"),
     "advocacy_programme": refsim.AdvocacyProgram(recruit=0.3), "segments": True,
     "program": refsim.ReferralProgram(sender_reward=10, quality_decay=0.8)},
])
def test_kernel_equals_twin_with_lifecycle_extras(extras):
    g = refsim.Graph.from_networkx(nx.les_miserables_graph())
    extras = dict(extras)
    if extras.pop("segments", False):
        segs = [refsim.Segment("fans", promoters=0.8, detractors=0.05),
                refsim.Segment("grumpy", detractors=0.7), refsim.Segment("plain")]
        extras["population"] = refsim.Population(np.arange(g.n) % 3, segs)
    model = refsim.ReferralModel(share=0.4, conversion=0.4, advocacy=0.6, forget_rate=0.2,
                                 ad_rate=0.05, lifecycle=CHURNY, **extras)
    res = check_against_twin(g, model, [0, 11, 48], runs=5, rng=5, steps=15)
    assert res.flows[..., 6].sum() > 0  # some customers came back
    if "reviews" in extras:
        assert res.flows[..., 7:].sum() > 0 and (res.proof[:, 2:] != 1.0).any()
    if "loyalty" in extras:
        assert res.kept[..., 5].sum() > 0
        assert (res.kept[..., 5] <= (extras["loyalty"].cap or g.n)).all()


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
