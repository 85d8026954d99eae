"""Growth and rewiring models: Barabasi-Albert, Holme-Kim, Watts-Strogatz."""

from __future__ import annotations

from .._kernels import graphgen
from .._validation import check_int, check_probability
from ..errors import InvalidValue
from ._common import check_memory, check_nodes, finish, generator_state

__all__ = ["barabasi_albert", "holme_kim", "watts_strogatz"]


def _check_m(n, m):
    m = check_int("m", m, minimum=1)
    if m >= n:
        raise InvalidValue(f"m must be less than n = {n}; got {m}")
    return m


def barabasi_albert(n, m, *, rng=None):
    """Return a Barabasi-Albert preferential-attachment graph.

    Starts from a star on ``m + 1`` nodes; each later node links to ``m`` distinct
    existing nodes chosen with probability proportional to their degree, as in
    ``networkx.barabasi_albert_graph``. Degrees follow a power law with exponent 3: a
    market with a few huge audiences. O(n m) time.

    Parameters
    ----------
    n : int
        Number of nodes.
    m : int
        Links per new node, ``1 <= m < n``.

    References
    ----------
    Barabasi & Albert, Science 286, 509 (1999).

    Examples
    --------
    >>> g = barabasi_albert(1000, 3, rng=0)
    >>> g.n, g.num_arcs == 2 * (3 + (1000 - 4) * 3)
    (1000, True)
    """
    n = check_nodes(n, minimum=2)
    m = _check_m(n, m)
    check_memory(n, n * m, per_edge=8)  # the list of nodes repeated once per link
    src, dst = graphgen.barabasi_albert(generator_state(rng), n, m)
    return finish(n, src, dst)


def holme_kim(n, m, triad_p, *, rng=None):
    """Return a Holme-Kim graph: preferential attachment with triad formation.

    Each new node makes one preferential link, then ``m - 1`` more: with probability
    ``triad_p`` to a random neighbour of the node it just linked to (closing a
    triangle), otherwise preferential again; the process of
    ``networkx.powerlaw_cluster_graph``. Power-law degrees with clustering tuned by
    ``triad_p``: hubs plus circles of friends. O(n m) expected time.

    One difference from networkx: its preferential targets are drawn as a set and used
    in ``set.pop()`` order, which for integer nodes favours nodes 0..7, the oldest hubs;
    here they are used in random order, as the model intends. With ``triad_p > 0``
    networkx's hubs are therefore somewhat larger.

    Parameters
    ----------
    n : int
        Number of nodes.
    m : int
        Links per new node, ``1 <= m < n``.
    triad_p : float
        Chance in [0, 1] that an extra link closes a triangle.

    References
    ----------
    Holme & Kim, Phys. Rev. E 65, 026107 (2002).

    Examples
    --------
    >>> g = holme_kim(1000, 3, 0.5, rng=0)
    >>> g.n
    1000
    """
    n = check_nodes(n, minimum=2)
    m = _check_m(n, m)
    triad_p = check_probability("triad_p", triad_p)
    check_memory(n, n * m, per_node=12, per_edge=8)  # adjacency lists while growing
    src, dst = graphgen.holme_kim(generator_state(rng), n, m, triad_p)
    return finish(n, src, dst)


def watts_strogatz(n, k, beta, *, rng=None):
    """Return a Watts-Strogatz small-world graph.

    A ring where each node links to its ``k // 2`` nearest nodes on either side; then
    each edge is moved, with probability ``beta``, to a random node not yet linked, as in
    ``networkx.watts_strogatz_graph``: local circles with a few long-range ties. O(n k)
    expected time.

    Parameters
    ----------
    n : int
        Number of nodes.
    k : int
        Ring neighbours of each node (odd k acts as k - 1), ``0 <= k < n``.
    beta : float
        Rewiring probability in [0, 1].

    References
    ----------
    Watts & Strogatz, Nature 393, 440 (1998).

    Examples
    --------
    >>> g = watts_strogatz(100, 4, 0.0, rng=0)
    >>> sorted(g.indices[g.indptr[0]:g.indptr[1]].tolist())
    [1, 2, 98, 99]
    """
    n = check_nodes(n)
    k = check_int("k", k, minimum=0)
    if k >= n:
        raise InvalidValue(f"k must be less than n = {n}; got {k}")
    beta = check_probability("beta", beta)
    check_memory(n, n * k / 2, per_node=8, per_edge=4)  # each node's ring slots
    src, dst = graphgen.watts_strogatz(generator_state(rng), n, k, beta)
    return finish(n, src, dst)
