"""The speed work changed no number: outputs pinned from the code before it.

Each digest below was computed with refsim at commit 2c02f11 (before the cascade, RR-set,
generator and profile kernels were restructured for speed) from exactly the calls in
:func:`digests`: generated graphs, IC and LT runs (scalar, per-arc and weighted-cascade
probabilities, drawn and fixed thresholds, 1 and 2 threads, a step limit with a later
first run, per-run seed sets), IMM's seeds and a profile. Same seeds, same bytes.
"""

import hashlib
import json
from dataclasses import asdict

import numpy as np

import refsim

PINNED = {
    "holme_kim": "7829750bb016b37d",
    "watts_strogatz": "a8319fd7c5786c7a",
    "barabasi_albert": "3558e1b42bca5e1d",
    "ic_scalar_w1": "e11c0260958a42f9",
    "ic_scalar_w2": "e11c0260958a42f9",
    "ic_scalar_steps": "214ae490a4628a90",
    "ic_arrays_w1": "34ce15ac863a1e64",
    "ic_arrays_w2": "34ce15ac863a1e64",
    "ic_arrays_steps": "303fae92c8f43185",
    "ic_wc_w1": "f4b45ebd7c665960",
    "ic_wc_w2": "f4b45ebd7c665960",
    "ic_wc_steps": "edf1e45687b3488a",
    "lt_w1": "4e4eab10aa84c8a7",
    "lt_w2": "4e4eab10aa84c8a7",
    "lt_steps": "e81a250eec4266a5",
    "lt_fixed_w1": "17139b9fe5ba6c95",
    "lt_fixed_w2": "17139b9fe5ba6c95",
    "lt_fixed_steps": "680a53511ae036e0",
    "ic_per_run_sets": "e0fe6f5c0ab322f1",
    "imm_ic_scalar": "8c743756a4f8e567",
    "imm_lt": "cd706b2b5d6db96b",
    "describe": "1b2d1024a8168bca",
    "describe_digraph": "c70d364852fddc51",
}


def _h(*arrays):
    d = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        d.update(str(a.dtype).encode())
        d.update(str(a.shape).encode())
        d.update(a.tobytes())
    return d.hexdigest()[:16]


def _profile(graph):
    # floats to 9 digits: a sum's last bit may differ between CPUs' vector units
    fields = {k: float(f"{v:.9g}") if isinstance(v, float) else v
              for k, v in asdict(refsim.describe(graph, rng=1)).items()}
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()[:16]


def digests():
    out = {}
    g = refsim.generators.holme_kim(3000, 4, 0.5, rng=11)
    out["holme_kim"] = _h(g.indptr, g.indices)
    ws = refsim.generators.watts_strogatz(2000, 6, 0.2, rng=3)
    out["watts_strogatz"] = _h(ws.indptr, ws.indices)
    ba = refsim.generators.barabasi_albert(2000, 3, rng=4)
    out["barabasi_albert"] = _h(ba.indptr, ba.indices)
    seeds = [0, 5, 17]
    cases = {
        "ic_scalar": refsim.IndependentCascade(0.12),
        "ic_arrays": refsim.IndependentCascade(
            np.random.default_rng(2).random(g.num_arcs) * 0.3),
        "ic_wc": refsim.IndependentCascade("weighted_cascade"),
        "lt": refsim.LinearThreshold(),
        "lt_fixed": refsim.LinearThreshold(thresholds=0.3),
    }
    for name, m in cases.items():
        for w in (1, 2):
            r = refsim.simulate(g, m, seeds, runs=300, rng=7, workers=w)
            out[f"{name}_w{w}"] = _h(r.final_sizes, r.curves)
        r = refsim.simulate(g, m, seeds, runs=40, rng=[3, 4], steps=6, first_run=100)
        out[f"{name}_steps"] = _h(r.final_sizes, r.curves)
    per_run = refsim.simulate(g, cases["ic_scalar"], [[0], [1, 2], []] * 10, runs=30, rng=9)
    out["ic_per_run_sets"] = _h(per_run.final_sizes, per_run.curves)
    for name in ("ic_scalar", "lt"):
        s = refsim.select_seeds(g, "imm", k=8, model=cases[name], rng=5, epsilon=0.3)
        out[f"imm_{name}"] = _h(np.asarray(s))
    d = refsim.generators.holme_kim(800, 3, 0.5, rng=2)
    out["describe"] = _profile(g)
    out["describe_digraph"] = _profile(refsim.Graph(d.indptr, d.indices, directed=True))
    return out


def test_outputs_equal_those_of_the_code_before_the_speed_work():
    got = digests()
    assert {k: v for k, v in got.items() if v != PINNED[k]} == {}
