"""Reading graphs from edge-list files (the format of SNAP's public networks)."""

from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import warnings
import zlib

import numpy as np

from ._validation import show_value
from .errors import FileProblem, InvalidType, InvalidValue, MissingFile, RefsimError
from .graph import Graph, check_bool

__all__ = ["read_edgelist"]

_GZIP_MAGIC = b"\x1f\x8b"
#: Other compressed formats, told apart by their first bytes, that refsim does not unpack.
_OTHER_COMPRESSED = ((b"BZh", "bzip2"), (b"\xfd7zXZ\x00", "xz"), (b"PK\x03\x04", "zip"),
                     (b"\x28\xb5\x2f\xfd", "zstd"))
#: Byte-order marks of encodings in which ASCII text holds NUL bytes.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: Control bytes no text edge list holds (tab, newlines, form feed, ^Z and ESC allowed).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x19\x1c-\x1f]")
_BINARY_CHARS = re.compile(r"[\x00-\x08\x0e-\x19\x1c-\x1f]")
_SEPARATORS = re.compile(r"[ \t\n\v\f\r,]+")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]+")
_INT64_MAX = np.iinfo(np.int64).max
#: Words a header's column names are made of (``customer_id``, ``friend_id``,
#: ``source``, ``Target``, ``from``, ``to``, ``node_a``, ``referrerId``).
_HEADER_WORDS = frozenset(
    "id ids no number key source src target tgt dst destination origin from to node "
    "nodes vertex customer customers client account friend friends user users name "
    "person people member contact referrer referred referee sender recipient follower "
    "followed followee ego alter u v a b i j x y left right head tail start end edge "
    "weight w a1 a2 n1 n2 1 2".split())
_HEADER_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_HEADER_HINT = "pass header=True (config key graph.header = true) or comment the line out"


def read_edgelist(path: str | os.PathLike[str], *, directed: bool = False,
                  weighted: bool = False, comments: str = "#", header: bool = False,
                  encoding: str = "utf-8") -> Graph:
    """Return the graph in an edge-list file: one ``source target [weight]`` per line.

    Fields are separated by spaces, tabs or commas (quotes are not interpreted); text
    after ``comments`` is ignored, as are blank lines; gzip-compressed files are read as
    they are (detected by content, not by name). Node names may be integers or any
    other token. Integer names are numbered in increasing order, so a file using
    ``0 .. n-1`` keeps its ids; if any name is not an integer, all are read as text and
    numbered in order of first appearance. ``graph.labels`` keeps the names. Duplicate
    edges are merged (the last weight wins) and self-loops dropped, as in
    :meth:`Graph.from_edges`; a file whose edges are all self-loops is refused.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.
    directed : bool, default False
        Read ``u v`` as the arc ``u -> v`` only (as in SNAP's directed graphs).
    weighted : bool, default False
        Read a third field on every line as the edge weight, a finite number >= 0.
        Without it, fields after the second are ignored.
    comments : str, default "#"
        Marker starting a comment: no spaces or commas, not a digit or a sign.
    header : bool, default False
        Skip the first line that is neither blank nor a comment (column names such as
        ``source target``). Without it, a likely header is refused: a first line of
        two non-integer names followed by integer ids only, or of two column names
        (made of words such as ``customer``, ``friend``, ``id``, ``source``, ``to``)
        that name no node on any other line.
    encoding : str, default "utf-8"
        The text encoding, e.g. ``"latin-1"`` or ``"cp1252"``; bytes that are not valid
        in it are an error, never replaced. A UTF-8 byte-order mark is skipped.

    Returns
    -------
    Graph

    Raises
    ------
    MissingFile
        If ``path`` does not exist (a ``FileNotFoundError``).
    FileProblem
        If ``path`` is a folder or cannot be read (an ``OSError``).
    InvalidValue
        For a damaged gzip file, binary data, text not in ``encoding``, a line with
        too few fields, a missing, non-numeric, negative or non-finite weight, a likely
        header line, a file without edges or with only self-loops; the message gives
        the file and, where it applies, the line number and the line (shortened).

    Notes
    -----
    Time O(L + m log m) for L lines and m edges; memory a few words per edge. Files of
    integer ids with one kind of separator are parsed by numpy's C reader (about 0.1 s
    per million lines); anything else, and every file with a problem, line by line in
    Python, which finds the line to report.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = os.path.join(d, "g.txt")
    ...     _ = open(f, "w").write("# a triangle\\n10 20\\n20,30\\n30 10\\n")
    ...     g = read_edgelist(f)
    >>> g.n, g.num_arcs, g.labels
    (3, 6, (10, 20, 30))

    A header line is skipped when asked:

    >>> with tempfile.TemporaryDirectory() as d:
    ...     f = os.path.join(d, "g.csv")
    ...     _ = open(f, "w").write("from,to,weight\\n1,2,0.5\\n2,3,1.5\\n")
    ...     g = read_edgelist(f, weighted=True, header=True)
    >>> g.labels, g.weights.tolist()
    ((1, 2, 3), [0.5, 0.5, 1.5, 1.5])
    """
    try:
        path = os.fspath(path)
    except TypeError:
        raise InvalidType(f"path must be a file name (str or os.PathLike); got "
                          f"{show_value(path)} of type {type(path).__name__}") from None
    name = os.fsdecode(path)
    directed = check_bool("directed", directed)
    weighted = check_bool("weighted", weighted)
    header = check_bool("header", header)
    comments = _check_comments(comments)
    src = _Source(name, path, _check_encoding(encoding))
    try:
        found = _read_numeric(src, comments, weighted, header)
        if found is None:
            found = _read_lines(src, comments, weighted, header)
    except UnicodeError as exc:  # UnicodeDecodeError, or a UTF-16 stream without a BOM
        raise src.decode_problem(exc) from None
    names, ends, wts = found
    m = ends.shape[0]
    if m == 0:
        after = " after its header line" if header else ""
        raise InvalidValue(f"{name} holds no edges{after}: every line is blank or a comment")
    if (ends[:, 0] == ends[:, 1]).all():
        raise InvalidValue(f"all {m} edges of {name} are self-loops; refsim drops "
                           f"self-loops, which would leave a graph without edges")
    return Graph.from_edges(ends[:, 0], ends[:, 1], len(names), directed=directed,
                            weights=wts, labels=names)


