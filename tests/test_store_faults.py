"""Faults around the results store and the runners: full or read-only disks, two runs on
one directory, killed parents, Ctrl-C, closed pipes, silent Dask schedulers, failed runs
and --overwrite. Each ends in one clear line (or a clean exit) and never loses results
already committed."""

import collections
import copy
import errno
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from unittest import mock

import pytest

import refsim
from refsim.cli import main
from refsim.experiment import load_meta, load_results, run_experiment
from refsim.experiment import runner as runner_module
from refsim.experiment.config import load_config
from refsim.experiment.store import ResultsStore

CONFIG = """\
[experiment]
name = "faults"
seed = 4
runs = 40
steps = 8

[graph]
generator = "holme_kim"
n = 400
m = 3
triad_p = 0.5

[model]
share = 0.2
conversion = 0.3

[[campaign]]
name = "hubs"
seeding = "degree"
k = 5

[[campaign]]
name = "random"
seeding = "random"
k = 5

[sweep.axes]
"model.share" = [0.1, 0.2, 0.3]
"""


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "faults.toml"
    path.write_text(CONFIG)
    return path


def _cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "refsim", *map(str, args)],
                          capture_output=True, text=True, timeout=kw.pop("timeout", 300),
                          **kw)


def _one_line(err):
    lines = err.strip().splitlines()
    return len(lines) == 1 and "Traceback" not in err


# ----------------------------------------------------------------- full disks
def test_a_full_disk_names_the_cause_and_keeps_committed_cells(config, tmp_path, capsys):
    """SQLite's own "disk is full" (page limit reached after the first cell) is the
    message, not the rollback that follows it; the committed cell survives and --resume
    completes the run to exactly the numbers of an uninterrupted one."""
    out = tmp_path / "run"
    real = ResultsStore.write_cell
    calls = {"n": 0}

    def limited(self, result):
        if calls["n"] == 1:
            pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
            self.conn.execute(f"PRAGMA max_page_count = {pages}")
        calls["n"] += 1
        return real(self, result)

    with mock.patch.object(ResultsStore, "write_cell", limited):
        status = main(["run", str(config), "--out", str(out), "--quiet", "--no-report"])
    err = capsys.readouterr().err
    assert status == 2 and _one_line(err), err
    assert "database or disk is full" in err and "no transaction" not in err
    assert "the 1 cell(s) committed before are kept" in err and "--resume" in err
    assert load_meta(out)["done"] == [0]
    assert main(["run", str(config), "--out", str(out), "--resume", "--quiet",
                 "--no-report"]) == 0
    whole = tmp_path / "whole"
    assert main(["run", str(config), "--out", str(whole), "--quiet", "--no-report"]) == 0
    a, b = load_results(out), load_results(whole)
    assert a.equals(b)


def _mount_tmpfs(path, options):
    path.mkdir()
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                         capture_output=True)
    if res.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs privileges)")
    return path


@pytest.fixture
def tmpfs(tmp_path):
    mounted = []

    def make(name, options):
        mounted.append(_mount_tmpfs(tmp_path / name, options))
        return mounted[-1]

    yield make
    for m in mounted:
        subprocess.run(["umount", str(m)], capture_output=True)


def test_a_really_full_disk_is_refused_before_work_or_named(config, tmpfs):
    small = tmpfs("small", "size=64k")
    res = _cli("run", config, "--out", small / "run", "--quiet", "--no-report")
    assert res.returncode == 2 and _one_line(res.stderr), res.stderr
    assert "of disk" in res.stderr and "is free" in res.stderr  # the estimate refused it
    assert not (small / "run").exists()


def test_a_read_only_file_system_is_named(config, tmpfs):
    ro = tmpfs("ro", "ro,size=1m")
    res = _cli("run", config, "--out", ro / "run", "--quiet", "--no-report")
    assert res.returncode == 2 and _one_line(res.stderr), res.stderr
    assert "cannot create the run folder" in res.stderr
    assert "read-only file system" in res.stderr


def test_an_unwritable_folder_is_named_without_privileges(config, tmp_path, capsys):
    def refuse(self, *a, **k):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))

    with mock.patch.object(Path, "mkdir", refuse):
        status = main(["run", str(config), "--out", str(tmp_path / "x" / "run"), "--quiet"])
    err = capsys.readouterr().err
    assert status == 2 and _one_line(err)
    assert "cannot create the run folder" in err and "read-only file system" in err


