"""Diffusion models as frozen parameter objects, checked when they are built.

A model holds parameters only. ``refsim.simulate`` pairs it with a graph, checks what
depends on the graph (per-arc lengths, in-weight sums) and runs the matching kernel.
"""

from __future__ import annotations

import enum
import numbers

import numpy as np

from ._validation import check_float_array, check_probability
from .errors import InvalidValue

__all__ = ["ArcScheme", "IndependentCascade", "LinearThreshold"]


class ArcScheme(str, enum.Enum):
    """Named rules that derive per-arc probabilities from the graph."""

    #: p(u, v) = 1 / in-degree(v) (Kempe, Kleinberg & Tardos 2003).
    WEIGHTED_CASCADE = "weighted_cascade"


def _in_degree_share(graph) -> np.ndarray:
    """Return 1 / in-degree of each arc's target, aligned with CSR arc order."""
    indeg = np.bincount(graph.indices, minlength=graph.n)
    return 1.0 / indeg[graph.indices]


class IndependentCascade:
    """Independent Cascade: each newly active node gets one chance per out-arc.

    When node ``u`` becomes active at step ``t``, each inactive out-neighbour ``v``
    becomes active at step ``t + 1`` with probability ``p(u, v)``, independently; ``u``
    never tries again (Goldenberg, Libai & Muller 2001; Kempe, Kleinberg & Tardos 2003).

    Parameters
    ----------
    p : float, array_like or {"weighted_cascade"}
        One probability in [0, 1] for every arc; or one per arc, aligned with the
        graph's CSR arc order (``graph.indptr``/``graph.indices``); or
        ``"weighted_cascade"``, meaning ``p(u, v) = 1 / in-degree(v)``.

    Raises
    ------
    ValueError
        If a probability is outside [0, 1] or NaN, or ``p`` is an unknown scheme name.
    TypeError
        If ``p`` is neither a number, an array of numbers nor a scheme name.

    Examples
    --------
    >>> IndependentCascade(0.1)
    IndependentCascade(p=0.1)
    >>> IndependentCascade("weighted_cascade").p
    <ArcScheme.WEIGHTED_CASCADE: 'weighted_cascade'>
    >>> IndependentCascade(1.5)
    Traceback (most recent call last):
    ...
    refsim.errors.InvalidValue: IndependentCascade p must be in [0, 1]; got 1.5
    """

    __slots__ = ("_p",)

    def __init__(self, p):
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
            arr = np.asarray(p) if not isinstance(p, bool) else None
            if arr is None or arr.ndim == 0:
                check_probability("IndependentCascade p", p)  # raises the TypeError
            p = check_float_array("IndependentCascade p", arr, len(arr) if arr.ndim else 0)
        object.__setattr__(self, "_p", p)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable; build a new one")

    @property
    def p(self):
        """The probability, per-arc array or :class:`ArcScheme` given at construction."""
        return self._p

    def __repr__(self) -> str:
        p = self._p
        if isinstance(p, np.ndarray):
            return f"IndependentCascade(p=<{p.shape[0]} per-arc values>)"
        return f"IndependentCascade(p={p.value if isinstance(p, ArcScheme) else p!r})"

    def arc_probabilities(self, graph) -> np.ndarray:
        """Return one probability per arc of ``graph``, in CSR arc order.

        Raises ``ValueError`` if a per-arc array does not have ``graph.num_arcs`` values.
        """
        p = self._p
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

    Each node ``v`` draws a threshold uniform on (0, 1] per run; ``v`` becomes active at
    step ``t + 1`` once the weights of arcs from nodes active by step ``t`` sum to at
    least the threshold (Granovetter 1978; Kempe, Kleinberg & Tardos 2003). The
    in-weights of every node must sum to at most 1; then the final active set has the
    same law as reachability in a random graph where each node keeps one in-arc, arc
    ``(u, v)`` with probability ``w(u, v)`` (the live-edge view).

    Parameters
    ----------
    weights : array_like, optional
        One weight >= 0 per arc, in CSR arc order. Default: ``1 / in-degree(v)``.

    Examples
    --------
    >>> LinearThreshold()
    LinearThreshold(weights=1/in-degree)
    >>> LinearThreshold([0.5, -0.1])
    Traceback (most recent call last):
    ...
    refsim.errors.InvalidValue: LinearThreshold weights[1] must be in [0, 1]; got -0.1 (1 bad value(s) in all)
    """

    __slots__ = ("_weights",)

    #: Slack allowed on in-weight sums above 1, for floating-point rounding.
    SUM_TOLERANCE = 1e-9

    def __init__(self, weights=None):
        if weights is not None:
            arr = np.asarray(weights)
            if arr.ndim != 1:
                raise InvalidValue(f"LinearThreshold weights must be one-dimensional "
                                 f"(one per arc); got shape {arr.shape}")
            weights = check_float_array("LinearThreshold weights", arr, arr.shape[0])
        object.__setattr__(self, "_weights", weights)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable; build a new one")

    @property
    def weights(self):
        """The per-arc weights, or ``None`` for ``1 / in-degree``."""
        return self._weights

    def __repr__(self) -> str:
        if self._weights is None:
            return "LinearThreshold(weights=1/in-degree)"
        return f"LinearThreshold(weights=<{self._weights.shape[0]} per-arc values>)"

    def arc_weights(self, graph) -> np.ndarray:
        """Return one weight per arc of ``graph``, checking each node's in-weights sum to <= 1."""
        if self._weights is None:
            return _in_degree_share(graph)
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
