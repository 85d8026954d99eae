"""Diffusion models as frozen parameter objects, checked when they are built.

A model holds parameters only. ``refsim.simulate`` pairs it with a graph, checks what
depends on the graph (per-arc lengths, in-weight sums) and runs the matching kernel.
"""

from __future__ import annotations

import enum
import numbers
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np

from ._validation import check_float_array, check_probability, show_value
from .errors import InvalidType, InvalidValue
from .params import ASSUMPTION, Param

if TYPE_CHECKING:
    from typing import Literal

    from numpy.typing import ArrayLike

    from .graph import Graph

__all__ = ["ArcScheme", "IndependentCascade", "LinearThreshold"]


class ArcScheme(str, enum.Enum):
    """Named rules that derive per-arc probabilities from the graph."""

    #: p(u, v) = 1 / in-degree(v) (Kempe, Kleinberg & Tardos 2003).
    WEIGHTED_CASCADE = "weighted_cascade"
    #: p(u, v) = the arc's weight in the graph (``graph.weights``), which must be in [0, 1].
    GRAPH_WEIGHTS = "weights"


def _in_degree_share(graph) -> np.ndarray:
    """Return 1 / in-degree of each arc's target, aligned with CSR arc order (computed
    once per graph and kept with it, read-only)."""
    def build(g):
        w = 1.0 / g.in_degree[g.indices]
        w.setflags(write=False)
        return w

    return graph.derived("in_degree_share", build)


def _graph_weights(graph, who: str) -> np.ndarray:
    """Return ``graph.weights``, refusing a graph without them or a weight outside [0, 1]."""
    w = graph.weights
    if w is None:
        raise InvalidValue(f"{who} reads each arc's value from graph.weights, but this graph "
                           f"has none; build it with weights (Graph.from_edges(..., "
                           f"weights=...), Graph.from_networkx(G, weight=...) or "
                           f"read_edgelist(..., weighted=True))")
    bad = ~((w >= 0.0) & (w <= 1.0))
    if bad.any():
        e = int(np.flatnonzero(bad)[0])
        u = int(np.searchsorted(graph.indptr, e, side="right")) - 1
        v = int(graph.indices[e])
        raise InvalidValue(f"{who} needs graph.weights in [0, 1]; arc {graph.label(u)!r} -> "
                           f"{graph.label(v)!r} has weight {float(w[e])!r} "
                           f"({int(bad.sum())} arc(s) outside [0, 1])")
    return w


