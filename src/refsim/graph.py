"""The immutable CSR graph every refsim model runs on."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from ._memory import check_memory
from ._validation import show_value
from .errors import InvalidType, InvalidValue

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Hashable, Iterable
    from typing import Any

    import networkx as nx
    from numpy.typing import ArrayLike

__all__ = ["Graph", "InArcs"]

_INT32_LIMIT = 2**31 - 1
#: Largest n for which ``u * n + v`` (u, v < n) fits in int64: one sort key per arc.
_KEY_LIMIT = 3_037_000_499


class InArcs(NamedTuple):
    """The transpose of a graph's CSR: arcs grouped by their target.

    In-arc ``j`` of node ``v`` (``indptr[v] <= j < indptr[v+1]``) comes from
    ``sources[j]`` and is arc ``arc_ids[j]`` of the forward CSR, so per-arc arrays
    (probabilities, weights) are read as ``values[arc_ids[j]]``.
    """

    indptr: np.ndarray
    sources: np.ndarray
    arc_ids: np.ndarray


def _index_dtype(n: int):
    return np.int32 if n <= _INT32_LIMIT else np.int64


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


class Graph:
    """An immutable directed graph in compressed sparse row (CSR) form.

    Nodes are numbered ``0 .. n-1``. The out-arcs of node ``u`` are
    ``indices[indptr[u]:indptr[u+1]]``, and arc ``e`` runs from the ``u`` with
    ``indptr[u] <= e < indptr[u+1]`` to ``indices[e]``; every per-arc array (weights,
    probabilities) follows that order. An undirected edge is stored as two arcs, and
    ``directed`` records which kind of graph the arcs came from.

    Build one with :meth:`from_edges`, :meth:`from_networkx` or
    :func:`refsim.read_edgelist`; the constructor takes raw CSR arrays and checks them.

    Parameters
    ----------
    indptr : array_like of int, length n + 1
        Arc offsets: non-decreasing, ``indptr[0] == 0``, ``indptr[-1] == num_arcs``.
    indices : array_like of int, length num_arcs
        Arc targets, each in ``0 .. n-1``.
    weights : array_like of float, optional
        One finite weight per arc.
    labels : sequence, optional
        The original name of each node (length n), e.g. ids from an edge-list file.
    communities : array_like of int, optional
        The community (0, 1, ...) of each node, e.g. from a block-model generator.
    directed : bool, default True
        Whether the arcs describe a directed graph. With ``False`` the caller promises
        that every arc ``(u, v)`` has its twin ``(v, u)``.

    Examples
    --------
    >>> g = Graph.from_edges([0, 1], [1, 2])
    >>> g.n, g.num_arcs, g.directed
    (3, 4, False)
    >>> g.indptr.tolist(), g.indices.tolist()
    ([0, 1, 3, 4], [1, 0, 2, 1])
    """

    __slots__ = ("_indptr", "_indices", "_weights", "_labels", "_directed",
                 "_in_arcs", "_label_index", "_in_degree", "_communities", "_derived")

    def __init__(self, indptr: ArrayLike, indices: ArrayLike, *,
                 weights: ArrayLike | None = None, labels: Iterable[Hashable] | None = None,
                 directed: bool = True, communities: ArrayLike | None = None):
        indptr = _as_array("indptr", indptr)
        indices = _as_array("indices", indices)
        if indptr.ndim != 1 or indptr.shape[0] < 1 or indptr.dtype.kind not in "iu":
            raise InvalidValue(f"indptr must be a 1-D integer array of length n + 1; got "
                             f"dtype {indptr.dtype}, shape {indptr.shape}")
        if indices.ndim != 1 or (indices.size and indices.dtype.kind not in "iu"):
            raise InvalidValue(f"indices must be a 1-D integer array; got dtype "
                             f"{indices.dtype}, shape {indices.shape}")
        n = indptr.shape[0] - 1
        m = indices.shape[0]
        # copies of both arrays and the O(m) checks' temporaries (arc sources, steps,
        # keys and their sort: about 7 words per arc)
        check_memory(f"Graph(indptr, indices) with n={n} nodes and {m} arcs",
                     24.0 * (n + 1) + 56.0 * m, "build a smaller graph")
        if indptr.max(initial=0) > np.iinfo(np.int64).max:
            raise InvalidValue("indptr holds offsets beyond the int64 range")
        indptr = indptr.astype(np.int64)  # unsigned differences would wrap around
        if indptr[0] != 0 or indptr[-1] != m or (np.diff(indptr) < 0).any():
            raise InvalidValue(f"indptr must start at 0, never decrease and end at "
                             f"len(indices) = {m}; got start {indptr[0]}, end {indptr[-1]}")
        if m and (indices.min() < 0 or indices.max() >= n):
            bad = int(indices[(indices < 0) | (indices >= n)][0])
            raise InvalidValue(f"indices holds node {bad}; nodes are numbered 0..{n - 1}")
        indptr = np.array(indptr, dtype=np.int64, order="C", copy=True)
        indices = np.array(indices, dtype=_index_dtype(n), order="C", copy=True)
        directed = check_bool("directed", directed)
        _check_rows(indptr, indices, directed)
        # copies: the caller keeps its arrays writable, the graph stays fixed
        self._init(indptr, indices, weights, labels, directed, communities)

    def _init(self, indptr, indices, weights, labels, directed, communities=None):
        n = indptr.shape[0] - 1
        if weights is not None:
            weights = _as_numbers("weights", weights, "one per arc")
            if weights.shape != indices.shape:
                raise InvalidValue(f"weights must have one value per arc ({indices.shape[0]}); "
                                 f"got shape {weights.shape}")
            if not np.isfinite(weights).all():
                i = int(np.flatnonzero(~np.isfinite(weights))[0])
                raise InvalidValue(f"weights[{i}] must be finite; got {float(weights[i])!r}")
            weights = _readonly(weights)
        if labels is not None:
            labels = _as_labels(labels)
            if len(labels) != n:
                raise InvalidValue(f"labels must name each of the {n} nodes; "
                                 f"got {len(labels)} labels")
            if len(set(labels)) != n:
                seen = set()
                dup = next(x for x in labels if x in seen or seen.add(x))
                raise InvalidValue(f"labels must be distinct; {dup!r} names two nodes")
        if communities is not None:
            communities = np.array(_as_array("communities", communities), copy=True)
            if (communities.shape != (n,) or communities.dtype.kind not in "iu"
                    or (n and communities.min() < 0)):
                raise InvalidValue(f"communities must hold one integer >= 0 per node "
                                 f"({n}); got dtype {communities.dtype}, shape "
                                 f"{communities.shape}")
            communities = _readonly(communities.astype(np.int64))
        set_ = object.__setattr__
        set_(self, "_communities", communities)
        set_(self, "_indptr", _readonly(indptr))
        set_(self, "_indices", _readonly(indices))
        set_(self, "_weights", weights)
        set_(self, "_labels", labels)
        set_(self, "_directed", directed)
        set_(self, "_in_arcs", None)
        set_(self, "_label_index", None)
        set_(self, "_in_degree", None)
        set_(self, "_derived", None)

    @classmethod
    def _trusted(cls, indptr, indices, *, weights=None, labels=None, directed=True,
                 communities=None):
        """Wrap arrays already known to be valid CSR, without the O(m) checks."""
        g = cls.__new__(cls)
        g._init(indptr, indices, weights, labels, directed, communities)
        return g

    def __setattr__(self, name, value):
        raise AttributeError("Graph is immutable; build a new one")

    # ----------------------------------------------------------------- constructors
    @classmethod
    def from_edges(cls, src: ArrayLike, dst: ArrayLike, n: int | None = None, *,
                   directed: bool = False, weights: ArrayLike | None = None,
                   labels: Iterable[Hashable] | None = None) -> Graph:
        """Return the graph with the given edges; duplicates merged, self-loops dropped.

        Parameters
        ----------
        src, dst : array_like of int
            Edge endpoints, node ids in ``0 .. n-1``.
        n : int, optional
            Number of nodes; default ``max(src, dst) + 1`` (0 without edges). The
            memory this needs (two words per node) is checked before anything is
            allocated.
        directed : bool, default False
            If false, each edge ``{u, v}`` becomes the two arcs ``u -> v`` and ``v -> u``.
        weights : array_like of float, optional
            One weight per edge; for a duplicated edge the last one given wins, as when
            networkx adds an edge twice.
        labels : sequence, optional
            Original node names, one per node.

        Returns
        -------
        Graph

        Raises
        ------
        InvalidType
            For endpoints that are not integers, or weights that are not numbers.
        InvalidValue
            For negative ids, an ``n`` that is not an int >= 0 or leaves out an edge's
            node, mismatched lengths, non-finite weights, or a graph that does not fit
            in the memory available now.

        Notes
        -----
        Runs in O(m log m) time for m edges (one sort of the arc keys).

        Examples
        --------
        >>> g = Graph.from_edges([0, 0, 1, 2], [1, 1, 1, 0], directed=True)
        >>> g.num_arcs, g.indices.tolist()
        (2, [1, 0])
        """
        directed = check_bool("directed", directed)
        src = _as_endpoint_array("src", src)
        dst = _as_endpoint_array("dst", dst)
        if src.shape != dst.shape:
            raise InvalidValue(f"src and dst must have the same length; got {src.shape[0]} "
                             f"and {dst.shape[0]}")
        if src.size and min(src.min(), dst.min()) < 0:
            raise InvalidValue("src and dst must hold node ids >= 0; got a negative id")
        top = int(max(src.max(), dst.max())) + 1 if src.size else 0
        if n is None:
            n = top
            what = f"node id {top - 1} (so n={n})"
        else:
            if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
                raise InvalidValue(f"n must be a non-negative int; got {show_value(n)}")
            n = int(n)
            if top > n:
                raise InvalidValue(f"an edge names node {top - 1}, but n = {n}: "
                                 f"nodes are numbered 0..{n - 1}")
            what = f"n={n}"
        arcs = src.shape[0] * (1 if directed else 2)
        # indptr and the degree count (2 words per node); per arc the endpoints, sort key,
        # order, kept arcs and weights (about 12 words)
        check_memory(what, 16.0 * (n + 1) + 96.0 * arcs,
                     "number the nodes 0..n-1 without gaps (read_edgelist does)")
        if weights is not None:
            weights = _as_numbers("weights", weights, "one per edge")
            if weights.shape != src.shape:
                raise InvalidValue(f"weights must have one value per edge ({src.shape[0]}); "
                                 f"got shape {weights.shape}")
        keep = src != dst
        src, dst = src[keep], dst[keep]
        if weights is not None:
            weights = weights[keep]
        if not directed:
            # interleave (u, v), (v, u) per edge so that, after the stable sort, both arcs
            # of a repeated edge keep the order the edges were given in
            src, dst = np.stack([src, dst], axis=1).ravel(), np.stack([dst, src], axis=1).ravel()
            if weights is not None:
                weights = np.repeat(weights, 2)
        order = _arc_order(src, dst, n)
        src, dst = src[order], dst[order]
        # last of each run of equal arcs: the last edge given wins
        last = np.ones(src.shape[0], dtype=bool)
        last[:-1] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
        sel = order[last]
        src, dst = src[last], dst[last]
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
        return cls._trusted(indptr, dst.astype(_index_dtype(n)),
                            weights=None if weights is None else weights[sel],
                            labels=labels, directed=directed)

    @classmethod
    def from_networkx(cls, G: nx.Graph, *, weight: Hashable | None = None) -> Graph:
        """Return the graph of a networkx graph, nodes numbered in ``G.nodes()`` order.

        Parameters
        ----------
        G : networkx.Graph or networkx.DiGraph
            Directed or not; multigraph edges are merged and self-loops dropped.
        weight : str, optional
            Edge attribute to keep as per-arc weights (e.g. ``"p"`` or ``"weight"``);
            every edge must carry it.

        Returns
        -------
        Graph
            With ``labels`` holding the original node names.

        Raises
        ------
        InvalidType
            If ``G`` is not a networkx graph, ``weight`` is not an attribute name, or
            an edge's weight is not a number (the message names the edge).
        InvalidValue
            If an edge lacks the ``weight`` attribute or its weight is not finite.

        Examples
        --------
        >>> import networkx as nx
        >>> g = Graph.from_networkx(nx.path_graph(["a", "b", "c"]))
        >>> g.n, g.num_arcs, g.labels
        (3, 4, ('a', 'b', 'c'))
        """
        import networkx as nx

        if not isinstance(G, nx.Graph):
            raise InvalidType(f"G must be a networkx Graph or DiGraph; got {type(G).__name__}")
        if weight is not None:
            try:
                hash(weight)
            except TypeError:
                raise InvalidType(f"weight must name an edge attribute, e.g. 'weight'; got "
                                  f"{show_value(weight)}") from None
        nodes = list(G.nodes())
        index = {v: i for i, v in enumerate(nodes)}
        m = G.number_of_edges()
        src = np.fromiter((index[u] for u, _ in G.edges()), dtype=np.int64, count=m)
        dst = np.fromiter((index[v] for _, v in G.edges()), dtype=np.int64, count=m)
        weights = None
        if weight is not None:
            vals = []
            for u, v, d in G.edges(data=True):
                if weight not in d:
                    raise InvalidValue(f"edge ({show_value(u)}, {show_value(v)}) has no attribute "
                                     f"{show_value(weight)}; weight={show_value(weight)} needs it on "
                                     f"every edge")
                x = d[weight]
                if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
                    raise InvalidType(f"edge ({show_value(u)}, {show_value(v)}) has {show_value(weight)} = "
                                      f"{show_value(x)}; weights must be numbers")
                if not np.isfinite(float(x)):
                    raise InvalidValue(f"edge ({show_value(u)}, {show_value(v)}) has {show_value(weight)} = "
                                       f"{float(x)!r}; weights must be finite")
                vals.append(float(x))
            weights = np.asarray(vals, dtype=np.float64)
        return cls.from_edges(src, dst, len(nodes), directed=G.is_directed(),
                              weights=weights, labels=nodes)

    def to_networkx(self, *, weight: str = "weight") -> nx.Graph:
        """Return a networkx ``Graph`` (or ``DiGraph`` if directed) with the original labels.

        Per-arc weights, if any, become the edge attribute ``weight``.

        Examples
        --------
        >>> import networkx as nx
        >>> G = nx.karate_club_graph()
        >>> H = Graph.from_networkx(G).to_networkx()
        >>> nx.utils.graphs_equal(nx.Graph(G.edges()), nx.Graph(H.edges()))
        True
        """
        import networkx as nx

        G = nx.DiGraph() if self._directed else nx.Graph()
        G.add_nodes_from(self.labels if self._labels is not None else range(self.n))
        src = np.repeat(np.arange(self.n), np.diff(self._indptr))
        dst = self._indices
        keep = slice(None) if self._directed else src < dst
        lab = (lambda a: a.tolist()) if self._labels is None else (
            lambda a: [self._labels[i] for i in a.tolist()])
        us, vs = lab(src[keep]), lab(dst[keep])
        if self._weights is None:
            G.add_edges_from(zip(us, vs))
        else:
            G.add_edges_from((u, v, {weight: w}) for u, v, w in
                             zip(us, vs, self._weights[keep].tolist()))
        return G

    # ------------------------------------------------------------------- properties
    @property
    def n(self) -> int:
        """Number of nodes."""
        return self._indptr.shape[0] - 1

    @property
    def num_arcs(self) -> int:
        """Number of arcs (twice the number of edges for an undirected graph)."""
        return self._indices.shape[0]

    @property
    def indptr(self) -> np.ndarray:
        """Arc offsets, int64, length n + 1 (read-only)."""
        return self._indptr

    @property
    def indices(self) -> np.ndarray:
        """Arc targets, int32 while n < 2**31 (read-only)."""
        return self._indices

    @property
    def weights(self) -> np.ndarray | None:
        """Per-arc weights (read-only float64), or ``None``."""
        return self._weights

    @property
    def directed(self) -> bool:
        """Whether the graph is directed."""
        return self._directed

    @property
    def labels(self) -> tuple[Hashable, ...] | None:
        """Original node names as a tuple, or ``None`` when ids are the names."""
        return self._labels

    @property
    def communities(self) -> np.ndarray | None:
        """Community of each node (read-only int64), or ``None`` when not known."""
        return self._communities

    @property
    def out_degree(self) -> np.ndarray:
        """Out-degree of each node (int64)."""
        return np.diff(self._indptr)

    def derived(self, key: Hashable, build: Callable[[Graph], Any]) -> Any:
        """A value computed from this graph once and kept with it (the graph never
        changes): ``build(self)`` on the first call with ``key``, the same object after.
        Models keep their per-graph arrays here (LT's 1 / in-degree weights, the largest
        out-degree), so repeated calls on one graph cost nothing to prepare. Arrays kept
        here must be read-only.

        Examples
        --------
        >>> g = Graph.from_edges([0, 0], [1, 2], directed=True)
        >>> g.derived("most", lambda graph: int(graph.out_degree.max()))
        2
        >>> g.derived("most", lambda graph: -1)  # kept from the first call
        2
        """
        if self._derived is None:
            object.__setattr__(self, "_derived", {})
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = build(self)
            return value

    @property
    def in_degree(self) -> np.ndarray:
        """In-degree of each node (int64, cached)."""
        if self._in_degree is None:
            deg = np.bincount(self._indices, minlength=self.n).astype(np.int64)
            object.__setattr__(self, "_in_degree", _readonly(deg))
        return self._in_degree

    @property
    def in_arcs(self) -> InArcs:
        """The transpose (arcs grouped by target), built on first use and cached.

        Examples
        --------
        >>> g = Graph.from_edges([0, 2], [1, 1], directed=True)
        >>> t = g.in_arcs
        >>> t.indptr.tolist(), t.sources.tolist(), t.arc_ids.tolist()
        ([0, 0, 2, 2], [0, 2], [0, 1])
        """
        if self._in_arcs is None:
            n = self.n
            src = np.repeat(np.arange(n, dtype=self._indices.dtype), np.diff(self._indptr))
            order = np.argsort(self._indices, kind="stable")
            indptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(self.in_degree, out=indptr[1:])
            arcs = InArcs(_readonly(indptr), _readonly(src[order]),
                          _readonly(order.astype(np.int64)))
            object.__setattr__(self, "_in_arcs", arcs)
        return self._in_arcs

    # ------------------------------------------------------------------------ labels
    def label(self, node: int) -> Hashable:
        """Return the original name of node id ``node``."""
        return node if self._labels is None else self._labels[node]

    def node_ids(self, labels: Collection[Hashable]) -> np.ndarray:
        """Return the int64 ids of the nodes with the given original names.

        Examples
        --------
        >>> g = Graph.from_edges([0], [1], labels=["ann", "bob"])
        >>> g.node_ids(["bob"]).tolist()
        [1]
        """
        if self._labels is None:
            if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
                raise InvalidType(f"labels must be a list of node ids; got {labels!r} "
                                f"(write [{labels!r}] for one node)")
            ids = np.asarray(labels)
            if ids.size == 0:
                return ids.astype(np.int64).reshape(0)
            bad = [x for x in ids.ravel().tolist()
                   if not isinstance(x, int) or isinstance(x, bool) or not 0 <= x < self.n]
            if ids.ndim != 1 or bad:
                shown = bad[0] if bad else labels
                raise InvalidValue(f"node {shown!r} is not in the graph; "
                                 f"nodes are numbered 0..{self.n - 1}")
            return ids.astype(np.int64)
        if self._label_index is None:
            object.__setattr__(self, "_label_index",
                               {lab: i for i, lab in enumerate(self._labels)})
        if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
            raise InvalidType(f"labels must be a list of node names; got {labels!r} "
                            f"(write [{labels!r}] for one node)")
        index = self._label_index
        out = np.empty(len(labels), dtype=np.int64)
        for j, lab in enumerate(labels):
            try:
                out[j] = index[lab]
            except (KeyError, TypeError):
                raise InvalidValue(f"node {lab!r} is not in the graph") from None
        return out

    def __repr__(self) -> str:
        kind = "directed" if self._directed else "undirected"
        return f"<Graph {kind}: {self.n} nodes, {self.num_arcs} arcs>"


def check_bool(name: str, value: object) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidType(f"{name} must be True or False; got {value!r}")
    return bool(value)


def _check_rows(indptr, indices, directed):
    """Rows strictly increasing (no repeated arcs), no self-loops, and for an
    undirected graph every arc's twin present: what the kernels and profiles assume."""
    n = indptr.shape[0] - 1
    if indices.shape[0] == 0:
        return
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    if (src == indices).any():
        u = int(src[src == indices][0])
        raise InvalidValue(f"indices holds a self-loop at node {u}; build the graph with "
                         f"Graph.from_edges, which drops them")
    inner = np.ones(indices.shape[0], dtype=bool)
    inner[indptr[:-1][np.diff(indptr) > 0]] = False  # the first arc of each row
    step = np.diff(indices.astype(np.int64), prepend=-1)
    bad = inner & (step <= 0)
    if bad.any():
        u = int(src[bad][0])
        raise InvalidValue(f"the arcs of node {u} are not in increasing order without "
                         f"repeats; build the graph with Graph.from_edges, which sorts "
                         f"and merges them")
    if not directed:
        # the arcs, sorted by (source, target), must equal their twins sorted the same way
        order = _arc_order(indices.astype(np.int64), src, n)
        if not (np.array_equal(indices[order], src) and np.array_equal(src[order], indices)):
            raise InvalidValue("directed=False needs the arc (v, u) for every arc (u, v); "
                             "build an undirected graph with Graph.from_edges")


