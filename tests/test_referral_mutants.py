"""Exact checks of the referral model's parts that the twin comparison does not reach:
validation at the door, populations, programmes and economics."""

import math

import networkx as nx
import numpy as np
import pytest

import refsim
from refsim.errors import InvalidType, InvalidValue


def test_programme_factors_follow_their_formulas():
    p = refsim.ReferralProgram(sender_reward=10, recipient_reward=4, share_lift=0.5,
                               conversion_lift=0.3, reward_scale=5.0, sincerity_penalty=0.15,
                               quality_decay=0.2)
    assert p.share_factor == pytest.approx(1 + 0.5 * (1 - math.exp(-2.0)), rel=1e-15)
    assert p.conversion_factor == pytest.approx(1 + 0.3 * (1 - math.exp(-0.8)), rel=1e-15)
    assert p.trust_factor == 0.85
    assert p.referred_value_factor == pytest.approx(1 - 0.2 * 14 / 19, rel=1e-15)
    assert p.reward_per_conversion == 14
    undisclosed = refsim.ReferralProgram(sender_reward=10, disclosed=False)
    assert undisclosed.trust_factor == 1.0
    assert refsim.ReferralProgram(recipient_reward=10).trust_factor == 1.0
    none = refsim.ReferralProgram()
    assert (none.share_factor, none.conversion_factor, none.referred_value_factor) == (1, 1, 1)


def test_defaults_are_the_documented_ones():
    """The README's parameter table: model, programme, economics and segment defaults."""
    m = refsim.ReferralModel()
    assert (m.share, m.conversion, m.advocacy, m.forget_rate, m.ad_rate, m.trust) == (
        0.1, 0.2, 0.5, 0.3, 0.0, 1.0)
    assert m.population is None
    p = m.program
    assert (p.sender_reward, p.recipient_reward, p.disclosed, p.share_lift, p.conversion_lift,
            p.reward_scale, p.sincerity_penalty, p.quality_decay) == (
        0.0, 0.0, True, 0.5, 0.3, 5.0, 0.15, 0.2)
    e = m.economics
    assert (e.customer_value, e.advocate_multiplier, e.referral_premium,
            e.seed_cost_per_follower, e.ad_cost_per_step, e.seed_cost) == (
        100.0, 1.0, 0.16, 0.0, 0.0, None)
    table = {s.name: (s.trust, s.share, s.advocacy, s.seed_cost)
             for s in refsim.DEFAULT_SEGMENTS}
    assert table == {"regular": (0.8, None, None, 10.0),
                     "micro_advocate": (1.0, None, 0.8, 40.0),
                     "influencer": (0.5, None, 1.0, 200.0)}
    assert refsim.Segment("x").trust == 1.0 and refsim.Segment("x").seed_cost == 0.0


@pytest.mark.parametrize("kind,sender,recipient", [
    ("none", 0.0, 0.0), ("sender", 12.0, 0.0), ("recipient", 0.0, 12.0),
    ("two_sided", 6.0, 6.0)])
def test_named_programmes_split_the_reward(kind, sender, recipient):
    p = refsim.ReferralProgram.named(kind, 12, sincerity_penalty=0.3)
    assert (p.sender_reward, p.recipient_reward, p.sincerity_penalty) == (sender, recipient, 0.3)
    assert refsim.ReferralProgram.KINDS == ("none", "sender", "recipient", "two_sided")
    with pytest.raises(InvalidValue, match=r"reward must be a finite number >= 0; got -1\.0"):
        refsim.ReferralProgram.named(kind, -1)


