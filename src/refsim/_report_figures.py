"""The figures of the HTML report: which ones a run gets, with short labels, units and
captions, each embedded as an inline PNG."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from . import plotting
from .analysis import sweep_axes

#: Cells drawn as adoption curves, and as campaigns side by side.
CURVE_CELLS = 12
CAMPAIGN_CELLS = 9


@dataclass(frozen=True)
class Page:
    """What the figures need to know about the report they are on."""

    meta: dict
    summary: pd.DataFrame
    diffs: pd.DataFrame | None
    baseline: str | None
    picks: pd.DataFrame  # recommend()'s rows, indexed by cell
    objective: str
    better: bool
    metric_units: dict  # metric -> unit, as the model kind declares them
    level: float

    @property
    def cells(self):
        return sorted(pd.unique(self.summary["cell"]))

    @property
    def axes(self):
        return sweep_axes(self.summary)

    @property
    def order(self) -> dict:
        """Each sweep axis's values in the config's order."""
        axes = ((self.meta.get("config") or {}).get("sweep") or {}).get("axes")
        return dict(axes) if isinstance(axes, dict) else {}

    @property
    def units(self) -> dict:
        """Each sweep axis's unit, from the config schema ("" where it has none)."""
        return axis_units(self.axes)

    def metric_unit(self, metric) -> str:
        """A metric's unit in a figure: a node of the graph is a person."""
        unit = self.metric_units.get(metric, "")
        return {"nodes": "people"}.get(unit, unit)

    def titles(self, cells) -> list | None:
        """Short names of cells for panel titles (none for a single cell)."""
        if len(self.cells) < 2:
            return None
        return plotting.cell_titles(self.summary, cells, self.units)


def axis_units(axes) -> dict:
    """Each sweep axis key's unit, from the config schema ("" where it has none)."""
    from .experiment.schema import SCHEMA

    out = {}
    for key in axes:
        parts = key.split(".")
        table = (SCHEMA["segment"] if parts[:2] == ["population", "segments"]
                 else SCHEMA.get(parts[0]))
        out[key] = getattr((table or {}).get(parts[-1]), "unit", "") or ""
    return out


def figures_html(page, curves, trees):
    """The report's figures as HTML, the decision first: campaigns side by side, the
    objective against each numeric sweep axis, heatmaps, then how the cascades unfold:
    curves, metrics against the budget, a tree."""
    out = [*_campaign_figures(page), *_ahead_figures(page, curves), *_cash_figures(page, curves),
           *_lifecycle_figures(page, curves), *_axis_figures(page),
           *_heatmap_figures(page),
           *_curve_figures(page, curves), *_budget_figures(page), *_tree_figures(page, trees)]
    return '<div class="figures">' + "\n".join(out) + "</div>"


def _left_out(drawn, cells, where):
    """A caption's note that only the first cells are drawn, and where the rest are."""
    return (f" The first {len(drawn)} of {len(cells)} cells; {where}."
            if len(drawn) < len(cells) else "")


def _curve_figures(page, curves):
    """Adoption curves of the first cells, one panel each."""
    return _series_figure(
        page, curves, "adopters",
        f"Mean adopters per step (one step is one round of referrals), each panel until "
        f"its cascades end; bands: {100 * page.level:g}% CI of the mean.")


def _series_figure(page, curves, series, caption, **kwargs):
    """Small multiples of one series (``curves_grid``) for the first cells that have
    it, captioned; none when no cell has it."""
    if curves is None or not len(curves):
        return []
    has = curves["series"] == series
    drawn = [c for c in page.cells if (has & (curves["cell"] == c)).any()][:CURVE_CELLS]
    if not drawn:
        return []
    return [figure_html(
        partial(plotting.curves_grid, curves, drawn, page.titles(drawn), series=series,
                **kwargs),
        caption + _left_out(drawn, page.cells, "every cell's curves are in load_curves"))]


def _cash_figures(page, curves):
    """With a lifecycle: each campaign's net cash to date, discounted, with the
    break-even line and the step each pays back."""
    return _series_figure(
        page, curves, "cash",
        "Net cash to date of each campaign, discounted to its start: value of the "
        "customers won and their repeat margin, minus seeds, rewards, advertising and "
        f"programmes; bands: {100 * page.level:g}% CI of the mean; a dot from where the "
        "mean stays positive (payback), dashed: break-even.",
        settle=0.0, unit="$", break_even=True)


def _ahead_figures(page, curves):
    """With a lifecycle and a baseline: how far each campaign's cash is ahead of the
    baseline's, paired, with the step each pays back."""
    return _series_figure(
        page, curves, "cash_ahead",
        f"Net cash to date of each campaign minus the baseline's "
        f"({html.escape(str(page.baseline))}), run by run, discounted: below 0 the "
        f"programme has not yet paid for itself; bands: {100 * page.level:g}% CI of the "
        "paired mean; a dot from where the mean stays positive (payback).",
        settle=0.0, unit="$", break_even=True)


