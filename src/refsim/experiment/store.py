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
import sqlite3
from pathlib import Path

import numpy as np

__all__ = ["ResultsStore", "load_results", "load_curves", "load_trees", "load_meta",
           "METRICS", "RunDirError"]

#: Per-run outputs stored for every model, then those of the referral model.
METRICS = ("reach", "steps", "aware", "advocates", "seed", "referral", "outside",
           "referral_advocates", "outside_advocates", "referrals_sent",
           "referrals_converted", "depth", "largest_cascade", "virality", "revenue",
           "cost", "profit", "roi", "cac", "cost_per_referral", "rewards", "seed_cost",
           "ad_cost")
SERIES = ("adopters", "aware", "advocates")
DB = "results.sqlite"

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cells (
    cell INTEGER PRIMARY KEY, point TEXT NOT NULL, runs INTEGER NOT NULL,
    seconds REAL NOT NULL, finished TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS campaigns (
    cell INTEGER NOT NULL, campaign INTEGER NOT NULL, name TEXT NOT NULL,
    strategy TEXT NOT NULL, k REAL, budget REAL, sender_reward REAL NOT NULL,
    recipient_reward REAL NOT NULL, n_seeds INTEGER NOT NULL, seeds BLOB NOT NULL,
    PRIMARY KEY (cell, campaign));
CREATE TABLE IF NOT EXISTS runs (
    cell INTEGER NOT NULL, campaign INTEGER NOT NULL, run INTEGER NOT NULL,
    {", ".join(f"{m} REAL" for m in METRICS)},
    {", ".join(f"curve_{s} BLOB" for s in SERIES)},
    PRIMARY KEY (cell, campaign, run));
CREATE TABLE IF NOT EXISTS trees (
    cell INTEGER NOT NULL, campaign INTEGER NOT NULL, run INTEGER NOT NULL,
    nodes BLOB NOT NULL, parents BLOB NOT NULL, PRIMARY KEY (cell, campaign));
"""


class RunDirError(ValueError):
    """A run directory that cannot be used as asked (exists, differs, or is not one)."""


def _blob(a) -> bytes:
    return np.ascontiguousarray(a, dtype="<i8").tobytes()


def _unblob(b) -> np.ndarray:
    return np.frombuffer(b, dtype="<i8")


def config_digest(cfg) -> str:
    """A fingerprint of a resolved config, to refuse resuming a different experiment."""
    text = json.dumps(cfg, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class ResultsStore:
    """Write access to a run directory's store (one writer: the process running the
    sweep).

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
    """

    def __init__(self, run_dir, cfg, cells, *, resume=False, config_text="", extra_meta=None):
        self.run_dir = Path(run_dir)
        db = self.run_dir / DB
        digest = config_digest(cfg)
        if db.exists():
            if not resume:
                raise RunDirError(f"{str(self.run_dir)!r} already holds results; pass "
                                  f"--resume to finish it, or --out for a new directory")
            self.conn = sqlite3.connect(db, isolation_level=None)
            stored = dict(self.conn.execute("SELECT key, value FROM meta"))
            if stored.get("digest") != digest:
                old = json.loads(stored.get("config", "{}"))
                raise RunDirError(f"cannot resume {str(self.run_dir)!r}: its config differs "
                                  f"({_first_difference(old, cfg)}); use --out for a new "
                                  f"directory")
            return
        if resume and not self.run_dir.exists():
            raise RunDirError(f"cannot resume {str(self.run_dir)!r}: no such run directory")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        from .. import __version__

        meta = {
            "name": cfg["experiment"]["name"], "question": cfg["experiment"]["question"],
            "seed": cfg["experiment"]["seed"], "version": __version__,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds"),
            "axes": list(cfg["sweep"].get("axes", {})), "mode": cfg["sweep"].get("mode"),
            "baseline": cfg["experiment"]["baseline"],
            "campaigns": [c["name"] for c in cfg["campaign"]],
            "model": cfg["model"]["kind"], "level": cfg["experiment"]["level"],
            "n_cells": len(cells), **(extra_meta or {}),
        }
        (self.run_dir / "config.toml").write_text(config_text, encoding="utf-8")
        (self.run_dir / "meta.json").write_text(json.dumps(meta, indent=2) + "\n",
                                                encoding="utf-8")
        tmp = self.run_dir / (DB + ".tmp")
        if tmp.exists():
            tmp.unlink()
        conn = sqlite3.connect(tmp, isolation_level=None)
        conn.executescript(_SCHEMA)
        conn.execute("BEGIN")
        rows = {"config": json.dumps(cfg), "digest": digest, "meta": json.dumps(meta),
                "config_text": config_text,
                "points": json.dumps(cells)}
        conn.executemany("INSERT INTO meta VALUES (?, ?)", rows.items())
        conn.execute("COMMIT")
        conn.close()
        os.replace(tmp, db)  # the store appears whole or not at all
        self.conn = sqlite3.connect(db, isolation_level=None)

    def done(self) -> set:
        """Cells already committed."""
        return {r[0] for r in self.conn.execute("SELECT cell FROM cells")}

    def write_cell(self, result) -> None:
        """Commit one cell's results (see :func:`refsim.experiment.runner.run_cell`) in
        one transaction."""
        c = self.conn
        cell = int(result["cell"])
        c.execute("BEGIN IMMEDIATE")
        try:
            for j, camp in enumerate(result["campaigns"]):
                c.execute("INSERT INTO campaigns VALUES (?,?,?,?,?,?,?,?,?,?)", (
                    cell, j, camp["name"], camp["strategy"], camp["k"], camp["budget"],
                    camp["sender_reward"], camp["recipient_reward"],
                    int(len(camp["seeds"])), _blob(camp["seeds"])))
                metrics = camp["metrics"]
                runs = len(metrics["reach"])
                cols = [np.asarray(metrics[m], dtype=np.float64) if m in metrics else None
                        for m in METRICS]
                curves = [camp["curves"].get(s) for s in SERIES]
                rows = []
                for r in range(runs):
                    row = [cell, j, r]
                    row += [None if col is None or not np.isfinite(col[r]) else float(col[r])
                            for col in cols]
                    row += [None if cv is None else _blob(cv[r]) for cv in curves]
                    rows.append(row)
                marks = ",".join("?" * (3 + len(METRICS) + len(SERIES)))
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
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    def close(self):
        self.conn.close()


def _first_difference(a, b, path="") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                return _first_difference(a.get(k), b.get(k), f"{path}.{k}" if path else k)
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path or 'config'}: {a!r} then, {b!r} now"


def _connect(run_dir) -> sqlite3.Connection:
    path = Path(run_dir)
    db = path / DB if path.is_dir() else path
    if not db.exists():
        raise RunDirError(f"{str(run_dir)!r} is not a refsim run directory (no {DB})")
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def load_meta(run_dir) -> dict:
    """Return what a run directory says about itself (see the docs of the results
    contract): name, question, config, axes, baseline, campaigns, cells, complete, ...
    """
    import pandas as pd

    with _connect(run_dir) as conn:
        stored = dict(conn.execute("SELECT key, value FROM meta"))
        done = {r[0] for r in conn.execute("SELECT cell FROM cells")}
    meta = json.loads(stored["meta"])
    meta["config"] = json.loads(stored["config"])
    meta["config_text"] = stored.get("config_text", "")
    points = json.loads(stored["points"])
    cells = pd.DataFrame([{"cell": i, **p} for i, p in enumerate(points)])
    meta["cells"] = cells
    meta["complete"] = len(done) == len(points)
    meta["done"] = sorted(done)
    return meta


def load_results(run_dir):
    """Return one row per (cell, campaign, run) as a pandas DataFrame.

    Columns: ``cell``, one per sweep axis (named by its key), ``campaign``,
    ``strategy``, ``k``, ``budget``, ``sender_reward``, ``recipient_reward``,
    ``n_seeds``, ``run``, then the metrics that apply to the model (``reach``,
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
            "recipient_reward, n_seeds FROM campaigns", conn)
        runs = pd.read_sql_query(
            f"SELECT cell, campaign, run, {', '.join(METRICS)} FROM runs "
            f"ORDER BY cell, campaign, run", conn)
    df = runs.merge(camps, on=["cell", "campaign"], how="left")
    df = df.merge(meta["cells"], on="cell", how="left")
    df = df.sort_values(["cell", "campaign", "run"], kind="stable")
    df = df.drop(columns="campaign").rename(columns={"name": "campaign"})
    metrics = [m for m in METRICS if m in ("reach", "steps") or df[m].notna().any()]
    for m in ("reach", "steps"):
        df[m] = df[m].astype("int64")
    for m in ("k", "budget", "sender_reward", "recipient_reward"):
        df[m] = df[m].astype("float64")  # NULL (not set) becomes NaN
    df["n_seeds"] = df["n_seeds"].astype("int64")
    order = (["cell"] + meta["axes"] + ["campaign", "strategy", "k", "budget",
                                         "sender_reward", "recipient_reward", "n_seeds",
                                         "run"] + metrics)
    df = df[order].reset_index(drop=True)
    df["campaign"] = pd.Categorical(df["campaign"], categories=meta["campaigns"])
    return df


