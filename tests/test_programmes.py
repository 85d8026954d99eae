"""Reviews, win-back, loyalty membership, the advocacy programme and per-segment
satisfaction against exact laws and identities.

Statistical tolerances are 4 standard errors of the estimate, from the exact law's own
variance (a false alarm about 1 in 16,000 per check); where a check is repeated over
steps, the variance is the step's own. Identities are exact (to float rounding)."""

import math

import numpy as np
import pytest

import refsim
from refsim._kernels.referral import FLOWS, KEPT

Z = 4.0
QUIET = dict(churn_promoter=0.0, churn_passive=0.0, churn_detractor=0.0, detractor_share=0.0)


def _empty(n):
    """n people who know nobody: every outcome is advertising's and the lifecycle's."""
    return refsim.Graph.from_edges(np.empty(0, np.int64), np.empty(0, np.int64), n=n)


# -- reviews and social proof ------------------------------------------------------------

def _factor(reviews, written):
    """The documented response: ((N0 + N + 1) / (N0 + 1))^e_v (r / r0)^e_r."""
    n0, r0 = reviews.reviews_at_start, reviews.rating_at_start
    stars = (reviews.rating_promoter, reviews.rating_passive, reviews.rating_detractor)
    total = sum(written)
    mean = (n0 * r0 + sum(w * s for w, s in zip(written, stars))) / (n0 + total)
    return ((n0 + total + 1) / (n0 + 1)) ** reviews.volume_elasticity \
        * (mean / r0) ** reviews.valence_elasticity


def test_social_proof_is_its_formula_at_the_reviews_written_before_each_step():
    g = refsim.generators.holme_kim(1500, 3, 0.5, rng=3)
    reviews = refsim.Reviews(review_promoter=0.3, review_passive=0.2, review_detractor=0.5,
                             reviews_at_start=10.0)
    model = refsim.ReferralModel(share=0.2, ad_rate=0.01, lifecycle=refsim.Lifecycle(),
                                 reviews=reviews)
    res = refsim.simulate(g, model, [0, 1, 2], runs=6, rng=1, steps=15)
    col = FLOWS.index("reviews_promoter")
    written = np.cumsum(res.flows[:, :, col:col + 3], axis=1)  # after each step
    assert written[:, -1].sum() > 50  # the check is not vacuous
    assert (res.proof[:, 0] == 1.0).all()
    for r in range(6):
        for t in range(1, 16):
            want = _factor(reviews, written[r, t - 1])
            assert res.proof[r, t] == pytest.approx(want, rel=1e-13), (r, t)
    # the public helper is the same formula
    assert reviews.factor(written[0, -1]) == pytest.approx(_factor(reviews, written[0, -1]),
                                                           rel=1e-13)


def test_social_proof_scales_advertising_step_by_step():
    # nobody refers; every new customer is a promoter who reviews, so the factor rises
    # with the customers won. Given the step's factor S_t and the N_t people who have not
    # bought, the step's outside adoptions are Binomial(N_t, min(1, a S_t)): the sum over
    # steps and runs of (won - N_t p_t) is a martingale with variance sum N_t p_t (1 - p_t).
    n, a, runs, steps = 3000, 0.01, 40, 25
    reviews = refsim.Reviews(review_promoter=1.0, reviews_at_start=5.0,
                             volume_elasticity=0.5)
    life = refsim.Lifecycle(promoters=1.0, detractors=0.0, **QUIET)
    model = refsim.ReferralModel(share=0.0, ad_rate=a, lifecycle=life, reviews=reviews)
    res = refsim.simulate(_empty(n), model, [], runs=runs, rng=7, steps=steps)
    assert res.proof[:, -1].min() > 3.0  # strong social proof by the end
    left = n - res.curves[:, :-1]
    p = np.minimum(1.0, a * res.proof[:, 1:])
    won = res.flows[:, 1:, FLOWS.index("outside")]
    resid = (won - left * p).sum()
    assert abs(resid) <= Z * math.sqrt((left * p * (1 - p)).sum())


def test_reviews_need_a_lifecycle_and_checked_values():
    with pytest.raises(ValueError, match="reviews acts on the customer lifecycle"):
        refsim.ReferralModel(reviews=refsim.Reviews())
    with pytest.raises(ValueError, match="rating_detractor must be"):
        refsim.Reviews(rating_detractor=0.5)


