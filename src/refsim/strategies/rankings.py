"""Seed rankings: centralities, the friendship paradox, communities and segments."""

from __future__ import annotations

import numpy as np

from .._kernels import centrality
from .._rng import as_seed_sequence
from .._validation import check_int, check_nonnegative, check_probability
from ..errors import InvalidValue
from ..profile import undirected
from .registry import register_strategy


def _generator(rng):
    return np.random.default_rng(as_seed_sequence(rng))


@register_strategy("random", random=True)
def random_seeds(graph, *, rng=None, **_):
    """Uniformly random nodes: the baseline every strategy must beat."""
    return _generator(rng).permutation(graph.n)


@register_strategy("degree")
def degree(graph, **_):
    """The largest audiences first (out-degree; hubs)."""
    return graph.out_degree.astype(np.float64)


def _pagerank_params(damping=0.85, tol=1e-10, max_iter=200):
    tol = check_nonnegative("tol", tol)
    if tol <= 0:
        raise InvalidValue(f"tol must be > 0; got {tol!r}")
    return {"damping": check_probability("damping", damping), "tol": tol,
            "max_iter": check_int("max_iter", max_iter, minimum=1, maximum=10**6)}


@register_strategy("pagerank", check=_pagerank_params)
def pagerank(graph, *, damping=0.85, tol=1e-10, max_iter=200, **_):
    """PageRank (Brin & Page 1998): audience weighted by the audience's own standing."""
    p = _pagerank_params(damping, tol, max_iter)
    scores, _ = centrality.pagerank(graph.indptr, graph.indices, p["damping"], p["tol"],
                                    p["max_iter"])
    return scores


@register_strategy("kcore")
def kcore(graph, **_):
    """Coreness (Kitsak et al. 2010): well-embedded nodes first, degree breaking ties."""
    g = undirected(graph)
    core = centrality.core_numbers(g.indptr, g.indices).astype(np.float64)
    deg = g.out_degree
    return core + deg / (deg.max() + 1.0)  # lexicographic: core, then degree


def _betweenness_params(samples=100):
    return {"samples": check_int("samples", samples, minimum=1)}


@register_strategy("betweenness", check=_betweenness_params,
                   random=lambda graph, samples=100: graph.n > samples)
def betweenness(graph, *, samples=100, rng=None, **_):
    """Bridges first: betweenness centrality (Brandes 2001), exact up to ``samples``
    nodes and estimated from ``samples`` random BFS sources above."""
    samples = _betweenness_params(samples)["samples"]
    if graph.n <= samples:
        sources = np.arange(graph.n)
    else:
        sources = np.sort(_generator(rng).choice(graph.n, samples, replace=False))
    return centrality.betweenness_from(graph.indptr, graph.indices, sources.astype(np.int64))


