"""``simulate``: the one public door to the cascade kernels."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numba
import numpy as np

from ._kernels import cascade
from ._memory import check_memory
from ._rng import as_seed_sequence, run_states, seed_record
from ._validation import as_seed_sets, check_int, count_ids
from .errors import InvalidType, InvalidValue
from .graph import Graph
from .model_registry import model_kind
from .result import SimResult

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike

    from ._rng import RngLike

__all__ = ["run_cascade", "simulate"]

_FIRST_CAP = 64  # columns tried first when steps=None; deeper runs are redone wider
_RUN_BYTES = 96  # per run besides curves: RNG state, run id, seed offsets, size, depth
_SCRATCH_BYTES = 32  # per node and worker: visit stamps, queue, sums, states
_CACHE_BYTES = 32 * 2**20  # above this the IC kernel prefetches (see _prefetch_distance)
_AHEAD = 8  # queue places: enough for the misses of a few nodes to overlap
_PARALLEL_FROM = 2e-4  # seconds of work below which a default call stays on one thread
_KEEP_ARC_MODELS = 4  # per-arc IC models whose n-sized arrays a graph keeps
_KEEP_P = 16  # scalar IC probabilities whose O(largest degree) tables a graph keeps


def _check_room(what, runs, width, *, copies=1, per_run=_RUN_BYTES, seed_ids=0, n=0,
                workers=1):
    """Refuse, with an error naming ``what``, work whose arrays would not fit in the
    memory available now: ``copies`` int64 arrays of ``runs x (width + 1)``, the per-run
    extras, two copies of the seed ids and each worker's scratch."""
    need = (runs * ((width + 1) * 8 * copies + per_run) + seed_ids * 16
            + n * workers * _SCRATCH_BYTES)
    check_memory(what, need, "lower it, give a smaller steps, or split the runs over "
                             "several calls")


def _resolve_workers(workers, runs, graph=None, key=None) -> int:
    """The threads a call uses: as given, or by default one per run up to all cores,
    except when the last call of this model (``key``, its repr) on this graph says the
    whole call will take less than waking the threads is worth (then one: a small
    call's cost is its fixed cost). Results do not depend on it."""
    most = numba.config.NUMBA_NUM_THREADS
    if workers is not None:
        return check_int("workers", workers, minimum=1, maximum=most)
    if graph is not None:
        per_run = graph.derived("seconds_per_run", lambda g: {}).get(key)
        if per_run is not None and per_run * runs < _PARALLEL_FROM:
            return 1
    return max(1, min(most, runs))


def _record_cost(graph, key, runs, workers, seconds):
    """Keep the last thread-seconds per run of the model ``key`` on ``graph`` for
    :func:`_resolve_workers` (the latest few models only)."""
    kept = graph.derived("seconds_per_run", lambda g: {})
    kept.pop(key, None)
    if len(kept) >= _KEEP_P:
        del kept[next(iter(kept))]
    kept[key] = seconds * workers / runs


