"""Tests of refsim.Graph: construction, CSR invariants, transpose, labels, immutability.

networkx is the independent reference throughout: every arc set, degree and weight is
compared with what networkx reports for the same input.
"""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refsim import Graph
from naive import arc_set, csr_arcs, labelled_arc_set


# ----------------------------------------------------------------------------- helpers
def nx_arc_set(G):
    """The arcs networkx's graph stands for: both directions of an undirected edge."""
    arcs = {(u, v) for u, v in G.edges() if u != v}
    if not G.is_directed():
        arcs |= {(v, u) for u, v in arcs}
    return arcs


def random_nx_graph(nodes, m, directed, seed):
    rng = np.random.default_rng(seed)
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(nodes)
    for _ in range(m):
        i, j = rng.integers(0, len(nodes), 2)
        if i != j:
            G.add_edge(nodes[i], nodes[j])
    return G


# ------------------------------------------------------------------------ from_networkx
@pytest.mark.parametrize("directed", [False, True])
def test_from_networkx_string_labels_keep_node_order(directed):
    G = nx.DiGraph() if directed else nx.Graph()
    # insertion order deliberately not sorted; "zz" is isolated
    G.add_nodes_from(["delta", "alpha", "zz", "charlie", "bravo"])
    G.add_edges_from([("alpha", "bravo"), ("bravo", "charlie"), ("charlie", "alpha"),
                      ("delta", "alpha"), ("alpha", "delta")])
    g = Graph.from_networkx(G)
    assert g.labels == ("delta", "alpha", "zz", "charlie", "bravo")
    assert [g.label(i) for i in range(g.n)] == list(G.nodes())
    assert g.n == G.number_of_nodes()
    assert g.directed is directed
    expected_arcs = G.number_of_edges() * (1 if directed else 2)
    assert g.num_arcs == expected_arcs
    assert labelled_arc_set(g) == nx_arc_set(G)
    assert g.out_degree[g.labels.index("zz")] == 0
    assert g.in_degree[g.labels.index("zz")] == 0


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_from_networkx_shuffled_int_labels(directed, seed):
    rng = np.random.default_rng(100 + seed)
    nodes = [int(x) for x in rng.permutation(np.arange(3, 40, 3))]  # 13 ints, shuffled
    G = random_nx_graph(nodes, 40, directed, seed)
    g = Graph.from_networkx(G)
    assert g.labels == tuple(nodes)
    assert list(g.labels) == list(G.nodes())
    # node i is the i-th node of G.nodes(), not the node named i
    assert g.node_ids(nodes).tolist() == list(range(len(nodes)))
    assert labelled_arc_set(g) == nx_arc_set(G)
    # an undirected edge is exactly two arcs
    assert g.num_arcs == G.number_of_edges() * (1 if directed else 2)
    if directed:
        deg_out = [G.out_degree(v) for v in nodes]
        deg_in = [G.in_degree(v) for v in nodes]
    else:
        deg_out = deg_in = [G.degree(v) for v in nodes]
    assert g.out_degree.tolist() == deg_out
    assert g.in_degree.tolist() == deg_in


def test_from_networkx_arc_rows_match_sources():
    """Arc e runs from the u whose row holds e: check each row against G's successors."""
    nodes = ["q", "w", "e", "r", "t", "y"]
    G = random_nx_graph(nodes, 15, True, 7)
    g = Graph.from_networkx(G)
    for u, name in enumerate(nodes):
        row = g.indices[g.indptr[u]:g.indptr[u + 1]]
        assert {g.labels[v] for v in row.tolist()} == set(G.successors(name))


@pytest.mark.parametrize("directed", [False, True])
def test_from_networkx_weights_land_on_right_arcs(directed):
    rng = np.random.default_rng(3)
    nodes = [int(x) for x in rng.permutation(12)]
    G = random_nx_graph(nodes, 40, directed, 11)
    if directed:  # make sure antiparallel arcs with different values exist
        G.add_edge(nodes[0], nodes[1])
        G.add_edge(nodes[1], nodes[0])
    for u, v in G.edges():
        G.edges[u, v]["p"] = float(rng.uniform())
    g = Graph.from_networkx(G, weight="p")
    assert g.weights is not None and g.weights.shape == (g.num_arcs,)
    assert g.weights.dtype == np.float64
    for u, v, e in csr_arcs(g):
        lu, lv = g.labels[u], g.labels[v]
        assert g.weights[e] == G.edges[lu, lv]["p"], (lu, lv)
    if directed:
        a = g.node_ids([nodes[0], nodes[1]])
        w01 = [g.weights[e] for u, v, e in csr_arcs(g) if (u, v) == (a[0], a[1])]
        w10 = [g.weights[e] for u, v, e in csr_arcs(g) if (u, v) == (a[1], a[0])]
        assert w01 == [G.edges[nodes[0], nodes[1]]["p"]]
        assert w10 == [G.edges[nodes[1], nodes[0]]["p"]]