class IndependentCascade:
    """Independent Cascade: each newly active node gets one chance per out-arc.

    When node ``u`` becomes active at step ``t``, each inactive out-neighbour ``v``
    becomes active at step ``t + 1`` with probability ``p(u, v)``, independently; ``u``
    never tries again (Goldenberg, Libai & Muller 2001; Kempe, Kleinberg & Tardos 2003).

    Parameters
    ----------
    p : float, array_like or {"weighted_cascade", "weights"}
        One probability in [0, 1] for every arc; or one per arc, aligned with the
        graph's CSR arc order (``graph.indptr``/``graph.indices``); or
        ``"weighted_cascade"``, meaning ``p(u, v) = 1 / in-degree(v)``; or ``"weights"``,
        meaning each arc's weight in the graph (``graph.weights``, each in [0, 1]).

    Raises
    ------
    ValueError
        If a probability is outside [0, 1] or NaN, or ``p`` is an unknown scheme name.
        With ``"weights"``, :func:`refsim.simulate` raises it for a graph without
        weights or with a weight outside [0, 1], naming the arc.
    TypeError
        If ``p`` is neither a number, an array of numbers nor a scheme name.

    Examples
    --------
    >>> IndependentCascade(0.1)
    IndependentCascade(p=0.1)
    >>> IndependentCascade("weighted_cascade").p
    <ArcScheme.WEIGHTED_CASCADE: 'weighted_cascade'>
    >>> from refsim import Graph
    >>> g = Graph.from_edges([0, 1], [1, 2], directed=True, weights=[0.25, 1.0])
    >>> IndependentCascade("weights").arc_probabilities(g).tolist()
    [0.25, 1.0]
    >>> IndependentCascade(1.5)
    Traceback (most recent call last):
    ...
    refsim.errors.InvalidValue: IndependentCascade p must be in [0, 1]; got 1.5
    """

    __slots__ = ("_p",)

    #: The ``[model]`` keys of ``kind = "ic"``: exactly one of them gives ``p``.
    PARAMS = MappingProxyType({
        "p": Param("prob", unit="probability per arc",
                   meaning="Chance an active node activates each inactive out-neighbour "
                           "(one try per arc).", source=ASSUMPTION),
        "p_over_threshold": Param(
            "float", low=0.0, unit="multiple of the epidemic threshold",
            meaning="p as a multiple of the graph's epidemic threshold <k>/(<k^2> - <k>) "
                    "(1: critical).", source="Newman 2002, Phys. Rev. E 66(1)"),
        "weighted_cascade": Param(
            "bool", False, unit="", meaning="p(u, v) = 1 / in-degree(v).",
            source="Kempe, Kleinberg & Tardos 2003"),
        "weights": Param("bool", False, unit="",
                         meaning="p(u, v) = the arc's weight in graph.file (needs "
                                 "graph.weighted)."),
    })

    def __init__(self, p: float | str | ArcScheme | ArrayLike):
        if isinstance(p, np.ndarray) and p.ndim == 0 and p.dtype.kind in "iuf":
            p = p.item()  # a 0-d array is a number
        if isinstance(p, str):
            try:
                p = ArcScheme(p)
            except ValueError:
                allowed = ", ".join(repr(s.value) for s in ArcScheme)
                raise InvalidValue(f"IndependentCascade p must be a probability, an array "
                                 f"of them or one of {allowed}; got {p!r}") from None
        elif isinstance(p, numbers.Real) and not isinstance(p, bool):
            p = check_probability("IndependentCascade p", p)
        else:
            if isinstance(p, np.generic) or not (isinstance(p, (list, tuple, range))
                                                 or hasattr(p, "__array__")):
                check_probability("IndependentCascade p", p)  # raises the TypeError
            p = check_float_array("IndependentCascade p", p, None)
        object.__setattr__(self, "_p", p)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable; build a new one")

    @property
    def p(self) -> float | np.ndarray | ArcScheme:
        """The probability, per-arc array or :class:`ArcScheme` given at construction."""
        return self._p

    def __repr__(self) -> str:
        p = self._p
        if isinstance(p, np.ndarray):
            return f"IndependentCascade(p=<{p.shape[0]} per-arc values>)"
        return f"IndependentCascade(p={p.value if isinstance(p, ArcScheme) else p!r})"

    def arc_probabilities(self, graph: Graph) -> np.ndarray:
        """Return one probability per arc of ``graph``, in CSR arc order.

        Raises ``ValueError`` if a per-arc array does not have ``graph.num_arcs`` values.
        """
        p = self._p
        if p is ArcScheme.GRAPH_WEIGHTS:
            return _graph_weights(graph, "IndependentCascade('weights')")
        if isinstance(p, ArcScheme):
            return _in_degree_share(graph)
        if isinstance(p, np.ndarray):
            if p.shape[0] != graph.num_arcs:
                raise InvalidValue(f"IndependentCascade p has {p.shape[0]} per-arc values "
                                 f"but the graph has {graph.num_arcs} arcs")
            return p
        return np.full(graph.num_arcs, p)


