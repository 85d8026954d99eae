"""The IC and LT kernels on the edges of their comparisons.

Each random draw that decides a boundary is placed exactly on it: naive.xoshiro_state_for
builds the xoshiro256** state whose next outputs are the wanted numbers, and the kernel
is run on that state directly. The expected outcomes follow from the rules the kernels
document, worked by hand in each test:

- IC, uniform p, at most ``_SCAN`` arcs left: the jump over failing arcs is
  ``#{k >= 1 : x <= q_pow[k]}`` (``q_pow[k] = (1 - p) ** k``, the kernel's table); a draw
  ``x <= q_pow[r]`` with ``r`` arcs left passes the end.
- IC, otherwise: the jump is ``floor(log x / log(1 - pmax))``; a jump of at least the arcs
  left passes the end; an arc below ``pmax`` is kept when ``u * pmax < p`` (``u`` uniform
  on [0, 1), so with probability ``p / pmax``).
- LT: a node joins once the weight from active in-neighbours reaches (``>=``) its
  threshold, drawn uniform on (0, 1].
"""

import math

import numba
import numpy as np
import pytest

import refsim
from refsim._kernels import cascade
from refsim.simulate import ic_kernel_args, kernel_scratch, lt_kernel_args
from naive import (output_for_double, output_for_open_closed, xoshiro_state_for)

ULP = 2.0**-53  # spacing of the draws (multiples of 2**-53)


def _one_run(kernel, args, graph, seeds, state):
    """Run ``kernel`` once from ``seeds`` on RNG ``state``, with a column for every
    possible step: (final size, active count after each step up to the depth)."""
    nodes = np.array(seeds, dtype=graph.indices.dtype)
    lo, hi = np.zeros(1, np.int64), np.array([len(seeds)], np.int64)
    lt = kernel is cascade.linear_threshold
    final, depth, curves = kernel(*args, nodes, lo, hi, state[None, :].copy(),
                                  np.zeros(1, np.int64), graph.n, graph.n, 1,
                                  *kernel_scratch(graph.n, 1, graph.indices.dtype, lt=lt))
    assert curves.shape == (1, depth[0] + 1)  # one column per step up to the depth
    curve = curves[0].tolist()
    assert curve[-1] == final[0]
    return int(final[0]), curve


def _ic(graph, p, seeds, outputs):
    kernel, args = ic_kernel_args(graph, refsim.IndependentCascade(p))
    return _one_run(kernel, args, graph, seeds, xoshiro_state_for(outputs))


def _lt(graph, model, seeds, outputs):
    kernel, args = lt_kernel_args(graph, model)
    return _one_run(kernel, args, graph, seeds, xoshiro_state_for(outputs))


def _star(leaves, extra=()):
    """Directed star 0 -> 1..leaves (CSR arc j goes to leaf j + 1), then ``extra`` arcs."""
    src = [0] * leaves + [u for u, _ in extra]
    dst = list(range(1, leaves + 1)) + [v for _, v in extra]
    return refsim.Graph.from_edges(src, dst, directed=True)


def _table(graph, p):
    return ic_kernel_args(graph, refsim.IndependentCascade(p))[1][6]


# ------------------------------------------------------------------ IC, uniform p
def test_a_draw_on_the_no_fire_level_of_the_arcs_left_fires_none():
    # 3 arcs left, x = q_pow[3] exactly: x <= (1-p)^3 means all three fail; a draw one
    # step above it jumps #{k : x <= q_pow[k]} = 2 arcs and fires the third (leaf 3);
    # the next draw, 0.5 <= q_pow[0] = 1 with no arc left, ends the node
    g = _star(3)
    q = _table(g, 0.1)
    assert _ic(g, 0.1, [0], [output_for_open_closed(q[3])]) == (1, [1])
    above = output_for_open_closed(q[3] + ULP)
    assert _ic(g, 0.1, [0], [above, output_for_open_closed(0.5)])[0] == 2


def test_a_draw_on_a_table_entry_jumps_over_that_many_arcs():
    # x = q_pow[1]: #{k >= 1 : x <= q_pow[k]} = 1, so arc 0 fails and arc 1 (leaf 2)
    # fires; one arc is left and x = q_pow[1] again passes it: 2 active in all. Reading
    # the table with < instead would fire arc 0 and then arc 1 as well.
    g = _star(3)
    q = _table(g, 0.1)
    x = output_for_open_closed(q[1])
    assert _ic(g, 0.1, [0], [x, x]) == (2, [1, 2])


