"""Community graphs: stochastic block models, degree-corrected, and LFR-style."""

from __future__ import annotations

import math

import numpy as np

from .._kernels import graphgen
from .._validation import check_int, check_nonnegative, check_probability
from ..errors import InvalidType, InvalidValue
from ._common import MAX_NODES, check_memory, check_nodes, finish, generator_state

__all__ = ["degree_corrected_block", "lfr", "stochastic_block"]


def _check_sizes(sizes) -> np.ndarray:
    arr = np.asarray(sizes)
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iu":
        raise InvalidType(f"sizes must be a non-empty list of community sizes (ints); "
                        f"got {sizes!r}")
    if arr.min() < 1:
        raise InvalidValue(f"sizes must all be >= 1; community {int(np.argmin(arr))} has "
                         f"{int(arr.min())}")
    if arr.sum() > MAX_NODES:
        raise InvalidValue(f"sizes add up to {int(arr.sum())} nodes; at most {MAX_NODES}")
    return arr.astype(np.int64)


def _membership(sizes: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(sizes.shape[0], dtype=np.int64), sizes)


def block_probabilities(sizes, mean_degree_in, mean_degree_out) -> np.ndarray:
    """Return the edge-probability matrix that :func:`stochastic_block` uses.

    Within community r: ``mean_degree_in / (size_r - 1)``; between communities one
    probability, set so that the average node has ``mean_degree_out`` outside links.
    """
    sizes = _check_sizes(sizes)
    d_in = check_nonnegative("mean_degree_in", mean_degree_in)
    d_out = check_nonnegative("mean_degree_out", mean_degree_out)
    n = int(sizes.sum())
    smallest = int(sizes.min())
    if d_in > 0 and d_in > smallest - 1:
        raise InvalidValue(f"mean_degree_in must be at most the smallest community's size "
                         f"- 1 = {smallest - 1}; got {d_in}")
    pairs_out = float(n) * n - float((sizes.astype(float) ** 2).sum())
    if d_out > 0 and pairs_out == 0:
        raise InvalidValue("mean_degree_out > 0 needs at least two communities")
    p_out = d_out * n / pairs_out if pairs_out else 0.0
    if p_out > 1:
        raise InvalidValue(f"mean_degree_out={d_out} is more than the nodes outside a "
                         f"community allow (at most {pairs_out / n:.6g})")
    P = np.full((sizes.shape[0], sizes.shape[0]), p_out)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.fill_diagonal(P, np.where(sizes > 1, d_in / (sizes - 1), 0.0))
    return P


def stochastic_block(sizes, mean_degree_in, mean_degree_out, *, rng=None):
    """Return a stochastic block model graph: communities with tunable mixing.

    Nodes ``0 .. sizes[0]-1`` form community 0, the next ``sizes[1]`` community 1, and so
    on (``graph.communities``). Two nodes of community r link with probability
    ``mean_degree_in / (sizes[r] - 1)``; two nodes of different communities with one
    probability chosen so the average node has ``mean_degree_out`` outside links. The
    same model as ``networkx.stochastic_block_model(sizes, block_probabilities(...))``;
    pairs are skipped by geometric jumps, so the cost is O(n + m + communities^2).

    Parameters
    ----------
    sizes : list of int
        Community sizes, each >= 1.
    mean_degree_in, mean_degree_out : float
        Expected links inside and outside a node's community.

    References
    ----------
    Holland, Laskey & Leinhardt, Social Networks 5, 109 (1983).

    Examples
    --------
    >>> g = stochastic_block([50, 50], 8.0, 1.0, rng=0)
    >>> g.n, g.communities[[0, 99]].tolist()
    (100, [0, 1])
    """
    sizes = _check_sizes(sizes)
    P = block_probabilities(sizes, mean_degree_in, mean_degree_out)
    n = int(sizes.sum())
    check_memory(n, n * (float(mean_degree_in) + float(mean_degree_out)) / 2,
                 name="sum(sizes)")
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    expect = int(n * (mean_degree_in + mean_degree_out) / 2 * 1.05 + 64)
    src = np.empty(expect, np.int32)
    dst = np.empty(expect, np.int32)
    m = 0
    s = generator_state(rng)
    B = sizes.shape[0]
    for r in range(B):
        src, dst, m = graphgen.gnp_pairs(s, int(sizes[r]), P[r, r], int(offsets[r]),
                                         src, dst, m)
        for t in range(r + 1, B):
            src, dst, m = graphgen.bipartite_pairs(s, int(sizes[r]), int(sizes[t]), P[r, t],
                                                   int(offsets[r]), int(offsets[t]),
                                                   src, dst, m)
    return finish(n, src[:m], dst[:m], communities=_membership(sizes))