@register_strategy("community", random=lambda graph: graph.communities is None)
def community(graph, *, k, rng=None, **_):
    """Seeds spread over communities in proportion to their size (largest remainders),
    the best-connected first within each; communities from the graph or detected."""
    labels = graph.communities
    if labels is None:
        from .._kernels import structure
        from .._rng import run_states

        g = undirected(graph)
        state = run_states(as_seed_sequence(rng), 1)[0].copy()
        labels, _ = structure.label_propagation(state, g.indptr, g.indices, 10,
                                                graph.n // 1000, 16)
    _, labels = np.unique(labels, return_inverse=True)
    sizes = np.bincount(labels)
    quota = sizes * min(k, graph.n) / graph.n
    take = np.floor(quota).astype(np.int64)
    rest = min(k, graph.n) - take.sum()
    take[np.lexsort((np.arange(sizes.size), -(quota - take)))[:rest]] += 1
    deg = graph.out_degree
    by_rank = np.lexsort((np.arange(graph.n), -deg))  # best-connected first
    rank_in = np.empty(graph.n, np.int64)
    seen = np.zeros(sizes.size, np.int64)
    for u in by_rank.tolist():
        rank_in[u] = seen[labels[u]]
        seen[labels[u]] += 1
    # quota seats first (by degree), then everyone else by degree, for budget filling
    seated = rank_in < take[labels]
    return np.concatenate([by_rank[seated[by_rank]], by_rank[~seated[by_rank]]])


@register_strategy("nominated_friend", random=True)
def nominated_friend(graph, *, rng=None, **_):
    """A random friend of a random person (Kim et al. 2015, Lancet): the friendship
    paradox finds better-connected people without knowing the network."""
    r = _generator(rng)
    deg = graph.out_degree
    order, seen = [], np.zeros(graph.n, bool)
    candidates = np.flatnonzero(deg > 0)
    if candidates.size == 0:
        return r.permutation(graph.n)
    for _ in range(8):  # rounds of nominations until enough distinct nominees
        people = r.choice(candidates, graph.n)
        pick = graph.indptr[people] + (r.random(graph.n) * deg[people]).astype(np.int64)
        for v in graph.indices[pick].tolist():
            if not seen[v]:
                seen[v] = True
                order.append(v)
        if len(order) >= graph.n // 2:
            break
    rest = r.permutation(np.flatnonzero(~seen))
    return np.concatenate([np.array(order, dtype=np.int64), rest])


def _degree_discount_params(p=None):
    return {"p": None if p is None else check_probability("p", p)}


@register_strategy("degree_discount", check=_degree_discount_params)
def degree_discount(graph, *, k, model=None, p=None, **_):
    """DegreeDiscountIC (Chen, Wang & Yang 2009): degree, discounted for neighbours
    already seeded; ``p`` from a uniform IC model, else given (default 0.01)."""
    if p is None:  # the p of an IC model with one p for every arc, else 0.01
        from ..model_registry import model_kinds

        ic = model_kinds().get("ic")
        p = model.p if ic is not None and isinstance(model, ic.cls) and isinstance(
            model.p, float) else 0.01
    p = check_probability("p", p)
    first = centrality.degree_discount(graph.indptr, graph.indices, min(k, graph.n), p)
    rest = np.setdiff1d(np.lexsort((np.arange(graph.n), -graph.out_degree)), first,
                        assume_unique=True)
    return np.concatenate([first, rest[np.argsort(-graph.out_degree[rest], kind="stable")]])


def _segment_codes(model, name):
    if getattr(model, "population", None) is None:
        raise InvalidValue(f"strategy {name!r} needs a ReferralModel with a population "
                         f"(see Population.by_audience)")
    pop = model.population
    if name not in pop.names:
        raise InvalidValue(f"the population has no segment {name!r}; it has "
                         f"{', '.join(pop.names)}")
    return pop.codes == pop.names.index(name)


@register_strategy("influencers")
def influencers(graph, *, model=None, **_):
    """The influencer segment, largest audiences first (at influencer prices)."""
    members = _segment_codes(model, "influencer")
    idx = np.flatnonzero(members)
    return idx[np.lexsort((idx, -graph.out_degree[idx]))]


@register_strategy("micro_advocates")
def micro_advocates(graph, *, model=None, **_):
    """The micro-advocate segment, most embedded first (most triangles around them):
    many small, trusted voices."""
    members = _segment_codes(model, "micro_advocate")
    idx = np.flatnonzero(members)
    from .._kernels.structure import local_clustering

    g = undirected(graph)
    cc = local_clustering(g.indptr, g.indices, idx)
    d = g.out_degree[idx].astype(float)
    embedded = cc * d * (d - 1) / 2  # triangles
    return idx[np.lexsort((idx, -embedded))]


def _listed_params(ids=(), graph=None):
    if isinstance(ids, (str, bytes)) or not isinstance(ids, (list, tuple)) or not ids:
        raise InvalidValue(f"ids must be a non-empty list of customer ids; got {ids!r}")
    seen = set()
    for x in ids:
        if isinstance(x, bool) or not isinstance(x, (str, int)):
            raise InvalidValue(f"ids must be customer ids (text or integers); got {x!r}")
        if x in seen:
            raise InvalidValue(f"customer {x!r} is listed twice")
        seen.add(x)
    if graph is not None:
        ids = _as_labels(graph, ids)
        missing = [x for x in ids if not _has_node(graph, x)]
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise InvalidValue(f"seeds: customer {missing[0]!r}{more} is not in the graph")
    return {"ids": tuple(ids)}


@register_strategy("listed", check=_listed_params)
def listed(graph, *, k, budget=None, ids=(), **_):
    """The customers you list, in your order, by their own ids (campaign key ``seeds``:
    a list or a CSV file)."""
    if budget is None and k > len(ids):
        raise InvalidValue(f"k = {k} seeds asked of a list of {len(ids)} customers")
    return graph.node_ids(list(_listed_params(ids, graph)["ids"]))


def _as_labels(graph, ids) -> list:
    """``ids`` as the graph names its nodes: ids read from a CSV are text, the graph's
    own may be integers (an edge list of numbers, or a generated graph)."""
    labels = graph.labels
    if labels is None or (labels and isinstance(labels[0], int)):
        return [int(x) if isinstance(x, str) and x.strip().lstrip("+-").isdigit() else x
                for x in ids]
    return list(ids)


def _has_node(graph, x) -> bool:
    try:
        graph.node_ids([x])
    except (ValueError, TypeError):
        return False
    return True
