"""Experiment configs: TOML in, checked and resolved dict out.

A config has the sections ``experiment``, ``graph``, ``population``, ``model``,
``program``, ``economics``, ``campaign`` (a list) and ``sweep``. :func:`load_config`
reads a file, applies ``--set`` overrides, fills in defaults and checks everything at
once: every problem is reported with its key path, unknown keys with a did-you-mean.
The work is split by concern: the keys (:mod:`.schema`), the generic checks
(:mod:`.checks`), the domain rules (:mod:`.rules`) and overrides and sweeps
(:mod:`.sweep`); this module loads and resolves.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InvalidValue
from .checks import ConfigError
from .rules import resolve_raw
from .schema import SCHEMA
from .sweep import (
    apply_override,
    cell_config,
    expand_cells,
    missing_table,
    parse_override,
    point_text,
    points_to_check,
    unknown_axis,
)

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable

__all__ = ["SCHEMA", "ConfigError", "apply_override", "expand_cells", "load_config",
           "parse_override", "resolve_cell", "resolve_config"]


def resolve_config(raw: dict, *, overrides: Iterable[str | tuple[str, object]] = (),
                   source: str | None = None) -> dict:
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
    refsim.experiment.checks.ConfigError: 4 problems:
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
            apply_override(raw, key, value, note=True)
        except ConfigError as exc:
            problems.extend(exc.problems)
    unread = _read_seed_files(raw, Path(source).parent if source else Path())
    cfg, found = resolve_raw(raw)
    # a campaign whose seeds file cannot be read has that one problem
    problems.extend(unread)
    skip = {u.split(".seeds:")[0] for u in unread}  # "campaign[0]"
    problems.extend(p for p in found if p.split(":")[0].split(".")[0] not in skip)
    if not problems:
        axes = cfg["sweep"].get("axes", {})
        for key in axes:
            why = unknown_axis(key)
            if why:
                problems.append(why)
            elif table := missing_table(key, cfg):
                problems.append(f"sweep.axes.{key}: the config has no [{table}] table "
                                f"(add one, even empty, to turn it on)")
        if not problems:
            seen = set()
            for point in points_to_check(cfg):
                try:
                    sub = cell_config(cfg, point)
                except ConfigError as exc:
                    errs = exc.problems
                else:
                    _, errs = resolve_raw(sub)
                for e in errs:
                    msg = f"sweep: with {point_text(point)}: {e}" if point else e
                    if e not in seen:
                        seen.add(e)
                        problems.append(msg)
    if not problems and cfg["model"].get("posterior"):
        problems.extend(_check_posterior(cfg, Path(source).parent if source else Path()))
    if problems:
        raise ConfigError(problems, source)
    if cfg["experiment"].get("name") is None:
        cfg["experiment"]["name"] = Path(source).stem if source else "experiment"
    if "seed" not in cfg["graph"]:
        cfg["graph"]["seed"] = cfg["experiment"]["seed"]
    return cfg


#: Posteriors of up to this many particles have every particle checked against the
#: config; larger ones each key's smallest and largest values.
_CHECK_PARTICLES = 2_000


def _check_posterior(cfg, folder) -> list:
    """Check ``[model] posterior`` (a calibration's run directory, relative to
    ``folder``): readable, its keys ones a sweep could set and not swept, and the config
    valid at its particles. Sets the path absolute; returns the problems."""
    from ..calibrate.posterior import (config_value, current_value, load_posterior,
                                       posterior_keys)
    from ..errors import RefsimError
    from .rules import resolve_raw

    where = Path(cfg["model"]["posterior"])
    where = where if where.is_absolute() else (folder / where).resolve()
    cfg["model"]["posterior"] = str(where)
    try:
        post = load_posterior(where)
    except RefsimError as exc:
        return [f"model.posterior: {exc}"]
    keys = posterior_keys(post)
    problems = []
    axes = cfg["sweep"].get("axes", {})
    for key in keys:
        why = unknown_axis(key)
        if why:
            problems.append(f"model.posterior: {where}: " + why.replace("sweep.axes.", ""))
        elif key.startswith("graph."):
            problems.append(f"model.posterior: {where} calibrates {key}; an experiment "
                            f"chooses its seeds on one graph, so graph values cannot be "
                            f"drawn per run (set {key} to a value from the posterior)")
        elif key in axes:
            problems.append(f"sweep.axes.{key}: calibrated in model.posterior; a run "
                            f"draws it from the posterior (sweep another key, or drop "
                            f"the posterior)")
        elif table := missing_table(key, cfg):
            problems.append(f"model.posterior: {where} calibrates {key}, but the config has "
                            f"no [{table}] table (add one)")
    if problems:
        return problems
    base = {k: v for k, v in cfg.items() if k != "sweep"}
    base["model"] = {k: v for k, v in cfg["model"].items() if k != "posterior"}
    # every particle in every sweep cell (a swept key may meet a calibrated one in a
    # rule), up to _CHECK_PARTICLES checks in all; beyond, every cell at the extremes
    cells = points_to_check(cfg) if cfg["sweep"].get("axes") else [{}]
    if len(cells) * len(post) <= _CHECK_PARTICLES:
        rows = [row for _, row in post.iterrows()]
    else:
        rows = [post[keys].min(), post[keys].max()]
    points = [{k: config_value(k, row[k], current_value(cfg, k)) for k in keys}
              for row in rows]
    seen = set()
    for sweep_point in cells:
        for point in points:
            for e in resolve_raw(cell_config(base, {**sweep_point, **point}))[1]:
                if e not in seen:
                    seen.add(e)
                    where_text = (f" in the sweep cell {point_text(sweep_point)}"
                                  if sweep_point else "")
                    problems.append(f"model.posterior: with {point_text(point)} (a "
                                    f"particle of {where}){where_text}: {e}")
    return problems


def _read_seed_files(raw, folder) -> list:
    """Replace each campaign's ``seeds = "file.csv"`` (relative to ``folder``) by the
    ids the file lists; return the problems found."""
    from .rules import read_seeds_file

    problems = []
    camps = raw.get("campaign") if isinstance(raw, dict) else None
    for i, c in enumerate(camps if isinstance(camps, list) else []):
        if isinstance(c, dict) and isinstance(c.get("seeds"), str):
            f = Path(c["seeds"])
            try:
                c["seeds"] = read_seeds_file(f if f.is_absolute() else folder / f)
            except InvalidValue as exc:
                problems.append(f"campaign[{i}].seeds: {exc}")
    return problems


def resolve_cell(cfg: dict, point: dict) -> dict:
    """The resolved config of one sweep cell of the resolved config ``cfg``."""
    sub, problems = resolve_raw(cell_config(cfg, point))
    if problems:
        raise ConfigError([f"sweep: with {point_text(point)}: {e}" for e in problems])
    sub["graph"].setdefault("seed", cfg["graph"]["seed"])
    sub["experiment"]["name"] = cfg["experiment"]["name"]
    return sub


def load_config(path: str | os.PathLike[str],
                overrides: Iterable[str | tuple[str, object]] = ()) -> dict:
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