def test_from_networkx_without_weight_has_no_weights():
    G = nx.path_graph(4)
    nx.set_edge_attributes(G, 0.5, "p")
    assert Graph.from_networkx(G).weights is None


def test_from_networkx_missing_attribute_names_it():
    G = nx.path_graph(4)
    nx.set_edge_attributes(G, 0.5, "p")
    del G.edges[1, 2]["p"]
    with pytest.raises(ValueError, match=r"'p'"):
        Graph.from_networkx(G, weight="p")
    with pytest.raises(ValueError, match=r"'prob'"):
        Graph.from_networkx(G, weight="prob")


def test_from_networkx_drops_self_loops():
    G = nx.Graph([(0, 0), (0, 1), (1, 1), (1, 2)])
    g = Graph.from_networkx(G)
    assert arc_set(g) == {(0, 1), (1, 0), (1, 2), (2, 1)}
    assert g.n == 3


def test_from_networkx_rejects_non_graph():
    with pytest.raises(TypeError):
        Graph.from_networkx([(0, 1)])


# --------------------------------------------------------------------------- from_edges
def test_from_edges_duplicates_merged_last_weight_wins_directed():
    src = [0, 0, 1, 0, 2]
    dst = [1, 1, 2, 1, 0]
    w = [1.0, 2.0, 3.0, 4.0, 5.0]
    g = Graph.from_edges(src, dst, directed=True, weights=w)
    assert g.num_arcs == 3
    got = {(u, v): g.weights[e] for u, v, e in csr_arcs(g)}
    assert got == {(0, 1): 4.0, (1, 2): 3.0, (2, 0): 5.0}


def test_from_edges_reversed_duplicate_undirected_last_weight_wins():
    """{0,1} given as (0,1) w=1 then (1,0) w=2: both arcs must carry 2, as networkx does."""
    G = nx.Graph()
    G.add_edge(0, 1, w=1.0)
    G.add_edge(1, 0, w=2.0)
    g = Graph.from_edges([0, 1], [1, 0], weights=[1.0, 2.0])
    got = {(u, v): float(g.weights[e]) for u, v, e in csr_arcs(g)}
    assert got == {(0, 1): G.edges[0, 1]["w"], (1, 0): G.edges[1, 0]["w"]}  # 2.0 both


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_from_edges_weights_match_networkx_sequential_adds(directed, seed):
    rng = np.random.default_rng(seed)
    n = 8
    src = rng.integers(0, n, 60)
    dst = rng.integers(0, n, 60)
    w = rng.uniform(size=60)
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(n))
    for u, v, x in zip(src.tolist(), dst.tolist(), w.tolist()):
        if u != v:
            G.add_edge(u, v, w=x)
    g = Graph.from_edges(src, dst, n, directed=directed, weights=w)
    assert arc_set(g) == nx_arc_set(G)
    for u, v, e in csr_arcs(g):
        assert g.weights[e] == G.edges[u, v]["w"], (u, v)


def test_from_edges_drops_self_loops():
    g = Graph.from_edges([0, 1, 1, 2], [0, 1, 2, 2], directed=True)
    assert arc_set(g) == {(1, 2)}
    assert g.n == 3
    gu = Graph.from_edges([0, 1, 1, 2], [0, 1, 2, 2], weights=[9.0, 9.0, 0.5, 9.0])
    assert arc_set(gu) == {(1, 2), (2, 1)}
    assert gu.weights.tolist() == [0.5, 0.5]


