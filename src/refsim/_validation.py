"""Checks at the public door. Each error names the argument, the value and what is allowed."""

from __future__ import annotations

import numbers

import numpy as np

from .errors import InvalidType, InvalidValue


def show_value(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_probability(name: str, value, *, low_open: bool = False) -> float:
    """Return ``value`` as a float, or raise unless it is a real number in [0, 1] (in
    (0, 1] if ``low_open``)."""
    allowed = "(0, 1]" if low_open else "[0, 1]"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidType(f"{name} must be a number in {allowed}; got {show_value(value)} "
                        f"of type {type(value).__name__}")
    value = float(value)
    if not ((0.0 < value) if low_open else (0.0 <= value)) or not value <= 1.0:  # and NaN
        raise InvalidValue(f"{name} must be in {allowed}; got {value!r}")
    return value


def check_nonnegative(name: str, value) -> float:
    """Return ``value`` as a float, or raise unless it is a finite real number >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidType(f"{name} must be a number >= 0; got {show_value(value)} "
                        f"of type {type(value).__name__}")
    value = float(value)
    if not (value >= 0.0 and np.isfinite(value)):
        raise InvalidValue(f"{name} must be a finite number >= 0; got {value!r}")
    return value


def check_int(name: str, value, *, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """Return ``value`` as an int, or raise unless it is an integer within the bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidType(f"{name} must be an int; got {show_value(value)} "
                        f"of type {type(value).__name__}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise InvalidValue(f"{name} must be >= {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise InvalidValue(f"{name} must be <= {maximum}; got {value}")
    return value


def check_float_array(name: str, values, length: int | None, *, low: float = 0.0,
                      high: float | None = 1.0, what: str = "arc",
                      low_open: bool = False) -> np.ndarray:
    """Return ``values`` as a read-only float64 array of ``length`` (any if ``None``),
    each in [low, high] (in (low, high] if ``low_open``)."""
    try:
        raw = np.asarray(values)
    except (ValueError, TypeError):  # ragged nesting
        raise InvalidValue(f"{name} must be one-dimensional (one value per {what}); got "
                           f"{show_value(values)}") from None
    if raw.dtype.kind not in "iuf" and not (raw.dtype.kind == "O" and raw.size == 0):
        raise InvalidType(f"{name} must be an array of real numbers; got {show_value(values)} "
                        f"(dtype {raw.dtype})")
    arr = np.array(raw, dtype=np.float64)
    if arr.ndim != 1:
        raise InvalidValue(f"{name} must be one-dimensional (one value per {what}); "
                         f"got shape {arr.shape}")
    if length is not None and arr.shape[0] != length:
        raise InvalidValue(f"{name} must have one value per {what}: length {length}; "
                         f"got length {arr.shape[0]}")
    above = arr > low if low_open else arr >= low
    bad = ~(above & ((arr <= high) if high is not None else np.isfinite(arr)))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        allowed = ("(" if low_open else "[") + f"{low:g}, " + (
            f"{high:g}]" if high is not None else "inf)")
        raise InvalidValue(f"{name}[{i}] must be in {allowed}; got {float(arr[i])!r} "
                         f"({int(bad.sum())} bad value(s) in all)")
    arr.setflags(write=False)
    return arr


def _id_array(name: str, nodes, n: int, ndim: int = 1) -> np.ndarray:
    """Return ``nodes`` as an int64 array of ``ndim`` dimensions, refusing anything but
    integers; ranges are checked by the caller, except values int64 cannot hold."""
    if isinstance(nodes, numbers.Integral) and not isinstance(nodes, bool):
        nodes = [nodes]
    if isinstance(nodes, (set, frozenset, dict)):
        raise InvalidType(f"{name} must be a list or array of node ids; got a "
                          f"{type(nodes).__name__}, whose order is not fixed (the order of "
                          f"the seeds fixes the order of the random draws): pass "
                          f"sorted({name.split('[')[0]}) or a list")
    try:
        arr = np.asarray(nodes)
    except (ValueError, TypeError):  # ragged nesting
        raise InvalidValue(f"{name} must be a one-dimensional list of node ids; got "
                           f"{show_value(nodes)}") from None
    if arr.ndim == 0 and ndim == 1 and arr.dtype.kind in "iu":
        arr = arr.reshape(1)  # a 0-d array is one id
    if arr.dtype == object and arr.ndim == 1:
        # Python ints beyond 64 bits: report the first one as out of range
        big = next((x for x in arr.tolist() if isinstance(x, numbers.Integral)
                    and not isinstance(x, bool) and not 0 <= x < n), None)
        if big is not None:
            raise InvalidValue(f"{name} holds node {big}, which is not in the graph; "
                               f"nodes are numbered 0..{n - 1}")
    if arr.dtype.kind not in "iu":
        if arr.size == 0 and arr.ndim == ndim:
            arr = arr.astype(np.int64)
        else:
            raise InvalidType(f"{name} must be integer node ids in 0..{n - 1}; got "
                              f"{show_value(nodes)} (dtype {arr.dtype}); map labels to ids "
                              f"with graph.node_ids(labels)")
    if arr.ndim != ndim:
        what = "one-dimensional list of node ids" if ndim == 1 else "2-D array"
        raise InvalidValue(f"{name} must be a {what}; got shape {arr.shape}")
    if arr.dtype.kind == "u" and arr.size and arr.max() >= n:  # before any wrap-around
        raise InvalidValue(f"{name} holds node {int(arr.max())}, which is not in the graph; "
                           f"nodes are numbered 0..{n - 1}")
    return arr.astype(np.int64)


_SMALL = 64  # seed sets up to this size are checked without sorting


def _check_sets(nodes: np.ndarray, hi: np.ndarray | None, n: int, name: str) -> None:
    """Refuse ids outside ``0..n-1`` and ids repeated within one set.

    ``hi`` holds the end of each set in ``nodes`` (``None``: one set); an error names
    set ``i`` as ``name[i]``.
    """
    def label(j):
        return name if hi is None else f"{name}[{int(np.searchsorted(hi, j, 'right'))}]"

    if hi is None and nodes.shape[0] <= _SMALL:  # a handful of seeds: plain Python is quicker
        ids = nodes.tolist()
        if not ids or (0 <= min(ids) and max(ids) < n and len(set(ids)) == len(ids)):
            return
    bad = (nodes < 0) | (nodes >= n)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise InvalidValue(f"{label(j)} holds node {int(nodes[j])}, which is not in the "
                           f"graph; nodes are numbered 0..{n - 1}")
    if hi is None:
        order = np.argsort(nodes, kind="stable")
        same = nodes[order][1:] == nodes[order][:-1]
    else:
        owner = np.repeat(np.arange(hi.shape[0]), np.diff(hi, prepend=0))
        order = np.lexsort((nodes, owner))
        same = ((nodes[order][1:] == nodes[order][:-1])
                & (owner[order][1:] == owner[order][:-1]))
    if same.any():
        j = int(order[np.flatnonzero(same)[0]])
        raise InvalidValue(f"{label(j)} lists node {int(nodes[j])} more than once; seeds "
                           f"must be distinct")


def as_node_array(name: str, nodes, n: int, *, allow_empty: bool = True) -> np.ndarray:
    """Return ``nodes`` as an int64 array, in the order given, of distinct ids in
    ``0..n-1``."""
    arr = _id_array(name, nodes, n)
    if arr.size == 0 and not allow_empty:
        raise InvalidValue(f"{name} must name at least one node; got an empty list")
    _check_sets(arr, None, n, name)
    return arr


def _is_id_set(x) -> bool:
    """Whether ``x`` is a collection of node ids rather than one id."""
    return isinstance(x, (list, tuple, range)) or (isinstance(x, np.ndarray) and x.ndim >= 1)


def count_ids(seeds) -> int:
    """Return how many node ids ``seeds`` holds, over all its sets, without converting it."""
    if isinstance(seeds, np.ndarray):
        return int(seeds.size)
    if isinstance(seeds, (list, tuple, range)):
        return sum(count_ids(x) if _is_id_set(x) else 1 for x in seeds)
    return 1


def _per_run_sets(seeds):
    """Return the sets of a per-run ``seeds`` (a 2-D array or a list), or ``None`` when
    ``seeds`` is one set."""
    if isinstance(seeds, np.ndarray):
        if seeds.ndim == 2:
            return seeds
        if not (seeds.dtype == object and seeds.ndim == 1 and seeds.size):
            return None
        seeds = seeds.tolist()
    if not isinstance(seeds, (list, tuple)) or not seeds:
        return None
    kinds = [_is_id_set(x) for x in seeds]
    if not any(kinds):
        return None
    if not all(kinds):
        i = kinds.index(False) if kinds[0] else kinds.index(True)
        raise InvalidType(f"seeds must be one seed set (a flat list of node ids) or one set "
                          f"per run; got a mix: seeds[0] is {show_value(seeds[0], 30)} but "
                          f"seeds[{i}] is {show_value(seeds[i], 30)}")
    return seeds


def as_seed_sets(seeds, n: int, runs: int):
    """Return ``(nodes, lo, hi)``: run ``i`` of ``runs`` starts from ``nodes[lo[i]:hi[i]]``.

    ``seeds`` is one set shared by every run (then ``lo = 0`` and ``hi = k``: O(runs)
    setup) or one set per run: a sequence of ``runs`` sets, possibly of different sizes,
    or a 2-D int array with one row per run. Each set holds distinct ids in ``0..n-1``;
    an error names the set (``seeds[3]``). All arrays are int64.
    """
    sets = _per_run_sets(seeds)
    if sets is None:
        nodes = as_node_array("seeds", seeds, n)
        return nodes, np.zeros(runs, np.int64), np.full(runs, nodes.shape[0], np.int64)
    if len(sets) != runs:
        raise InvalidValue(f"seeds holds {len(sets)} seed set(s) but runs={runs}; give one "
                           f"set per run, or one flat list of node ids shared by every run")
    if isinstance(sets, np.ndarray):
        rows = _id_array("seeds", sets, n, ndim=2)
        nodes = rows.reshape(-1)
        lengths = np.full(runs, rows.shape[1], np.int64)
    else:
        parts = [_id_array(f"seeds[{i}]", s, n) for i, s in enumerate(sets)]
        nodes = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        lengths = np.array([p.shape[0] for p in parts], dtype=np.int64)
    hi = np.cumsum(lengths)
    _check_sets(nodes, hi, n, "seeds")
    return nodes, hi - lengths, hi


def scalar_or_nodes(owner, name, value, *, probability=True):
    """Check a parameter given as one number or one value per node."""
    label = f"{owner} {name}"
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()  # a 0-d array is a number
    if isinstance(value, (numbers.Real, np.bool_)):  # numpy scalars too; bools refused
        return check_probability(label, value) if probability else check_nonnegative(
            label, value)
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise InvalidType(f"{label} must be a number or one value per node; got "
                          f"{type(value).__name__}")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidValue(f"{label} must be a number or one value per node (a flat list "
                           f"of numbers); got {show_value(value)}") from None
    if arr.ndim != 1:
        raise InvalidValue(f"{label} must be a number or one value per node; got shape "
                           f"{arr.shape}")
    return check_float_array(label, arr, arr.shape[0], what="node",
                             high=1.0 if probability else None)


def per_node_values(owner, name, value, n):
    """Broadcast a checked scalar-or-array parameter to n nodes."""
    if isinstance(value, np.ndarray):
        if value.shape[0] != n:
            raise InvalidValue(f"{owner} {name} has {value.shape[0]} values but the graph "
                             f"has {n} nodes")
        return value
    return np.full(n, float(value))
