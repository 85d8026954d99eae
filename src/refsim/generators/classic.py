"""Erdos-Renyi, random regular and configuration-model graphs."""

from __future__ import annotations

import math

import numpy as np

from .._kernels import graphgen
from .._validation import check_int, check_nonnegative
from ..errors import InvalidValue
from ._common import check_memory, check_nodes, finish, generator_state, int_list

__all__ = ["configuration", "erdos_renyi", "random_regular"]


def erdos_renyi(n, mean_degree, *, rng=None):
    """Return a G(n, p) random graph with ``p = mean_degree / (n - 1)``.

    Every pair of nodes is linked independently with probability p, as in
    ``networkx.fast_gnp_random_graph``; pairs are skipped by geometric jumps
    (Batagelj & Brandes 2005), so the cost is O(n + m).

    Parameters
    ----------
    n : int
        Number of nodes, >= 1.
    mean_degree : float
        Expected degree, in [0, n - 1].
    rng : None, int, SeedSequence or Generator
        Randomness (see :func:`refsim.simulate`).

    Returns
    -------
    Graph

    References
    ----------
    Erdos & Renyi (1959); Batagelj & Brandes, Phys. Rev. E 71, 036113 (2005).

    Examples
    --------
    >>> g = erdos_renyi(1000, 8.0, rng=1)
    >>> g.n, 7.5 < g.num_arcs / g.n < 8.5
    (1000, True)
    """
    n = check_nodes(n)
    z = check_nonnegative("mean_degree", mean_degree)
    if z > n - 1:
        raise InvalidValue(f"mean_degree must be at most n - 1 = {n - 1}; got {z}")
    check_memory(n, n * z / 2)
    p = z / (n - 1) if n > 1 else 0.0
    expect = int(n * z / 2 + 6 * math.sqrt(n * z / 2 + 1) + 16)
    src = np.empty(expect, np.int32)
    dst = np.empty(expect, np.int32)
    src, dst, m = graphgen.gnp_pairs(generator_state(rng), n, p, 0, src, dst, 0)
    return finish(n, src[:m], dst[:m])


def configuration(degrees, *, rng=None):
    """Return the erased configuration model on a degree sequence.

    Each node gets ``degrees[i]`` stubs; stubs are paired uniformly at random, and the
    self-loops and repeated edges this makes are dropped, as in
    ``networkx.Graph(networkx.configuration_model(degrees))`` without its loops. High
    degrees lose a few edges that way (Britton, Deijfen & Martin-Lof 2006).

    Parameters
    ----------
    degrees : array_like of int
        One degree >= 0 per node; the sum must be even.

    Examples
    --------
    >>> g = configuration([3, 3, 2, 2, 2], rng=0)
    >>> g.n, int(g.out_degree.sum()) <= 12
    (5, True)
    """
    deg = int_list("degrees", degrees, "node degrees")
    n = check_nodes(deg.shape[0])
    if deg.min() < 0:
        raise InvalidValue(f"degrees must be >= 0; node {int(np.argmin(deg))} has "
                         f"{int(deg.min())}")
    if deg.max() > n - 1:
        raise InvalidValue(f"degrees must be at most n - 1 = {n - 1} in a simple graph; "
                         f"node {int(np.argmax(deg))} has {int(deg.max())}")
    total = int(deg.sum())
    if total % 2:
        raise InvalidValue(f"degrees must have an even sum (each edge has two ends); "
                         f"got {total}")
    # the stubs (8 bytes per edge) and an int64 copy of the degrees
    check_memory(n, total / 2, name="len(degrees)", per_node=8, per_edge=8)
    src, dst = graphgen.pair_stubs(generator_state(rng), deg.astype(np.int64))
    return finish(n, src, dst)


def random_regular(n, d, *, rng=None):
    """Return a random d-regular simple graph on n nodes.

    Stubs are paired at random (as in the configuration model), then every self-loop
    and repeated edge is removed by random degree-preserving double-edge swaps with other
    edges, which leaves each node with exactly ``d`` neighbours. The result is close to
    uniform over d-regular graphs for the small ``d`` of social-network work
    (``networkx.random_regular_graph`` samples the same family). Above ``(n - 1) / 2``
    the graph is the complement of a random ``(n - 1 - d)``-regular graph, which maps
    uniform to uniform and leaves the swaps room to work.

    Parameters
    ----------
    n : int
        Number of nodes.
    d : int
        Degree of every node, ``0 <= d < n``, with ``n * d`` even.

    Examples
    --------
    >>> g = random_regular(100, 4, rng=0)
    >>> sorted(set(g.out_degree.tolist()))
    [4]
    >>> sorted(set(random_regular(10, 9, rng=0).out_degree.tolist()))  # complete
    [9]
    """
    n = check_nodes(n)
    d = check_int("d", d, minimum=0)
    if d >= n:
        raise InvalidValue(f"d must be less than n = {n}; got {d}")
    if (n * d) % 2:
        raise InvalidValue(f"n * d must be even for a d-regular graph; got n={n}, d={d}")
    # the stubs, and the repair's sorted edge keys and map of changes (about 24 bytes
    # per edge); the complement's sparse graph is smaller than the final one
    check_memory(n, n * d / 2, per_edge=24)
    s = generator_state(rng)
    dense = d > (n - 1) / 2
    k = n - 1 - d if dense else d
    for _ in range(_RESTARTS):
        src, dst = graphgen.pair_stubs(s, np.full(n, k, np.int64))
        if graphgen.repair_simple(s, n, src, dst) >= 0:
            break
    else:  # pragma: no cover - not seen for any n < 40; kept so it cannot hang or crash
        raise InvalidValue(f"random_regular could not make a simple {d}-regular graph on "
                           f"n={n} nodes in {_RESTARTS} attempts; choose d further from "
                           f"(n - 1) / 2")
    if not dense:
        return finish(n, src, dst)
    sparse = finish(n, src, dst)
    del src, dst
    return finish(n, *graphgen.complement_edges(sparse.indptr, sparse.indices, n, d))


#: Fresh pairings random_regular tries before it gives up.
_RESTARTS = 10