def test_from_edges_n_larger_gives_isolated_nodes():
    g = Graph.from_edges([0], [1], n=5)
    assert g.n == 5
    assert g.indptr.tolist() == [0, 1, 2, 2, 2, 2]
    assert g.out_degree.tolist() == [1, 1, 0, 0, 0]
    assert g.in_degree.tolist() == [1, 1, 0, 0, 0]


def test_from_edges_default_n_is_max_id_plus_one():
    assert Graph.from_edges([3], [1]).n == 4
    assert Graph.from_edges([], []).n == 0


def test_from_edges_n_too_small_raises():
    with pytest.raises(ValueError, match="n = 3"):
        Graph.from_edges([0, 1], [1, 3], n=3)
    with pytest.raises(ValueError):
        Graph.from_edges([0], [1], n=1)


@pytest.mark.parametrize("n", [-1, 2.0, True, "3"])
def test_from_edges_bad_n_raises(n):
    with pytest.raises(ValueError, match="n must"):
        Graph.from_edges([0], [1], n=n)


def test_from_edges_mismatched_lengths_raise():
    with pytest.raises(ValueError, match="same length"):
        Graph.from_edges([0, 1, 2], [1, 2])
    with pytest.raises(ValueError, match="weights"):
        Graph.from_edges([0, 1], [1, 2], weights=[1.0])


@pytest.mark.parametrize("which", ["src", "dst"])
def test_from_edges_float_endpoints_raise_type_error(which):
    ints, floats = [0, 1], [1.0, 2.0]
    args = (floats, ints) if which == "src" else (ints, floats)
    with pytest.raises(TypeError, match=which):
        Graph.from_edges(*args)


def test_from_edges_two_dimensional_endpoints_raise():
    with pytest.raises(TypeError):
        Graph.from_edges([[0, 1]], [[1, 2]])


@pytest.mark.parametrize("n", [None, 5])
def test_from_edges_negative_ids_raise(n):
    with pytest.raises(ValueError, match="negative"):
        Graph.from_edges([0, -1], [1, 2], n)
    with pytest.raises(ValueError, match="negative"):
        Graph.from_edges([0, 1], [1, -2], n)


def test_from_edges_empty_with_n_gives_isolated_nodes():
    g = Graph.from_edges(np.array([], dtype=np.int64), np.array([], dtype=np.int64), n=5)
    assert g.n == 5
    assert g.num_arcs == 0
    assert g.indptr.tolist() == [0] * 6
    assert g.indices.shape == (0,)
    assert g.out_degree.tolist() == [0] * 5
    assert g.in_degree.tolist() == [0] * 5
    t = g.in_arcs
    assert t.indptr.tolist() == [0] * 6
    assert t.sources.shape == (0,) and t.arc_ids.shape == (0,)
    H = g.to_networkx()
    assert sorted(H.nodes()) == [0, 1, 2, 3, 4] and H.number_of_edges() == 0
    # plain empty lists too
    assert Graph.from_edges([], [], n=5).n == 5


def test_from_edges_labels_kept():
    g = Graph.from_edges([0, 1], [1, 2], labels=np.array(["a", "b", "c"]))
    assert g.labels == ("a", "b", "c")
    assert labelled_arc_set(g) == {("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")}
    with pytest.raises(ValueError, match="labels"):
        Graph.from_edges([0, 1], [1, 2], labels=["a", "b"])


# ------------------------------------------------------------ CSR invariants (hypothesis)
@st.composite
def edge_lists(draw):
    n = draw(st.integers(1, 30))
    node = st.integers(0, n - 1)
    edges = draw(st.lists(st.tuples(node, node), max_size=90))
    directed = draw(st.booleans())
    return n, edges, directed


def reference_nx(n, edges, directed):
    G = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from((u, v) for u, v in edges if u != v)
    return G