def power_law_degrees(n, mean_degree, exponent, max_degree, rng_state=None, *, rng=None):
    """Return n expected degrees from a power law with the given exponent, mean and cap.

    Pareto draws ``k_min * U ** (-1 / (exponent - 1))`` capped at ``max_degree``, with
    ``k_min`` solved (bisection) so that the mean is ``mean_degree``.
    """
    u = np.random.default_rng(rng).random(n) if rng_state is None else rng_state
    u = 1.0 - u  # (0, 1]
    shape = -1.0 / (exponent - 1.0)

    def mean_for(kmin):
        return np.minimum(kmin * u**shape, max_degree).mean()

    lo, hi = 1e-9, float(mean_degree)
    if mean_for(hi) < mean_degree:  # the cap bites: not reachable
        raise InvalidValue(f"mean_degree={mean_degree} is not reachable with "
                         f"max_degree={max_degree} and exponent={exponent}")
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if mean_for(mid) < mean_degree:
            lo = mid
        else:
            hi = mid
    return np.minimum(hi * u**shape, max_degree)


def degree_corrected_block(sizes, mean_degree, mixing, *, exponent=2.5, max_degree=None,
                           rng=None):
    """Return a degree-corrected block model: communities with hubs inside them.

    Each node gets an expected degree drawn from a power law (``exponent``, mean
    ``mean_degree``, capped at ``max_degree``, default ``sqrt(n * mean_degree)``); a
    fraction ``mixing`` of each node's links leaves its community. Edges are placed as
    in Karrer & Newman's model (Chung-Lu within and between communities), then repeats
    and self-loops dropped, so the largest hubs end slightly below their expected
    degree. O(n + m) time.

    Parameters
    ----------
    sizes : list of int
        Community sizes.
    mean_degree : float
        Expected mean degree, > 0.
    mixing : float
        Expected fraction of a node's links that leave its community, in [0, 1].
    exponent : float, default 2.5
        Power-law exponent of the expected degrees, > 2.
    max_degree : float, optional
        Largest expected degree.

    References
    ----------
    Karrer & Newman, Phys. Rev. E 83, 016107 (2011).

    Examples
    --------
    >>> g = degree_corrected_block([300, 300, 400], 10.0, 0.1, rng=0)
    >>> g.n, int(g.communities.max())
    (1000, 2)
    """
    sizes = _check_sizes(sizes)
    n = int(sizes.sum())
    mean_degree = check_nonnegative("mean_degree", mean_degree)
    if not 0 < mean_degree <= n - 1:
        raise InvalidValue(f"mean_degree must be in (0, n - 1 = {n - 1}]; got {mean_degree}")
    mixing = check_probability("mixing", mixing)
    exponent = check_nonnegative("exponent", exponent)
    if exponent <= 2.0:
        raise InvalidValue(f"exponent must be > 2 (finite mean degree); got {exponent}")
    if max_degree is None:
        max_degree = max(mean_degree, math.sqrt(n * mean_degree))
    max_degree = check_nonnegative("max_degree", max_degree)
    if max_degree < mean_degree:
        raise InvalidValue(f"max_degree must be at least mean_degree = {mean_degree}; "
                         f"got {max_degree}")
    if mixing > 0 and sizes.shape[0] < 2:
        raise InvalidValue("mixing > 0 needs at least two communities")
    check_memory(n, n * mean_degree / 2, name="sum(sizes)")
    s = generator_state(rng)
    theta = power_law_degrees(n, mean_degree, exponent, max_degree, _uniforms(s, n))
    return _wire(s, theta, sizes, mixing)


def _uniforms(s, n):
    """n uniforms from state s, which then moves on to a fresh stretch of its stream."""
    from .._kernels.xoshiro import fill_doubles

    u = fill_doubles(s, np.empty(n))
    s[:] = np.random.SeedSequence(s.tolist()).generate_state(4, np.uint64)
    return u


def _wire(s, theta, sizes, mixing):
    """The degree-corrected block model on nodes numbered community by community."""
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    src, dst = graphgen.degree_corrected_edges(s, theta, offsets, mixing)
    return finish(int(sizes.sum()), src, dst, communities=_membership(sizes))


