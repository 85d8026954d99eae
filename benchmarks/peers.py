"""Independent Cascade in peer libraries, run the way their documentation intends.

Each function takes a networkx graph, one probability ``p`` for every arc, seed nodes
(networkx labels), a number of runs and an int seed, and returns the final number of
active nodes per run (seeds included) and the seconds spent running (model construction
excluded). An undirected edge is two arcs with independent coins in every library here.
"""

import time

import numpy as np


def cynetdiff_ic(G, p, seeds, runs, seed):
    """CyNetDiff: Cython IC, one thread, one uniform draw per out-arc of each new node."""
    from cynetdiff.utils import networkx_to_ic_model

    model, mapping = networkx_to_ic_model(G, activation_prob=float(p), rng=seed)
    model.set_seeds([int(mapping[s]) for s in seeds])  # wants Python ints
    sizes = np.empty(runs, dtype=np.int64)
    start = time.perf_counter()
    for i in range(runs):
        model.reset_model()  # back to the seeds; the model's generator runs on
        model.advance_until_completion()
        sizes[i] = model.get_num_activated_nodes()
    return sizes, time.perf_counter() - start


def ndlib_ic(G, p, seeds, runs, seed):
    """NDlib: pure-Python IC, iterated until no node is infected."""
    import ndlib.models.ModelConfig as mc
    import ndlib.models.epidemics as ep

    saved = np.random.get_state()  # NDlib seeds numpy's global generator
    try:
        model = ep.IndependentCascadesModel(G, seed=seed)
        cfg = mc.Configuration()
        cfg.add_model_initial_configuration("Infected", list(seeds))
        # NDlib drops a threshold table that misses any edge, so give every edge one
        cfg.config["edges"]["threshold"] = dict.fromkeys(G.edges(), float(p))
        model.set_initial_status(cfg)
        n = G.number_of_nodes()
        sizes = np.empty(runs, dtype=np.int64)
        start = time.perf_counter()
        for i in range(runs):
            model.reset()
            while True:
                it = model.iteration(node_status=False)
                if it["node_count"][1] == 0:
                    break
            sizes[i] = n - it["node_count"][0]  # infected + removed
        return sizes, time.perf_counter() - start
    finally:
        np.random.set_state(saved)
