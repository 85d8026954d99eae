"""read_edgelist on files a user can get wrong: each problem is one clear refsim error
naming the file (and line), never a traceback from gzip, numpy or the codec, and never a
silently different graph."""

import bz2
import gzip
import lzma
import math
import os
import zlib

import numpy as np
import pytest

from refsim import read_edgelist
from refsim import edgelist as edgelist_module
from refsim.errors import FileProblem, InvalidType, InvalidValue, MissingFile, RefsimError
from naive import labelled_arc_set


def write_bytes(tmp_path, data, name="g.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def both_ways(pairs):
    pairs = {(u, v) for u, v in pairs if u != v}
    return pairs | {(v, u) for u, v in pairs}


def refused(path, exc=InvalidValue, **kwargs):
    """The one-line error read_edgelist raises for ``path``; it names the file."""
    with pytest.raises(exc) as info:
        read_edgelist(path, **kwargs)
    msg = str(info.value)
    assert str(path) in msg
    assert "\n" not in msg and len(msg) < 400
    return msg


GZ = gzip.compress(b"0 1\n1 2\n2 3\n" * 2000)


# -------------------------------------------------------------------------- gzip
@pytest.mark.parametrize("data", [
    GZ[: len(GZ) // 2],                         # truncated
    GZ[:-8] + b"\0\0\0\0" + GZ[-4:],            # CRC that does not match
    GZ[:-4] + b"\1\0\0\0",                      # length that does not match
    GZ[:10] + bytes(200),                       # garbage deflate stream
    b"\x1f\x8b",                                # the magic number and nothing else
    b"\x1f\x8b\x09\x00" + bytes(20),            # unknown compression method
    GZ + b"trailing garbage",                   # bytes after the stream
], ids=["truncated", "crc", "length", "deflate", "magic-only", "method", "trailing"])
def test_damaged_gzip_is_named(tmp_path, data):
    msg = refused(write_bytes(tmp_path, data, "g.txt.gz"))
    assert "is a damaged gzip file: " in msg


@pytest.mark.parametrize("data, kind", [
    (bz2.compress(b"0 1\n"), "bzip2"), (lzma.compress(b"0 1\n"), "xz"),
    (b"PK\x03\x04" + bytes(40), "zip"),
])
def test_other_compression_is_named(tmp_path, data, kind):
    msg = refused(write_bytes(tmp_path, data, "g.dat"))
    assert f"is compressed with {kind}" in msg and "decompress it first" in msg


# ------------------------------------------------------------------------ binary
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"
       + bytes(range(256)))


@pytest.mark.parametrize("data, at", [
    (PNG, 8),                                   # the first NUL of the IHDR length
    (b"0 1\n1 2\n2\x003\n", 9),                 # one NUL byte in a text file
    (b"0 1\n\x01\x02\x03 4\n", 4),
    (bytes(np.random.default_rng(3).integers(1, 256, 4000, dtype=np.uint8)), None),
], ids=["png", "nul", "control", "random"])
def test_binary_file_is_refused(tmp_path, data, at):
    msg = refused(write_bytes(tmp_path, data, "picture.png"))
    assert "is not a text edge list: binary data" in msg
    if at is not None:
        assert msg.endswith(f"at byte {at}")


def test_binary_inside_gzip_is_refused(tmp_path):
    msg = refused(write_bytes(tmp_path, gzip.compress(b"0 1\n" + PNG), "g.gz"))
    assert "binary data (byte 0x00) at byte 12 (after gzip decompression)" in msg


# ---------------------------------------------------------------------- encoding
LATIN1 = "# names\ncaf\xe9 anna\ncaf\xe8 bob\n".encode("latin-1")


def test_latin1_names_are_not_merged(tmp_path):
    path = write_bytes(tmp_path, LATIN1)
    msg = refused(path)
    assert ", line 2: not valid utf-8 text (byte 0xe9)" in msg
    assert 'encoding="latin-1"' in msg and "graph.encoding" in msg
    g = read_edgelist(path, encoding="latin-1")
    assert g.labels == ("caf\xe9", "anna", "caf\xe8", "bob")
    assert labelled_arc_set(g) == both_ways({("caf\xe9", "anna"), ("caf\xe8", "bob")})


def test_bad_utf8_in_gzip_gives_its_line(tmp_path):
    path = write_bytes(tmp_path, gzip.compress(b"0 1\n1 2\n" + LATIN1), "g.gz")
    assert ", line 4: not valid utf-8 text" in refused(path)


def test_truncated_utf8_at_end_of_file(tmp_path):
    path = write_bytes(tmp_path, "a b\nb c\u00e9\n".encode("utf-8")[:-2])
    assert ", line 2: not valid utf-8 text" in refused(path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-le"])
def test_wide_encodings_are_read(tmp_path, encoding):
    path = write_bytes(tmp_path, "# \u00e9\n10 20\n20 \u00e9t\u00e9\n".encode(encoding))
    g = read_edgelist(path, encoding=encoding)
    assert g.labels == ("10", "20", "\u00e9t\u00e9")


def test_utf16_without_encoding_says_so(tmp_path):
    path = write_bytes(tmp_path, "0 1\n1 2\n".encode("utf-16"))
    assert 'utf-16 byte-order mark; pass encoding="utf-16"' in refused(path)


def test_control_character_in_utf16_text_is_refused(tmp_path):
    path = write_bytes(tmp_path, "0 1\n1\x002\n".encode("utf-16"))
    msg = refused(path, encoding="utf-16")
    assert "is not a text edge list (binary data on line 2)" in msg


@pytest.mark.parametrize("encoding, exc, pattern", [
    ("no-such-codec", InvalidValue, r"encoding 'no-such-codec' is not a text encoding"),
    ("rot13", InvalidValue, r"encoding 'rot13' is not a text encoding"),
    ("base64", InvalidValue, r"encoding 'base64' is not a text encoding"),
    (None, InvalidType, r"encoding must be the name of a text encoding"),
    (8, InvalidType, r"encoding must be the name of a text encoding"),
])
def test_encoding_name_is_checked(tmp_path, encoding, exc, pattern):
    with pytest.raises(exc, match=pattern):
        read_edgelist(write_bytes(tmp_path, b"0 1\n"), encoding=encoding)


def test_non_breaking_space_is_part_of_a_name(tmp_path):
    path = write_bytes(tmp_path, "jos\u00e9\u00a0silva maria\n".encode("utf-8"))
    assert read_edgelist(path).labels == ("jos\u00e9\u00a0silva", "maria")


# ------------------------------------------------------------------------ header
@pytest.mark.parametrize("text, weighted", [
    ("source target\n0 1\n1 2\n", False),
    ("from,to,weight\n0,1,0.5\n1,2,1\n", False),
    ("from,to,weight\n0,1,0.5\n1,2,1\n", True),
    ("# SNAP graph\n\nFromNodeId\tToNodeId\n0\t1\n1\t2\n", False),
], ids=["words", "csv", "csv-weighted", "after-comments"])
def test_header_line_is_not_read_as_an_edge(tmp_path, text, weighted):
    path = write_bytes(tmp_path, text.encode())
    msg = refused(path, weighted=weighted)
    line = 3 if text.startswith("#") else 1
    assert f", line {line}: " in msg and "looks like a header" in msg
    assert "header=True" in msg and "graph.header = true" in msg
    g = read_edgelist(path, weighted=weighted, header=True)
    assert g.labels == (0, 1, 2)
    assert labelled_arc_set(g) == both_ways({(0, 1), (1, 2)})
    if weighted:
        assert sorted(g.weights.tolist()) == [0.5, 0.5, 1.0, 1.0]


def test_header_with_string_ids(tmp_path):
    path = write_bytes(tmp_path, b"source target\nann bob\nbob cy\n")
    g = read_edgelist(path, header=True)
    assert g.labels == ("ann", "bob", "cy")
    # without header=True, column names that name no other line's node are refused
    msg = refused(path)
    assert ", line 1: 'source target' looks like a header" in msg and "header=True" in msg


@pytest.mark.parametrize("first", ["customer_id,friend_id", "Source,Target",
                                   "referrerId referredId", "from to", "node_a node_b"])
def test_customer_csv_header_is_not_read_as_two_customers(tmp_path, first):
    path = write_bytes(tmp_path, f"{first}\nc1,c2\nc2,c3\nc3,c1\n".encode())
    assert "line 1: " in refused(path) and "looks like a header" in refused(path)
    assert read_edgelist(path, header=True).labels == ("c1", "c2", "c3")


@pytest.mark.parametrize("text", [b"ann bob\nbob cy\n",  # names, not header words
                                  b"a b\nb c\n",  # header words naming nodes elsewhere
                                  b"id id\nid x\n"])  # a self-loop, not two columns
def test_first_line_of_names_is_an_edge(tmp_path, text):
    g = read_edgelist(write_bytes(tmp_path, text + b"p q\n"))
    assert g.labels[0] == text.split()[0].decode()


def test_header_of_one_word_gets_the_hint(tmp_path):
    msg = refused(write_bytes(tmp_path, b"edges\n0 1\n"))
    assert ", line 1: expected source and target; got 'edges'" in msg
    assert "header=True" in msg


def test_weighted_string_file_with_header_gets_the_hint(tmp_path):
    path = write_bytes(tmp_path, b"u v weight\nann bob 1\n")
    msg = refused(path, weighted=True)
    assert ", line 1: 'u v weight' looks like a header" in msg
    assert "header=True" in msg

    assert read_edgelist(path, weighted=True, header=True).labels == ("ann", "bob")
    msg = refused(write_bytes(tmp_path, b"ann bob weight\nbob cy 1\n"), weighted=True)
    assert ", line 1: weight must be a number >= 0; got 'weight'" in msg  # ann: a name
    assert "header=True" in msg


@pytest.mark.parametrize("text", ["0 1\n1 2\n", "# c\n5,6\n6,7\n"])
def test_header_true_refuses_to_skip_an_edge(tmp_path, text):
    msg = refused(write_bytes(tmp_path, text.encode()), header=True)
    assert "header=True skips this line" in msg and "pass header=False" in msg


def test_only_a_header_holds_no_edges(tmp_path):
    assert "holds no edges after its header line" in refused(
        write_bytes(tmp_path, b"source target\n# nothing else\n"), header=True)


def test_first_line_with_one_integer_is_an_edge(tmp_path):
    g = read_edgelist(write_bytes(tmp_path, b"10 a\n2 10\n"))
    assert g.labels == ("10", "a", "2")


# --------------------------------------------------------------------- self-loops
@pytest.mark.parametrize("text", ["0 0\n1 1\n", "a a\n", "3,3\n3 3\n"])
def test_only_self_loops_is_refused(tmp_path, text):
    path = write_bytes(tmp_path, text.encode())
    m = text.count("\n")
    msg = refused(path)
    assert msg.startswith(f"all {m} edges of {path} are self-loops")


def test_some_self_loops_are_dropped(tmp_path):
    g = read_edgelist(write_bytes(tmp_path, b"0 0\n0 1\n2 2\n"))
    assert g.labels == (0, 1, 2)
    assert labelled_arc_set(g) == both_ways({(0, 1)})


# ------------------------------------------------------------------------ weights
@pytest.mark.parametrize("text, line, token", [
    ("0 1 0.5\n1 2 -1\n", 2, "-1"),
    ("0 1 0.5\n1 2 -1e-300\n", 2, "-1e-300"),
    ("0,1,-0.5\n", 1, "-0.5"),
    ("0 1 1\n1 2 nan\n", 2, "nan"),
    ("0 1 1\n1 2 -inf\n", 2, "-inf"),
    ("0 1 1e400\n", 1, "1e400"),
    ("a b 1\nb c -2\n", 2, "-2"),
])
def test_negative_and_non_finite_weights_are_refused(tmp_path, text, line, token):
    msg = refused(write_bytes(tmp_path, text.encode()), weighted=True)
    assert msg.endswith(f", line {line}: weight must be a finite number >= 0; got {token!r}")


def test_zero_weights_are_kept_and_negative_zero_is_zero(tmp_path):
    g = read_edgelist(write_bytes(tmp_path, b"0 1 0\n1 2 -0.0\n"), weighted=True)
    assert g.weights.tolist() == [0.0, 0.0, 0.0, 0.0]
    assert all(math.copysign(1.0, w) == 1.0 for w in g.weights.tolist())


def test_decimal_comma_is_refused(tmp_path):
    msg = refused(write_bytes(tmp_path, b"0 1 0,5\n"), weighted=True)
    assert ", line 1: weight '0,5' uses a decimal comma" in msg


def test_weight_missing_on_one_line(tmp_path):
    msg = refused(write_bytes(tmp_path, b"0 1 1\n1 2 1\n2 3\n3 4 1\n"), weighted=True)
    assert msg.endswith(", line 3: expected source, target and weight; got '2 3'")


# -------------------------------------------------------------------- long lines
def test_long_line_is_shortened_in_the_message(tmp_path):
    path = write_bytes(tmp_path, b"0 1\n" + b"x" * 8_000_000 + b"\n")
    msg = refused(path)
    assert ", line 2: expected source and target; got 'xxx" in msg
    assert msg.endswith("...") and len(msg) < len(str(path)) + 150


def test_long_weight_token_is_shortened(tmp_path):
    path = write_bytes(tmp_path, b"0 1 " + b"9" * 100_000 + b"z\n")
    assert len(refused(path, weighted=True)) < len(str(path)) + 150


# ---------------------------------------------------------------------- ids
def test_ids_beyond_int64_stay_integers(tmp_path):
    big = 2**64 + 7
    g = read_edgelist(write_bytes(tmp_path, f"{big} 5\n5 -{big}\n".encode()))
    assert g.labels == (-big, 5, big)
    assert labelled_arc_set(g) == both_ways({(big, 5), (5, -big)})


def test_int64_limits_are_integers(tmp_path):
    lo, hi = -(2**63), 2**63 - 1
    g = read_edgelist(write_bytes(tmp_path, f"{lo} {hi}\n{hi} 0\n".encode()))
    assert g.labels == (lo, 0, hi)


# ------------------------------------------------------------------- the file
def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nope.txt"
    assert refused(path, MissingFile) == f"{path}: no such file"


def test_folder_is_refused(tmp_path):
    assert refused(tmp_path, FileProblem) == f"{tmp_path} is a folder, not an edge-list file"


def test_unreadable_file_is_a_file_problem(tmp_path, monkeypatch):
    path = write_bytes(tmp_path, b"0 1\n")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(edgelist_module, "open", denied, raising=False)
    assert refused(path, FileProblem) == f"cannot read {path}: Permission denied"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a user that file permissions apply to")
def test_file_without_read_permission(tmp_path):  # pragma: no cover - not as root
    path = write_bytes(tmp_path, b"0 1\n")
    path.chmod(0)
    try:
        assert "Permission denied" in refused(path, FileProblem)
    finally:
        path.chmod(0o600)


def test_read_failure_midway_is_a_file_problem(tmp_path, monkeypatch):
    path = write_bytes(tmp_path, b"0 1\n" * 10)

    class Failing:
        def __init__(self, fh):
            self._fh = fh

        def peek(self, k):
            return self._fh.peek(k)

        def readinto(self, buf):
            raise OSError(5, "Input/output error")

        def close(self):
            self._fh.close()

    real_open = open
    monkeypatch.setattr(edgelist_module, "open",
                        lambda *a, **k: Failing(real_open(*a, **k)), raising=False)
    assert refused(path, FileProblem) == f"cannot read {path}: Input/output error"


@pytest.mark.parametrize("path", [None, 3, ["g.txt"]])
def test_path_must_be_a_file_name(path):
    with pytest.raises(InvalidType, match=r"path must be a file name"):
        read_edgelist(path)


# ------------------------------------------- every problem is a RefsimError
@pytest.mark.parametrize("data", [
    GZ[:100], b"\xff\xfe\x00", b"\x00", "\u00e9".encode("latin-1"), b"1 2 3\n",
    b"a\n", b"#\n", zlib.compress(b"0 1\n"),
])
def test_no_traceback_for_any_of_these(tmp_path, data):
    path = write_bytes(tmp_path, data)
    for kwargs in ({}, {"weighted": True}, {"header": True}, {"encoding": "latin-1"}):
        try:
            read_edgelist(path, **kwargs)
        except RefsimError as exc:
            assert str(path) in str(exc)


# ------------------------------------------------------------ property checks
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TOKENS = ["0", "1", "7", "-3", "+4", "99999999999999999999", "a", "\u00e9", ",", " ", "\t",
           "#", "%", "\n", "\r\n", "\r", "0.5", "-1", "nan", "1,5", "\x00", "\ufeff",
           "source", "target", "\u00a0"]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.one_of(st.binary(max_size=60),
                 st.lists(st.sampled_from(_TOKENS), max_size=30).map(
                     lambda t: "".join(t).encode("utf-8"))),
       st.booleans(), st.booleans(), st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_any_bytes_give_a_graph_or_a_refsim_error(tmp_path_factory, data, weighted, header,
                                                   encoding):
    path = tmp_path_factory.mktemp("any") / "g.txt"
    path.write_bytes(data)
    try:
        read_edgelist(path, weighted=weighted, header=header, encoding=encoding)
    except RefsimError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)


def _line(draw_ids, sep, weight, comment):
    return sep.join(map(str, draw_ids)) + (f"{sep}{weight}" if weight else "") + comment


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.lists(st.sampled_from([0, 1, 2, 5, -4, 2**63 - 1, -(2**63)]),
                                   min_size=2, max_size=2),
                          st.sampled_from([" ", "\t", ",", ", "]),
                          st.sampled_from(["", "0.5", "0", "1e-300", "-0.0", "-1", "x"]),
                          st.sampled_from(["", " # 9 9"])), max_size=8),
       st.booleans(), st.booleans(), st.sampled_from(["\n", "\r\n"]))
def test_numpy_reader_and_line_reader_agree(tmp_path_factory, rows, weighted, header, eol):
    lines = (["u v w"] if header else []) + [_line(*r) for r in rows]
    path = tmp_path_factory.mktemp("agree") / "g.txt"
    path.write_bytes(eol.join(lines).encode())

    def outcome():
        try:
            g = read_edgelist(path, weighted=weighted, header=header)
        except RefsimError as exc:
            return str(exc)
        return (g.labels, g.indptr.tolist(), g.indices.tolist(),
                None if g.weights is None else g.weights.tolist())

    fast = outcome()
    real = edgelist_module._read_numeric
    edgelist_module._read_numeric = lambda *args: None
    try:
        assert outcome() == fast
    finally:
        edgelist_module._read_numeric = real
