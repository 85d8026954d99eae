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
- ``exact_ic_spread`` / ``exact_lt_spread``: expected final size and its variance by
  enumerating every live-arc subset (IC) or every live-edge choice (LT) of a small graph;
  ``exact_ic_distribution`` / ``exact_lt_distribution`` the whole law of the final size,
  and ``sample_variance_se`` the standard error of a sample variance drawn from a law.
- ``exact_undirected_ic_spreads``: IC on an undirected graph with one probability, from
  many seed sets, by enumerating the open-edge subsets of bond percolation.
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
    # as refsim.simulate prepares them: a node whose largest chance is below 1e-300 never
    # fires (1 / log(1 - p) would overflow) and draws nothing
    pmax = [0.0 if x < 1e-300 else x for x in pmax]
    uniform = len(set(arc_p)) <= 1
    if uniform:
        pmax = [arc_p[0] if arc_p else 0.0] * n
        most = max((indptr[u + 1] - indptr[u] for u in range(n)), default=0)
        from refsim.simulate import q_powers  # the kernel's table, the same floats

        q_pow = q_powers(pmax[0], most).tolist()
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


def _ic_outcomes(graph, arc_p, seeds):
    """(probability, final size) of every live-arc subset of positive probability."""
    indptr, indices = _arcs(graph)
    arcs = [(u, indices[e]) for u in range(graph.n) for e in range(indptr[u], indptr[u + 1])]
    ps = [float(x) for x in arc_p]
    assert len(arcs) <= 20, "enumeration is 2**m"
    for live in itertools.product((False, True), repeat=len(arcs)):
        prob = 1.0
        for on, p in zip(live, ps):
            prob *= p if on else 1.0 - p
        if prob:
            yield prob, _reach(graph.n, [a for a, on in zip(arcs, live) if on], seeds)


def _mean_and_variance(outcomes):
    mean = second = 0.0
    for prob, size in outcomes:
        mean += prob * size
        second += prob * size * size
    return mean, second - mean * mean


def _law(outcomes):
    law = {}
    for prob, size in outcomes:
        law[size] = law.get(size, 0.0) + prob
    return law


def exact_ic_spread(graph, arc_p, seeds):
    """Expected IC final size and its variance, over all 2**m live-arc subsets."""
    return _mean_and_variance(_ic_outcomes(graph, arc_p, seeds))


def exact_ic_distribution(graph, arc_p, seeds):
    """The exact law of the IC final size: ``{size: probability}``, over all 2**m
    live-arc subsets."""
    return _law(_ic_outcomes(graph, arc_p, seeds))


def _lt_outcomes(graph, arc_w, seeds):
    """(probability, final size) of every live-edge choice of positive probability.

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
    for pick in itertools.product(*choices):
        prob = 1.0
        for _, w in pick:
            prob *= w
        if prob > 0.0:
            yield prob, _reach(graph.n, [a for a, _ in pick if a is not None], seeds)


def exact_lt_spread(graph, arc_w, seeds):
    """Expected LT final size and its variance, by live-edge enumeration."""
    return _mean_and_variance(_lt_outcomes(graph, arc_w, seeds))


def exact_lt_distribution(graph, arc_w, seeds):
    """The exact law of the LT final size: ``{size: probability}``, by live-edge
    enumeration."""
    return _law(_lt_outcomes(graph, arc_w, seeds))


def exact_undirected_ic_spreads(graph, p, sets):
    """Mean and variance of the IC final size from each seed set in ``sets``, on an
    undirected graph with probability ``p`` on every arc, exactly, by bond percolation.

    Each edge is tried at most once, from whichever end is active first (a try from the
    later end finds the node active), so IC reaches the nodes joined to the seeds by open
    edges, each edge open with probability p independently (the SIR-percolation mapping,
    exact for one step of infectiousness; Grassberger 1983, Newman 2002). All 2**m edge
    subsets are enumerated at once, merging the components edge by edge; identical
    partitions are then pooled. Returns [(mean, variance), ...] in the order of ``sets``.
    """
    assert not graph.directed and graph.n <= 16, "partitions are keyed in 4 bits a node"
    n = graph.n
    edges = [(u, v) for u, v, _ in csr_arcs(graph) if u < v]
    assert len(edges) <= 22, "enumeration is 2**m"
    labels = np.arange(n, dtype=np.int8)[None, :]  # one row a subset: component labels
    prob = np.ones(1)
    for u, v in edges:  # rows without the edge, then the same rows with it
        lo = np.minimum(labels[:, u], labels[:, v])[:, None]
        hi = np.maximum(labels[:, u], labels[:, v])[:, None]
        labels = np.concatenate([labels, np.where(labels == hi, lo, labels)])
        prob = np.concatenate([prob * (1.0 - p), prob * p])
    key = labels.astype(np.int64) @ (np.int64(16) ** np.arange(n))
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    labels = np.ascontiguousarray(labels[first].T)  # one row a node
    prob = np.bincount(inverse.ravel(), weights=prob)
    size = np.array([(labels == labels[v]).sum(axis=0) for v in range(n)], dtype=float)
    out = []
    for seeds in sets:
        seeds = [int(s) for s in seeds]
        reached = np.zeros(prob.size)
        for i, s in enumerate(seeds):  # each component counted at its first seed
            first_seed = np.ones(prob.size, bool)
            for t in seeds[:i]:
                first_seed &= labels[s] != labels[t]
            reached += size[s] * first_seed
        mean = float(prob @ reached)
        out.append((mean, float(prob @ reached**2) - mean * mean))
    return out


def sample_variance_se(law, runs):
    """Standard error of the sample variance (ddof=1) of ``runs`` independent draws from
    ``law`` (``{value: probability}``): Var(s^2) = mu4 / R - sigma^4 (R - 3) / (R (R - 1))
    with the law's exact central moments, exact for independent draws."""
    mean = sum(p * x for x, p in law.items())
    var = sum(p * (x - mean) ** 2 for x, p in law.items())
    mu4 = sum(p * (x - mean) ** 4 for x, p in law.items())
    return math.sqrt(max(mu4 / runs - var**2 * (runs - 3) / (runs * (runs - 1)), 0.0))


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