@pytest.mark.parametrize("make,exc,pattern", [
    (lambda: refsim.ReferralModel(share=True), InvalidType,
     r"ReferralModel share must be a number in \[0, 1\]; got True of type bool"),
    (lambda: refsim.ReferralModel(trust=[[0.5]]), InvalidValue,
     r"ReferralModel trust must be a number or one value per node; got shape \(1, 1\)"),
    (lambda: refsim.ReferralModel(advocacy=[0.2, 1.5]), InvalidValue,
     r"ReferralModel advocacy\[1\] must be in \[0, 1\]"),
    (lambda: refsim.ReferralModel(conversion=1.5), InvalidValue,
     r"ReferralModel conversion must be in \[0, 1\]; got 1\.5"),
    (lambda: refsim.ReferralModel(ad_rate=-0.1), InvalidValue,
     r"ReferralModel ad_rate must be in \[0, 1\]"),
    (lambda: refsim.ReferralModel(population=[0, 1]), InvalidType,
     r"ReferralModel population must be a Population; got list"),
    (lambda: refsim.ReferralModel(economics=refsim.ReferralProgram()), InvalidType,
     r"ReferralModel economics must be an Economics; got ReferralProgram"),
    (lambda: refsim.ReferralProgram(disclosed=1), InvalidType,
     r"ReferralProgram disclosed must be True or False; got 1"),
    (lambda: refsim.ReferralProgram(reward_scale=-2), InvalidValue,
     r"ReferralProgram reward_scale must be > 0; got -2\.0"),
    (lambda: refsim.ReferralProgram(sincerity_penalty=1.2), InvalidValue,
     r"ReferralProgram sincerity_penalty must be in \[0, 1\]"),
    (lambda: refsim.Economics(customer_value=-1), InvalidValue,
     r"Economics customer_value must be a finite number >= 0; got -1\.0"),
    (lambda: refsim.Economics(seed_cost=-1), InvalidValue,
     r"Economics seed_cost must be a finite number >= 0; got -1\.0"),
    (lambda: refsim.Economics(seed_cost=[[1.0]]), InvalidValue,
     r"Economics seed_cost must be a number or one value per node"),
    (lambda: refsim.Segment(""), InvalidValue, r"Segment name must be a non-empty string; got ''"),
    (lambda: refsim.Segment(3), InvalidValue, r"Segment name must be a non-empty string; got 3"),
    (lambda: refsim.Segment("a", share=1.5), InvalidValue, r"Segment share must be in \[0, 1\]"),
    (lambda: refsim.Segment("a", advocacy=-1), InvalidValue, r"Segment advocacy must be in"),
    (lambda: refsim.Population([0], segments=[]), InvalidType,
     r"segments must be a non-empty sequence of Segment"),
    (lambda: refsim.Population([0], segments=["regular"]), InvalidType,
     r"segments must be a non-empty sequence of Segment"),
    (lambda: refsim.Population([0], segments=[refsim.Segment("a"), refsim.Segment("a")]),
     InvalidValue, r"segment names must be distinct; got \['a', 'a'\]"),
    (lambda: refsim.Population([[0]]), InvalidValue,
     r"Population assignment must be one value per node; got shape \(1, 1\)"),
    (lambda: refsim.Population([0, -1, 1]), InvalidValue,
     r"Population assignment holds segment index -1; allowed 0\.\.2"),
    (lambda: refsim.Population([3, 0]), InvalidValue,
     r"Population assignment holds segment index 3; allowed 0\.\.2"),
])
def test_bad_values_are_named_exactly(make, exc, pattern):
    with pytest.raises(exc, match=pattern):
        make()


def test_values_at_the_edges_are_accepted():
    assert refsim.Economics(seed_cost=250.0).seed_cost == 250.0  # fees are not probabilities
    assert refsim.Economics(seed_cost=[0.0, 300.0]).seed_cost.tolist() == [0.0, 300.0]
    m = refsim.ReferralModel(share=1, conversion=0, advocacy=[0, 1], trust=np.float64(0.5))
    assert (m.share, m.conversion, m.advocacy.tolist(), m.trust) == (1.0, 0.0, [0.0, 1.0], 0.5)
    assert isinstance(m.share, float)
    assert refsim.Segment("a", share=None, advocacy=None).share is None
    assert refsim.Population([2, 2, 2]).codes.tolist() == [2, 2, 2]
    assert refsim.Population([]).codes.tolist() == []


