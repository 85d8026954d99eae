"""The config's domain rules: what each section may hold given the others (a graph
source and its parameters, a model kind and its keys, weights, segments, campaigns and
their seeding parameters), checked all at once into a resolved config."""

from __future__ import annotations

import inspect

from ..errors import InvalidValue
from ..referral import LEVERS
from .checks import check_table, suggest
from .schema import (
    SCHEMA,
    SECTIONS,
    SEGMENTS,
    campaign_name,
    model_kind_names,
    model_params,
    model_table,
    segment_defaults,
)
from .sweep import check_sweep

__all__ = ["resolve_raw", "run_metrics"]


def _strategies():
    from ..strategies import available_strategies

    return tuple(available_strategies())


def _generators():
    from .. import generators

    return tuple(n for n in generators.__all__ if n != "block_probabilities")


def _datasets():
    from .. import datasets

    return tuple(datasets.names())


def _generator_params(name):
    from .. import generators

    fn = getattr(generators, name)
    params = inspect.signature(fn).parameters
    required = [p for p, v in params.items()
                if v.default is inspect.Parameter.empty and p != "rng"]
    return [p for p in params if p != "rng"], required


def _check_graph(table, problems) -> dict:
    base = {k for k in SCHEMA["graph"]}
    source = [k for k in ("generator", "dataset", "file", "spec") if k in table]
    if isinstance(table, dict) and len(source) != 1:
        problems.append("graph: give exactly one of generator, dataset, file or spec; got "
                        + (", ".join(source) if source else "none"))
    spec = table.get("spec") if isinstance(table, dict) else None
    if isinstance(spec, str):
        problem = _check_spec(spec)
        if problem:
            problems.append(f"graph.spec: {problem}")
    extra = ()
    gen = table.get("generator") if isinstance(table, dict) else None
    if isinstance(gen, str) and gen in _generators():
        params, required = _generator_params(gen)
        extra = tuple(params)
        for p in required:
            if p not in table:
                problems.append(f"graph.{p}: missing; {gen} needs {', '.join(required)}")
    out = check_table("graph", table, SCHEMA["graph"], problems, extra=extra)
    if isinstance(gen, str) and gen not in _generators():
        problems.append(f"graph.generator: unknown generator {gen!r}; "
                        f"{suggest(gen, _generators())}")
    ds = out.get("dataset")
    if isinstance(ds, str) and ds not in _datasets():
        problems.append(f"graph.dataset: unknown dataset {ds!r}; {suggest(ds, _datasets())}")
    if not gen:
        extra_keys = set(out) - base
        for k in sorted(extra_keys):
            problems.append(f"graph.{k}: unknown key; {suggest(k, base)}")
    return out


def _check_spec(spec) -> str | None:
    """Why a generator spec ``NAME:key=value,...`` is wrong, or None."""
    from ..specs import parse_kwargs

    name, _, args = spec.partition(":")
    name = name.strip()
    if name in _datasets() and not args:
        return None
    if name not in _generators():
        return (f"{name!r} is not a generator or dataset; "
                f"{suggest(name, _generators() + _datasets())}")
    try:
        kwargs = parse_kwargs(name, args)
    except ValueError as exc:
        return str(exc)
    params, required = _generator_params(name)
    for k in kwargs:
        if k not in params:
            return f"{name} has no parameter {k!r}; {suggest(k, params)}"
    missing = [p for p in required if p not in kwargs]
    if missing:
        return f"{name} needs {', '.join(missing)}"
    return None


