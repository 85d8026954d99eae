"""Exact checks of the CSR builder and the draws generators share
(refsim._kernels.build): ``undirected_csr`` against a set-based construction, ``below``
and ``shuffle`` against the same stream in plain Python, ``grow`` by its contract."""

import numpy as np
import pytest

from naive import Xoshiro, _below
from refsim._kernels.build import below, grow, shuffle, undirected_csr
from refsim._rng import run_states


def reference_csr(n, src, dst):
    """Rows of the simple undirected graph: sorted distinct neighbours, no loops."""
    rows = [set() for _ in range(n)]
    for u, v in zip(src, dst):
        if u != v:
            rows[u].add(v)
            rows[v].add(u)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum([len(r) for r in rows], out=indptr[1:])
    return indptr.tolist(), [v for r in rows for v in sorted(r)]


@pytest.mark.parametrize("seed", range(4))
def test_undirected_csr_is_the_simple_graph(seed):
    rng = np.random.default_rng(seed)
    n, m = 30, 80
    src = rng.integers(0, n - 2, m + 10).astype(np.int32)  # n-2, n-1 isolated
    dst = rng.integers(0, n - 2, m + 10).astype(np.int32)
    src[:5] = dst[:5]  # loops
    src[5:10], dst[5:10] = dst[10:15], src[10:15]  # the same edges reversed
    src[20:23], dst[20:23] = 0, [1, 2, 3]  # node 0 has neighbours, some of them more once
    dst[23] = 0
    src[60:66] = src[66:72]
    dst[60:66] = dst[66:72]
    indptr, indices = undirected_csr(n, src, dst, m)  # the first m pairs only
    want_ptr, want_idx = reference_csr(n, src[:m].tolist(), dst[:m].tolist())
    assert indptr.tolist() == want_ptr and indices.tolist() == want_idx
    assert indptr.dtype == np.int64 and indices.dtype == np.int32


def test_undirected_csr_by_hand():
    """Edges 2-0, 0-2 (repeat), 1-1 (loop), 0-1, 3-0; the pair 3-2 lies beyond m."""
    src = np.array([2, 0, 1, 0, 3, 3], np.int32)
    dst = np.array([0, 2, 1, 1, 0, 2], np.int32)
    indptr, indices = undirected_csr(5, src, dst, 5)
    assert indptr.tolist() == [0, 3, 4, 5, 6, 6]
    assert indices.tolist() == [1, 2, 3, 0, 0, 0]
    indptr, indices = undirected_csr(3, src, dst, 0)
    assert indptr.tolist() == [0, 0, 0, 0] and indices.tolist() == []


def test_below_is_one_double_scaled_down():
    """below(s, k) = floor(k * u) for the stream's next double u: the same integers as
    the plain-Python stream, each in 0 .. k-1; at the all-zero state always 0."""
    state = run_states(np.random.SeedSequence(2), 1)[0]
    s, twin = state.copy(), Xoshiro(state)
    ks = [1, 2, 3, 7, 10, 1000, 2**31 - 1, 2**40 + 3] * 40
    got = [below(s, k) for k in ks]
    assert got == [_below(twin, k) for k in ks]
    assert all(0 <= r < k for r, k in zip(got, ks))
    assert len({r for r, k in zip(got, ks) if k == 1000}) > 30  # spread, not constant
    zero = np.zeros(4, np.uint64)
    assert [below(zero, k) for k in (1, 5, 99)] == [0, 0, 0]


def test_shuffle_is_fisher_yates_on_the_stream():
    state = run_states(np.random.SeedSequence(4), 1)[0]
    a = np.arange(20)
    shuffle(state.copy(), a)
    twin, b = Xoshiro(state), list(range(20))
    for i in range(19, 0, -1):
        j = _below(twin, i + 1)
        b[i], b[j] = b[j], b[i]
    assert a.tolist() == b and sorted(b) == list(range(20)) and b != list(range(20))
    one = np.array([5])
    shuffle(state.copy(), one)
    assert one.tolist() == [5]


def test_grow_keeps_the_items_and_doubles():
    buf = np.arange(6, dtype=np.int32)
    assert grow(buf, 3) is buf and grow(buf, 6) is buf  # room enough: no copy
    more = grow(buf, 7)
    assert more.dtype == np.int32 and more.shape == (12,)  # doubled
    assert more[:6].tolist() == list(range(6))
    much = grow(buf, 20)
    assert much.shape == (20,) and much[:6].tolist() == list(range(6))  # as asked


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("size", [1, 2, 3, 20])
def test_shuffle_draws_exactly_one_number_per_swap(seed, size):
    """Fisher-Yates draws n - 1 numbers, one per position from the last down to 1: the
    state it leaves is the twin's after the same draws (a skipped or extra swap, even a
    no-op one, moves every later draw of a generator), and the permutation matches."""
    state = run_states(np.random.SeedSequence(seed), 1)[0]
    s, a = state.copy(), np.arange(size)
    shuffle(s, a)
    twin, b = Xoshiro(state), list(range(size))
    for i in range(size - 1, 0, -1):
        j = _below(twin, i + 1)
        b[i], b[j] = b[j], b[i]
    assert a.tolist() == b
    assert [int(x) for x in s] == twin.s


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_symmetric_csr_is_the_simple_graph_of_the_arcs(seed, dtype):
    from refsim._kernels.build import symmetric_csr

    rng = np.random.default_rng(seed)
    n, m = 30, 90
    src = rng.integers(0, n - 2, m)  # n-2, n-1 isolated
    dst = rng.integers(0, n - 2, m)
    src[:5] = dst[:5]  # loops
    src[5:10], dst[5:10] = dst[10:15], src[10:15]  # reciprocal arcs
    src[20:26], dst[20:26] = src[30:36], dst[30:36]  # repeated arcs
    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    got_ptr, got_idx = symmetric_csr(indptr, dst[order].astype(dtype))
    want_ptr, want_idx = reference_csr(n, src.tolist(), dst.tolist())
    assert got_ptr.tolist() == want_ptr and got_idx.tolist() == want_idx
    assert got_idx.dtype == dtype


@pytest.mark.parametrize("length", [23, 24, 25, 60])
def test_rows_either_side_of_the_insertion_sort_limit_come_out_sorted(length):
    """Rows of up to 24 entries (before repeats are dropped) are sorted by insertion,
    longer ones by numpy's sort: a hub whose links arrive shuffled, with repeats, gives
    its sorted distinct neighbours either way."""
    from refsim._kernels.build import _SHORT

    assert _SHORT == 24
    n = 40
    dst = np.random.default_rng(length).integers(1, n, length).astype(np.int32)
    src = np.zeros(length, np.int32)
    indptr, indices = undirected_csr(n, src, dst, length)
    want_ptr, want_idx = reference_csr(n, src.tolist(), dst.tolist())
    assert indptr.tolist() == want_ptr and indices.tolist() == want_idx