class LinearThreshold:
    """Linear Threshold: a node activates once its active in-neighbours' weight reaches
    its threshold.

    Node ``v`` becomes active at step ``t + 1`` once the weights of arcs from nodes
    active by step ``t`` sum to at least its threshold (Granovetter 1978; Kempe,
    Kleinberg & Tardos 2003). The in-weights of every node must sum to at most 1.

    By default each node draws its threshold uniform on (0, 1] in every run; then the
    final active set has the same law as reachability in a random graph where each node
    keeps one in-arc, arc ``(u, v)`` with probability ``w(u, v)`` (the live-edge view).
    With fixed ``thresholds`` the process is deterministic and draws no random number;
    with the default weights ``1 / in-degree`` a node then activates once the share of
    its in-neighbours that are active reaches its threshold (Watts 2002).

    Parameters
    ----------
    weights : array_like or "graph", optional
        One weight in [0, 1] per arc, in CSR arc order; or ``"graph"``, the graph's own
        arc weights (``graph.weights``). Default: ``1 / in-degree(v)``.
    thresholds : float or array_like, optional
        One threshold in (0, 1] for every node, or one per node. Default: drawn uniform
        on (0, 1] per node and run. Because weight sums are rounded, a sum within a
        relative ``THRESHOLD_SLACK`` below a fixed threshold counts as reaching it (so 8
        of 10 in-neighbours at weight 0.1 do reach 0.8).

    Raises
    ------
    ValueError
        If a weight is outside [0, 1], a threshold outside (0, 1], either is NaN, or
        ``weights`` is a string other than ``"graph"``. :func:`refsim.simulate` also
        refuses arrays whose length does not match the graph, in-weights summing to more
        than 1, and (with ``"graph"``) a graph without weights or with a weight outside
        [0, 1].
    TypeError
        If ``weights`` or ``thresholds`` is not made of real numbers.

    Examples
    --------
    >>> LinearThreshold()
    LinearThreshold(weights=1/in-degree)
    >>> LinearThreshold(thresholds=0.5)
    LinearThreshold(weights=1/in-degree, thresholds=0.5)
    >>> LinearThreshold([0.5, -0.1])
    Traceback (most recent call last):
    ...
    refsim.errors.InvalidValue: LinearThreshold weights[1] must be in [0, 1]; got -0.1 (1 bad value(s) in all)
    >>> LinearThreshold(thresholds=0)
    Traceback (most recent call last):
    ...
    refsim.errors.InvalidValue: LinearThreshold thresholds must be in (0, 1]; got 0.0

    With fixed thresholds the outcome is the same in every run: on the path a - b - c
    with threshold 0.5, b has half its neighbours active once a is, c all of its one.

    >>> from refsim import Graph, simulate
    >>> g = Graph.from_edges([0, 1], [1, 2])
    >>> simulate(g, LinearThreshold(thresholds=0.5), [0], runs=3).curves.tolist()
    [[1, 2, 3], [1, 2, 3], [1, 2, 3]]
    """

    __slots__ = ("_weights", "_thresholds")

    #: The ``[model]`` keys of ``kind = "lt"``.
    PARAMS = MappingProxyType({
        "weights": Param("bool", False, unit="",
                         meaning="Arc weights from graph.file (needs graph.weighted); "
                                 "default 1 / in-degree."),
        "thresholds": Param("prob", low_open=True, unit="share of in-weight",
                            meaning="One fixed threshold for every node (default: uniform "
                                    "on (0, 1] per node and run).",
                            source="Granovetter 1978, Am. J. Sociology 83(6); Watts 2002, "
                                   "PNAS 99(9)"),
    })

    #: Slack allowed on in-weight sums above 1, for floating-point rounding.
    SUM_TOLERANCE = 1e-9
    #: Relative slack below a fixed threshold that still counts as reaching it.
    THRESHOLD_SLACK = 1e-9

    def __init__(self, weights: ArrayLike | Literal["graph"] | None = None, *,
                 thresholds: float | ArrayLike | None = None):
        if isinstance(weights, (str, numbers.Number, np.generic)):
            if weights != "graph":
                error = InvalidValue if isinstance(weights, str) else InvalidType
                raise error(f"LinearThreshold weights must be one weight per arc, 'graph' "
                            f"(the graph's arc weights) or None; got {show_value(weights)}")
        elif weights is not None:
            weights = check_float_array("LinearThreshold weights", weights, None)
        if thresholds is not None:
            if isinstance(thresholds, np.ndarray) and thresholds.ndim == 0:
                thresholds = thresholds.item()  # a 0-d array is a number
            if isinstance(thresholds, (numbers.Real, np.generic, str, bytes)):
                thresholds = check_probability("LinearThreshold thresholds", thresholds,
                                               low_open=True)
            else:
                thresholds = check_float_array("LinearThreshold thresholds", thresholds, None,
                                               what="node", low_open=True)
        object.__setattr__(self, "_weights", weights)
        object.__setattr__(self, "_thresholds", thresholds)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable; build a new one")

    @property
    def weights(self) -> np.ndarray | Literal["graph"] | None:
        """The per-arc weights, ``"graph"``, or ``None`` for ``1 / in-degree``."""
        return self._weights

    @property
    def thresholds(self) -> float | np.ndarray | None:
        """The fixed threshold (float) or per-node thresholds, or ``None`` for random."""
        return self._thresholds

    def __repr__(self) -> str:
        w = self._weights
        text = ("1/in-degree" if w is None else repr(w) if isinstance(w, str)
                else f"<{w.shape[0]} per-arc values>")
        t = self._thresholds
        if t is not None:
            text += f", thresholds={t!r}" if isinstance(t, float) else (
                f", thresholds=<{t.shape[0]} per-node values>")
        return f"LinearThreshold(weights={text})"

    def arc_weights(self, graph: Graph) -> np.ndarray:
        """Return one weight per arc of ``graph``, checking each node's in-weights sum to <= 1."""
        if self._weights is None:
            return _in_degree_share(graph)
        if isinstance(self._weights, str):
            w = _graph_weights(graph, "LinearThreshold(weights='graph')")
        else:
            w = self._weights
            if w.shape[0] != graph.num_arcs:
                raise InvalidValue(f"LinearThreshold weights has {w.shape[0]} per-arc values "
                                   f"but the graph has {graph.num_arcs} arcs")
        totals = np.bincount(graph.indices, weights=w, minlength=graph.n)
        over = totals > 1.0 + self.SUM_TOLERANCE
        if over.any():
            v = int(np.flatnonzero(over)[0])
            raise InvalidValue(f"LinearThreshold weights into node {graph.label(v)!r} sum to "
                             f"{totals[v]:.6g}; in-weights of each node must sum to at most 1 "
                             f"({int(over.sum())} node(s) over)")
        return w

    def threshold_levels(self, graph: Graph) -> np.ndarray:
        """Return the levels the kernel compares weight sums with: none (thresholds are
        drawn), one for every node, or one per node of ``graph``; each is a fixed
        threshold lowered by the relative :attr:`THRESHOLD_SLACK`."""
        t = self._thresholds
        if t is None:
            return np.zeros(0)
        if isinstance(t, np.ndarray) and t.shape[0] != graph.n:
            raise InvalidValue(f"LinearThreshold thresholds has {t.shape[0]} per-node values "
                               f"but the graph has {graph.n} nodes")
        return np.atleast_1d(t) * (1.0 - self.THRESHOLD_SLACK)