# --------------------------------------------------------------------- arguments
def _check_comments(comments) -> str:
    if not isinstance(comments, str):
        raise InvalidType(f"comments must be a string such as '#'; got {show_value(comments)} "
                          f"of type {type(comments).__name__}")
    if (not comments or _SEPARATORS.search(comments) or comments[0].isdigit()
            or comments in ("+", "-", ".")):
        raise InvalidValue(f"comments must be a non-empty marker such as '#' or '%', "
                           f"without spaces or commas, not a digit or a sign (these "
                           f"start fields); got {show_value(comments)}")
    return comments


def _check_encoding(encoding) -> codecs.CodecInfo:
    if not isinstance(encoding, str):
        raise InvalidType(f"encoding must be the name of a text encoding such as "
                          f"'utf-8' or 'latin-1'; got {show_value(encoding)} of type "
                          f"{type(encoding).__name__}")
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise InvalidValue(f"encoding {show_value(encoding)} is not a text encoding Python "
                           f"knows; use e.g. 'utf-8', 'latin-1' or 'cp1252'")
    return info


# ----------------------------------------------------------------------- reading
class _Source:
    """One edge-list file: opens it as checked text as often as the readers need."""

    def __init__(self, name, path, codec: codecs.CodecInfo):
        self.name = name
        self.path = path
        self.codec = codec.name
        probe = "\t\n\r ,#09az\x00\x1f"
        try:
            self.ascii_compatible = probe.encode(codec.name) == probe.encode("ascii")
        except UnicodeError:  # pragma: no cover - every text codec encodes ASCII
            self.ascii_compatible = False
        # the BOM is skipped for UTF-8 only, as Python's "utf-8-sig" does
        self.text_codec = "utf-8-sig" if codec.name == "utf-8" else codec.name

    def open(self, codec=None) -> io.TextIOWrapper:
        """The file as text (universal newlines, strict decoding): the decompressed
        bytes pass through :class:`_Bytes`, which refuses binary data."""
        try:
            fh = open(self.path, "rb")
        except FileNotFoundError:
            raise MissingFile(f"{self.name}: no such file") from None
        except IsADirectoryError:
            raise FileProblem(f"{self.name} is a folder, not an edge-list file") from None
        except OSError as exc:
            raise FileProblem(f"cannot read {self.name}: {exc.strerror or exc}") from None
        try:
            head = fh.peek(8)[:8]
            for magic, kind in _OTHER_COMPRESSED:
                if head.startswith(magic):
                    raise InvalidValue(f"{self.name} is compressed with {kind}; refsim "
                                       f"reads plain or gzip-compressed text: decompress "
                                       f"it first")
            if self.ascii_compatible:
                for bom, wide in _WIDE_BOMS:
                    if head.startswith(bom):
                        raise InvalidValue(f"{self.name} starts with a {wide} byte-order "
                                           f"mark; pass encoding=\"{wide}\" (config key "
                                           f"graph.encoding)")
            raw = gzip.GzipFile(fileobj=fh, mode="rb") if head[:2] == _GZIP_MAGIC else fh
        except OSError as exc:
            fh.close()
            raise FileProblem(f"cannot read {self.name}: {exc.strerror or exc}") from None
        except BaseException:
            fh.close()
            raise
        checked = _Bytes(self.name, raw, fh, head[:2] == _GZIP_MAGIC,
                         self.ascii_compatible)
        return io.TextIOWrapper(io.BufferedReader(checked, 1 << 16),
                                encoding=codec or self.text_codec, errors="strict",
                                newline=None)

    def lines(self):
        """Yield ``(line number, line)``, refusing control characters that the byte
        check cannot see (encodings such as UTF-16)."""
        with self.open() as fh:
            for lineno, raw in enumerate(fh, 1):
                if not self.ascii_compatible and _BINARY_CHARS.search(raw):
                    raise InvalidValue(f"{self.name} is not a text edge list (binary data "
                                       f"on line {lineno})")
                yield lineno, raw

    def decode_problem(self, exc: UnicodeError) -> InvalidValue:
        """The error for text that is not in the encoding, with its line when the
        encoding lets lines be found byte-wise (ASCII-compatible ones)."""
        hint = ('if the file is in another encoding, pass it, e.g. encoding="latin-1" '
                '(config key graph.encoding)' if self.codec == "utf-8" else
                "pass the file's encoding (config key graph.encoding)")
        if not isinstance(exc, UnicodeDecodeError):
            if self.codec in ("utf-16", "utf-32"):
                hint = (f'without a byte-order mark, name the byte order, e.g. '
                        f'encoding="{self.codec}-le" (config key graph.encoding)')
            return InvalidValue(f"{self.name}: not valid {self.codec} text ({exc}); {hint}")
        where = ""
        if self.ascii_compatible:
            with self.open("latin-1") as fh:  # latin-1 maps each byte to one character
                for lineno, raw in enumerate(fh, 1):
                    data = raw.encode("latin-1")
                    try:
                        data.decode(self.codec)
                    except UnicodeDecodeError as bad:
                        where = f", line {lineno}"
                        exc = bad
                        break
        byte = exc.object[exc.start:exc.start + 1]
        shown = f" (byte 0x{byte[0]:02x})" if byte else ""
        return InvalidValue(f"{self.name}{where}: not valid {self.codec} text{shown}; "
                            f"{hint}")


