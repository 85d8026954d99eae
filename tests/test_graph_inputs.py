"""Graph's constructors on input a user can get wrong: one refsim error naming the
argument, never a raw numpy error or MemoryError, and the memory checked first."""

import networkx as nx
import numpy as np
import pytest

from refsim import Graph
from refsim import _memory
from refsim.errors import InvalidType, InvalidValue


@pytest.fixture
def one_gib(monkeypatch):
    """Pretend 1 GiB is available, so memory checks do not depend on the machine."""
    monkeypatch.setattr(_memory, "available_memory", lambda: 2**30)


# ------------------------------------------------------------------------ memory
@pytest.mark.parametrize("call, pattern", [
    (lambda: Graph.from_edges([0], [1], n=10**10),
     r"^n=10000000000 needs about 149\.0 GiB of memory; 1\.0 GiB is available; "),
    (lambda: Graph.from_edges([0], [10**10]),
     r"^node id 10000000000 \(so n=10000000001\) needs about 149\.0 GiB of memory"),
    (lambda: Graph.from_edges(np.array([7 * 10**9]), np.array([0]), directed=True),
     r"^node id 7000000000 \(so n=7000000001\) needs about"),
], ids=["n", "largest-id", "directed"])
def test_from_edges_checks_memory_before_allocating(one_gib, call, pattern):
    with pytest.raises(InvalidValue, match=pattern):
        call()


def test_constructor_checks_memory_before_copying(monkeypatch):
    monkeypatch.setattr(_memory, "available_memory", lambda: 2**20)
    indptr = np.zeros(100_001, dtype=np.int64)
    with pytest.raises(InvalidValue, match=r"^Graph\(indptr, indices\) with n=100000 nodes "
                                           r"and 0 arcs needs about 2\.3 MiB"):
        Graph(indptr, [])


def test_memory_check_passes_when_it_fits(one_gib):
    g = Graph.from_edges([0, 5], [5, 9], n=10)
    assert g.n == 10 and g.num_arcs == 4


def test_arc_order_beyond_the_int64_key():
    from refsim.graph import _arc_order

    # n * n overflows int64 above n = 3037000499: u * n + v would wrap and misorder
    n = 2**40
    src = np.array([2**39, 3, 2**39, 3, 2**39 - 1], dtype=np.int64)
    dst = np.array([5, 2**39 + 1, 4, 2**39 + 1, 2**39], dtype=np.int64)
    order = _arc_order(src, dst, n)
    pairs = list(zip(src[order].tolist(), dst[order].tolist()))
    assert pairs == sorted(zip(src.tolist(), dst.tolist()))
    assert order.tolist()[:2] == [1, 3]  # stable: equal arcs keep their order
    small = _arc_order(np.array([2, 0, 2]), np.array([1, 1, 0]), 3)
    assert small.tolist() == [1, 2, 0]


