"""Running the referral model and the result it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numba
import numpy as np

from ._kernels.referral import FLOWS, KEPT
from .errors import InvalidType, InvalidValue
from .result import SimResult

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from ._rng import RngLike
    from .graph import Graph
    from .referral import ReferralModel

__all__ = ["ReferralResult", "referral_tree"]

#: Column numbers of the kernel's ``flows`` and ``kept`` outputs, by name.
_F = {name: i for i, name in enumerate(FLOWS)}
_K = {name: i for i, name in enumerate(KEPT)}


@dataclass(frozen=True, eq=False, repr=False)
class ReferralResult(SimResult):
    """Outcome of ``runs`` runs of a :class:`refsim.ReferralModel` campaign.

    ``final_sizes`` and ``curves`` count adopters (seeds included), as for IC. Also:

    Attributes
    ----------
    aware_curves, advocate_curves : numpy.ndarray
        (runs, steps + 1): nodes aware but not adopted, and active advocates, per step.
    tallies : dict of numpy.ndarray
        Per run: adoptions by source ``seed``, ``referral``, ``outside``; advocates among
        them ``referral_advocates``, ``outside_advocates``; ``referrals_sent``,
        ``referrals_converted``; ``depth`` of the referral forest and the size of its
        ``largest_cascade``.
    virality : numpy.ndarray
        Structural virality of each run's largest cascade tree: the mean distance
        between two of its members (Goel, Anderson, Hofman & Watts 2016); 0 for a
        single node. When trees tie for the largest, the one whose root adopted first
        counts.
    money : dict of numpy.ndarray
        Per run: ``revenue``, ``cost``, ``profit``, ``roi`` (profit / cost), ``cac``
        (cost per acquired customer), ``cost_per_referral`` (rewards per converted
        referral), ``rewards``, ``seed_cost``, ``ad_cost``; NaN where undefined.
    customers : numpy.ndarray or None
        With a :class:`refsim.Lifecycle`: (runs, steps + 1, 3) current customers per
        satisfaction class (promoter, passive, detractor) after each step. None without a
        lifecycle.
    flows : numpy.ndarray or None
        With a lifecycle: (runs, steps + 1, 10) per step, the columns of
        ``refsim._kernels.referral.FLOWS``: customers won by referral and from outside,
        the advocates among each, non-customers warned by bad news for the first time,
        those who rejected the product, customers won back, reviews written by
        promoters, passives and detractors.
    kept : numpy.ndarray or None
        With a lifecycle: (runs, steps + 1, 6) after each step, current customers by how
        they were won (seeds, referrals, outside, won back), the current customers won by
        referral or from outside who became advocates, and the loyalty programme's
        members.
    proof : numpy.ndarray or None
        With a lifecycle: (runs, steps + 1) the social-proof factor of the reviews in
        force during each step (1 without :class:`refsim.Reviews`).
    cash_flow : numpy.ndarray or None
        With a lifecycle: (runs, steps + 1) each step's net cash discounted to step 0
        (value of the customers won, their repeat margin, minus rewards, advertising,
        the loyalty and advocacy programmes and, at step 0, the seeds); its cumulative
        sum gives NPV and the payback step, also in ``money`` (``repeat_revenue``,
        ``npv``, ``payback``), and ``revenue`` then includes the repeat margin.
    cash_parts : dict or None
        With a lifecycle: the same cash by kind, undiscounted, (runs, steps + 1) each,
        as positive amounts (``CASH_PARTS``): ``won`` (value of the customers won),
        ``margin`` (repeat margin); ``seeds``, ``rewards``, ``ads``, ``loyalty``,
        ``advocacy`` (costs).
    """

    aware_curves: np.ndarray = None
    advocate_curves: np.ndarray = None
    tallies: dict = field(default_factory=dict)
    virality: np.ndarray = None
    money: dict = field(default_factory=dict)
    customers: np.ndarray | None = None
    flows: np.ndarray | None = None
    kept: np.ndarray | None = None
    proof: np.ndarray | None = None
    cash_flow: np.ndarray | None = None
    cash_parts: dict | None = None

    @property
    def churn_curves(self) -> np.ndarray:
        """(runs, steps + 1): share of the customers of each step's start who churned in
        it (column 0 and steps that start without customers: NaN); needs a lifecycle."""
        if self.customers is None:
            raise InvalidValue("churn needs a model with a lifecycle (refsim.Lifecycle)")
        kept = self.customers.sum(axis=2).astype(np.float64)
        lost = lost_per_step(self)
        out = np.full(kept.shape, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, 1:] = np.where(kept[:, :-1] > 0, lost[:, 1:] / kept[:, :-1], np.nan)
        return out

    @property
    def retention_curves(self) -> np.ndarray:
        """(runs, steps + 1): share of everyone ever won (seeds included) who is a
        customer after each step (NaN before the first); needs a lifecycle."""
        if self.customers is None:
            raise InvalidValue("retention needs a model with a lifecycle (refsim.Lifecycle)")
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.customers.sum(axis=2) / self.curves

    @property
    def nps_curves(self) -> np.ndarray:
        """(runs, steps + 1): NPS of the current customers after each step, % promoters
        minus % detractors (NaN without customers); needs a lifecycle."""
        if self.customers is None:
            raise InvalidValue("NPS needs a model with a lifecycle (refsim.Lifecycle)")
        c = self.customers.astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return 100.0 * (c[..., 0] - c[..., 2]) / c.sum(axis=2)

    def summary(self, level: float = 0.95) -> dict:
        """Return ``{"mean", "sem", "lo", "hi", "runs"}`` of every per-run output, by
        the names of the results store (``reach``, ``virality``, the tallies, money)."""
        from .result import mean_ci

        out = {"reach": mean_ci(self.final_sizes, level),
               "virality": mean_ci(self.virality, level)}
        for name, values in {**self.tallies, **self.money}.items():
            out[name] = mean_ci(values, level)
        return out


def lost_per_step(result):
    """(runs, steps + 1) customers lost to churn in each step (0 at step 0): those at the
    step's start, plus those it won or won back, minus those after it."""
    kept = result.customers.sum(axis=2)
    came = result.flows[..., [_F["referral"], _F["outside"], _F["won_back"]]].sum(axis=2)
    lost = np.zeros_like(kept)
    lost[:, 1:] = kept[:, :-1] + came[:, 1:] - kept[:, 1:]
    return lost