def load_curves(run_dir, *, raw=False):
    """Return the per-step curves: by default a summary, one row per (cell, campaign,
    series, step) with ``mean``, ``sem``, ``lo``, ``hi`` (confidence interval of the
    mean at the experiment's level) and ``runs``; with ``raw=True`` a dict mapping
    ``(cell, campaign, series)`` to the (runs, steps + 1) array.
    """
    import pandas as pd

    from ..result import _t_quantile

    meta = load_meta(run_dir)
    names = meta["campaigns"]
    arrays = {}
    with _connect(run_dir) as conn:
        for cell, j, *blobs in conn.execute(
                f"SELECT cell, campaign, {', '.join('curve_' + s for s in SERIES)} FROM runs "
                f"ORDER BY cell, campaign, run"):
            for s, b in zip(SERIES, blobs):
                if b is not None:
                    arrays.setdefault((cell, names[j], s), []).append(_unblob(b))
    arrays = {k: np.vstack(v) for k, v in arrays.items()}
    if raw:
        return arrays
    frames = []
    for (cell, camp, s), a in arrays.items():
        runs, cols = a.shape
        mean = a.mean(axis=0)  # counts: always finite, so every run counts
        if runs > 1:
            sem = a.std(axis=0, ddof=1) / np.sqrt(runs)
            half = _t_quantile(meta["level"], runs - 1) * sem
        else:
            sem = half = np.full(cols, np.nan)
        frames.append(pd.DataFrame({
            "cell": cell, "campaign": camp, "series": s, "step": np.arange(cols),
            "mean": mean, "sem": sem, "lo": mean - half, "hi": mean + half, "runs": runs}))
    columns = ["cell", "campaign", "series", "step", "mean", "sem", "lo", "hi", "runs"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def load_trees(run_dir) -> list:
    """Return the example referral tree stored for each (cell, campaign): dicts with
    ``cell``, ``campaign``, ``run``, ``nodes`` (adopters in adoption order), ``parents``
    (the referrer of each, -1 for seeds and outside adoptions) and ``seeds``."""
    meta = load_meta(run_dir)
    out = []
    with _connect(run_dir) as conn:
        for cell, j, run, nodes, parents, seeds in conn.execute(
                "SELECT t.cell, t.campaign, t.run, t.nodes, t.parents, c.seeds "
                "FROM trees t JOIN campaigns c ON t.cell = c.cell AND "
                "t.campaign = c.campaign ORDER BY t.cell, t.campaign"):
            out.append({"cell": cell, "campaign": meta["campaigns"][j], "run": run,
                        "nodes": _unblob(nodes).copy(), "parents": _unblob(parents).copy(),
                        "seeds": _unblob(seeds).copy()})
    return out
