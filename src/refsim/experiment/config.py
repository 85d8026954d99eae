"""Experiment configs: TOML in, checked and resolved dict out.

A config has the sections ``experiment``, ``graph``, ``population``, ``model``,
``program``, ``economics``, ``campaign`` (a list) and ``sweep``. :func:`load_config`
reads a file, applies ``--set`` overrides, fills in defaults and checks everything at
once: every problem is reported with its key path, unknown keys with a did-you-mean.
"""

from __future__ import annotations

import copy
import difflib
import inspect
import math
import tomllib
from pathlib import Path

from .._validation import show_value
from ..errors import InvalidValue
from ..params import Param
from .schema import (
    SCHEMA,
    SECTIONS,
    SEGMENTS,
    model_kind_names,
    model_params,
    model_table,
    segment_defaults,
)

__all__ = ["ConfigError", "load_config", "resolve_config", "resolve_cell", "expand_cells",
           "parse_override", "apply_override", "SCHEMA"]


class ConfigError(InvalidValue):
    """A config with problems; ``problems`` lists them, one ``"key.path: message"`` each."""

    def __init__(self, problems, source=None):
        self.problems = list(problems)
        self.source = source
        where = f"{source}: " if source else ""
        if len(self.problems) == 1:
            super().__init__(f"{where}{self.problems[0]}")
        else:
            lines = "\n  ".join(self.problems)
            super().__init__(f"{where}{len(self.problems)} problems:\n  {lines}")


def _strategies():
    from ..strategies import available_strategies

    return tuple(available_strategies())


def _generators():
    from .. import generators

    return tuple(n for n in generators.__all__ if n != "block_probabilities")


def _datasets():
    from .. import datasets

    return tuple(datasets.names())


#: Most cells one run may have (each is at least one campaign's runs in the store).
MAX_CELLS = 100_000
#: Sweeps of up to this many cells have every cell checked; larger ones every value of
#: each axis on its own and every combination of the axes whose values interact.
CHECK_EVERY_CELL = 2_000
#: Axis keys whose values interact with other keys in the checks (the model kind with
#: programmes and referral keys; runs with adaptive runs; a graph's source with its
#: parameters; a campaign's seeding with its parameters and its programme with its
#: rewards). Every other axis is valid in every cell when each of its values is.
_COUPLED = ("model.kind", "experiment.runs", "experiment.adaptive", "graph.generator",
            "graph.dataset", "graph.file", "graph.spec")
_COUPLED_CAMPAIGN = ("seeding", "params", "program", "reward", "sender_reward",
                     "recipient_reward", "k", "budget")


def _suggest(key, allowed) -> str:
    close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"allowed: {', '.join(sorted(allowed))}"



def _check_value(path, value, spec: Param, problems) -> object:
    """Return ``value`` converted to the parameter's kind, or record a problem."""
    value, why = spec.problem(value)
    if why:
        problems.append(f"{path}: {why}")
    return value


def _check_table(path, table, schema, problems, extra=()) -> dict:
    """Check the keys of one table against its schema; return it with defaults filled."""
    if not isinstance(table, dict):
        problems.append(f"{path}: must be a table; got {show_value(table)}")
        return {}
    out = {}
    for key, value in table.items():
        spec = schema.get(key)
        if spec is None:
            if key in extra:
                out[key] = value
                continue
            problems.append(f"{path}.{key}: unknown key; "
                            f"{_suggest(key, list(schema) + list(extra))}")
            continue
        out[key] = _check_value(f"{path}.{key}", value, spec, problems)
    for key, spec in schema.items():
        if key not in out:
            if spec.required:
                problems.append(f"{path}.{key}: missing; it is required")
            elif spec.default is not None:
                out[key] = spec.default
    return out


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
    out = _check_table("graph", table, SCHEMA["graph"], problems, extra=extra)
    if isinstance(gen, str) and gen not in _generators():
        problems.append(f"graph.generator: unknown generator {gen!r}; "
                        f"{_suggest(gen, _generators())}")
    ds = out.get("dataset")
    if isinstance(ds, str) and ds not in _datasets():
        problems.append(f"graph.dataset: unknown dataset {ds!r}; {_suggest(ds, _datasets())}")
    if not gen:
        extra_keys = set(out) - base
        for k in sorted(extra_keys):
            problems.append(f"graph.{k}: unknown key; {_suggest(k, base)}")
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
                f"{_suggest(name, _generators() + _datasets())}")
    try:
        kwargs = parse_kwargs(name, args)
    except ValueError as exc:
        return str(exc)
    params, required = _generator_params(name)
    for k in kwargs:
        if k not in params:
            return f"{name} has no parameter {k!r}; {_suggest(k, params)}"
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
        c = _check_table(path, entry, SCHEMA["campaign"], problems)
        if not c:
            continue
        s = c.get("seeding")
        if isinstance(s, str) and s not in strategies:
            problems.append(f"{path}.seeding: unknown strategy {s!r}; "
                            f"{_suggest(s, strategies)} (known: {', '.join(strategies)})")
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
            c["name"] = _default_name(c)
        if c["name"] in names:
            problems.append(f"{path}.name: campaign name {c['name']!r} is used twice; "
                            f"names must be distinct")
        names.add(c["name"])
        c.setdefault("params", {})
        out.append(c)
    return out


