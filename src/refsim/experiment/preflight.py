"""Checks before any work: every cell's graph, model and campaigns are built (nothing is
simulated), and the experiment's memory and disk are estimated against what is
available.

``refsim validate`` and ``refsim run`` call the same :func:`preflight`, so a config that
validates does not fail later for a reason that could have been known: a generator
parameter, ``k`` above the graph's size, a budget that buys no seed, a missing graph
file, a strategy parameter, or a sweep too large for the machine.

Only the distinct combinations of swept values are built: cells that differ only in,
say, ``model.share`` share their graph, and their campaigns are checked once per
distinct graph, population and campaign settings.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .._memory import available_memory, fmt_bytes
from ..errors import InvalidValue, RefsimError
from ..model_registry import kind_named, model_kind
from .checks import ConfigError
from .config import resolve_cell

__all__ = ["Plan", "preflight", "cell_memory", "row_bytes"]

#: Axis prefixes that change each component of a cell.
_GRAPH = ("graph.",)
_MODEL = ("graph.", "model.", "population.", "program.", "economics.")

def _model_values() -> tuple:
    """Model keys the config's own checks settle (a number in its range cannot make a
    model fail to build), so cells differing only in them share one trial build: every
    numeric parameter of a model kind."""
    from .schema import model_kind_names, model_params

    return tuple(sorted({f"model.{k}" for kind in model_kind_names()
                         for k, p in model_params(kind).items()
                         if p.kind in ("int", "float", "prob")}))

_PRICES = ("graph.", "model.kind", "population.", "economics.", "campaign.")
_SIZE = ("graph.", "experiment.", "model.kind", "campaign.")

#: Share of the free disk a run may plan to fill.
DISK_SHARE = 0.9


@dataclass
class Plan:
    """What a run will need: per cell memory at most, disk in all, and the graphs."""

    cells: int
    memory: float = 0.0  # bytes, the largest cell (times the workers running at once)
    disk: float = 0.0  # bytes of results in all
    graphs: dict = field(default_factory=dict)  # swept graph values -> (nodes, arcs)
    memory_available: float | None = None
    disk_available: float | None = None

    def summary(self) -> str:
        """One line: memory and disk needed against what is available."""
        mem = f"memory {fmt_bytes(self.memory)} per cell"
        if self.memory_available is not None:
            mem += f" (of {fmt_bytes(self.memory_available)} available)"
        disk = f"disk {fmt_bytes(self.disk)}"
        if self.disk_available is not None:
            disk += f" (of {fmt_bytes(self.disk_available)} free)"
        return f"{mem}, {disk}"


def row_bytes(steps: int, series: int, metrics: int = 23) -> float:
    """Bytes one stored run takes in the SQLite store: 3 keys and ``metrics`` metrics
    (REAL, 9 bytes with their header; columns a model does not fill cost 1 byte, left
    in the 10 of slack), ``series`` curves of ``steps + 1`` int64, and the page and
    index overhead (measured: about 15%)."""
    return 1.15 * (3 * 5 + metrics * 9 + series * (8 * (steps + 1) + 3) + 10)


def cell_memory(nodes: int, arcs: int, runs: int, steps: int, campaigns: int,
                kind, seeds: int = 0) -> float:
    """Peak bytes of one cell: the graph and its per-node arrays, and every campaign's
    per-run curves, metrics and (drawn per run) ``seeds`` held three times over
    (kernel output, the cell's arrays, and the rows being written to the store)."""
    series = len(kind.series)
    graph = 8.0 * (nodes + 1) + 8.0 * arcs  # CSR (int32 indices) and the in-arcs
    per_node = kind.memory[0] * nodes  # model arrays and kernel scratch
    per_run = series * 8.0 * (steps + 1) + 30 * 8.0 + 8.0 * seeds
    rows = 3.0 * campaigns * runs * per_run + 400.0 * runs  # + Python rows of one batch
    return graph + per_node + rows


def _check_model_on(model, graph) -> None:
    """What ``simulate`` checks of a model against its graph (per-arc probabilities or
    weights from the graph's weights, LT in-weight sums, per-node lengths): the model
    kind's ``check_on`` hook."""
    hook = model_kind(model).check_on
    if hook is not None:
        hook(graph, model)


def _graph_problem(gcfg, gpath, exc):
    """``(key path, message)`` of a graph that cannot be built: a generator's message
    that starts with one of its parameters is filed under ``graph.<parameter>``."""
    text = str(exc)
    first, _, rest = text.partition(" ")
    if "generator" in gcfg and first in gcfg and first not in ("generator", "seed"):
        return f"graph.{first}", rest
    return gpath, text


def _sub(point, prefixes):
    return tuple((k, v) for k, v in point.items() if k.startswith(prefixes))


def _where(sub) -> str:
    return "" if not sub else "with " + ", ".join(f"{k} = {v!r}" for k, v in sub) + ": "


def preflight(cfg: dict, cells: list, *, out=None, workers=None, resume=False,
              source=None) -> Plan:
    """Build every cell's graph, model and campaigns (without simulating) and estimate
    memory and disk; raise :class:`~refsim.experiment.ConfigError` listing every
    problem with its key path, or :class:`~refsim.errors.InvalidValue` when the run
    would not fit in the memory or disk available.

    Parameters
    ----------
    cfg : dict
        A resolved config.
    cells : list of dict
        Its sweep points (:func:`refsim.experiment.expand_cells`).
    out : path, optional
        The run directory: its file system's free space is checked.
    workers : int, optional
        Worker processes running cells at once (their memory adds up).
    resume : bool
        Only part of the results remain to be written (disk is not checked).
    source : str, optional
        The config file, named in the error.

    Returns
    -------
    Plan
    """
    from ..strategies.registry import check_request, seed_costs
    from .build import build_campaigns, build_graph, build_model

    problems: list[str] = []
    seen: set[str] = set()

    def report(sub, path, exc):
        text = f"{_where(sub)}{path}: {exc}" if path else f"{_where(sub)}{exc}"
        if text not in seen:
            seen.add(text)
            problems.append(("sweep: " if sub else "") + text)

    # Only the outcome of each distinct build is kept (graph sizes, whether a model
    # builds): holding every graph of a sweep at once could exhaust memory. The objects
    # themselves are rebuilt when needed (build_graph keeps the last two).
    graphs, models, checked = {}, {}, set()
    plan = Plan(cells=len(cells))
    settled = _model_values()
    sizes = {}
    for point in cells:
        g_sub = _sub(point, _GRAPH)
        gcfg = None
        if g_sub not in graphs:
            graphs[g_sub] = False
            gcfg = resolve_cell(cfg, point)["graph"]
            gpath = next((f"graph.{k}" for k in ("file", "spec", "dataset", "generator")
                          if k in gcfg), "graph")
            try:
                graph = build_graph(gcfg)
            except RefsimError as exc:
                report(g_sub, *_graph_problem(gcfg, gpath, exc))
            else:
                graphs[g_sub] = True
                plan.graphs[g_sub] = (graph.n, graph.num_arcs)
        if not graphs[g_sub]:
            continue
        m_sub = tuple(kv for kv in _sub(point, _MODEL) if kv[0] not in settled)
        c_sub = _sub(point, _PRICES)
        if m_sub not in models or c_sub not in checked:
            c = resolve_cell(cfg, point)
            graph = build_graph(c["graph"])
            try:
                model = build_model(c, graph)
                if m_sub not in models:
                    _check_model_on(model, graph)
            except RefsimError as exc:
                report(m_sub, "model", exc)
                model = None
            models[m_sub] = model is not None
        if not models[m_sub]:
            continue
        if c_sub not in checked:
            checked.add(c_sub)
            for j, camp in enumerate(build_campaigns(c)):
                path = f"campaign[{j}]"
                if camp.k is not None and camp.k > graph.n:
                    report(c_sub, f"{path}.k", f"must be <= {graph.n} (the graph has "
                                               f"{graph.n} nodes); got {camp.k}")
                    continue
                priced = camp.model_for(model)
                if camp.budget is not None:
                    cheapest = float(seed_costs(graph, priced).min())
                    if camp.budget < cheapest:
                        report(c_sub, f"{path}.budget",
                               f"{camp.budget:g} cannot buy a single seed; the cheapest "
                               f"costs {cheapest:g}")
                        continue
                try:
                    check_request(graph, camp.seeding, k=camp.k, budget=camp.budget,
                                  model=priced, params=camp.seeding_params)
                except RefsimError as exc:
                    report(c_sub, path, f"{exc} (campaign {camp.name!r})")
        s_sub = _sub(point, _SIZE)
        count, first = sizes.get(s_sub, (0, point))
        sizes[s_sub] = (count + 1, first)
    if problems:
        raise ConfigError(problems, source)
    _estimate(cfg, plan, sizes, out, workers, resume)
    return plan


def _estimate(cfg, plan, sizes, out, workers, resume):
    """Fill ``plan`` with memory and disk and refuse what would not fit."""
    parallel = workers if workers and workers > 1 else 1
    worst = None
    for s_sub, (count, point) in sizes.items():
        c = resolve_cell(cfg, point)
        exp = c["experiment"]
        runs = exp["adaptive"]["max_runs"] if "adaptive" in exp else exp["runs"]
        nodes, arcs = plan.graphs[_sub(point, _GRAPH)]
        kind = kind_named(c["model"]["kind"])
        # seeds drawn per run: at most k each (a budget's count is bounded by n)
        seeds = max((min(cc.get("k") or nodes, nodes) for cc in c["campaign"]), default=0)
        need = cell_memory(nodes, arcs, runs, exp["steps"], len(c["campaign"]), kind,
                           seeds)
        if worst is None or need > worst[0]:
            worst = (need, runs, exp["steps"], s_sub)
        plan.disk += count * len(c["campaign"]) * runs * row_bytes(
            exp["steps"], len(kind.series), len(kind.metrics))
    plan.memory = worst[0] * parallel if worst else 0.0
    plan.memory_available = available_memory()
    if worst and plan.memory_available is not None and \
            plan.memory > 0.8 * plan.memory_available:
        need, runs, steps, s_sub = worst
        who = f" x {parallel} workers" if parallel > 1 else ""
        raise InvalidValue(
            f"{_where(s_sub)}experiment.runs = {runs} with experiment.steps = {steps} needs "
            f"about {fmt_bytes(need)} per cell{who}; {fmt_bytes(plan.memory_available)} of "
            f"memory is available; lower runs or steps, use fewer --workers, or split "
            f"the sweep")
    if out is not None:
        where = Path(out)
        while not where.exists() and where != where.parent:
            where = where.parent
        try:
            plan.disk_available = float(shutil.disk_usage(where).free)
        except OSError:
            plan.disk_available = None
        if (not resume and plan.disk_available is not None
                and plan.disk > DISK_SHARE * plan.disk_available):
            raise InvalidValue(
                f"the results need about {fmt_bytes(plan.disk)} of disk; "
                f"{fmt_bytes(plan.disk_available)} is free where {str(out)!r} goes; lower "
                f"experiment.runs, steps or the sweep, or choose another --out")