def _lifecycle_figures(page, curves):
    """With a lifecycle: customers kept and NPS per step, per campaign (NPS of the mean
    counts: the per-run ratio's mean is not stored)."""
    if curves is None or not (curves["series"] == "promoters").any():
        return []
    key = ["cell", "campaign", "step"]
    parts = {name: curves[curves["series"] == name].set_index(key)["mean"]
             for name in ("promoters", "detractors", "customers")}
    nps = (100.0 * (parts["promoters"] - parts["detractors"])
           / parts["customers"].where(parts["customers"] > 0)).rename("mean").reset_index()
    nps["series"], nps["lo"], nps["hi"] = "nps", np.nan, np.nan
    return [*_series_figure(
        page, curves, "customers",
        "Customers kept after each step: won minus churned, plus those won back; bands: "
        f"{100 * page.level:g}% CI of the mean.", settle=0.0, unit="customers"),
        *_series_figure(
        page, nps, "nps",
        "Net promoter score of the customers kept (% promoters minus % detractors) after "
        "each step, of the mean counts over runs.", settle=0.0, unit="points")]


def _campaign_figures(page):
    """The objective of each campaign per cell, the recommended one highlighted."""
    drawn = page.cells[:CAMPAIGN_CELLS]
    picks = page.picks[page.picks.index.isin(drawn)]
    tied = picks[picks["tie"] & picks["runner_up"].notna()]
    rank = "highest" if page.better else "lowest"
    caption = (f"Mean {page.objective} of each campaign with its {100 * page.level:g}% CI"
               f"{', per cell' if len(page.cells) > 1 else ''}; in blue the recommended "
               f"campaign ({rank} mean {page.objective})"
               + ("; in light blue the runner-up where the two are tied."
                  if len(tied) else ".")
               + _left_out(drawn, page.cells, "the rest are in the results table"))
    return [figure_html(partial(plotting.campaign_figure, page.summary, page.objective,
                                drawn, page.titles(drawn),
                                unit=page.metric_unit(page.objective),
                                recommended=picks["campaign"].to_dict(),
                                tied=tied["runner_up"].to_dict()), caption)]


def _axis_figures(page):
    """The objective against each numeric sweep axis with more than one value."""

    out = []
    money = page.metric_unit(page.objective).startswith("$")
    for axis in page.axes:
        values = page.summary[axis]
        if not pd.api.types.is_numeric_dtype(values) or values.nunique() < 2:
            continue
        name = plotting.axis_label(axis)
        out.append(figure_html(
            partial(plotting.axis_figure, page.summary, axis, page.objective,
                    unit=page.metric_unit(page.objective), units=page.units,
                    order=page.order),
            f"Mean {page.objective} of each campaign against {name}, with "
            f"{100 * page.level:g}% CI bands; other swept values in the panel titles."
            + (" Above the dashed line at 0 (break-even) a campaign pays for itself."
               if money else "")))
    return out


def _budget_figures(page):
    """Metrics against the seeding budget (or k), when either varies."""

    s = page.summary
    if not any(c in s and s[c][np.isfinite(s[c])].nunique() > 1 for c in ("budget", "k")):
        return []
    units = {m: page.metric_unit(m) for m in pd.unique(s["metric"])}
    return [figure_html(partial(plotting.budget_figure, s, units=units),
                        "Metrics against the seeding budget (or k), with CI error bars.")]


def _heatmap_figures(page):
    """Over the first two sweep axes: the objective (and reach) of every campaign, or
    of every campaign minus the baseline, on one colour scale per metric."""
    if len(page.axes) < 2:
        return []
    x, y = sorted(page.axes[:2], key=lambda a: max(
        map(len, plotting.value_labels(list(pd.unique(page.summary[a]))))))
    names = f"{plotting.axis_label(x)} and {plotting.axis_label(y)}"
    held = ", ".join(plotting.axis_label(a) for a in page.axes[2:])
    held = f" {held} held at the first value (see the title)." if held else ""
    metrics = [page.objective] + (["reach"] if page.objective != "reach" else [])
    out = []
    for metric in metrics:
        if not (page.summary["metric"] == metric).any():
            continue
        build = partial(plotting.heatmap_grid, page.summary, x, y, metric,
                        differences=page.diffs, unit=page.metric_unit(metric),
                        units=page.units, order=page.order)
        if page.diffs is not None:
            caption = (f"{metric.capitalize()} of every campaign minus the baseline "
                       f"{page.baseline} over {names}, on one colour scale (blue: above the "
                       f"baseline, red: below); * marks a {100 * page.level:g}% interval "
                       "that excludes 0.")
        else:
            caption = f"Mean {metric} of every campaign over {names}, on one colour scale."
        out.append(figure_html(build, caption + held))
    return out


def _tree_figures(page, trees):
    """One example referral forest: the first cell's campaign of highest reach."""
    if not trees:
        return []
    first = page.cells[0]
    reach = page.summary[(page.summary["cell"] == first) & (page.summary["metric"] == "reach")]
    if not np.isfinite(reach["mean"]).any():
        return []
    best = reach.loc[reach["mean"].idxmax(), "campaign"]
    tree = next((t for t in trees if t.get("cell") == first and t.get("campaign") == best),
                None)
    if tree is None:
        return []
    cell = page.titles([first])
    where = ", " + ", ".join(cell[0].split("\n")) if cell else ""
    title = f"referral forest of {best}" + (f" (run {tree['run']})" if "run" in tree else "")
    return [figure_html(partial(plotting.tree_figure, tree, title=title),
                        f"An example referral forest of {best} (highest reach){where}.")]


def figure_html(build, caption):
    """An HTML figure with the PNG of ``build()``, or a note saying why it was not drawn
    (a cell or metric the data lack, say in an incomplete run)."""
    try:
        fig = build()
    except ValueError as exc:
        return (f'<p class="note">Figure not drawn ({html.escape(caption)}): '
                f"{html.escape(str(exc))}</p>")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")