def _default_name(c) -> str:
    size = f"k={c['k']}" if "k" in c else f"budget={c.get('budget', 0):g}"
    prog = c.get("program", "none")
    if prog != "none" or c.get("sender_reward") or c.get("recipient_reward"):
        reward = c.get("reward")
        if reward is None:
            reward = c.get("sender_reward", 0) + c.get("recipient_reward", 0)
        size += f", {prog} {reward:g}"
    return f"{c.get('seeding', 'degree')} {size}"


def _check_population(table, problems) -> dict:
    out = _check_table("population", table, SCHEMA["population"], problems)
    segs = out.get("segments", {})
    if isinstance(segs, dict):
        checked = {}
        for name in segs:
            if name not in SEGMENTS:
                problems.append(f"population.segments.{name}: unknown segment; "
                                f"{_suggest(name, SEGMENTS)}")
        defaults = segment_defaults()
        for name in SEGMENTS:  # every segment's effective values
            checked[name] = {**defaults[name], **_check_table(
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
    out = _check_table("model", table, schema, problems)
    kind = out.get("kind", "referral")
    given = set(table) if isinstance(table, dict) else set()
    own = {k: set(model_params(k)) for k in model_kind_names()}
    if kind == "ic":
        ways = [k for k in ("p", "p_over_threshold") if k in out]
        ways += [k for k in ("weighted_cascade", "weights") if out.get(k)]
        if len(ways) != 1:
            problems.append("model.p: IC needs exactly one of p, p_over_threshold (p as a "
                            "multiple of the graph's epidemic threshold), "
                            "weighted_cascade = true or weights = true (the graph's edge "
                            "weights); got " + (", ".join(ways) or "none"))
        for k in sorted(given - own["ic"] - {"kind"}):
            if k in schema:
                problems.append(f"model.{k}: only for kind = "
                                f"{'lt' if k in own['lt'] else 'referral'!r}; IC takes p")
    elif kind == "lt":
        for k in sorted(given - own["lt"] - {"kind"}):
            if k in schema:
                problems.append(f"model.{k}: LT takes weights (true: the graph's edge "
                                f"weights; default 1/in-degree) and thresholds (default "
                                f"uniform per run)")
    elif kind == "referral":
        for k in sorted(given - own["referral"] - {"kind"}):
            if k in schema:
                problems.append(f"model.{k}: not for the referral model, which takes share "
                                f"and conversion (kind = 'ic' or 'lt' for {k})")
    elif kind in own:
        for k in sorted(given - own[kind] - {"kind"}):
            if k in schema:
                problems.append(f"model.{k}: not for kind = {kind!r}, which takes "
                                f"{', '.join(own[kind]) or 'no parameters'}")
    if kind in own:  # only the kind's own keys (and their defaults) are kept
        out = {k: v for k, v in out.items() if k == "kind" or k in own[kind]}
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
                            f"model.weights = true to use them as {kind.upper()} "
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


def _check_sweep(table, problems) -> dict:
    out = _check_table("sweep", table, SCHEMA["sweep"], problems)
    axes = out.get("axes", {})
    if not isinstance(axes, dict):
        return out
    lengths = {}
    for key, values in axes.items():
        if not isinstance(values, list) or not values:
            problems.append(f"sweep.axes.{key}: must be a non-empty list of values; "
                            f"got {show_value(values)}")
            continue
        lengths[key] = len(values)
    if out.get("mode") == "zip" and len(set(lengths.values())) > 1:
        problems.append("sweep.axes: zipped axes must have equal lengths; got "
                        + ", ".join(f"{k} ({n})" for k, n in lengths.items()))
    elif lengths:
        count = (max(lengths.values()) if out.get("mode") == "zip"
                 else math.prod(lengths.values()))
        if count > MAX_CELLS:
            problems.append(f"sweep.axes: {count:,} cells; at most {MAX_CELLS:,} in one run "
                            f"(use fewer values per axis, sweep.mode = 'zip', or split the "
                            f"sweep over several runs)")
    return out


def _resolve(raw: dict) -> tuple[dict, list]:
    """Check a config dict (sweep axes not yet applied); return it resolved and problems."""
    problems = []
    if not isinstance(raw, dict):
        return {}, ["config: must be a table"]
    for key in raw:
        if key not in SECTIONS:
            problems.append(f"{key}: unknown section; {_suggest(key, SECTIONS)}")
    cfg = {}
    exp = _check_table("experiment", raw.get("experiment", {}), SCHEMA["experiment"],
                       problems)
    if "adaptive" in exp and isinstance(exp["adaptive"], dict):
        exp["adaptive"] = _check_table("experiment.adaptive", exp["adaptive"],
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
    cfg["program"] = _check_table("program", raw.get("program", {}), SCHEMA["program"],
                                  problems)
    cfg["economics"] = _check_table("economics", raw.get("economics", {}),
                                    SCHEMA["economics"], problems)
    entry = _kind(kind)
    for sec in ("population", "program", "economics"):
        if entry is not None and sec not in entry.sections:
            if raw.get(sec):
                users = [n for n in model_kind_names() if sec in _kind(n).sections]
                problems.append(f"{sec}: only for model.kind = "
                                f"{' or '.join(repr(u) for u in users)}; got {kind!r}")
            cfg[sec] = {}
    _check_weights(cfg, problems)
    cfg["campaign"] = _check_campaigns(raw.get("campaign"), problems, kind)
    cfg["sweep"] = _check_sweep(raw.get("sweep", {}), problems)
    names = [c["name"] for c in cfg["campaign"]]
    base = exp.get("baseline")
    if base is not None and names and base not in names:
        problems.append(f"experiment.baseline: {base!r} is not a campaign; "
                        f"{_suggest(base, names)}")
    if names and base is None:
        exp["baseline"] = names[0]
    ad = exp.get("adaptive")
    if isinstance(ad, dict):
        ad.setdefault("batch", exp.get("runs", 100))
        metrics = _run_metrics(kind)
        if isinstance(ad.get("metric"), str) and ad["metric"] not in metrics:
            problems.append(f"experiment.adaptive.metric: {ad['metric']!r} is not a "
                            f"per-run metric of the {kind} model; "
                            f"{_suggest(ad['metric'], metrics)}")
        if isinstance(ad.get("max_runs"), int) and isinstance(exp.get("runs"), int) \
                and ad["max_runs"] < exp["runs"]:
            problems.append(f"experiment.adaptive.max_runs: must be >= experiment.runs "
                            f"({exp['runs']}); got {ad['max_runs']}")
    return cfg, problems


def _run_metrics(kind) -> tuple:
    """The per-run metrics a model kind's runs record (see the results store)."""
    entry = _kind(kind)
    return entry.metric_names if entry is not None else ("reach", "steps")


def parse_override(text: str) -> tuple[str, object]:
    """Split ``key.path=value``; the value is read as TOML (a bare word is a string).

    Examples
    --------
    >>> parse_override("model.share=0.2")
    ('model.share', 0.2)
    >>> parse_override("graph.generator=holme_kim")
    ('graph.generator', 'holme_kim')
    >>> parse_override("sweep.axes.model.share=[0.1, 0.2]")
    ('sweep.axes.model.share', [0.1, 0.2])
    """
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError([f"--set {text!r}: write KEY=VALUE, e.g. model.share=0.2"])
    try:
        parsed = tomllib.loads(f"v = {value.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        parsed = value.strip()
    return key, parsed


def apply_override(raw: dict, key: str, value) -> None:
    """Set ``key`` (a dotted path) in ``raw`` in place.

    ``campaign.NAME.field`` or ``campaign.INDEX.field`` sets one campaign's field;
    ``campaign.field`` sets it on every campaign; ``campaign.params.P`` sets the seeding
    parameter P of every campaign (``campaign.NAME.params.P`` of one); ``sweep.axes.KEY`` sets a sweep axis
    (KEY may itself contain dots).
    """
    parts = key.split(".")
    if parts[0] == "sweep" and len(parts) > 2 and parts[1] == "axes":
        raw.setdefault("sweep", {}).setdefault("axes", {})[".".join(parts[2:])] = value
        return
    if parts[0] == "campaign":
        camps = raw.get("campaign")
        if not isinstance(camps, list) or not camps:
            raise ConfigError([f"{key}: the config has no [[campaign]] to set"])
        def put(c, field, sub):
            if sub is None:
                c[field] = value
                return
            table = c.setdefault(field, {})
            if not isinstance(table, dict):
                raise ConfigError([f"{key}: campaign {field} is not a table"])
            table[sub] = value

        if parts[1] == "params" and len(parts) == 3:  # campaign.params.NAME: every one
            for c in camps:
                put(c, "params", parts[2])
            return
        if len(parts) == 2:
            for c in camps:
                put(c, parts[1], None)
            return
        if len(parts) == 3 or (len(parts) == 4 and parts[2] == "params"):
            which, field = parts[1], parts[2]
            sub = parts[3] if len(parts) == 4 else None
            for i, c in enumerate(camps):
                if which == str(i) or which == c.get("name", _default_name(c)):
                    put(c, field, sub)
                    return
            names = [c.get("name", _default_name(c)) for c in camps]
            raise ConfigError([f"{key}: no campaign named {which!r}; "
                               f"{_suggest(which, names)}"])
        raise ConfigError([f"{key}: write campaign.FIELD, campaign.NAME.FIELD or "
                           f"campaign.params.NAME"])
    node = raw
    for p in parts[:-1]:
        nxt = node.setdefault(p, {})
        if not isinstance(nxt, dict):
            raise ConfigError([f"{key}: {p} is not a table"])
        node = nxt
    node[parts[-1]] = value


def _unknown_axis(key) -> str | None:
    """Why sweep axis ``key`` cannot be swept (a section that does not exist or a
    value fixed for the whole experiment), or None. Unknown fields are found when the
    cells are checked."""
    parts = key.split(".")
    section = parts[0]
    if section not in SECTIONS or section == "sweep":
        return f"sweep.axes.{key}: {section!r} is not a section you can sweep; " \
               f"{_suggest(section, [s for s in SECTIONS if s != 'sweep'])}"
    if section == "experiment" and len(parts) == 2 and parts[1] in ("seed", "adaptive",
                                                                    "baseline", "name"):
        return f"sweep.axes.{key}: experiment.{parts[1]} cannot be swept"
    return None


def expand_cells(cfg: dict) -> list[dict]:
    """Return the sweep's cells: one dict of axis values each (``[{}]`` with no sweep)."""
    axes = cfg.get("sweep", {}).get("axes", {})
    if not axes:
        return [{}]
    keys = list(axes)
    if cfg["sweep"].get("mode", "grid") == "zip":
        return [dict(zip(keys, vals)) for vals in zip(*axes.values())]
    import itertools

    return [dict(zip(keys, vals)) for vals in itertools.product(*axes.values())]


def _coupled(key) -> bool:
    if key.startswith(_COUPLED):
        return True
    parts = key.split(".")
    return parts[0] == "campaign" and any(p in _COUPLED_CAMPAIGN for p in parts[1:])


def _points_to_check(cfg) -> list[dict]:
    """The sweep points whose checks cover every cell: all of them for a small sweep;
    for a large grid, each value of every uncoupled axis (with the other axes at their
    first value) and every combination of the coupled axes (see ``_COUPLED``)."""
    cells_total = _cell_count(cfg)
    if cells_total <= CHECK_EVERY_CELL or cfg["sweep"].get("mode") == "zip":
        return expand_cells(cfg)
    import itertools

    axes = cfg["sweep"]["axes"]
    first = {k: v[0] for k, v in axes.items()}
    coupled = [k for k in axes if _coupled(k)]
    out = []
    for values in itertools.product(*(axes[k] for k in coupled)):
        out.append({**first, **dict(zip(coupled, values))})
    for key, values in axes.items():
        if key not in coupled:
            out.extend({**first, key: v} for v in values[1:])
    return out


def _cell_count(cfg) -> int:
    axes = cfg.get("sweep", {}).get("axes", {})
    if not axes:
        return 1
    lengths = [len(v) for v in axes.values()]
    return max(lengths) if cfg["sweep"].get("mode") == "zip" else math.prod(lengths)


def cell_config(cfg: dict, point: dict) -> dict:
    """The config of one sweep cell: ``cfg`` with the cell's axis values set (check it
    with :func:`resolve_cell`)."""
    out = {k: copy.deepcopy(v) for k, v in cfg.items() if k != "sweep"}
    for key, value in point.items():
        apply_override(out, key, value)
    return out


def resolve_config(raw: dict, *, overrides=(), source=None) -> dict:
    """Check a raw config dict and return it resolved (defaults filled in).

    Every sweep cell is checked too, so a bad value in an axis is found before any work
    starts. Raises :class:`ConfigError` listing every problem with its key path.

    Examples
    --------
    >>> cfg = resolve_config({"graph": {"generator": "erdos_renyi", "n": 100,
    ...                                 "mean_degree": 4},
    ...                       "campaign": [{"seeding": "degree", "k": 5}]})
    >>> cfg["experiment"]["runs"], cfg["campaign"][0]["name"], cfg["model"]["kind"]
    (100, 'degree k=5', 'referral')
    >>> resolve_config({"graph": {"generator": "erdos_renyi", "n": 100, "mean_degre": 4},
    ...                 "campaign": [{"seeding": "degre", "k": 5}],
    ...                 "model": {"share": 1.5}})
    Traceback (most recent call last):
    ...
    refsim.experiment.config.ConfigError: 4 problems:
      graph.mean_degree: missing; erdos_renyi needs n, mean_degree
      graph.mean_degre: unknown key; did you mean 'mean_degree'?
      model.share: must be in [0, 1]; got 1.5
      campaign[0].seeding: unknown strategy 'degre'; did you mean 'degree'? (known: betweenness, ...)
    """
    raw = copy.deepcopy(raw)
    problems = []
    for text in overrides:
        try:
            key, value = parse_override(text) if isinstance(text, str) else text
            apply_override(raw, key, value)
        except ConfigError as exc:
            problems.extend(exc.problems)
    cfg, found = _resolve(raw)
    problems.extend(found)
    if not problems:
        axes = cfg["sweep"].get("axes", {})
        for key in axes:
            why = _unknown_axis(key)
            if why:
                problems.append(why)
        if not problems:
            seen = set()
            for point in _points_to_check(cfg):
                try:
                    sub = cell_config(cfg, point)
                except ConfigError as exc:
                    errs = exc.problems
                else:
                    _, errs = _resolve(sub)
                for e in errs:
                    msg = f"sweep: with {_point_text(point)}: {e}" if point else e
                    if e not in seen:
                        seen.add(e)
                        problems.append(msg)
    if problems:
        raise ConfigError(problems, source)
    if cfg["experiment"].get("name") is None:
        cfg["experiment"]["name"] = Path(source).stem if source else "experiment"
    if "seed" not in cfg["graph"]:
        cfg["graph"]["seed"] = cfg["experiment"]["seed"]
    return cfg


def resolve_cell(cfg: dict, point: dict) -> dict:
    """The resolved config of one sweep cell of the resolved config ``cfg``."""
    sub, problems = _resolve(cell_config(cfg, point))
    if problems:
        raise ConfigError([f"sweep: with {_point_text(point)}: {e}" for e in problems])
    sub["graph"].setdefault("seed", cfg["graph"]["seed"])
    sub["experiment"]["name"] = cfg["experiment"]["name"]
    return sub


def _point_text(point) -> str:
    return ", ".join(f"{k} = {v!r}" for k, v in point.items())


def load_config(path, overrides=()) -> dict:
    """Read a TOML experiment file, apply ``overrides`` (``"key=value"`` strings) and
    return the resolved config (see :func:`resolve_config`).

    A relative ``graph.file`` is taken relative to the config file's folder.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([f"config file {str(path)!r} not found"]) from None
    except OSError as exc:
        raise ConfigError([f"cannot read config {str(path)!r}: "
                           f"{exc.strerror or exc}"]) from None
    if b"\x00" in data[:8192]:
        raise ConfigError([f"config file {str(path)!r} is binary, not TOML text"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ConfigError([f"config file {str(path)!r} is not UTF-8 text (line {line}, "
                           f"byte {exc.start}); save it as UTF-8"]) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"not valid TOML: {exc}"], str(path)) from None
    cfg = resolve_config(raw, overrides=overrides, source=str(path))
    f = cfg["graph"].get("file")
    if f and not Path(f).is_absolute():
        cfg["graph"]["file"] = str((path.parent / f).resolve())
    return cfg


def model_kinds_in(cfg: dict) -> list[str]:
    """The model kinds a resolved config runs: its own and any a sweep axis sets."""
    kinds = [cfg["model"].get("kind", "referral")]
    for value in cfg.get("sweep", {}).get("axes", {}).get("model.kind", []):
        if value not in kinds:
            kinds.append(value)
    return kinds
