"""The customer lifecycle against exact laws: geometric survival by class, the
configured satisfaction mix (NPS), advocacy by class. Tolerances are 4 standard errors
of the estimate, from the exact law's own variance (a false alarm about 1 in 16,000)."""

import math

import numpy as np
import pytest

import refsim

Z = 4.0


def _market(n):
    """n customers who never refer: every outcome is the lifecycle's own."""
    g = refsim.generators.erdos_renyi(n, 2, rng=0)
    return g


def test_a_cohort_survives_geometrically_with_its_class_hazard():
    n, runs, steps = 400, 200, 12
    hazards = (0.03, 0.1, 0.25)
    for c, name in enumerate(("churn_promoter", "churn_passive", "churn_detractor")):
        mix = {0: dict(promoters=1.0, detractors=0.0), 1: dict(promoters=0.0, detractors=0.0),
               2: dict(promoters=0.0, detractors=1.0)}[c]
        life = refsim.Lifecycle(**mix, **{name: hazards[c]})
        model = refsim.ReferralModel(share=0.0, ad_rate=0.0, lifecycle=life)
        res = refsim.simulate(_market(n), model, np.arange(n), runs=runs, rng=c, steps=steps)
        alive = res.customers[:, :, c]  # every seed is of class c
        assert (res.customers.sum(axis=2) == alive).all()
        for t in range(steps + 1):
            s = (1.0 - hazards[c]) ** t  # survival after t steps
            mean = alive[:, t].mean() / n
            se = math.sqrt(s * (1.0 - s) / (n * runs))  # binomial, n x runs customers
            assert abs(mean - s) <= Z * se + 1e-12, (name, t, mean, s)


@pytest.mark.parametrize("promoters, detractors", [(0.5, 0.15), (0.2, 0.6), (0.7, 0.0)])
def test_nps_of_a_large_cohort_is_the_configured_mix(promoters, detractors):
    n, runs = 5000, 40
    life = refsim.Lifecycle(promoters=promoters, detractors=detractors, churn_promoter=0.0,
                            churn_passive=0.0, churn_detractor=0.0)
    model = refsim.ReferralModel(share=0.0, lifecycle=life)
    res = refsim.simulate(_market(n), model, np.arange(n), runs=runs, rng=5, steps=2)
    nps = res.nps_curves[:, 0]
    want = 100.0 * (promoters - detractors)
    # one customer scores +1 (promoter), -1 (detractor) or 0: variance p + d - (p - d)^2
    var = promoters + detractors - (promoters - detractors) ** 2
    se = 100.0 * math.sqrt(var / (n * runs))
    assert abs(nps.mean() - want) <= Z * se + 1e-9
    assert (res.nps_curves == nps[:, None]).all()  # no churn: the mix stays
    shares = res.customers[:, 0].sum(axis=0) / (n * runs)
    for got, p in zip(shares, (promoters, 1.0 - promoters - detractors, detractors)):
        assert abs(got - p) <= Z * math.sqrt(p * (1 - p) / (n * runs)) + 1e-12


def test_promoters_advocate_passives_rarely_detractors_never():
    # customers won by advertising on a graph where nobody refers: outside_advocates
    # over outside adopters estimates advocacy x (promoters + passives x share)
    n, runs = 3000, 30
    life = refsim.Lifecycle(promoters=0.4, detractors=0.3, passive_advocacy=0.25,
                            churn_promoter=0.0, churn_passive=0.0, churn_detractor=0.0)
    model = refsim.ReferralModel(share=0.0, advocacy=0.6, ad_rate=0.2, lifecycle=life)
    res = refsim.simulate(_market(n), model, [], runs=runs, rng=9, steps=3)
    won = res.tallies["outside"].sum()
    rate = res.tallies["outside_advocates"].sum() / won
    want = 0.6 * (0.4 + 0.3 * 0.25)
    assert abs(rate - want) <= Z * math.sqrt(want * (1 - want) / won)
    only_detractors = refsim.ReferralModel(
        share=0.0, advocacy=1.0, ad_rate=0.2,
        lifecycle=refsim.Lifecycle(promoters=0.0, detractors=1.0))
    res = refsim.simulate(_market(n), only_detractors, [], runs=5, rng=9, steps=3)
    assert res.tallies["outside"].sum() > 0 and res.tallies["outside_advocates"].sum() == 0


