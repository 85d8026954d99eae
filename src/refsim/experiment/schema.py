"""The experiment config's keys, each one :class:`refsim.params.Param`.

The model, programme, economics, segment and campaign keys come from the classes that
own them (:class:`refsim.ReferralModel`, :class:`refsim.IndependentCascade`,
:class:`refsim.LinearThreshold`, :class:`refsim.ReferralProgram`,
:class:`refsim.Economics`, :class:`refsim.Segment`, :class:`refsim.Campaign`); the
experiment, graph, population and sweep keys, which belong to no such class, are
described here. ``SCHEMA`` maps each table to its keys.
"""

from __future__ import annotations

from ..params import ASSUMPTION, CHOICE, Param, params_of

__all__ = ["POSTERIOR", "SCHEMA", "SECTIONS", "SEGMENTS", "model_kind_names", "model_params",
           "model_table", "segment_defaults", "campaign_name"]

SECTIONS = ("experiment", "graph", "population", "model", "program", "economics",
            "lifecycle", "loyalty", "reviews", "advocacy_programme", "campaign", "sweep",
            "calibrate")

#: The segments of ``[population.segments]``, in the order of
#: :data:`refsim.DEFAULT_SEGMENTS`.
SEGMENTS = ("regular", "micro_advocate", "influencer")

_EXPERIMENT = {
    "name": Param("str", unit="", meaning="Name shown in reports (default: the config "
                  "file's name)."),
    "question": Param("str", "", unit="", meaning="The question the experiment answers, "
                      "shown at the top of the report."),
    "seed": Param("int", 0, low=0, unit="", meaning="Root of every random stream: the "
                  "same seed gives the same numbers on any machine."),
    "runs": Param("int", 100, low=1, high=10_000_000, unit="runs per campaign and cell",
                  meaning="Simulated runs of each campaign in each cell; run r of every "
                          "campaign shares random numbers (paired comparisons)."),
    "steps": Param("int", 30, low=1, high=100_000, unit="steps",
                   meaning="Length of each run; one step is one round of referrals."),
    "baseline": Param("str", unit="", meaning="Campaign others are compared with "
                      "(default: the first)."),
    "objective": Param("str", unit="", meaning="Per-run metric the Answer recommends a "
                       "campaign by: highest mean, lowest for costs such as cac (default: "
                       "npv with a [lifecycle], profit where the model has money, else "
                       "reach)."),
    "compare": Param("list", unit="", meaning="Pairs of campaigns to compare head to "
                     "head, paired run by run, besides each against the baseline: "
                     "[[\"A\", \"B\"], ...] reports A minus B."),
    "level": Param("float", 0.95, low=0.0, high=1.0, low_open=True, high_open=True,
                   unit="probability", meaning="Confidence level of every interval."),
    "adaptive": Param("table", unit="", meaning="Add runs in batches until every "
                      "interval is narrow enough (see [experiment.adaptive])."),
}

_ADAPTIVE = {
    "metric": Param("str", "reach", unit="", meaning="Per-run metric whose interval must "
                    "be narrow enough."),
    "width": Param("float", required=True, low=0.0, low_open=True,
                   unit="units of the metric", meaning="Widest interval accepted "
                   "(full width, at experiment.level)."),
    "max_runs": Param("int", 10_000, low=1, unit="runs", meaning="Stop adding runs "
                      "here, narrow enough or not."),
    "batch": Param("int", low=1, unit="runs", meaning="Runs added at a time (default: "
                   "experiment.runs)."),
    "paired": Param("bool", True, unit="", meaning="Judge the width of the paired "
                    "differences with the baseline rather than of each campaign alone."),
}

_GRAPH = {
    "generator": Param("str", unit="", meaning="Synthetic graph: a function of "
                       "refsim.generators; its parameters go in the same table."),
    "dataset": Param("str", unit="", meaning="A bundled real network (refsim.datasets)."),
    "file": Param("str", unit="", meaning="Your own edge list (one 'source target "
                  "[weight]' per line; .gz read too), relative to the config file."),
    "spec": Param("str", unit="", meaning="A generator or dataset written as "
                  "'NAME:key=value,...', as on the command line."),
    "directed": Param("bool", False, unit="", meaning="Read the edge list's pairs as "
                      "arcs source -> target (else each as two arcs)."),
    "weighted": Param("bool", False, unit="", meaning="The edge list has a third column "
                      "of weights (used by IC or LT with model.weights)."),
    "header": Param("bool", unit="", meaning="Skip the edge list's first line, a "
                    "header of column names (default false)."),
    "encoding": Param("str", unit="", meaning="Text encoding of the edge list "
                      "(default utf-8)."),
    "seed": Param("int", low=0, unit="", meaning="Seed of the generator (default: "
                  "experiment.seed)."),
}

