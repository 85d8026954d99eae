"""The HTML report of a calibration: what the data say about each calibrated value,
in plain words first, then the fit (data against the posterior predictive band), the
posteriors against their priors, their pairs, the sampler's generations, the Bass fit
and every value that was not calibrated."""

from __future__ import annotations

import html
import math
from pathlib import Path

import numpy as np
import pandas as pd

from .data import COUNTS
from .posterior import plain_number as _fmt
from .posterior import weighted_quantile

__all__ = ["LEVEL", "describe_key", "render_calibration_report", "summary_lines",
           "write_calibration_report"]

#: The credible level of the report's intervals and band.
LEVEL = 0.9

_SERIES_LABELS = {"new_customers": "new customers", "referred_customers":
                  "customers won by referral", "churned": "customers lost",
                  "active_customers": "customers at the end of the period",
                  "nps": "NPS (points)"}


def _esc(text) -> str:
    return html.escape(str(text), quote=True)


def describe_key(key, meta) -> tuple[str, str, bool]:
    """A calibrated key's short name, its unit and whether it is a chance per step
    (which a period of several steps compounds)."""
    from .posterior import config_param as _param

    p = _param(key)
    name = _NAMES.get(key, (key.split(".", 1)[1] if "." in key else key).replace("_", " "))
    unit = "" if p is None else p.unit
    per_step = p is not None and p.kind == "prob" and "per step" in unit
    return name, unit, per_step


#: Short names a marketer reads (the rest: the key's own name).
_NAMES = {"model.share": "referral chance per friend", "model.ad_rate": "outside demand",
          "model.forget_rate": "advocates stopping", "model.conversion": "referral conversion",
          "model.advocacy": "new customers who advocate",
          "lifecycle.churn_passive": "passives' churn",
          "lifecycle.churn_promoter": "promoters' churn",
          "lifecycle.churn_detractor": "detractors' churn"}


def _per_period(x, k):
    return 1.0 - (1.0 - x) ** k