def test_population_is_read_only_and_describes_itself():
    pop = refsim.Population(["influencer", "regular", "regular", "micro_advocate"])
    assert pop.codes.dtype == np.int8 and pop.codes.tolist() == [2, 0, 0, 1]
    assert not pop.codes.flags.writeable
    with pytest.raises(AttributeError, match="immutable"):
        pop.segments = ()
    assert len(pop) == 4
    assert repr(pop) == "Population(regular=2, micro_advocate=1, influencer=1)"
    assert pop.segments == refsim.DEFAULT_SEGMENTS
    assert pop.per_node("advocacy", 0.25).tolist() == [1.0, 0.25, 0.25, 0.8]
    assert pop.per_node("seed_cost", 0.0).tolist() == [200.0, 10.0, 10.0, 40.0]


def test_by_audience_picks_the_largest_audiences_and_ordinary_micro_advocates():
    # node i follows nodes 0..i-1: out-degrees 0..100, so the 74th, 75th and 76th
    # percentiles of the audiences are the distinct sizes 74, 75 and 76
    n = 101
    src = np.repeat(np.arange(n), np.arange(n))
    dst = np.concatenate([np.arange(i) for i in range(n)])
    g = refsim.Graph.from_edges(src, dst, n, directed=True)
    deg = g.out_degree
    assert deg.tolist() == list(range(n))
    pop = refsim.Population.by_audience(g, influencers=0.05, micro_advocates=0.2, rng=3)
    # ceil(0.05 x 101) = 6 influencers: the six largest audiences
    assert sorted(np.flatnonzero(pop.codes == 2).tolist()) == list(range(95, 101))
    again = refsim.Population.by_audience(g, influencers=0.05, micro_advocates=0.2, rng=3)
    assert again.codes.tolist() == pop.codes.tolist()
    # round(0.2 x 101) = 20 distinct micro-advocates, drawn among audiences <= 75; over
    # 60 streams each such node is drawn (a given one is missed by all with p ~ 1e-8)
    seen = set()
    for r in range(60):
        p = refsim.Population.by_audience(g, influencers=0.05, micro_advocates=0.2, rng=r)
        micro = np.flatnonzero(p.codes == 1)
        assert micro.size == 20
        seen |= set(micro.tolist())
    assert seen == set(range(76))
    # no influencers: micro-advocates may then be anyone ordinary, everyone else regular
    everyone = refsim.Population.by_audience(g, influencers=0.0, micro_advocates=1.0, rng=0)
    assert everyone.codes.tolist() == [1] * 76 + [0] * 25
    small = refsim.Graph.from_edges([0, 0, 1], [1, 2, 2], directed=True)  # audiences 2, 1, 0
    top = refsim.Population.by_audience(small, influencers=0.5, micro_advocates=0.0, rng=0)
    assert top.codes.tolist() == [2, 2, 0]  # ceil(1.5) = 2
    with pytest.raises(InvalidValue, match=r"by_audience needs a segment named 'influencer'"):
        refsim.Population.by_audience(g, segments=refsim.DEFAULT_SEGMENTS[:2])
    with pytest.raises(InvalidValue, match=r"influencers must be in \[0, 1\]"):
        refsim.Population.by_audience(g, influencers=2.0)
    with pytest.raises(InvalidValue, match=r"micro_advocates must be in \[0, 1\]"):
        refsim.Population.by_audience(g, micro_advocates=-0.5)


