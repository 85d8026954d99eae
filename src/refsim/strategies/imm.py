"""IMM: influence maximisation with reverse-reachable sets (Tang, Shi & Xiao 2015)."""

from __future__ import annotations

import math

import numba
import numpy as np

from .._kernels.rrsets import max_coverage, rr_chunk, rr_sets
from .._rng import as_seed_sequence, run_states
from .._validation import check_nonnegative
from ..errors import InvalidType, InvalidValue
from .registry import register_strategy

_BLOCK = 256  # RR sets per random stream


def _in_arc_model(graph, model):
    """(kind, in-arc probabilities or weights) for the model; kind 0 IC, 1 LT: the
    model kind's ``in_arcs`` hook (see :mod:`refsim.model_registry`)."""
    from ..model_registry import model_kind, model_kinds

    try:
        hook = model_kind(model).in_arcs
    except InvalidType:
        hook = None
    if hook is None:
        able = [k.cls.__name__ for k in model_kinds().values() if k.in_arcs is not None]
        raise InvalidType(f"imm needs a model with an IC or LT equivalent ("
                          f"{', '.join(able)}); got {type(model).__name__}")
    return hook(graph, model)


class _Sampler:
    """Grows a collection of RR sets, deterministically from one seed sequence.

    Set ``j`` draws from the stream of block ``j // 256``; with several threads, each
    takes whole blocks (the first and last may be partial) and draws its sets without
    the GIL, and the chunks are joined in order: the sets do not depend on the thread
    count.
    """

    def __init__(self, graph, kind, in_p, seq, workers=1):
        t = graph.in_arcs
        n = graph.n
        self.args = (t.indptr, t.sources)
        self.kind = kind
        self.in_p = np.ascontiguousarray(in_p, dtype=np.float64)
        pmax = np.zeros(n)
        has = np.diff(t.indptr) > 0
        if in_p.size:
            pmax[has] = np.maximum.reduceat(self.in_p, t.indptr[:-1][has])
        self.uniform = bool(in_p.size == 0 or in_p.min() == in_p.max())
        with np.errstate(divide="ignore"):
            self.logq = np.log1p(-pmax)
        self.pmax = pmax
        self.seq = seq
        self.blocks = np.empty((0, 4), np.uint64)
        self.nodes = np.empty(1024, np.int32)
        self.ptr = np.zeros(1, np.int64)
        self.workers = workers
        self.marks = [np.zeros(n, np.int64) for _ in range(workers)]  # one per thread
        self.count = 0

    def extend_to(self, total):
        if total <= self.count:
            return
        need = (total + _BLOCK - 1) // _BLOCK
        if need > self.blocks.shape[0]:
            more = run_states(self.seq, need - self.blocks.shape[0], start=self.blocks.shape[0])
            self.blocks = np.concatenate([self.blocks, more])
        ptr = np.zeros(total + 1, np.int64)
        ptr[: self.count + 1] = self.ptr[: self.count + 1]
        model = (self.kind, *self.args, self.in_p, self.pmax, self.logq, self.uniform,
                 self.blocks, _BLOCK)
        if self.workers == 1 or total - self.count <= _BLOCK:
            self.nodes = rr_sets(*model, self.count, total - self.count, self.nodes, ptr,
                                 self.marks[0])
        else:
            self.nodes = self._parallel(model, total, ptr)
        self.ptr = ptr
        self.count = total

    def _parallel(self, model, total, ptr):
        """Draw sets ``count .. total-1`` on the threads, chunks of whole blocks."""
        from concurrent.futures import ThreadPoolExecutor

        first = self.count
        # chunk edges on block edges, about four chunks per thread for balance
        edges = np.arange((first // _BLOCK + 1) * _BLOCK, total, _BLOCK)
        if edges.size > 4 * self.workers:
            edges = edges[np.linspace(0, edges.size - 1, 4 * self.workers - 1).astype(int)]
        edges = np.unique(np.concatenate([[first], edges, [total]]))
        free = list(self.marks)  # list.pop / append are atomic: one mark per thread

        def draw(lo, hi):
            mark = free.pop()
            try:
                return rr_chunk(*model, int(lo), int(hi - lo), mark)
            finally:
                free.append(mark)

        with ThreadPoolExecutor(self.workers) as pool:
            parts = list(pool.map(draw, edges[:-1], edges[1:]))
        sizes = np.concatenate([size for _, size in parts])
        np.cumsum(sizes, out=ptr[first + 1:])
        ptr[first + 1:] += ptr[first]
        return np.concatenate([self.nodes[: ptr[first]]] + [nodes for nodes, _ in parts])


def _log_binom(n, k):
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _select(sampler, n, k, costs, budget):
    if budget is None:
        seeds, cov = max_coverage(n, sampler.nodes, sampler.ptr, sampler.count, k,
                                  np.ones(n), float("inf"), False)
        return seeds, cov
    a, ca = max_coverage(n, sampler.nodes, sampler.ptr, sampler.count, k, costs, budget, True)
    b, cb = max_coverage(n, sampler.nodes, sampler.ptr, sampler.count, k, costs, budget, False)
    return (a, ca) if ca >= cb else (b, cb)


def _imm_params(epsilon=0.5, ell=1.0):
    epsilon = check_nonnegative("epsilon", epsilon)
    if not 0.0 < epsilon < 1.0:
        raise InvalidValue(f"epsilon must be strictly between 0 and 1; got {epsilon}")
    ell = check_nonnegative("ell", ell)
    if ell <= 0:
        raise InvalidValue(f"ell must be > 0; got {ell}")
    return {"epsilon": epsilon, "ell": ell}


@register_strategy("imm", chooses=True, needs_model=True, random=True, check=_imm_params)
def imm(graph, *, k, budget=None, costs, model, rng=None, epsilon=0.5, ell=1.0, **_):
    """IMM (Tang, Shi & Xiao 2015): greedy coverage of reverse-reachable sets, with the
    martingale sample bound, a (1 - 1/e - epsilon)-approximation with probability at
    least 1 - 1/n^ell under IC or LT; the final sets are drawn afresh (Chen 2018).
    Under a budget, the better of cost-effective and plain greedy coverage.
    """
    epsilon, ell = _imm_params(epsilon, ell).values()
    n = graph.n
    if budget is not None:  # the bounds need a seed count: the most the budget can buy
        k = int(min(k, np.searchsorted(np.cumsum(np.sort(costs)), budget, side="right")))
        k = max(k, 1)
    if n == 1:
        return np.array([0], dtype=np.int64)
    kind, in_p = _in_arc_model(graph, model)
    seq = as_seed_sequence(rng)
    ell = ell * (1.0 + math.log(2) / math.log(n))
    logcnk = _log_binom(n, k)
    eps1 = math.sqrt(2.0) * epsilon
    lam1 = ((2.0 + 2.0 * eps1 / 3.0) * (logcnk + ell * math.log(n)
                                          + math.log(max(math.log2(n), 1.0))) * n / eps1**2)
    alpha = math.sqrt(ell * math.log(n) + math.log(2))
    beta = math.sqrt((1 - 1 / math.e) * (logcnk + ell * math.log(n) + math.log(2)))
    lam_star = 2.0 * n * ((1 - 1 / math.e) * alpha + beta) ** 2 / epsilon**2
    # sampling phase: find a lower bound LB of the optimum
    workers = numba.get_num_threads()  # the sets do not depend on it
    first = _Sampler(graph, kind, in_p, np.random.SeedSequence(
        seq.entropy, spawn_key=tuple(seq.spawn_key) + (0,)), workers)
    lb = 1.0
    for i in range(1, max(2, int(math.log2(n)))):
        x = n / 2.0**i
        first.extend_to(int(math.ceil(lam1 / x)))
        _, cov = _select(first, n, k, costs, budget)
        if n * cov / first.count >= (1 + eps1) * x:
            lb = n * cov / first.count / (1 + eps1)
            break
    theta = int(math.ceil(lam_star / lb))
    # node selection on fresh sets, so the final estimate is independent of LB
    final = _Sampler(graph, kind, in_p, np.random.SeedSequence(
        seq.entropy, spawn_key=tuple(seq.spawn_key) + (1,)), workers)
    final.extend_to(theta)
    seeds, _ = _select(final, n, k, costs, budget)
    return seeds.astype(np.int64)
