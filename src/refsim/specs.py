"""Turning a short text into a graph: an edge-list path, a dataset or a generator call."""

from __future__ import annotations

import ast
import difflib
import inspect
import os

from . import datasets, generators
from ._validation import show_value
from .edgelist import read_edgelist
from .errors import InvalidType, InvalidValue, MissingFile, RefsimError

__all__ = ["graph_from_spec"]

#: File name endings that mark a spec as a path even when no such file exists.
_FILE_ENDINGS = (".txt", ".csv", ".tsv", ".gz", ".edges", ".edgelist", ".el", ".dat")


def _generator_names():
    return [n for n in sorted(generators.__all__) if n != "block_probabilities"]


def graph_from_spec(spec: str, *, rng=None, directed=False, weighted=False, header=False,
                    encoding="utf-8"):
    """Return the graph a SPEC names.

    SPEC is one of
    - a path to an edge-list file (see :func:`refsim.read_edgelist`, which receives
      ``directed``, ``weighted``, ``header`` and ``encoding``);
    - a dataset name from :func:`refsim.datasets.names`, e.g. ``karate_club``;
    - a generator and its keyword arguments, ``NAME:key=value,...``, e.g.
      ``barabasi_albert:n=100000,m=5`` or ``stochastic_block:sizes=[50,50],
      mean_degree_in=8,mean_degree_out=1``. Values are Python literals; the
      randomness comes from ``rng``.

    ``directed``, ``weighted``, ``header`` and ``encoding`` apply to files only: datasets
    and generated graphs come as they are, and asking for them otherwise is an error.

    Raises
    ------
    InvalidValue
        For an unknown name (with the closest known ones), a malformed argument list,
        an unknown or missing parameter, options that apply to files only, or bad
        parameters (the generator's message, after its name).
    InvalidType
        If ``spec`` is not a string.
    MissingFile
        For a spec that looks like a path (it holds a folder separator or ends in
        ``.txt``, ``.csv``, ``.gz``, ...) but names no file.

    Examples
    --------
    >>> graph_from_spec("watts_strogatz:n=100,k=4,beta=0.1", rng=1)
    <Graph undirected: 100 nodes, 400 arcs>
    >>> graph_from_spec("karate_club").n
    34
    >>> graph_from_spec("watts_strogatz:n=100,k=400,beta=0.1")
    Traceback (most recent call last):
    ...
    refsim.errors.InvalidValue: watts_strogatz: k must be less than n = 100; got 400
    """
    if not isinstance(spec, str):
        raise InvalidType(f"graph spec must be a string (a file, a dataset or NAME:key=value,"
                          f"...); got {show_value(spec)} of type {type(spec).__name__}")
    if not spec.strip():
        raise InvalidValue("graph spec must be a non-empty string; give a file, a dataset "
                           "or NAME:key=value,...")
    spec = spec.strip()
    if os.path.exists(spec):
        return read_edgelist(spec, directed=directed, weighted=weighted, header=header,
                             encoding=encoding)
    if os.sep in spec or (os.altsep and os.altsep in spec) or spec.lower().endswith(
            _FILE_ENDINGS):
        raise MissingFile(f"graph spec {show_value(spec, 80)}: no such file")
    options = [f"{k}={v!r}" for k, v, default in (
        ("directed", directed, False), ("weighted", weighted, False),
        ("header", header, False), ("encoding", encoding, "utf-8")) if v != default]
    name, colon, args = spec.partition(":")
    name = name.strip()
    if name in datasets.names():
        if args.strip():
            raise InvalidValue(f"dataset {name} takes no arguments; got {show_value(args, 80)}")
        _no_file_options(options, f"dataset {name}")
        return datasets.load(name)
    if name not in _generator_names():
        known = _generator_names() + datasets.names()
        close = difflib.get_close_matches(name, known, n=3)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise InvalidValue(
            f"graph spec {show_value(spec, 80)} is not a file, a dataset "
            f"({', '.join(datasets.names())}) or a generator ({', '.join(_generator_names())})"
            f"; {hint}generators take NAME:key=value,...")
    kwargs = parse_kwargs(name, args)
    fn = getattr(generators, name)
    params = inspect.signature(fn).parameters
    allowed = ", ".join(p for p in params if p != "rng")
    if "rng" in kwargs:
        raise InvalidValue(f"{name}: rng cannot be set in a graph spec; the randomness comes "
                           f"from the seed (--seed, graph.seed)")
    unknown = sorted(set(kwargs) - set(params))
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(params), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise InvalidValue(f"{name} has no parameter {show_value(unknown[0], 40)}; {hint}"
                           f"it takes {allowed}")
    missing = [p for p, v in params.items()
               if v.default is inspect.Parameter.empty and p not in kwargs]
    if missing:
        raise InvalidValue(f"{name} needs {', '.join(missing)}: e.g. "
                           f"{name}:{','.join(f'{p}=...' for p in missing)}")
    _no_file_options(options, f"generator {name}")
    try:
        return fn(**kwargs, rng=rng)
    except RefsimError as exc:
        raise type(exc)(f"{name}: {exc}") from None


def _no_file_options(options, what):
    if options:
        raise InvalidValue(f"options for edge-list files only: {', '.join(options)}; "
                           f"{what} makes its graph as it is")


def parse_kwargs(name: str, text: str) -> dict:
    if not text.strip():
        return {}
    bad = InvalidValue(f"cannot read the arguments of {name!r}: {show_value(text, 80)}; write "
                       f"key=value pairs separated by commas, with Python literals as "
                       f"values, e.g. n=1000,m=3")
    try:
        call = ast.parse(f"f({text})", mode="eval").body
        if (not isinstance(call, ast.Call) or call.args
                or any(kw.arg is None for kw in call.keywords)):
            raise bad
        pairs = [(kw.arg, ast.literal_eval(kw.value)) for kw in call.keywords]
    except (SyntaxError, ValueError, TypeError, RecursionError, MemoryError):
        raise bad from None
    kwargs = dict(pairs)
    if len(kwargs) < len(pairs):
        names = [k for k, _ in pairs]
        twice = next(k for k in names if names.count(k) > 1)
        raise InvalidValue(f"{name}: {twice} is given twice in {show_value(text, 80)}")
    return kwargs