@pytest.mark.parametrize("leaves", [cascade._SCAN, cascade._SCAN + 1])
def test_the_table_serves_up_to_scan_arcs_left_and_the_logarithm_beyond(leaves):
    # p = 0.001 and x = q_pow[2] exactly: the table counts k = 1, 2 (a jump of 2, arc 2
    # fires) while log(x) / log(1 - p) rounds to just under 2 (a jump of 1, arc 1 fires).
    # With _SCAN = 32 arcs left the table decides; with 33, the logarithm.
    p = 0.001
    g = _star(leaves)
    q = _table(g, p)
    x = float(q[2])
    lq = math.log1p(-p)
    assert np.log1p(-p) == lq and int(math.log(x) * (1.0 / lq)) == 1  # the premise
    jump = 2 if leaves <= cascade._SCAN else 1
    # after firing arc `jump`, leaves - jump - 1 arcs are left; a second draw on their
    # no-fire level ends the node
    left = leaves - jump - 1
    state = [output_for_open_closed(x), output_for_open_closed(q[left])]
    assert _ic(g, p, [0], state) == (2, [1, 2])


def test_one_node_graphs():
    g = refsim.Graph.from_edges([], [], 1)
    for model in (refsim.IndependentCascade(0.3), refsim.IndependentCascade(1.0),
                  refsim.LinearThreshold(), refsim.LinearThreshold(thresholds=0.5)):
        res = refsim.simulate(g, model, [0], runs=3, rng=1)
        assert res.final_sizes.tolist() == [1, 1, 1] and res.curves.tolist() == [[1]] * 3
        res = refsim.simulate(g, model, [], runs=2, rng=1, steps=2)
        assert res.curves.tolist() == [[0, 0, 0]] * 2


# -------------------------------------------------------------- IC, per-arc p
def _exact_gap_case(arcs):
    """(pmax, x): a largest probability and a draw x with log(x) * (1 / log(1 - pmax))
    equal to ``arcs`` exactly, in the kernel's arithmetic."""
    for pmax in np.linspace(0.01, 0.3, 59):
        lq = float(np.log1p(-pmax))
        centre = math.exp(arcs * lq)
        for i in range(-64, 65):
            x = centre + i * ULP
            if math.log(x) * (1.0 / lq) == arcs:
                return float(pmax), x
    raise AssertionError("no draw lands exactly on the jump")


def test_a_jump_of_exactly_the_arcs_left_passes_the_end():
    # node 0: three arcs at pmax / 2, pmax / 2, pmax; node 4 -> 5 at p = 1 follows in CSR
    # order. A draw whose jump is exactly 3 skips all three arcs: nothing fires. One
    # step above, the jump is 2: arc 2 (at pmax, so no thinning draw) fires leaf 3.
    pmax, x = _exact_gap_case(3)
    g = _star(3, extra=[(4, 5)])
    p = np.array([pmax / 2, pmax / 2, pmax, 1.0])
    assert _ic(g, p, [0], [output_for_open_closed(x)]) == (1, [1])
    assert _ic(g, p, [0], [output_for_open_closed(x + ULP), None]) == (2, [1, 2])


def test_a_thinned_arc_is_kept_below_p_over_pmax_only():
    # node 0: arcs at 0.25 and pmax = 0.5. x = 1 jumps 0 arcs: arc 0 is a candidate, kept
    # when u * 0.5 < 0.25. u = 0.5 drops it; the next draw, x = 0.25, jumps
    # log(0.25) / log(0.5) = 2 >= 1 arc left: nothing fires. u just under 0.5 keeps it.
    g = _star(2)
    p = np.array([0.25, 0.5])
    end = output_for_open_closed(0.25)
    assert math.log(0.25) * (1.0 / math.log1p(-0.5)) >= 1
    assert _ic(g, p, [0], [output_for_open_closed(1.0), output_for_double(0.5), end]) \
        == (1, [1])
    assert _ic(g, p, [0], [output_for_open_closed(1.0), output_for_double(0.5 - ULP),
                           end]) == (2, [1, 2])