def test_without_a_lifecycle_nothing_changes_and_nps_is_refused():
    g = refsim.generators.holme_kim(500, 3, 0.5, rng=2)
    model = refsim.ReferralModel(share=0.3, ad_rate=0.01)
    res = refsim.simulate(g, model, [0, 1], runs=4, rng=1, steps=5)
    assert res.customers is None
    with pytest.raises(ValueError, match="NPS needs a model with a lifecycle"):
        res.nps_curves


@pytest.mark.parametrize("kwargs, problem", [
    (dict(promoters=0.7, detractors=0.4), "promoters + detractors must be <= 1"),
    (dict(churn_passive=1.5), "must be in [0, 1]"),
    (dict(promoters=-0.1), "must be in [0, 1]"),
])
def test_bad_lifecycles_are_refused(kwargs, problem):
    with pytest.raises(ValueError) as err:
        refsim.Lifecycle(**kwargs)
    assert problem in str(err.value)
    with pytest.raises(TypeError, match="lifecycle must be a Lifecycle"):
        refsim.ReferralModel(lifecycle={"promoters": 0.5})


BASE = {"experiment": {"runs": 20, "steps": 8, "seed": 4},
        "graph": {"generator": "holme_kim", "n": 400, "m": 3, "triad_p": 0.5},
        "model": {"share": 0.2, "conversion": 0.3},
        "campaign": [{"name": "hubs", "seeding": "degree", "k": 5}]}


def test_config_lifecycle_table_turns_it_on_and_reaches_the_store(tmp_path):
    from refsim.experiment.build import build_graph, build_model
    from refsim.experiment.config import resolve_config
    from refsim.experiment.runner import run_experiment

    off = resolve_config(BASE)
    assert "lifecycle" not in off and off["experiment"]["objective"] == "profit"
    assert build_model(off, build_graph(off["graph"])).lifecycle is None
    on = resolve_config({**BASE, "lifecycle": {"churn_detractor": 0.3},
                         "sweep": {"axes": {"lifecycle.promoters": [0.2, 0.6]}}})
    assert on["lifecycle"]["churn_detractor"] == 0.3 and on["lifecycle"]["promoters"] == 0.5
    assert on["experiment"]["objective"] == "npv"  # worth, discounted, by default
    model = build_model(on, build_graph(on["graph"]))
    assert model.lifecycle == refsim.Lifecycle(churn_detractor=0.3)
    run_experiment(on, tmp_path / "on", progress=False)
    runs = refsim.load_results(tmp_path / "on")
    from refsim.cli import run_summary
    from refsim.report import cell_name

    # the console names each cell as the report does, short
    text = run_summary(tmp_path / "on").splitlines()
    assert [cell_name(runs, 0), cell_name(runs, 1)] == ["promoters = 0.2",
                                                        "promoters = 0.6"]
    assert text[0] == "promoters = 0.2" and "promoters = 0.6" in text
    assert {"customers", "churned", "nps"} <= set(runs.columns)
    assert (runs["customers"] + runs["churned"] == runs["reach"]).all()
    # the cell with more promoters has the higher NPS (mix 0.2/0.15 vs 0.6/0.15)
    by = runs.groupby("lifecycle.promoters")["nps"].mean()
    assert by[0.6] > by[0.2]
    run_experiment(off, tmp_path / "off", progress=False)
    assert not {"customers", "churned", "nps"} & set(refsim.load_results(tmp_path / "off"))


@pytest.mark.parametrize("extra, problem", [
    ({"lifecycle": {"promoters": 0.8, "detractors": 0.3}},
     "lifecycle: promoters + detractors must be <= 1"),
    ({"lifecycle": {"churn_detractr": 0.1}}, "did you mean 'churn_detractor'"),
    ({"lifecycle": {}, "model": {"kind": "ic", "p": 0.1}},
     "lifecycle: only for model.kind = 'referral'"),
    ({"sweep": {"axes": {"lifecycle.churn_passive": [0.0, 0.1]}}},
     "sweep.axes.lifecycle.churn_passive: the config has no [lifecycle] table"),
])
def test_bad_lifecycle_tables_are_named(extra, problem):
    from refsim.experiment.config import ConfigError, resolve_config

    with pytest.raises(ConfigError) as err:
        resolve_config({**BASE, **extra})
    assert problem in str(err.value)