def simulate(graph: Graph, model: object, seeds: ArrayLike | Sequence[ArrayLike], *,
             runs: int = 1, rng: RngLike = None, steps: int | None = None,
             workers: int | None = None, first_run: int = 0) -> SimResult:
    """Run a diffusion model ``runs`` times and collect the outcomes.

    Parameters
    ----------
    graph : Graph
        The network, with at least one node.
    model : IndependentCascade, LinearThreshold, ReferralModel or another registered kind
        The diffusion model and its parameters (see :mod:`refsim.model_registry`). A
        ``ReferralModel`` returns a :class:`refsim.ReferralResult` and needs ``steps``.
    seeds : array_like of int, or a sequence of them
        The nodes active at step 0, as distinct ids in ``0 .. graph.n - 1`` (use
        ``graph.node_ids(labels)`` to map original names): one set (a flat list or 1-D
        array, possibly empty) used by every run; or one set per run: a sequence of
        exactly ``runs`` sets, possibly of different sizes, or a 2-D int array with one
        row per run, where run ``first_run + i`` starts from set ``i``.
    runs : int, default 1
        Number of independent runs.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Source of randomness, normalised once to a ``SeedSequence``; run ``r`` draws from
        its ``r``-th child, so results do not depend on ``workers``. ``None`` takes fresh
        entropy, recorded in ``result.seed``.
    steps : int, optional
        Stop after this many steps (``curves`` then has ``steps + 1`` columns). Default:
        run until no node activates.
    workers : int, optional
        Threads to use, from 1 to ``numba.config.NUMBA_NUM_THREADS``; default one per
        run up to all of them, or one when the last call of the same model on this
        graph says the call takes under 0.2 ms (waking threads would cost more than
        it saves). The numbers do not depend on it.
    first_run : int, default 0
        Number of the first run: the runs use child streams ``first_run ..
        first_run + runs - 1``, so a batch of runs can extend an earlier one exactly.

    Returns
    -------
    SimResult
        ``final_sizes``, ``curves``, and their mean, standard error and ``ci()``.

    Raises
    ------
    TypeError, ValueError
        On a bad argument, or when the results would not fit in the memory available;
        the message names the argument, its value and what is allowed.

    Notes
    -----
    IC costs O(activated nodes + arcs that fire) per run: candidate arcs are found by
    geometric jumps, so arcs that do not fire are skipped without a random draw. LT costs
    O(out-arcs of activated nodes) per run. Scratch space is O(n) per worker; one set
    shared by all runs costs O(runs) to set up, per-run sets O(their total size).

    Run ``r`` draws from its own stream whatever seeds the other runs start from: with
    per-run sets, run ``first_run + i`` gives exactly what ``simulate(graph, model,
    seeds[i], runs=1, first_run=first_run + i, ...)`` gives.

    Examples
    --------
    >>> import networkx as nx
    >>> from refsim import Graph, IndependentCascade
    >>> g = Graph.from_networkx(nx.karate_club_graph())
    >>> res = simulate(g, IndependentCascade(0.2), [0, 33], runs=2000, rng=1)
    >>> res.final_sizes.shape, res.curves[:, 0].tolist()[:3]
    ((2000,), [2, 2, 2])
    >>> lo, hi = res.ci()
    >>> bool(lo < res.mean < hi)
    True

    A seed set per run, e.g. drawn at random in every run:

    >>> per_run = simulate(g, IndependentCascade(0.2), [[0], [5, 6], []], runs=3, rng=1)
    >>> per_run.curves[:, 0].tolist()
    [1, 2, 0]

    Every id is checked before any run starts:

    >>> simulate(g, IndependentCascade(0.2), [0, 34])
    Traceback (most recent call last):
    ...
    refsim.errors.InvalidValue: seeds holds node 34, which is not in the graph; nodes are numbered 0..33
    """
    if not isinstance(graph, Graph):
        kind = type(graph)
        where = "" if kind.__module__ == "builtins" else kind.__module__ + "."
        raise InvalidType(f"graph must be a refsim.Graph; got {where}{kind.__qualname__} "
                          f"(convert with Graph.from_networkx or Graph.from_edges)")
    if graph.n == 0:
        raise InvalidValue("graph is empty (0 nodes); simulation needs at least one node")
    runs = check_int("runs", runs, minimum=1, maximum=2**31 - 2)
    first_run = check_int("first_run", first_run, minimum=0, maximum=2**62)
    if steps is not None:
        steps = check_int("steps", steps, minimum=0, maximum=2**62)
    chosen = workers
    workers = _resolve_workers(workers, runs)
    kind = model_kind(model)
    if kind.needs_steps and steps is None:
        raise InvalidValue(f"steps is required for a {type(model).__name__}: the "
                           f"campaign's horizon in steps (e.g. steps=30)")
    seq = as_seed_sequence(rng)
    record = seed_record(seq)  # before the work, so a bad seed fails early
    width = steps if steps is not None else min(_FIRST_CAP, graph.n)
    what = f"steps={steps} with runs={runs}" if steps is not None else f"runs={runs}"
    _check_room(what, runs, width, copies=len(kind.series), per_run=kind.memory[1],
                seed_ids=count_ids(seeds), n=graph.n, workers=workers)
    seed_sets = as_seed_sets(seeds, graph.n, runs)
    key = repr(model)
    if chosen is None:
        workers = _resolve_workers(None, runs, graph, key)
    start = time.perf_counter()
    result = kind.run(graph, model, seed_sets, seq, runs=runs, first_run=first_run,
                      steps=steps, workers=workers, record=record)
    _record_cost(graph, key, runs, workers, time.perf_counter() - start)
    return result


