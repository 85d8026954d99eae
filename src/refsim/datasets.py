"""Small public social networks for examples and tests, shipped by networkx (no download).

======================  =====  =====  =========================================================
name                    nodes  edges  what it is
======================  =====  =====  =========================================================
karate_club             34     78     Zachary's karate club; communities = the two clubs after
                                      the split (Zachary 1977)
les_miserables          77     254    co-appearance of characters in Les Miserables, weighted
                                      by scenes shared (Knuth 1993)
florentine_families     15     20     marriages between Renaissance Florentine families
                                      (Padgett & Ansell 1993)
davis_southern_women    32     89     18 women and the 14 social events they attended;
                                      communities = women (0) and events (1) (Davis et al. 1941)
======================  =====  =====  =========================================================
"""

from __future__ import annotations

import numpy as np

from .errors import InvalidValue
from .graph import Graph

__all__ = ["load", "names"]


def _karate():
    import networkx as nx

    G = nx.karate_club_graph()
    clubs = np.array([0 if G.nodes[v]["club"] == "Mr. Hi" else 1 for v in G])
    g = Graph.from_networkx(G)
    return Graph._trusted(g.indptr, g.indices, labels=g.labels, directed=False,
                          communities=clubs)


def _les_miserables():
    import networkx as nx

    return Graph.from_networkx(nx.les_miserables_graph(), weight="weight")


def _florentine():
    import networkx as nx

    return Graph.from_networkx(nx.florentine_families_graph())


def _davis():
    import networkx as nx

    G = nx.davis_southern_women_graph()
    sides = np.array([G.nodes[v]["bipartite"] for v in G], dtype=np.int64)
    g = Graph.from_networkx(G)
    return Graph._trusted(g.indptr, g.indices, labels=g.labels, directed=False,
                          communities=sides)


_LOADERS = {
    "karate_club": _karate,
    "les_miserables": _les_miserables,
    "florentine_families": _florentine,
    "davis_southern_women": _davis,
}


def names() -> list[str]:
    """Return the names :func:`load` accepts.

    Examples
    --------
    >>> names()
    ['davis_southern_women', 'florentine_families', 'karate_club', 'les_miserables']
    """
    return sorted(_LOADERS)


def load(name: str) -> Graph:
    """Return the named network as a :class:`refsim.Graph` (labels kept).

    Examples
    --------
    >>> g = load("karate_club")
    >>> g.n, g.num_arcs // 2, np.bincount(g.communities).tolist()
    (34, 78, [17, 17])
    """
    try:
        loader = _LOADERS[name]
    except (KeyError, TypeError):
        raise InvalidValue(f"unknown dataset {name!r}; known: {', '.join(names())}") from None
    return loader()