def _kernel_inputs(graph, model):
    """Return the referral kernel's per-node and scalar inputs for ``model`` on ``graph``."""
    share, conv, advocacy = model.node_arrays(graph)
    with np.errstate(divide="ignore"):
        share_lq = np.log1p(-share)
        ad_lq = float(np.log1p(-model.ad_rate))
    from .referral import lifecycle_inputs

    life = lifecycle_inputs(model, graph.n)
    return (graph.indptr, graph.indices, share_lq, conv, advocacy, ad_lq,
            float(model.forget_rate), *life)


def run_referral(graph, model, seed_sets, states, steps, workers, seed_info):
    """Run the kernel and assemble a :class:`ReferralResult` (inputs already checked).

    ``seed_sets`` is ``(nodes, lo, hi)``: run ``i`` starts from ``nodes[lo[i]:hi[i]]``.
    """
    from ._kernels.referral import TALLY, referral_runs

    nodes, lo, hi = seed_sets
    runs = lo.shape[0]
    inputs = _kernel_inputs(graph, model)
    seed_cost = _seed_cost(model, graph, nodes, lo, hi)  # checks a per-node fee's length
    previous = numba.get_num_threads()
    numba.set_num_threads(workers)
    try:
        (adopters, aware, advocates, tally, virality, _, _, customers, flows,
         kept, proof) = referral_runs(
            *inputs, nodes.astype(graph.indices.dtype), lo, hi, states,
            np.arange(runs, dtype=np.int64), steps, workers)
    finally:
        numba.set_num_threads(previous)
    tallies = {name: tally[:, j].copy() for j, name in enumerate(TALLY)}
    over_time = {}  # the lifecycle's outputs
    if model.lifecycle is None:
        money = _money(model, seed_cost, tallies, steps)
    else:
        margin = _margin(model, customers, kept)
        programmes = _programme_costs(model, kept, advocates)
        parts = _cash_parts(model, seed_cost, flows, margin, programmes)
        cash = _cash_flow(model, parts)
        spent = {k: v.sum(axis=1) for k, v in programmes.items()}
        over = {**_over_time(margin, cash),
                **_lifetime_values(model, tallies, customers, kept)}
        money = {**_money(model, seed_cost, tallies, steps, over["repeat_revenue"],
                          sum(spent.values())), **over, **spent}
        over_time = dict(customers=customers, flows=flows, kept=kept, proof=proof,
                         cash_flow=cash, cash_parts=parts)
    return ReferralResult(
        final_sizes=adopters[:, -1].copy(), curves=adopters, n=graph.n, model=repr(model),
        seed=seed_info, aware_curves=aware, advocate_curves=advocates, tallies=tallies,
        virality=virality, money=money, **over_time)