def run_cascade(graph, model, kernel, args, seed_sets, seq, *, runs, first_run, steps,
                workers, record):
    """Run an IC or LT kernel (``kernel(*args, nodes, lo, hi, states, ids, max_steps,
    cap, workers, *scratch)``, the scratch kept with the graph) and assemble a
    :class:`refsim.SimResult`; inputs already checked.

    With ``steps=None`` the curves are first kept for ``min(64, n)`` steps; the rare
    runs that go deeper are redone, from the same streams, with room for every step.
    """
    nodes, lo, hi = seed_sets
    cap = steps if steps is not None else min(_FIRST_CAP, graph.n)
    max_steps = steps if steps is not None else graph.n
    states = run_states(seq, runs, first_run)
    ids = np.arange(runs, dtype=np.int64)
    nodes = nodes.astype(graph.indices.dtype)

    pool, scratch = _take_scratch(graph, kernel)
    done = False  # scratch goes back to the pool only after calls that completed
    if workers == 1:  # no parallel launch, no change to numba's thread count
        kernel = cascade.SERIAL.get(kernel, kernel)
        previous = None
    else:
        previous = numba.get_num_threads()
        if workers != previous:
            numba.set_num_threads(workers)
    try:
        final, depth, curves = kernel(*args, nodes, lo, hi, states, ids, max_steps, cap,
                                      workers, *scratch)
        if steps is None and runs and int(depth.max()) > cap:
            deepest = int(depth.max())
            _check_room(f"runs={runs} (cascades {deepest} steps deep)", runs, deepest,
                        copies=2, n=graph.n, workers=workers)
            # Rare deep cascades: redo just those runs (same streams, same outcome)
            # with room for every step.
            redo = np.flatnonzero(depth > cap)
            _, _, wide = kernel(*args, nodes, lo[redo], hi[redo], states, redo,
                                max_steps, deepest, workers, *scratch)
            grown = np.empty((runs, deepest + 1), dtype=np.int64)
            grown[:, : cap + 1] = curves
            grown[:, cap + 1:] = final[:, None]
            grown[redo] = wide
            curves = grown
        elif steps is not None and curves.shape[1] < steps + 1:
            # the kernel stops its columns at the deepest run; the caller asked for all
            grown = np.empty((runs, steps + 1), dtype=np.int64)
            grown[:, : curves.shape[1]] = curves
            grown[:, curves.shape[1]:] = final[:, None]
            curves = grown
        done = True
    finally:
        if done:  # a call cut short may leave stamps its run counts do not cover
            pool.append(scratch)
        if previous is not None and workers != previous:
            numba.set_num_threads(previous)
    return SimResult(final_sizes=final, curves=np.ascontiguousarray(curves), n=graph.n,
                     model=repr(model), seed=record)


def _take_scratch(graph, kernel):
    """The per-thread scratch of a cascade kernel on ``graph`` (one row per possible
    thread), from the graph's pool: kept between calls, so a call never allocates or
    clears O(n) memory; a call running at the same time as another takes its own."""
    lt = kernel is cascade.linear_threshold
    pool = graph.derived("scratch_lt" if lt else "scratch_ic", lambda g: [])
    try:
        return pool, pool.pop()  # atomic: two threads never get the same one
    except IndexError:
        return pool, kernel_scratch(graph.n, numba.config.NUMBA_NUM_THREADS,
                                    graph.indices.dtype, lt=lt)


def kernel_scratch(n, workers, dtype, *, lt=False):
    """Fresh scratch for ``workers`` workers of a cascade kernel on ``n`` nodes: ``(marks,
    counts, queues)``, and ``ats`` for LT. Allocated by numpy: pages are touched only
    when a worker first uses them (and large ones may be backed by huge pages).

    Parameters
    ----------
    n : int
        Number of nodes.
    workers : int
        Number of rows: the most workers a call may use.
    dtype : numpy dtype
        The dtype of the graph's ``indices`` (the queues hold node ids).
    lt : bool, default False
        Add LT's summed weights and thresholds.

    Returns
    -------
    marks : uint8[workers, n]
        Visit stamps, zero.
    counts : int64[workers]
        Runs each worker has made with its row, zero.
    queues : dtype[workers, n]
        Queues (uninitialised).
    ats : float64[workers, n, 2]
        Only with ``lt``: each node's summed weight and threshold (uninitialised).

    Examples
    --------
    >>> marks, counts, queues = kernel_scratch(5, 2, np.int32)
    >>> marks.shape, counts.tolist(), queues.dtype
    ((2, 5), [0, 0], dtype('int32'))
    """
    out = (np.zeros((workers, n), np.uint8), np.zeros(workers, np.int64),
           np.empty((workers, n), dtype))
    return out + (np.empty((workers, n, 2), np.float64),) if lt else out


