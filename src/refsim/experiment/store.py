"""The results store: one SQLite file per run directory, one transaction per sweep cell.

A run directory holds ``config.toml`` (the resolved config), ``meta.json`` (seed,
package versions, command) and ``results.sqlite``. Each cell's rows (every campaign's
runs with their curves, the seeds, an example referral tree) and the cell's entry in
``cells`` are written in one transaction, so a sweep killed at any moment holds whole
cells only, and ``--resume`` redoes exactly the cells that are missing.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .._validation import show_value
from ..errors import FileProblem, InvalidValue

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ResultsStore", "load_results", "load_curves", "load_trees", "load_meta",
           "load_seed_sets",
           "METRICS", "RunDirError"]

#: The per-run metric columns of a layout-2 store (every store then had the referral
#: model's, filled or not); newer stores hold their models' own (``meta["metrics"]``).
METRICS = ("reach", "steps", "aware", "advocates", "seed", "referral", "outside",
           "referral_advocates", "outside_advocates", "referrals_sent",
           "referrals_converted", "depth", "largest_cascade", "virality", "revenue",
           "cost", "profit", "roi", "cac", "cost_per_referral", "rewards", "seed_cost",
           "ad_cost")
SERIES = ("adopters", "aware", "advocates")
DB = "results.sqlite"


def _schema(metrics, series) -> str:
    """The store's tables, with one column per metric and per series."""
    return f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cells (
    cell INTEGER PRIMARY KEY, point TEXT NOT NULL, runs INTEGER NOT NULL,
    seconds REAL NOT NULL, finished TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS campaigns (
    cell INTEGER NOT NULL, campaign INTEGER NOT NULL, name TEXT NOT NULL,
    strategy TEXT NOT NULL, k REAL, budget REAL, sender_reward REAL NOT NULL,
    recipient_reward REAL NOT NULL, seed_sets TEXT NOT NULL, n_seeds INTEGER NOT NULL,
    seeds BLOB NOT NULL, PRIMARY KEY (cell, campaign));
CREATE TABLE IF NOT EXISTS runs (
    cell INTEGER NOT NULL, campaign INTEGER NOT NULL, run INTEGER NOT NULL,
    n_seeds INTEGER NOT NULL, seeds BLOB,
    {", ".join(f'"{m}" REAL' for m in metrics)},
    {", ".join(f'"curve_{s}" BLOB' for s in series)},
    PRIMARY KEY (cell, campaign, run));
CREATE TABLE IF NOT EXISTS trees (
    cell INTEGER NOT NULL, campaign INTEGER NOT NULL, run INTEGER NOT NULL,
    nodes BLOB NOT NULL, parents BLOB NOT NULL, PRIMARY KEY (cell, campaign));
"""


class RunDirError(InvalidValue):
    """A run directory that cannot be used as asked: it exists, differs, is locked by
    another run, or is not a (whole) refsim run directory."""


#: Tables a refsim store holds, and the version of their layout.
TABLES = ("meta", "cells", "campaigns", "runs", "trees")
STORE_VERSION = "3"
#: Layouts this refsim reads: 2 had a fixed set of metric columns (``METRICS``).
READABLE = ("2", "3")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
#: Files a run directory holds that ``--overwrite`` may remove (nothing else is touched).
OWN_FILES = (DB, "config.toml", "meta.json", "report.html", "posterior.csv",
             *(f"{table}.{fmt}" for table in ("results", "curves", "summary")
               for fmt in ("csv", "parquet", "xlsx")))


def _blob(a) -> bytes:
    return np.ascontiguousarray(a, dtype="<i8").tobytes()


def _unblob(b, db="the store") -> np.ndarray:
    if not isinstance(b, bytes) or len(b) % 8:
        raise RunDirError(f"{str(db)!r} is damaged: a stored array is not a whole number "
                          f"of int64")
    return np.frombuffer(b, dtype="<i8")


def config_digest(cfg) -> str:
    """A fingerprint of a resolved config, to refuse resuming a different experiment:
    with ``[model] posterior``, the posterior's content too (a calibration redone into
    the same folder is another experiment)."""
    text = json.dumps(cfg, sort_keys=True, default=str)
    where = (cfg.get("model") or {}).get("posterior") if isinstance(cfg, dict) else None
    if where:
        try:
            text += hashlib.sha256((Path(where) / "posterior.csv").read_bytes()).hexdigest()
        except OSError:
            pass  # checked when the config loads
    return hashlib.sha256(text.encode()).hexdigest()


def _cause(exc) -> str:
    """The plain reason behind an OS or SQLite error ("disk is full", "read-only")."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[0].lower() + exc.strerror[1:]
    return str(exc) or type(exc).__name__