class _Bytes(io.RawIOBase):
    """The (decompressed) bytes of a file; a damaged gzip stream, a failed read or a
    control byte (binary data) becomes a refsim error naming the file."""

    def __init__(self, name, raw, fh, gz, look_for_binary):
        super().__init__()
        self._name, self._raw, self._fh, self._gz = name, raw, fh, gz
        self._look = look_for_binary
        self._pos = 0

    def readable(self):
        return True

    def readinto(self, buf):
        try:
            k = self._raw.readinto(buf)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            if not self._gz:  # pragma: no cover - only gzip raises these
                raise
            reason = str(exc) or type(exc).__name__
            if len(reason) > 80:
                reason = reason[:77] + "..."
            raise InvalidValue(f"{self._name} is a damaged gzip file: {reason}") from None
        except OSError as exc:
            raise FileProblem(f"cannot read {self._name}: {exc.strerror or exc}") from None
        if k and self._look:
            hit = _BINARY_BYTES.search(buf, 0, k)
            if hit:
                at = self._pos + hit.start()
                kind = " (after gzip decompression)" if self._gz else ""
                raise InvalidValue(f"{self._name} is not a text edge list: binary data "
                                   f"(byte 0x{hit.group()[0]:02x}) at byte {at}{kind}")
        self._pos += k or 0
        return k

    def close(self):
        if not self.closed:
            try:
                if self._gz:
                    self._raw.close()
            finally:
                self._fh.close()
        super().close()


