"""Mark the mutants listed in equivalent.tsv as skipped in a cosmic-ray session.

    python mutation/equivalent.py SESSION mutation/equivalent.tsv

Each line of the list: module path, operator, the line as written, the line as the
mutant writes it (both stripped), and why the mutant cannot change behaviour, tab
separated. Mutants are named by text rather than line number, so the list survives edits
elsewhere in the module. An entry of this session's module that matches no mutant is
reported, so a stale one is noticed.
"""

import sys
from pathlib import Path

from cosmic_ray.mutating import mutate_code
from cosmic_ray.plugins import get_operator
from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import WorkerOutcome, WorkResult


def entries(path):
    for raw in Path(path).read_text().splitlines():
        if raw.strip() and not raw.startswith("#"):
            module, operator, before, after, reason = raw.split("\t")
            yield (module, operator, before, after), reason


def key(mutation):
    """(module, operator, line before, line after) of one mutation."""
    code = Path(mutation.module_path).read_text()
    operator = get_operator(mutation.operator_name)(**mutation.operator_args)
    mutated = mutate_code(code, operator, mutation.occurrence)
    row = mutation.start_pos[0] - 1
    return (str(mutation.module_path), mutation.operator_name,
            code.splitlines()[row].strip(), mutated.splitlines()[row].strip())


def main(session, listing):
    wanted = dict(entries(listing))
    seen, modules = set(), set()
    with use_db(session, WorkDB.Mode.open) as db:
        for item in list(db.pending_work_items):
            for m in item.mutations:
                modules.add(str(m.module_path))
                if str(m.module_path) not in {k[0] for k in wanted}:
                    continue
                k = key(m)
                if k in wanted:
                    seen.add(k)
                    db.set_result(item.job_id, WorkResult(
                        output="equivalent: " + wanted[k],
                        worker_outcome=WorkerOutcome.SKIPPED))
    for k in sorted(k for k in wanted.keys() - seen if k[0] in modules):
        print("equivalent.tsv entry matches no mutant of this session:", *k, file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