class _DirLock:
    """An exclusive, non-blocking lock on a run directory, held while a run writes.

    ``flock`` on the directory itself: nothing is left behind, and the lock goes with
    the process that held it, however it ends. Where ``fcntl`` does not exist
    (Windows) there is no lock.
    """

    def __init__(self, path: Path):
        self.fd = None
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return
        fd = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise RunDirError(f"{str(path)!r} is in use by another refsim run; wait for "
                              f"it to finish, or choose another --out") from None
        self.fd = fd

    def release(self):
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor drops the lock
            self.fd = None


def prepare_run_dir(run_dir) -> tuple[Path, bool]:
    """Create ``run_dir`` if needed; return it and whether it was created now.

    Raises :class:`refsim.errors.FileProblem` naming the folder when it is a file or
    cannot be created (read-only file system, no permission, ...).
    """
    path = Path(run_dir)
    if path.exists() and not path.is_dir():
        raise FileProblem(f"--out {str(path)!r} is a file, not a folder; give a folder for "
                          f"the run's results")
    created = not path.exists()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileProblem(f"cannot create the run folder {str(path)!r}: {_cause(exc)}") \
            from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise FileProblem(f"cannot write in the run folder {str(path)!r}: permission denied")
    return path, created


def check_store(db: Path, hint: str = "") -> None:
    """Raise :class:`RunDirError` unless ``db`` is a whole refsim store: an SQLite file
    whose tables are refsim's (not views), that passes SQLite's quick check."""
    try:
        with open(db, "rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise FileProblem(f"cannot read {str(db)!r}: {_cause(exc)}") from None
    if head != _SQLITE_MAGIC:
        raise RunDirError(f"{str(db)!r} is not a refsim results store (not an SQLite "
                          f"file){hint}")
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            kinds = dict(conn.execute("SELECT name, type FROM sqlite_master"))
            wrong = [t for t in TABLES if kinds.get(t) != "table"]
            if wrong:
                raise RunDirError(
                    f"{str(db)!r} is not a refsim results store (no table "
                    f"{wrong[0]!r}){hint}")
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            if ok != "ok":
                raise sqlite3.DatabaseError(ok)
            version = conn.execute(
                "SELECT value FROM meta WHERE key = 'store_version'").fetchone()
            stored = dict(conn.execute("SELECT key, value FROM meta"))
            missing = {"config", "digest", "meta", "points"} - set(stored)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise RunDirError(f"{str(db)!r} is damaged ({exc}); its results cannot be "
                          f"read{hint}") from None
    if missing:
        raise RunDirError(f"{str(db)!r} is incomplete (no {sorted(missing)[0]!r} in its "
                          f"meta table){hint}")
    _parse_meta(stored, db, hint)
    layout = version[0] if version is not None else "1"  # layout 1 did not say
    if layout not in READABLE:
        raise RunDirError(f"{str(db)!r} was written by a refsim with store layout "
                          f"{layout}; this refsim reads layout {STORE_VERSION} (run the "
                          f"experiment again to read it here){hint}")


class ResultsStore:
    """Write access to a run directory's store, for the one process running the sweep.

    Opening it takes an exclusive lock on the directory (a second run on the same
    ``--out`` is refused), checks an existing store before resuming it, and writes a
    new one whole or not at all. Every failure to write names the file and the cause.

    Parameters
    ----------
    run_dir : path
    cfg : dict
        The resolved config.
    cells : list of dict
        The sweep's points, in order.
    resume : bool
        Continue an existing run directory of the same config; without it an existing
        store is an error.
    overwrite : bool
        Remove an existing store (and the other files refsim wrote there) first.
    """

    def __init__(self, run_dir, cfg, cells, *, resume=False, overwrite=False,
                 config_text="", extra_meta=None):
        if resume and overwrite:
            raise RunDirError("give --resume or --overwrite, not both")
        if resume and not Path(run_dir).is_dir():
            raise RunDirError(f"cannot resume {str(run_dir)!r}: no such run directory")
        self.run_dir, self.created_dir = prepare_run_dir(run_dir)
        self.created_store = False
        self.conn = None
        # Refused the lock: the directory belongs to the run that holds it (it may have
        # taken it between our creating the folder and locking it): touch nothing.
        self._lock = _DirLock(self.run_dir)
        try:
            self._open(cfg, cells, resume, overwrite, config_text, extra_meta)
        except BaseException:
            self.close(failed=True)
            raise

    def _open(self, cfg, cells, resume, overwrite, config_text, extra_meta):
        db = self.run_dir / DB
        if (self.run_dir / "calibration.json").exists():
            raise RunDirError(f"{str(self.run_dir)!r} holds a calibration (refsim "
                              f"calibrate); give the experiment another --out")
        digest = config_digest(cfg)
        from ..model_registry import columns_of
        from .sweep import model_kinds_in

        kinds = model_kinds_in(cfg)
        self.metrics, self.series = columns_of(kinds)
        if db.exists() and overwrite:
            self._remove_own_files()
        if db.exists():
            if not resume:
                raise RunDirError(f"{str(self.run_dir)!r} already holds results; pass "
                                  f"--resume to finish it, --overwrite to replace it, or "
                                  f"--out for a new directory")
            check_store(db, "; use --overwrite (or another --out) to start again")
            self.conn = self._connect(db)
            stored = dict(self.conn.execute("SELECT key, value FROM meta"))
            if stored.get("digest") != digest:
                try:
                    old = json.loads(stored.get("config", "{}"))
                except ValueError:
                    old = {}
            if stored.get("digest") != digest and not _same_experiment(old, digest):
                today = _resolved_today(old)
                raise RunDirError(f"cannot resume {str(self.run_dir)!r}: its config differs "
                                  f"({_first_difference(old if today is None else today, cfg)}"
                                  f"); use --out for a new directory")
            meta, _ = _parse_meta(stored, db)
            self.metrics, self.series = tuple(meta["metrics"]), tuple(meta["series"])
            return
        if resume:
            raise RunDirError(f"cannot resume {str(self.run_dir)!r}: it holds no results "
                              f"({DB} is missing); run without --resume")
        from .._version import __version__

        meta = {
            "name": cfg["experiment"]["name"], "question": cfg["experiment"]["question"],
            "seed": cfg["experiment"]["seed"], "version": __version__,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds"),
            "axes": list(cfg["sweep"].get("axes", {})), "mode": cfg["sweep"].get("mode"),
            "baseline": cfg["experiment"]["baseline"],
            "objective": cfg["experiment"].get("objective"),
            "campaigns": [c["name"] for c in cfg["campaign"]],
            "model": cfg["model"]["kind"], "level": cfg["experiment"]["level"],
            "n_cells": len(cells), "metrics": list(self.metrics),
            "series": list(self.series), **(extra_meta or {}),
        }
        tmp = self.run_dir / f"{DB}.tmp-{os.getpid()}"
        for old in self.run_dir.glob(f"{DB}.tmp-*"):  # a killed run's, under our lock
            old.unlink(missing_ok=True)
        try:
            (self.run_dir / "config.toml").write_text(config_text, encoding="utf-8")
            (self.run_dir / "meta.json").write_text(json.dumps(meta, indent=2) + "\n",
                                                    encoding="utf-8")
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                conn.executescript(_schema(self.metrics, self.series))
                conn.execute("BEGIN")
                rows = {"config": json.dumps(cfg), "digest": digest,
                        "meta": json.dumps(meta), "config_text": config_text,
                        "points": json.dumps(cells), "store_version": STORE_VERSION}
                conn.executemany("INSERT INTO meta VALUES (?, ?)", rows.items())
                conn.execute("COMMIT")
            finally:
                conn.close()
            os.replace(tmp, db)  # the store appears whole or not at all
        except (OSError, sqlite3.Error) as exc:
            tmp.unlink(missing_ok=True)
            raise FileProblem(f"cannot write the results store in {str(self.run_dir)!r}: "
                              f"{_cause(exc)}") from None
        self.created_store = True
        self.conn = self._connect(db)

    @staticmethod
    def _connect(db):
        try:
            return sqlite3.connect(db, isolation_level=None)
        except sqlite3.Error as exc:
            raise FileProblem(f"cannot open {str(db)!r}: {_cause(exc)}") from None

    def _remove_own_files(self):
        # with the lock held, a temporary store is a leftover of a killed run
        stale = [p.name for p in self.run_dir.glob(f"{DB}.tmp-*")]
        for name in (*OWN_FILES, *stale):
            try:
                (self.run_dir / name).unlink(missing_ok=True)
            except OSError as exc:
                raise FileProblem(f"cannot remove {str(self.run_dir / name)!r} for "
                                  f"--overwrite: {_cause(exc)}") from None

    def done(self) -> set:
        """Cells already committed."""
        return {r[0] for r in self.conn.execute("SELECT cell FROM cells")}

    def write_cell(self, result) -> None:
        """Commit one cell's results (see :func:`refsim.experiment.runner.run_cell`) in
        one transaction; on failure nothing of the cell is kept and the error names the
        file and the cause (a full disk, say)."""
        c = self.conn
        try:
            c.execute("BEGIN IMMEDIATE")
            try:
                self._insert_cell(c, result)
                c.execute("COMMIT")
            except BaseException:
                if c.in_transaction:  # SQLite may have rolled back already (disk full)
                    c.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            saved = len(self.done())
            then = (f"the {saved} cell(s) committed before are kept: fix the cause and "
                    f"finish with --resume" if saved else
                    "no cell was committed: fix the cause and run again")
            raise FileProblem(f"cannot write to {str(self.run_dir / DB)!r}: {_cause(exc)}; "
                              f"{then}") from None

    def _insert_cell(self, c, result):
        cell = int(result["cell"])
        for j, camp in enumerate(result["campaigns"]):
            sets = camp.get("seed_sets", "fixed")
            c.execute("INSERT INTO campaigns VALUES (?,?,?,?,?,?,?,?,?,?,?)", (
                cell, j, camp["name"], camp["strategy"], camp["k"], camp["budget"],
                camp["sender_reward"], camp["recipient_reward"], sets,
                int(len(camp["seeds"])), _blob(camp["seeds"])))
            metrics = camp["metrics"]
            runs = len(metrics["reach"])
            cols = [np.asarray(metrics[m], dtype=np.float64) if m in metrics else None
                    for m in self.metrics]
            curves = [camp["curves"].get(s) for s in self.series]
            own = camp.get("run_seeds")
            rows = []
            for r in range(runs):
                row = [cell, j, r]
                row += ([len(camp["seeds"]), None] if own is None
                        else [len(own[r]), _blob(own[r])])
                row += [None if col is None or not np.isfinite(col[r]) else float(col[r])
                        for col in cols]
                row += [None if cv is None else _blob(cv[r]) for cv in curves]
                rows.append(row)
            marks = ",".join("?" * (5 + len(self.metrics) + len(self.series)))
            c.executemany(f"INSERT INTO runs VALUES ({marks})", rows)
            tree = camp.get("tree")
            if tree is not None:
                c.execute("INSERT INTO trees VALUES (?,?,?,?,?)", (
                    cell, j, int(tree["run"]), _blob(tree["nodes"]),
                    _blob(tree["parents"])))
        c.execute("INSERT INTO cells VALUES (?,?,?,?,?)", (
            cell, json.dumps(result["point"]), int(result["runs"]),
            float(result["seconds"]),
            datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")))

    def close(self, *, failed=False):
        """Close the store and release the lock. With ``failed``, a store this call
        created and that holds no cell is removed, so that the same command can simply
        be run again (nothing computed is lost: there was nothing)."""
        try:
            empty = failed and (self.conn is None or (self.created_store and not self.done()))
            if self.conn is not None:
                self.conn.close()
                self.conn = None
            if empty and self.created_store:
                self._remove_own_files()
            if empty and self.created_dir:
                try:
                    self.run_dir.rmdir()  # only if nothing else is in it
                except OSError:
                    pass
        finally:
            self._lock.release()


def _resolved_today(old):
    """A stored config (an earlier refsim left some defaults out) as this refsim
    resolves it, or None if it no longer resolves."""
    from .checks import ConfigError
    from .config import resolve_config

    try:
        return resolve_config(old)
    except (ConfigError, TypeError, KeyError, AttributeError):
        return None


def _same_experiment(old, digest) -> bool:
    """Whether a stored config resolves today to the config whose digest is ``digest``."""
    today = _resolved_today(old)
    return today is not None and config_digest(today) == digest


def _first_difference(a, b, path="") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                return _first_difference(a.get(k), b.get(k), f"{path}.{k}" if path else k)
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path or 'config'}: {show_value(a)} then, {show_value(b)} now"



class _Reader:
    """A read-only connection to a checked store; SQLite errors while reading become a
    :class:`RunDirError` naming the file."""

    def __init__(self, run_dir):
        path = Path(run_dir)
        db = path / DB if path.is_dir() else path
        if not db.exists():
            raise RunDirError(f"{str(run_dir)!r} is not a refsim run directory (no {DB})")
        check_store(db)
        self.db = db
        self.conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)

    def __enter__(self):
        return self.conn

    def __exit__(self, kind, exc, tb):
        self.conn.close()
        import pandas as pd

        if isinstance(exc, (sqlite3.Error, pd.errors.DatabaseError)):
            raise RunDirError(f"{str(self.db)!r} cannot be read ({exc}); it is damaged or "
                              f"not written by this version of refsim") from None
        return False


def _connect(run_dir):
    return _Reader(run_dir)


def _parse_meta(stored, db, hint=""):
    """The meta table's JSON, checked for the shape the readers rely on."""
    def bad(why):
        return RunDirError(f"{str(db)!r} is damaged or not written by refsim: {why}{hint}")

    try:
        meta = json.loads(stored["meta"])
        config = json.loads(stored["config"])
        points = json.loads(stored["points"])
    except (KeyError, TypeError, ValueError) as exc:
        raise bad(f"its meta table cannot be read ({type(exc).__name__})") from None
    if not isinstance(meta, dict) or not isinstance(config, dict):
        raise bad("meta and config must be JSON objects")
    axes, camps = meta.get("axes"), meta.get("campaigns")
    if stored.get("store_version", "2") != "2" and not {"metrics", "series"} <= set(meta):
        raise bad("meta lists no metrics or series")
    meta.setdefault("metrics", list(METRICS))  # layout 2 did not list them
    meta.setdefault("series", list(SERIES))
    named = [meta["metrics"], meta["series"]]
    if not all(isinstance(x, list) and x and all(
            isinstance(m, str) and _IDENTIFIER.fullmatch(m) for m in x) for x in named) \
            or meta["metrics"][:2] != ["reach", "steps"]:
        raise bad("meta.metrics and meta.series must be lists of column names, the "
                  "metrics starting with reach and steps")
    if not (isinstance(axes, list) and all(isinstance(a, str) for a in axes)):
        raise bad("meta.axes must be a list of names")
    if not (isinstance(camps, list) and camps and all(isinstance(c, str) for c in camps)
            and len(set(camps)) == len(camps)):
        raise bad("meta.campaigns must be a list of distinct names")
    reserved = {"cell", "campaign", "run", "strategy", "k", "budget", "n_seeds",
                "sender_reward", "recipient_reward", *meta["metrics"]}
    if len(set(axes)) != len(axes) or reserved & set(axes):
        raise bad("meta.axes repeats a name or uses a column name")
    if not (isinstance(points, list) and all(
            isinstance(p, dict) and list(p) == axes for p in points)):
        raise bad("its sweep points do not match its axes")
    meta["config"] = config
    meta["config_text"] = str(stored.get("config_text", ""))
    return meta, points


def load_meta(run_dir: str | os.PathLike[str]) -> dict:
    """Return what a run directory says about itself (see the docs of the results
    contract): name, question, config, axes, baseline, campaigns, cells, complete, ...
    """
    import pandas as pd

    reader = _connect(run_dir)
    with reader as conn:
        stored = dict(conn.execute("SELECT key, value FROM meta"))
        done = {r[0] for r in conn.execute("SELECT cell FROM cells")}
    meta, points = _parse_meta(stored, reader.db)
    cells = pd.DataFrame([{"cell": i, **p} for i, p in enumerate(points)])
    meta["cells"] = cells
    meta["complete"] = len(done) == len(points)
    meta["done"] = sorted(done)
    return meta


def load_results(run_dir: str | os.PathLike[str]) -> pd.DataFrame:
    """Return one row per (cell, campaign, run) as a pandas DataFrame.

    Columns: ``cell``, one per sweep axis (named by its key), ``campaign``,
    ``strategy``, ``k``, ``budget``, ``sender_reward``, ``recipient_reward``,
    ``seed_sets`` (``"per_run"``: every run drew its own seeds, so the runs' spread
    includes the choice of seeds; ``"fixed"``: one set for all runs), ``n_seeds`` (of
    the run), ``run``, then the metrics that apply to the model (``reach``,
    ``steps``; for the referral model also adoptions by source, referrals, virality and
    money: ``revenue``, ``cost``, ``profit``, ``roi``, ``cac``, ...). Rows with equal
    ``(cell, run)`` used the same random stream (common random numbers). Only committed
    cells appear.

    Parameters
    ----------
    run_dir : path
        A directory written by ``refsim run`` (or its ``results.sqlite``).
    """
    import pandas as pd

    meta = load_meta(run_dir)
    with _connect(run_dir) as conn:
        camps = pd.read_sql_query(
            "SELECT cell, campaign, name, strategy, k, budget, sender_reward, "
            "recipient_reward, seed_sets FROM campaigns", conn)
        runs = pd.read_sql_query(
            f"SELECT cell, campaign, run, n_seeds, "
            f"{', '.join(chr(34) + m + chr(34) for m in meta['metrics'])} FROM runs "
            f"ORDER BY cell, campaign, run", conn)
    if not camps["name"].isin(meta["campaigns"]).all():
        raise RunDirError(f"{str(run_dir)!r} is damaged: its campaigns table names a "
                          f"campaign its meta table does not list")
    df = runs.merge(camps, on=["cell", "campaign"], how="left")
    df = df.merge(meta["cells"], on="cell", how="left")
    df = df.sort_values(["cell", "campaign", "run"], kind="stable")
    df = df.drop(columns="campaign").rename(columns={"name": "campaign"})
    metrics = [m for m in meta["metrics"] if m in ("reach", "steps") or df[m].notna().any()]
    for m in ("reach", "steps"):
        df[m] = df[m].astype("int64")
    for m in ("k", "budget", "sender_reward", "recipient_reward"):
        df[m] = df[m].astype("float64")  # NULL (not set) becomes NaN
    df["n_seeds"] = df["n_seeds"].astype("int64")
    order = (["cell"] + meta["axes"] + ["campaign", "strategy", "k", "budget",
                                         "sender_reward", "recipient_reward", "seed_sets",
                                         "n_seeds", "run"] + metrics)
    df = df[order].reset_index(drop=True)
    df["campaign"] = pd.Categorical(df["campaign"], categories=meta["campaigns"])
    df.attrs["axes"] = list(meta["axes"])  # explicit: analysis and reports read them
    return df


def load_curves(run_dir: str | os.PathLike[str], *,
                raw: bool = False) -> pd.DataFrame | dict[tuple[int, str, str], np.ndarray]:
    """Return the per-step curves: by default a summary, one row per (cell, campaign,
    series, step) with the cell's sweep values (one column per axis, as in
    :func:`load_results`), ``mean``, ``sem``, ``lo``, ``hi`` (confidence interval of the
    mean at the experiment's level) and ``runs``; with ``raw=True`` a dict mapping
    ``(cell, campaign, series)`` to the (runs, steps + 1) array.
    """
    import pandas as pd

    from ..result import t_quantile

    meta = load_meta(run_dir)
    names = meta["campaigns"]
    series = meta["series"]
    arrays = {}
    reader = _connect(run_dir)
    with reader as conn:
        for cell, j, *blobs in conn.execute(
                f"SELECT cell, campaign, "
                f"{', '.join(chr(34) + 'curve_' + s + chr(34) for s in series)} FROM runs "
                f"ORDER BY cell, campaign, run"):
            if not 0 <= j < len(names):
                raise RunDirError(f"{str(run_dir)!r} is damaged: its runs table holds "
                                  f"campaign {j}, which its meta table does not list")
            for s, b in zip(series, blobs):
                if b is not None:
                    arrays.setdefault((cell, names[j], s), []).append(_unblob(b, reader.db))
    try:
        arrays = {k: np.vstack(v) for k, v in arrays.items()}
    except ValueError:  # curves of unequal lengths
        raise RunDirError(f"{str(run_dir)!r} is damaged: its curves differ in length "
                          f"within a campaign") from None
    if raw:
        return arrays
    frames = []
    for (cell, camp, s), a in arrays.items():
        runs, cols = a.shape
        mean = a.mean(axis=0)  # counts: always finite, so every run counts
        if runs > 1:
            sem = a.std(axis=0, ddof=1) / np.sqrt(runs)
            half = t_quantile(meta["level"], runs - 1) * sem
        else:
            sem = half = np.full(cols, np.nan)
        frames.append(pd.DataFrame({
            "cell": cell, "campaign": camp, "series": s, "step": np.arange(cols),
            "mean": mean, "sem": sem, "lo": mean - half, "hi": mean + half, "runs": runs}))
    columns = ["cell", *meta["axes"], "campaign", "series", "step", "mean", "sem", "lo",
               "hi", "runs"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out = out.merge(meta["cells"], on="cell", how="left")[columns]  # the sweep's values
    out.attrs["axes"] = list(meta["axes"])
    return out


def load_trees(run_dir: str | os.PathLike[str]) -> list[dict]:
    """Return the example referral tree stored for each (cell, campaign): dicts with
    ``cell``, ``campaign``, ``run``, ``nodes`` (adopters in adoption order), ``parents``
    (the referrer of each, -1 for seeds and outside adoptions) and ``seeds``."""
    meta = load_meta(run_dir)
    out = []
    reader = _connect(run_dir)
    with reader as conn:
        for cell, j, run, nodes, parents, seeds in conn.execute(
                "SELECT t.cell, t.campaign, t.run, t.nodes, t.parents, "
                "COALESCE(r.seeds, c.seeds) "
                "FROM trees t JOIN campaigns c ON t.cell = c.cell AND "
                "t.campaign = c.campaign LEFT JOIN runs r ON r.cell = t.cell AND "
                "r.campaign = t.campaign AND r.run = t.run ORDER BY t.cell, t.campaign"):
            if not 0 <= j < len(meta["campaigns"]):
                raise RunDirError(f"{str(run_dir)!r} is damaged: its trees table holds "
                                  f"campaign {j}, which its meta table does not list")
            nodes, parents = (_unblob(nodes, reader.db).copy(),
                              _unblob(parents, reader.db).copy())
            if nodes.shape != parents.shape:
                raise RunDirError(f"{str(run_dir)!r} is damaged: a referral tree's "
                                  f"nodes and parents differ in length")
            out.append({"cell": cell, "campaign": meta["campaigns"][j], "run": run,
                        "nodes": nodes, "parents": parents,
                        "seeds": _unblob(seeds, reader.db).copy()})
    return out


def load_seed_sets(run_dir: str | os.PathLike[str], per_run: bool = False) -> list[tuple]:
    """Return each campaign's stored seed sets as node numbers: ``(cell, campaign index,
    strategy, run, nodes)`` with ``run`` None for a set every run shares, in cell,
    campaign and run order; with ``per_run`` also the sets of campaigns that drew seeds
    in every run (see :func:`refsim.load_seeds`, which names them by customer id)."""
    reader = _connect(run_dir)
    with reader as conn:
        fixed = conn.execute("SELECT cell, campaign, strategy, seed_sets, seeds FROM "
                             "campaigns ORDER BY cell, campaign").fetchall()
        drawn = (conn.execute("SELECT cell, campaign, run, seeds FROM runs WHERE seeds "
                              "IS NOT NULL ORDER BY cell, campaign, run").fetchall()
                 if per_run else [])
    strategy_of = {(c, j): s for c, j, s, _, _ in fixed}
    out = [(c, j, s, None, _unblob(blob, reader.db)) for c, j, s, kind, blob in fixed
           if kind != "per_run"]
    out += [(c, j, strategy_of[(c, j)], r, _unblob(blob, reader.db))
            for c, j, r, blob in drawn]
    return sorted(out, key=lambda t: (t[0], t[1], -1 if t[3] is None else t[3]))