_POPULATION = {
    "influencers": Param("prob", 0.001, unit="share of nodes",
                         meaning="Share of nodes, those of the largest audiences, who are "
                                 "influencers.", source=ASSUMPTION),
    "micro_advocates": Param("prob", 0.05, unit="share of nodes",
                             meaning="Share of nodes, drawn among ordinary audiences, who "
                                     "are micro-advocates.", source=ASSUMPTION),
    "segments": Param("table", unit="", meaning="Per-segment values: "
                      "[population.segments.regular], .micro_advocate, .influencer."),
}

_SWEEP = {
    "mode": Param("str", "grid", choices=("grid", "zip"), unit="",
                  meaning="grid: every combination of the axes' values; zip: the i-th "
                          "value of every axis together."),
    "axes": Param("table", unit="", meaning="KEY = [values]: any numeric or text key "
                  "of the config, e.g. \"model.share\" = [0.05, 0.1]."),
}

_CALIBRATE = {
    "data": Param("str", unit="", meaning="CSV of the market's observed series per "
                  "period, relative to the config file (or refsim calibrate --data)."),
    "period_column": Param("str", "period", unit="", meaning="The data's period column: "
                           "consecutive integers or regular dates."),
    "period": Param("str", "period", unit="", meaning="What one observed period is, "
                    "for the report: week, month, year..."),
    "series": Param("list", unit="", meaning="Which series to fit (default: every one "
                    "the data holds): new_customers, referred_customers, churned, "
                    "active_customers, nps."),
    "steps_per_period": Param("int", 1, low=1, high=1000, unit="steps per period",
                              meaning="Model steps simulated per observed period; "
                                      "several keep a coarse period from biasing the "
                                      "fit (calibrated rates are per step).",
                              source=CHOICE),
    "statistics": Param("list", ["per_period", "cumulative"], unit="",
                        meaning="What the distance compares, each relative to the data's "
                                "mean: per_period values, cumulative totals (counts), or "
                                "both."),
    "campaign": Param("str", unit="", meaning="The campaign that ran while the data was "
                      "recorded (default: the baseline)."),
    "population_size": Param("int", 200, low=10, high=100_000, unit="particles",
                             meaning="Particles per ABC-SMC generation."),
    "generations": Param("int", 8, low=1, high=100, unit="generations",
                         meaning="Most ABC-SMC generations (each lowers the acceptance "
                                 "threshold)."),
    "min_epsilon": Param("float", 0.0, low=0.0, unit="distance",
                         meaning="Stop once the acceptance threshold is this low."),
    "max_simulations": Param("int", 1_000_000, low=1, unit="simulations",
                             meaning="Stop once this many simulations have run, all "
                                     "generations together."),
    "min_acceptance": Param("float", 0.001, low=0.0, high=1.0, unit="share",
                            meaning="Stop once a generation accepts fewer than this share "
                                    "of its simulations (a threshold the model can no "
                                    "longer reach)."),
    "new_graph": Param("bool", False, unit="", meaning="Draw a new graph from the "
                       "generator for every simulation (graph uncertainty in the "
                       "posterior); needs graph.generator."),
    "predictive_runs": Param("int", 200, low=10, high=100_000, unit="runs",
                             meaning="Runs drawn from the posterior for the report's "
                                     "predictive band."),
    "priors": Param("table", unit="", meaning="KEY = [\"uniform\" | \"loguniform\" | "
                    "\"normal\" | \"beta\", a, b]: any numeric config key, e.g. "
                    "\"model.share\" = [\"loguniform\", 0.005, 0.2] (default: share and "
                    "ad_rate around the Bass fit)."),
}

#: ``[model] posterior``: the calibrated parameters' posterior, one draw per run.
POSTERIOR = Param("str", unit="", meaning="A calibration's run directory (refsim "
                  "calibrate): run r draws its calibrated values from the posterior, so "
                  "intervals include their uncertainty.")


#: Campaign keys that are not fields of :class:`refsim.Campaign`: the programme by name
#: and its reward (split by :meth:`refsim.ReferralProgram.named`).
_CAMPAIGN_PROGRAM = {
    "program": Param("str", "none", choices=("none", "sender", "recipient", "two_sided"),
                     unit="", meaning="Who is paid for a converted referral: the "
                     "advocate (sender), the new customer (recipient), or both "
                     "(two_sided, the reward split 50/50).", source=CHOICE),
    "reward": Param("float", low=0.0, unit="$ per converted referral",
                    meaning="Total reward per converted referral under program (or give "
                            "sender_reward and recipient_reward).",
                    source=CHOICE),
}


