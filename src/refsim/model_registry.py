"""Diffusion models as plug-ins: what each declares, and the registry that finds them.

A model kind is one :class:`ModelKind`: its parameter class (whose fields are described
by :class:`refsim.params.Param`), how it runs, the per-run metrics and per-step series it
produces, how it is built from a config, and optional hooks for seeding strategies (an
IC approximation for IMM, seed costs). :func:`refsim.simulate`, the experiment runner,
the results store, ``load_results``, the report and the strategies read everything from
here, so a new model is one model module (which calls :func:`register_model`), its
kernel module, and tests; built-in model modules are listed in ``BUILTIN_MODULES`` below.

Examples
--------
>>> from refsim import IndependentCascade
>>> kind = model_kind(IndependentCascade(0.1))
>>> kind.name, [m.name for m in kind.metrics]
('ic', ['reach', 'steps'])
>>> sorted(model_kinds())
['ic', 'lt', 'referral']
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from .errors import InvalidType, InvalidValue

__all__ = ["Metric", "ModelKind", "Series", "kind_named", "model_kind", "model_kinds",
           "register_model"]

#: Modules that register the built-in model kinds when imported.
BUILTIN_MODULES = ("refsim.models", "refsim.referral_result")

#: The results' own columns, which no metric may be called.
RESERVED_COLUMNS = ("cell", "campaign", "run", "strategy", "k", "budget", "n_seeds",
                    "seeds", "sender_reward", "recipient_reward", "seed_sets")
_COLUMN = re.compile(r"[a-z_][a-z0-9_]*")

_KINDS: dict[str, ModelKind] = {}
_loaded = False


@dataclass(frozen=True)
class Metric:
    """One per-run output of a model.

    ``higher_is_better`` is True (reach, profit), False (cost, CAC) or None (neither,
    e.g. the number of steps).
    """

    name: str
    unit: str
    meaning: str
    higher_is_better: bool | None = None


@dataclass(frozen=True)
class Series:
    """One per-step curve of a model (a 2-D array: runs x steps + 1)."""

    name: str
    unit: str
    meaning: str
    monotone: bool = False  #: never falls within a run


@dataclass(frozen=True)
class ModelKind:
    """Everything the rest of refsim needs to know about one kind of model.

    Parameters
    ----------
    name : str
        The config's ``model.kind``.
    cls : type
        The parameter class; its described parameters (``refsim.params.params_of``)
        are the ``[model]`` keys of this kind.
    label : str
        Name in words.
    run : callable
        ``run(graph, model, seed_sets, seq, runs=, first_run=, steps=, workers=)`` ->
        a result: ``seed_sets`` is ``(nodes, lo, hi)``, checked; ``seq`` the
        ``SeedSequence`` whose child ``first_run + i`` run ``i`` uses; ``steps`` may be
        None only when ``needs_steps`` is false.
    metrics : tuple of Metric
        The per-run outputs, in store column order.
    per_run : callable
        ``per_run(result)`` -> ``{metric name: array with one value per run}``.
    series : tuple of Series
        The per-step curves.
    curves : callable
        ``curves(result)`` -> ``{series name: runs x (steps + 1) array}``.
    from_config : callable
        ``from_config(cfg, graph)`` -> a model, from a resolved cell config.
    needs_steps : bool
        Runs need a horizon (``steps``).
    sections : tuple of str
        Config sections this kind reads besides ``[model]`` (others must be empty).
    memory : tuple of float
        ``(bytes per node, bytes per run besides the curves)`` of one call.
    check_on : callable, optional
        ``check_on(graph, model)``: raise on what depends on the graph (array lengths,
        weights); run by ``refsim validate`` before any work.
    in_arcs : callable, optional
        ``in_arcs(graph, model)`` -> ``(0, in-arc probabilities)`` (an IC equivalent)
        or ``(1, in-arc weights)`` (LT), in ``graph.in_arcs`` order: for IMM.
    seed_costs : callable, optional
        ``seed_costs(graph, model, nodes)`` -> what recruiting each node costs.
    with_program : callable, optional
        ``with_program(model, program)`` -> the model with a campaign's referral
        programme; None: programmes are refused.
    tree : callable, optional
        ``tree(graph, model, seeds, steps, rng, run)`` -> ``{"nodes", "parents"}``: one
        run's tree, for the report.
    default_steps : int, optional
        Horizon of spread estimates (CELF) when none is given.
    """

    name: str
    cls: type
    label: str
    run: Callable
    metrics: tuple
    per_run: Callable
    series: tuple
    curves: Callable
    from_config: Callable
    needs_steps: bool = False
    sections: tuple = ()
    memory: tuple = (24.0, 96.0)
    check_on: Callable | None = None
    in_arcs: Callable | None = None
    seed_costs: Callable | None = None
    with_program: Callable | None = None
    tree: Callable | None = None
    default_steps: int | None = None

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise InvalidValue(f"model kind name must be an identifier; got {self.name!r}")
        for what, items in (("metric", self.metrics), ("series", self.series)):
            for item in items:
                if not _COLUMN.fullmatch(getattr(item, "name", "") or "") \
                        or item.name in RESERVED_COLUMNS:
                    raise InvalidValue(
                        f"model kind {self.name!r}: {what} name {item.name!r} must be "
                        f"lower-case letters, digits and _ (a results column), and not one "
                        f"of {', '.join(RESERVED_COLUMNS)}")
        names = [m.name for m in self.metrics]
        if names[:2] != ["reach", "steps"] or len(set(names)) != len(names):
            raise InvalidValue(f"model kind {self.name!r}: metrics must start with reach "
                               f"and steps and be distinct; got {names}")
        series = [s.name for s in self.series]
        if not series or series[0] != "adopters" or len(set(series)) != len(series):
            raise InvalidValue(f"model kind {self.name!r}: series must start with adopters "
                               f"and be distinct; got {series}")

    @property
    def metric_names(self) -> tuple:
        return tuple(m.name for m in self.metrics)

    @property
    def series_names(self) -> tuple:
        return tuple(s.name for s in self.series)


def register_model(kind: ModelKind, *, replace: bool = False) -> ModelKind:
    """Add a model kind to the registry (``replace`` to redefine one).

    A metric or series that two kinds both declare must mean the same (same unit): a
    sweep over ``model.kind`` stores them in one column.
    """
    if not isinstance(kind, ModelKind):
        raise InvalidType(f"register_model needs a ModelKind; got {type(kind).__name__}")
    if kind.name in _KINDS and not replace and _KINDS[kind.name] is not kind:
        raise InvalidValue(f"model kind {kind.name!r} is already registered")
    for other in _KINDS.values():
        if other.name == kind.name:
            continue
        if other.cls is kind.cls:
            raise InvalidValue(f"{kind.cls.__name__} is already the class of model kind "
                               f"{other.name!r}")
        units = {m.name: m.unit for m in other.metrics}
        for m in kind.metrics:
            if m.name in units and units[m.name] != m.unit:
                raise InvalidValue(f"metric {m.name!r} of {kind.name!r} is in "
                                   f"{m.unit!r}, but in {units[m.name]!r} for "
                                   f"{other.name!r}")
    _KINDS[kind.name] = kind
    return kind


def unregister_model(name: str) -> None:
    """Remove a model kind (for tests that register their own)."""
    _KINDS.pop(name, None)


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True  # before importing: the modules call back into the registry
        try:
            for module in BUILTIN_MODULES:
                importlib.import_module(module)
        except BaseException:
            _loaded = False  # try again next time
            raise


def model_kinds() -> dict[str, ModelKind]:
    """Every registered model kind, by name (built-ins first, in registration order)."""
    _load()
    return dict(_KINDS)


def model_kind(model: object) -> ModelKind:
    """The kind of a model instance.

    Raises
    ------
    TypeError
        For an object of no registered kind (or a model class instead of a model).
    """
    _load()
    for kind in _KINDS.values():
        if isinstance(model, kind.cls):
            return kind
    known = ", ".join(k.cls.__name__ for k in _KINDS.values())
    if isinstance(model, type):
        raise InvalidType(f"model must be an instance of one of {known}; got the class "
                          f"{model.__name__} itself; build one, e.g. {model.__name__}(...)")
    raise InvalidType(f"model must be one of {known}; got {type(model).__name__}")


def kind_named(name: str) -> ModelKind:
    """The model kind called ``name`` (a config's ``model.kind``).

    Raises
    ------
    ValueError
        For an unknown name.
    """
    _load()
    kind = _KINDS.get(name)
    if kind is None:
        raise InvalidValue(f"unknown model kind {name!r}; known: {', '.join(_KINDS)}")
    return kind


def columns_of(names) -> tuple[tuple, tuple]:
    """The metric and the series names of the given kinds, in order, each once (the
    columns of a store holding runs of those kinds)."""
    kinds = [kind_named(name) for name in names]
    return (tuple(dict.fromkeys(m for k in kinds for m in k.metric_names)),
            tuple(dict.fromkeys(s for k in kinds for s in k.series_names)))


# -- helpers shared by the built-in kinds ------------------------------------------------

def cascade_metrics() -> tuple:
    """``reach`` and ``steps``: the per-run metrics every model has."""
    return (Metric("reach", "nodes", "Nodes active (adopters) at the end, seeds included.",
                   True),
            Metric("steps", "steps", "Last step in which a node became active."))


def reach_and_steps(result) -> dict:
    """``reach`` (final size) and ``steps`` (the last step that added an adopter) of each
    run of a result with ``final_sizes`` and ``curves``."""
    import numpy as np

    final = result.final_sizes
    # last step that added an adopter: first column where the curve reaches its end
    return {"reach": final, "steps": np.argmax(result.curves == final[:, None], axis=1)}


def cascade_curves(result) -> dict:
    return {"adopters": result.curves}