def test_node_arrays_combine_scalars_arrays_segments_and_programme():
    g = refsim.Graph.from_networkx(nx.path_graph(3))
    segs = (refsim.Segment("a", trust=0.5, share=0.7), refsim.Segment("b", advocacy=0.1))
    pop = refsim.Population([0, 1, 1], segs)
    prog = refsim.ReferralProgram(sender_reward=5, recipient_reward=5, disclosed=False)
    m = refsim.ReferralModel(share=0.2, conversion=0.6, advocacy=[0.3, 0.4, 0.9],
                             trust=[1.0, 0.8, 0.5], population=pop, program=prog)
    share, conv, adv = m.node_arrays(g)
    f = 1 - math.exp(-1)
    assert share.tolist() == pytest.approx([0.7 * (1 + 0.5 * f), 0.2 * (1 + 0.5 * f),
                                            0.2 * (1 + 0.5 * f)], rel=1e-15)
    c = 0.6 * (1 + 0.3 * f)
    assert conv.tolist() == pytest.approx([c * 0.5, c * 0.8, c * 0.5], rel=1e-15)
    assert adv.tolist() == [0.3, 0.1, 0.1]
    # capped at 1: share 0.9 x 1.5 and conversion 0.9 x 1.3
    big = refsim.ReferralModel(share=0.9, conversion=0.9, program=refsim.ReferralProgram(
        sender_reward=1e9, recipient_reward=1e9, disclosed=False))
    share, conv, _ = big.node_arrays(g)
    assert share.tolist() == [1.0] * 3 and conv.tolist() == [1.0] * 3


def test_seed_costs_in_each_pricing():
    g = refsim.Graph.from_edges([0, 0, 1], [1, 2, 2], directed=True)  # out-degrees 2, 1, 0
    pop = refsim.Population([2, 0, 1])
    per_follower = refsim.Economics(seed_cost_per_follower=3.0)
    assert refsim.ReferralModel(economics=per_follower).seed_costs(g, [0, 2]).tolist() == [
        6.0, 0.0]
    assert refsim.ReferralModel(population=pop, economics=per_follower).seed_costs(
        g, [2, 0, 1]).tolist() == [40.0, 206.0, 13.0]
    flat = refsim.Economics(seed_cost=7.0)
    assert refsim.ReferralModel(population=pop, economics=flat).seed_costs(
        g, [1, 0]).tolist() == [7.0, 7.0]
    listed = refsim.Economics(seed_cost=[1.0, 2.0, 4.0], seed_cost_per_follower=0.5)
    assert refsim.ReferralModel(economics=listed).seed_costs(g, [2, 1, 0]).tolist() == [
        4.0, 2.5, 2.0]
    with pytest.raises(InvalidValue, match=r"Economics seed_cost has 2 values but the graph "
                                           r"has 3 nodes"):
        refsim.ReferralModel(economics=refsim.Economics(seed_cost=[1.0, 2.0])).seed_costs(
            g, [0])


def test_summary_is_every_per_run_output_with_its_interval():
    from scipy import stats

    g = refsim.Graph.from_networkx(nx.les_miserables_graph())
    model = refsim.ReferralModel(share=0.4, conversion=0.4, ad_rate=0.01,
                                 program=refsim.ReferralProgram(2, 2))
    res = refsim.simulate(g, model, [0, 11], runs=12, rng=1, steps=5)
    for level in (0.9, 0.95):
        summary = res.summary(level)
        per_run = {"reach": res.final_sizes, "virality": res.virality, **res.tallies,
                   **res.money}
        assert list(summary) == list(per_run)
        for name, values in per_run.items():
            x = np.asarray(values, dtype=float)
            x = x[np.isfinite(x)]
            got = summary[name]
            assert got["runs"] == x.shape[0], name
            assert got["mean"] == pytest.approx(x.mean(), rel=1e-12), name
            if x.shape[0] > 1 and x.std() > 0:
                half = stats.t.ppf(0.5 + level / 2, x.shape[0] - 1) * stats.sem(x)
                assert got["hi"] - got["mean"] == pytest.approx(half, rel=1e-9), name


def test_simulate_restores_the_thread_count():
    import numba

    before = numba.get_num_threads()
    g = refsim.Graph.from_networkx(nx.path_graph(4))
    refsim.simulate(g, refsim.ReferralModel(), [0], runs=3, rng=0, steps=2, workers=1)
    assert numba.get_num_threads() == before