def model_kind_names() -> tuple:
    """The registered model kinds, the referral model first (the default)."""
    from ..model_registry import model_kinds

    names = list(model_kinds())
    return ("referral", *(n for n in names if n != "referral"))


def model_params(kind: str) -> dict[str, Param]:
    """The ``[model]`` keys of one model kind (``kind`` itself aside): the described
    parameters of its class (see :mod:`refsim.model_registry`)."""
    from ..model_registry import kind_named

    return {k: p for k, p in params_of(kind_named(kind).cls).items() if p.config}


def model_table() -> dict[str, Param]:
    """The ``[model]`` table's keys: ``kind`` and every registered kind's own keys."""
    from ..model_registry import model_kinds

    kinds = model_kind_names()
    labels = {name: k.label for name, k in model_kinds().items()}
    table = {"kind": Param("str", "referral", choices=kinds, unit="",
                           meaning="Which model: " + ", ".join(
                               f"{k} ({labels[k]})" for k in kinds) + "."),
             "posterior": POSTERIOR}
    for kind in kinds:
        for k, p in model_params(kind).items():
            table.setdefault(k, p)
    return table


def segment_defaults() -> dict[str, dict]:
    """Each default segment's own values (unset ones left out)."""
    from ..referral import DEFAULT_SEGMENTS

    return {s.name: {k: getattr(s, k) for k in params_of(type(s))
                     if getattr(s, k) is not None} for s in DEFAULT_SEGMENTS}


def _campaign_params() -> dict[str, Param]:
    from ..campaign import Campaign
    from ..referral import ReferralProgram

    own = params_of(Campaign)
    prog = params_of(ReferralProgram)
    out = {"name": own["name"], "seeding": own["seeding"], "k": own["k"],
           "budget": own["budget"], **_CAMPAIGN_PROGRAM,
           "sender_reward": _optional(prog["sender_reward"]),
           "recipient_reward": _optional(prog["recipient_reward"]),
           "params": own["seeding_params"], "seed_sets": own["seed_sets"],
           "loyalty": Param("bool", unit="", source=CHOICE,
                            meaning="Run the loyalty programme of [loyalty] for this "
                                    "campaign's customers (needs [lifecycle])."),
           "advocacy_programme": Param(
               "bool", unit="", source=CHOICE,
               meaning="Run the advocacy programme of [advocacy_programme]: recruit "
                       "promoters as advocates (needs [lifecycle])."),
           "seeds": Param("list", unit="customer ids", source=CHOICE,
                          meaning="Seed exactly these customers, by the ids of your edge "
                                  "list: a list, or a CSV file (ids in its first column, "
                                  "header optional) relative to the config file; sets "
                                  "seeding = 'listed' and k = their number.")}
    return out


def _optional(p: Param) -> Param:
    """``p`` without a default (a key only set when given)."""
    import dataclasses

    return dataclasses.replace(p, default=None)


def _build() -> dict:
    from ..referral import (AdvocacyProgram, Economics, Lifecycle, LoyaltyProgram,
                            ReferralProgram, Reviews, Segment)

    model = model_table()
    return {
        "experiment": _EXPERIMENT,
        "adaptive": _ADAPTIVE,
        "graph": _GRAPH,
        "population": _POPULATION,
        "segment": {k: _optional(p) for k, p in params_of(Segment).items() if p.config},
        "model": model,
        "program": {k: p for k, p in params_of(ReferralProgram).items()
                    if k not in ("sender_reward", "recipient_reward")},
        "economics": {k: p for k, p in params_of(Economics).items() if p.config},
        "lifecycle": params_of(Lifecycle),
        "loyalty": params_of(LoyaltyProgram),
        "reviews": params_of(Reviews),
        "advocacy_programme": params_of(AdvocacyProgram),
        "campaign": _campaign_params(),
        "sweep": _SWEEP,
        "calibrate": _CALIBRATE,
    }


#: Every table's keys: ``graph`` also takes the generator's own parameters and
#: ``campaign`` entries are checked against ``SCHEMA["campaign"]``.
SCHEMA = _build()


def campaign_name(c) -> str:
    """The default name of a campaign table: its seeding, size and programme."""
    size = f"k={c['k']}" if "k" in c else f"budget={c.get('budget', 0):g}"
    prog = c.get("program", "none")
    if prog != "none" or c.get("sender_reward") or c.get("recipient_reward"):
        reward = c.get("reward")
        if reward is None:
            reward = c.get("sender_reward", 0) + c.get("recipient_reward", 0)
        size += f", {prog} {reward:g}"
    return f"{c.get('seeding', 'degree')} {size}"

