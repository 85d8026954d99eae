"""Slow, obviously-correct twins of refsim's kernels, and exact answers to compare with.

- ``Xoshiro``: xoshiro256** in plain Python integers.
- ``ic_coupled`` / ``lt_coupled``: the kernels' algorithms written as plain Python loops,
  consuming the same random stream in the same order, so their outcome must equal the
  kernel's exactly; each runs one run from that run's seed set (``per_run_sets`` spells
  out which set each run starts from).
- ``lt_fixed``: Linear Threshold with fixed thresholds, in synchronous rounds and exact
  arithmetic; it draws nothing.
- ``ic_coin``: IC the textbook way, one coin per arc out of a newly active node; it shares
  no code or draw order with the kernel, so it is compared in distribution.
- ``exact_ic_spread`` / ``exact_lt_spread``: expected final size by enumerating every
  live-arc subset (IC) or every live-edge choice (LT) of a small graph.
"""

from __future__ import annotations

import itertools
import math
from collections import deque

import numpy as np

MASK = (1 << 64) - 1
SCAN = 32  # the kernel's _SCAN; a test checks they agree


class Xoshiro:
    """xoshiro256** on Python ints (Blackman & Vigna's reference C, transcribed)."""

    def __init__(self, state):
        self.s = [int(x) for x in state]

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next_u64(self):
        s = self.s
        result = (self._rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 45)
        return result

    def double(self):
        return (self.next_u64() >> 11) * (1.0 / 9007199254740992.0)

    def open_closed(self):
        return 1.0 - self.double()


def csr_arcs(g):
    """(u, v, e) for every arc e, read straight off indptr/indices (no package code)."""
    out = []
    for u in range(g.n):
        for e in range(int(g.indptr[u]), int(g.indptr[u + 1])):
            out.append((u, int(g.indices[e]), e))
    return out


def arc_set(g):
    return {(u, v) for u, v, _ in csr_arcs(g)}


def labelled_arc_set(g):
    return {(g.labels[u], g.labels[v]) for u, v, _ in csr_arcs(g)}


def _arcs(graph):
    indptr = graph.indptr.tolist()
    indices = graph.indices.tolist()
    return indptr, indices


def ic_coupled(graph, arc_p, seeds, state, max_steps=None):
    """IC exactly as the kernel draws it: return (final size, per-step cumulative counts)."""
    indptr, indices = _arcs(graph)
    rng = Xoshiro(state)
    n = graph.n
    arc_p = [float(x) for x in arc_p]
    pmax = [max(arc_p[indptr[u]:indptr[u + 1]], default=0.0) for u in range(n)]
    uniform = len(set(arc_p)) <= 1
    if uniform:
        pmax = [arc_p[0] if arc_p else 0.0] * n
        most = max((indptr[u + 1] - indptr[u] for u in range(n)), default=0)
        from refsim.simulate import _q_powers  # the kernel's table, the same floats

        q_pow = _q_powers(pmax[0], most).tolist()
    active = set(seeds)
    frontier = list(seeds)
    counts = [len(active)]
    step = 0
    while frontier and (max_steps is None or step < max_steps):
        step += 1
        new = []
        for u in frontier:
            pm = pmax[u]
            if pm == 0.0:
                continue
            e, end = indptr[u], indptr[u + 1]
            while True:
                if pm < 1.0:
                    x = rng.open_closed()
                    # "U <= (1-p)^r": the jump would pass the r arcs left
                    if uniform and (e >= end or x <= q_pow[end - e]):
                        break
                    if uniform and end - e <= SCAN:
                        # the kernel reads short jumps off the table: k - 1 with k the
                        # first k >= 1 where (1-p)^k < x; equal to floor(log x / log(1-p))
                        k = 1
                        while x <= q_pow[k]:
                            k += 1
                        e += k - 1
                        v = indices[e]
                        if v not in active:
                            active.add(v)
                            new.append(v)
                        e += 1
                        continue
                    gap = math.log(x) * (1.0 / math.log1p(-pm))
                    if gap >= end - e:
                        break
                    e += int(gap)
                elif e >= end:
                    break
                if not uniform and arc_p[e] < pm and rng.double() * pm >= arc_p[e]:
                    e += 1
                    continue
                v = indices[e]
                if v not in active:
                    active.add(v)
                    new.append(v)
                e += 1
        frontier = new
        counts.append(len(active))
    return len(active), counts


def lt_coupled(graph, arc_w, seeds, state, max_steps=None):
    """LT exactly as the kernel draws it: return (final size, per-step cumulative counts)."""
    indptr, indices = _arcs(graph)
    rng = Xoshiro(state)
    arc_w = [float(x) for x in arc_w]
    active = set(seeds)
    acc, theta = {}, {}
    frontier = list(seeds)
    counts = [len(active)]
    step = 0
    while frontier and (max_steps is None or step < max_steps):
        step += 1
        new = []
        for u in frontier:
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                if v in active:
                    continue
                if v not in theta:
                    theta[v] = rng.open_closed()
                    acc[v] = 0.0
                acc[v] += arc_w[e]
                if acc[v] >= theta[v]:
                    active.add(v)
                    new.append(v)
        frontier = new
        counts.append(len(active))
    return len(active), counts