def _arc_order(src, dst, n) -> np.ndarray:
    """Stable order of the arcs by (source, target): one int64 key per arc while
    ``n * n`` fits in int64, two sort keys beyond (the key would overflow)."""
    if n <= _KEY_LIMIT:
        return np.argsort(src * np.int64(max(n, 1)) + dst, kind="stable")
    return np.lexsort((dst, src))  # lexsort is stable


def _as_array(name: str, values) -> np.ndarray:
    """``np.asarray(values)``, with ragged nesting and the like as a refsim error."""
    try:
        return np.asarray(values)
    except (ValueError, TypeError, OverflowError):
        raise InvalidValue(f"{name} must be a 1-D array; got {show_value(values)}, which numpy "
                           f"cannot read as one (ragged nesting?)") from None


def _as_numbers(name: str, values, what: str) -> np.ndarray:
    """``values`` as a float64 array; anything but real numbers is an InvalidType."""
    arr = _as_array(name, values)
    if arr.dtype.kind not in "iuf" and not (arr.size == 0 and arr.dtype.kind == "O"):
        raise InvalidType(f"{name} must be numbers, {what}; got {show_value(values)} "
                          f"(dtype {arr.dtype})")
    return arr.astype(np.float64)


def _as_labels(labels) -> tuple:
    if isinstance(labels, (str, bytes)):
        raise InvalidType(f"labels must be a list of node names, not one string; got "
                          f"{show_value(labels)}")
    try:
        out = tuple(labels.tolist() if isinstance(labels, np.ndarray) else labels)
    except TypeError:
        raise InvalidType(f"labels must be a list of node names; got {show_value(labels)} of "
                          f"type {type(labels).__name__}") from None
    for x in out:
        try:
            hash(x)
        except TypeError:
            raise InvalidType(f"labels must be hashable (names such as 'ann' or 17); got "
                              f"{show_value(x)}") from None
    return out


def _as_endpoint_array(name: str, values) -> np.ndarray:
    arr = _as_array(name, values)
    if arr.size == 0:
        return arr.reshape(0).astype(np.int64)
    if arr.ndim != 1 or arr.dtype.kind not in "iu":
        raise InvalidType(f"{name} must be a 1-D array of integer node ids; got dtype "
                        f"{arr.dtype}, shape {arr.shape}")
    if arr.dtype.kind == "u" and arr.max() > np.iinfo(np.int64).max:
        raise InvalidValue(f"{name} holds node id {int(arr.max())}, beyond the int64 range")
    return arr.astype(np.int64)