def test_a_customers_expected_discounted_value_is_the_closed_form():
    # one seed that tells nobody: its repeat margin, discounted, is m r^t / (1 + d)^t
    # summed over the steps it is still a customer; over runs the mean is the closed
    # form m sum_t r^t / (1 + d)^t, r = 1 - h. NPV adds nothing else (no cost, no value
    # at purchase for a seed) and is checked within 4 standard errors of the runs.
    m, h, d, steps, runs = 3.0, 0.08, 0.01, 40, 20000
    life = refsim.Lifecycle(promoters=1.0, detractors=0.0, churn_promoter=h, margin=m,
                            discount_rate=d)
    model = refsim.ReferralModel(share=0.0, lifecycle=life,
                                 economics=refsim.Economics(seed_cost=0.0))
    g = refsim.generators.erdos_renyi(50, 2, rng=0)
    res = refsim.simulate(g, model, [7], runs=runs, rng=3, steps=steps)
    r = 1.0 - h
    want = m * sum(r ** t / (1.0 + d) ** t for t in range(1, steps + 1))
    npv = res.money["npv"]
    assert abs(npv.mean() - want) <= Z * npv.std(ddof=1) / math.sqrt(runs)
    # run by run: NPV is the margin of the steps the customer stayed, discounted
    alive = res.customers[:, 1:, 0]
    by_hand = (m * alive / (1.0 + d) ** np.arange(1, steps + 1)).sum(axis=1)
    assert np.allclose(npv, by_hand, rtol=1e-12, atol=1e-9)
    assert (res.money["repeat_revenue"] == m * alive.sum(axis=1)).all()
    assert (res.money["payback"][alive[:, 0] == 1] == 1).all()  # paid back at step 1


def test_cash_flow_adds_up_to_the_one_off_money_without_discount_or_margin():
    g = refsim.generators.holme_kim(800, 3, 0.5, rng=1)
    life = refsim.Lifecycle(margin=0.0, discount_rate=0.0, churn_detractor=0.2)
    program = refsim.ReferralProgram.named("two_sided", 10.0)
    model = refsim.ReferralModel(share=0.3, conversion=0.3, ad_rate=0.002, lifecycle=life,
                                 program=program,
                                 economics=refsim.Economics(ad_cost_per_step=5.0))
    res = refsim.simulate(g, model, [0, 1, 2], runs=30, rng=4, steps=15)
    total = res.cash_flow.sum(axis=1)
    assert np.allclose(total, res.money["profit"], rtol=1e-12, atol=1e-9)
    assert np.allclose(total, res.money["npv"], rtol=1e-12, atol=1e-9)
    assert (res.money["repeat_revenue"] == 0).all()
    # the flows are the tallies step by step, one column per name of FLOWS
    from refsim._kernels.referral import FLOWS

    assert res.flows.shape == (30, 16, 10) and len(FLOWS) == 10
    for j, name in enumerate(("referral", "outside", "referral_advocates",
                              "outside_advocates")):
        assert (res.flows[:, :, j].sum(axis=1) == res.tallies[name]).all()