@settings(max_examples=120, deadline=None, derandomize=True)
@given(edge_lists())
def test_csr_invariants_random(case):
    n, edges, directed = case
    src = np.array([u for u, _ in edges], dtype=np.int64)
    dst = np.array([v for _, v in edges], dtype=np.int64)
    g = Graph.from_edges(src, dst, n, directed=directed)
    G = reference_nx(n, edges, directed)

    assert g.n == n and g.directed is directed
    assert g.indptr.dtype == np.int64 and g.indptr.shape == (n + 1,)
    assert g.indices.dtype == np.int32
    assert g.indptr[0] == 0 and g.indptr[-1] == g.num_arcs == g.indices.shape[0]
    assert (np.diff(g.indptr) >= 0).all()
    for u in range(n):
        row = g.indices[g.indptr[u]:g.indptr[u + 1]]
        assert (np.diff(row) > 0).all(), f"row {u} not strictly increasing: {row}"
        assert u not in row.tolist(), f"self-loop at {u}"
    assert ((g.indices >= 0) & (g.indices < n)).all()

    assert arc_set(g) == nx_arc_set(G)
    assert g.num_arcs == G.number_of_edges() * (1 if directed else 2)
    if directed:
        out_ref = [G.out_degree(v) for v in range(n)]
        in_ref = [G.in_degree(v) for v in range(n)]
    else:
        out_ref = in_ref = [G.degree(v) for v in range(n)]
    assert g.out_degree.tolist() == out_ref
    assert g.in_degree.tolist() == in_ref


@settings(max_examples=120, deadline=None, derandomize=True)
@given(edge_lists())
def test_in_arcs_is_exact_transpose(case):
    n, edges, directed = case
    src = [u for u, _ in edges]
    dst = [v for _, v in edges]
    g = Graph.from_edges(src, dst, n, directed=directed)
    G = reference_nx(n, edges, directed)
    t = g.in_arcs
    assert t is g.in_arcs  # cached
    assert t.indptr.shape == (n + 1,)
    assert t.indptr[0] == 0 and t.indptr[-1] == g.num_arcs
    assert np.diff(t.indptr).tolist() == g.in_degree.tolist()
    # every forward arc appears exactly once
    assert sorted(t.arc_ids.tolist()) == list(range(g.num_arcs))
    for v in range(n):
        preds = []
        for j in range(int(t.indptr[v]), int(t.indptr[v + 1])):
            s, a = int(t.sources[j]), int(t.arc_ids[j])
            assert g.indices[a] == v
            assert g.indptr[s] <= a < g.indptr[s + 1], (s, a)
            preds.append(s)
        ref = G.predecessors(v) if directed else G.neighbors(v)
        assert sorted(preds) == sorted(ref)
        assert len(set(preds)) == len(preds)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(edge_lists(), st.booleans())
def test_to_networkx_round_trip(case, weighted):
    n, edges, directed = case
    src = [u for u, _ in edges]
    dst = [v for _, v in edges]
    w = [float(i) for i in range(len(edges))] if weighted else None
    g = Graph.from_edges(src, dst, n, directed=directed, weights=w)
    H = g.to_networkx()
    assert H.is_directed() == directed
    assert sorted(H.nodes()) == list(range(n))
    assert nx_arc_set(H) == arc_set(g)
    assert H.number_of_edges() == g.num_arcs // (1 if directed else 2)
    G = reference_nx(n, edges, directed)
    assert nx_arc_set(H) == nx_arc_set(G)
    if weighted:
        for u, v, e in csr_arcs(g):
            assert H.edges[u, v]["weight"] == g.weights[e]
    # and back again
    g2 = Graph.from_networkx(H, weight="weight" if weighted else None)
    assert labelled_arc_set(g2) == arc_set(g)


def test_to_networkx_uses_labels_and_weight_name():
    G = nx.Graph()
    G.add_nodes_from(["x", "y", "z"])
    G.add_edge("x", "z", p=0.25)
    G.add_edge("y", "z", p=0.75)
    g = Graph.from_networkx(G, weight="p")
    H = g.to_networkx(weight="p")
    assert list(H.nodes()) == ["x", "y", "z"]
    assert {frozenset(e) for e in H.edges()} == {frozenset(e) for e in G.edges()}
    assert H.edges["x", "z"]["p"] == 0.25 and H.edges["z", "y"]["p"] == 0.75


# ---------------------------------------------------------------------- immutability
def _sample_graph():
    return Graph.from_edges([0, 1, 2, 0], [1, 2, 0, 3], directed=True,
                            weights=[0.1, 0.2, 0.3, 0.4], labels=["a", "b", "c", "d"])


@pytest.mark.parametrize("getter", [
    lambda g: g.indptr,
    lambda g: g.indices,
    lambda g: g.weights,
    lambda g: g.in_degree,
    lambda g: g.in_arcs.indptr,
    lambda g: g.in_arcs.sources,
    lambda g: g.in_arcs.arc_ids,
], ids=["indptr", "indices", "weights", "in_degree", "in.indptr", "in.sources",
        "in.arc_ids"])
