"""Community graphs: stochastic block models, degree-corrected, and LFR-style."""

from __future__ import annotations

import math

import numpy as np

from .. import _memory
from .._kernels import graphgen
from .._validation import check_int, check_nonnegative, check_probability
from ..errors import InvalidValue
from ._common import (
    MAX_NODES,
    check_memory,
    check_nodes,
    finish,
    generator_state,
    int_list,
)

__all__ = ["degree_corrected_block", "lfr", "stochastic_block"]


def _check_sizes(sizes) -> np.ndarray:
    arr = int_list("sizes", sizes, "community sizes")
    if arr.min() < 1:
        raise InvalidValue(f"sizes must all be >= 1; community {int(np.argmin(arr))} has "
                         f"{int(arr.min())}")
    # each size first: a sum of huge sizes could wrap around in int64
    total = int(arr.max()) if arr.max() > MAX_NODES else int(arr.astype(np.int64).sum())
    if total > MAX_NODES:
        raise InvalidValue(f"sizes add up to {total} nodes or more; at most {MAX_NODES}")
    return arr.astype(np.int64)


def _membership(sizes: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(sizes.shape[0], dtype=np.int64), sizes)


def _offsets(sizes: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)


def _probabilities(sizes, mean_degree_in, mean_degree_out):
    """Inside probability per community and the one between them: O(communities)."""
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
    with np.errstate(divide="ignore", invalid="ignore"):
        p_in = np.where(sizes > 1, d_in / (sizes - 1), 0.0)
    return p_in, p_out, d_in, d_out


def block_probabilities(sizes, mean_degree_in, mean_degree_out) -> np.ndarray:
    """Return the edge-probability matrix that :func:`stochastic_block` uses.

    Within community r: ``mean_degree_in / (size_r - 1)``; between communities one
    probability, set so that the average node has ``mean_degree_out`` outside links.
    The matrix has one row and column per community; its memory is checked first
    (:func:`stochastic_block` itself never builds it).

    Examples
    --------
    >>> block_probabilities([3, 5], 2.0, 1.0).round(4).tolist()
    [[1.0, 0.2667], [0.2667, 0.5]]
    """
    sizes = _check_sizes(sizes)
    blocks = sizes.shape[0]
    _memory.check_memory(f"sizes with {blocks} communities ({blocks} x {blocks} "
                         f"probabilities)", 8.0 * blocks * blocks,
                         "use fewer communities; stochastic_block does not need the matrix")
    p_in, p_out, _, _ = _probabilities(sizes, mean_degree_in, mean_degree_out)
    P = np.full((blocks, blocks), p_out)
    np.fill_diagonal(P, p_in)
    return P


def stochastic_block(sizes, mean_degree_in, mean_degree_out, *, rng=None):
    """Return a stochastic block model graph: communities with tunable mixing.

    Nodes ``0 .. sizes[0]-1`` form community 0, the next ``sizes[1]`` community 1, and so
    on (``graph.communities``). Two nodes of community r link with probability
    ``mean_degree_in / (sizes[r] - 1)``; two nodes of different communities with one
    probability chosen so the average node has ``mean_degree_out`` outside links. The
    same model as ``networkx.stochastic_block_model(sizes, block_probabilities(...))``;
    pairs are skipped by geometric jumps, and the pairs of a community with all later
    ones are one range, so the cost is O(n + m + communities).

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
    p_in, p_out, d_in, d_out = _probabilities(sizes, mean_degree_in, mean_degree_out)
    n = int(sizes.sum())
    edges = n * (d_in + d_out) / 2
    # the community of each node and the per-community tables (4 words per node at most)
    check_memory(n, edges, name="sum(sizes)", per_node=32)
    expect = int(edges * 1.05 + 6 * math.sqrt(edges + 1) + 64)
    src = np.empty(expect, np.int32)
    dst = np.empty(expect, np.int32)
    src, dst, m = graphgen.block_pairs(generator_state(rng), _offsets(sizes), p_in, p_out,
                                       src, dst, 0)
    return finish(n, src[:m], dst[:m], communities=_membership(sizes))


def power_law_degrees(n, mean_degree, exponent, max_degree, rng_state=None, *, rng=None):
    """Return n expected degrees from a power law with the given exponent, mean and cap.

    Pareto draws ``k_min * U ** (-1 / (exponent - 1))`` capped at ``max_degree``, with
    ``k_min`` solved (bisection) so that the mean is ``mean_degree``.
    """
    u = np.random.default_rng(rng).random(n) if rng_state is None else rng_state
    u = 1.0 - u  # (0, 1]
    shape = -1.0 / (exponent - 1.0)
    with np.errstate(over="ignore"):  # an exponent near 2: inf, then capped
        u = u**shape

    def mean_for(kmin):
        return np.minimum(kmin * u, max_degree).mean()

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
    return np.minimum(hi * u, max_degree)


def degree_corrected_block(sizes, mean_degree, mixing, *, exponent=2.5, max_degree=None,
                           rng=None):
    """Return a degree-corrected block model: communities with hubs inside them.

    Each node gets an expected degree drawn from a power law (``exponent``, mean
    ``mean_degree``, capped at ``max_degree``, default ``sqrt(n * mean_degree)``); a
    fraction ``mixing`` of each node's links leaves its community. Edges are placed as
    in Karrer & Newman's model (Chung-Lu within and between communities: Poisson numbers
    of links inside each community and between them); a repeated link or self-loop is
    drawn again until the graph holds those numbers of distinct links, so mean degree
    and mixing hold in expectation, while the largest hubs, whose links repeat most,
    end slightly below their expected degree. O(n + m) time.

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

    Raises
    ------
    InvalidValue
        For parameters out of range, and for a ``mean_degree`` the communities cannot
        hold with this ``mixing``: at once if no simple graph could (the message gives
        the largest mean degree they allow), or after wiring if the links could not be
        placed without repeats (the message gives the mean degree reached).

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
    _check_room(sizes, mean_degree, mixing, "")
    check_memory(n, n * mean_degree / 2, name="sum(sizes)", per_node=_NODE_BYTES,
                 per_edge=_EDGE_BYTES)
    s = generator_state(rng)
    theta = power_law_degrees(n, mean_degree, exponent, max_degree, _uniforms(s, n))
    return _wire(s, theta, sizes, mixing, mean_degree)


