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
# A python without refsim's test dependencies fails every mutant's tests, which would
# count every mutant as killed: refuse it loudly instead (run.sh sets REFSIM_PYTHON).
py=${REFSIM_PYTHON:?mutation/test.sh: set REFSIM_PYTHON to a python with refsim test deps}
"$py" -c "import numba, numpy, pandas, pytest" 2>/dev/null || {
    echo "mutation/test.sh: $py cannot import refsim's test dependencies" >&2; exit 3; }
[ "${REFSIM_MUTATION_JIT:-0}" = 1 ] || export NUMBA_DISABLE_JIT=1
run() {
    exec "$py" -m pytest -x -q -p no:cacheprovider -p no:randomly \
        -o addopts= -W "ignore:overflow encountered:RuntimeWarning" "$@"
}
# the target's tests: mutation/targets/$target.txt, after its first line (the module)
args=()
while IFS= read -r line; do
    case $line in
        ""|"#"*) ;;
        @*) while IFS= read -r inc; do
                case $inc in ""|"#"*) ;; *) args+=("$inc") ;; esac
            done < "mutation/targets/${line#@}.tests" ;;
        *) args+=("$line") ;;
    esac
done < <(tail -n +2 "mutation/targets/$target.txt")
[ ${#args[@]} -gt 0 ] || { echo "no tests for target $target" >&2; exit 2; }
run "${args[@]}"
