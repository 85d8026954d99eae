"""Reading graphs from edge-list files (the format of SNAP's public networks)."""

from __future__ import annotations

import gzip
import os
import warnings

import numpy as np

from .errors import InvalidValue
from .graph import Graph

__all__ = ["read_edgelist"]

_GZIP_MAGIC = b"\x1f\x8b"


def _open_text(path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == _GZIP_MAGIC:
        return gzip.open(path, "rt", encoding="utf-8-sig", errors="replace")
    return open(path, "rt", encoding="utf-8-sig", errors="replace")


def read_edgelist(path, *, directed=False, weighted=False, comments="#"):
    """Return the graph in an edge-list file: one ``source target [weight]`` per line.

    Fields are separated by whitespace or commas; text after ``comments`` is ignored, as
    are blank lines; gzip-compressed files are read as they are (detected by content, not
    by name; a UTF-8 byte-order mark is skipped). Node names may be integers or any
    other token. Integer names (within the int64 range) are numbered in increasing
    order, so a file using ``0 .. n-1`` keeps its ids; if any name is not such an
    integer, all are read as text and numbered in order of first appearance (so a header
    line must be commented out). ``graph.labels`` keeps the names. Duplicate
    edges are merged and self-loops dropped, as in :meth:`Graph.from_edges`.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.
    directed : bool, default False
        Read ``u v`` as the arc ``u -> v`` only (as in SNAP's directed graphs).
    weighted : bool, default False
        Read a third field on every line as the edge weight.
    comments : str, default "#"
        Marker starting a comment.

    Returns
    -------
    Graph

    Raises
    ------
    ValueError
        On a line with fewer than two fields, or a missing or non-numeric weight; the
        message gives the file, the line number and the line.
    FileNotFoundError
        If ``path`` does not exist.

    Notes
    -----
    Time O(L + m log m) for L lines and m edges; memory a few words per edge. Files of
    integer ids with one kind of separator are parsed by numpy's C reader (about 0.1 s
    per million lines); anything else line by line in Python.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = os.path.join(d, "g.txt")
    ...     _ = open(f, "w").write("# a triangle\\n10 20\\n20,30\\n30 10\\n")
    ...     g = read_edgelist(f)
    >>> g.n, g.num_arcs, g.labels
    (3, 6, (10, 20, 30))
    """
    path = os.fspath(path)
    from .graph import _check_bool

    directed = _check_bool("directed", directed)
    weighted = _check_bool("weighted", weighted)
    if not isinstance(comments, str) or not comments:
        raise InvalidValue(f"comments must be a non-empty string; got {comments!r}")
    fast = _read_numeric(path, comments, weighted)
    if fast is not None:
        ids, wts = fast
        names, inverse = np.unique(ids, return_inverse=True)
        inverse = inverse.reshape(ids.shape)
        return Graph.from_edges(inverse[:, 0], inverse[:, 1], len(names), directed=directed,
                                weights=wts, labels=names.tolist())
    return _read_lines(path, directed, weighted, comments)


def _read_numeric(path, comments, weighted):
    """The common case in C: integer ids with one kind of separator. ``None`` otherwise
    (strings, mixed separators, a malformed line), and the line reader takes over."""
    delimiter = None
    with _open_text(path) as fh:
        for raw in fh:
            line = raw.split(comments, 1)[0].strip()
            if line:
                delimiter = "," if "," in line else None
                break
        else:
            return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with _open_text(path) as fh:
                ids = np.loadtxt(fh, comments=comments, delimiter=delimiter, dtype=np.int64,
                                 usecols=(0, 1), ndmin=2)
            wts = None
            if weighted:
                with _open_text(path) as fh:
                    wts = np.loadtxt(fh, comments=comments, delimiter=delimiter,
                                     dtype=np.float64, usecols=(2,), ndmin=1)
                if wts.shape[0] != ids.shape[0] or not np.isfinite(wts).all():
                    return None
    except (ValueError, IndexError, OverflowError):
        return None
    return ids, wts


def _read_lines(path, directed, weighted, comments):
    need = 3 if weighted else 2
    src_tok: list[str] = []
    dst_tok: list[str] = []
    wts: list[float] = []
    with _open_text(path) as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.split(comments, 1)[0]
            if "," in line:
                line = line.replace(",", " ")
            parts = line.split()
            if not parts:
                continue
            if len(parts) < need:
                what = "source, target and weight" if weighted else "source and target"
                raise InvalidValue(f"{path}, line {lineno}: expected {what}; "
                                 f"got {raw.rstrip()!r}")
            src_tok.append(parts[0])
            dst_tok.append(parts[1])
            if weighted:
                try:
                    w = float(parts[2])
                except ValueError:
                    w = float("nan")
                if not np.isfinite(w):
                    raise InvalidValue(f"{path}, line {lineno}: weight must be a finite "
                                     f"number; got {parts[2]!r}") from None
                wts.append(w)
    names, src, dst = _number_nodes(src_tok, dst_tok)
    return Graph.from_edges(src, dst, len(names), directed=directed,
                            weights=np.asarray(wts) if weighted else None, labels=names)


def _number_nodes(src_tok, dst_tok):
    """Map name tokens to ids: integers in increasing order, else first appearance."""
    tokens = src_tok + dst_tok
    m = len(src_tok)
    try:
        values = np.array([int(t) for t in tokens], dtype=np.int64)
    except (ValueError, OverflowError):
        values = None
    if values is not None:
        names, ids = np.unique(values, return_inverse=True)
        return names.tolist(), ids[:m], ids[m:]
    index: dict[str, int] = {}
    src = np.empty(m, dtype=np.int64)
    dst = np.empty(m, dtype=np.int64)
    for i, (s, d) in enumerate(zip(src_tok, dst_tok)):  # line order: s0, d0, s1, d1, ...
        src[i] = index.setdefault(s, len(index))
        dst[i] = index.setdefault(d, len(index))
    return list(index), src, dst