def _seed_cost(model, graph, nodes, lo, hi):
    """Return each run's cost of recruiting its seeds (float64, one per run).

    Each run's sum is what ``costs.sum()`` gives for its set alone, so a run's money
    does not depend on the other runs' seed sets.
    """
    costs = model.seed_costs(graph, nodes)
    runs = lo.shape[0]
    k = hi - lo
    if runs and lo.max() == 0 and hi.min() == nodes.shape[0]:  # one set for every run
        return np.full(runs, float(costs.sum()))
    if (k == k[0]).all() and (lo == np.arange(runs) * k[0]).all():  # one row per run
        return costs.reshape(runs, int(k[0])).sum(axis=1)
    return np.array([costs[a:b].sum() for a, b in zip(lo, hi)], dtype=np.float64)


def _won_value(model, referral, outside, referral_advocates, outside_advocates):
    """Value of customers won (counts of each kind, any shape): advocates count
    ``advocate_multiplier`` times, referred ones carry the referral premium and the
    programme's value factor."""
    econ = model.economics
    mult = econ.advocate_multiplier
    referred = ((referral_advocates * mult + (referral - referral_advocates))
                * (1.0 + econ.referral_premium) * model.program.referred_value_factor)
    return econ.customer_value * (referred + outside_advocates * mult
                                  + (outside - outside_advocates))


def _margin(model, customers, kept):
    """(runs, steps): each step's repeat margin (undiscounted): every current customer's,
    plus the loyalty members' lift."""
    life = model.lifecycle
    margin = life.margin * customers[:, 1:].sum(axis=2).astype(np.float64)
    if model.loyalty is not None:
        margin += life.margin * model.loyalty.margin_lift * kept[:, 1:, _K["members"]]
    return margin


def _programme_costs(model, kept, advocates):
    """(runs, steps) each, undiscounted: the loyalty programme's cost per step (fixed,
    and per member after the step) and the advocacy programme's (fixed, and per advocate
    active during the step)."""
    runs, steps = kept.shape[0], kept.shape[1] - 1
    loyalty = np.zeros((runs, steps))
    advocacy = np.zeros((runs, steps))
    club = model.loyalty
    if club is not None:
        loyalty += club.fixed_cost + club.cost_per_member * kept[:, 1:, _K["members"]]
    prog = model.advocacy_programme
    if prog is not None:
        advocacy += prog.fixed_cost + prog.cost_per_advocate * advocates[:, :-1]
    return {"loyalty_cost": loyalty, "advocacy_cost": advocacy}


#: The kinds of cash of :attr:`ReferralResult.cash_parts`, income first.
CASH_PARTS = ("won", "margin", "seeds", "rewards", "ads", "loyalty", "advocacy")


def _cash_parts(model, seed_cost, flows, margin, programmes):
    """Each step's cash by kind, undiscounted, (runs, steps + 1) each, as positive
    amounts: the value of the customers won, the repeat margin after the step; the
    seeds (at step 0), rewards, advertising and the two programmes' costs."""
    econ = model.economics
    f = flows.astype(np.float64)
    runs, cols = f.shape[0], f.shape[1]
    out = {k: np.zeros((runs, cols)) for k in CASH_PARTS}
    out["won"] = _won_value(model, *(f[..., _F[k]] for k in (
        "referral", "outside", "referral_advocates", "outside_advocates")))
    out["rewards"] = f[..., _F["referral"]] * model.program.reward_per_conversion
    out["margin"][:, 1:] = margin
    out["ads"][:, 1:] = econ.ad_cost_per_step
    out["loyalty"][:, 1:] = programmes["loyalty_cost"]
    out["advocacy"][:, 1:] = programmes["advocacy_cost"]
    out["seeds"][:, 0] = seed_cost
    return out


