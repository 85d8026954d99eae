#!/usr/bin/env bash
# Mutation testing of one module with cosmic-ray, in a scratch git worktree (never in
# the checkout itself: cosmic-ray rewrites the source file it mutates).
#
#   mutation/run.sh TARGET [again]     (targets: mutation/targets/TARGET.txt)
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
target=${1:?usage: mutation/run.sh TARGET [again]  (TARGET: a name in mutation/targets)}
again=${2:-}
if [ ! -f "$here/mutation/targets/$target.txt" ]; then
    echo "unknown target $target; choose one of:" \
        $(cd "$here/mutation/targets" && ls *.txt | sed 's/\.txt$//') >&2
    exit 2
fi
module=$(head -n 1 "$here/mutation/targets/$target.txt")
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
for list in mutation/equivalent*.tsv; do
    "$cr/python" mutation/equivalent.py "$session" "$list"
done
"$cr/cosmic-ray" baseline "$config"
start=$(date +%s)
"$cr/cosmic-ray" exec "$config" "$session"
echo "$target: $(( $(date +%s) - start )) s"
"$cr/cr-report" --show-pending "$session" > ".mutation/$target.txt"
"$cr/python" mutation/survivors.py "$session" | tee ".mutation/$target-survivors.txt"