# ------------------------------------------------------------- concurrent writers
def test_two_runs_on_one_fresh_directory_never_corrupt_it(config, tmp_path):
    """Started together, one run writes the store and the other is refused with one
    line (locked, or already done): the store is always whole."""
    for round_ in range(6):
        out = tmp_path / f"run{round_}"
        procs = [subprocess.Popen([sys.executable, "-m", "refsim", "run", str(config),
                                   "--out", str(out), "--quiet", "--no-report"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
        codes = sorted(code for code, _ in results)
        assert codes == [0, 2], results
        err = next(e for c, e in results if c == 2)
        assert _one_line(err), err
        assert "in use by another refsim run" in err or "already holds results" in err
        meta = load_meta(out)
        assert meta["complete"] and meta["name"] == "faults"
        assert len(load_results(out)) == 3 * 2 * 40


# --------------------------------------------------------------- killed parents
def _children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        return []
    return [int(x) for x in path.read_text().split()]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_killing_the_parent_stops_its_worker_processes(config, tmp_path):
    config.write_text(CONFIG.replace("runs = 40", "runs = 20000").replace(
        "n = 400", "n = 20000"))
    proc = subprocess.Popen([sys.executable, "-m", "refsim", "run", str(config), "--out",
                             str(tmp_path / "run"), "--workers", "2", "--quiet",
                             "--no-report"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    workers = []
    while time.time() < deadline and len(workers) < 2:
        time.sleep(0.5)
        workers = [c for c in _children(proc.pid)
                   if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
    assert len(workers) >= 2, "the workers never started"
    time.sleep(3.0)  # let them get into a cell
    proc.kill()
    proc.wait()
    deadline = time.time() + 15  # PR_SET_PDEATHSIG: at once; the watchdog: 1 s
    alive = workers
    while alive and time.time() < deadline:
        time.sleep(0.25)
        alive = [w for w in workers if Path(f"/proc/{w}").exists()
                 and "Z" not in Path(f"/proc/{w}/stat").read_text().split()[2]]
    assert not alive, f"workers {alive} outlived their parent"


# ------------------------------------------------------------------- interruptions
def test_ctrl_c_inside_a_kernel_exits_130_without_a_traceback(config, tmp_path):
    config.write_text(CONFIG.replace("runs = 40", "runs = 200000").replace(
        "n = 400", "n = 20000"))
    proc = subprocess.Popen([sys.executable, "-m", "refsim", "run", str(config), "--out",
                             str(tmp_path / "run"), "--quiet", "--no-report"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(12.0)  # past import and compilation, into the first cell's kernels
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "SystemError" not in err
    assert "interrupted" in err


def test_a_closed_pipe_ends_quietly():
    cmd = (f"{sys.executable} -m refsim graph holme_kim:n=3000,m=3,triad_p=0.5 | head -1")
    res = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=300)
    assert res.stdout.startswith("graph:")
    assert "Traceback" not in res.stderr and "BrokenPipe" not in res.stderr, res.stderr


def test_json_is_strict_json(tmp_path):
    """A single-node graph has undefined statistics: they are null, not NaN."""
    f = tmp_path / "one.txt"
    f.write_text("1 2\n")
    res = _cli("graph", f, "--json")
    assert res.returncode == 0, res.stderr

    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")

    profile = json.loads(res.stdout, parse_constant=refuse)
    assert any(v is None for v in profile.values())


# -------------------------------------------------------------------------- Dask
def test_a_scheduler_that_never_answers_is_given_up_on(config, tmp_path, capsys):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                pass

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        with mock.patch.object(runner_module, "DASK_TIMEOUT", 2.0):
            start = time.time()
            status = main(["run", str(config), "--out", str(tmp_path / "run"), "--quiet",
                           "--dask", f"tcp://127.0.0.1:{port}"])
            took = time.time() - start
    finally:
        stop.set()
        t.join()
        for c in held:
            c.close()
        server.close()
    err = capsys.readouterr().err
    assert status == 2 and _one_line(err), err
    assert f"no Dask scheduler answered at tcp://127.0.0.1:{port}" in err
    assert took < 2.0 + 5.0 + 10.0  # the timeout and its grace, plus start-up
    assert not (tmp_path / "run").exists()


# ------------------------------------------------------------ failed runs, overwrite
def test_a_run_that_fails_before_any_cell_can_simply_be_run_again(config, tmp_path,
                                                                  capsys):
    out = tmp_path / "run"

    def broken(*a, **k):
        raise refsim.errors.InvalidValue("a cell could not be built")

    with mock.patch.object(runner_module, "run_cell", broken):
        assert main(["run", str(config), "--out", str(out), "--quiet", "--no-report"]) == 2
    assert "a cell could not be built" in capsys.readouterr().err
    assert not out.exists()
    assert main(["run", str(config), "--out", str(out), "--quiet", "--no-report"]) == 0


def test_a_bug_in_a_cell_keeps_its_traceback(config, tmp_path):
    """Only refsim's own user errors become one line; anything else is a bug."""
    def broken(*a, **k):
        raise TypeError("unsupported operand")

    with mock.patch.object(runner_module, "run_cell", broken):
        with pytest.raises(TypeError, match="unsupported operand"):
            main(["run", str(config), "--out", str(tmp_path / "run"), "--quiet"])


def test_overwrite_replaces_only_refsims_files(config, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", str(config), "--out", str(out), "--quiet", "--no-report"]) == 0
    (out / "notes.txt").write_text("mine")
    config.write_text(CONFIG.replace("conversion = 0.3", "conversion = 0.4"))
    assert main(["run", str(config), "--out", str(out), "--quiet", "--no-report"]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert main(["run", str(config), "--out", str(out), "--quiet", "--no-report",
                 "--overwrite"]) == 0
    assert (out / "notes.txt").read_text() == "mine"
    assert load_meta(out)["config"]["model"]["conversion"] == 0.4


def test_disk_and_memory_are_estimated_before_work(config, tmp_path):
    cfg = load_config(config)
    usage = collections.namedtuple("usage", "total used free")
    with mock.patch("refsim.experiment.preflight.shutil.disk_usage",
                    return_value=usage(10**6, 10**6 - 1000, 1000)):
        with pytest.raises(refsim.errors.InvalidValue, match="of disk; 1000 B is free"):
            run_experiment(cfg, tmp_path / "run", progress=False)
    with mock.patch("refsim.experiment.preflight.available_memory", return_value=1000):
        with pytest.raises(refsim.errors.InvalidValue, match="of memory is available"):
            run_experiment(cfg, tmp_path / "run", progress=False)
    assert not (tmp_path / "run").exists()


# ------------------------------------------------------------ older and damaged layouts
def _meta_rows(db):
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT key, value FROM meta"))


def _set_meta(db, **rows):
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.executemany("UPDATE meta SET value = ? WHERE key = ?",
                             [(v, k) for k, v in rows.items()])
    finally:
        conn.close()


def test_a_run_saved_without_the_defaults_it_ran_with_still_resumes(config, tmp_path):
    """An earlier refsim saved configs without the programme's and economics' defaults;
    the same experiment resolves to the same config today, so --resume goes on."""
    from refsim.experiment.store import config_digest

    out = tmp_path / "run"
    assert main(["run", str(config), "--out", str(out), "--quiet", "--no-report"]) == 0
    db = out / "results.sqlite"
    stored = json.loads(_meta_rows(db)["config"])
    older = copy.deepcopy(stored)
    older["program"], older["economics"] = {}, {}
    older["population"].pop("segments")
    with sqlite3.connect(db) as conn:  # drop a cell so that there is work left
        conn.execute("DELETE FROM runs WHERE cell = 1")
        conn.execute("DELETE FROM campaigns WHERE cell = 1")
        conn.execute("DELETE FROM trees WHERE cell = 1")
        conn.execute("DELETE FROM cells WHERE cell = 1")
    _set_meta(db, config=json.dumps(older), digest=config_digest(older))
    assert main(["run", str(config), "--out", str(out), "--resume", "--quiet",
                 "--no-report"]) == 0
    # a real difference is still refused, and named
    _set_meta(db, config=json.dumps({**older, "model": {**older["model"], "share": 0.3}}),
              digest="x")
    with pytest.raises(refsim.errors.RefsimError, match=r"its config differs \(model\.share"):
        from refsim.experiment.config import load_config
        from refsim.experiment.runner import run_experiment

        run_experiment(load_config(config), out, resume=True, progress=False)


def test_a_layout_3_store_must_list_its_columns(config, tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(config), "--out", str(out), "--quiet", "--no-report"]) == 0
    db = out / "results.sqlite"
    meta = json.loads(_meta_rows(db)["meta"])
    del meta["metrics"]
    _set_meta(db, meta=json.dumps(meta))
    with pytest.raises(refsim.experiment.RunDirError, match="meta lists no metrics"):
        refsim.load_results(out)
