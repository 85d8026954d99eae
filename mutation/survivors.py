"""Print a cosmic-ray session's score and each surviving mutant as a diff.

    python mutation/survivors.py SESSION [--reset]

With --reset, survivors are put back to pending (to test them again after new tests).
"""

import sys
from collections import Counter

from cosmic_ray.work_db import WorkDB, WorkResultStorage, use_db
from cosmic_ray.work_item import TestOutcome, WorkerOutcome


def reset(session):
    with use_db(session, WorkDB.Mode.open) as db:
        ids = [item.job_id for item, r in db.completed_work_items
               if r.test_outcome == TestOutcome.SURVIVED
               or (r.output or "").startswith("equivalent")]
        with db._session_maker.begin() as s:  # WorkDB has no public way to forget a result
            s.query(WorkResultStorage).filter(WorkResultStorage.job_id.in_(ids)).delete()
    print(f"{len(ids)} survivors and equivalents to test again")


def main(session, *flags):
    if "--reset" in flags:
        return reset(session)
    with use_db(session, WorkDB.Mode.open) as db:
        done = list(db.completed_work_items)
        pending = db.num_work_items - len(done)
    outcome = Counter()
    survivors = []
    for item, result in done:
        if result.worker_outcome == WorkerOutcome.SKIPPED:
            kind = "equivalent" if (result.output or "").startswith("equivalent") else "filtered"
        elif result.worker_outcome == WorkerOutcome.NORMAL:
            kind = str(result.test_outcome.value)
        else:  # timeout, crash: the mutant did not pass the tests
            kind = "killed"
        outcome[kind] += 1
        if result.test_outcome == TestOutcome.SURVIVED:
            survivors.append((item, result))
    tested = outcome["killed"] + outcome["survived"]
    score = 100.0 * outcome["killed"] / tested if tested else float("nan")
    print(f"killed {outcome['killed']} / {tested} ({score:.1f}%); survived "
          f"{outcome['survived']}; equivalent {outcome['equivalent']}; filtered "
          f"{outcome['filtered']}; incompetent {outcome['incompetent']}; pending {pending}")
    for item, result in sorted(survivors, key=lambda p: p[0].mutations[0].start_pos):
        m = item.mutations[0]
        print(f"\n{m.module_path}:{m.start_pos[0]}:{m.start_pos[1]} {m.operator_name}")
        print("\n".join(line for line in (result.diff or "").splitlines()
                        if line[:1] in "+-" and line[:3] not in ("+++", "---")))


if __name__ == "__main__":
    main(*sys.argv[1:])
