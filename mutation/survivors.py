"""Print a cosmic-ray session's score and each surviving mutant as a diff.

    python mutation/survivors.py SESSION [--reset | --reset-broken]

With --reset, survivors are put back to pending (to test them again after new tests).
A mutant "killed" because the test command could not import refsim's dependencies (a
session executed without REFSIM_PYTHON: mutation/test.sh says so) was never tested: it
is counted as broken, not killed, and --reset-broken puts such mutants back to pending.
A silent kill of code that does not compile is incompetent. (Sessions run before
test.sh checked its python cannot be told apart this way: run them again.)
"""

import sys
from collections import Counter

from cosmic_ray.work_db import WorkDB, WorkResultStorage, use_db
from cosmic_ray.work_item import TestOutcome, WorkerOutcome


def _compiles(item) -> bool:
    """Whether the mutated module is valid Python (cosmic-ray writes some mutants, e.g.
    ``{**x}`` to ``{+x}``, that are not: their tests print nothing)."""
    from pathlib import Path

    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator

    m = item.mutations[0]
    try:
        code = Path(m.module_path).read_text()
        op = get_operator(m.operator_name)(**m.operator_args)
        compile(mutate_code(code, op, m.occurrence) or "", str(m.module_path), "exec")
    except SyntaxError:
        return False
    except Exception:  # the module moved on since the session: cannot tell
        return True
    return True


def classify(item, result) -> str:
    """killed, survived, equivalent, filtered, incompetent (not valid Python) or broken
    (a kill that tested nothing: no output from valid code, or no usable python)."""
    if result.worker_outcome == WorkerOutcome.SKIPPED:
        return "equivalent" if (result.output or "").startswith("equivalent") else "filtered"
    if result.worker_outcome != WorkerOutcome.NORMAL:
        return "killed"  # timeout, crash: the mutant did not pass the tests
    out = (result.output or "").strip()
    if result.test_outcome == TestOutcome.KILLED and (
            "cannot import refsim's test dependencies" in out):
        return "broken"
    if result.test_outcome == TestOutcome.KILLED and not out and not _compiles(item):
        return "incompetent"
    # a silent kill of valid code: the tests died before reporting (e.g. the mutant makes
    # `import refsim` fail), which test.sh's own check tells apart from a missing python
    return str(result.test_outcome.value)


def broken(item, result) -> bool:
    return classify(item, result) == "broken"


def reset(session, which="survivors"):
    with use_db(session, WorkDB.Mode.open) as db:
        if which == "broken":
            ids = [item.job_id for item, r in db.completed_work_items if broken(item, r)]
        else:
            ids = [item.job_id for item, r in db.completed_work_items
                   if r.test_outcome == TestOutcome.SURVIVED
                   or (r.output or "").startswith("equivalent")]
        with db._session_maker.begin() as s:  # WorkDB has no public way to forget a result
            s.query(WorkResultStorage).filter(WorkResultStorage.job_id.in_(ids)).delete()
    print(f"{len(ids)} {'broken kills' if which == 'broken' else 'survivors and equivalents'}"
          f" to test again")


def main(session, *flags):
    if "--reset" in flags:
        return reset(session)
    if "--reset-broken" in flags:
        return reset(session, "broken")
    with use_db(session, WorkDB.Mode.open) as db:
        done = list(db.completed_work_items)
        pending = db.num_work_items - len(done)
    outcome = Counter()
    survivors = []
    for item, result in done:
        kind = classify(item, result)
        outcome[kind] += 1
        if result.test_outcome == TestOutcome.SURVIVED:
            survivors.append((item, result))
    tested = outcome["killed"] + outcome["survived"]
    score = 100.0 * outcome["killed"] / tested if tested else float("nan")
    print(f"killed {outcome['killed']} / {tested} ({score:.1f}%); survived "
          f"{outcome['survived']}; equivalent {outcome['equivalent']}; filtered "
          f"{outcome['filtered']}; incompetent {outcome['incompetent']}; pending {pending}"
          + (f"; BROKEN {outcome['broken']} (never tested: --reset-broken, then run again)"
             if outcome["broken"] else ""))
    for item, result in sorted(survivors, key=lambda p: p[0].mutations[0].start_pos):
        m = item.mutations[0]
        print(f"\n{m.module_path}:{m.start_pos[0]}:{m.start_pos[1]} {m.operator_name}")
        print("\n".join(line for line in (result.diff or "").splitlines()
                        if line[:1] in "+-" and line[:3] not in ("+++", "---")))


if __name__ == "__main__":
    main(*sys.argv[1:])
