"""Short text for sweep axes, their values and the cells they make: what a figure's
labels, ticks and panel titles show instead of full config keys and graph specs."""

from __future__ import annotations

import re
import textwrap

import numpy as np
import pandas as pd

from ..analysis import sweep_axes
from ..errors import InvalidValue
from ..specs import parse_kwargs

#: Longest line of a tick label or a value in a panel title; longer text is wrapped.
MAX_LABEL = 30

#: Config keys whose value names the graph itself (``graph.spec = "holme_kim:..."``).
_GRAPH_KEYS = ("spec", "generator", "dataset", "file")
_SPEC = re.compile(r"([A-Za-z_]\w*):(.*)", re.DOTALL)


def axis_label(key: str, unit: str = "") -> str:
    """Return a sweep axis's short name, with its unit in parentheses when given.

    Parameters
    ----------
    key : str
        The dotted config key of the axis.
    unit : str, default ""
        Its unit (see ``refsim config reference``); empty for none.

    Returns
    -------
    str
        The last part of the key in words (``_over_`` read as ``/``); the section for
        a key that names the graph (``graph.spec`` is ``graph``); a segment's key
        keeps the segment's name.

    Examples
    --------
    >>> axis_label("model.p_over_threshold")
    'p / threshold'
    >>> axis_label("graph.spec")
    'graph'
    >>> axis_label("campaign.reward", "$ per converted referral")
    'reward ($ per converted referral)'
    >>> axis_label("population.segments.influencer.trust")
    'influencer trust'
    """
    parts = str(key).split(".")
    if len(parts) > 1 and parts[-1] in _GRAPH_KEYS:
        name = parts[0]
    else:
        rest = parts[1:] or parts
        if rest[0] == "segments" and len(rest) > 1:
            rest = rest[1:]
        name = " ".join(rest).replace("_over_", " / ").replace("_", " ")
    return f"{name} ({unit})" if unit else name


def value_labels(values, width: int = MAX_LABEL) -> list[str]:
    """Return short text for the values of one sweep axis, aligned with them.

    Parameters
    ----------
    values : sequence
        The axis's distinct values.
    width : int, default :data:`MAX_LABEL`
        Longest line; longer text is wrapped at spaces onto a second line and cut
        (with an ellipsis) after it.

    Returns
    -------
    list of str
        Numbers in short form; a graph spec ``NAME:key=value,...`` as its generator or
        dataset ``NAME``, followed by the parameters that differ between the values
        sharing that name; a file path as its file name; anything else as it is.

    Examples
    --------
    >>> value_labels([0.5, 1.0, 5000.0])
    ['0.5', '1', '5,000']
    >>> value_labels(["barabasi_albert:n=5000,m=3", "holme_kim:n=5000,m=3,triad_p=0.8",
    ...               "holme_kim:n=5000,m=3,triad_p=0.2", "data/friends.csv.gz"])
    ['barabasi_albert', 'holme_kim triad_p=0.8', 'holme_kim triad_p=0.2', 'friends.csv.gz']
    """
    specs = [_spec(v) for v in values]
    out = []
    for value, spec in zip(values, specs):
        if spec is None:
            out.append(_file_name(value) if isinstance(value, str) else value_text(value))
            continue
        name, kwargs = spec
        same = [s[1] for s in specs if s is not None and s[0] == name]
        differ = [k for k, v in kwargs.items() if any(o.get(k, _Absent) != v for o in same)]
        out.append(" ".join([name, *(f"{k}={_literal(kwargs[k])}" for k in differ)]))
    return [_fit(text, width) for text in out]


def cell_titles(frame: pd.DataFrame, cells, units=None) -> list[str]:
    """Return a short title per cell: its sweep values, one axis a line
    (``graph = holme_kim`` then ``reward = $5``).

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with a ``cell`` column and the sweep-axis columns (a summary, say).
    cells : sequence of int
        The cells to name.
    units : dict, optional
        Axis key to unit; a value of a dollar axis is written with ``$``.

    Returns
    -------
    list of str
        Aligned with ``cells``; ``""`` for a frame without sweep axes. Values are named
        by :func:`value_labels` over all of the axis's values in ``frame``.

    Examples
    --------
    >>> frame = pd.DataFrame({"cell": [0, 1], "campaign.reward": [5.0, 10.0],
    ...                       "campaign": "a"})
    >>> cell_titles(frame, [1], {"campaign.reward": "$ per converted referral"})
    ['reward = $10']
    """
    units = units or {}
    first = frame.drop_duplicates("cell").set_index("cell")
    names = {axis: value_names(first[axis], units.get(axis, ""))
             for axis in sweep_axes(frame)}
    return ["\n".join(f"{axis_label(a)} = {names[a][first.at[c, a]]}" for a in names)
            for c in cells]


def value_names(values, unit: str = "") -> dict:
    """``{value: short text}`` for the values of one sweep axis, on one line, with ``$``
    before the values of a dollar axis (see :func:`value_labels`).

    Examples
    --------
    >>> value_names([5.0, 10.0], "$ per converted referral")
    {5.0: '$5', 10.0: '$10'}
    """
    levels = list(pd.unique(pd.Series(list(values), dtype=object)))
    money = "$" if str(unit).startswith("$") else ""
    return {v: money + t.replace("\n", " ") for v, t in zip(levels, value_labels(levels))}


def value_text(value):
    """Axis value as text: numbers in short form (whole ones with thousands separators),
    anything else as is."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if float(value).is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:g}"
    return str(value)


class _Absent:
    """A parameter one spec sets and another leaves out (so the two differ)."""


def _spec(value):
    """``(name, kwargs)`` of a graph spec ``NAME:key=value,...``, else None."""
    match = _SPEC.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return match.group(1), parse_kwargs(match.group(1), match.group(2))
    except InvalidValue:
        return None


def _file_name(text: str) -> str:
    """The last part of a path (a text without a folder separator as it is)."""
    return re.split(r"[/\\]", text)[-1] or text


def _literal(value) -> str:
    """A spec's parameter value as written in a spec (``sizes=[50,50]``)."""
    return str(value).replace(" ", "")


def _fit(text: str, width: int) -> str:
    """``text`` in at most two lines of ``width`` characters."""
    lines = textwrap.wrap(text, width) or [text]
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])[:width - 1] + "\N{HORIZONTAL ELLIPSIS}"]
    return "\n".join(lines)