def _cash_flow(model, parts):
    """(runs, steps + 1): each step's net cash, discounted to step 0: income minus costs
    of :func:`_cash_parts`."""
    net = parts["won"] + parts["margin"]
    for kind in CASH_PARTS[2:]:
        net = net - parts[kind]
    steps = net.shape[1] - 1
    with np.errstate(over="ignore"):  # a huge rate: later cash is worth 0, as it should
        return net / (1.0 + model.lifecycle.discount_rate) ** np.arange(steps + 1)


def _over_time(margin, cash):
    """Per run: the repeat margin (undiscounted), NPV, and the payback step (the first
    whose cumulative discounted cash is positive; NaN when none is)."""
    total = np.cumsum(cash, axis=1)
    ahead = total > 0
    payback = np.where(ahead.any(axis=1), ahead.argmax(axis=1), np.nan)
    return {"repeat_revenue": margin.sum(axis=1), "npv": total[:, -1], "payback": payback}


def _lifetime_values(model, t, customers, kept):
    """Per run: the mean value within the horizon of a customer won by referral, from
    outside, who became an advocate and who did not: value at purchase plus the repeat
    margin of every step it stayed, discounted to step 0 (NaN when none was won that
    way); the margin after the last step is not counted, so customers won late count
    little. The loyalty members' extra margin is shared in proportion to customers
    (exact when every customer joins)."""
    life = model.lifecycle
    steps = kept.shape[1] - 1
    weight = life.margin / (1.0 + life.discount_rate) ** np.arange(1, steps + 1)
    lift = np.ones((kept.shape[0], steps))
    if model.loyalty is not None:
        total = customers[:, 1:].sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            lift += model.loyalty.margin_lift * np.where(
                total > 0, kept[:, 1:, _K["members"]] / np.maximum(total, 1), 0.0)
    # the discounted margin of each column of KEPT
    m = dict(zip(KEPT, np.einsum("rtk,rt,t->kr", kept[:, 1:, :].astype(np.float64), lift,
                                 weight)))
    zero = np.zeros_like(t["referral"])
    ref, out = t["referral"], t["outside"]
    ref_adv, out_adv = t["referral_advocates"], t["outside_advocates"]
    groups = (
        ("clv_referred", ref, _won_value(model, ref, zero, ref_adv, zero), m["referral"]),
        ("clv_outside", out, _won_value(model, zero, out, zero, out_adv), m["outside"]),
        ("clv_advocates", ref_adv + out_adv,
         _won_value(model, ref_adv, out_adv, ref_adv, out_adv), m["advocates"]),
        ("clv_others", ref + out - ref_adv - out_adv,
         _won_value(model, ref - ref_adv, out - out_adv, zero, zero),
         m["referral"] + m["outside"] - m["advocates"]))
    result = {}
    for name, won, value, kept_margin in groups:
        with np.errstate(invalid="ignore", divide="ignore"):
            result[name] = np.where(won > 0, (value + kept_margin) / np.maximum(won, 1),
                                    np.nan)
    return result


def _money(model, seed_cost, t, steps, repeat=None, programmes=None):
    econ = model.economics
    prog = model.program
    revenue = _won_value(model, t["referral"], t["outside"], t["referral_advocates"],
                         t["outside_advocates"])
    if repeat is not None:  # with a lifecycle: the customers' margin, step by step
        revenue = revenue + repeat
    rewards = t["referrals_converted"] * prog.reward_per_conversion
    ad_cost = econ.ad_cost_per_step * steps
    cost = rewards + seed_cost + ad_cost
    if programmes is not None:
        cost = cost + programmes
    acquired = t["referral"] + t["outside"]
    # a cost of a few subnormal cents makes ROI overflow to infinity: that is its value
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        roi = np.where(cost > 0, (revenue - cost) / np.where(cost > 0, cost, 1), np.nan)
        cac = np.where(acquired > 0, cost / np.maximum(acquired, 1), np.nan)
        cpr = np.where(t["referrals_converted"] > 0,
                       rewards / np.maximum(t["referrals_converted"], 1), np.nan)
    return {"revenue": revenue, "cost": cost, "profit": revenue - cost,
            "roi": roi, "cac": cac, "cost_per_referral": cpr, "rewards": rewards,
            "seed_cost": seed_cost, "ad_cost": np.full(revenue.shape, float(ad_cost))}


