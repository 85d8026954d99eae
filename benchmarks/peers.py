"""Independent Cascade in peer libraries, run the way their documentation intends.

Each function takes a networkx graph, one probability ``p`` for every arc, seed nodes
(networkx labels), a number of runs and an int seed, and returns the final number of
active nodes per run (seeds included) and the seconds spent running (model construction
excluded). An undirected edge is two arcs with independent coins in every library here.
"""

import time

import numpy as np


def _cynetdiff_runs(model):
    """``run(runs) -> (sizes, seconds)`` of a CyNetDiff model with its seeds set."""
    def run(runs):
        sizes = np.empty(runs, dtype=np.int64)
        start = time.perf_counter()
        for i in range(runs):
            model.reset_model()  # back to the seeds; the model's generator runs on
            model.advance_until_completion()
            sizes[i] = model.get_num_activated_nodes()
        return sizes, time.perf_counter() - start

    return run


def _pynetim_batch(model):
    """``run(runs, seed) -> (mean size, seconds)``: PyNetIM's own one-thread C++ loop."""
    def run(runs, seed):
        start = time.perf_counter()
        mean = model.run_monte_carlo_diffusion(runs, random_seed=seed, use_multithread=False)
        return mean, time.perf_counter() - start

    return run


def cynetdiff_ic_prepared(G, p, seeds, seed):
    """CyNetDiff's IC model built once; returns ``run(runs) -> (sizes, seconds)``."""
    from cynetdiff.utils import networkx_to_ic_model

    model, mapping = networkx_to_ic_model(G, activation_prob=float(p), rng=seed)
    model.set_seeds([int(mapping[s]) for s in seeds])  # wants Python ints

    return _cynetdiff_runs(model)


def cynetdiff_ic(G, p, seeds, runs, seed):
    """CyNetDiff: Cython IC, one thread, one uniform draw per out-arc of each new node."""
    return cynetdiff_ic_prepared(G, p, seeds, seed)(runs)


def ndlib_ic(G, p, seeds, runs, seed):
    """NDlib: pure-Python IC, iterated until no node is infected."""
    import ndlib.models.epidemics as ep
    import ndlib.models.ModelConfig as mc

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


def _pynetim_graph(G, weight):
    """Directed IMGraph holding both arcs of every edge, plus networkx label -> id.

    A directed copy is needed: pynetim's undirected IMGraph reinterprets its weighted
    adjacency as plain ints in ``in_neighbors``, so RR sampling (IMM) reads garbage.
    """
    from pynetim import from_networkx

    # every arc gets ``weight`` (from_networkx would prefer a "weight" edge attribute)
    graph = from_networkx(G.to_directed(), default_weight=float(weight))
    return graph, {v: i for i, v in enumerate(G)}  # from_networkx numbers nodes in G's order


def _pynetim_run(model, runs, seed):
    """One C++ call per run, seeded exactly as ``run_monte_carlo_diffusion(runs, seed)``."""
    # numpy's legacy MT19937 seeding equals std::mt19937(seed), so these are the C++ trial seeds
    trial_seeds = np.random.RandomState(seed).randint(2**32, size=runs, dtype=np.uint32).tolist()
    sizes = np.empty(runs, dtype=np.int64)
    start = time.perf_counter()
    for i, s in enumerate(trial_seeds):
        sizes[i] = model.run_single_simulation(s)  # seeds included in the count
    return sizes, time.perf_counter() - start


def pynetim_ic(G, p, seeds, runs, seed):
    """PyNetIM: C++ (pybind11) IC, one thread, one draw per out-arc to a still-inactive node.

    ``run_single_simulation`` per run (a fresh std::mt19937 and O(n) buffers per call); the
    sizes are the ones its batched ``run_monte_carlo_diffusion`` would average.
    """
    from pynetim import IndependentCascadeModel

    graph, mapping = _pynetim_graph(G, p)
    model = IndependentCascadeModel(graph, {mapping[s] for s in seeds})
    return _pynetim_run(model, runs, seed)


