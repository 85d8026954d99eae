"""Mark the mutants listed in equivalent.tsv as skipped in a cosmic-ray session.

    python mutation/equivalent.py SESSION mutation/equivalent.tsv

Each line of the list: module path, operator, line text (stripped), column, reason, tab
separated. A mutant is named by its line's text and column rather than its line number,
so the list survives edits elsewhere in the module. An entry that matches nothing is
reported, so a stale one is noticed.
"""

import sys
from pathlib import Path

from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import WorkerOutcome, WorkResult


def entries(path):
    for raw in Path(path).read_text().splitlines():
        if raw.strip() and not raw.startswith("#"):
            module, operator, text, column, reason = raw.split("\t")
            yield (module, operator, text, int(column)), reason


def main(session, listing):
    wanted = dict(entries(listing))
    seen, modules = set(), set()
    with use_db(session, WorkDB.Mode.open) as db:
        for item in list(db.pending_work_items):
            for m in item.mutations:
                modules.add(str(m.module_path))
                line = Path(m.module_path).read_text().splitlines()[m.start_pos[0] - 1]
                key = (str(m.module_path), m.operator_name, line.strip(), m.start_pos[1])
                if key in wanted:
                    seen.add(key)
                    db.set_result(item.job_id, WorkResult(
                        output="equivalent: " + wanted[key],
                        worker_outcome=WorkerOutcome.SKIPPED))
    for key in sorted(k for k in wanted.keys() - seen if k[0] in modules):
        print("equivalent.tsv entry matches no mutant of this session:", *key, file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