#: Scratch of the degree-corrected wiring: per node the expected degree, uniforms,
#: alias tables, community and placement order; per edge the drawn ends and the keys
#: of distinct links.
_NODE_BYTES, _EDGE_BYTES = 64, 16
#: Rounds of redrawing repeated links before the wiring gives up.
_ROUNDS = 1000


def _check_room(sizes, mean_degree, mixing, drawn):
    """Refuse a mean degree that no simple graph with these communities and mixing has:
    a fraction 1 - mixing of the n * mean_degree link ends lies inside communities, at
    most sum(s * (s - 1)) of them, and the rest between, at most n**2 - sum(s**2)."""
    n = float(sizes.sum())
    sq = float((sizes.astype(float) ** 2).sum())
    limits = []
    if mixing < 1:
        limits.append(((sq - n) / (n * (1 - mixing)), "inside"))
    if mixing > 0:
        limits.append(((n * n - sq) / (n * mixing), "between"))
    most, where = min(limits)
    if mean_degree > most:
        raise InvalidValue(
            f"mean_degree={mean_degree:g} is more than {drawn}communities of these sizes "
            f"can hold with mixing={mixing:g}: the links {where} communities allow a mean "
            f"degree of at most {most:.4g}")


def _uniforms(s, n):
    """n uniforms from state s, which then moves on to a fresh stretch of its stream."""
    from .._kernels.xoshiro import fill_doubles

    u = fill_doubles(s, np.empty(n))
    s[:] = np.random.SeedSequence(s.tolist()).generate_state(4, np.uint64)
    return u