def _exact_path_outcomes(p, a, s, c, q, rho, f, phi, steps):
    """Exact law of a run on the path 0 - 1 - 2 seeded at 0, by enumerating every
    branch of the documented rules with Bernoulli events (no draws, no skips): promoters
    p, the rest detractors; advocacy a for promoters; share s, conversion c, detractor
    share q, rejection rho, bad-news factor f, forget phi, no churn, no advertising.
    Returns {(customers, aware, promoters, detractors, warned, rejected): probability}.

    A branch is (nodes, warned count, rejected count); a node is (status U/A/C/V,
    warned, class P/D/new/-, advocate).
    """
    nbrs = {0: (1,), 1: (0, 2), 2: (1,)}

    def put(key, v, node, warned=0, rejected=0):
        nodes, w, r = key
        return (tuple(node if i == v else x for i, x in enumerate(nodes)), w + warned,
                r + rejected)

    def each(branches, v, event):
        """Node v's event in every branch: ``event(key, v)`` lists (key, chance), or
        None when nothing happens to v."""
        out = []
        for key, pr in branches:
            cases = event(key, v)
            out += [(key, pr)] if cases is None else [(k, pr * x) for k, x in cases]
        return out

    def refer(key, v):  # an advocate's referral to a contact
        st, warned, cls, adv = key[0][v]
        if st in ("C", "V"):
            return None
        conv = c * (f if warned else 1.0)
        return [(key, 1 - s), (put(key, v, ("C", warned, "new", 0)), s * conv),
                (put(key, v, ("A", warned, cls, adv)), s * (1 - conv))]

    def bad_news(key, v):  # a detractor's bad news to a contact
        st, warned, cls, adv = key[0][v]
        if st in ("C", "V"):
            return None
        return [(key, 1 - q), (put(key, v, ("V", warned, cls, adv), rejected=1), q * rho),
                (put(key, v, (st, 1, cls, adv), warned=1 - warned), q * (1 - rho))]

    def forget(key, v):  # an advocate of the step's start stops
        st, warned, cls, adv = key[0][v]
        if not adv or cls == "new":
            return None
        return [(key, 1 - phi), (put(key, v, (st, warned, cls, 0)), phi)]

    def join(key, v):  # a new customer: its class, then advocacy for a promoter
        st, warned, cls, _ = key[0][v]
        if cls != "new":
            return None
        return [(put(key, v, (st, warned, "P", 1)), p * a),
                (put(key, v, (st, warned, "P", 0)), p * (1 - a)),
                (put(key, v, (st, warned, "D", 0)), 1 - p)]

    def step(key):
        start = key[0]  # advocates and detractors as the step starts
        branches = [(key, 1.0)]
        for u in range(3):
            if start[u][3]:
                for v in nbrs[u]:
                    branches = each(branches, v, refer)
        for u in range(3):
            if start[u][0] == "C" and start[u][2] == "D":
                for v in nbrs[u]:
                    branches = each(branches, v, bad_news)
        for u in range(3):
            branches = each(branches, u, forget)
        for u in range(3):
            branches = each(branches, u, join)
        return branches

    dist = {((("C", 0, cls, 1), ("U", 0, "-", 0), ("U", 0, "-", 0)), 0, 0): pr
            for cls, pr in (("P", p), ("D", 1.0 - p))}
    for _ in range(steps):
        nxt = {}
        for key, pr in dist.items():
            for new, x in step(key):
                nxt[new] = nxt.get(new, 0.0) + pr * x
        dist = nxt
    out = {}
    for (nodes, w, r), pr in dist.items():
        sts = [x[0] for x in nodes]
        key = (sts.count("C"), sts.count("A"),
               sum(1 for x in nodes if x[0] == "C" and x[2] == "P"),
               sum(1 for x in nodes if x[0] == "C" and x[2] == "D"), w, r)
        out[key] = out.get(key, 0.0) + pr
    return out


def test_negative_word_of_mouth_on_a_path_follows_the_exact_chain():
    p, a, s, c, q, rho, f, phi, steps = 0.5, 0.7, 0.6, 0.5, 0.8, 0.3, 0.25, 0.4, 3
    exact = _exact_path_outcomes(p, a, s, c, q, rho, f, phi, steps)
    assert abs(sum(exact.values()) - 1.0) < 1e-12
    g = refsim.Graph.from_edges([0, 1], [1, 2], 3)
    life = refsim.Lifecycle(promoters=p, detractors=1.0 - p, passive_advocacy=0.0,
                            churn_promoter=0.0, churn_passive=0.0, churn_detractor=0.0,
                            detractor_share=q, rejection=rho, bad_news_factor=f)
    model = refsim.ReferralModel(share=s, conversion=c, advocacy=a, forget_rate=phi,
                                 ad_rate=0.0, lifecycle=life)
    runs = 200_000
    res = refsim.simulate(g, model, [0], runs=runs, rng=17, steps=steps)
    seen = {}
    keys = zip(res.curves[:, -1], res.aware_curves[:, -1], res.customers[:, -1, 0],
               res.customers[:, -1, 2], res.flows[:, :, 4].sum(axis=1),
               res.flows[:, :, 5].sum(axis=1))
    for key in keys:
        key = tuple(int(x) for x in key)
        seen[key] = seen.get(key, 0) + 1
    assert set(seen) <= set(exact)  # nothing the rules cannot produce
    # each outcome's frequency within 4.5 binomial standard errors (about 30 outcomes:
    # a false alarm about 1 in 5,000 runs of the test)
    for key, pr in exact.items():
        freq = seen.get(key, 0) / runs
        assert abs(freq - pr) <= 4.5 * math.sqrt(pr * (1 - pr) / runs) + 1e-9, (key, freq, pr)


