"""A self-contained HTML report of one experiment run directory.

The page has no external references: figures are inline PNG ``data:`` URIs, the style
sheet is inline, and there is no script. Every piece of user text (names, question,
campaign names, config) is escaped.
"""

from __future__ import annotations

import html
import pathlib

import numpy as np
import pandas as pd

from ._report_figures import CAMPAIGN_CELLS, Page, figures_html
from .analysis import sweep_axes
from .errors import RefsimError

__all__ = ["cell_name", "render_report", "write_report"]

#: Cells described in the answer paragraph.
ANSWER_CELLS = 6
#: Customer ids listed per cell in the report's seeds table.
SEED_IDS = 12
#: Metrics of the tables, in order; those absent from the results are skipped (the
#: lifecycle's customers kept, NPS and NPV only with a lifecycle; payback is in the
#: Answer, against the baseline, where a campaign's own cash would count the sales
#: every campaign makes).
TABLE_METRICS = ("reach", "customers", "nps", "cac", "roi", "profit", "npv")

REPORT_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d232b;
       max-width: 1180px; margin: 2em auto; padding: 0 1.2em; line-height: 1.45; }
h1 { margin-bottom: 0.1em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #d6dbe1; }
.question { font-size: 1.15em; color: #3b4754; margin-top: 0.2em; }
.meta { color: #5b6672; font-size: 0.9em; }
.warning { background: #fff3cd; border: 1px solid #e0b400; padding: 0.7em 1em;
           border-radius: 4px; font-weight: 600; }
.answer { background: #eef5fb; border-left: 4px solid #2f7ebc; padding: 0.6em 1em; }
.answer li { margin: 0.3em 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.6em 0; }
th, td { border: 1px solid #ccd3da; padding: 0.2em 0.5em; text-align: right;
         vertical-align: top; }
th { background: #e9edf1; text-align: center; } td.text { text-align: left; }
td .ci { display: block; color: #5b6672; font-size: 0.85em; white-space: nowrap; }
tbody tr:nth-child(even) { background: #f7f9fb; }
td.up { font-weight: 700; background: #dcebf7; }
td.down { font-weight: 700; background: #fbe5d6; }
.key-up { background: #dcebf7; padding: 0 0.3em; }
.key-down { background: #fbe5d6; padding: 0 0.3em; }
.figures { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
figure { margin: 0; border: 1px solid #e1e5ea; padding: 0.4em; background: #fff;
         max-width: 100%; box-sizing: border-box; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.85em; color: #4a5561; width: 0; min-width: 100%; }
pre { background: #f4f6f8; border: 1px solid #dde2e7; padding: 0.8em; overflow-x: auto;
      font-size: 0.85em; }
.note { color: #7a4b00; font-size: 0.9em; }
"""


def render_report(meta: dict, runs: pd.DataFrame, curves: pd.DataFrame, trees: list,
                  level: float = 0.95, seeds: pd.DataFrame | None = None,
                  payback: pd.DataFrame | None = None) -> str:
    """Return the HTML text of an experiment's report.

    Parameters
    ----------
    meta : dict
        As ``load_meta`` returns it; ``name``, ``question``, ``baseline``, ``complete``,
        ``config_text``, ``version``, ``seed``, ``created`` and ``model`` are used.
    runs : pandas.DataFrame
        Per-run results (``load_results``).
    curves : pandas.DataFrame
        Per-step summaries (``load_curves``).
    trees : list of dict
        Example referral trees (``load_trees``); may be empty.
    level : float, default 0.95
        Confidence level of the intervals in the tables and the answer.
    seeds : pandas.DataFrame, optional
        The campaigns' seeds by customer id (``load_seeds``): the report then lists
        whom the recommended campaign recruits.
    payback : pandas.DataFrame, optional
        When each campaign's cash overtakes the baseline's (:func:`refsim.analysis.payback`):
        the Answer then says which pays back first.

    Returns
    -------
    str
        A complete HTML page with the answer (per cell: the campaign with the highest
        mean reach and, for referral results, the best ROI, each with its paired
        difference from the baseline), the results and paired-differences tables,
        figures (adoption curves of the first cells; each campaign's objective with its
        CI per cell, the recommended one highlighted; the objective against each
        numeric sweep axis; metrics against budget or ``k`` when those vary; heatmaps
        of every campaign over the first two sweep axes; one referral tree; see
        :mod:`refsim._report_figures`), the resolved config and the run's provenance.
    """
    from .analysis import paired_differences, recommend, summarize

    if isinstance(meta.get("axes"), list):  # the run directory's own list of axes
        runs = runs.copy(deep=False)
        runs.attrs["axes"] = list(meta["axes"])
    metrics = [m for m in TABLE_METRICS if m in runs.columns]
    campaigns = [str(c) for c in pd.unique(runs["campaign"])] if len(runs) else []
    baseline = meta.get("baseline")
    baseline = baseline if baseline in campaigns else None
    summary = summarize(runs, metrics, level) if len(runs) else None
    if summary is not None and "seed_sets" in runs:
        sets = runs[["cell", "campaign", "seed_sets"]].drop_duplicates(["cell", "campaign"])
        summary = summary.merge(sets, on=["cell", "campaign"], how="left", sort=False)
    diffs = (paired_differences(runs, baseline, metrics, level)
             if summary is not None and baseline is not None and len(campaigns) > 1 else None)
    pct = f"{100 * level:g}%"
    parts = [f"<h1>{_esc(meta.get('name', 'experiment'))}</h1>"]
    if meta.get("question"):
        parts.append(f'<p class="question">{_esc(meta["question"])}</p>')
    parts.append(_provenance(meta, runs))
    if meta.get("complete") is False:
        cells = meta.get("cells")
        of = (f" ({runs['cell'].nunique()} of {len(cells)})"
              if isinstance(cells, pd.DataFrame) and len(runs) else "")
        parts.append('<p class="warning">Incomplete experiment: not every cell finished. '
                     f"The results below cover only the cells that did{of}.</p>")
    if summary is None:
        parts.append("<p>No results were recorded.</p>")
    else:
        objective, units, better = objective_of(meta, runs)
        if objective not in metrics and objective in runs:
            summary = pd.concat([summary, summarize(runs, [objective], level)],
                                ignore_index=True)
            diffs = (pd.concat([diffs, paired_differences(runs, baseline, [objective],
                                                          level)], ignore_index=True)
                     if diffs is not None else None)
        cells = sorted(pd.unique(summary["cell"]))
        picks = recommend(runs[runs["cell"].isin(cells[:max(ANSWER_CELLS, CAMPAIGN_CELLS)])],
                          objective, better, level).set_index("cell")
        parts.append(_answer(summary, picks, diffs, baseline, objective, level, units, better,
                             _head_to_head(runs, meta, objective, level, units, better),
                             _payback_sentences(payback, baseline, level),
                             posterior_note(meta),
                             _posterior_sentences(runs, meta, baseline, objective, units,
                                                  better)))
        if seeds is not None and len(seeds):
            parts.append(_seeds_table(seeds, runs, picks, meta.get("run_dir")))
        parts.append(f"<h2>Results</h2>\n<p>Mean over runs, with its {pct} confidence "
                     f"interval below it.{_seed_note(runs)}</p>")
        info = _metric_info(meta)
        parts.append(_results_table(summary, metrics, info))
        if diffs is not None:
            parts.append(f"<h2>Paired differences from the baseline "
                         f"&ldquo;{_esc(baseline)}&rdquo;</h2>")
            parts.append(f"<p>Campaign minus baseline, run by run (common random numbers): "
                         f"mean and {pct} CI. Where the interval excludes 0 the campaign "
                         f'is <span class="key-up">significantly better</span> or '
                         f'<span class="key-down">significantly worse</span> than the '
                         "baseline (for costs such as cac, lower is better).</p>")
            parts.append(_differences_table(diffs, metrics, info))
        parts.append("<h2>Figures</h2>")
        page = Page(meta, summary, diffs, baseline, picks, objective, better,
                    {m: unit for m, (unit, _) in info.items()}, float(meta.get("level", 0.95)))
        parts.append(figures_html(page, curves, trees))
    parts.append(assumptions_html(meta, calibrated=_posterior_values(meta)))
    parts.append("<h2>Resolved configuration</h2>")
    parts.append(f"<pre>{_esc(meta.get('config_text', ''))}</pre>")
    title = _esc(meta.get("name", "experiment"))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title} - refsim report</title>\n<style>{REPORT_CSS}</style>\n</head>\n"
            "<body>\n" + "\n".join(parts) + "\n</body>\n</html>\n")


def write_report(run_dir, out=None) -> pathlib.Path:
    """Write the HTML report of a run directory and return its path.

    Parameters
    ----------
    run_dir : str or os.PathLike
        A directory written by the experiment runner.
    out : str or os.PathLike, optional
        Where to write; default ``run_dir / "report.html"``.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from ._files import writing
    from .experiment.store import load_curves, load_meta, load_results, load_trees

    run_dir = pathlib.Path(run_dir)
    meta = load_meta(run_dir)
    from .experiment.seeds import load_seeds

    meta["run_dir"] = str(run_dir)
    runs = load_results(run_dir)
    cells = sorted(pd.unique(runs["cell"]))[:ANSWER_CELLS] if len(runs) else []
    level = float(meta.get("level", 0.95))
    paid, ahead = payback_of(run_dir, meta, level, ahead=True)
    curves = load_curves(run_dir)
    if ahead is not None and len(ahead):  # drawn as one more series
        curves = pd.concat([curves, ahead], ignore_index=True)
    text = render_report(meta, runs, curves, load_trees(run_dir), level=level,
                         seeds=load_seeds(run_dir, cells=cells), payback=paid)
    out = run_dir / "report.html" if out is None else pathlib.Path(out)
    with writing(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out


def assumptions_html(meta, calibrated: dict | None = None) -> str:
    """Every effective model, population, programme and economics value, with its unit
    and source; swept keys show their values, ``calibrated`` ones (key -> text) what
    the data say."""
    from .experiment.reference import assumption_rows

    cfg = meta.get("config")
    if not isinstance(cfg, dict) or not isinstance(cfg.get("model"), dict):
        return ""
    try:
        rows = assumption_rows(cfg)
    except (KeyError, TypeError, AttributeError):  # a config this version cannot read
        return ""
    axes = (cfg.get("sweep") or {}).get("axes") or {}
    body = []
    for r in rows:
        swept = axes.get(r["key"])
        if calibrated and r["key"] in calibrated:
            body.append("<tr>" + _td(r["key"], text=True)
                        + _td("calibrated: " + calibrated[r["key"]], text=True)
                        + _td(r["unit"], text=True) + _td(r["meaning"], text=True)
                        + _td("your data (posterior)", text=True) + "</tr>")
            continue
        value = ("swept: " + ", ".join(_value(v) for v in swept) if swept is not None
                 else {True: "yes", False: "no"}.get(r["value"], _value(r["value"]))
                 if isinstance(r["value"], bool) else _value(r["value"]))
        if (swept is None and str(r["unit"]).startswith("$") and value
                and isinstance(r["value"], (int, float)) and not isinstance(r["value"], bool)):
            value = f"${value}"  # money reads as money
        body.append("<tr>" + _td(r["key"], text=True) + _td(value, text=True)
                    + _td(r["unit"], text=True) + _td(r["meaning"], text=True)
                    + _td(r["source"], text=True) + "</tr>")
    if not body:
        return ""
    return ("<h2>Assumptions</h2>\n<p>Every value the model ran with, defaults included. "
            "<em>assumption</em> marks a starting value to calibrate to your market, not "
            "an estimate. Every key a config can set, with its default and allowed "
            "values: <code>refsim config defaults</code>, or docs/config.md in refsim's "
            "source.</p>\n"
            + _table(("key", "value", "unit", "meaning", "source"), body, "assumptions"))


def _metric_info(meta) -> dict:
    """``{metric: (unit, higher_is_better)}`` from the run's model kind (empty if unknown)."""
    from .model_registry import kind_named

    try:
        return {m.name: (m.unit, m.higher_is_better)
                for m in kind_named(str(meta.get("model"))).metrics}
    except ValueError:
        return {}


def _head(metric, info, delta=False):
    """A column head with the metric's unit: ``profit ($)``."""
    unit = info.get(metric, ("", None))[0]
    unit = {"ratio": "profit per $ of cost"}.get(unit, unit)
    text = ("&Delta; " if delta else "") + _esc(metric)
    return text + (f' <span class="unit">({_esc(unit)})</span>' if unit else "")


def objective_of(meta, runs):
    """(metric, its unit, whether higher is better) the Answer ranks campaigns by: the
    config's experiment.objective, else profit where recorded, else reach."""
    objective = meta.get("objective") or ("profit" if "profit" in runs else "reach")
    unit, better = _metric_info(meta).get(objective, ("", True))
    return objective, unit, better is not False


def _provenance(meta, runs):
    items = [("refsim", meta.get("version")), ("seed", meta.get("seed")),
             ("created", meta.get("created")), ("model", meta.get("model")),
             ("sweep", meta.get("mode") if meta.get("axes") else None),
             ("runs per campaign", int(runs["run"].nunique()) if len(runs) else None)]
    text = " &middot; ".join(f"{k} {_esc(v)}" for k, v in items if v is not None)
    return f'<p class="meta">{text}</p>'


def payback_of(run_dir, meta, level, ahead=False):
    """When each campaign of a run pays back against the baseline (None without a cash
    series or a baseline): :func:`refsim.analysis.payback` on the stored cash curves;
    with ``ahead``, also :func:`refsim.analysis.cash_ahead` (a pair)."""
    from .analysis import cash_ahead, payback
    from .experiment.store import load_curves

    cash = {}
    if ("cash" in meta.get("series", ()) and meta.get("baseline")
            and "lifecycle" in (meta.get("config") or {})):  # only a lifecycle has cash
        raw = load_curves(run_dir, raw=True)
        cash = {(cell, camp): a for (cell, camp, s), a in raw.items() if s == "cash"}
    paid = payback(cash, meta["baseline"], level) if cash else None
    if not ahead:
        return paid
    return paid, (cash_ahead(cash, meta["baseline"], level) if cash else None)


def _payback_sentences(frame, baseline, level) -> dict:
    """``{cell: sentence}``: which campaign's cash overtakes the baseline's first (the
    step from which the paired mean stays ahead, and from which its interval does),
    and which are not clearly ahead at the end. Two campaigns whose spans from "ahead
    on average" to "ahead beyond doubt" overlap are tied."""
    if frame is None or frame.empty:
        return {}
    pct = f"{100 * level:g}%"
    out = {}
    for cell, rows in frame.groupby("cell", sort=True):
        rows = rows.sort_values(["step", "sure", "campaign"], kind="stable")
        sure = rows[np.isfinite(rows["sure"])]
        rest = rows[~np.isfinite(rows["sure"])]
        horizon = int(rows["horizon"].iloc[0])
        parts = []
        if len(sure):
            first = sure.iloc[0]
            tied = [r for _, r in sure.iloc[1:].iterrows() if r["step"] <= first["sure"]]
            names = " and ".join(f"<b>{_esc(r['campaign'])}</b>" for r in [first, *tied])
            lead = "Tied for first to pay back" if tied else "Pays back first"
            listed = ", ".join(f"{_esc(r['campaign'])} from step {r['step']:g} ({r['sure']:g})"
                               for _, r in sure.iterrows())
            parts.append(f"{lead} against {_esc(baseline)}: {names} ({listed}: the step "
                         f"from which its cash stays ahead on average, paired, and in "
                         f"brackets from which it is ahead beyond doubt at {pct}).")
        if len(rest):
            parts.append(f"Not clearly ahead by step {horizon}: " + ", ".join(
                f"{_esc(r['campaign'])} ({_money(r['ahead'], r['lo'], r['hi'], '$', True)})"
                for _, r in rest.iterrows()) + ".")
        out[cell] = " ".join(parts)
    return out


def _head_to_head(runs, meta, objective, level, units, better) -> dict:
    """``{cell: [sentence, ...]}``: each pair of experiment.compare, A minus B in the
    objective, paired, with its verdict."""
    from .analysis import compare_pairs

    pairs = [p for p in (meta.get("config") or {}).get("experiment", {}).get("compare", [])
             if set(p) <= set(runs["campaign"])]
    out: dict = {}
    if not pairs or objective not in runs:
        return out
    pct = f"{100 * level:g}%"
    diffs = compare_pairs(runs, [tuple(p) for p in pairs], objective, level, better)
    for _, d in diffs.iterrows():
        a, b = _esc(d["campaign"]), _esc(d["baseline"])
        if d["pairs"] < 2:
            verdict = "too few paired runs to compare"
        elif d["better"] is None:
            verdict = f"a tie (not significant at {pct})"
        else:
            verdict = f"<b>{_esc(d['better'])}</b> is better"
        out.setdefault(d["cell"], []).append(
            f"{a} vs {b}: {_esc(objective)} "
            f"{_money(d['mean'], d['lo'], d['hi'], units, signed=True)} (paired): {verdict}.")
    return out


_CONDITIONAL = ("The intervals cover the randomness of the runs (cascades, and seeds drawn "
                "per run); they are conditional on each cell's graph and on the parameter "
                "values the run used.")


def _posterior_values(meta) -> dict | None:
    """Per key of ``[model] posterior``: its posterior median and 90% interval, as the
    assumptions table shows it."""
    post = run_posterior(meta)
    if post is None:
        return None
    from .calibrate.posterior import plain_number, posterior_keys, weighted_quantile

    w = post["weight"].to_numpy()
    out = {}
    for key in posterior_keys(post):
        lo, med, hi = (plain_number(weighted_quantile(post[key], w, q))
                       for q in (0.05, 0.5, 0.95))
        out[key] = f"drawn per run from the posterior, {med} [{lo}, {hi}] (median, 90%)"
    return out


def posterior_effect_of(runs, meta, baseline, objective, better):
    """:func:`refsim.analysis.posterior_effect` of a run whose runs drew from a
    posterior (90%), or None."""
    samples = run_posterior(meta)
    if samples is None or baseline is None or objective not in runs or not len(runs):
        return None
    from .analysis import posterior_effect
    from .calibrate.posterior import posterior_draws

    seed = int(meta["config"]["experiment"]["seed"])
    particle = posterior_draws(samples, seed, int(runs["run"].max()) + 1)["particle"]
    return posterior_effect(runs, particle, baseline, objective, 0.9, better)


def posterior_effect_text(rows, baseline, objective, units) -> str:
    """One cell's posterior effects in words (plain text; escape for HTML)."""
    parts = []
    for _, r in rows.iterrows():
        if not r["separable"]:
            parts.append(f"{r['campaign']}: not told apart from the runs' own randomness "
                         f"(add runs)")
        elif r["lo"] == r["hi"] == 0:
            parts.append(f"{r['campaign']}: no difference")
        elif r["lo"] == r["hi"]:
            parts.append(f"{r['campaign']} {_money_value(r['lo'], units)} in every run")
        else:
            side = ("ahead" if r["ahead"] >= 0.5 else "behind")
            share = max(r["ahead"], 1 - r["ahead"])
            parts.append(f"{r['campaign']} {_money_value(r['lo'], units)} to "
                         f"{_money_value(r['hi'], units)}, {side} for {share:.0%} of it")
    return (f"Given what the data leave uncertain (90% of the posterior), the expected "
            f"{objective} against {baseline}: " + "; ".join(parts) + ".")


def _posterior_sentences(runs, meta, baseline, objective, units, better) -> dict:
    """With ``[model] posterior``, per cell: the credible interval of each campaign's
    expected difference from the baseline over the posterior, and for how much of the
    posterior it is ahead."""
    effect = posterior_effect_of(runs, meta, baseline, objective, better)
    if effect is None:
        return {}
    return {cell: _esc(posterior_effect_text(rows, baseline, objective, units))
            for cell, rows in effect.groupby("cell", sort=True)}


def run_posterior(meta) -> pd.DataFrame | None:
    """The posterior an experiment's runs drew from: the copy in its run directory
    (or, for a run without one, the calibration's), or None. Read once per ``meta``
    (the report's sentences and tables all ask)."""
    where = ((meta.get("config") or {}).get("model") or {}).get("posterior")
    if not where:
        return None
    if "posterior_samples" in meta:
        return meta["posterior_samples"]
    from .calibrate.posterior import POSTERIOR_FILE, load_posterior

    run_dir = meta.get("run_dir")
    kept = run_dir and (pathlib.Path(run_dir) / POSTERIOR_FILE).exists()
    try:
        samples = load_posterior(run_dir if kept else where)
    except RefsimError:
        samples = None
    meta["posterior_samples"] = samples
    return samples


def _money_value(v, unit) -> str:
    lead = "\N{MINUS SIGN}" if v < 0 else "+"
    if str(unit).startswith("$"):
        return f"{lead}${_dollars(abs(v))}"
    return f"{lead}{_number(abs(v))}"


def posterior_note(meta) -> str | None:
    """What the intervals are when each run drew calibrated values from a posterior
    (``[model] posterior``); None without one."""
    where = ((meta.get("config") or {}).get("model") or {}).get("posterior")
    if not where:
        return None
    samples = run_posterior(meta)
    from .calibrate.posterior import posterior_keys

    keys = posterior_keys(samples) if samples is not None else []
    named = ", ".join(f"<code>{_esc(k)}</code>" for k in keys) or "the calibrated values"
    return (f"Run r of every campaign draws {named} from the posterior of "
            f"<code>{_esc(where)}</code> (copied into this run's folder; the same draw "
            f"for every campaign, so differences stay paired). The bracketed intervals "
            f"are those of the average over the posterior and the runs, and narrow as "
            f"runs are added; what the data leave uncertain is the range given for each "
            f"campaign's expected difference. Both are conditional on each cell's graph, "
            f"on the data the posterior was fitted to and on every other value.")


def _answer(summary, picks, diffs, baseline, objective, level, units, better,
            head_to_head=None, paybacks=None, conditional=None, spreads=None):
    """Per cell: the campaign the objective recommends (``picks``, from
    :func:`refsim.analysis.recommend`), its paired difference from the runner-up (a tie
    when the interval holds 0) and from the baseline, in the metric's units, and the
    head-to-head pairs of experiment.compare; cells named by their sweep values."""
    pct = f"{100 * level:g}%"
    cells = sorted(pd.unique(summary["cell"]))
    many = len(cells) > 1
    items = []
    for cell in cells[:ANSWER_CELLS]:
        rows = summary[summary["cell"] == cell]
        where = f"<b>{_esc(cell_name(summary, cell))}</b>: " if many else ""
        if cell not in picks.index:
            items.append(f"<li>{where}{_esc(objective)} is undefined in every "
                         "campaign.</li>")
            continue
        r = picks.loc[cell]
        best = _esc(r["campaign"])
        what = f"{_esc(objective)} {_money(r['mean'], r['lo'], r['hi'], units)}"
        text = [where]
        if r["runner_up"] is None:
            text.append(f"Only campaign: <b>{best}</b>, {what}.")
        else:
            runner = _esc(r["runner_up"])
            diff = (_money(r["diff"], r["diff_lo"], r["diff_hi"], units, signed=True)
                    if r["pairs"] else "&ndash;")
            if r["tie"] and r["pairs"] and r["diff_lo"] == 0 == r["diff_hi"]:
                text.append(f"Tie: <b>{best}</b> and <b>{runner}</b> give the same "
                            f"{_esc(objective)} in every run (they seed the same "
                            f"customers here); {best}: {what}.")
            elif r["tie"]:
                text.append(f"Tie: <b>{best}</b> and <b>{runner}</b> are tied on "
                            f"{_esc(objective)} (the paired difference, {diff}, is not "
                            f"significant at {pct}); {best}: {what}.")
            else:
                pays = ""
                if objective == "profit" and r["extra_cost"] > 0:
                    pays = ": the extra spend pays for itself"
                text.append(f"Recommended: <b>{best}</b>, {what}; {diff} against the "
                            f"runner-up {runner} (paired, {pct}){pays}.")
        if diffs is not None and baseline is not None and r["campaign"] != baseline:
            d = diffs[(diffs["cell"] == cell) & (diffs["campaign"] == r["campaign"])
                      & (diffs["metric"] == objective)]
            if not d.empty and d["pairs"].iloc[0] >= 2:
                d = d.iloc[0]
                verdict = "significant" if _significant(d) else "not significant"
                text.append(f" Against the baseline {_esc(baseline)}: "
                            f"{_money(d['mean'], d['lo'], d['hi'], units, signed=True)}, "
                            f"{verdict}.")
        if objective != "reach" and (rows["metric"] == "reach").any():
            text.append(" " + _best_sentence(rows, diffs, "reach", "Highest reach",
                                             baseline, pct))
        for sentence in (head_to_head or {}).get(cell, []):
            text.append(" Head to head: " + sentence)
        if (paybacks or {}).get(cell):
            text.append(" " + paybacks[cell])
        if (spreads or {}).get(cell):
            text.append(" " + spreads[cell])
        items.append("<li>" + "".join(text) + "</li>")
    more = (f"<p>&hellip; and {len(cells) - ANSWER_CELLS} more cells; see the tables.</p>"
            if len(cells) > ANSWER_CELLS else "")
    ranked_by = ("highest" if better else "lowest") + f" mean {_esc(objective)}"
    return (f'<h2>Answer</h2>\n<div class="answer"><ul>{"".join(items)}</ul>{more}'
            f'<p class="meta">Campaigns ranked by {ranked_by} (experiment.objective); '
            f"differences are paired run by run (common random numbers), {pct} "
            f"intervals. {conditional or _CONDITIONAL}</p></div>")


def _seeds_table(seeds, runs, picks, run_dir):
    """Whom each cell's recommended campaign (``picks``, the Answer's) recruits: the
    first customers by their own ids, with the set's size, price and segments (the full
    list: export --seeds)."""
    body = []
    cells = list(picks.index)
    for cell in cells[:ANSWER_CELLS]:
        campaign = picks.loc[cell, "campaign"]
        rows = seeds[(seeds["cell"] == cell) & (seeds["campaign"] == campaign)]
        if rows.empty:
            continue
        ids = ", ".join(map(str, rows["customer_id"].head(SEED_IDS)))
        more = f", &hellip; ({len(rows) - SEED_IDS} more)" if len(rows) > SEED_IDS else ""
        mix = (", ".join(f"{n} {_esc(seg)}" for seg, n in
                         rows["segment"].value_counts(sort=False).items())
               if "segment" in rows else "")
        name = cell_name(runs, cell) if len(cells) > 1 else ""
        body.append("<tr>" + (_td(name, text=True) if len(cells) > 1 else "")
                    + _td(campaign, text=True) + _td(len(rows))
                    + _td(f"${_number(rows['cost'].sum())}") + _td(mix, text=True)
                    + f'<td class="text">{_esc(ids)}{more}</td></tr>')
    if not body:
        return ""
    head = (["cell"] if len(cells) > 1 else []) + ["campaign", "seeds", "seed cost",
                                                    "segments", "customers (your ids)"]
    where = _esc(run_dir) if run_dir else "RUN_DIR"
    return ("<h2>Whom to recruit</h2>\n<p>The customers the recommended campaign seeds, "
            "by the ids of your edge list, in the order chosen. Every campaign's full "
            f"list, with segment, audience and price: <code>refsim export {where} "
            "--seeds</code>.</p>\n" + _table(head, body, "seeds"))


def _money(mean, lo, hi, unit, signed=False):
    """``mean [lo, hi]`` with the metric's unit: dollars as ``$1,234``."""
    if not str(unit).startswith("$"):
        return _interval(mean, lo, hi, signed)
    if not np.isfinite(mean):
        return "&ndash;"

    def one(v, sign):
        text = _dollars(abs(v))
        lead = "\N{MINUS SIGN}" if v < 0 else ("+" if sign and v > 0 else "")
        return f"{lead}${text}"

    if not (np.isfinite(lo) and np.isfinite(hi)):
        return one(mean, signed)
    return f"{one(mean, signed)} [{one(lo, False)}, {one(hi, False)}]"


def _best_sentence(rows, diffs, metric, what, baseline, pct):
    rows = rows[(rows["metric"] == metric) & np.isfinite(rows["mean"])]
    if rows.empty:
        return f"{what}: undefined in every campaign."
    best = rows.loc[rows["mean"].idxmax()]
    text = (f"{what}: <b>{_esc(best['campaign'])}</b> "
            f"({_interval(best['mean'], best['lo'], best['hi'])})")
    if baseline is None or diffs is None:
        return text + "."
    if best["campaign"] == baseline:
        return text + ", the baseline itself."
    d = diffs[(diffs["cell"] == best["cell"]) & (diffs["campaign"] == best["campaign"])
              & (diffs["metric"] == metric)]
    if d.empty or d["pairs"].iloc[0] < 2:
        return text + f"; no paired comparison with the baseline {_esc(baseline)} is possible."
    d = d.iloc[0]
    verdict = "significant" if _significant(d) else "not significant"
    return (text + f", {_interval(d['mean'], d['lo'], d['hi'], signed=True)} against the "
            f"baseline {_esc(baseline)}: {verdict} at {pct}.")


def _seed_note(runs) -> str:
    """What the intervals are conditional on, as far as the choice of seeds goes."""
    if "seed_sets" not in runs:
        return ""
    sets = runs.drop_duplicates(["campaign", "seed_sets"])
    per_run = sorted({str(c) for c in sets.loc[sets["seed_sets"] == "per_run", "campaign"]})
    fixed_random = sorted({str(c) for c in sets.loc[
        (sets["seed_sets"] == "fixed") & sets["strategy"].map(_random_strategy), "campaign"]})
    text = ""
    if per_run:
        text += (" Campaigns whose seeds are chosen at random draw a new seed set in "
                 "every run (seeds: per run), so their intervals include the variation of "
                 "that choice as well as of the cascades.")
    if fixed_random:
        text += (" " + ", ".join(f"&ldquo;{_esc(c)}&rdquo;" for c in fixed_random)
                 + " drew one seed set for all runs (seeds: fixed): its intervals are "
                   "conditional on that set.")
    return text


def _random_strategy(name) -> bool:
    from .strategies.registry import is_random

    try:
        return is_random(name)
    except ValueError:  # a strategy this session has not registered
        return False


def _results_table(summary, metrics, info):
    axes = sweep_axes(summary)
    stats = summary.set_index(["cell", "campaign", "metric"])
    first = summary.drop_duplicates(["cell", "campaign"])
    extra = [c for c in ("k", "budget") if c in first and np.isfinite(first[c]).any()
             and f"campaign.{c}" not in axes]  # a swept one is its axis's column
    if "seed_sets" in first and (first["seed_sets"] == "per_run").any():
        extra.append("seed_sets")
    many = summary["cell"].nunique() > 1  # one cell: no cell column of 0s
    short, heads = _axis_text(summary)
    head = [*(["cell"] if many else []), *heads, "campaign", "strategy",
            *("seeds" if c == "seed_sets" else c for c in extra),
            *(_head(m, info) for m in metrics), "runs"]
    body = []
    for _, row in first.iterrows():
        cells = [*([_td(row["cell"])] if many else []),
                 *(_td(short[a][row[a]], text=True) for a in axes),
                 _td(row["campaign"], text=True), _td(row.get("strategy", ""), text=True),
                 *(_td(str(row[c]).replace("_", " "), text=True) if c == "seed_sets"
                   else _td(row[c]) for c in extra)]
        for m in metrics:
            s = stats.loc[(row["cell"], row["campaign"], m)]
            cells.append(_td(_stacked(s["mean"], s["lo"], s["hi"]), raw=True))
        cells.append(_td(int(stats.loc[(row["cell"], row["campaign"], metrics[0]), "runs"])))
        body.append("<tr>" + "".join(cells) + "</tr>")
    return _table(head, body, "results", escape_head=False)


def _axis_text(frame):
    """Short text of each sweep axis's values (``holme_kim triad_p=0.8``, ``$5``) and
    the axes' short heads with units, as the figures name them."""
    from ._report_figures import axis_units
    from .plotting import axis_label, value_names

    units = axis_units(sweep_axes(frame))
    short, heads = {}, []
    for a in sweep_axes(frame):
        short[a] = value_names(frame[a], units[a])
        heads.append(f'<span title="{_esc(a)}">{_esc(axis_label(a))}</span>')
    return short, heads


def _differences_table(diffs, metrics, info):
    axes = sweep_axes(diffs)
    many = diffs["cell"].nunique() > 1
    short, heads = _axis_text(diffs)
    head = [*(["cell"] if many else []), *heads, "campaign",
            *(_head(m, info, delta=True) for m in metrics), "pairs"]
    body = []
    for _, group in diffs.groupby(["cell", "campaign"], sort=False):
        row = group.iloc[0]
        cells = [*([_td(row["cell"])] if many else []),
                 *(_td(short[a][row[a]], text=True) for a in axes),
                 _td(row["campaign"], text=True)]
        for m in metrics:
            d = group[group["metric"] == m].iloc[0]
            lower = info.get(m, ("", True))[1] is False  # a cost: a fall is the gain
            cls = "" if not _significant(d) else (' class="up"' if (d["lo"] > 0) != lower
                                                   else ' class="down"')
            cells.append(f"<td{cls}>{_stacked(d['mean'], d['lo'], d['hi'], signed=True)}</td>")
        cells.append(_td(int(group[group["metric"] == metrics[0]]["pairs"].iloc[0])))
        body.append("<tr>" + "".join(cells) + "</tr>")
    return _table(head, body, "differences", escape_head=False)


def _table(head, body, cls, escape_head=True):
    th = "".join(f"<th>{_esc(h) if escape_head else h}</th>" for h in head)
    return (f'<div class="scroll"><table class="{cls}"><thead><tr>{th}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _td(value, text=False, raw=False):
    content = value if raw else _esc(_value(value))
    return f'<td class="text">{content}</td>' if text else f"<td>{content}</td>"


def cell_name(frame: pd.DataFrame, cell: int) -> str:
    """A cell by its short sweep values (``share = 0.1, reward = $5``, ``graph =
    holme_kim triad_p=0.8``), told apart from the other cells of ``frame`` (a frame of
    runs or a summary); ``cell N`` without sweep axes.

    Examples
    --------
    >>> frame = pd.DataFrame({"cell": [0, 1], "campaign.reward": [5.0, 10.0],
    ...                       "campaign": "a"})
    >>> cell_name(frame, 1)
    'reward = $10'
    """
    from ._report_figures import axis_units
    from .plotting import cell_titles

    name = cell_titles(frame, [cell], axis_units(sweep_axes(frame)))[0]
    return name.replace("\n", ", ") or f"cell {cell}"


def _significant(d):
    return bool(d["lo"] > 0 or d["hi"] < 0)


def _interval(mean, lo, hi, signed=False):
    """``mean [lo, hi]`` as HTML text (a dash for an undefined mean)."""
    if not np.isfinite(mean):
        return "&ndash;"
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return _number(mean, signed)
    return f"{_number(mean, signed)} [{_number(lo)}, {_number(hi)}]"


def _stacked(mean, lo, hi, signed=False):
    """The mean, with its interval on a second, smaller line (for table cells)."""
    if not np.isfinite(mean):
        return "&ndash;"
    ci = (f' <span class="ci">[{_number(lo)}, {_number(hi)}]</span>'
          if np.isfinite(lo) and np.isfinite(hi) else "")
    return _number(mean, signed) + ci


def _dollars(v) -> str:
    """An amount of money: whole dollars from $100, cents below ($8.62, not $8.619)."""
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}"


def _number(v, signed=False):
    v = float(v)
    text = f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"
    text = text.replace("-", "\N{MINUS SIGN}")
    return "+" + text if signed and v > 0 else text


def _value(v):
    if isinstance(v, (float, np.floating)):
        return "" if np.isnan(v) else f"{v:g}"
    return str(v)


def _esc(text):
    return html.escape(str(text), quote=True)