def _wire(s, theta, sizes, mixing, mean_degree):
    """The degree-corrected block model on nodes numbered community by community.

    The Poisson numbers of links inside each community and between communities are
    drawn first; links are then drawn until each number is met by distinct links
    (repeats and self-loops drawn again, in rounds), or the draws spent on it run out.
    """
    n = int(sizes.sum())
    offsets = _offsets(sizes)
    tables = graphgen.block_tables(theta, offsets)
    target = graphgen.block_edge_counts(s, theta, offsets, mixing)
    keys = graphgen.distinct_keys(*graphgen.block_edges(s, *tables, offsets, target), n)
    short = target - graphgen.key_categories(keys, n, offsets)
    # a number is given up once 20 draws per link have been spent on it: far more than
    # the few redraws a number that fits needs (only near saturation do most draws repeat)
    budget = 20 * target + 100
    spent = target.copy()
    added = np.empty(0, np.int64)  # keys found by redrawing, sorted, merged in batches
    rounds = 0
    while rounds < _ROUNDS:
        draw = np.where(spent < budget, short, 0)
        if not draw.any():
            break
        rounds += 1
        spent += draw
        new = graphgen.distinct_keys(*graphgen.block_edges(s, *tables, offsets, draw), n)
        new = new[~_holds(keys, new) & ~_holds(added, new)]
        short -= graphgen.key_categories(new, n, offsets)
        added = np.union1d(added, new)
        if added.size > max(4096, keys.size // 64):
            keys = np.insert(keys, np.searchsorted(keys, added), added)
            added = np.empty(0, np.int64)
    missing = int(target.sum()) - keys.shape[0] - added.shape[0]
    # Tolerance. The number of links is Poisson with mean n * mean_degree / 2, so the
    # mean degree 2 * links / n has standard deviation sqrt(2 * mean_degree / n). Links
    # left missing lower the mean degree by 2 * missing / n; allowing that much only up
    # to one standard deviation means missing <= sqrt(n * mean_degree / 2): a shortfall
    # no larger than the sampling noise of a graph that met its numbers.
    if missing > math.sqrt(n * mean_degree / 2):
        worst = int(np.argmax(short / np.maximum(target, 1)))
        reached = 2.0 * (keys.shape[0] + added.shape[0]) / n
        where = ("between communities" if worst == sizes.shape[0] else
                 f"inside community {worst} ({int(sizes[worst])} nodes)")
        raise InvalidValue(
            f"mean_degree={mean_degree:g} cannot be reached with these communities and "
            f"mixing={mixing:g}: after {rounds} rounds of redrawing repeated links the "
            f"graph has mean degree {reached:.4g} ({missing} links missing, most "
            f"{where}); ask for at most about {reached:.3g}, or use larger communities")
    if added.size:
        keys = np.insert(keys, np.searchsorted(keys, added), added)
    src, dst = graphgen.split_keys(keys, n)
    del keys, added
    return finish(n, src, dst, communities=_membership(sizes))


def _holds(sorted_keys, keys):
    """Whether each of ``keys`` is in ``sorted_keys``."""
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return sorted_keys[at] == keys


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
    O(n log n + m) instead of LFR's rewiring (see :func:`degree_corrected_block`), so
    mean degree and mixing hold in expectation rather than exactly, and the largest
    hubs end slightly below their expected degree.

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

    Raises
    ------
    InvalidValue
        For parameters out of range, and for a ``mean_degree`` the communities drawn
        cannot hold with this ``mixing`` (see :func:`degree_corrected_block`).

    Examples
    --------
    >>> g = lfr(2000, 10.0, 0.2, rng=0)
    >>> g.n, int(g.communities.max()) > 5
    (2000, True)
    """
    n = check_nodes(n, minimum=2)
    mean_degree = check_nonnegative("mean_degree", mean_degree)
    if not 0 < mean_degree <= n - 1:
        raise InvalidValue(f"mean_degree must be in (0, n - 1 = {n - 1}]; got {mean_degree}")
    mixing = check_probability("mixing", mixing)
    degree_exponent = check_nonnegative("degree_exponent", degree_exponent)
    if degree_exponent <= 2.0:
        raise InvalidValue(f"degree_exponent must be > 2; got {degree_exponent}")
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
    max_degree = check_nonnegative("max_degree", max_degree)
    # the draws for degrees and sizes, the placement's need, order and tree: 5 words
    check_memory(n, n * mean_degree / 2, per_node=_NODE_BYTES + 40, per_edge=_EDGE_BYTES)
    s = generator_state(rng)
    u = _uniforms(s, n)
    sizes = _power_law_sizes(_uniforms(s, n), n, min_community, max_community,
                             community_exponent)
    if mixing > 0 and sizes.shape[0] < 2:
        raise InvalidValue(f"mixing > 0 needs at least two communities; min_community="
                         f"{min_community} puts all {n} nodes in one")
    _check_room(sizes, mean_degree, mixing, f"the {sizes.shape[0]} ")
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
    return _wire(s, theta, sizes, mixing, mean_degree)


def _power_law_sizes(u, n, low, high, exponent):
    """Community sizes from p(x) ~ x**-exponent on [low, high], adding up to n.

    Inverse transform ``low * (1 + u * ((high/low)**(1-g) - 1)) ** (1/(1-g))``, which
    keeps every power between 0 and 1 (no overflow for steep exponents).
    """
    a, b, g = float(low), float(high), float(exponent)
    span = math.exp((1.0 - g) * math.log(b / a))  # (b/a)**(1-g), in (0, 1]
    with np.errstate(divide="ignore", over="ignore"):
        draws = np.minimum(a * (1.0 + u * (span - 1.0)) ** (1.0 / (1.0 - g)), b)
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
