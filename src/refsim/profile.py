"""A graph's diffusion profile: the facts that decide which seeding strategy wins."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

from ._rng import as_seed_sequence, run_states
from ._validation import check_int
from .errors import InvalidType, InvalidValue
from .graph import Graph

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from ._rng import RngLike

__all__ = ["GraphProfile", "describe", "epidemic_threshold", "power_law_fit"]


@dataclass(frozen=True)
class GraphProfile:
    """Summary of a graph for diffusion work; ``str()`` prints it as a table."""

    nodes: int
    arcs: int
    directed: bool
    mean_degree: float
    degree_std: float
    min_degree: int
    median_degree: float
    max_degree: int
    tail_exponent: float
    tail_from_degree: int
    tail_nodes: int
    clustering: float
    clustering_se: float
    clustering_sampled: int
    giant_component: float
    components: int
    communities: int
    communities_source: str
    largest_community: int
    median_community: float
    mixing: float
    modularity: float
    epidemic_threshold: float

    def as_dict(self) -> dict:
        """Return the profile as a plain dict (JSON-ready)."""
        return asdict(self)

    def __str__(self) -> str:
        se = (f" ± {self.clustering_se:.3f} (sample of {self.clustering_sampled})"
              if self.clustering_se > 0 else "")
        tail = (f"{self.tail_exponent:.2f} (fit on degrees >= {self.tail_from_degree}, "
                f"{self.tail_nodes} nodes)" if math.isfinite(self.tail_exponent)
                else "n/a (too few distinct degrees)")
        rows = [
            ("nodes", f"{self.nodes:,}"),
            ("arcs", f"{self.arcs:,} ({'directed' if self.directed else 'two per edge'})"),
            ("degree", f"mean {self.mean_degree:.3g}, sd {self.degree_std:.3g}, "
                       f"min {self.min_degree}, median {self.median_degree:g}, "
                       f"max {self.max_degree}"),
            ("degree tail exponent", tail),
            ("mean clustering", f"{self.clustering:.3f}{se}"),
            ("giant component", f"{self.giant_component:.1%} of nodes "
                                f"({self.components:,} components)"),
            ("communities", f"{self.communities:,} ({self.communities_source}); largest "
                            f"{self.largest_community:,}, median {self.median_community:g}"),
            ("community mixing", f"{self.mixing:.3f} of links leave their community; "
                                 f"modularity {self.modularity:.3f}"),
            ("IC epidemic threshold", f"p_c = <k> / (<k^2> - <k>) = "
                                      f"{self.epidemic_threshold:.4g}"),
        ]
        width = max(len(k) for k, _ in rows)
        return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def power_law_fit(degrees: ArrayLike, *, min_tail: int = 50) -> tuple[float, int, int]:
    """Fit a discrete power law to the upper tail of a degree sequence.

    For each candidate lower bound ``k_min`` the exponent is the approximate discrete
    maximum-likelihood estimate ``1 + n_tail / sum(log(k / (k_min - 1/2)))``, and the
    ``k_min`` kept is the one whose fitted tail is closest to the data in
    Kolmogorov-Smirnov distance (Clauset, Shalizi & Newman 2009, eq. 3.7 and sec. 3.3).

    Returns
    -------
    (alpha, k_min, n_tail)
        ``alpha`` is ``nan`` when fewer than ``min_tail`` nodes have degree >= 1 or the
        degrees take fewer than three values.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> k = np.floor((1 - rng.random(200_000)) ** (-1 / 1.5) * 5.5 + 0.5).astype(int)
    >>> alpha, kmin, _ = power_law_fit(k)
    >>> bool(abs(alpha - 2.5) < 0.1)
    True
    """
    k = np.asarray(degrees)
    if k.dtype.kind in "iu" and k.size and k.min() >= 0 and k.max() <= 4 * k.size + 1024:
        full = np.bincount(k)  # degrees: O(largest degree), no copy of the n values
        full[0] = 0
        values = np.flatnonzero(full)
        counts = full[values]
        size = int(counts.sum())
    else:
        k = k[k >= 1]
        values, counts = np.unique(k, return_counts=True)
        size = k.size
    if size < min_tail or values.size < 3:
        return float("nan"), 0, 0
    tail_n = np.cumsum(counts[::-1])[::-1]  # nodes with degree >= values[i]
    logk = np.log(values)
    best = (np.inf, float("nan"), 0, 0)
    for i in range(values.size - 2):
        if tail_n[i] < min_tail:
            break
        kmin = values[i]
        c = counts[i:]
        ntail = tail_n[i]
        s = float(np.sum(c * (logk[i:] - math.log(kmin - 0.5))))
        if s <= 0:
            continue
        alpha = 1.0 + ntail / s
        # empirical and fitted P(K >= k) on the tail's distinct values
        emp = tail_n[i:] / ntail
        fit = ((values[i:] - 0.5) / (kmin - 0.5)) ** (1.0 - alpha)
        ks = float(np.max(np.abs(emp - fit)))
        if ks < best[0]:
            best = (ks, alpha, int(kmin), int(ntail))
    return best[1], best[2], best[3]


def describe(graph: Graph, *, rng: RngLike = 0, clustering_sample: int = 2000,
             detect_sweeps: int = 10) -> GraphProfile:
    """Return a :class:`GraphProfile`: size, degrees, tail, clustering, communities, p_c.

    Parameters
    ----------
    graph : Graph
    rng : int, SeedSequence or Generator, default 0
        Randomness for the clustering sample and community detection.
    clustering_sample : int, default 2000
        Mean local clustering is exact when ``n`` is at most this, otherwise estimated on
        this many random nodes (with its standard error).
    detect_sweeps : int, default 10
        Most label-propagation sweeps when the graph carries no ``communities``; it also
        stops once a sweep changes fewer than 0.1% of the labels.

    Notes
    -----
    Directed graphs are profiled as undirected (each arc a link). Degrees are out-degrees
    of that undirected view. ``epidemic_threshold`` is the IC percolation threshold of an
    uncorrelated network with these degrees, ``<k> / (<k^2> - <k>)`` (Cohen et al. 2000;
    Newman 2002): below it a single seed's cascade stays small. Cost: O(m) for components
    and each label-propagation sweep, plus the clustering sample.

    Examples
    --------
    >>> from refsim import datasets
    >>> p = describe(datasets.load("karate_club"))
    >>> p.nodes, p.communities, round(p.clustering, 3)
    (34, 2, 0.571)
    """
    if not isinstance(graph, Graph):
        raise InvalidType(f"graph must be a refsim.Graph; got {type(graph).__name__}")
    if graph.n == 0:
        raise InvalidValue("graph is empty (0 nodes); nothing to describe")
    clustering_sample = check_int("clustering_sample", clustering_sample, minimum=1)
    detect_sweeps = check_int("detect_sweeps", detect_sweeps, minimum=1)
    from ._kernels import structure

    g = undirected(graph)
    n = g.n
    # Peak memory: a few per-node arrays at a time (each freed once used), nothing per arc
    deg = g.out_degree
    kf = deg.astype(np.float64)
    mean_k = float(kf.mean())
    mean_k2 = float((kf**2).mean())
    degree_std = float(kf.std())
    del kf
    alpha, kmin, ntail = power_law_fit(deg)
    state = run_states(as_seed_sequence(rng), 2)
    if n <= clustering_sample:
        nodes = np.arange(n)
    else:
        r = np.random.default_rng(np.random.SeedSequence(state[0].tolist()))
        nodes = r.choice(n, clustering_sample, replace=False)
    cc = structure.local_clustering(g.indptr, g.indices, nodes)
    c_se = 0.0
    if nodes.size < n:
        c_se = float(cc.std(ddof=1) / math.sqrt(nodes.size) * math.sqrt(1 - nodes.size / n))
    comp_sizes = np.bincount(structure.components(g.indptr, g.indices), minlength=n)
    comp_sizes = comp_sizes[comp_sizes > 0]
    if graph.communities is not None:
        labels, source = graph.communities, "given"
    else:
        labels, sweeps = structure.label_propagation(state[1].copy(), g.indptr, g.indices,
                                                     detect_sweeps, n // 1000, 16)
        source = f"label propagation, {sweeps} sweeps"
    if labels.max() >= n:  # given labels beyond 0..n-1: number them densely first
        _, labels = np.unique(labels, return_inverse=True)
    sizes = np.bincount(labels)
    vol = np.bincount(labels, weights=deg)  # a community's degree sum
    sizes = sizes[sizes > 0]
    arcs = g.num_arcs
    # per-node and per-community arrays only: nothing the size of the arcs
    inside = structure.inside_arcs(g.indptr, g.indices, labels) / arcs if arcs else 1.0
    mixing = float(1.0 - inside) if arcs else 0.0
    modularity = float(inside - np.sum((vol / arcs) ** 2)) if arcs else 0.0
    return GraphProfile(
        nodes=n, arcs=graph.num_arcs, directed=graph.directed,
        mean_degree=mean_k, degree_std=degree_std, min_degree=int(deg.min()),
        median_degree=float(np.median(deg)), max_degree=int(deg.max()),
        tail_exponent=float(alpha), tail_from_degree=kmin, tail_nodes=ntail,
        clustering=float(cc.mean()), clustering_se=c_se, clustering_sampled=int(nodes.size),
        giant_component=float(comp_sizes.max() / n), components=int(comp_sizes.size),
        communities=int(sizes.size), communities_source=source,
        largest_community=int(sizes.max()), median_community=float(np.median(sizes)),
        mixing=mixing, modularity=modularity,
        epidemic_threshold=_threshold(mean_k, mean_k2),
    )


def _threshold(mean_k: float, mean_k2: float) -> float:
    denom = mean_k2 - mean_k
    return float(mean_k / denom) if denom > 0 else float("inf")


def epidemic_threshold(graph: Graph) -> float:
    """Return the IC percolation threshold ``p_c = <k> / (<k^2> - <k>)`` of the graph's
    undirected view (``inf`` when no cascade can grow, e.g. a matching), as in
    :func:`describe`, without the rest of the profile. O(n + m).

    Examples
    --------
    >>> from refsim import generators
    >>> round(epidemic_threshold(generators.random_regular(1000, 4, rng=1)), 4)
    0.3333
    """
    k = undirected(graph).out_degree.astype(np.float64)
    return _threshold(float(k.mean()), float((k * k).mean()))


def undirected(graph: Graph) -> Graph:
    """The graph itself if undirected, else its undirected view: each arc a link,
    repeats merged, self-loops dropped (built from the CSR, no per-arc int64 copies)."""
    if not graph.directed:
        return graph
    from ._kernels.build import symmetric_csr

    indptr, indices = symmetric_csr(graph.indptr, graph.indices)
    return Graph._trusted(indptr, indices, directed=False)