def test_referral_tree_checks_its_arguments():
    g = refsim.Graph.from_networkx(nx.path_graph(4))
    m = refsim.ReferralModel(share=1.0, conversion=1.0, advocacy=1.0)
    full = refsim.referral_tree(g, m, [0], steps=3, rng=0, run=2**62)
    assert full["nodes"].tolist() == [0, 1, 2, 3] and full["seeds"].tolist() == [0]
    assert full["parents"].tolist() == [-1, 0, 1, 2]
    assert full["nodes"].dtype == full["parents"].dtype == np.int64
    assert refsim.referral_tree(g, m, [1], steps=0, rng=0)["nodes"].tolist() == [1]
    with pytest.raises(InvalidValue, match="run"):
        refsim.referral_tree(g, m, [0], steps=3, run=-1)
    with pytest.raises(InvalidValue, match="run"):
        refsim.referral_tree(g, m, [0], steps=3, run=2**62 + 1)
    with pytest.raises(InvalidValue, match="steps"):
        refsim.referral_tree(g, m, [0], steps=-1)
    with pytest.raises(InvalidValue, match="seeds holds node 9"):
        refsim.referral_tree(g, m, [9], steps=2)
    with pytest.raises(InvalidType, match="referral_tree needs a ReferralModel; got "
                                          "IndependentCascade"):
        refsim.referral_tree(g, refsim.IndependentCascade(0.1), [0], steps=3)


def _draws(rng, k):
    """The first k uniforms of run 0 of ``simulate(..., rng=rng)``."""
    from naive import Xoshiro
    from refsim._rng import run_states

    x = Xoshiro(run_states(np.random.SeedSequence(rng), 1)[0])
    return [x.double() for _ in range(k)]


def test_an_event_of_probability_p_fires_when_the_uniform_is_below_p():
    """Each event compares a uniform u in [0, 1) with its probability p and fires when
    u < p (so p = 0 never fires and p = 1 always does). Setting p to the very uniform
    the event will draw, and to the next float above it, shows the comparison is strict."""
    g = refsim.Graph.from_edges([0], [1], directed=True)
    first, second = _draws(0, 2)
    up = np.nextafter

    def run(**kw):
        return refsim.simulate(g, refsim.ReferralModel(**kw), [0], runs=1, rng=0, steps=1)

    # conversion: share 1 draws no jump, so the first uniform decides the referral
    for conversion, size in [(first, 1), (up(first, 1.0), 2)]:
        res = run(share=1.0, conversion=conversion, advocacy=0.0, forget_rate=0.0)
        assert res.final_sizes[0] == size and res.aware_curves[0, 1] == 2 - size
    # forgetting: share 0 draws nothing, so the seed's forgetting draw is the first
    for forget, left in [(first, 1), (up(first, 1.0), 0)]:
        res = run(share=0.0, forget_rate=forget, advocacy=0.0)
        assert res.advocate_curves[0].tolist() == [1, left]
    # advocacy: the referral converts surely on the first uniform; the second decides
    for advocacy, talks in [(second, 0), (up(second, 1.0), 1)]:
        res = run(share=1.0, conversion=1.0, advocacy=advocacy, forget_rate=0.0)
        assert res.tallies["referral_advocates"][0] == talks
        assert res.advocate_curves[0].tolist() == [1, 1 + talks]


def test_a_tie_for_the_largest_cascade_goes_to_the_first_root():
    # two cascades of four: a chain from seed 0 (mean distance 10/6) and a star from
    # seed 4 (9/6); the largest-cascade tie goes to the root that adopted first
    g = refsim.Graph.from_edges([0, 1, 2, 4, 4, 4], [1, 2, 3, 5, 6, 7], directed=True)
    sure = refsim.ReferralModel(share=1.0, conversion=1.0, advocacy=1.0, forget_rate=0.0)
    for seeds, virality in [([0, 4], 10 / 6), ([4, 0], 9 / 6)]:
        res = refsim.simulate(g, sure, seeds, runs=2, rng=0, steps=5)
        assert res.tallies["largest_cascade"].tolist() == [4, 4]
        assert res.tallies["depth"].tolist() == [3, 3]
        assert res.virality.tolist() == pytest.approx([virality] * 2, rel=1e-15)


