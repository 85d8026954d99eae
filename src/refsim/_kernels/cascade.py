"""Independent Cascade and Linear Threshold kernels over a CSR graph.

Both kernels run a batch of independent runs. The rows are cut into blocks of at most 64
consecutive rows, and worker ``w`` of ``n_workers`` takes blocks ``w, w + n_workers,
...`` (so workers do not write to the same cache lines); each worker owns a row of the
scratch arrays (a one-byte visit stamp per node, the BFS queue), which the caller keeps
between calls, so a run never clears an n-sized array (only every 255th does): a run's
cost follows the nodes it activates and the arcs it examines. Row ``i`` uses the RNG
state ``states[run_ids[i]]`` and nothing else, which makes every row independent of
``n_workers``. Row ``i`` starts from the seed set ``seed_nodes[seed_lo[i]:seed_hi[i]]``
(one set shared by every row is ``seed_lo = 0``, ``seed_hi = k``); planting seeds draws no
random number.

Outputs per row: the final number of active nodes, the last step at which a node became
active ("depth"), and the cumulative active count after each step ``0..width``, where
``width = min(cap, deepest row's depth)``; counts after the last active step are padded
with the final value. During the runs the counts are kept step-major (one row of the
scratch per step), so a run that ends early touches only the first steps' memory.
"""

import math

import numpy as np
from numba import njit, prange

from .build import grow
from .prefetch import prefetch
from .xoshiro import next_double, next_open_closed

# With uniform p and at most this many arcs left, jumps are found by scanning the
# (1-p)^k table instead of taking a logarithm (same draw, same jump).
_SCAN = 32


@njit(inline="always", cache=True)
def next_stamp(mark, count):
    """Return the visit stamp of a worker's ``count``-th run (0-based), in 1..255.

    One byte per node keeps the scratch array small enough to stay in cache; it is
    cleared once every 255 runs, which costs O(n / 255) per run.
    """
    stamp = count % 255 + 1
    if stamp == 1 and count > 0:
        mark[:] = 0
    return np.uint8(stamp)


_BLOCK = 64  # most consecutive rows a worker takes at once


@njit(inline="always", cache=True)
def row_block(rows, n_workers):
    """Rows per block: at most 64, fewer so that every worker gets a block."""
    per_worker = (rows + n_workers - 1) // n_workers
    return max(1, min(_BLOCK, per_worker))