def _split(line: str) -> list[str]:
    if line.isascii():
        return (line.replace(",", " ") if "," in line else line).split()
    return [t for t in _SEPARATORS.split(line) if t]


def _is_int(token: str) -> bool:
    return _INTEGER.fullmatch(token) is not None


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _looks_like_edge(parts, weighted) -> bool:
    """Whether a line skipped as a header reads as an edge of integer ids."""
    return (len(parts) >= 2 and _is_int(parts[0]) and _is_int(parts[1])
            and (not weighted or (len(parts) >= 3 and _is_number(parts[2]))))


def _read_numeric(src: _Source, comments, weighted, header):
    """The common case in C: integer ids with one kind of separator. ``None`` for
    anything else (strings, mixed separators, a malformed line, a bad weight, a header
    that looks like an edge), and the line reader takes over and finds the line."""
    skip = 0
    delimiter = None
    with src.open() as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.split(comments, 1)[0].strip()
            if not line:
                continue
            if header and not skip:
                if _looks_like_edge(_split(line), weighted):
                    return None
                skip = lineno
                continue
            delimiter = "," if "," in line else None
            break
        else:
            return None
    cols = (0, 1, 2) if weighted else (0, 1)
    dtype = [("u", np.int64), ("v", np.int64)] + ([("w", np.float64)] if weighted else [])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with src.open() as fh:
                rows = np.loadtxt(fh, comments=comments, delimiter=delimiter, dtype=dtype,
                                  usecols=cols, ndmin=1, skiprows=skip)
    except (RefsimError, UnicodeError):
        raise
    except (ValueError, IndexError, OverflowError, TypeError):
        return None
    wts = None
    if weighted:
        wts = rows["w"] + 0.0  # a contiguous copy, -0.0 read as 0.0
        if not (np.isfinite(wts) & (wts >= 0)).all():
            return None
    ends = np.stack([rows["u"], rows["v"]], axis=1)
    names, inverse = np.unique(ends, return_inverse=True)
    return names.tolist(), inverse.reshape(ends.shape), wts


def _read_lines(src: _Source, comments, weighted, header):
    name = src.name
    need = 3 if weighted else 2
    src_tok: list[str] = []
    dst_tok: list[str] = []
    wts: list[float] = []
    first = None  # line number of the first data line
    suspect = None  # (line number, line) of a first line that may be a header
    deferred = None  # the weight error of that line, raised unless it is a header
    for lineno, raw in src.lines():
        line = raw.split(comments, 1)[0]
        parts = _split(line)
        if not parts:
            continue
        is_first = first is None
        if is_first:
            first = lineno
            if header:
                if _looks_like_edge(parts, weighted):
                    raise InvalidValue(f"{name}, line {lineno}: header=True skips this "
                                       f"line, but {show_value(raw.rstrip(), 80)} reads as an "
                                       f"edge; pass header=False")
                continue
        if len(parts) < need:
            what = "source, target and weight" if weighted else "source and target"
            hint = ""
            if is_first and not any(_is_number(t) for t in parts):
                hint = f"; if it is a header, {_HEADER_HINT}"
            raise InvalidValue(f"{name}, line {lineno}: expected {what}; got "
                               f"{show_value(raw.rstrip(), 80)}{hint}")
        if is_first and not header and not _is_int(parts[0]) and not _is_int(parts[1]):
            suspect = (lineno, raw)
        src_tok.append(parts[0])
        dst_tok.append(parts[1])
        if weighted:
            problem = _weight_problem(line, parts[2])
            if problem is not None:
                msg = f"{name}, line {lineno}: {problem}"
                if suspect is not None and is_first:
                    deferred = f"{msg}; if it is a header, {_HEADER_HINT}"
                    wts.append(0.0)
                    continue
                raise InvalidValue(msg)
            wts.append(float(parts[2]) + 0.0)  # -0.0 read as 0.0
    if suspect is not None and len(src_tok) > 1 and all(
            _is_int(t) for tokens in (src_tok, dst_tok) for t in tokens[1:]):
        lineno, raw = suspect
        raise InvalidValue(f"{name}, line {lineno}: {show_value(raw.rstrip(), 80)} looks like a "
                           f"header (every other line holds integer ids); {_HEADER_HINT}")
    if suspect is not None and _names_columns(src_tok, dst_tok):
        lineno, raw = suspect
        raise InvalidValue(f"{name}, line {lineno}: {show_value(raw.rstrip(), 80)} looks like a "
                           f"header (column names that name no other line's node); "
                           f"{_HEADER_HINT}")
    if deferred is not None:
        raise InvalidValue(deferred)
    names, ends = _number_nodes(src_tok, dst_tok)
    return names, ends, np.asarray(wts, dtype=np.float64) if weighted else None