# -- win-back -------------------------------------------------------------------------------

def test_churned_customers_come_back_through_advertising_as_a_two_state_chain():
    # everyone starts a customer and nobody refers: per step a customer churns with h
    # (stage 4) and a churned one returns with a w (stage 2, before churn: a customer
    # won back in a step does not churn in it), so x_t = x_{t-1} (1 - h) + (1 - x_{t-1}) a w
    n, runs, steps, h, a, w = 500, 200, 20, 0.1, 0.3, 0.5
    life = refsim.Lifecycle(promoters=1.0, detractors=0.0, churn_promoter=h, winback=w,
                            detractor_share=0.0)
    model = refsim.ReferralModel(share=0.0, ad_rate=a, lifecycle=life)
    res = refsim.simulate(_empty(n), model, np.arange(n), runs=runs, rng=3, steps=steps)
    x = 1.0
    for t in range(1, steps + 1):
        x = x * (1 - h) + (1 - x) * a * w
        got = res.customers[:, t].sum(axis=1).mean() / n
        assert abs(got - x) <= Z * math.sqrt(x * (1 - x) / (n * runs)), (t, got, x)
    back = res.kept[:, :, KEPT.index("won_back")]
    assert back[:, -1].sum() > 0
    assert (res.kept[:, :, :4].sum(axis=2) == res.customers.sum(axis=2)).all()
    assert (res.curves == n).all()  # a customer won back is not counted again


def test_without_advertising_nobody_comes_back():
    life = refsim.Lifecycle(churn_promoter=0.3, churn_passive=0.3, churn_detractor=0.3,
                            winback=1.0)
    model = refsim.ReferralModel(share=0.0, lifecycle=life)
    res = refsim.simulate(_empty(200), model, np.arange(200), runs=5, rng=1, steps=10)
    assert res.flows[:, :, FLOWS.index("won_back")].sum() == 0


# -- loyalty membership -------------------------------------------------------------------

@pytest.mark.parametrize("joins", ["all", "promoters"])
def test_loyalty_members_join_up_to_the_cap(joins):
    # no churn: whoever joins stays, so members are min(cap, those eligible so far)
    n, cap = 2000, 150
    life = refsim.Lifecycle(**QUIET)
    club = refsim.LoyaltyProgram(joins=joins, cap=cap, promoter_lift=0.0)
    model = refsim.ReferralModel(share=0.0, ad_rate=0.05, lifecycle=life, loyalty=club)
    res = refsim.simulate(_empty(n), model, [], runs=8, rng=2, steps=12)
    members = res.kept[:, :, KEPT.index("members")]
    eligible = res.customers.sum(axis=2) if joins == "all" else res.customers[:, :, 0]
    assert (members == np.minimum(cap, eligible)).all()
    assert members[:, -1].max() == cap
    # the programme costs per member, not per customer
    steps = 12
    spent = club.fixed_cost * steps + club.cost_per_member * members[:, 1:].sum(axis=1)
    assert np.allclose(res.money["loyalty_cost"], spent, rtol=1e-12)


def test_members_churn_less_and_non_members_do_not():
    # a capped programme: members churn at h (1 - reduction), the others at h
    n, runs, h, red = 400, 100, 0.2, 0.5
    life = refsim.Lifecycle(promoters=1.0, detractors=0.0, churn_promoter=h,
                            detractor_share=0.0, winback=0.0)
    club = refsim.LoyaltyProgram(cap=100, churn_reduction=red)
    model = refsim.ReferralModel(share=0.0, lifecycle=life, loyalty=club)
    res = refsim.simulate(_empty(n), model, np.arange(n), runs=runs, rng=4, steps=1)
    members = res.kept[:, 1, KEPT.index("members")]  # the first 100 seeds joined
    stay = (1 - h * (1 - red))
    assert abs(members.mean() - 100 * stay) <= Z * math.sqrt(100 * stay * (1 - stay) / runs)
    others = res.customers[:, 1].sum(axis=1) - members
    assert abs(others.mean() - 300 * (1 - h)) <= Z * math.sqrt(300 * h * (1 - h) / runs)