def test_more_edges_of_the_parameter_objects():
    # the first bad segment index is the one quoted
    with pytest.raises(InvalidValue, match=r"holds segment index 5; allowed 0\.\.2"):
        refsim.Population([0, 5, -1])
    # by_audience's options are keyword-only
    g = refsim.Graph.from_networkx(nx.path_graph(5))
    with pytest.raises(TypeError):
        refsim.Population.by_audience(g, 0.2)
    # a named programme's reward defaults to nothing
    assert refsim.ReferralProgram.named("sender").sender_reward == 0.0
    assert refsim.ReferralProgram.named("two_sided").reward_per_conversion == 0.0
    # every Economics amount is checked, the per-follower price too
    for name in ("customer_value", "advocate_multiplier", "referral_premium",
                 "seed_cost_per_follower", "ad_cost_per_step"):
        with pytest.raises(InvalidValue, match=f"Economics {name} must be a finite number"):
            refsim.Economics(**{name: -1.0})
    # a segment without a trust of its own leaves the model's trust as it is
    pop = refsim.Population([0, 1], (refsim.Segment("a", trust=None), refsim.Segment("b")))
    m = refsim.ReferralModel(conversion=0.5, trust=[0.4, 0.6], population=pop)
    pair = refsim.Graph.from_edges([0], [1])
    assert m.node_arrays(pair)[1].tolist() == pytest.approx([0.2, 0.3], rel=1e-15)


def test_parameter_objects_are_frozen_and_sized():
    import dataclasses

    for obj, name in [(refsim.Segment("a"), "trust"), (refsim.ReferralProgram(), "disclosed"),
                      (refsim.Economics(), "customer_value"), (refsim.ReferralModel(), "share")]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, name, 0.5)
    pop = refsim.Population([0, 2])
    assert pop.names == ("regular", "micro_advocate", "influencer")
    with pytest.raises(InvalidValue, match=r"one value per node; got shape \(\)"):
        refsim.Population(0)
    g = refsim.Graph.from_networkx(nx.path_graph(3))
    with pytest.raises(InvalidValue, match=r"trust has 5 values but the graph has 3 nodes"):
        refsim.ReferralModel(trust=[1.0] * 5).node_arrays(g)
    # any disclosed sender reward, however small, costs sincerity
    assert refsim.ReferralProgram(sender_reward=0.5).trust_factor == 0.85


def test_by_audience_never_turns_an_influencer_into_a_micro_advocate():
    # equal audiences: the first five by id are influencers, the fifteen others are all
    # the ordinary nodes there are, so all of them and only they become micro-advocates
    g = refsim.Graph.from_networkx(nx.cycle_graph(20))
    pop = refsim.Population.by_audience(g, influencers=0.25, micro_advocates=0.75, rng=1)
    assert pop.codes.tolist() == [2] * 5 + [1] * 15
    # the same with the influencer segment listed first
    order = (refsim.DEFAULT_SEGMENTS[2], refsim.DEFAULT_SEGMENTS[0], refsim.DEFAULT_SEGMENTS[1])
    pop = refsim.Population.by_audience(g, influencers=0.25, micro_advocates=0.75, rng=1,
                                        segments=order)
    assert pop.codes.tolist() == [0] * 5 + [2] * 15


def test_population_size_and_unset_segment_fees():
    g = refsim.Graph.from_edges([0, 0], [1, 2], directed=True)  # out-degrees 2, 0, 0
    with pytest.raises(InvalidValue, match=r"population has 4 nodes but the graph has 3"):
        refsim.ReferralModel(population=refsim.Population([0] * 4)).node_arrays(g)
    # a segment whose fee is unset charges nothing beyond the per-follower price
    segs = (refsim.Segment("free", seed_cost=None), refsim.Segment("paid", seed_cost=5.0))
    m = refsim.ReferralModel(population=refsim.Population([0, 1, 0], segs),
                             economics=refsim.Economics(seed_cost_per_follower=1.5))
    assert m.seed_costs(g, [0, 1, 2]).tolist() == [3.0, 5.0, 0.0]