# --------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call, exc, pattern", [
    # from_edges
    (lambda: Graph.from_edges([[0], [1, 2]], [1, 2]), InvalidValue,
     r"src must be a 1-D array; got \[\[0\], \[1, 2\]\]"),
    (lambda: Graph.from_edges([0, 1], [[1], [2, 0]]), InvalidValue, r"dst must be a 1-D array"),
    (lambda: Graph.from_edges(None, [1]), InvalidType, r"src must be a 1-D array of integer"),
    (lambda: Graph.from_edges("abc", [1]), InvalidType, r"src must be a 1-D array of integer"),
    (lambda: Graph.from_edges([np.nan], [1]), InvalidType, r"src must be .* dtype float64"),
    (lambda: Graph.from_edges([0], [2**70]), InvalidType, r"dst must be .* dtype object"),
    (lambda: Graph.from_edges(np.array([2**63 + 5], np.uint64), [1]), InvalidValue,
     r"src holds node id 9223372036854775813, beyond the int64 range"),
    (lambda: Graph.from_edges([0], [1], weights=["a"]), InvalidType,
     r"weights must be numbers, one per edge; got \['a'\]"),
    (lambda: Graph.from_edges([0], [1], weights=[None]), InvalidType,
     r"weights must be numbers, one per edge; got \[None\]"),
    (lambda: Graph.from_edges([0, 1], [1, 2], weights=[[1], [1, 2]]), InvalidValue,
     r"weights must be a 1-D array"),
    (lambda: Graph.from_edges([0], [1], weights=[np.nan]), InvalidValue,
     r"weights\[0\] must be finite"),
    (lambda: Graph.from_edges([0], [1], labels=5), InvalidType,
     r"labels must be a list of node names; got 5 of type int"),
    (lambda: Graph.from_edges([0], [1], labels="ab"), InvalidType,
     r"labels must be a list of node names, not one string"),
    (lambda: Graph.from_edges([0], [1], labels=[[1], [2]]), InvalidType,
     r"labels must be hashable .* got \[1\]"),
    (lambda: Graph.from_edges([0], [1], n="2"), InvalidValue, r"n must be a non-negative int"),
    # the constructor
    (lambda: Graph([[0], [1, 2]], [1]), InvalidValue, r"indptr must be a 1-D array"),
    (lambda: Graph([0, 1, 2], [[1], [0, 1]]), InvalidValue, r"indices must be a 1-D array"),
    (lambda: Graph(None, None), InvalidValue, r"indptr must be a 1-D integer array"),
    (lambda: Graph([0, np.nan], [1]), InvalidValue, r"indptr must be a 1-D integer array"),
    (lambda: Graph([0, 1, 2], [1, 0], weights=["a", "b"]), InvalidType,
     r"weights must be numbers, one per arc"),
    (lambda: Graph([0, 1, 2], [1, 0], weights=[None, 1.0]), InvalidType,
     r"weights must be numbers, one per arc"),
    (lambda: Graph([0, 1, 2], [1, 0], communities=[[0], [1, 2]]), InvalidValue,
     r"communities must be a 1-D array"),
    (lambda: Graph([0, 1, 2], [1, 0], labels=3), InvalidType, r"labels must be a list"),
    (lambda: Graph([0, 1, 2], [1, 0], labels=[{}, {}]), InvalidType,
     r"labels must be hashable"),
], ids=lambda x: x.split(" must")[0].strip("^\\") if isinstance(x, str) else "")
def test_bad_input_gives_one_clear_error(call, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        call()
    assert "\n" not in str(info.value) and len(str(info.value)) < 300


def _nx_edge(**attrs):
    G = nx.Graph()
    G.add_edge("a", "b", **attrs)
    return G


@pytest.mark.parametrize("G, weight, exc, pattern", [
    (_nx_edge(w="x"), "w", InvalidType, r"edge \('a', 'b'\) has 'w' = 'x'; weights must be numbers"),
    (_nx_edge(w=None), "w", InvalidType, r"has 'w' = None; weights must be numbers"),
    (_nx_edge(w=[1, 2]), "w", InvalidType, r"has 'w' = \[1, 2\]"),
    (_nx_edge(w=True), "w", InvalidType, r"has 'w' = True"),
    (_nx_edge(w=float("nan")), "w", InvalidValue, r"has 'w' = nan; weights must be finite"),
    (_nx_edge(w=float("inf")), "w", InvalidValue, r"has 'w' = inf"),
    (_nx_edge(w=1.0), ["w"], InvalidType, r"weight must name an edge attribute"),
    (_nx_edge(), "w", InvalidValue, r"edge \('a', 'b'\) has no attribute 'w'"),
])
def test_from_networkx_weights_are_checked_per_edge(G, weight, exc, pattern):
    with pytest.raises(exc, match=pattern):
        Graph.from_networkx(G, weight=weight)


def test_from_networkx_numpy_weights_are_read():
    g = Graph.from_networkx(_nx_edge(w=np.float32(0.5)), weight="w")
    assert g.weights.tolist() == [0.5, 0.5]


def test_undirected_twin_check_still_refuses_a_missing_twin():
    with pytest.raises(InvalidValue, match=r"directed=False needs the arc"):
        Graph([0, 2, 3, 3], [1, 2, 0], directed=False)
    g = Graph([0, 2, 3, 4], [1, 2, 0, 0], directed=False)
    assert g.num_arcs == 4
