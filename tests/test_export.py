"""``refsim export``: the summary table against statistics computed here from the runs,
money to the cent, the order of the axes, the xlsx file, and the data dictionary in
step with what the exports write and with docs/export.md."""

import contextlib
import csv
import importlib
import pathlib
import re
import sys

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from refsim.cli import main
from refsim.experiment import load_results, resolve_config, run_experiment
from refsim.experiment.dictionary import AXIS, EXPORTS, METRIC, describe, markdown
from refsim.experiment.export import MONEY_FORMAT, TABLES, export_frame, summary_frame

#: The module (``refsim.experiment.export`` is also the name of its function).
export_mod = importlib.import_module("refsim.experiment.export")
ROOT = pathlib.Path(__file__).resolve().parents[1]
#: Config order, not alphabetical: the export must keep it.
AXES = ["model.share", "economics.customer_value"]
LEVEL = 0.9  # not the default: the summary must take the run's level
BASELINE = "no reward"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Four cells x three campaigns x 8 runs; a customer value of $33.333 makes the
    revenue and profit of a run carry sub-cent digits."""
    cfg = resolve_config({
        "experiment": {"name": "export", "seed": 5, "runs": 8, "steps": 8,
                       "baseline": BASELINE, "level": LEVEL},
        "graph": {"generator": "holme_kim", "n": 400, "m": 3, "triad_p": 0.5},
        "model": {"share": 0.2, "conversion": 0.3},
        "campaign": [{"name": "random", "seeding": "random", "k": 5},
                     {"name": BASELINE, "seeding": "degree", "k": 5},
                     {"name": "two-sided", "seeding": "degree", "k": 5,
                      "program": "two_sided", "reward": 7.5}],
        "sweep": {"axes": {"model.share": [0.1, 0.3],
                           "economics.customer_value": [33.333, 50.0]}}})
    out = tmp_path_factory.mktemp("export") / "run"
    run_experiment(cfg, out, progress=False, workers=1)
    return out


def cli(capsys, *args):
    status = main([str(a) for a in args])
    got = capsys.readouterr()
    return status, got.out, got.err


def t_interval(x, level):
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) < 2:
        return (x.mean() if len(x) else np.nan), np.nan, np.nan, len(x)
    half = stats.t.ppf(0.5 + level / 2, len(x) - 1) * stats.sem(x)
    return x.mean(), x.mean() - half, x.mean() + half, len(x)


def money_columns(frame, table):
    return [d.column for d in describe(table, frame.columns, frame.attrs.get("axes", ()))
            if d.money]


@contextlib.contextmanager
def shout(registered):
    """The ``shout`` plug-in kind registered or not, and the registry left as it was
    found (collecting tests/broadcast_plugin.py for doctests registers it already)."""
    import broadcast_plugin

    from refsim.model_registry import model_kinds, register_model, unregister_model

    def put(present):
        if present:
            register_model(broadcast_plugin.KIND, replace=True)
        else:
            unregister_model("shout")

    had = "shout" in model_kinds()
    put(registered)
    try:
        yield
    finally:
        put(had)


def same(a, b):
    """Equal floats, or both undefined."""
    if pd.isna(a) or pd.isna(b):
        return pd.isna(a) and pd.isna(b)
    return a == pytest.approx(b, rel=1e-10, abs=1e-9)


# --- the summary's numbers ----------------------------------------------------------------

def test_summary_statistics_match_scipy_on_the_stored_runs(run):
    runs = load_results(run)
    metrics = list(runs.columns[list(runs.columns).index("run") + 1:])
    table = summary_frame(run)  # unrounded
    assert len(table) == 4 * 3
    assert (table["level"] == LEVEL).all() and (table["baseline"] == BASELINE).all()
    for _, row in table.iterrows():
        here = runs[(runs.cell == row["cell"]) & (runs.campaign == row["campaign"])]
        base = runs[(runs.cell == row["cell"]) & (runs.campaign == BASELINE)]
        assert row["runs"] == len(here) == 8
        for m in metrics:
            mean, lo, hi, n = t_interval(here[m], LEVEL)
            got = row[[f"{m}_mean", f"{m}_lo", f"{m}_hi"]].tolist()
            assert all(same(g, e) for g, e in zip(got, (mean, lo, hi))), (m, got)
            assert row[f"{m}_runs"] == n
            pair = here[["run", m]].merge(base[["run", m]], on="run", suffixes=("", "_b"))
            if row["campaign"] == BASELINE:
                assert pd.isna(row[f"{m}_vs_baseline"])
                assert row[f"{m}_vs_baseline_pairs"] is pd.NA
                continue
            d_mean, d_lo, d_hi, pairs = t_interval(pair[m] - pair[f"{m}_b"], LEVEL)
            got = row[[f"{m}_vs_baseline", f"{m}_vs_baseline_lo",
                       f"{m}_vs_baseline_hi"]].tolist()
            assert all(same(g, e) for g, e in zip(got, (d_mean, d_lo, d_hi))), (m, got)
            assert row[f"{m}_vs_baseline_pairs"] == pairs


def test_recommended_and_tie_follow_profit_paired_against_the_runner_up(run):
    runs = load_results(run)
    table = summary_frame(run)
    assert (table["objective"] == "profit").all()
    ties = 0
    for cell, rows in table.groupby("cell"):
        here = runs[runs.cell == cell]
        means = here.groupby("campaign", observed=True)["profit"].mean()
        best, runner = means.sort_values(ascending=False).index[:2]
        a = here[here.campaign == best].set_index("run")["profit"]
        b = here[here.campaign == runner].set_index("run")["profit"]
        _, lo, hi, _ = t_interval(a - b, LEVEL)
        tie = bool(lo <= 0 <= hi)
        ties += tie
        picked = rows.set_index("campaign")
        assert picked["recommended"].to_dict() == {c: c == best for c in picked.index}
        assert picked["tie"].to_dict() == {c: tie and c in (best, runner)
                                           for c in picked.index}
    assert 0 < ties < 4, "the fixture should hold both a tie and a clear winner"


# --- money and order ----------------------------------------------------------------------

@pytest.mark.parametrize("table", ["results", "summary"])
def test_money_is_written_to_the_cent(run, tmp_path, table):
    raw = load_results(run) if table == "results" else summary_frame(run)
    money = money_columns(raw, table)
    assert {"revenue", "profit", "cac"} <= {re.sub(r"_(mean|lo|hi|vs_baseline.*)$", "", c)
                                            for c in money}
    sub_cent = [c for c in money if (np.abs(raw[c] * 100 - np.round(raw[c] * 100)) > 1e-6
                                     ).any()]
    assert sub_cent, "the fixture should hold money with more than two decimals"
    out = export_mod.export(run, tmp_path / f"{table}.csv", summary=table == "summary")
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    for c in money:
        texts = [r[c] for r in rows if r[c] != ""]
        assert texts and all(re.fullmatch(r"-?\d+\.\d\d", t) for t in texts), (c, texts[:3])
        expected = np.round(raw[c].to_numpy(dtype=float), 2)
        written = np.array([float(r[c]) if r[c] else np.nan for r in rows])
        np.testing.assert_array_equal(written, expected + 0.0)
    roi = [r["roi" if table == "results" else "roi_mean"] for r in rows]
    assert any(len(t.partition(".")[2]) > 2 for t in roi), "only money is rounded"


def test_axes_are_columns_in_config_order(run):
    assert list(load_results(run).columns[1:3]) == AXES  # as stored
    head = ["cell", *AXES, "campaign", "strategy", "k", "budget", "sender_reward",
            "recipient_reward", "seed_sets", "runs", "level", "baseline", "objective",
            "recommended", "tie", "reach_mean", "reach_lo", "reach_hi", "reach_runs",
            "reach_vs_baseline", "reach_vs_baseline_lo", "reach_vs_baseline_hi",
            "reach_vs_baseline_pairs", "steps_mean"]
    summary = export_frame(run, "summary")
    assert list(summary.columns[:len(head)]) == head
    assert list(export_frame(run, "results").columns[1:3]) == AXES
    # and the rows: cells in order, campaigns in config order within each cell
    assert summary["campaign"].astype(str).tolist() == ["random", BASELINE,
                                                        "two-sided"] * 4
    assert summary["model.share"].tolist() == [0.1] * 6 + [0.3] * 6


# --- xlsx -------------------------------------------------------------------------------

@pytest.mark.parametrize("table", ["results", "summary"])
def test_xlsx_round_trip(run, tmp_path, capsys, table):
    openpyxl = pytest.importorskip("openpyxl", reason="xlsx export needs openpyxl "
                                                      "(pip install 'refsim[xlsx]')")
    out = tmp_path / "t.xlsx"
    args = ["export", run, "--format", "xlsx", "--out", out]
    status, _, err = cli(capsys, *args, *(["--summary"] if table == "summary" else []))
    assert status == 0, err
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == [table, "dictionary"]
    expected = export_frame(run, table)
    got = sheets[table]
    assert list(got.columns) == list(expected.columns)
    for c in expected.columns:
        e, g = expected[c].to_numpy(dtype=object), got[c].to_numpy(dtype=object)
        assert all(same(a, b) if isinstance(b, float) else a == b or str(a) == str(b)
                   for a, b in zip(e, g)), c
    words = sheets["dictionary"]
    assert list(words.columns) == ["column", "meaning", "unit"]
    assert words["column"].tolist() == list(expected.columns)
    unit = dict(zip(words["column"], words["unit"]))
    assert unit["profit_mean" if table == "summary" else "profit"] == "$"
    sheet = openpyxl.load_workbook(out)[table]
    head = [c.value for c in sheet[1]]
    profit = head.index("profit_mean" if table == "summary" else "profit") + 1
    reach = head.index("reach_mean" if table == "summary" else "reach") + 1
    assert sheet.cell(2, profit).number_format == MONEY_FORMAT
    assert sheet.cell(2, reach).number_format == "General"
    assert sheet.freeze_panes == "A2"


def test_xlsx_without_openpyxl_names_the_extra(run, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl fails
    out = tmp_path / "s.xlsx"
    status, _, err = cli(capsys, "export", run, "--summary", "--format", "xlsx",
                         "--out", out)
    assert status == 2
    assert err.strip() == ('refsim export: error: xlsx export needs openpyxl: '
                           'pip install "refsim[xlsx]"')
    assert not out.exists() and not list(tmp_path.iterdir())


def test_a_table_too_long_for_a_sheet_is_refused(run, tmp_path, capsys, monkeypatch):
    pytest.importorskip("openpyxl")
    monkeypatch.setattr(export_mod, "XLSX_ROWS", 11)
    out = tmp_path / "s.xlsx"
    status, _, err = cli(capsys, "export", run, "--summary", "--format", "xlsx",
                         "--out", out)
    assert status == 2 and len(err.strip().splitlines()) == 1, err
    assert "12 rows" in err and "use --format csv or parquet" in err
    assert not list(tmp_path.iterdir())


# --- the command line ------------------------------------------------------------------

def test_summary_default_path_and_atomic_write(run, capsys):
    for fmt in ("csv", "parquet"):
        status, out, err = cli(capsys, "export", run, "--summary", "--format", fmt)
        assert status == 0, err
        assert out.strip() == str(run / f"summary.{fmt}")
    back = pd.read_parquet(run / "summary.parquet")
    assert list(back.columns) == list(export_frame(run, "summary").columns)
    assert not [p for p in run.iterdir() if ".tmp-" in p.name]


@pytest.mark.parametrize("args, message", [
    (["--curves", "--summary"], "give one of --curves, --summary and --seeds"),
    (["--dictionary"], "give it without RUN_DIR"),
])
def test_export_option_mistakes(run, capsys, args, message):
    status, _, err = cli(capsys, "export", run, *args)
    assert status == 2 and len(err.strip().splitlines()) == 1 and message in err, err


def test_export_needs_a_run_dir(capsys):
    status, _, err = cli(capsys, "export")
    assert status == 2 and "give RUN_DIR" in err


def test_help_points_at_the_dictionary(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "docs/export.md" in text and "--summary" in text and "xlsx" in text


# --- the data dictionary ---------------------------------------------------------------

def test_docs_export_md_is_current(capsys):
    """docs/export.md is what ``refsim export --dictionary`` prints: regenerate it with
    ``refsim export --dictionary > docs/export.md`` after changing a column."""
    assert main(["export", "--dictionary"]) == 0
    printed = capsys.readouterr().out
    assert printed == markdown() + "\n"
    assert (ROOT / "docs" / "export.md").read_text() == printed


@pytest.mark.parametrize("table", TABLES)
def test_every_written_column_is_documented_and_every_entry_written(run, tmp_path,
                                                                    table):
    out = export_mod.export(run, tmp_path / f"{table}.csv", curves=table == "curves",
                            summary=table == "summary", seeds=table == "seeds")
    with open(out, newline="") as fh:
        written = next(csv.reader(fh))
    axes = AXES if table != "curves" else []
    rows = describe(table, written, axes)  # raises for an undocumented column
    assert [r.column for r in rows] == written
    metrics = set(load_results(run).columns[list(load_results(run).columns).index("run")
                                            + 1:])
    for entry in EXPORTS[table]:  # the other way: nothing documented that is not written
        if entry.name == AXIS:
            assert all(a in written for a in axes)
        elif METRIC in entry.name:
            head, tail = entry.name.split(METRIC)
            assert any(f"{head}{m}{tail}" in written for m in metrics), entry.name
        else:
            assert entry.name in written, entry.name
    assert table == "curves" or all(f"`{c.name}`" in markdown() for c in EXPORTS[table])


def test_dictionary_lists_every_builtin_metric_and_no_plugin_one():
    from refsim.model_registry import kind_named

    text = markdown()
    for name in ("ic", "lt", "referral"):
        for m in kind_named(name).metrics:
            assert f"| `{m.name}` | {m.unit} |" in text
    with shout(registered=True):
        assert markdown() == text  # the docs do not depend on what a session imported
        assert "| `order` |" not in text


def test_a_run_of_a_kind_not_registered_here_still_exports(tmp_path):
    """The store lists its metrics: exporting needs no registry entry for them (a
    plug-in's run read where the plug-in is not imported); they are described as of
    unknown meaning and unit, and left unrounded."""
    with shout(registered=True):
        cfg = resolve_config({
            "experiment": {"runs": 4, "steps": 3, "seed": 3},
            "graph": {"generator": "erdos_renyi", "n": 100, "mean_degree": 4},
            "model": {"kind": "shout", "rate": 0.2},
            "campaign": [{"name": "a", "seeding": "random", "k": 1},
                         {"name": "b", "seeding": "degree", "k": 5}]})
        run_experiment(cfg, tmp_path / "run", progress=False, workers=1)
        registered = {d.column: d for d in describe("results", ["order"],
                                                    metrics=["order"])}
    assert registered["order"].unit == "nodes"
    with shout(registered=False):  # a session that did not import the plug-in
        for table in TABLES:
            out = export_mod.export(tmp_path / "run", tmp_path / f"{table}.csv",
                                    curves=table == "curves", summary=table == "summary")
            assert out.exists()
        (row,) = describe("summary", ["order_mean"], metrics=["order"])
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert {"order_mean", "order_vs_baseline_pairs"} <= set(summary.columns)
    assert (summary["objective"] == "reach").all()
    assert row.unit == "" and not row.money and "not registered" in row.meaning