def test_a_referral_result_is_a_read_only_one_line_summary():
    g = refsim.Graph.from_networkx(nx.path_graph(4))
    model = refsim.ReferralModel(share=1.0, conversion=1.0, advocacy=1.0)
    res = refsim.simulate(g, model, [0], runs=2, rng=0, steps=3)
    assert isinstance(res, refsim.ReferralResult) and isinstance(res, refsim.SimResult)
    assert repr(res).startswith("SimResult(ReferralModel(") and "runs=2" in repr(res)
    assert {res: 1}[res] == 1 and res == res and res != refsim.simulate(
        g, model, [0], runs=2, rng=0, steps=3)  # compared (and hashed) by identity
    with pytest.raises(AttributeError):
        res.virality = None
    assert res.final_sizes.tolist() == [4, 4] and not res.final_sizes.flags.writeable
    assert res.n == 4 and res.model == repr(model)
    assert res.seed == {"entropy": 0, "spawn_key": []}


def test_referral_tree_options_and_its_memory_rule(monkeypatch):
    import refsim._memory

    g = refsim.Graph.from_networkx(nx.path_graph(4))
    m = refsim.ReferralModel()
    with pytest.raises(TypeError):
        refsim.referral_tree(g, m, [0], 3)  # steps is keyword-only
    with pytest.raises(InvalidValue, match=r"steps must be <= 4611686018427387904"):
        refsim.referral_tree(g, m, [0], steps=2**62 + 1)
    # it needs three int64 curves of steps + 1 and 40 bytes of scratch per node, and may
    # use 80% of the memory available: 10 x 24 + 4 x 40 = 400 bytes fit in 500, not 499
    monkeypatch.setattr(refsim._memory, "available_memory", lambda: 500)
    assert refsim.referral_tree(g, m, [0], steps=9, rng=0)["seeds"].tolist() == [0]
    monkeypatch.setattr(refsim._memory, "available_memory", lambda: 499)
    with pytest.raises(InvalidValue, match=r"steps=9 needs about"):
        refsim.referral_tree(g, m, [0], steps=9, rng=0)


def test_referral_tree_replays_run_0_by_default():
    g = refsim.Graph.from_networkx(nx.les_miserables_graph())
    m = refsim.ReferralModel(share=0.4, conversion=0.5, ad_rate=0.02)
    res = refsim.simulate(g, m, [0], runs=2, rng=5, steps=6)
    assert res.final_sizes[0] != res.final_sizes[1]  # the two runs can be told apart
    assert len(refsim.referral_tree(g, m, [0], steps=6, rng=5)["nodes"]) == res.final_sizes[0]


def test_last_edges_of_populations_summaries_and_seed_costs():
    with pytest.raises(InvalidValue, match=r"holds segment index -1"):
        refsim.Population([1, -1])  # the first bad index, not the first non-zero one
    g = refsim.Graph.from_networkx(nx.star_graph(4))  # centre 0: the one influencer
    pop = refsim.Population.by_audience(g, influencers=0.2, micro_advocates=0.8, rng=0)
    assert pop.codes.tolist() == [2, 1, 1, 1, 1]
    m = refsim.ReferralModel(economics=refsim.Economics(seed_cost=[1.0, 2.0, 4.0, 8.0, 16.0]))
    res = refsim.simulate(g, m, [0], runs=3, rng=0, steps=2)
    assert res.summary() == res.summary(0.95)
    # per-run seed sets: each run pays for its own set, empty or not, equal-sized or not
    for sets, paid in [([[1, 2], [], []], [6.0, 0.0, 0.0]), ([[1, 2], [3, 4], [0]], [6.0, 24.0, 1.0]),
                       ([[0], [1, 2], [3]], [1.0, 6.0, 8.0])]:
        res = refsim.simulate(g, m, sets, runs=3, rng=0, steps=2)
        assert res.money["seed_cost"].tolist() == paid, sets
