#!/usr/bin/env bash
# The tests one mutant must survive, run from the worktree root by cosmic-ray.
# Kernels run as plain Python (NUMBA_DISABLE_JIT): a mutant then costs about a second of
# exact twin comparisons on small graphs instead of ~15 s of numba compilation. Plain
# Python wraps uint64 arithmetic with a warning, which the project turns into an error.
# REFSIM_MUTATION_JIT=1 keeps numba on, to confirm a plain-Python survivor under the
# compiler (which rejects some mutants Python accepts, e.g. an njit kernel calling a
# function whose decorator was removed).
set -eu
target=$1
export PYTHONPATH=$PWD/src
[ "${REFSIM_MUTATION_JIT:-0}" = 1 ] || export NUMBA_DISABLE_JIT=1
run() {
    exec "${REFSIM_PYTHON:-python}" -m pytest -x -q -p no:cacheprovider -p no:randomly \
        -o addopts= -W "ignore:overflow encountered:RuntimeWarning" "$@"
}
# exact and twin tests of the referral model, fastest first; test_referral.py's Monte
# Carlo comparisons are left to the ordinary test run (minutes each without numba)
t=tests/test_referral.py::test_
referral=(tests/test_referral_mutants.py tests/test_referral_twin.py
          ${t}a_referral_converts_with_the_referrers_trust ${t}bad_parameters_are_named
          ${t}bad_simulation_calls_are_named ${t}per_node_values_and_segment_overrides
          ${t}structural_virality_and_depth_match_networkx ${t}money_follows_the_tallies
          ${t}referral_tree_replays_a_run_and_is_a_forest)
case $target in
    kernel|models|result) run "${referral[@]}" ;;
    analysis) run tests/test_analysis_mutants.py tests/test_analysis.py ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
esac