def lt_fixed(graph, arc_w, thresholds, seeds, max_steps=None):
    """LT with fixed thresholds: return (final size, per-step cumulative counts).

    ``arc_w`` (one per arc) and ``thresholds`` (one per node) are exact numbers (ints or
    ``Fraction``); node v joins in round t + 1 when the weights of its in-arcs from nodes
    active after round t sum to at least its threshold.
    """
    indptr, indices = _arcs(graph)
    into = [[] for _ in range(graph.n)]
    for u in range(graph.n):
        for e in range(indptr[u], indptr[u + 1]):
            into[indices[e]].append((u, arc_w[e]))
    active = set(seeds)
    counts = [len(active)]
    while max_steps is None or len(counts) <= max_steps:
        new = {v for v in range(graph.n) if v not in active
               and sum(w for u, w in into[v] if u in active) >= thresholds[v]}
        if not new:
            break
        active |= new
        counts.append(len(active))
    return len(active), counts


def per_run_sets(seeds, runs):
    """The seed set of each run: ``seeds`` itself when it holds one set per run (a list
    of lists or a 2-D array), else ``runs`` copies of the one set."""
    one_set = len(seeds) == 0 or np.ndim(seeds[0]) == 0
    return [list(seeds)] * runs if one_set else [list(s) for s in seeds]


def ic_coin(graph, arc_p, seeds, rng: np.random.Generator) -> int:
    """IC with one independent coin per arc out of each newly active node."""
    indptr, indices = _arcs(graph)
    active = set(int(s) for s in seeds)
    queue = deque(active)
    while queue:
        u = queue.popleft()
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if v not in active and rng.random() < arc_p[e]:
                active.add(v)
                queue.append(v)
    return len(active)


def _reach(n, live_arcs, seeds):
    adj = [[] for _ in range(n)]
    for u, v in live_arcs:
        adj[u].append(v)
    seen = set(seeds)
    stack = list(seeds)
    while stack:
        u = stack.pop()
        for v in adj[u]:
            if v not in seen:
                seen.add(v)
                stack.append(v)
    return len(seen)


def exact_ic_spread(graph, arc_p, seeds):
    """Expected IC final size and its variance, over all 2**m live-arc subsets."""
    indptr, indices = _arcs(graph)
    arcs = [(u, indices[e]) for u in range(graph.n) for e in range(indptr[u], indptr[u + 1])]
    ps = [float(x) for x in arc_p]
    assert len(arcs) <= 20, "enumeration is 2**m"
    mean = second = 0.0
    for live in itertools.product((False, True), repeat=len(arcs)):
        prob = 1.0
        for on, p in zip(live, ps):
            prob *= p if on else 1.0 - p
        if prob == 0.0:
            continue
        size = _reach(graph.n, [a for a, on in zip(arcs, live) if on], seeds)
        mean += prob * size
        second += prob * size * size
    return mean, second - mean * mean


def exact_ic_distribution(graph, arc_p, seeds):
    """The exact law of the IC final size: ``{size: probability}``, over all 2**m
    live-arc subsets."""
    indptr, indices = _arcs(graph)
    arcs = [(u, indices[e]) for u in range(graph.n) for e in range(indptr[u], indptr[u + 1])]
    ps = [float(x) for x in arc_p]
    assert len(arcs) <= 20, "enumeration is 2**m"
    law = {}
    for live in itertools.product((False, True), repeat=len(arcs)):
        prob = 1.0
        for on, p in zip(live, ps):
            prob *= p if on else 1.0 - p
        if prob:
            size = _reach(graph.n, [a for a, on in zip(arcs, live) if on], seeds)
            law[size] = law.get(size, 0.0) + prob
    return law


def exact_lt_spread(graph, arc_w, seeds):
    """Expected LT final size and its variance, by live-edge enumeration.

    Each node keeps at most one in-arc: arc (u, v) with probability w(u, v), none with
    1 - sum of v's in-weights (Kempe, Kleinberg & Tardos 2003, Theorem 2.5).
    """
    indptr, indices = _arcs(graph)
    into = [[] for _ in range(graph.n)]
    for u in range(graph.n):
        for e in range(indptr[u], indptr[u + 1]):
            into[indices[e]].append((u, float(arc_w[e])))
    choices = []
    for v in range(graph.n):
        opts = [((u, v), w) for u, w in into[v]]
        opts.append((None, 1.0 - sum(w for _, w in into[v])))
        choices.append(opts)
    mean = second = 0.0
    for pick in itertools.product(*choices):
        prob = 1.0
        for _, w in pick:
            prob *= w
        if prob <= 0.0:
            continue
        size = _reach(graph.n, [a for a, _ in pick if a is not None], seeds)
        mean += prob * size
        second += prob * size * size
    return mean, second - mean * mean


def holme_kim_reference(n, m, triad_p, seed):
    """Holme-Kim growth exactly as networkx.powerlaw_cluster_graph runs it, except that
    the preferential targets are used in random order.

    networkx keeps them in a set and takes them with ``set.pop()``, which for small
    integers returns nodes 0..7 (the oldest hubs) first whenever they were picked; with
    triad steps not every target is used, so that order inflates the hubs' degrees.
    """
    import random

    import networkx as nx

    rnd = random.Random(seed)
    G = nx.empty_graph(m)
    repeated = list(G)
    for source in range(m, n):
        picks = set()
        while len(picks) < m:
            picks.add(rnd.choice(repeated))
        picks = list(picks)
        rnd.shuffle(picks)
        target = picks.pop()
        G.add_edge(source, target)
        repeated.append(target)
        count = 1
        while count < m:
            if rnd.random() < triad_p:
                hood = [x for x in G.neighbors(target)
                        if not G.has_edge(source, x) and x != source]
                if hood:
                    x = rnd.choice(hood)
                    G.add_edge(source, x)
                    repeated.append(x)
                    count += 1
                    continue
            target = picks.pop()
            G.add_edge(source, target)
            repeated.append(target)
            count += 1
        repeated.extend([source] * m)
    return G
