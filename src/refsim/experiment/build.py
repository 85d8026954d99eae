"""From a resolved cell config to the objects a simulation needs: graph, model, campaigns.

Random streams, all derived from ``experiment.seed`` (``S``) so that a cell's numbers
depend on nothing else:

- run ``r`` of every campaign in every cell uses child ``r`` of ``SeedSequence(S)``
  (common random numbers: campaigns and cells are paired run by run);
- seed selection uses child ``2**32`` (see :func:`refsim.run_campaign`);
- the graph uses ``graph.seed`` (default ``S``), the population child ``2**32 + 2``.
"""

from __future__ import annotations

import json


__all__ = ["build_campaigns", "build_graph", "build_model"]

_GRAPHS: dict = {}


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
    """Return the diffusion model of a resolved cell config on ``graph`` (built by its
    kind's ``from_config``, see :mod:`refsim.model_registry`)."""
    from ..model_registry import kind_named

    if "posterior" in cfg["model"]:  # where run r draws values from, not a model value
        cfg = {**cfg, "model": {k: v for k, v in cfg["model"].items() if k != "posterior"}}
    return kind_named(cfg["model"]["kind"]).from_config(cfg, graph)


def build_campaigns(cfg):
    """Return the cell's :class:`refsim.Campaign` objects, in config order."""
    from ..campaign import Campaign
    from ..model_registry import kind_named
    from ..params import trusted
    from ..referral import LEVERS, ReferralProgram

    effects = cfg.get("program", {})
    takes_program = kind_named(cfg["model"]["kind"]).with_program is not None
    out = []
    with trusted():  # every value was checked by the config against its Param
        for c in cfg["campaign"]:
            program = None
            if takes_program:
                if "sender_reward" in c or "recipient_reward" in c:
                    program = ReferralProgram(
                        sender_reward=c.get("sender_reward", 0.0),
                        recipient_reward=c.get("recipient_reward", 0.0), **effects)
                else:
                    program = ReferralProgram.named(c.get("program", "none"),
                                                    c.get("reward", 0.0), **effects)
            levers = {key: kind(**cfg[key]) if c.get(key) else None
                      for key, kind, _ in LEVERS}
            out.append(Campaign(c["seeding"], k=c.get("k"), budget=c.get("budget"),
                                program=program, seeding_params=dict(c.get("params", {})),
                                name=c["name"], seed_sets=c.get("seed_sets"), **levers))
    return out
