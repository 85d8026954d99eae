import os

import numpy as np
import pytest

import refsim

#: Multiplies the Monte Carlo size of tests marked ``statistical``. CI runs the bounded
#: default (1); ``REFSIM_STAT_SCALE=10`` gives the long form with tighter errors.
STAT_SCALE = float(os.environ.get("REFSIM_STAT_SCALE", "1"))


@pytest.fixture
def stat_scale():
    return STAT_SCALE


def small_graphs():
    """Small graphs whose live-arc subsets can be enumerated (<= 20 arcs)."""
    diamond = refsim.Graph.from_edges([0, 0, 1, 2, 3, 1], [1, 2, 3, 3, 4, 2], directed=True)
    cycle_chord = refsim.Graph.from_edges([0, 1, 2, 3, 0], [1, 2, 3, 0, 2])  # 10 arcs
    star_tail = refsim.Graph.from_edges([0, 0, 0, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 2],
                                        directed=True)
    return {"diamond": diamond, "cycle_chord": cycle_chord, "star_tail": star_tail}


def random_arc_values(graph, seed, low=0.05, high=0.95):
    return np.random.default_rng(seed).uniform(low, high, graph.num_arcs)


def gnm_graph(n, mean_degree, seed):
    """Undirected G(n, M) graph with M = n * mean_degree / 2, built from random pairs."""
    rng = np.random.default_rng(seed)
    m = int(n * mean_degree / 2)
    return refsim.Graph.from_edges(rng.integers(0, n, m), rng.integers(0, n, m), n)