def referral_tree(graph: Graph, model: ReferralModel, seeds: ArrayLike, *, steps: int,
                  rng: RngLike = None, run: int = 0) -> dict[str, np.ndarray]:
    """Return the referral forest of one run: who adopted, in order, and who referred them.

    Replays run ``run`` of ``simulate(graph, model, seeds, steps=steps, rng=rng, ...)``
    exactly (same stream), so the tree belongs to a run whose numbers are in that
    result. ``seeds`` is the seed set that run started from: with one set per run in
    :func:`refsim.simulate`, pass that run's own set.

    Returns
    -------
    dict
        ``nodes`` (int64, adopters in adoption order), ``parents`` (int64, aligned with
        ``nodes``: the referrer credited with the conversion, -1 for a seed or an outside
        adoption) and ``seeds`` (int64).

    Examples
    --------
    >>> import refsim
    >>> g = refsim.datasets.load("karate_club")
    >>> m = refsim.ReferralModel(share=0.5, conversion=0.5, forget_rate=1.0)
    >>> tree = referral_tree(g, m, [0], steps=10, rng=4)
    >>> res = refsim.simulate(g, m, [0], steps=10, runs=1, rng=4)
    >>> bool(len(tree["nodes"]) == res.final_sizes[0]), int(tree["parents"][0])
    (True, -1)
    """
    from ._kernels.referral import referral_runs
    from ._memory import check_memory
    from ._rng import as_seed_sequence, run_states
    from ._validation import as_node_array, check_int
    from .referral import ReferralModel

    if not isinstance(model, ReferralModel):
        raise InvalidType(f"referral_tree needs a ReferralModel; got {type(model).__name__}")
    seeds = as_node_array("seeds", seeds, graph.n)
    steps = check_int("steps", steps, minimum=0, maximum=2**62)
    run = check_int("run", run, minimum=0, maximum=2**62)
    # three int64 curves of steps + 1 and the kernel's per-node scratch
    check_memory(f"steps={steps}", (steps + 1) * 24 + graph.n * 40, "give a smaller steps")
    states = run_states(as_seed_sequence(rng), 1, run)
    out = referral_runs(*_kernel_inputs(graph, model), seeds.astype(graph.indices.dtype),
                        np.zeros(1, np.int64), np.full(1, seeds.shape[0], np.int64), states,
                        np.zeros(1, dtype=np.int64), steps, 1, 0)
    return {"nodes": out[5].astype(np.int64), "parents": out[6].astype(np.int64),
            "seeds": seeds.astype(np.int64)}


# -- the referral model kind -------------------------------------------------------------

def _from_config(cfg, graph):
    """The referral model of a resolved cell config."""
    from .params import trusted
    from .referral import Economics, Lifecycle, ReferralModel, ReferralProgram, Reviews

    m = {k: v for k, v in cfg["model"].items() if k != "kind"}
    population = population_for(cfg, graph)
    with trusted():  # every value was checked by the config against its Param
        return ReferralModel(**m, population=population,
                             program=ReferralProgram(**cfg["program"]),
                             economics=Economics(**cfg["economics"]),
                             lifecycle=(Lifecycle(**cfg["lifecycle"]) if "lifecycle" in cfg
                                        else None),
                             reviews=Reviews(**cfg["reviews"]) if "reviews" in cfg else None)


_POPULATIONS: dict = {}


def population_for(cfg, graph):
    """The population of a resolved cell config on ``graph``: segments placed by
    audience (:meth:`refsim.Population.by_audience`) from the experiment seed's
    population stream, with each segment's configured values. The last few are cached:
    the cells of a sweep over model values share theirs."""
    import dataclasses
    import json

    from ._rng import population_stream
    from .referral import DEFAULT_SEGMENTS, Population

    key = (id(graph), cfg["experiment"]["seed"],
           json.dumps(cfg["population"], sort_keys=True, default=str))
    if key in _POPULATIONS and _POPULATIONS[key][0] is graph:
        return _POPULATIONS[key][1]
    seg_cfg = cfg["population"].get("segments", {})
    segments = [dataclasses.replace(s, **seg_cfg.get(s.name, {})) for s in DEFAULT_SEGMENTS]
    population = Population.by_audience(
        graph, influencers=cfg["population"]["influencers"],
        micro_advocates=cfg["population"]["micro_advocates"],
        rng=population_stream(cfg["experiment"]["seed"]), segments=segments)
    while len(_POPULATIONS) >= 4:
        _POPULATIONS.pop(next(iter(_POPULATIONS)))
    _POPULATIONS[key] = (graph, population)
    return population