def test_bad_loyalty_joins_are_named():
    from refsim.experiment.config import ConfigError, resolve_config

    with pytest.raises(ValueError, match="joins 'vip' is not allowed; allowed: all, promoters"):
        refsim.LoyaltyProgram(joins="vip")
    base = {"experiment": {"runs": 2, "steps": 3}, "lifecycle": {},
            "graph": {"generator": "holme_kim", "n": 100, "m": 2, "triad_p": 0.5},
            "campaign": [{"name": "a", "seeding": "degree", "k": 2, "loyalty": True}]}
    with pytest.raises(ConfigError, match="loyalty.cap"):
        resolve_config({**base, "loyalty": {"cap": 0}})
    with pytest.raises(ConfigError, match="did you mean 'joins'"):
        resolve_config({**base, "loyalty": {"join": "all"}})


# -- the advocacy programme and the satisfaction mix --------------------------------------

def test_the_advocacy_programme_recruits_promoters():
    # customers won from outside, nobody refers: the advocates among them estimate
    # promoters (a + r (1 - a)) + passives a pa
    n, runs, a, r = 3000, 30, 0.3, 0.6
    life = refsim.Lifecycle(promoters=0.5, detractors=0.2, passive_advocacy=0.5, **QUIET)
    prog = refsim.AdvocacyProgram(recruit=r)
    model = refsim.ReferralModel(share=0.0, advocacy=a, ad_rate=0.2, lifecycle=life,
                                 advocacy_programme=prog)
    res = refsim.simulate(_empty(n), model, [], runs=runs, rng=6, steps=3)
    won = res.tallies["outside"].sum()
    rate = res.tallies["outside_advocates"].sum() / won
    want = 0.5 * prog.promoter_advocacy(a) + 0.3 * a * 0.5
    assert abs(rate - want) <= Z * math.sqrt(want * (1 - want) / won)
    # it costs a fixed amount per step and one per advocate active during the step
    spent = prog.fixed_cost * 3 + prog.cost_per_advocate * res.advocate_curves[:, :-1].sum(1)
    assert np.allclose(res.money["advocacy_cost"], spent, rtol=1e-12)


