"""CELF: lazy greedy on Monte Carlo spread estimates from refsim's own kernels."""

from __future__ import annotations

import heapq

import numpy as np

from .._validation import check_int
from .registry import register_strategy


def _spread_fn(graph, model, runs, rng, steps):
    from ..model_registry import model_kind
    from ..simulate import simulate

    if steps is None:
        steps = model_kind(model).default_steps
    seq = rng if rng is not None else 0

    def spread(seeds):
        # the same rng for every call: common random numbers, so gains are paired
        return simulate(graph, model, np.asarray(seeds, dtype=np.int64), runs=runs,
                        rng=seq, steps=steps).mean

    return spread


def _lazy_greedy(spread, candidates, k, costs, budget, by_ratio):
    """Lazy forward greedy (Leskovec et al. 2007): a stale gain is an upper bound, by
    submodularity, so a node is re-evaluated only when it reaches the top."""
    base = spread([])
    heap = []
    for v in candidates.tolist():
        if costs[v] > budget:
            continue
        g = spread([v]) - base
        heapq.heappush(heap, (-(g / costs[v] if by_ratio else g), v, 0))
    seeds, value, left = [], base, budget
    while heap and len(seeds) < k:
        neg, v, round_ = heapq.heappop(heap)
        if costs[v] > left:
            continue
        if round_ == len(seeds):
            seeds.append(v)
            left -= costs[v]
            value = spread(seeds)
            continue
        g = spread(seeds + [v]) - value
        heapq.heappush(heap, (-(g / costs[v] if by_ratio else g), v, len(seeds)))
    return seeds, value


def _celf_params(runs=200, candidates=None, steps=None):
    return {"runs": check_int("runs", runs, minimum=1, maximum=10**7),
            "candidates": None if candidates is None else check_int(
                "candidates", candidates, minimum=1),
            "steps": None if steps is None else check_int("steps", steps, minimum=1,
                                                          maximum=100_000)}


# One CELF selection costs thousands of simulations, so by default a campaign draws one
# set for all its runs (its intervals are then conditional on that draw).
@register_strategy("celf", chooses=True, needs_model=True, random=True, check=_celf_params,
                   default_seed_sets="fixed")
def celf(graph, *, k, budget=None, costs, model, rng=None, runs=200, candidates=None,
         steps=None, **_):
    """Lazy greedy (CELF, Leskovec et al. 2007) on Monte Carlo estimates of the model's
    expected spread; under a budget, the better of cost-effective and plain greedy.

    ``runs`` cascades per estimate, all on the same random streams (paired); the first
    pass costs one estimate per candidate, so ``candidates`` (the most connected N
    nodes) bounds it on large graphs.
    """
    runs, candidates, steps = _celf_params(runs, candidates, steps).values()
    pool = np.arange(graph.n)
    if candidates is not None:
        pool = np.lexsort((pool, -graph.out_degree))[:candidates]
    spread = _spread_fn(graph, model, runs, rng, steps)
    if budget is None:
        seeds, _ = _lazy_greedy(spread, pool, k, np.ones(graph.n), float("inf"), False)
        return np.array(seeds, dtype=np.int64)
    a, va = _lazy_greedy(spread, pool, k, costs, budget, True)
    b, vb = _lazy_greedy(spread, pool, k, costs, budget, False)
    return np.array(a if va >= vb else b, dtype=np.int64)