def key_sentences(meta, samples) -> list[tuple[str, str]]:
    """Per calibrated key, ``(key, sentence)``: ``share per week 0.11 [0.08, 0.15]``."""
    k = int(meta["steps_per_period"])
    period = meta.get("period") or "period"
    w = samples["weight"].to_numpy()
    lo_q, hi_q = (1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2
    out = []
    for key in meta["priors"]:
        x = samples[key].to_numpy(np.float64)
        name, unit, per_step = describe_key(key, meta)
        if per_step and k > 1:
            x = _per_period(x, k)  # what the rate per step adds up to in a period
        med, lo, hi = (weighted_quantile(x, w, q) for q in (0.5, lo_q, hi_q))
        if per_step:
            where = f"per {period}" + (f" (a chance per step compounded over {k} steps)"
                                       if k > 1 else "")
        else:
            where = f"({unit})" if unit else ""
        out.append((key, f"{name} {where} {_fmt(med)} [{_fmt(lo)}, {_fmt(hi)}]"
                    .replace("  ", " ")))
    return out


def _inside(checks) -> tuple[int, int]:
    """Data points inside the predictive band, and how many there are (all series)."""
    return (sum(f["inside"] for f in checks.values()),
            sum(f["n"] for f in checks.values()))


#: A series is flagged as scattering more than the model when fewer than this share of
#: the posterior predictive runs lie as far from the model's mean as the data do.
SCATTER_P = 0.01


def fit_checks(cal) -> dict:
    """Per series, how the data sit in the posterior predictive distribution.

    ``inside`` of ``n`` points lie in the central :data:`LEVEL` band of the simulated
    periods. ``p`` is the posterior predictive p-value of the data's distance from the
    simulated mean's course: ``T = sum_t (z_t - z_t-1)^2``, ``z_t = (y_t - mean_t) /
    sd_t`` (``sd_t`` of the simulated periods, with 1/12 added to the variance of whole
    counts), large when the data jump about the model from one period to the next (a
    run with other calibrated values departs smoothly, so parameter uncertainty alone
    does not make it large): the share of predictive runs whose own ``T`` is at least
    the data's (Gelman, Meng & Stern 1996, Statistica Sinica 6(4)). Data the model could have made give ``p`` spread over (0, 1), so ``p`` below
    :data:`SCATTER_P` (``flagged``) happens by chance once in a hundred series; then
    ``scatter`` is the data's spread beyond the model's own randomness, ``sqrt(max(0,
    (sum (y - mean)^2 - sum var) / (n - k)))`` with ``k`` the calibrated values, and
    ``wide_lo``/``wide_hi`` the band with that much normal scatter added, which
    ``inside_wide`` points lie in.
    """
    meta = cal["meta"]
    lo_q, hi_q = (1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2
    k = len(meta["priors"])
    out = {}
    for i, name in enumerate(meta["series"]):
        sims = np.asarray(cal["predictive"][name], np.float64)
        y = cal["data"][name].to_numpy(np.float64)
        n = len(y)
        lo, hi = np.quantile(sims, [lo_q, hi_q], axis=0)
        mean = sims.mean(axis=0)
        var = sims.var(axis=0, ddof=1) + (1 / 12 if name in COUNTS else 1e-9)
        sd = np.sqrt(var)

        def roughness(x, mean=mean, sd=sd):  # shocks: residuals that jump between periods
            z = (x - mean) / sd
            return np.sum(np.diff(z, axis=-1) ** 2, axis=-1)

        t_data = float(roughness(y))
        t_sims = roughness(sims)
        if len(sims) + 1 < 1 / SCATTER_P or not np.isfinite(t_data) \
                or not np.isfinite(t_sims).all():
            # too few runs for a p-value that small, or periods with no value (an NPS
            # before any customer): no alarm either way
            p, flagged = math.nan, False
        else:
            p = float((1 + np.sum(t_sims >= t_data)) / (1 + len(sims)))
            flagged = p < SCATTER_P
        excess = (np.sum((y - mean) ** 2) - np.sum(var)) / max(n - k, 1)
        scatter = math.sqrt(max(excess, 0.0)) if flagged else 0.0
        rng = np.random.default_rng(np.random.SeedSequence([int(meta["seed"]), 11, i]))
        wide = sims + scatter * rng.standard_normal(sims.shape)
        if name in COUNTS:
            wide = np.maximum(wide, 0.0)
        wlo, whi = np.quantile(wide, [lo_q, hi_q], axis=0)
        out[name] = {"inside": int(np.sum((y >= lo) & (y <= hi))), "n": n, "p": p,
                     "flagged": flagged, "scatter": scatter,
                     "mean": float(np.mean(np.abs(y))),
                     "wide_lo": wlo, "wide_hi": whi,
                     "inside_wide": int(np.sum((y >= wlo) & (y <= whi)))}
    return out


def summary_lines(run_dir) -> list[str]:
    """The calibration in a few plain-text lines (what ``refsim calibrate`` prints)."""
    from .run import load_calibration

    cal = load_calibration(run_dir)
    meta = cal["meta"]
    lines = [f"fitted {', '.join(meta['series'])} over {meta['periods']} "
             f"{meta.get('period') or 'period'}s; {LEVEL:.0%} credible intervals:"]
    lines += [f"  {text}" for _, text in key_sentences(meta, cal["samples"])]
    checks = fit_checks(cal)
    inside, total = _inside(checks)
    lines.append(f"  data inside the {LEVEL:.0%} predictive band: {inside} of {total} "
                 f"points; {meta['simulations']:,} simulations in "
                 f"{meta['seconds']:.0f} s")
    lines += [f"  {text}" for text in _scatter_sentences(checks, meta)]
    return lines


def _scatter_sentences(checks, meta) -> list[str]:
    """The series whose data scatter around the model more than its own randomness."""
    period = meta.get("period") or "period"
    out = []
    for name, f in checks.items():
        if f["scatter"] > 0:  # estimated only when flagged
            share = (f" ({f['scatter'] / f['mean']:.0%} of their mean)" if f["mean"] > 0
                     else "")
            out.append(f"{_SERIES_LABELS.get(name, name)} scatter by about "
                       f"{_fmt(f['scatter'])} per {period}{share} more than the model's "
                       f"own randomness (p = {f['p']:.3f})")
    return out


def _figure(build, caption, width=6.4, height=3.6) -> str:
    import base64
    import io

    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(width, height))
    try:
        build(fig)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=96)
    finally:
        plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode()
    return (f'<figure><img alt="{_esc(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{_esc(caption)}</figcaption></figure>")


def _x_axis(cal):
    labels = cal["data"]["label"].astype(str).tolist()
    try:
        dates = pd.to_datetime(labels, format="ISO8601")
        return dates, ""
    except (ValueError, TypeError):
        return np.arange(1, len(labels) + 1), cal["meta"].get("period") or "period"


def _fit_figure(cal, name, check) -> str:
    sims = cal["predictive"][name]
    y = cal["data"][name].to_numpy(np.float64)
    x, xlabel = _x_axis(cal)
    lo5, lo25, med, hi75, hi95 = np.quantile(
        sims, [(1 - LEVEL) / 2, 0.25, 0.5, 0.75, 1 - (1 - LEVEL) / 2], axis=0)
    inside, total = check["inside"], check["n"]
    label = _SERIES_LABELS.get(name, name)
    period = cal["meta"].get("period") or "period"
    extra = check["scatter"] > 0  # estimated only when flagged

    def build(fig):
        ax = fig.add_subplot()
        if extra:
            ax.plot(x, check["wide_lo"], ":", color="#1f5f93", lw=1)
            ax.plot(x, check["wide_hi"], ":", color="#1f5f93", lw=1,
                    label="with the data's extra scatter")
        ax.fill_between(x, lo5, hi95, color="#9cc3e4", alpha=0.5,
                        label=f"{LEVEL:.0%} of simulated {period}s")
        ax.fill_between(x, lo25, hi75, color="#4a90c8", alpha=0.5, label="50%")
        ax.plot(x, med, color="#1f5f93", lw=1.5, label="median")
        ax.plot(x, y, "o", color="#1d232b", ms=4, label="your data")
        ax.set_ylabel(f"{label} per {period}" if name not in ("active_customers", "nps")
                      else label)
        if xlabel:
            ax.set_xlabel(xlabel)
        ax.legend(frameon=False, fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        fig.autofmt_xdate() if not xlabel else None

    more = (f"; dotted: with the data's scatter beyond the model, "
            f"{_fmt(check['scatter'])} per {period}, {check['inside_wide']} of {total} "
            f"inside" if extra else "")
    return _figure(build, f"{label}: data against the posterior predictive band "
                          f"({inside} of {total} points inside the {LEVEL:.0%} band{more})",
                   width=5.5, height=3.4)


def _marginals_figure(cal) -> str:
    from .abc import Prior

    meta, samples = cal["meta"], cal["samples"]
    keys = list(meta["priors"])
    w = samples["weight"].to_numpy()
    cols = min(len(keys), 3)
    rows = math.ceil(len(keys) / cols)

    def build(fig):
        for i, key in enumerate(keys):
            ax = fig.add_subplot(rows, cols, i + 1)
            x = samples[key].to_numpy(np.float64)
            kind, a, b, *cut = meta["priors"][key]
            prior = Prior(kind, a, b, *cut)
            if kind == "loguniform":
                # densities per unit of log10: the prior is flat on the log axis
                bins = np.geomspace(a, b, 31)
                counts, _ = np.histogram(x, bins, weights=w)
                ax.stairs(counts / (counts.sum() * np.diff(np.log10(bins))), bins,
                          fill=True, color="#4a90c8", alpha=0.8, label="posterior")
                ax.plot([a, b], [1 / math.log10(b / a)] * 2, "--", color="#c0504d",
                        label="prior")
                ax.set_xscale("log")
                _plain_ticks(ax.xaxis, math.log10(b / a))
            else:
                lo = min(x.min(), prior.rv().ppf(0.005))
                hi = max(x.max(), prior.rv().ppf(0.995))
                ax.hist(x, bins=np.linspace(lo, hi, 31), weights=w, density=True,
                        color="#4a90c8", alpha=0.8, label="posterior")
                grid = np.linspace(lo, hi, 200)
                ax.plot(grid, prior.rv().pdf(grid), "--", color="#c0504d", label="prior")
            name, unit, _ = describe_key(key, meta)
            # the unit on a line of its own: name and unit together outran the panel
            ax.set_xlabel(name + (f"\n({unit})" if unit else ""), fontsize=8)
            ax.set_yticks([])
            ax.spines[["top", "right", "left"]].set_visible(False)
            if i == 0:
                ax.legend(frameon=False, fontsize=7)

    return _figure(build, "Each calibrated value: posterior (bars) against its prior "
                          "(dashed); a posterior narrower than its prior is what the data "
                          "taught", width=3.2 * cols, height=2.6 * rows)


def _plain_ticks(axis, decades) -> None:
    """A log axis labelled with a few plain numbers (0.001, 0.01), not 2 x 10^-4: the
    powers of ten, and 3 x them when the axis spans less than two decades."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    subs = (1.0,) if decades >= 2 else (1.0, 3.0)
    axis.set_major_locator(LogLocator(base=10, subs=subs, numticks=8))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def _pairs_figure(cal) -> str:
    meta, samples = cal["meta"], cal["samples"]
    keys = list(meta["priors"])
    n = len(keys)
    w = samples["weight"].to_numpy()
    size = 4 + 60 * w / w.max()
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    def build(fig):
        for i in range(1, n):
            for j in range(i):
                ax = fig.add_subplot(n - 1, n - 1, (i - 1) * (n - 1) + j + 1)
                ax.scatter(samples[keys[j]], samples[keys[i]], s=size, alpha=0.4,
                           color="#1f5f93", linewidths=0)
                # linear axes: the particles span a narrow range, where log ticks crowd
                for axis in (ax.xaxis, ax.yaxis):
                    axis.set_major_locator(MaxNLocator(3))
                    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
                if i == n - 1:
                    ax.set_xlabel(describe_key(keys[j], meta)[0], fontsize=8)
                if j == 0:
                    ax.set_ylabel(describe_key(keys[i], meta)[0], fontsize=8)
                ax.tick_params(labelsize=7)

    return _figure(build, "Pairs of calibrated values, one dot per particle (larger: "
                          "more weight): a diagonal band means the data fix a combination "
                          "of the two, not each alone",
                   width=2.6 * (n - 1) + 0.8, height=2.3 * (n - 1) + 0.6)


def _generations_table(gens) -> str:
    body = "".join(
        f"<tr><td>{int(r.t) + 1}</td><td>{r.epsilon:.4g}</td><td>{int(r.samples):,}</td>"
        f"<td>{r.ess:.0f}</td></tr>" for r in gens.itertuples())
    return ('<div class="scroll"><table><thead><tr><th>generation</th>'
            "<th>acceptance threshold (distance)</th><th>simulations</th>"
            "<th>effective sample size (particles)</th></tr></thead>"
            f"<tbody>{body}</tbody></table></div>")


def _bass_section(meta) -> str:
    bass = meta.get("bass")
    if not bass:
        return ""
    period = meta.get("period") or "period"

    def se(v):
        return "" if v is None or not math.isfinite(v) else f" &plusmn; {_fmt(v)}"

    rows = (f"<tr><td class='text'>p, innovation (advertising and other outside "
            f"influence)</td><td>{_fmt(bass['p'])}{se(bass['p_se'])}</td>"
            f"<td class='text'>per {period}</td></tr>"
            f"<tr><td class='text'>q, imitation (word of mouth)</td>"
            f"<td>{_fmt(bass['q'])}{se(bass['q_se'])}</td><td class='text'>per {period}"
            f"</td></tr><tr><td class='text'>m, market size</td><td>{bass['m']:,.0f}"
            f"{se(bass['m_se'])}</td><td class='text'>people</td></tr>")
    notes = []
    n = meta.get("graph_n")
    m_se = bass.get("m_se")
    margin = 2 * m_se if m_se is not None and math.isfinite(m_se) else 0.0
    if n and bass["m"] - margin > n:  # larger beyond two standard errors
        notes.append(f"The Bass market ({bass['m']:,.0f}) is larger than the graph "
                     f"({n:,} people): the simulated market cannot reach that many "
                     f"customers; use a larger graph.")
    if meta.get("bass_centred"):
        notes.append("No priors were given: those of "
                     + ", ".join(f"<code>{_esc(k)}</code>" for k in meta["bass_centred"])
                     + " run from a tenth to ten times the values whose Bass limit has "
                       "this p and q on a graph of this mean degree.")
    return ("<h2>The Bass model on the same data</h2>\n<p>A first, aggregate fit: the "
            "Bass (1969) model fitted to the new customers per period by nonlinear least "
            "squares (Srinivasan &amp; Mason 1986), standard errors from the Jacobian.</p>"
            "<div class='scroll'><table><thead><tr><th>parameter</th><th>estimate</th>"
            f"<th>unit</th></tr></thead><tbody>{rows}</tbody></table></div>"
            + "".join(f"<p class='note'>{x}</p>" for x in notes))


def render_calibration_report(cal: dict) -> str:
    """The HTML page of a calibration (as :func:`refsim.calibrate.load_calibration`
    returns it)."""
    from ..report import REPORT_CSS, assumptions_html

    meta, samples = cal["meta"], cal["samples"]
    period = meta.get("period") or "period"
    k = int(meta["steps_per_period"])
    where = cal.get("run_dir") or "RUN_DIR"
    checks = fit_checks(cal)
    inside, total = _inside(checks)
    parts = [f"<h1>{_esc(meta['name'])}: calibration</h1>"]
    if meta.get("question"):
        parts.append(f'<p class="question">{_esc(meta["question"])}</p>')
    parts.append(f'<p class="meta">Data: {_esc(meta["data"])} &middot; '
                 f"{meta['periods']} {period}s &middot; {k} step"
                 f"{'s' if k > 1 else ''} per {period} &middot; "
                 f"{meta['simulations']:,} simulations in {meta['seconds']:.0f} s &middot; "
                 f"refsim {_esc(meta['version'])} &middot; seed {meta['seed']}</p>")
    items = "".join(f"<li>{_esc(text)}</li>" for _, text in key_sentences(meta, samples))
    wide = sum(f["inside_wide"] for f in checks.values())
    scatter = _scatter_sentences(checks, meta)
    band = f"{inside} of {total} observed points lie inside the {LEVEL:.0%} band of " \
           f"simulated {period}s"
    if inside >= 0.75 * total:
        verdict = f"The calibrated model reproduces the data: {band}."
    elif scatter and wide >= 0.75 * total:
        verdict = (f"The calibrated model follows the data's course, but the data swing "
                   f"more than its own randomness: {band}; with the extra scatter added "
                   f"(dotted in the figures), {wide} of {total}.")
    else:
        verdict = (f"Only {band}: the model, as configured, does not reproduce the data "
                   f"well; see the figures before using the posterior.")
    if scatter:
        verdict += (" " + "; ".join(_esc(x[0].upper() + x[1:]) for x in scatter)
                    + ": shocks the model has no mechanism for, or a fit that has not "
                      "converged (see the sampler's thresholds below). Intervals computed "
                      "with this posterior do not include that scatter.")
    graph_note = ("a new graph per simulation, drawn from the generator (graph "
                  "uncertainty included)" if meta.get("new_graph")
                  else "the config's one graph")
    parts.append(
        f'<div class="answer"><p><strong>What your data say</strong> ({LEVEL:.0%} '
        f"credible intervals; the middle value is the posterior median):</p><ul>{items}"
        f"</ul><p>{verdict}</p><p>These intervals are conditional on the model's "
        f"structure, on {graph_note}, on the campaign "
        f"&ldquo;{_esc(meta['campaign'])}&rdquo; as the history that produced the data, "
        f"and on every value below that was not calibrated. To carry them into a "
        f"comparison of campaigns, add <code>posterior = \"{_esc(where)}\"</code> to an "
        f"experiment's <code>[model]</code> (a folder relative to the experiment's "
        f"file, or absolute): each run then draws its values from this posterior.</p>"
        f"</div>")
    parts.append("<h2>Fit</h2>")
    parts.append('<div class="figures">' + "".join(_fit_figure(cal, name, checks[name])
                                                   for name in meta["series"]) + "</div>")
    parts.append("<h2>Calibrated values</h2>")
    figs = [_marginals_figure(cal)]
    if len(meta["priors"]) > 1:
        figs.append(_pairs_figure(cal))
    parts.append('<div class="figures">' + "".join(figs) + "</div>")
    rows = []
    w = samples["weight"].to_numpy()
    for key, (kind, a, b, *_) in meta["priors"].items():
        x = samples[key].to_numpy(np.float64)
        name, unit, _ = describe_key(key, meta)
        q = [weighted_quantile(x, w, v) for v in ((1 - LEVEL) / 2, 0.5, 1 - (1 - LEVEL) / 2)]
        rows.append(f"<tr><td class='text'><code>{_esc(key)}</code></td>"
                    f"<td class='text'>{_esc(unit)}</td>"
                    f"<td class='text'>{kind}({_fmt(a)}, {_fmt(b)})</td>"
                    f"<td>{_fmt(q[1])}</td><td>{_fmt(q[0])} to {_fmt(q[2])}</td>"
                    f"<td>{_fmt(float(np.sum(w * x) / w.sum()))}</td></tr>")
    parts.append(f"<p>Per step (a step is 1/{k} {period}) as the config takes them:</p>"
                 if k > 1 else "<p>As the config takes them:</p>")
    parts.append("<div class='scroll'><table><thead><tr><th>key</th><th>unit</th>"
                 f"<th>prior</th><th>median</th><th>{LEVEL:.0%} interval</th>"
                 f"<th>mean</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
    gens = cal["generations"]
    parts.append("<h2>The sampler</h2>")
    parts.append(f"<p>ABC-SMC (pyabc): each generation keeps the particles whose simulated "
                 f"series are within its threshold of the data (distance: "
                 f"{', '.join(_esc(s) for s in meta['config']['calibrate']['statistics'])}"
                 f" differences, each relative to the data's mean, summed over series). "
                 f"An effective sample size well below the particles means few carry the "
                 f"weight: add particles or generations.</p>")
    parts.append(_generations_table(gens))
    parts.append(_bass_section(meta))
    calibrated = {key: text for key, text in key_sentences(meta, samples)}
    parts.append(assumptions_html({"config": meta["config"]}, calibrated=calibrated))
    parts.append("<h2>How this was run</h2>")
    parts.append(f"<pre>{_esc(meta.get('command') or '')}</pre>")
    title = _esc(meta["name"])
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title} - refsim calibration</title>\n<style>{REPORT_CSS}</style>\n"
            "</head>\n<body>\n" + "\n".join(parts) + "\n</body>\n</html>\n")


def write_calibration_report(run_dir, out=None) -> Path:
    """Write ``report.html`` of a calibration's run directory; return its path."""
    from .._files import writing
    from .run import load_calibration

    run_dir = Path(run_dir)
    cal = load_calibration(run_dir)
    cal["run_dir"] = str(run_dir.resolve())
    text = render_calibration_report(cal)
    out = run_dir / "report.html" if out is None else Path(out)
    with writing(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out