def test_a_segments_own_satisfaction_mix_and_large_rewards_make_fewer_promoters():
    # seeds draw their class from their segment's mix
    n, runs = 4000, 20
    g = _empty(n)
    segs = (refsim.Segment("happy", promoters=0.9, detractors=0.05),
            refsim.Segment("grumpy", detractors=0.5))
    pop = refsim.Population(np.arange(n) % 2, segs)
    life = refsim.Lifecycle(promoters=0.4, detractors=0.1, **QUIET)
    model = refsim.ReferralModel(share=0.0, population=pop, lifecycle=life)
    res = refsim.simulate(g, model, np.arange(0, n, 2), runs=runs, rng=1, steps=1)
    got = res.customers[:, 0].sum(axis=0) / (n // 2 * runs)
    for share, p in zip(got, (0.9, 0.05, 0.05)):
        assert abs(share - p) <= Z * math.sqrt(p * (1 - p) / (n // 2 * runs)) + 1e-12
    res = refsim.simulate(g, model, np.arange(1, n, 2), runs=runs, rng=1, steps=1)
    got = res.customers[:, 0].sum(axis=0) / (n // 2 * runs)
    for share, p in zip(got, (0.4, 0.1, 0.5)):  # promoters unset: the lifecycle's
        assert abs(share - p) <= Z * math.sqrt(p * (1 - p) / (n // 2 * runs)) + 1e-12
    with pytest.raises(ValueError, match="'grumpy': promoters \\+ detractors must be <= 1"):
        bad = refsim.Population(np.arange(n) % 2, (segs[0], refsim.Segment("grumpy",
                                                                            detractors=0.7)))
        refsim.simulate(g, refsim.ReferralModel(population=bad, lifecycle=life), [0],
                        runs=1, steps=1)


def test_customers_won_by_large_rewards_are_promoters_less_often():
    # a star whose centre refers every leaf at once: the leaves won by referral are
    # promoters with promoters x the programme's referred value factor
    leaves, runs = 3000, 30
    g = refsim.Graph.from_edges(np.zeros(leaves, np.int64), np.arange(1, leaves + 1),
                                n=leaves + 1, directed=True)
    life = refsim.Lifecycle(promoters=0.6, detractors=0.1, **QUIET)
    program = refsim.ReferralProgram.named("recipient", 40.0, quality_decay=0.5)
    model = refsim.ReferralModel(share=1.0, conversion=0.5, lifecycle=life,
                                 program=program)
    res = refsim.simulate(g, model, [0], runs=runs, rng=2, steps=1)
    won = res.customers[:, 1] - res.customers[:, 0]  # the seed's class is in both
    p = 0.6 * program.referred_value_factor
    assert program.referred_value_factor < 0.8
    total = won.sum()
    assert abs(won[:, 0].sum() / total - p) <= Z * math.sqrt(p * (1 - p) / total)
    d = won[:, 2].sum() / total
    assert abs(d - 0.1) <= Z * math.sqrt(0.1 * 0.9 / total)  # detractors unchanged


# -- money by kind of customer --------------------------------------------------------------

def test_clv_of_advocates_and_others_partitions_the_customers_won():
    g = refsim.generators.holme_kim(1200, 3, 0.5, rng=8)
    life = refsim.Lifecycle(margin=2.0, discount_rate=0.01)
    model = refsim.ReferralModel(share=0.2, ad_rate=0.005, lifecycle=life,
                                 loyalty=refsim.LoyaltyProgram(cap=100),
                                 economics=refsim.Economics(advocate_multiplier=2.0))
    res = refsim.simulate(g, model, [0, 1, 2], runs=20, rng=3, steps=20)
    t, m = res.tallies, res.money
    adv = t["referral_advocates"] + t["outside_advocates"]
    others = t["referral"] + t["outside"] - adv
    assert (adv > 0).all() and (others > 0).all() and (t["outside"] > 0).all()
    # an advocate is worth twice as much at purchase ($200 against $100 or $116 when
    # referred) and stays as long or longer (promoters churn least): advocates' values
    # are above the others' in every run (the twin checks each value exactly)
    assert (m["clv_advocates"] > m["clv_others"]).all()


# -- configs ----------------------------------------------------------------------------------

BASE = {"experiment": {"runs": 6, "steps": 6, "seed": 2},
        "graph": {"generator": "holme_kim", "n": 300, "m": 3, "triad_p": 0.5},
        "model": {"share": 0.2, "ad_rate": 0.01},
        "campaign": [{"name": "none", "seeding": "degree", "k": 0},
                     {"name": "advocacy", "seeding": "degree", "k": 0,
                      "advocacy_programme": True}]}


@pytest.mark.parametrize("extra, problem", [
    ({"reviews": {}}, "reviews: reviews are written by satisfied and unsatisfied customers; "
                      "add a [lifecycle] table"),
    ({}, "campaign[1].advocacy_programme: an advocacy programme acts on the customer "
         "lifecycle; add a [lifecycle] table"),
    ({"lifecycle": {}, "reviews": {"review_promotr": 0.1}}, "did you mean 'review_promoter'"),
    ({"lifecycle": {}, "reviews": {"rating_promoter": 6}}, "reviews.rating_promoter"),
    ({"lifecycle": {}, "advocacy_programme": {"recruit": 2}}, "advocacy_programme.recruit"),
    ({"lifecycle": {}, "sweep": {"axes": {"reviews.review_passive": [0.0, 0.1]}}},
     "sweep.axes.reviews.review_passive: the config has no [reviews] table"),
    ({"lifecycle": {}, "population": {"segments": {"regular": {"promoters": 0.9}}}},
     "population.segments.regular.promoters: promoters + detractors must be <= 1; got "
     "0.9 + 0.15"),
])
def test_bad_programme_tables_are_named(extra, problem):
    from refsim.experiment.config import ConfigError, resolve_config

    with pytest.raises(ConfigError) as err:
        resolve_config({**BASE, **extra})
    assert problem in str(err.value)


def test_config_reviews_and_advocacy_programme_reach_the_model_and_the_store(tmp_path):
    from refsim.experiment.build import build_campaigns, build_graph, build_model
    from refsim.experiment.config import resolve_config
    from refsim.experiment.runner import run_experiment

    cfg = resolve_config({**BASE, "lifecycle": {}, "reviews": {"review_passive": 0.3},
                          "advocacy_programme": {"recruit": 0.9}})
    model = build_model(cfg, build_graph(cfg["graph"]))
    assert model.reviews == refsim.Reviews(review_passive=0.3)
    none, advocacy = build_campaigns(cfg)
    assert none.advocacy_programme is None
    assert advocacy.advocacy_programme == refsim.AdvocacyProgram(recruit=0.9)
    assert advocacy.model_for(model).advocacy_programme == advocacy.advocacy_programme
    run_experiment(cfg, tmp_path, progress=False)
    runs = refsim.load_results(tmp_path)
    assert (runs["seed"] == 0).all()  # k = 0: no seeds, the programme acts on the rest
    spent = runs.groupby("campaign")["advocacy_cost"].min()
    assert spent["none"] == 0 and spent["advocacy"] >= 50.0 * 6
    assert {"reviews", "social_proof", "won_back", "clv_advocates", "retention"} <= set(runs)
    curves = refsim.load_curves(tmp_path)
    assert {"promoters", "detractors", "customers", "cash", "churned"} <= set(
        curves["series"])
    rows = {r["key"] for r in refsim.experiment.reference.assumption_rows(cfg)}
    assert {"reviews.review_passive", "advocacy_programme.recruit"} <= rows


def test_cash_by_kind_adds_up_to_the_net_cash_and_churn_is_the_customers_lost():
    from refsim.referral_result import CASH_PARTS

    g = refsim.generators.holme_kim(800, 3, 0.5, rng=5)
    life = refsim.Lifecycle(discount_rate=0.01, churn_passive=0.05, winback=0.5)
    model = refsim.ReferralModel(
        share=0.2, ad_rate=0.01, lifecycle=life, program=refsim.ReferralProgram.named(
            "two_sided", 10.0), loyalty=refsim.LoyaltyProgram(cap=50),
        advocacy_programme=refsim.AdvocacyProgram(),
        economics=refsim.Economics(ad_cost_per_step=3.0))
    res = refsim.simulate(g, model, [0, 1, 2], runs=10, rng=2, steps=15)
    p = res.cash_parts
    assert set(p) == set(CASH_PARTS)
    net = p["won"] + p["margin"] - sum(p[k] for k in CASH_PARTS[2:])
    assert np.allclose(net / 1.01 ** np.arange(16), res.cash_flow, rtol=1e-12, atol=1e-9)
    # undiscounted totals are the money's
    assert np.allclose(p["rewards"].sum(1), res.money["rewards"])
    assert np.allclose(p["loyalty"].sum(1), res.money["loyalty_cost"])
    assert np.allclose(p["advocacy"].sum(1), res.money["advocacy_cost"])
    assert np.allclose(p["margin"].sum(1), res.money["repeat_revenue"])
    assert np.allclose(p["won"].sum(1) + p["margin"].sum(1), res.money["revenue"])
    assert np.isnan(res.churn_curves[:, 0]).all()


def test_churn_per_step_is_the_hazard_of_the_customers_at_the_steps_start():
    # nobody new comes (no ads, nobody refers): the customers lost in step t are
    # Binomial(kept_{t-1}, h), so sum_t (rate_t - h) kept_{t-1} is a martingale with
    # variance sum_t kept_{t-1} h (1 - h)
    n, h, runs = 1000, 0.07, 30
    life = refsim.Lifecycle(promoters=1.0, detractors=0.0, churn_promoter=h)
    model = refsim.ReferralModel(share=0.0, lifecycle=life)
    res = refsim.simulate(_empty(n), model, np.arange(n), runs=runs, rng=8, steps=10)
    kept = res.customers.sum(axis=2)[:, :-1].astype(float)
    resid = ((res.churn_curves[:, 1:] - h) * kept).sum()
    assert abs(resid) <= Z * math.sqrt((kept * h * (1 - h)).sum())
    # nobody comes back without ads: the churned to date are those gone
    from refsim.referral_result import _curves

    assert (_curves(res)["churned"][:, -1] == n - res.customers[:, -1].sum(axis=1)).all()