# -- the IC and LT model kinds -----------------------------------------------------------

def _ic_from_config(cfg, graph):
    m = cfg["model"]
    if "p_over_threshold" in m:
        import math

        from .profile import epidemic_threshold

        pc = epidemic_threshold(graph)
        if not math.isfinite(pc):
            raise InvalidValue("model.p_over_threshold: the graph has no epidemic "
                               "threshold (<k^2> <= 2<k>: no cascade can grow); give "
                               "model.p instead")
        return IndependentCascade(min(1.0, m["p_over_threshold"] * pc))
    if m.get("weights"):
        return IndependentCascade("weights")
    return IndependentCascade("weighted_cascade" if m.get("weighted_cascade") else m["p"])


def _lt_from_config(cfg, graph):
    m = cfg["model"]
    return LinearThreshold("graph" if m.get("weights") else None,
                           thresholds=m.get("thresholds"))


def _run_ic(graph, model, seed_sets, seq, **how):
    from .simulate import ic_kernel_args, run_cascade

    return run_cascade(graph, model, *ic_kernel_args(graph, model), seed_sets, seq, **how)


def _run_lt(graph, model, seed_sets, seq, **how):
    from .simulate import lt_kernel_args, run_cascade

    return run_cascade(graph, model, *lt_kernel_args(graph, model), seed_sets, seq, **how)


def _register():
    from .model_registry import (
        ModelKind,
        Series,
        cascade_curves,
        cascade_metrics,
        reach_and_steps,
        register_model,
    )

    adopters = (Series("adopters", "nodes", "Active nodes, seeds included.", monotone=True),)
    register_model(ModelKind(
        name="ic", cls=IndependentCascade, label="Independent Cascade", run=_run_ic,
        metrics=cascade_metrics(), per_run=reach_and_steps, series=adopters,
        curves=cascade_curves, from_config=_ic_from_config,
        check_on=lambda graph, model: model.arc_probabilities(graph),
        in_arcs=lambda graph, model: (0, model.arc_probabilities(graph)[
            graph.in_arcs.arc_ids])))
    register_model(ModelKind(
        name="lt", cls=LinearThreshold, label="Linear Threshold", run=_run_lt,
        metrics=cascade_metrics(), per_run=reach_and_steps, series=adopters,
        curves=cascade_curves, from_config=_lt_from_config,
        check_on=lambda graph, model: (model.arc_weights(graph),
                                       model.threshold_levels(graph)),
        in_arcs=lambda graph, model: (1, model.arc_weights(graph)[
            graph.in_arcs.arc_ids])))


_register()