def _check_campaigns(value, problems, model_kind) -> list:
    if not isinstance(value, list) or not value:
        problems.append("campaign: give at least one [[campaign]] table "
                        "(seeding, k or budget, program)")
        return []
    out = []
    names = set()
    strategies = _strategies()
    for i, entry in enumerate(value):
        path = f"campaign[{i}]"
        c = check_table(path, entry, SCHEMA["campaign"], problems)
        if not c:
            continue
        if isinstance(c.get("seeds"), list):  # anything else: check_table said why
            _listed_campaign(path, entry, c, problems)
        s = c.get("seeding")
        if isinstance(s, str) and s not in strategies:
            problems.append(f"{path}.seeding: unknown strategy {s!r}; "
                            f"{suggest(s, strategies)} (known: {', '.join(strategies)})")
        elif isinstance(s, str) and isinstance(c.get("params"), dict):
            from ..strategies.registry import param_problems

            for key, why in param_problems(s, c["params"]):
                problems.append(f"{path}.params" + (f".{key}" if key else "") + f": {why}")
        if "k" not in c and "budget" not in c:
            problems.append(f"{path}: needs k (number of seeds) or budget")
        if "reward" in c and ("sender_reward" in c or "recipient_reward" in c):
            problems.append(f"{path}: give reward (split by program) or "
                            f"sender_reward/recipient_reward, not both")
        rewarded = c.get("reward", 0) or c.get("sender_reward", 0) or c.get(
            "recipient_reward", 0)
        takes = _kind(model_kind) is None or _kind(model_kind).with_program is not None
        if not takes and (rewarded or c.get("program", "none") != "none"):
            problems.append(f"{path}.program: referral programmes need model.kind = "
                            f"'referral'; got {model_kind!r}")
        if "name" not in c:
            c["name"] = campaign_name(c)
        if c["name"] in names:
            problems.append(f"{path}.name: campaign name {c['name']!r} is used twice; "
                            f"names must be distinct")
        names.add(c["name"])
        c.setdefault("params", {})
        out.append(c)
    return out


def _listed_campaign(path, entry, c, problems):
    """``seeds = [ids]``: seeding 'listed' with those ids, k their number by default."""
    ids = c["seeds"]
    if entry.get("seeding", "listed") != "listed":
        problems.append(f"{path}.seeds: seeds lists the customers to seed; drop "
                        f"seeding = {entry['seeding']!r} (or drop seeds)")
    params = entry.get("params") or {}
    if isinstance(params, dict) and set(params) - {"ids"}:
        problems.append(f"{path}.params: a campaign with seeds takes no strategy "
                        f"parameters; got {', '.join(sorted(set(params) - {'ids'}))}")
    if isinstance(params, dict) and "ids" in params and list(params["ids"]) != list(ids):
        problems.append(f"{path}.params.ids: give the customers once, in seeds")
    c["seeding"] = "listed"
    c["params"] = {"ids": list(ids)}
    if "k" not in c and "budget" not in c:
        c["k"] = len(ids)