def _below(rng, k):
    """The kernels' ``below``: an integer uniform on 0 .. k-1 from one double."""
    return min(int(rng.double() * k), k - 1)


def rr_sets_coupled(kind, in_indptr, in_src, in_p, states, block, first, count):
    """RR sets ``first .. first+count-1`` drawn exactly as ``rr_sets`` draws them.

    Set j uses the stream ``states[j // block]``, continuing where set j-1 left it when
    both lie in one block. IC (kind 0): a breadth-first search backwards from a uniform
    root; the in-arcs of v are visited by geometric jumps at v's largest probability
    pmax ("the next arc live at pmax"), each landing kept with probability p / pmax
    (one more double, drawn only when p < pmax and the probabilities differ). LT
    (kind 1): a backward walk, each node keeping the in-arc whose weight interval holds
    one double, until no arc is kept or the walk meets itself. Returns a list of lists.
    """
    in_indptr = [int(x) for x in in_indptr]
    in_src = [int(x) for x in in_src]
    in_p = [float(x) for x in in_p]
    n = len(in_indptr) - 1
    uniform = len(set(in_p)) <= 1
    streams = {}
    out = []
    for j in range(first, first + count):
        b = j // block
        if b not in streams:
            streams[b] = Xoshiro(states[b])
        rng = streams[b]
        root = _below(rng, n)
        rr = [root]
        if kind == 0:
            head = 0
            while head < len(rr):
                v = rr[head]
                head += 1
                lo, hi = in_indptr[v], in_indptr[v + 1]
                pm = max(in_p[lo:hi], default=0.0)
                if pm == 0.0:
                    continue
                e = lo
                while True:
                    if pm < 1.0:
                        gap = math.log(rng.open_closed()) / math.log1p(-pm)
                        if gap >= hi - e:
                            break
                        e += int(gap)
                    elif e >= hi:
                        break
                    if not uniform and in_p[e] < pm and rng.double() * pm >= in_p[e]:
                        e += 1
                        continue
                    if in_src[e] not in rr:
                        rr.append(in_src[e])
                    e += 1
        else:
            v = root
            while True:
                x = rng.double()
                acc, pick = 0.0, None
                for e in range(in_indptr[v], in_indptr[v + 1]):
                    acc += in_p[e]
                    if x < acc:
                        pick = in_src[e]
                        break
                if pick is None or pick in rr:
                    break
                rr.append(pick)
                v = pick
        out.append(rr)
    return out


def greedy_coverage(n, sets, k, costs=None, budget=math.inf, by_ratio=False):
    """Greedy maximum coverage, plainly: each pick the affordable untaken node covering
    most still-uncovered sets (per unit cost if ``by_ratio``), ties to the smaller id;
    stops after k picks or when nothing affordable is left. Returns (picks, covered)."""
    costs = [1.0] * n if costs is None else [float(c) for c in costs]
    uncovered = [set(s) for s in sets]
    picks, left = [], budget
    while len(picks) < k:
        best, best_score = None, None
        for u in range(n):
            if u in picks or costs[u] > left:
                continue
            gain = sum(u in s for s in uncovered)
            score = gain / costs[u] if by_ratio else gain
            if best is None or score > best_score:
                best, best_score = u, score
        if best is None:
            break
        picks.append(best)
        left -= costs[best]
        uncovered = [s for s in uncovered if best not in s]
    return picks, len(sets) - len(uncovered)


