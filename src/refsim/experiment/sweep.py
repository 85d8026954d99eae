"""Overrides and sweeps: ``--set KEY=VALUE``, sweep axes, and the cells they expand to."""

from __future__ import annotations

import copy
import itertools
import math
import re
import tomllib

from .._validation import show_value
from .checks import ConfigError, check_table, suggest
from .schema import SCHEMA, SECTIONS, campaign_name

__all__ = ["MAX_CELLS", "apply_override", "cell_config", "cell_count", "check_sweep",
           "expand_cells", "model_kinds_in", "parse_override", "point_text",
           "points_to_check", "unknown_axis"]


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


def check_sweep(table, problems) -> dict:
    out = check_table("sweep", table, SCHEMA["sweep"], problems)
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


class CampaignNameNote(UserWarning):
    """A ``--set`` changed a campaign field whose old value its name still states."""


def _name_note(key, c, field, value) -> None:
    """Warn when campaign ``c``'s name states the old value of ``field`` (``"20 hubs"``
    after ``--set campaign.k=50``): its label would no longer describe it."""
    import re
    import warnings

    name, old = c.get("name"), c.get(field)
    if (not isinstance(name, str) or isinstance(old, bool)
            or not isinstance(old, (int, float)) or old == value):
        return
    if re.search(rf"(?<![\w.]){re.escape(f'{old:g}')}(?![\w.])", name):
        warnings.warn(CampaignNameNote(
            f"{key}={value} changes campaign {name!r}, whose name says {old:g}: rename it "
            f"with --set 'campaign.{name}.name=...' so reports describe it"), stacklevel=3)


def apply_override(raw: dict, key: str, value, *, note: bool = False) -> None:
    """Set ``key`` (a dotted path) in ``raw`` in place.

    ``campaign.NAME.field`` or ``campaign.INDEX.field`` (also written
    ``campaign[INDEX].field``, as problems name it) sets one campaign's field;
    ``campaign.field`` sets it on every campaign; ``campaign.params.P`` sets the seeding
    parameter P of every campaign (``campaign.NAME.params.P`` of one); ``sweep.axes.KEY``
    sets a sweep axis and ``calibrate.priors.KEY`` a prior (KEY may itself contain
    dots). With ``note``, a campaign field
    whose old value the campaign's name states warns (:class:`CampaignNameNote`).
    """
    # the key paths problems are named by, campaign[0].k, read as campaign.0.k
    parts = re.sub(r"^campaign\[(\d+)\]", r"campaign.\1", key).split(".")
    if parts[0] == "sweep" and len(parts) > 2 and parts[1] == "axes":
        raw.setdefault("sweep", {}).setdefault("axes", {})[".".join(parts[2:])] = value
        return
    if parts[0] == "calibrate" and len(parts) > 2 and parts[1] == "priors":
        raw.setdefault("calibrate", {}).setdefault("priors", {})[".".join(parts[2:])] = value
        return
    if parts[0] == "campaign":
        camps = raw.get("campaign")
        if not isinstance(camps, list) or not camps:
            raise ConfigError([f"{key}: the config has no [[campaign]] to set"])
        def put(c, field, sub):
            if sub is None:
                if note and field != "name":
                    _name_note(key, c, field, value)
                exp = raw.get("experiment")
                if (field == "name" and isinstance(exp, dict) and "name" in c
                        and exp.get("baseline") == c["name"]):
                    exp["baseline"] = value  # renaming the baseline keeps it the baseline
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
                if which == str(i) or which == c.get("name", campaign_name(c)):
                    put(c, field, sub)
                    return
            names = [c.get("name", campaign_name(c)) for c in camps]
            if which.isdigit():
                raise ConfigError([f"{key}: no campaign {which}; the config has "
                                   f"{len(camps)}, numbered 0 to {len(camps) - 1}"])
            raise ConfigError([f"{key}: no campaign named {which!r}; "
                               f"{suggest(which, names)}"])
        raise ConfigError([f"{key}: write campaign.FIELD, campaign.NAME.FIELD or "
                           f"campaign.params.NAME"])
    node = raw
    for p in parts[:-1]:
        nxt = node.setdefault(p, {})
        if not isinstance(nxt, dict):
            raise ConfigError([f"{key}: {p} is not a table"])
        node = nxt
    node[parts[-1]] = value


def unknown_axis(key) -> str | None:
    """Why sweep axis ``key`` cannot be swept (a section that does not exist or a
    value fixed for the whole experiment), or None. Unknown fields are found when the
    cells are checked."""
    parts = key.split(".")
    section = parts[0]
    if section not in SECTIONS or section == "sweep":
        return f"sweep.axes.{key}: {section!r} is not a section you can sweep; " \
               f"{suggest(section, [s for s in SECTIONS if s != 'sweep'])}"
    if section == "experiment" and len(parts) == 2 and parts[1] in ("seed", "adaptive",
                                                                    "baseline", "name"):
        return f"sweep.axes.{key}: experiment.{parts[1]} cannot be swept"
    return None


#: Optional tables whose presence turns a mechanism on: a key in one of them can only
#: be set (swept, calibrated, drawn from a posterior) when the config has the table.
OPTIONAL_TABLES = ("lifecycle", "reviews")


def missing_table(key, cfg) -> str | None:
    """The optional table ``key`` belongs to when ``cfg`` lacks it (``"lifecycle"``),
    else None."""
    section = key.split(".")[0]
    return section if section in OPTIONAL_TABLES and section not in cfg else None


def expand_cells(cfg: dict) -> list[dict]:
    """Return the sweep's cells: one dict of axis values each (``[{}]`` with no sweep)."""
    axes = cfg.get("sweep", {}).get("axes", {})
    if not axes:
        return [{}]
    keys = list(axes)
    if cfg["sweep"].get("mode", "grid") == "zip":
        return [dict(zip(keys, vals)) for vals in zip(*axes.values())]
    return [dict(zip(keys, vals)) for vals in itertools.product(*axes.values())]


def _coupled(key) -> bool:
    if key.startswith(_COUPLED):
        return True
    parts = key.split(".")
    return parts[0] == "campaign" and any(p in _COUPLED_CAMPAIGN for p in parts[1:])


def points_to_check(cfg) -> list[dict]:
    """The sweep points whose checks cover every cell: all of them for a small sweep;
    for a large grid, each value of every uncoupled axis (with the other axes at their
    first value) and every combination of the coupled axes (see ``_COUPLED``)."""
    cells_total = cell_count(cfg)
    if cells_total <= CHECK_EVERY_CELL or cfg["sweep"].get("mode") == "zip":
        return expand_cells(cfg)
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


def cell_count(cfg) -> int:
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


def point_text(point) -> str:
    return ", ".join(f"{k} = {v!r}" for k, v in point.items())


def model_kinds_in(cfg: dict) -> list[str]:
    """The model kinds a resolved config runs: its own and any a sweep axis sets."""
    kinds = [cfg["model"].get("kind", "referral")]
    for value in cfg.get("sweep", {}).get("axes", {}).get("model.kind", []):
        if value not in kinds:
            kinds.append(value)
    return kinds