def test_a_node_with_an_arc_at_p_one_draws_no_jump():
    # node 0: arcs at 0.5 and 1, so pmax = 1: every arc is a candidate without a jump
    # draw, and the first output is the thinning draw of arc 0. u = 0.25 keeps it (both
    # leaves join); u = 0.75 drops it (leaf 2 alone), whatever comes next.
    g = _star(2)
    p = np.array([0.5, 1.0])
    for u, final in ((0.25, 3), (0.75, 2)):
        for then in (0.25, 0.75):
            outputs = [output_for_double(u), output_for_double(then)]
            assert _ic(g, p, [0], outputs) == (final, [1, final])


def test_a_node_whose_arcs_cannot_fire_is_passed_over():
    # per-arc p with node 0's arcs all 0 (and a subnormal one, rounded to 0 by simulate):
    # node 0 has log(1 - pmax) = 0 and reaches nobody, whatever the draws; node 3's arc
    # at 1 always fires
    g = refsim.Graph.from_edges([0, 0, 3], [1, 2, 4], directed=True)
    for p in ([0.0, 0.0, 1.0], [0.0, 1e-310, 1.0]):
        ic = refsim.IndependentCascade(p)
        assert refsim.simulate(g, ic, [0], runs=50, rng=3).final_sizes.tolist() == [1] * 50
        res = refsim.simulate(g, ic, [0, 3], runs=50, rng=3)
        assert res.curves.tolist() == [[2, 3]] * 50


# ------------------------------------------------------------------------------ LT
def test_a_threshold_equal_to_the_weight_is_reached():
    # 0 -> 1 at weight 0.5; node 1's threshold is the one draw: 0.5 is reached, the next
    # value up is not
    g = refsim.Graph.from_edges([0], [1], directed=True)
    model = refsim.LinearThreshold([0.5])
    assert _lt(g, model, [0], [output_for_open_closed(0.5)]) == (2, [1, 2])
    assert _lt(g, model, [0], [output_for_open_closed(0.5 + ULP)]) == (1, [1])


def test_two_per_node_thresholds_are_each_nodes_own():
    # 0 -> 1 at weight 0.6; thresholds 0.5 (node 0) and 1 (node 1): node 1 stays out.
    # Swapped, node 1 (threshold 0.5) joins.
    g = refsim.Graph.from_edges([0], [1], directed=True)
    for thresholds, final in (([0.5, 1.0], 1), ([1.0, 0.5], 2)):
        model = refsim.LinearThreshold([0.6], thresholds=thresholds)
        assert refsim.simulate(g, model, [0], runs=2, rng=0).final_sizes.tolist() == [final] * 2


@pytest.mark.parametrize("model", [refsim.IndependentCascade(1.0), refsim.LinearThreshold()],
                         ids=["ic", "lt"])
def test_a_run_never_sees_the_nodes_an_earlier_run_of_its_worker_visited(model):
    # pairs 2i -> 2i + 1, each certain to fire (p = 1; LT weight 1 >= any threshold). On
    # one worker, run 0 visits every odd node; probe j, run probes[j], starts from node 2j
    # and must reach 2j + 1 whatever visit stamps the worker has handed out since (255 a
    # cycle). Each probe touches its own pair only, so run 0's visits stay on record
    # until a stamp comes round again; the other runs start from nobody.
    probes = [1, 2, 253, 254, 255, 256, 257, 509, 510, 511, 599]
    pairs = len(probes)
    g = refsim.Graph.from_edges(np.arange(0, 2 * pairs, 2), np.arange(1, 2 * pairs, 2),
                                directed=True)
    sets = [list(range(1, 2 * pairs, 2))] + [[] for _ in range(599)]
    expected = [pairs] + [0] * 599
    for j, r in enumerate(probes):
        sets[r], expected[r] = [2 * j], 2
    res = refsim.simulate(g, model, sets, runs=600, rng=0, workers=1)
    assert res.final_sizes.tolist() == expected


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="NUMBA_DISABLE_JIT runs kernels as Python")
def test_the_kernels_are_compiled():
    # a kernel left as plain Python gives the same numbers some hundred times slower
    from numba.core.registry import CPUDispatcher

    from refsim._kernels import seedseq

    for kernel in (cascade.independent_cascade, cascade.linear_threshold,
                   seedseq.child_states):
        assert isinstance(kernel, CPUDispatcher), kernel