@njit(inline="always", cache=True)
def _outputs(rows, cap, n_workers):
    """A batch's outputs (final sizes, depths, step-major counts) and its row blocks."""
    block = row_block(rows, n_workers)
    return (np.empty(rows, np.int64), np.empty(rows, np.int64),
            np.empty((cap + 1, rows), np.int64), block, (rows + block - 1) // block)


@njit(inline="always", cache=True)
def _begin_run(states, row, run_ids, s, seed_nodes, seed_lo, seed_hi, mark, stamp, queue,
               levels):
    """Load row's RNG state and plant its seeds; return the queue length."""
    for k in range(4):
        s[k] = states[run_ids[row], k]
    lo = seed_lo[row]
    size = seed_hi[row] - lo
    for j in range(size):
        v = seed_nodes[lo + j]
        mark[v] = stamp
        queue[j] = v
    levels[0, row] = size
    return size


@njit(inline="always", cache=True)
def _end_step(levels, row, level, cap, tail, level_end, last):
    """Record the count after ``level``; return the last step that activated anyone."""
    if level <= cap:
        levels[level, row] = tail
    return level if tail > level_end else last


@njit(cache=True)
def padded_curves(final, depth, levels, cap):
    """Return the run-major curves, ``int64[rows, width + 1]`` with ``width =
    min(cap, max(depth))``: row ``i`` is ``levels[t, i]`` up to its depth, then its final
    size. ``levels`` (``[cap + 1, rows]``) need only hold each row's steps ``0 ..
    min(depth[i], cap)``."""
    rows = final.shape[0]
    width = 0
    for i in range(rows):
        width = max(width, min(depth[i], cap))
    curves = np.empty((rows, width + 1), np.int64)
    for i in range(rows):
        d = min(depth[i], cap)
        for t in range(d + 1):
            curves[i, t] = levels[t, i]
        for t in range(d + 1, width + 1):
            curves[i, t] = final[i]
    return curves



@njit(inline="always", cache=True)
def _look_ahead(indptr, indices, queue, h, level_end, ahead):
    """Start the misses of the nodes about to be expanded: the CSR offsets of the node
    ``ahead`` places on, the adjacency start of the node half as far (whose offsets were
    asked for earlier). Hints only: nothing is read into the results."""
    if h + ahead < level_end:
        prefetch(indptr, queue[h + ahead])
    half = h + (ahead >> 1)
    if 0 < ahead >> 1 and half < level_end:
        prefetch(indices, indptr[queue[half]])


@njit(cache=True)
def _ic_worker(
    w, n_workers, block, blocks,
    indptr, indices, node_pmax, node_logq, arc_p, uniform, q_pow, ahead, seed_nodes,
    seed_lo, seed_hi, states, run_ids, max_steps, cap,
    final, depth, levels, marks, counts, queues,
):
    """Worker ``w``'s blocks of :func:`independent_cascade` (outputs written in place),
    with scratch row ``w`` of ``marks`` and ``queues`` and its run count ``counts[w]``."""
    n = indptr.shape[0] - 1
    rows = run_ids.shape[0]
    lq_all = node_logq[0] if n > 0 else 0.0
    p_all = node_pmax[0] if n > 0 else 0.0
    mark = marks[w]
    count = counts[w]
    queue = queues[w]
    targets = np.empty(1024, indices.dtype)  # a level's fired arcs; grows as needed
    s = np.empty(4, np.uint64)
    for b in range(w, blocks, n_workers):
        for i in range(b * block, min(rows, (b + 1) * block)):
            stamp = next_stamp(mark, count)
            count += 1
            tail = _begin_run(states, i, run_ids, s, seed_nodes, seed_lo, seed_hi, mark, stamp,
                              queue, levels)
            head = 0
            level = 0
            last = 0
            while head < tail and level < max_steps:
                level_end = tail
                level += 1
                # Phase 1: the arcs this level fires, in queue order. The draws do not
                # depend on who is active, so no visit mark is read here and the loads
                # of different nodes overlap (with prefetching, ahead of time).
                fired = 0
                if ahead > 0:  # the first adjacency lists (offsets asked for at push)
                    for h in range(head, min(level_end, head + (ahead >> 1))):
                        prefetch(indices, indptr[queue[h]])
                for h in range(head, level_end):
                    u = queue[h]
                    if ahead > 0:
                        _look_ahead(indptr, indices, queue, h, level_end, ahead)
                    lq = lq_all if uniform else node_logq[u]
                    if lq == 0.0:
                        continue
                    e = indptr[u]
                    end = indptr[u + 1]
                    pmax = p_all if uniform else node_pmax[u]
                    while True:
                        if lq != -np.inf:
                            x = next_open_closed(s)
                            left = end - e
                            if uniform and (left <= 0 or x <= q_pow[left]):
                                break
                            if uniform and left <= _SCAN:
                                # jump = #{k >= 1 : x <= (1-p)^k}, found in the table
                                k = 1
                                while x <= q_pow[k]:
                                    k += 1
                                e += k - 1
                            else:
                                gap = math.log(x) * (1.0 / lq)
                                if gap >= left:
                                    break
                                e += np.int64(gap)
                        elif e >= end:
                            break
                        if not uniform:
                            pe = arc_p[e]
                            if pe < pmax and next_double(s) * pmax >= pe:
                                e += 1
                                continue
                        if fired == targets.shape[0]:
                            targets = grow(targets, fired + 1)
                        v = indices[e]
                        targets[fired] = v
                        fired += 1
                        if ahead > 0:
                            prefetch(mark, v)
                        e += 1
                head = level_end
                # Phase 2: the targets in the same order; the first visit activates
                for f in range(fired):
                    v = targets[f]
                    if mark[v] != stamp:
                        mark[v] = stamp
                        queue[tail] = v
                        tail += 1
                        if ahead > 0:
                            prefetch(indptr, v)  # read when v is expanded
                last = _end_step(levels, i, level, cap, tail, level_end, last)
            final[i] = tail
            depth[i] = last
    counts[w] = count


@njit(parallel=True, cache=True)
def independent_cascade(
    indptr, indices, node_pmax, node_logq, arc_p, uniform, q_pow, ahead, seed_nodes,
    seed_lo, seed_hi, states, run_ids, max_steps, cap, n_workers, marks, counts, queues,
):
    """Run IC; arcs out of ``u`` fire independently with ``arc_p[e]`` (or ``node_pmax[u]``).

    A batch of independent runs (see the module docstring for rows, workers, seeds and
    RNG states). A node activated at step ``t`` tries each of its out-arcs once, at step
    ``t + 1``.

    Candidate arcs are reached by geometric jumps with the largest probability out of
    ``u`` (``node_logq[u] = log(1 - node_pmax[u])``); when probabilities differ
    (``uniform`` false) a candidate is kept with ``arc_p[e] / node_pmax[u]``. So a node
    costs one draw per candidate arc plus one, not one per arc. A step first lists the
    targets of every arc it fires, node by node in queue order (the draws never depend
    on who is active), then activates them in that order: the same outcome as checking
    each target at once, with the cache misses of different nodes overlapping.

    With ``uniform`` probability ``p < 1``, ``q_pow[r] = (1 - p) ** r`` for every ``r``
    up to the largest out-degree: a draw ``U <= q_pow[r]`` with ``r`` arcs left means the
    next jump passes the end, which is decided without a logarithm.

    Parameters
    ----------
    indptr : int64[n + 1]
        CSR offsets: the out-arcs of ``u`` are ``indptr[u] .. indptr[u + 1] - 1``.
    indices : int32[m] or int64[m]
        Target of each arc.
    node_pmax : float64[n]
        Largest firing probability among the out-arcs of each node (0 without arcs).
        With ``uniform`` only ``node_pmax[0]``, the common ``p``, is read.
    node_logq : float64[n]
        ``log(1 - node_pmax[u])``: 0 where nothing can fire, ``-inf`` where
        ``node_pmax[u] == 1``. With ``uniform`` only ``node_logq[0]`` is read.
    arc_p : float64[m]
        Firing probability of each arc; read only when ``uniform`` is false.
    uniform : bool
        Whether every arc fires with the same probability ``node_pmax[0]``.
    q_pow : float64[d + 1]
        ``(1 - p) ** r`` for ``r = 0 .. d``, ``d`` the largest out-degree; read only
        when ``uniform`` is true (callers pass ``np.ones(1)`` otherwise).
    ahead : int
        Prefetch distance in queue places (0: none), for graphs larger than the cache:
        the CSR offsets of each node as it joins the queue and again that many places
        ahead, the adjacency start of the node half as far (and of a step's first
        nodes), and the visit mark of each fired arc's target are fetched early so that
        their misses overlap. Results do not depend on it.
    seed_nodes : int32[k] or int64[k]
        The seed sets of all rows, concatenated (the dtype of ``indices``).
    seed_lo, seed_hi : int64[rows]
        Row ``i`` starts from ``seed_nodes[seed_lo[i]:seed_hi[i]]`` (distinct nodes).
    states : uint64[runs, 4]
        xoshiro256** states; row ``i`` draws from a copy of ``states[run_ids[i]]``, so
        ``states`` is left as it was.
    run_ids : int64[rows]
        The state (run) of each row; the number of rows is ``run_ids.shape[0]``.
    max_steps : int
        Steps after which a run stops even if it could go on.
    cap : int
        Last step recorded in ``curves``.
    n_workers : int
        Number of parallel workers; the results do not depend on it.
    marks, counts, queues
        Each worker's scratch (see ``refsim.simulate.kernel_scratch``): worker ``w``
        uses row ``w`` of ``marks`` (uint8[>= n_workers, n], its visit stamps) and
        ``queues`` (the dtype of ``indices``, [>= n_workers, n]), and carries on the
        run count ``counts[w]``
        (int64), which it updates: kept between calls, the scratch is never cleared
        again (only one run in 255 clears its stamps).

    Returns
    -------
    final : int64[rows]
        Number of active nodes at the end of each row.
    depth : int64[rows]
        Last step at which a node became active (0 if only the seeds did).
    curves : int64[rows, width + 1]
        Cumulative active count after each step ``0 .. width``, ``width = min(cap,
        max(depth))`` (0 without rows), padded with the final value after the last
        active step.

    Examples
    --------
    With ``p = 1`` every reached arc fires: on the path 0 -> 1 -> 2 -> 3, a run seeded
    at 0 activates everyone in three steps, one seeded at 2 only node 3:

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.cascade import independent_cascade
    >>> from refsim.simulate import kernel_scratch as scratch
    >>> indptr = np.array([0, 1, 2, 3, 3], np.int64)
    >>> indices = np.array([1, 2, 3], np.int32)
    >>> pmax, logq = np.ones(4), np.full(4, -np.inf)  # log(1 - 1)
    >>> q_pow = np.array([1.0, 0.0])  # (1 - p) ** r for r = 0, 1
    >>> seeds = np.array([0, 2], np.int32)
    >>> lo, hi = np.array([0, 1]), np.array([1, 2])
    >>> states = run_states(np.random.SeedSequence(0), 2)
    >>> final, depth, curves = independent_cascade(
    ...     indptr, indices, pmax, logq, np.ones(3), True, q_pow, 0, seeds, lo, hi, states,
    ...     np.arange(2), 10, 4, 1, *scratch(4, 1, np.int32))
    >>> final.tolist(), depth.tolist(), curves.tolist()
    ([4, 2], [3, 1], [[1, 2, 3, 4], [1, 2, 2, 2]])
    """
    final, depth, levels, block, blocks = _outputs(run_ids.shape[0], cap, n_workers)
    for w in prange(n_workers):
        _ic_worker(np.int64(w), n_workers, block, blocks, indptr, indices, node_pmax,
                   node_logq, arc_p, uniform, q_pow, ahead, seed_nodes, seed_lo, seed_hi,
                   states, run_ids, max_steps, cap, final, depth, levels, marks, counts,
                   queues)
    return final, depth, padded_curves(final, depth, levels, cap)


@njit(cache=True)
def _lt_worker(
    w, n_workers, block, blocks,
    indptr, indices, arc_w, fixed, ahead, seed_nodes, seed_lo, seed_hi, states, run_ids,
    max_steps, cap,
    final, depth, levels, marks, counts, queues, ats,
):
    """Worker ``w``'s blocks of :func:`linear_threshold` (outputs written in place),
    with scratch row ``w`` of ``marks``, ``queues`` and ``ats`` and its run count
    ``counts[w]``."""
    rows = run_ids.shape[0]
    n_fixed = fixed.shape[0]
    mark = marks[w]
    count = counts[w]
    at = ats[w]  # a node's summed weight and threshold side by side: one cache line
    queue = queues[w]
    s = np.empty(4, np.uint64)
    for b in range(w, blocks, n_workers):
        for i in range(b * block, min(rows, (b + 1) * block)):
            stamp = next_stamp(mark, count)
            count += 1
            tail = _begin_run(states, i, run_ids, s, seed_nodes, seed_lo, seed_hi, mark, stamp,
                              queue, levels)
            for j in range(tail):
                at[queue[j], 0] = np.inf
            head = 0
            level = 0
            last = 0
            while head < tail and level < max_steps:
                level_end = tail
                level += 1
                while head < level_end:
                    u = queue[head]
                    head += 1
                    if ahead > 0 and head + ahead < tail:
                        prefetch(indptr, queue[head + ahead])
                    lo = indptr[u]
                    hi = indptr[u + 1]
                    for e in range(lo, hi):
                        if ahead > 0 and e + ahead < hi:  # the neighbours coming up
                            x = indices[e + ahead]
                            prefetch(mark, x)
                            prefetch(at, 2 * x)
                        v = indices[e]
                        if mark[v] != stamp:
                            mark[v] = stamp
                            at[v, 0] = 0.0
                            if n_fixed == 0:
                                at[v, 1] = next_open_closed(s)
                            else:
                                at[v, 1] = fixed[v if n_fixed > 1 else 0]
                        elif at[v, 0] == np.inf:
                            continue
                        at[v, 0] += arc_w[e]
                        if at[v, 0] >= at[v, 1]:
                            at[v, 0] = np.inf
                            queue[tail] = v
                            tail += 1
                last = _end_step(levels, i, level, cap, tail, level_end, last)
            final[i] = tail
            depth[i] = last
    counts[w] = count


@njit(parallel=True, cache=True)
def linear_threshold(
    indptr, indices, arc_w, fixed, ahead, seed_nodes, seed_lo, seed_hi, states, run_ids,
    max_steps, cap, n_workers, marks, counts, queues, ats,
):
    """Run LT; a node joins once the weight from its active in-neighbours reaches its threshold.

    A batch of independent runs (see the module docstring for rows, workers, seeds and
    RNG states). A node's threshold is drawn uniform on (0, 1] when it is first reached,
    unless ``fixed`` gives it; with fixed thresholds no random number is drawn. An
    inactive node becomes active in the step after the summed weight of its active
    in-neighbours first reaches its threshold. Active nodes carry a summed weight of
    ``inf``.

    Parameters
    ----------
    indptr : int64[n + 1]
        CSR offsets: the out-arcs of ``u`` are ``indptr[u] .. indptr[u + 1] - 1``.
    indices : int32[m] or int64[m]
        Target of each arc.
    arc_w : float64[m]
        Weight of each arc; the weights into a node sum to at most 1.
    fixed : float64[0], float64[1] or float64[n]
        Thresholds: none (drawn), one for every node, or one per node.
    ahead : int
        Prefetch distance (0: none), for graphs larger than the cache: the CSR offsets
        of the node that many queue places ahead, and the visit mark, summed weight and
        threshold of the neighbour that many arcs ahead, are fetched early. Results do
        not depend on it.
    seed_nodes : int32[k] or int64[k]
        The seed sets of all rows, concatenated (the dtype of ``indices``).
    seed_lo, seed_hi : int64[rows]
        Row ``i`` starts from ``seed_nodes[seed_lo[i]:seed_hi[i]]`` (distinct nodes).
    states : uint64[runs, 4]
        xoshiro256** states; row ``i`` draws from a copy of ``states[run_ids[i]]``, so
        ``states`` is left as it was.
    run_ids : int64[rows]
        The state (run) of each row; the number of rows is ``run_ids.shape[0]``.
    max_steps : int
        Steps after which a run stops even if it could go on.
    cap : int
        Last step recorded in ``curves``.
    n_workers : int
        Number of parallel workers; the results do not depend on it.
    marks, counts, queues, ats
        Each worker's scratch (see ``refsim.simulate.kernel_scratch``): worker ``w``
        uses row ``w`` of ``marks`` (uint8[>= n_workers, n], its visit stamps),
        ``queues`` (the dtype of ``indices``, [>= n_workers, n]) and ``ats``
        (float64[>= n_workers, n, 2], each node's summed weight and threshold), and carries on the run count ``counts[w]``
        (int64), which it updates: kept between calls, the scratch is never cleared
        again (only one run in 255 clears its stamps).

    Returns
    -------
    final : int64[rows]
        Number of active nodes at the end of each row.
    depth : int64[rows]
        Last step at which a node became active (0 if only the seeds did).
    curves : int64[rows, width + 1]
        Cumulative active count after each step ``0 .. width``, ``width = min(cap,
        max(depth))`` (0 without rows), padded with the final value after the last
        active step.

    Examples
    --------
    Arcs 0 -> 2 and 1 -> 2 of weight 0.5 and 2 -> 3 of weight 1, every threshold 0.75:
    seed 0 alone moves nobody, seeds 0 and 1 together activate 2, then 3.

    >>> import numpy as np
    >>> from refsim._rng import run_states
    >>> from refsim._kernels.cascade import linear_threshold
    >>> from refsim.simulate import kernel_scratch as scratch
    >>> indptr = np.array([0, 1, 2, 3, 3], np.int64)
    >>> indices = np.array([2, 2, 3], np.int32)
    >>> arc_w = np.array([0.5, 0.5, 1.0])
    >>> seeds = np.array([0, 0, 1], np.int32)  # row 0: {0}; row 1: {0, 1}
    >>> lo, hi = np.array([0, 1]), np.array([1, 3])
    >>> states = run_states(np.random.SeedSequence(0), 2)
    >>> final, depth, curves = linear_threshold(
    ...     indptr, indices, arc_w, np.array([0.75]), 0, seeds, lo, hi, states,
    ...     np.arange(2), 10, 3, 1, *scratch(4, 1, np.int32, lt=True))
    >>> final.tolist(), depth.tolist(), curves.tolist()
    ([1, 4], [0, 2], [[1, 1, 1], [2, 3, 4]])
    """
    final, depth, levels, block, blocks = _outputs(run_ids.shape[0], cap, n_workers)
    for w in prange(n_workers):
        _lt_worker(np.int64(w), n_workers, block, blocks, indptr, indices, arc_w, fixed,
                   ahead, seed_nodes, seed_lo, seed_hi, states, run_ids, max_steps, cap, final,
                   depth, levels, marks, counts, queues, ats)
    return final, depth, padded_curves(final, depth, levels, cap)


@njit(cache=True)
def independent_cascade_serial(
    indptr, indices, node_pmax, node_logq, arc_p, uniform, q_pow, ahead, seed_nodes,
    seed_lo, seed_hi, states, run_ids, max_steps, cap, n_workers, marks, counts, queues,
):
    """:func:`independent_cascade` on the calling thread, with no parallel launch: the
    same rows, workers' scratch and results, for calls too small to gain from threads."""
    final, depth, levels, block, blocks = _outputs(run_ids.shape[0], cap, n_workers)
    for w in range(n_workers):
        _ic_worker(np.int64(w), n_workers, block, blocks, indptr, indices, node_pmax,
                   node_logq, arc_p, uniform, q_pow, ahead, seed_nodes, seed_lo, seed_hi,
                   states, run_ids, max_steps, cap, final, depth, levels, marks, counts,
                   queues)
    return final, depth, padded_curves(final, depth, levels, cap)


@njit(cache=True)
def linear_threshold_serial(
    indptr, indices, arc_w, fixed, ahead, seed_nodes, seed_lo, seed_hi, states, run_ids,
    max_steps, cap, n_workers, marks, counts, queues, ats,
):
    """:func:`linear_threshold` on the calling thread, with no parallel launch."""
    final, depth, levels, block, blocks = _outputs(run_ids.shape[0], cap, n_workers)
    for w in range(n_workers):
        _lt_worker(np.int64(w), n_workers, block, blocks, indptr, indices, arc_w, fixed,
                   ahead, seed_nodes, seed_lo, seed_hi, states, run_ids, max_steps, cap, final,
                   depth, levels, marks, counts, queues, ats)
    return final, depth, padded_curves(final, depth, levels, cap)


#: The one-thread twin of each parallel kernel (same arguments, same results).
SERIAL = {independent_cascade: independent_cascade_serial,
          linear_threshold: linear_threshold_serial}

