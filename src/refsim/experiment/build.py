"""From a resolved cell config to the objects a simulation needs: graph, model, campaigns.

Random streams, all derived from ``experiment.seed`` (``S``) so that a cell's numbers
depend on nothing else:

- run ``r`` of every campaign in every cell uses child ``r`` of ``SeedSequence(S)``
  (common random numbers: campaigns and cells are paired run by run);
- seed selection uses child ``2**32`` (see :func:`refsim.run_campaign`);
- the graph uses ``graph.seed`` (default ``S``), the population child ``2**32 + 2``.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np

from ..errors import InvalidValue

__all__ = ["build_graph", "build_model", "build_campaigns", "cell_streams"]

_GRAPHS: dict = {}
_POPULATIONS: dict = {}


def cell_streams(cfg):
    """Return ``(runs, population)`` seed sequences for the config's experiment seed."""
    root = np.random.SeedSequence(cfg["experiment"]["seed"])
    pop = np.random.SeedSequence(root.entropy, spawn_key=(2**32 + 2,))
    return root, pop


def build_graph(gcfg):
    """Return the graph the ``graph`` section describes (the last two are cached)."""
    key = json.dumps(gcfg, sort_keys=True, default=str)
    if key in _GRAPHS:
        return _GRAPHS[key]
    from .. import datasets, generators
    from ..edgelist import read_edgelist

    if "spec" in gcfg:
        from ..specs import graph_from_spec

        # file options only when given: a generator or dataset spec refuses them
        extra = {k: gcfg[k] for k in ("directed", "weighted", "header", "encoding")
                 if gcfg.get(k)}
        graph = graph_from_spec(gcfg["spec"], rng=gcfg["seed"], **extra)
    elif "file" in gcfg:
        graph = read_edgelist(gcfg["file"], directed=gcfg.get("directed", False),
                              weighted=gcfg.get("weighted", False),
                              header=gcfg.get("header", False),
                              encoding=gcfg.get("encoding", "utf-8"))
    elif "dataset" in gcfg:
        graph = datasets.load(gcfg["dataset"])
    else:
        skip = {"generator", "directed", "weighted", "seed"}
        kwargs = {k: v for k, v in gcfg.items() if k not in skip}
        graph = getattr(generators, gcfg["generator"])(**kwargs, rng=gcfg["seed"])
    while len(_GRAPHS) >= 2:
        _GRAPHS.pop(next(iter(_GRAPHS)))
    _GRAPHS[key] = graph
    return graph


def build_model(cfg, graph):
    """Return the diffusion model of a resolved cell config on ``graph``."""
    from ..models import IndependentCascade, LinearThreshold
    from ..referral import (
        DEFAULT_SEGMENTS,
        Economics,
        Population,
        ReferralModel,
        ReferralProgram,
    )

    m = cfg["model"]
    if m["kind"] == "ic":
        if "p_over_threshold" in m:
            from ..profile import epidemic_threshold

            pc = epidemic_threshold(graph)
            if not math.isfinite(pc):
                raise InvalidValue("model.p_over_threshold: the graph has no epidemic "
                                 "threshold (<k^2> <= 2<k>: no cascade can grow); give "
                                 "model.p instead")
            return IndependentCascade(min(1.0, m["p_over_threshold"] * pc))
        if m.get("weights"):
            return IndependentCascade("weights")
        return IndependentCascade("weighted_cascade" if m.get("weighted_cascade")
                                  else m["p"])
    if m["kind"] == "lt":
        return LinearThreshold("graph" if m.get("weights") else None,
                               thresholds=m.get("thresholds"))
    population = _population(cfg, graph)
    return ReferralModel(
        share=m["share"], conversion=m["conversion"], advocacy=m["advocacy"],
        forget_rate=m["forget_rate"], ad_rate=m["ad_rate"], trust=m["trust"],
        population=population, program=ReferralProgram(**cfg["program"]),
        economics=Economics(**cfg["economics"]))


def _population(cfg, graph):
    """The cell's population (the last few are cached: cells of a sweep over model
    values share theirs)."""
    from ..referral import DEFAULT_SEGMENTS, Population

    key = (id(graph), cfg["experiment"]["seed"],
           json.dumps(cfg["population"], sort_keys=True, default=str))
    if key in _POPULATIONS and _POPULATIONS[key][0] is graph:
        return _POPULATIONS[key][1]
    seg_cfg = cfg["population"].get("segments", {})
    segments = [dataclasses.replace(s, **seg_cfg.get(s.name, {})) for s in DEFAULT_SEGMENTS]
    _, pop_seq = cell_streams(cfg)
    population = Population.by_audience(
        graph, influencers=cfg["population"]["influencers"],
        micro_advocates=cfg["population"]["micro_advocates"], rng=pop_seq,
        segments=segments)
    while len(_POPULATIONS) >= 4:
        _POPULATIONS.pop(next(iter(_POPULATIONS)))
    _POPULATIONS[key] = (graph, population)
    return population


def build_campaigns(cfg):
    """Return the cell's :class:`refsim.Campaign` objects, in config order."""
    from ..campaign import Campaign
    from ..referral import ReferralProgram

    effects = cfg.get("program", {})
    out = []
    for c in cfg["campaign"]:
        program = None
        if cfg["model"]["kind"] == "referral":
            if "sender_reward" in c or "recipient_reward" in c:
                program = ReferralProgram(sender_reward=c.get("sender_reward", 0.0),
                                          recipient_reward=c.get("recipient_reward", 0.0),
                                          **effects)
            else:
                program = ReferralProgram.named(c.get("program", "none"),
                                                c.get("reward", 0.0), **effects)
        out.append(Campaign(c["seeding"], k=c.get("k"), budget=c.get("budget"),
                            program=program, seeding_params=dict(c.get("params", {})),
                            name=c["name"], seed_sets=c.get("seed_sets")))
    return out