def pynetim_ic_prepared(G, p, seeds):
    """PyNetIM's IC model built once; returns ``run(runs, seed) -> (mean size, seconds)``,
    its own single-threaded C++ Monte Carlo loop (which returns only the mean)."""
    from pynetim import IndependentCascadeModel

    graph, mapping = _pynetim_graph(G, p)
    model = IndependentCascadeModel(graph, {mapping[s] for s in seeds})

    return _pynetim_batch(model)


def pynetim_ic_batch(G, p, seeds, runs, seed):
    """PyNetIM: its own single-threaded C++ Monte Carlo loop; returns (mean size, seconds)."""
    return pynetim_ic_prepared(G, p, seeds)(runs, seed)


def pynetim_lt(G, seeds, runs, seed):
    """PyNetIM: C++ LT, one thread, w(u->v) = 1/in-degree(v) via ``set_wc_weights``.

    Thresholds are drawn uniform on [0, 1) for all n nodes at the start of every run.
    """
    from pynetim import LinearThresholdModel
    from pynetim.graph import set_wc_weights

    graph, mapping = _pynetim_graph(G, 1.0)
    set_wc_weights(graph)
    model = LinearThresholdModel(graph, {mapping[s] for s in seeds})
    return _pynetim_run(model, runs, seed)


def pynetim_imm(G, p, k, epsilon, seed):
    """PyNetIM: C++ IMM under IC; returns (k seed labels, seconds for ``run``).

    Single-threaded (no threads or OpenMP in its RIS code); ``random_seed`` seeds the one
    std::mt19937 used for all RR sets, so a fixed seed gives a fixed answer.
    """
    from pynetim import IMMAlgorithm

    graph, _ = _pynetim_graph(G, p)
    algo = IMMAlgorithm(graph, "IC", epsilon=float(epsilon), random_seed=seed)
    labels = list(G)
    start = time.perf_counter()
    chosen = algo.run(k)
    return [labels[i] for i in sorted(chosen)], time.perf_counter() - start  # a set: no order


def eon_ic(G, p, seeds, runs, seed):
    """EoN: pure-Python discrete-time SIR (``basic_discrete_SIR``), one step of infection.

    Each newly infected node tries each susceptible neighbour once with probability p, which is
    IC. One ``rng.random()`` call per coin on the numpy Generator passed in (no global state).
    """
    import EoN

    rng = np.random.default_rng(seed)
    seeds = list(seeds)
    sizes = np.empty(runs, dtype=np.int64)
    start = time.perf_counter()
    for i in range(runs):
        R = EoN.basic_discrete_SIR(G, float(p), initial_infecteds=seeds, rng=rng)[3]
        sizes[i] = R[-1]  # recovered at the end, seeds included
    return sizes, time.perf_counter() - start


def pynetim_graph_weighted_cascade(G):
    """A PyNetIM graph of ``G`` (nodes 0..n-1 in order) with w(u->v) = 1 / in-degree(v),
    PyNetIM's ``set_wc_weights``: IC with weighted-cascade probabilities."""
    from pynetim.graph import set_wc_weights

    assert list(G) == list(range(G.number_of_nodes())), "nodes must be 0..n-1 in order"
    graph, _ = _pynetim_graph(G, 1.0)
    set_wc_weights(graph)
    return graph


def cynetdiff_lt_prepared(G, seeds, seed):
    """CyNetDiff's LT model (each undirected edge two arcs, weights 1 / in-degree, its
    default) built once; returns ``run(runs) -> (sizes, seconds)``."""
    from cynetdiff.utils import networkx_to_lt_model

    model, mapping = networkx_to_lt_model(G.to_directed(), rng=seed)
    model.set_seeds([int(mapping[s]) for s in seeds])

    return _cynetdiff_runs(model)


def pynetim_lt_prepared(G, seeds):
    """PyNetIM's LT model (weights 1 / in-degree) built once; returns ``run(runs, seed)
    -> (mean size, seconds)`` from its own single-threaded C++ Monte Carlo loop."""
    from pynetim import LinearThresholdModel
    from pynetim.graph import set_wc_weights

    graph, mapping = _pynetim_graph(G, 1.0)
    set_wc_weights(graph)
    model = LinearThresholdModel(graph, {mapping[s] for s in seeds})

    return _pynetim_batch(model)