def _run(graph, model, seed_sets, seq, *, runs, first_run, steps, workers, record):
    from ._rng import run_states

    return run_referral(graph, model, seed_sets, run_states(seq, runs, first_run), steps,
                        workers, record)


def _per_run(result):
    from .model_registry import reach_and_steps

    out = reach_and_steps(result)
    out["aware"] = result.aware_curves[:, -1]
    out["advocates"] = result.advocate_curves[:, -1]
    out.update(result.tallies)
    out["virality"] = result.virality
    out.update(result.money)
    out.update(_lifecycle_per_run(result))
    return out


def _lifecycle_per_run(result):
    """Customers kept, churned and NPS at the end (NaN without a lifecycle, so a run
    without one stores no such column)."""
    if result.customers is None:
        nan = np.full(result.runs, np.nan)
        return dict.fromkeys(LIFECYCLE_METRICS, nan)
    kept = result.customers[:, -1, :].sum(axis=1)
    return {"customers": kept, "churned": result.final_sizes - kept,
            "retention": result.retention_curves[:, -1],
            "nps": result.nps_curves[:, -1],
            **{k: result.flows[:, :, _F[k]].sum(axis=1) for k in ("warned", "rejected",
                                                                  "won_back")},
            "reviews": result.flows[:, :, _F["reviews_promoter"]:].sum(axis=(1, 2)),
            "social_proof": result.proof[:, -1]}


#: The per-run metrics a run with a lifecycle has (NaN in one without).
LIFECYCLE_METRICS = ("customers", "churned", "retention", "nps", "warned", "rejected",
                     "won_back", "reviews", "social_proof", "repeat_revenue", "npv",
                     "payback", "loyalty_cost", "advocacy_cost", "clv_referred",
                     "clv_outside", "clv_advocates", "clv_others")


def _curves(result):
    out = {"adopters": result.curves, "aware": result.aware_curves,
           "advocates": result.advocate_curves}
    if result.customers is not None:  # the lifecycle's: customers kept, cash to date
        out["customers"] = result.customers.sum(axis=2)
        out["cash"] = np.round(np.cumsum(result.cash_flow, axis=1)).astype(np.int64)
        out["promoters"] = result.customers[..., 0]
        out["detractors"] = result.customers[..., 2]
        out["churned"] = np.cumsum(lost_per_step(result), axis=1)
    return out


def _in_arcs(graph, model):
    """IMM's IC approximation: u converts v at some point of its advocacy, which lasts
    1 / forget_rate steps on average; only advocates refer."""
    share, conv, advocacy = model.node_arrays(graph)
    life = 1.0 / model.forget_rate if model.forget_rate > 0 else 30.0
    p_node = advocacy * (1.0 - (1.0 - share * conv) ** life)
    return 0, p_node[graph.in_arcs.sources]


def _tree(graph, model, seeds, steps, rng, run):
    return referral_tree(graph, model, seeds, steps=steps, rng=rng, run=run)