def _max_out_degree(graph) -> int:
    return graph.derived("max_out_degree", lambda g: int(g.out_degree.max(initial=0)))


def ic_kernel_args(graph, model):
    """The IC kernel and its graph and model inputs. One probability for every arc costs
    O(largest out-degree) to prepare (the kernel then reads only its first node's
    entries); per-arc probabilities O(arcs), once: the inputs of the latest few models
    are kept with the (immutable) graph and reused."""
    p = model.p
    if isinstance(p, float):
        kept = graph.derived("ic_uniform_args", lambda g: {})
        args = kept.get(p)
        if args is None:
            p0 = p if graph.num_arcs else 0.0  # no arc: nothing can fire
            pmax = np.full(1, p0)
            with np.errstate(divide="ignore"):
                logq = np.log1p(-pmax)  # 0 where nothing can fire, -inf where p == 1
            table = q_powers(p0, _max_out_degree(graph))
            for a in (pmax, logq, table):
                a.setflags(write=False)
            args = (graph.indptr, graph.indices, pmax, logq, pmax, True, table,
                    _prefetch_distance(graph))
            if len(kept) >= _KEEP_P:  # a sweep over p: keep the latest few
                del kept[next(iter(kept))]
            kept[p] = args
        return cascade.independent_cascade, args
    # per-arc probabilities (an array, or a scheme such as weighted cascade): O(arcs)
    # on the first call with this model on this graph, kept for the next few calls
    kept = graph.derived("ic_arc_args", lambda g: {})
    key = id(model) if isinstance(p, np.ndarray) else p
    entry = kept.get(key)
    if entry is not None and (entry[0] is model or not isinstance(p, np.ndarray)):
        return cascade.independent_cascade, entry[1]
    args = _arc_args(graph, model)
    if len(kept) >= _KEEP_ARC_MODELS:  # n-sized arrays: keep only the latest
        del kept[next(iter(kept))]
    kept[key] = (model, args)  # the model itself, so its id is not reused meanwhile
    return cascade.independent_cascade, args


def _arc_args(graph, model):
    p = model.arc_probabilities(graph)
    pmax = np.zeros(graph.n)
    has_arcs = graph.out_degree > 0
    if graph.num_arcs:
        pmax[has_arcs] = np.maximum.reduceat(p, graph.indptr[:-1][has_arcs])
    pmax[pmax < 1e-300] = 0.0  # subnormal: 1/log(1-p) would overflow; never fires anyway
    uniform = bool(graph.num_arcs == 0 or p.min() == p.max())
    if uniform:  # isolated nodes would otherwise read pmax = 0
        pmax[:] = p[0] if graph.num_arcs else 0.0
    with np.errstate(divide="ignore"):
        logq = np.log1p(-pmax)  # 0 where nothing can fire, -inf where pmax == 1
    q_pow = q_powers(pmax[0], _max_out_degree(graph)) if uniform else np.ones(1)
    p = np.ascontiguousarray(p)
    for a in (pmax, logq, p, q_pow):
        a.setflags(write=False)
    return (graph.indptr, graph.indices, pmax, logq, p, uniform, q_pow,
            _prefetch_distance(graph))


def _prefetch_distance(graph) -> int:
    """Queue places the IC kernel prefetches ahead: none while the graph's arrays fit in
    a typical last-level cache (the hints would only cost instructions), 8 beyond."""
    size = graph.indptr.nbytes + graph.indices.nbytes + graph.n  # + the visit marks
    return _AHEAD if size > _CACHE_BYTES else 0


def q_powers(p, most):
    """Return ``(1 - p) ** r`` for ``r = 0 .. most`` (the chance that r arcs all fail)."""
    if p >= 1.0:
        return (np.arange(most + 1) == 0).astype(np.float64)
    return np.exp(np.arange(most + 1) * np.log1p(-p))


def lt_kernel_args(graph, model):
    w = np.ascontiguousarray(model.arc_weights(graph), dtype=np.float64)
    return cascade.linear_threshold, (graph.indptr, graph.indices, w,
                                      model.threshold_levels(graph), _prefetch_distance(graph))

