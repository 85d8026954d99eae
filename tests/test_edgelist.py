"""Tests of refsim.read_edgelist, cross-checked against networkx.read_edgelist."""

import gzip

import networkx as nx
import numpy as np
import pytest

from refsim import Graph, read_edgelist
from refsim.errors import FileProblem, InvalidType, InvalidValue, MissingFile
from naive import arc_set, csr_arcs, labelled_arc_set


# ----------------------------------------------------------------------------- helpers
def write(tmp_path, text, name="g.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def write_gz(tmp_path, text, name):
    path = tmp_path / name
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(text)
    return path


def both_ways(pairs):
    pairs = {(u, v) for u, v in pairs if u != v}
    return pairs | {(v, u) for u, v in pairs}


PATH_0123 = both_ways({(0, 1), (1, 2), (2, 3)})


# ---------------------------------------------------------------------------- format
def test_whitespace_separated(tmp_path):
    g = read_edgelist(write(tmp_path, "0 1\n1\t2\n   2     3   \n"))
    assert g.labels == (0, 1, 2, 3)
    assert g.directed is False
    assert arc_set(g) == PATH_0123


def test_comma_separated(tmp_path):
    g = read_edgelist(write(tmp_path, "0,1\n1, 2\n2 ,3\n"))
    assert g.labels == (0, 1, 2, 3)
    assert arc_set(g) == PATH_0123


def test_comments_and_blank_lines(tmp_path):
    text = "# a header line\n#another 9 9\n0 1   # trailing 7 8\n\n   \n\t\n1 2#x\n  # indented\n2 3\n"
    g = read_edgelist(write(tmp_path, text))
    assert g.labels == (0, 1, 2, 3)  # 7, 8, 9 only appear in comments
    assert arc_set(g) == PATH_0123


def test_custom_comment_marker(tmp_path):
    g = read_edgelist(write(tmp_path, "% header\n0 1 % 5 6\n1 2\n2 3\n"), comments="%")
    assert g.labels == (0, 1, 2, 3)
    assert arc_set(g) == PATH_0123


def test_crlf_line_endings(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"0 1\r\n1 2\r\n2 3\r\n")
    assert arc_set(read_edgelist(path)) == PATH_0123


def test_extra_columns_ignored_when_unweighted(tmp_path):
    g = read_edgelist(write(tmp_path, "0 1 0.5 x\n1 2 zz\n2 3\n"))
    assert g.weights is None
    assert arc_set(g) == PATH_0123


@pytest.mark.parametrize("text", ["", "# nothing here\n\n", "\n   \n\t\n", "# a\n# b"])
def test_file_without_edges_is_refused(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(InvalidValue, match="holds no edges") as exc:
        read_edgelist(path)
    assert str(path) in str(exc.value)


@pytest.mark.parametrize("name", ["g.txt.gz", "g.txt", "edges"])
def test_gzip_detected_by_content(tmp_path, name):
    text = "# gz\n100 5\n5 42\n42 100\n7 5\n"
    plain = read_edgelist(write(tmp_path, text, name="plain.txt"))
    g = read_edgelist(write_gz(tmp_path, text, name))
    assert g.labels == (5, 7, 42, 100)
    assert g.labels == plain.labels
    assert g.indptr.tolist() == plain.indptr.tolist()
    assert g.indices.tolist() == plain.indices.tolist()
    assert labelled_arc_set(g) == both_ways({(100, 5), (5, 42), (42, 100), (7, 5)})


def test_plain_file_named_gz_is_read_as_text(tmp_path):
    g = read_edgelist(write(tmp_path, "0 1\n1 2\n2 3\n", name="fake.gz"))
    assert arc_set(g) == PATH_0123


def test_accepts_str_path(tmp_path):
    assert arc_set(read_edgelist(str(write(tmp_path, "0 1\n1 2\n2 3\n")))) == PATH_0123


# ------------------------------------------------------------------------- numbering
def test_integer_ids_relabelled_in_increasing_order(tmp_path):
    g = read_edgelist(write(tmp_path, "100 5\n5 42\n"))
    assert g.labels == (5, 42, 100)
    assert all(type(x) is int for x in g.labels)
    # 5 -> 0, 42 -> 1, 100 -> 2
    assert arc_set(g) == both_ways({(2, 0), (0, 1)})
    assert labelled_arc_set(g) == both_ways({(100, 5), (5, 42)})
    assert g.node_ids([100, 5, 42]).tolist() == [2, 0, 1]


def test_integer_ids_sorted_numerically_not_as_text(tmp_path):
    g = read_edgelist(write(tmp_path, "10 9\n9 100\n-3 10\n"))
    assert g.labels == (-3, 9, 10, 100)
    assert labelled_arc_set(g) == both_ways({(10, 9), (9, 100), (-3, 10)})


def test_ids_zero_to_n_minus_one_are_kept(tmp_path):
    g = read_edgelist(write(tmp_path, "3 0\n2 4\n1 0\n"))
    assert g.labels == (0, 1, 2, 3, 4)
    assert arc_set(g) == both_ways({(3, 0), (2, 4), (1, 0)})


def test_string_ids_numbered_by_first_appearance(tmp_path):
    text = "# people\nbob alice\ncarol bob\nalice dave\neve eve\n"
    g = read_edgelist(write(tmp_path, text))
    assert g.labels == ("bob", "alice", "carol", "dave", "eve")
    assert labelled_arc_set(g) == both_ways({("bob", "alice"), ("carol", "bob"),
                                       ("alice", "dave")})
    assert g.node_ids(["eve"]).tolist() == [4]
    assert g.out_degree[4] == 0  # self-loop dropped, node kept


def test_mixed_tokens_numbered_by_first_appearance(tmp_path):
    g = read_edgelist(write(tmp_path, "10 a\n2 10\n"))
    assert g.labels == ("10", "a", "2")
    assert labelled_arc_set(g) == both_ways({("10", "a"), ("2", "10")})


# ----------------------------------------------------------------- directed / weighted
def test_directed_keeps_arc_direction(tmp_path):
    path = write(tmp_path, "0 1\n2 1\n1 3\n3 1\n")
    g = read_edgelist(path, directed=True)
    assert g.directed is True
    assert arc_set(g) == {(0, 1), (2, 1), (1, 3), (3, 1)}
    assert g.out_degree.tolist() == [1, 1, 1, 1]
    assert g.in_degree.tolist() == [0, 3, 0, 1]
    gu = read_edgelist(path)
    assert gu.directed is False
    assert arc_set(gu) == both_ways({(0, 1), (2, 1), (1, 3)})


@pytest.mark.parametrize("directed", [False, True])
def test_weighted_reads_third_column(tmp_path, directed):
    text = "10 20 0.5\n20,30,2.5\n30 10 1e-3  # c\n20 10 7\n"
    g = read_edgelist(write(tmp_path, text), weighted=True, directed=directed)
    assert g.weights is not None and g.weights.shape == (g.num_arcs,)
    got = {(g.labels[u], g.labels[v]): float(g.weights[e]) for u, v, e in csr_arcs(g)}
    if directed:
        assert got == {(10, 20): 0.5, (20, 30): 2.5, (30, 10): 1e-3, (20, 10): 7.0}
    else:  # 20 10 is the same edge as 10 20, given later: 7 wins for both arcs
        assert got == {(10, 20): 7.0, (20, 10): 7.0, (20, 30): 2.5, (30, 20): 2.5,
                       (30, 10): 1e-3, (10, 30): 1e-3}


def test_unweighted_ignores_third_column(tmp_path):
    g = read_edgelist(write(tmp_path, "0 1 0.5\n1 2 0.25\n"))
    assert g.weights is None


# ------------------------------------------------------------------------------ errors
@pytest.mark.parametrize("text, weighted, line", [
    ("0 1\n1 2\n3\n", False, 3),                     # one field
    ("# c\n\n0 1\n7  # lonely\n", False, 4),         # line numbers count comments, blanks
    ("0,1\n1,\n", False, 2),                         # comma but one field
    ("0 1 0.5\n1 2 abc\n", True, 2),                 # non-numeric weight
    ("0 1 0.5\n1 2\n", True, 2),                     # missing weight
    ("0 1 0.5\n\n1 2 nan\n", True, 3),               # non-finite weight
    ("0 1 inf\n", True, 1),
], ids=["one-field", "after-comments", "comma", "bad-weight", "no-weight", "nan", "inf"])
def test_malformed_line_reports_line_number(tmp_path, text, weighted, line):
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=rf"line {line}\b") as exc:
        read_edgelist(path, weighted=weighted)
    assert str(path) in str(exc.value)


def test_malformed_line_in_gzip_reports_line_number(tmp_path):
    path = write_gz(tmp_path, "0 1\n1 2\n2 3\n9\n", "g.gz")
    with pytest.raises(ValueError, match=r"line 4\b"):
        read_edgelist(path)


def test_missing_file_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_edgelist(tmp_path / "does-not-exist.txt")


@pytest.mark.parametrize("comments, exc", [
    ("", InvalidValue), (" ", InvalidValue), (",", InvalidValue), ("# x", InvalidValue),
    ("-", InvalidValue), ("1", InvalidValue), (None, InvalidType), (b"#", InvalidType),
])
def test_bad_comment_marker_raises(tmp_path, comments, exc):
    with pytest.raises(exc, match="comments"):
        read_edgelist(write(tmp_path, "0 1\n"), comments=comments)


# ------------------------------------------------------------ cross-check with networkx
def random_edge_file(seed, weighted=False):
    """Sparse integer ids, duplicates (both orientations), self-loops, comments."""
    rng = np.random.default_rng(seed)
    ids = rng.choice(10_000, size=15, replace=False)
    lines = ["# random test graph", ""]
    for k in range(50):
        u, v = rng.choice(ids, 2)
        if k % 13 == 0:
            v = u  # self-loop
        line = f"{u} {v}"
        if weighted:
            line += f" {rng.uniform():.6f}"
        if k % 7 == 0:
            line += "   # note"
        lines.append(line)
        if k % 11 == 0:
            lines.append(f"{v}\t{u}" + (f" {rng.uniform():.6f}" if weighted else ""))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_matches_networkx_read_edgelist(tmp_path, directed, seed):
    path = write(tmp_path, random_edge_file(seed))
    g = read_edgelist(path, directed=directed)
    G = nx.read_edgelist(path, nodetype=int, data=False,
                         create_using=nx.DiGraph if directed else nx.Graph)
    h = Graph.from_networkx(G)
    assert g.directed == h.directed == directed
    assert set(g.labels) == set(h.labels)
    assert g.n == h.n
    assert labelled_arc_set(g) == labelled_arc_set(h)
    assert g.num_arcs == h.num_arcs
    # integer names numbered in increasing order
    assert list(g.labels) == sorted(G.nodes())


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_weighted_matches_networkx_read_edgelist(tmp_path, directed, seed):
    path = write(tmp_path, random_edge_file(100 + seed, weighted=True))
    g = read_edgelist(path, directed=directed, weighted=True)
    G = nx.read_edgelist(path, nodetype=int, data=(("weight", float),),
                         create_using=nx.DiGraph if directed else nx.Graph)
    h = Graph.from_networkx(G, weight="weight")
    assert labelled_arc_set(g) == labelled_arc_set(h)
    for u, v, e in csr_arcs(g):
        a, b = g.labels[u], g.labels[v]
        assert g.weights[e] == G.edges[a, b]["weight"], (a, b)



def test_byte_order_mark_is_skipped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff10 20\n20 30\n".encode("utf-8"))
    assert read_edgelist(path).labels == (10, 20, 30)


def test_flags_must_be_booleans(tmp_path):
    path = write(tmp_path, "1 2\n")
    with pytest.raises(TypeError, match=r"weighted must be True or False; got 'no'"):
        read_edgelist(path, weighted="no")