def _names_columns(src_tok, dst_tok) -> bool:
    """Whether the first line's two names are column names: made of header words
    (``customer_id``, ``friendId``, ``source``) and naming no node on any other line."""
    first = (src_tok[0], dst_tok[0])
    if len(src_tok) < 2 or first[0] == first[1]:
        return False
    if not all(looks_like_column_name(token) for token in first):
        return False
    rest = set(src_tok[1:]).union(dst_tok[1:])
    return not rest.intersection(first)


def looks_like_column_name(token: str) -> bool:
    """Whether ``token`` is made of the words column names are made of
    (``customer_id``, ``friendId``, ``Source``), not of a customer's id."""
    parts = _HEADER_PART.findall(token)
    return bool(parts) and "".join(parts) == re.sub(r"[^A-Za-z0-9]", "", token) and all(
        p.lower() in _HEADER_WORDS for p in parts)


def _weight_problem(line: str, token: str):
    """Why ``token`` is not a usable weight, or ``None``."""
    if "," in line:
        ws = line.split()
        if (len(ws) >= 3 and "," not in ws[0] + ws[1]
                and _DECIMAL_COMMA.fullmatch(ws[2])):
            return (f"weight {show_value(ws[2], 80)} uses a decimal comma, but commas "
                    f"separate fields; write it with a decimal point")
    try:
        w = float(token)
    except ValueError:
        return f"weight must be a number >= 0; got {show_value(token, 80)}"
    if not (w >= 0 and np.isfinite(w)):
        return f"weight must be a finite number >= 0; got {show_value(token, 80)}"
    return None


def _number_nodes(src_tok, dst_tok):
    """Map name tokens to ids: integers in increasing order, else first appearance.

    Returns the names and an (m, 2) int64 array of the ends of each edge.
    """
    tokens = src_tok + dst_tok
    m = len(src_tok)
    ends = np.empty((m, 2), dtype=np.int64)
    if all(_is_int(t) for t in tokens):
        values = [int(t) for t in tokens]
        if all(-_INT64_MAX - 1 <= v <= _INT64_MAX for v in values):
            names, ids = np.unique(np.array(values, dtype=np.int64), return_inverse=True)
            names = names.tolist()
        else:  # ids beyond int64 stay integers (Python ints), in increasing order
            names = sorted(set(values))
            index = {v: i for i, v in enumerate(names)}
            ids = np.fromiter((index[v] for v in values), dtype=np.int64, count=2 * m)
        ends[:, 0] = ids[:m]
        ends[:, 1] = ids[m:]
        return names, ends
    index: dict[str, int] = {}
    for i, (s, d) in enumerate(zip(src_tok, dst_tok)):  # line order: s0, d0, s1, d1, ...
        ends[i, 0] = index.setdefault(s, len(index))
        ends[i, 1] = index.setdefault(d, len(index))
    return list(index), ends
