"""A broadcast process (outside influence only) run the way a model kind's ``run`` is
called, shared by the plug-in kinds of the model-protocol tests (importing it registers
nothing)."""

import numpy as np

import refsim


def run_broadcast(graph, model, seed_sets, seq, *, runs, first_run, steps, workers, record):
    nodes, lo, hi = seed_sets
    curves = np.empty((runs, steps + 1), np.int64)
    for i in range(runs):
        rng = np.random.default_rng(np.random.SeedSequence(
            seq.entropy, spawn_key=(*seq.spawn_key, first_run + i)))
        have = int(hi[i] - lo[i])
        curves[i, 0] = have
        for t in range(1, steps + 1):
            have += int(rng.binomial(graph.n - have, model.rate))
            curves[i, t] = have
    return refsim.SimResult(final_sizes=curves[:, -1].copy(), curves=curves, n=graph.n,
                            model=repr(model), seed=record)