def label_propagation_coupled(state, indptr, indices, max_sweeps, stop_below, block):
    """Asynchronous label propagation as ``label_propagation`` draws it: each sweep a
    Fisher-Yates shuffle of the runs of ``block`` consecutive ids, then every node of
    every run, in order, takes the label most frequent among its neighbours unless its
    own is among the most frequent; a tie is broken by one uniform draw over the tied
    labels in the order they first appear in its row. Stops after a sweep that changed
    at most ``stop_below`` labels. Returns (labels, sweeps)."""
    rng = Xoshiro(state)
    indptr = [int(x) for x in indptr]
    indices = [int(x) for x in indices]
    n = len(indptr) - 1
    label = list(range(n))
    runs = list(range(-(-n // block)))
    for sweep in range(1, max_sweeps + 1):
        for i in range(len(runs) - 1, 0, -1):
            j = _below(rng, i + 1)
            runs[i], runs[j] = runs[j], runs[i]
        changed = 0
        for r in runs:
            for u in range(r * block, min(r * block + block, n)):
                counts = {}  # dicts keep first-insertion order
                for v in indices[indptr[u]:indptr[u + 1]]:
                    counts[label[v]] = counts.get(label[v], 0) + 1
                if not counts:
                    continue
                most = max(counts.values())
                tied = [lab for lab, c in counts.items() if c == most]
                if label[u] not in tied:
                    label[u] = tied[_below(rng, len(tied))]
                    changed += 1
        if changed <= stop_below:
            return label, sweep
    return label, max_sweeps


def _unscramble(out):
    """The word s[1] whose xoshiro256** output is ``out``: rotl(s1 * 5, 7) * 9 inverted
    (5 and 9 are odd, so invertible modulo 2**64)."""
    y = (out * pow(9, -1, 1 << 64)) & MASK
    y = ((y >> 7) | (y << 57)) & MASK  # rotate right by 7
    return (y * pow(5, -1, 1 << 64)) & MASK


def xoshiro_state_for(outputs):
    """A xoshiro256** state whose first ``len(outputs)`` (at most 4) 64-bit outputs are
    ``outputs``; an entry None leaves that output free.

    The state transition is linear over GF(2) (xor, shift, rotate), so the word s[1] read
    by the i-th output is a linear function of the state: the 64 bits of each wanted s[1]
    give 64 linear equations, solved by Gaussian elimination on 256 unknown bits. Free
    bits are set to 1, which keeps the state away from all-zero.
    """
    assert len(outputs) <= 4

    def words_of(state_bits):
        return [(state_bits >> (64 * k)) & MASK for k in range(4)]

    # column j: the s[1] words read at steps 0..3 from the state with only bit j set
    reads = []
    for j in range(256):
        rng = Xoshiro(words_of(1 << j))
        seen = []
        for _ in range(4):
            seen.append(rng.s[1])
            rng.next_u64()
        reads.append(seen)
    rows = []  # (mask over the 256 state bits, wanted bit)
    for i, out in enumerate(outputs):
        if out is None:
            continue
        want = _unscramble(int(out))
        for b in range(64):
            mask = sum(1 << j for j in range(256) if (reads[j][i] >> b) & 1)
            rows.append([mask, (want >> b) & 1])
    pivots = []
    for row in rows:
        for p_bit, p_row in pivots:
            if (row[0] >> p_bit) & 1:
                row[0] ^= p_row[0]
                row[1] ^= p_row[1]
        if row[0] == 0:
            assert row[1] == 0, "inconsistent outputs"
            continue
        bit = row[0].bit_length() - 1
        for _, other in pivots:  # keep the system reduced
            if (other[0] >> bit) & 1:
                other[0] ^= row[0]
                other[1] ^= row[1]
        pivots.append((bit, row))
    pivot_bits = {bit for bit, _ in pivots}
    state = sum(1 << j for j in range(256) if j not in pivot_bits)  # free bits: 1
    for bit, (mask, value) in pivots:
        rest = mask & ~(1 << bit)
        parity = bin(rest & state).count("1") & 1
        if parity ^ value:
            state |= 1 << bit
    words = words_of(state)
    check = Xoshiro(words)
    for out in outputs:
        got = check.next_u64()
        assert out is None or got == int(out)
    return np.array(words, dtype=np.uint64)


def output_for_double(d):
    """The 64-bit output whose ``double()`` (top 53 bits / 2**53) is exactly ``d``."""
    k = d * 9007199254740992.0
    assert 0.0 <= d < 1.0 and k == int(k), f"{d!r} is not a multiple of 2**-53"
    return int(k) << 11


def output_for_open_closed(x):
    """The 64-bit output whose ``open_closed()`` (1 - double) is exactly ``x``."""
    return output_for_double(1.0 - x)
