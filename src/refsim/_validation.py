"""Checks at the public door. Each error names the argument, the value and what is allowed."""

from __future__ import annotations

import numbers

import numpy as np

from .errors import InvalidType, InvalidValue


def _show(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_probability(name: str, value) -> float:
    """Return ``value`` as a float, or raise unless it is a real number in [0, 1]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidType(f"{name} must be a number in [0, 1]; got {_show(value)} "
                        f"of type {type(value).__name__}")
    value = float(value)
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        raise InvalidValue(f"{name} must be in [0, 1]; got {value!r}")
    return value


def check_nonnegative(name: str, value) -> float:
    """Return ``value`` as a float, or raise unless it is a finite real number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidType(f"{name} must be a number >= 0; got {_show(value)} "
                        f"of type {type(value).__name__}")
    value = float(value)
    if not (value >= 0.0 and np.isfinite(value)):
        raise InvalidValue(f"{name} must be a finite number >= 0; got {value!r}")
    return value


def check_int(name: str, value, *, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """Return ``value`` as an int, or raise unless it is an integer within the bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidType(f"{name} must be an int; got {_show(value)} "
                        f"of type {type(value).__name__}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise InvalidValue(f"{name} must be >= {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise InvalidValue(f"{name} must be <= {maximum}; got {value}")
    return value


def check_float_array(name: str, values, length: int, *, low: float = 0.0,
                      high: float | None = 1.0, what: str = "arc") -> np.ndarray:
    """Return ``values`` as a read-only float64 array of ``length``, each in [low, high]."""
    raw = np.asarray(values)
    if raw.dtype.kind not in "iuf" and not (raw.dtype.kind == "O" and raw.size == 0):
        raise InvalidType(f"{name} must be an array of real numbers; got {_show(values)} "
                        f"(dtype {raw.dtype})")
    arr = np.array(raw, dtype=np.float64)
    if arr.ndim != 1:
        raise InvalidValue(f"{name} must be one-dimensional (one value per {what}); "
                         f"got shape {arr.shape}")
    if arr.shape[0] != length:
        raise InvalidValue(f"{name} must have one value per {what}: length {length}; "
                         f"got length {arr.shape[0]}")
    bad = ~((arr >= low) & ((arr <= high) if high is not None else np.isfinite(arr)))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        allowed = f"[{low:g}, {high:g}]" if high is not None else f"[{low:g}, inf)"
        raise InvalidValue(f"{name}[{i}] must be in {allowed}; got {float(arr[i])!r} "
                         f"({int(bad.sum())} bad value(s) in all)")
    arr.setflags(write=False)
    return arr


def as_node_array(name: str, nodes, n: int, *, allow_empty: bool = True) -> np.ndarray:
    """Return ``nodes`` as a sorted-as-given int64 array of distinct ids in ``0..n-1``."""
    if isinstance(nodes, numbers.Integral) and not isinstance(nodes, bool):
        nodes = [nodes]
    arr = np.asarray(nodes)
    if arr.dtype == object or arr.dtype.kind not in "iu":
        if arr.size == 0 and arr.ndim == 1:
            arr = arr.astype(np.int64)
        else:
            raise InvalidType(f"{name} must be integer node ids in 0..{n - 1}; got "
                            f"{_show(nodes)} (dtype {arr.dtype}); map labels to ids "
                            f"with graph.node_ids(labels)")
    if arr.ndim != 1:
        raise InvalidValue(f"{name} must be a one-dimensional list of node ids; "
                         f"got shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise InvalidValue(f"{name} must name at least one node; got an empty list")
    if arr.dtype.kind == "u" and arr.size and arr.max() >= n:  # before any wrap-around
        raise InvalidValue(f"{name} holds node {int(arr.max())}, which is not in the graph; "
                         f"nodes are numbered 0..{n - 1}")
    arr = arr.astype(np.int64)
    bad = (arr < 0) | (arr >= n)
    if bad.any():
        v = int(arr[np.flatnonzero(bad)[0]])
        raise InvalidValue(f"{name} holds node {v}, which is not in the graph; "
                         f"nodes are numbered 0..{n - 1}")
    uniq, counts = np.unique(arr, return_counts=True)
    if (counts > 1).any():
        v = int(uniq[np.flatnonzero(counts > 1)[0]])
        raise InvalidValue(f"{name} lists node {v} more than once; seeds must be distinct")
    return arr