def read_seeds_file(path) -> list:
    """The customer ids of a CSV file, as text, in file order: its ``customer_id``
    column when its first line names one (as ``refsim export --seeds`` writes), else
    its first column (a first line of column names is skipped)."""
    import csv

    from ..edgelist import looks_like_column_name

    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = [r for r in csv.reader(fh) if r and r[0].strip()
                    and not r[0].lstrip().startswith("#")]
    except FileNotFoundError:
        raise InvalidValue(f"seeds file {str(path)!r} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidValue(f"cannot read seeds file {str(path)!r}: {exc}") from None
    head = [x.strip() for x in rows[0]] if rows else []
    if "customer_id" in head:  # as refsim export --seeds writes it
        col = head.index("customer_id")
        ids = [r[col].strip() for r in rows[1:] if len(r) > col and r[col].strip()]
    else:
        ids = [r[0].strip() for r in rows]
        if ids and looks_like_column_name(ids[0]) and ids[0] not in ids[1:]:
            ids = ids[1:]
    if not ids:
        raise InvalidValue(f"seeds file {str(path)!r} lists no customer ids")
    return ids


def _check_segment_mixes(cfg, problems) -> None:
    """Each segment's satisfaction mix, its unset share the lifecycle's: promoters +
    detractors <= 1, named by the segment's key."""
    life = cfg["lifecycle"]
    base = {k: life.get(k, SCHEMA["lifecycle"][k].default) for k in ("promoters",
                                                                     "detractors")}
    segs = cfg.get("population", {}).get("segments", {})
    for name, seg in (segs.items() if isinstance(segs, dict) else ()):
        own = {k: seg.get(k) for k in base}
        if all(v is None for v in own.values()):
            continue
        mix = {k: base[k] if v is None else v for k, v in own.items()}
        if not all(isinstance(v, float) for v in mix.values()):
            continue  # already named as a bad value
        if mix["promoters"] + mix["detractors"] > 1:
            key = next(k for k, v in own.items() if v is not None)
            problems.append(f"population.segments.{name}.{key}: promoters + detractors "
                            f"must be <= 1; got {mix['promoters']:g} + "
                            f"{mix['detractors']:g} (the lifecycle's value fills in the "
                            f"unset one)")


def _check_population(table, problems) -> dict:
    out = check_table("population", table, SCHEMA["population"], problems)
    segs = out.get("segments", {})
    if isinstance(segs, dict):
        checked = {}
        for name in segs:
            if name not in SEGMENTS:
                problems.append(f"population.segments.{name}: unknown segment; "
                                f"{suggest(name, SEGMENTS)}")
        defaults = segment_defaults()
        for name in SEGMENTS:  # every segment's effective values
            checked[name] = {**defaults[name], **check_table(
                f"population.segments.{name}", segs.get(name, {}), SCHEMA["segment"],
                problems)}
        out["segments"] = checked
    return out


def _kind(name):
    """The registered model kind of that name, or None."""
    from ..model_registry import model_kinds

    return model_kinds().get(name)


def _check_model(table, problems) -> dict:
    schema = model_table()
    # the kind first: its own keys are checked against its own descriptions (a plug-in
    # kind may use a name another kind uses, with another range); other kinds' keys
    # are named below
    kind_param = schema["kind"]
    raw_kind = table.get("kind", kind_param.default) if isinstance(table, dict) else None
    kind, why = kind_param.problem(raw_kind)
    own = {k: set(model_params(k)) for k in model_kind_names()}
    if why is None:
        own_schema = {"kind": kind_param, "posterior": schema["posterior"],
                      **model_params(kind)}
        others = tuple(k for k in schema if k not in own_schema)
        out = check_table("model", table, own_schema, problems, extra=others)
        out = {k: v for k, v in out.items() if k in own_schema}
    else:
        out = check_table("model", table, schema, problems)
        kind = None
    given = set(table) if isinstance(table, dict) else set()
    if kind == "ic":
        ways = [k for k in ("p", "p_over_threshold") if k in out]
        ways += [k for k in ("weighted_cascade", "weights") if out.get(k)]
        if len(ways) != 1:
            problems.append("model.p: IC needs exactly one of p, p_over_threshold (p as a "
                            "multiple of the graph's epidemic threshold), "
                            "weighted_cascade = true or weights = true (the graph's edge "
                            "weights); got " + (", ".join(ways) or "none"))
        for k in sorted(given - own["ic"] - {"kind", "posterior"}):
            if k in schema:
                problems.append(f"model.{k}: only for kind = "
                                f"{'lt' if k in own['lt'] else 'referral'!r}; IC takes p")
    elif kind == "lt":
        for k in sorted(given - own["lt"] - {"kind", "posterior"}):
            if k in schema:
                problems.append(f"model.{k}: LT takes weights (true: the graph's edge "
                                f"weights; default 1/in-degree) and thresholds (default "
                                f"uniform per run)")
    elif kind == "referral":
        for k in sorted(given - own["referral"] - {"kind", "posterior"}):
            if k in schema:
                problems.append(f"model.{k}: not for the referral model, which takes share "
                                f"and conversion (kind = 'ic' or 'lt' for {k})")
    elif kind in own:
        for k in sorted(given - own[kind] - {"kind", "posterior"}):
            if k in schema:
                problems.append(f"model.{k}: not for kind = {kind!r}, which takes "
                                f"{', '.join(own[kind]) or 'no parameters'}")
    return out


def _check_weights(cfg, problems) -> None:
    """A weighted graph must be used by the model, and a model that uses weights needs a
    weighted graph: nothing given is silently ignored."""
    graph, model = cfg["graph"], cfg["model"]
    kind = model.get("kind", "referral")
    edge_list = "file" in graph or "spec" in graph  # a spec may name a file
    if graph.get("weighted") and not edge_list:
        problems.append("graph.weighted: only for graph.file (an edge list with a third "
                        "column of weights)")
    elif graph.get("weighted") and not model.get("weights"):
        if _kind(kind) is not None and "weights" not in model_params(kind):
            problems.append(f"graph.weighted: the {_kind(kind).label} does not use edge "
                            f"weights; drop graph.weighted, or use model.kind = 'ic' or "
                            f"'lt' with model.weights = true")
        else:
            problems.append(f"graph.weighted: the weights would be ignored; set "
                            f"model.weights = true to use them as {str(kind).upper()} "
                            f"{'probabilities' if kind == 'ic' else 'weights'}, or drop "
                            f"graph.weighted")
    if model.get("weights") and not graph.get("weighted"):
        problems.append("model.weights: needs graph.weighted = true (a graph.file with a "
                        "third column of weights)")
    for key in ("header", "encoding"):
        if key in graph and not edge_list:
            problems.append(f"graph.{key}: only for graph.file")
    enc = graph.get("encoding")
    if isinstance(enc, str):
        import codecs

        try:
            codecs.lookup(enc)
        except LookupError:
            problems.append(f"graph.encoding: unknown encoding {enc!r}; e.g. 'utf-8', "
                            f"'latin-1', 'cp1252'")


def resolve_raw(raw: dict) -> tuple[dict, list]:
    """Check a config dict (sweep axes not yet applied); return it resolved and problems."""
    problems = []
    if not isinstance(raw, dict):
        return {}, ["config: must be a table"]
    for key in raw:
        if key not in SECTIONS:
            problems.append(f"{key}: unknown section; {suggest(key, SECTIONS)}")
    cfg = {}
    exp = check_table("experiment", raw.get("experiment", {}), SCHEMA["experiment"],
                       problems)
    if "adaptive" in exp and isinstance(exp["adaptive"], dict):
        exp["adaptive"] = check_table("experiment.adaptive", exp["adaptive"],
                                       SCHEMA["adaptive"], problems)
    cfg["experiment"] = exp
    if "graph" not in raw:
        problems.append("graph: missing; give [graph] with generator, dataset or file")
        cfg["graph"] = {}
    else:
        cfg["graph"] = _check_graph(raw["graph"], problems)
    cfg["model"] = _check_model(raw.get("model", {}), problems)
    kind = cfg["model"].get("kind", "referral")
    cfg["population"] = _check_population(raw.get("population", {}), problems)
    cfg["program"] = check_table("program", raw.get("program", {}), SCHEMA["program"],
                                  problems)
    cfg["economics"] = check_table("economics", raw.get("economics", {}),
                                    SCHEMA["economics"], problems)
    if "lifecycle" in raw:  # present, even empty: the lifecycle is on
        cfg["lifecycle"] = check_table("lifecycle", raw["lifecycle"], SCHEMA["lifecycle"],
                                       problems)
        life = cfg["lifecycle"]
        if isinstance(life.get("promoters"), float) and isinstance(
                life.get("detractors"), float) and life["promoters"] + life["detractors"] > 1:
            problems.append(f"lifecycle: promoters + detractors must be <= 1; got "
                            f"{life['promoters']:g} + {life['detractors']:g}")
        _check_segment_mixes(cfg, problems)
    for key, _, _ in LEVERS:  # the campaign programmes' tables
        cfg[key] = check_table(key, raw.get(key, {}), SCHEMA[key], problems)
    if "reviews" in raw:  # present, even empty: reviews are on
        cfg["reviews"] = check_table("reviews", raw["reviews"], SCHEMA["reviews"], problems)
        if "lifecycle" not in cfg:
            problems.append("reviews: reviews are written by satisfied and unsatisfied "
                            "customers; add a [lifecycle] table")
    entry = _kind(kind)
    for sec in ("population", "program", "economics", "lifecycle", "loyalty", "reviews",
                "advocacy_programme"):
        if entry is not None and sec not in entry.sections:
            if raw.get(sec) or (sec in ("lifecycle", "reviews") and sec in raw):
                users = [n for n in model_kind_names() if sec in _kind(n).sections]
                problems.append(f"{sec}: only for model.kind = "
                                f"{' or '.join(repr(u) for u in users)}; got {kind!r}")
            if sec in ("lifecycle", "reviews"):
                cfg.pop(sec, None)  # absent: off
            else:
                cfg[sec] = {}
    _check_weights(cfg, problems)
    cfg["campaign"] = _check_campaigns(raw.get("campaign"), problems, kind)
    for i, c in enumerate(cfg["campaign"]):
        for key, _, what in LEVERS:
            if c.get(key) is True and "lifecycle" not in cfg:
                problems.append(f"campaign[{i}].{key}: {what} acts on the customer "
                                f"lifecycle; add a [lifecycle] table")
    cfg["sweep"] = check_sweep(raw.get("sweep", {}), problems)
    if "calibrate" in raw:
        cfg["calibrate"] = check_table("calibrate", raw["calibrate"], SCHEMA["calibrate"],
                                       problems)
    names = [c["name"] for c in cfg["campaign"]]
    base = exp.get("baseline")
    if base is not None and names and base not in names:
        problems.append(f"experiment.baseline: {base!r} is not a campaign; "
                        f"{suggest(base, names)}")
    if names and base is None:
        exp["baseline"] = names[0]
    for i, pair in enumerate(exp.get("compare") or []):
        if not (isinstance(pair, list) and len(pair) == 2
                and all(isinstance(x, str) for x in pair)):
            problems.append(f"experiment.compare[{i}]: must be a pair of campaign names "
                            f"[\"A\", \"B\"]; got {pair!r}")
            continue
        for x in pair:
            if names and x not in names:
                problems.append(f"experiment.compare[{i}]: {x!r} is not a campaign; "
                                f"{suggest(x, names)}")
        if pair[0] == pair[1]:
            problems.append(f"experiment.compare[{i}]: compares {pair[0]!r} with itself")
    goal = exp.get("objective")
    if goal is None:
        # money over time with a lifecycle: what the campaign is worth, discounted
        exp["objective"] = ("npv" if "lifecycle" in cfg and "npv" in run_metrics(kind)
                            else "profit" if "profit" in run_metrics(kind) else "reach")
    elif isinstance(goal, str) and goal not in _rankable(kind):
        problems.append(f"experiment.objective: {goal!r} is not a metric a campaign can "
                        f"be ranked by for model.kind = {kind!r}; "
                        f"{suggest(goal, _rankable(kind))}")
    ad = exp.get("adaptive")
    if isinstance(ad, dict):
        ad.setdefault("batch", exp.get("runs", 100))
        metrics = run_metrics(kind)
        if isinstance(ad.get("metric"), str) and ad["metric"] not in metrics:
            problems.append(f"experiment.adaptive.metric: {ad['metric']!r} is not a "
                            f"per-run metric of the {kind} model; "
                            f"{suggest(ad['metric'], metrics)}")
        if isinstance(ad.get("max_runs"), int) and isinstance(exp.get("runs"), int) \
                and ad["max_runs"] < exp["runs"]:
            problems.append(f"experiment.adaptive.max_runs: must be >= experiment.runs "
                            f"({exp['runs']}); got {ad['max_runs']}")
    return cfg, problems


def _rankable(kind) -> list:
    """The metrics with a direction (higher or lower is better): what an objective can be."""
    entry = _kind(kind)
    if entry is None:
        return ["reach"]
    return [m.name for m in entry.metrics if m.higher_is_better is not None]


def run_metrics(kind) -> tuple:
    """The per-run metrics a model kind's runs record (see the results store)."""
    entry = _kind(kind)
    return entry.metric_names if entry is not None else ("reach", "steps")