def lfr(n, mean_degree, mixing, *, degree_exponent=2.5, community_exponent=1.5,
        max_degree=None, min_community=None, max_community=None, rng=None):
    """Return an LFR-style benchmark graph: power-law degrees and community sizes.

    Expected degrees follow a power law with ``degree_exponent`` (mean ``mean_degree``,
    capped at ``max_degree``); community sizes follow a power law with
    ``community_exponent`` between ``min_community`` and ``max_community``; as in LFR,
    every node joins a community with room for its ``(1 - mixing) * degree`` inside
    links, and a fraction ``mixing`` (LFR's mu) of its links leaves the community. This
    keeps the laws, the placement and the mixing of the LFR benchmark (Lancichinetti,
    Fortunato & Radicchi 2008) but wires the graph as a degree-corrected block model in
    O(n log n + m) instead of LFR's rewiring, so degrees and mixing hold in expectation
    (up to the few repeated links dropped) rather than exactly.

    Parameters
    ----------
    n : int
        Number of nodes.
    mean_degree : float
        Expected mean degree.
    mixing : float
        Expected fraction of each node's links that leave its community, in [0, 1].
    degree_exponent : float, default 2.5
        Power-law exponent of degrees, > 2.
    community_exponent : float, default 1.5
        Power-law exponent of community sizes, > 1.
    max_degree : float, optional
        Largest expected degree; default ``sqrt(n * mean_degree)``, lowered so the
        largest community can hold the inside links of the largest hub.
    min_community, max_community : int, optional
        Community size range; default from ``max(mean_degree + 1, 10)`` to ``n // 10``.

    Examples
    --------
    >>> g = lfr(2000, 10.0, 0.2, rng=0)
    >>> g.n, int(g.communities.max()) > 5
    (2000, True)
    """
    n = check_nodes(n, minimum=2)
    mean_degree = check_nonnegative("mean_degree", mean_degree)
    mixing = check_probability("mixing", mixing)
    community_exponent = check_nonnegative("community_exponent", community_exponent)
    if community_exponent <= 1.0:
        raise InvalidValue(f"community_exponent must be > 1; got {community_exponent}")
    if min_community is None:
        min_community = min(n, max(int(math.ceil(mean_degree)) + 1, 10))
    if max_community is None:
        max_community = max(min_community, n // 10)
    min_community = check_int("min_community", min_community, minimum=1, maximum=n)
    max_community = check_int("max_community", max_community, minimum=min_community,
                              maximum=n)
    if max_degree is None:
        max_degree = math.sqrt(n * mean_degree)
        if mixing < 1:
            max_degree = min(max_degree, (max_community - 1) / (1 - mixing))
        max_degree = max(max_degree, mean_degree)
    s = generator_state(rng)
    u = _uniforms(s, n)
    sizes = _power_law_sizes(_uniforms(s, n), n, min_community, max_community,
                             community_exponent)
    if not 0 < mean_degree <= n - 1:
        raise InvalidValue(f"mean_degree must be in (0, n - 1 = {n - 1}]; got {mean_degree}")
    max_degree = check_nonnegative("max_degree", max_degree)
    degree_exponent = check_nonnegative("degree_exponent", degree_exponent)
    if degree_exponent <= 2.0:
        raise InvalidValue(f"degree_exponent must be > 2; got {degree_exponent}")
    if mixing > 0 and sizes.shape[0] < 2:
        raise InvalidValue(f"mixing > 0 needs at least two communities; min_community="
                         f"{min_community} puts all {n} nodes in one")
    check_memory(n, n * mean_degree / 2)
    theta = power_law_degrees(n, mean_degree, degree_exponent, max_degree, u)
    del u
    sizes = np.sort(sizes)[::-1].copy()
    need = np.ceil((1.0 - mixing) * theta).astype(np.int64) + 1
    member = graphgen.place_in_communities(s, need, sizes)
    del need
    order = np.argsort(member, kind="stable")  # number nodes community by community
    del member
    theta = theta[order]
    del order  # free the placement's scratch before the edges are drawn
    return _wire(s, theta, sizes, mixing)


def _power_law_sizes(u, n, low, high, exponent):
    """Community sizes from p(x) ~ x**-exponent on [low, high], adding up to n."""
    a, b, g = float(low), float(high), float(exponent)
    draws = (a ** (1 - g) + u * (b ** (1 - g) - a ** (1 - g))) ** (1 / (1 - g))
    sizes = []
    left = n
    for x in np.rint(draws).astype(np.int64):
        if left == 0:
            break
        size = int(min(x, left))
        if 0 < left - size < low:
            size = left  # fold a remainder too small to stand alone into this one
        sizes.append(size)
        left -= size
    if left:  # n draws of at least one node each always suffice; kept for safety
        sizes.append(left)
    return np.array(sizes, dtype=np.int64)