def _metrics():
    from .model_registry import Metric, cascade_metrics

    people = "customers"
    return cascade_metrics() + (
        Metric("aware", people, "Referred at least once but did not buy, at the end."),
        Metric("advocates", people, "Customers still referring at the end.", True),
        Metric("seed", people, "Adopters who were seeds."),
        Metric("referral", people, "Customers won by a referral.", True),
        Metric("outside", people, "Customers won from outside (advertising).", True),
        Metric("referral_advocates", people, "Referred customers who became advocates.",
               True),
        Metric("outside_advocates", people, "Outside customers who became advocates.",
               True),
        Metric("referrals_sent", "referrals", "Referrals made."),
        Metric("referrals_converted", "referrals", "Referrals that won a customer.", True),
        Metric("depth", "generations", "Longest chain of referrals from a seed."),
        Metric("largest_cascade", people, "Customers in the largest referral tree."),
        Metric("virality", "mean distance", "Structural virality of the largest tree "
               "(Goel et al. 2016)."),
        Metric("revenue", "$", "Value of the customers won.", True),
        Metric("cost", "$", "Seed fees, rewards, advertising and programmes.", False),
        Metric("profit", "$", "Revenue minus cost.", True),
        Metric("roi", "ratio", "Profit per dollar of cost.", True),
        Metric("cac", "$ per customer", "Cost per customer won.", False),
        Metric("cost_per_referral", "$ per referral", "Rewards per converted referral.",
               False),
        Metric("rewards", "$", "Referral rewards paid.", False),
        Metric("seed_cost", "$", "What the seeds cost.", False),
        Metric("ad_cost", "$", "Advertising spend.", False),
        Metric("customers", people, "Customers at the end: adopters who have not churned "
               "(with a lifecycle).", True),
        Metric("churned", people, "Adopters who are not customers at the end: lost to "
               "churn and not won back (with a lifecycle).", False),
        Metric("retention", "share", "Share of everyone ever won who is a customer at the "
               "end (with a lifecycle).", True),
        Metric("won_back", people, "Churned customers advertising won back (with a "
               "lifecycle).", True),
        Metric("reviews", "reviews", "Public reviews written (with reviews).", True),
        Metric("social_proof", "ratio", "The reviews' factor on conversion and "
               "advertising at the end (with reviews; 1 without).", True),
        Metric("nps", "points", "Net promoter score of the customers at the end: % "
               "promoters minus % detractors (with a lifecycle).", True),
        Metric("warned", "people", "Non-customers told bad news by a detractor who did "
               "not reject the product (with a lifecycle).", False),
        Metric("rejected", "people", "Non-customers who rejected the product for good "
               "after bad news (with a lifecycle).", False),
        Metric("repeat_revenue", "$", "Margin of the customers kept, step by step, "
               "undiscounted (with a lifecycle; part of revenue).", True),
        Metric("npv", "$", "Net cash of the campaign discounted to its start (with a "
               "lifecycle).", True),
        Metric("clv_referred", "$ per customer", "Mean value of a customer won by referral "
               "within the horizon: value at purchase plus the repeat margin of the steps "
               "it stayed, discounted to the start; margin after the last step is not "
               "counted (with a lifecycle).", True),
        Metric("clv_outside", "$ per customer", "Mean value within the horizon of a "
               "customer won from outside, as clv_referred (with a lifecycle).", True),
        Metric("clv_advocates", "$ per customer", "Mean value within the horizon of a "
               "customer won by referral or from outside who became an advocate, as "
               "clv_referred (with a lifecycle).", True),
        Metric("clv_others", "$ per customer", "Mean value within the horizon of a "
               "customer won who did not become an advocate, as clv_referred (with a "
               "lifecycle).", True),
        Metric("loyalty_cost", "$", "What the loyalty programme cost, undiscounted (with a "
               "lifecycle; part of cost).", False),
        Metric("advocacy_cost", "$", "What the advocacy programme cost, undiscounted (with "
               "a lifecycle; part of cost).", False),
        Metric("payback", "steps", "First step whose cumulative discounted cash is "
               "positive; empty when not within the horizon (with a lifecycle).", False))


def _register():
    import dataclasses

    from .model_registry import ModelKind, Series, register_model
    from .referral import ReferralModel

    register_model(ModelKind(
        name="referral", cls=ReferralModel, label="referral model", run=_run,
        metrics=_metrics(), per_run=_per_run,
        series=(Series("adopters", "customers", "Customers, seeds included.",
                       monotone=True),
                Series("aware", "people", "Referred but not (yet) customers."),
                Series("advocates", "customers", "Customers referring others."),
                Series("customers", "customers", "Customers kept: adopters who have not "
                       "churned (with a lifecycle)."),
                Series("cash", "$", "Net cash to date, discounted to step 0, to the "
                       "dollar (with a lifecycle)."),
                Series("promoters", "customers", "Current customers who are promoters (with a "
                       "lifecycle)."),
                Series("detractors", "customers", "Current customers who are detractors "
                       "(with a lifecycle)."),
                Series("churned", "customers", "Customers lost to churn to date, each loss "
                       "counted (with a lifecycle).", monotone=True)),
        curves=_curves, from_config=_from_config, needs_steps=True,
        sections=("population", "program", "economics", "lifecycle", "loyalty", "reviews",
                  "advocacy_programme"),
        memory=(120.0, 512.0),
        check_on=lambda graph, model: model.node_arrays(graph), in_arcs=_in_arcs,
        seed_costs=lambda graph, model, nodes: model.seed_costs(graph, nodes),
        with_program=lambda model, program: dataclasses.replace(model, program=program),
        tree=_tree, default_steps=30))


_register()
