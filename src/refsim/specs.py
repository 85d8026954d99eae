"""Turning a short text into a graph: an edge-list path, a dataset or a generator call."""

from __future__ import annotations

import ast
import inspect
import os

from . import datasets, generators
from .edgelist import read_edgelist
from .errors import InvalidValue

__all__ = ["graph_from_spec"]


def _generator_names():
    return sorted(generators.__all__)


def graph_from_spec(spec: str, *, rng=None, directed=False, weighted=False):
    """Return the graph a SPEC names.

    SPEC is one of
    - a path to an edge-list file (see :func:`refsim.read_edgelist`);
    - a dataset name from :func:`refsim.datasets.names`, e.g. ``karate_club``;
    - a generator and its keyword arguments, ``NAME:key=value,...``, e.g.
      ``barabasi_albert:n=100000,m=5`` or ``stochastic_block:sizes=[50,50],
      mean_degree_in=8,mean_degree_out=1``. Values are Python literals.

    Raises
    ------
    ValueError
        For an unknown name, a malformed argument list or bad parameters; the message
        lists what is allowed.

    Examples
    --------
    >>> graph_from_spec("watts_strogatz:n=100,k=4,beta=0.1", rng=1)
    <Graph undirected: 100 nodes, 400 arcs>
    >>> graph_from_spec("karate_club").n
    34
    """
    if not isinstance(spec, str) or not spec.strip():
        raise InvalidValue(f"graph spec must be a non-empty string; got {spec!r}")
    spec = spec.strip()
    if os.path.exists(spec):
        return read_edgelist(spec, directed=directed, weighted=weighted)
    name, _, args = spec.partition(":")
    name = name.strip()
    if name in datasets.names() and not args:
        return datasets.load(name)
    if name not in generators.__all__ or name == "block_probabilities":
        known = [n for n in _generator_names() if n != "block_probabilities"]
        raise InvalidValue(
            f"graph spec {spec!r} is not a file, a dataset ({', '.join(datasets.names())}) "
            f"or a generator ({', '.join(known)}); generators take NAME:key=value,...")
    kwargs = _parse_kwargs(name, args)
    fn = getattr(generators, name)
    params = inspect.signature(fn).parameters
    unknown = sorted(set(kwargs) - set(params) - {"rng"})
    if unknown:
        allowed = ", ".join(p for p in params if p != "rng")
        raise InvalidValue(f"{name} has no parameter {unknown[0]!r}; it takes {allowed}")
    missing = [p for p, v in params.items()
               if v.default is inspect.Parameter.empty and p not in kwargs]
    if missing:
        raise InvalidValue(f"{name} needs {', '.join(missing)}: e.g. "
                         f"{name}:{','.join(f'{p}=...' for p in missing)}")
    return fn(**kwargs, rng=rng)


def _parse_kwargs(name: str, text: str) -> dict:
    if not text.strip():
        return {}
    try:
        call = ast.parse(f"f({text})", mode="eval").body
        if not isinstance(call, ast.Call) or call.args:
            raise SyntaxError("positional")
        return {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
    except (SyntaxError, ValueError, TypeError):
        raise InvalidValue(f"cannot read the arguments of {name!r}: {text!r}; write "
                         f"key=value pairs separated by commas, e.g. n=1000,m=3") from None
