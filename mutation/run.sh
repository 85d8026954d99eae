#!/usr/bin/env bash
# Mutation testing of one module with cosmic-ray, in a scratch git worktree (never in
# the checkout itself: cosmic-ray rewrites the source file it mutates).
#
#   mutation/run.sh kernel|models|result|analysis [again]
#
# "again" keeps the last session of that target and re-tests only its survivors at the
# current commit (after new tests; the mutated module itself must be unchanged).
#
# Environment: REFSIM_PYTHON (python with refsim's test dependencies; default
# .venv/bin/python), COSMIC_RAY (directory holding cosmic-ray and cr-report; default
# that python's bin), REFSIM_MUTATION_TREE (worktree; default ../refsim-mutation),
# REFSIM_MUTATION_REV (commit to mutate; default HEAD), REFSIM_MUTATION_TIMEOUT (seconds
# a mutant's tests may take before it counts as killed; default 90), REFSIM_MUTATION_JIT
# (1: run the tests under numba, see test.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
target=${1:?usage: mutation/run.sh kernel|models|result|analysis [again]}
again=${2:-}
case $target in
    kernel) module=src/refsim/_kernels/referral.py ;;
    models) module=src/refsim/referral.py ;;
    result) module=src/refsim/referral_result.py ;;
    analysis) module=src/refsim/analysis.py ;;
    *) echo "unknown target $target; choose kernel, models, result or analysis" >&2; exit 2 ;;
esac
py=${REFSIM_PYTHON:-$here/.venv/bin/python}
cr=${COSMIC_RAY:-$(dirname "$py")}
tree=${REFSIM_MUTATION_TREE:-$here/../refsim-mutation}
rev=$(git -C "$here" rev-parse "${REFSIM_MUTATION_REV:-HEAD}")

if [ -d "$tree" ]; then
    git -C "$tree" checkout --quiet --force --detach "$rev"
else
    git -C "$here" worktree add --detach "$tree" "$rev"
fi
cd "$tree"
export REFSIM_PYTHON=$py
# the worktree's sources, not an installed refsim, must be what the tests import
where=$(PYTHONPATH="$tree/src" "$py" -c "import refsim; print(refsim.__file__)")
[ "$where" = "$tree/src/refsim/__init__.py" ] || { echo "imports $where" >&2; exit 1; }

mkdir -p .mutation
config=.mutation/$target.toml
session=.mutation/$target.sqlite
{ echo "[cosmic-ray]"
  echo "module-path = \"$module\""
  echo "test-command = \"bash mutation/test.sh $target\""
  echo "timeout = ${REFSIM_MUTATION_TIMEOUT:-90}"
  cat mutation/cosmic-ray.toml; } > "$config"
if [ "$again" = again ]; then
    if ! git diff --quiet "$(cat ".mutation/$target.rev")" "$rev" -- "$module"; then
        echo "$module changed since the last session; run without 'again'" >&2; exit 1
    fi
    "$cr/python" mutation/survivors.py "$session" --reset
else
    rm -f "$session"
    "$cr/cosmic-ray" init "$config" "$session"
    "$cr/cr-filter-operators" "$session" "$config"
    echo "$rev" > ".mutation/$target.rev"
fi
"$cr/python" mutation/equivalent.py "$session" mutation/equivalent.tsv
"$cr/cosmic-ray" baseline "$config"
start=$(date +%s)
"$cr/cosmic-ray" exec "$config" "$session"
echo "$target: $(( $(date +%s) - start )) s"
"$cr/cr-report" --show-pending "$session" > ".mutation/$target.txt"
"$cr/python" mutation/survivors.py "$session" | tee ".mutation/$target-survivors.txt"