def test_arrays_are_read_only(getter):
    g = _sample_graph()
    arr = getter(g)
    before = arr.copy()
    with pytest.raises(ValueError):
        arr[0] = 1
    with pytest.raises(ValueError):
        arr[:] = 0
    assert np.array_equal(getter(g), before)


def test_constructor_arrays_are_read_only():
    g = Graph([0, 1, 2], [1, 0], weights=[0.5, 0.5])
    for arr in (g.indptr, g.indices, g.weights):
        with pytest.raises(ValueError):
            arr[0] = 0


@pytest.mark.parametrize("name", ["n", "indptr", "directed", "labels", "_indptr",
                                  "_indices", "_weights", "_directed", "_in_arcs",
                                  "something_new"])
def test_setting_attributes_raises(name):
    g = _sample_graph()
    with pytest.raises(AttributeError):
        setattr(g, name, None)
    assert g.indptr.tolist() == [0, 2, 3, 4, 4]
    assert g.directed is True


def test_constructor_does_not_share_memory_with_input():
    """Writing into the caller's arrays (through their base) must not change the graph."""
    base_ptr = np.array([0, 1, 2, 2], dtype=np.int64)
    base_idx = np.array([1, 2], dtype=np.int32)
    g = Graph(base_ptr[:], base_idx[:])
    base_ptr[1] = 2          # would make indptr [0, 2, 2, 2]
    base_idx[0] = 0          # would turn arc 0 -> 1 into a self-loop 0 -> 0
    assert g.indptr.tolist() == [0, 1, 2, 2]
    assert g.indices.tolist() == [1, 2]


def test_constructor_leaves_caller_arrays_writable():
    indptr = np.array([0, 1, 2, 2], dtype=np.int64)
    indices = np.array([1, 2], dtype=np.int32)
    Graph(indptr, indices)
    assert indptr.flags.writeable and indices.flags.writeable


def test_from_edges_does_not_share_memory_with_input():
    w = np.array([0.5, 0.25])
    labels = ["a", "b", "c"]
    g = Graph.from_edges(np.array([0, 1]), np.array([1, 2]), directed=True,
                         weights=w, labels=labels)
    w[:] = 9.0
    labels[0] = "zzz"
    assert g.weights.tolist() == [0.5, 0.25]
    assert g.labels == ("a", "b", "c")


# ------------------------------------------------------------ constructor validation
def test_constructor_accepts_valid_csr_and_matches_from_edges():
    g = Graph([0, 1, 3, 4], [1, 0, 2, 1], directed=False)
    ref = Graph.from_edges([0, 1], [1, 2])
    assert g.indptr.tolist() == ref.indptr.tolist()
    assert g.indices.tolist() == ref.indices.tolist()
    assert g.indptr.dtype == np.int64 and g.indices.dtype == np.int32
    assert g.n == 3 and g.num_arcs == 4 and g.directed is False
    assert Graph([0, 1, 3, 4], [1, 0, 2, 1]).directed is True


@pytest.mark.parametrize("indptr, indices", [
    ([0, 2, 1, 2], [1, 0]),        # decreasing
    ([0, 1, 3], [1, 0]),           # ends past len(indices)
    ([0, 1, 1], [1, 0]),           # ends before len(indices)
    ([1, 1, 2], [1, 0]),           # does not start at 0
    ([], []),                      # no room for n + 1
    ([0.0, 1.0, 2.0], [1, 0]),     # not integers
    ([[0, 1, 2]], [1, 0]),         # not 1-D
], ids=["decreasing", "end-high", "end-low", "start", "empty", "float", "2d"])
def test_constructor_bad_indptr(indptr, indices):
    with pytest.raises(ValueError, match="indptr"):
        Graph(indptr, indices)


@pytest.mark.parametrize("indices", [[1, 2], [1, -1], [3, 0]],
                         ids=["n", "negative", "far"])
def test_constructor_out_of_range_indices(indices):
    with pytest.raises(ValueError, match="indices"):
        Graph([0, 1, 2], indices)