def test_store_keeps_customers_and_cash_per_step_and_the_report_draws_payback(tmp_path):
    import matplotlib.pyplot as plt

    from refsim import plotting
    from refsim.experiment.config import resolve_config
    from refsim.experiment.runner import run_experiment
    from refsim.report import write_report

    cfg = resolve_config({**BASE, "lifecycle": {"margin": 2.0},
                          "campaign": BASE["campaign"] + [
                              {"name": "random", "seeding": "random", "k": 5}]})
    run_experiment(cfg, tmp_path, progress=False)
    runs = refsim.load_results(tmp_path)
    curves = refsim.load_curves(tmp_path)
    raw = refsim.load_curves(tmp_path, raw=True)
    for name in ("hubs", "random"):
        one = runs[runs.campaign == name].sort_values("run")
        kept = raw[(0, name, "customers")]
        cash = raw[(0, name, "cash")]
        assert (kept[:, -1] == one["customers"].to_numpy()).all()
        # cash to date is stored to the dollar: its last step is each run's NPV, rounded
        assert np.abs(cash[:, -1] - one["npv"].to_numpy()).max() <= 0.5
    page = write_report(tmp_path).read_text()
    assert "Net cash to date of each campaign" in page
    results = page.split('<table class="results">')[1].split("</thead>")[0]
    for head in ("customers", "nps", "npv"):
        assert f"<th>{head} <span" in results, head
    fig = plotting.curves_grid(curves, [0], series="cash", unit="$", settle=0.0,
                               break_even=True)
    ax = fig.axes[0]
    labels = [h.get_label() for h in ax.get_lines()]
    assert "break-even" in labels and "payback" in labels
    plt.close(fig)


def test_a_loyalty_programme_is_its_members_lifecycle_plus_its_costs():
    g = refsim.generators.holme_kim(1500, 3, 0.5, rng=6)
    life = refsim.Lifecycle(churn_promoter=0.01, churn_passive=0.03, churn_detractor=0.1,
                            margin=2.0, discount_rate=0.01)
    club = refsim.LoyaltyProgram(cost_per_member=0.4, fixed_cost=30.0, churn_reduction=0.5,
                                 margin_lift=0.25, promoter_lift=0.4)
    members = club.apply(life)
    assert members.churn_passive == 0.015 and members.margin == 2.5
    assert members.promoters == life.promoters + 0.4 * (1 - life.promoters - life.detractors)
    with_club = refsim.ReferralModel(share=0.2, ad_rate=0.001, lifecycle=life, loyalty=club)
    as_members = refsim.ReferralModel(share=0.2, ad_rate=0.001, lifecycle=members)
    steps = 20
    a = refsim.simulate(g, with_club, [0, 1, 2], runs=12, rng=2, steps=steps)
    b = refsim.simulate(g, as_members, [0, 1, 2], runs=12, rng=2, steps=steps)
    assert (a.curves == b.curves).all() and (a.customers == b.customers).all()
    kept = a.customers[:, 1:].sum(axis=2)
    fee = (30.0 + 0.4 * kept) / 1.01 ** np.arange(1, steps + 1)
    assert np.allclose(b.cash_flow[:, 1:] - a.cash_flow[:, 1:], fee, rtol=1e-12, atol=1e-9)
    spent = 30.0 * steps + 0.4 * kept.sum(axis=1)
    assert np.allclose(a.money["loyalty_cost"], spent)
    assert np.allclose(b.money["cost"] + spent, a.money["cost"])
    with pytest.raises(ValueError, match="acts on the customer lifecycle"):
        refsim.ReferralModel(loyalty=club)


def test_config_loyalty_is_a_campaign_lever(tmp_path):
    from refsim.experiment.build import build_campaigns, build_graph, build_model
    from refsim.experiment.config import ConfigError, resolve_config
    from refsim.experiment.runner import run_experiment

    camps = [{"name": "no club", "seeding": "degree", "k": 5},
             {"name": "club", "seeding": "degree", "k": 5, "loyalty": True}]
    with pytest.raises(ConfigError, match=r"campaign\[1\].loyalty: a loyalty programme"):
        resolve_config({**BASE, "campaign": camps})
    cfg = resolve_config({**BASE, "campaign": camps, "lifecycle": {},
                          "loyalty": {"fixed_cost": 10.0}})
    graph = build_graph(cfg["graph"])
    club = build_campaigns(cfg)[1]
    assert club.loyalty == refsim.LoyaltyProgram(fixed_cost=10.0)
    assert club.model_for(build_model(cfg, graph)).loyalty == club.loyalty
    assert build_campaigns(cfg)[0].loyalty is None
    run_experiment(cfg, tmp_path, progress=False)
    runs = refsim.load_results(tmp_path)
    cost = runs.groupby("campaign")["loyalty_cost"].min()
    assert cost["no club"] == 0 and cost["club"] >= 10.0 * BASE["experiment"]["steps"]