def test_constructor_non_integer_indices():
    with pytest.raises(ValueError, match="indices"):
        Graph([0, 1, 2], [1.0, 0.0])


@pytest.mark.parametrize("weights", [[1.0], [1.0, 2.0, 3.0], [[1.0, 2.0]]],
                         ids=["short", "long", "2d"])
def test_constructor_wrong_weights_length(weights):
    with pytest.raises(ValueError, match="weights"):
        Graph([0, 1, 2], [1, 0], weights=weights)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_constructor_non_finite_weights(bad):
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        Graph([0, 1, 2], [1, 0], weights=[0.5, bad])


def test_constructor_wrong_labels_length():
    with pytest.raises(ValueError, match="labels"):
        Graph([0, 1, 2], [1, 0], labels=["a"])


# ---------------------------------------------------------------------------- labels
def test_node_ids_maps_labels():
    g = Graph.from_edges([0, 1], [1, 2], labels=["ann", "bob", "cy"])
    ids = g.node_ids(["cy", "ann", "bob"])
    assert ids.dtype == np.int64
    assert ids.tolist() == [2, 0, 1]
    assert g.node_ids([]).tolist() == []
    assert [g.label(i) for i in range(3)] == ["ann", "bob", "cy"]


def test_node_ids_unknown_label_names_it():
    g = Graph.from_edges([0, 1], [1, 2], labels=["ann", "bob", "cy"])
    with pytest.raises(ValueError, match="'zed'"):
        g.node_ids(["ann", "zed"])
    with pytest.raises(ValueError):
        g.node_ids([["ann"]])  # unhashable


def test_node_ids_int_labels_are_names_not_positions():
    G = nx.Graph()
    G.add_nodes_from([30, 10, 20])
    G.add_edge(30, 10)
    g = Graph.from_networkx(G)
    assert g.node_ids([10, 20, 30]).tolist() == [1, 2, 0]
    assert g.label(0) == 30
    with pytest.raises(ValueError, match="0"):
        g.node_ids([0])


def test_unlabelled_graph_ids_are_names():
    g = Graph.from_edges([0, 1], [1, 2])
    assert g.labels is None
    assert g.label(2) == 2
    assert g.node_ids([2, 0]).tolist() == [2, 0]
    with pytest.raises(ValueError, match="7"):
        g.node_ids([7])


def test_repr_mentions_kind_and_sizes():
    r = repr(Graph.from_edges([0, 1], [1, 2]))
    assert "undirected" in r and "3 nodes" in r and "4 arcs" in r
    r = repr(Graph.from_edges([0], [1], directed=True))
    assert "undirected" not in r and "directed" in r and "2 nodes" in r and "1 arcs" in r



@pytest.mark.parametrize("indptr,indices,directed,pattern", [
    (np.array([0, 2, 1, 2], dtype=np.uint64), [1, 0], True, r"never decrease"),
    ([0, 2, 2], [1, 1], True, r"not in increasing order without repeats"),
    ([0, 2, 2, 2], [2, 1], True, r"not in increasing order"),
    ([0, 1, 1], [0], True, r"self-loop at node 0"),
    ([0, 1, 1], [1], False, r"directed=False needs the arc \(v, u\)"),
    ([0, 1, 2], [1, 0], "no", r"directed must be True or False; got 'no'"),
])
def test_raw_csr_that_breaks_the_contract_is_refused(indptr, indices, directed, pattern):
    with pytest.raises((ValueError, TypeError), match=pattern):
        Graph(indptr, indices, directed=directed)


def test_labels_must_be_distinct_and_lookups_take_lists():
    with pytest.raises(ValueError, match=r"labels must be distinct; 'a' names two nodes"):
        Graph.from_edges([0], [1], labels=["a", "a"])
    g = Graph.from_edges([0], [1], labels=["ann", "bob"])
    with pytest.raises(TypeError, match=r"labels must be a list of node names"):
        g.node_ids("ann")
    with pytest.raises(TypeError, match=r"labels must be a list of node ids"):
        Graph.from_edges([0], [1]).node_ids(1)
    with pytest.raises(TypeError, match=r"directed must be True or False"):
        Graph.from_edges([0], [1], directed="no")
    with pytest.raises(TypeError, match=r"weights must be numbers"):
        Graph.from_edges([0], [1], weights=["x"])
