"""The data dictionary of ``refsim export``: every column of every export table, with
its meaning and unit, written once.

``docs/export.md`` (``refsim export --dictionary``), the ``dictionary`` sheet of an
xlsx export and the rounding of money columns all read the tables below; metric and
series columns take their units and meanings from the model registry, and the
campaign settings their units from the config schema.

Examples
--------
>>> rows = describe("summary", ["cell", "campaign", "profit_mean", "profit_lo"])
>>> [(r.column, r.unit, r.money) for r in rows]
[('cell', '', False), ('campaign', '', False), ('profit_mean', '$', True), ('profit_lo', '$', True)]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model_registry import Metric

__all__ = ["EXPORTS", "Column", "Described", "describe", "markdown"]

#: Placeholders of a column name: one column per sweep axis, or per metric.
AXIS = "<axis>"
METRIC = "<metric>"
#: The unit of a metric column: the metric's own.
METRIC_UNIT = "<unit>"


@dataclass(frozen=True)
class Column:
    """One column of an export table, or a family of them.

    ``name`` is a column name, :data:`AXIS` (one column per sweep axis) or contains
    :data:`METRIC` (one column per metric, e.g. ``<metric>_mean``). ``meaning`` may
    use ``{metric}`` (the metric's name) and ``{about}`` (its meaning). ``unit`` is
    :data:`METRIC_UNIT` for the metric's unit. ``output`` marks a simulated result (as
    opposed to a key or a campaign setting): money outputs are rounded to the cent.
    """

    name: str
    meaning: str
    unit: str = ""
    output: bool = False


@dataclass(frozen=True)
class Described:
    """One concrete column of an export: its name, meaning, unit, and whether it is a
    money output (rounded to the cent, currency format in xlsx)."""

    column: str
    meaning: str
    unit: str
    money: bool


def _campaign_unit(key: str) -> str:
    from .schema import SCHEMA

    return SCHEMA["campaign"][key].unit


def _exports() -> dict[str, tuple[Column, ...]]:
    cell = Column("cell", "Sweep cell: the index of its point in the sweep, 0 first.")
    axis = Column(AXIS, "The cell's value of one sweep axis; one column per axis, "
                        "named by its config key (e.g. `model.share`), in the config's "
                        "order, written as configured.", "the config key's unit (docs/config.md)")
    campaign = Column("campaign", "Campaign name, as in the config.")
    settings = (
        Column("strategy", "Seeding strategy (the campaign's `seeding`)."),
        Column("k", "Seeds asked for; empty when the campaign gives only a budget.",
               _campaign_unit("k")),
        Column("budget", "Seeding budget, as configured; empty when not set.",
               _campaign_unit("budget")),
        Column("sender_reward", "Reward paid to the advocate per converted referral, as "
                                "configured.", _campaign_unit("sender_reward")),
        Column("recipient_reward", "Reward paid to the new customer per converted "
                                   "referral, as configured.",
               _campaign_unit("recipient_reward")),
        Column("seed_sets", "`per_run`: every run drew its own seeds, so the spread of "
                            "the runs includes the choice of seeds; `fixed`: one set for "
                            "every run."),
    )
    run = Column("run", "Run within the cell, 0 first. Rows with equal `cell` and `run` "
                        "used the same random stream (common random numbers).")
    results = (cell, axis, campaign, *settings,
               Column("n_seeds", "Seeds of this run.", "seeds"), run,
               Column(METRIC, "Value of `{metric}` in this run: {about}", METRIC_UNIT, True))
    curves = (cell, campaign,
              Column("series", "Which curve: one of the model's series (see Series)."),
              run, Column("step", "Step of the run; 0 holds the seeds, before any spread.",
                          "steps"),
              Column("value", "The series' count at the end of the step.",
                     "the series' unit (see Series)", True))
    summary = (
        cell, axis, campaign, *settings,
        Column("runs", "Runs of the campaign in the cell.", "runs"),
        Column("level", "Confidence level of every interval in the row "
                        "(`experiment.level`).", "probability"),
        Column("baseline", "The campaign the `*_vs_baseline` columns subtract "
                           "(`experiment.baseline`); present when there is another "
                           "campaign to compare."),
        Column("objective", "The metric `recommended` ranks the campaigns by "
                            "(`experiment.objective`; by default profit where the model "
                            "has money, else reach)."),
        Column("recommended", "True for the campaign with the best mean objective in its "
                              "cell (the highest, or the lowest for a cost such as `cac`), "
                              "as `refsim.analysis.recommend` picks it."),
        Column("tie", "True on the recommended campaign's row and on the runner-up's when "
                      "their paired difference in the objective is not significant at "
                      "`level` (its interval holds 0, or there are fewer than two pairs): "
                      "the runs do not tell the two apart."),
        Column(f"{METRIC}_mean", "Mean of `{metric}` over the runs in which it is defined "
                                 "({about})", METRIC_UNIT, True),
        Column(f"{METRIC}_lo", "Lower end of the Student-t confidence interval of "
                               "`{metric}_mean` at `level`; empty with fewer than two "
                               "runs.", METRIC_UNIT, True),
        Column(f"{METRIC}_hi", "Upper end of that interval.", METRIC_UNIT, True),
        Column(f"{METRIC}_runs", "Runs in which `{metric}` is defined (a finite value): the "
                                 "sample of its mean and interval.", "runs", True),
        Column(f"{METRIC}_vs_baseline", "Mean of the run-by-run difference `{metric}` minus "
                                        "the baseline's, over the runs where both are "
                                        "defined (common random numbers); empty on the "
                                        "baseline's own rows.", METRIC_UNIT, True),
        Column(f"{METRIC}_vs_baseline_lo", "Lower end of the paired (Student-t) "
                                           "confidence interval of `{metric}_vs_baseline` "
                                           "at `level`.", METRIC_UNIT, True),
        Column(f"{METRIC}_vs_baseline_hi", "Upper end of that interval.", METRIC_UNIT,
               True),
        Column(f"{METRIC}_vs_baseline_pairs", "Runs paired in `{metric}_vs_baseline`.",
               "pairs", True),
    )
    seeds = (cell, axis, campaign,
             Column("strategy", "Seeding strategy that chose the customer (`listed`: the "
                                "campaign's own `seeds` list)."),
             Column("run", "Run whose seed set this is: only for campaigns drawing seeds "
                           "in every run (random strategies); empty for the set every "
                           "run shares, the list to recruit."),
             Column("rank", "Order of choice within the set, 1 first.", "place"),
             Column("customer_id", "The customer's id in your edge list (for a generated "
                                   "graph, the node number)."),
             Column("node", "refsim's node number for the customer."),
             Column("segment", "Population segment of the referral model (regular, "
                               "micro_advocate, influencer); absent for other models."),
             Column("audience", "People the customer can tell: out-degree (friends, or "
                                "followers on a directed graph).", "people"),
             Column("cost", "Price of recruiting the customer as a seed (segment fee plus "
                            "any per-follower price; 1 per seed for models without "
                            "prices).", "$", True))
    return {"results": results, "curves": curves, "summary": summary, "seeds": seeds}


#: The columns of each export table, in the order they are written.
EXPORTS = _exports()

#: What each export holds, its option, and its default file name.
_TITLES = {
    "results": ("Per run", "default", "one row per cell, campaign and run"),
    "curves": ("Curves", "`--curves`", "one row per cell, campaign, series, run and "
                                       "step (long form)"),
    "summary": ("Summary", "`--summary`", "one row per cell and campaign"),
    "seeds": ("Seeds", "`--seeds`", "one row per seed: each campaign's customers to "
                                   "recruit, by your ids (`refsim.load_seeds`)"),
}


def _kinds(builtin: bool = False) -> dict:
    """The registered model kinds; with ``builtin`` refsim's own only (the docs do not
    change with the plug-ins a session has imported)."""
    from ..model_registry import model_kinds

    return {name: kind for name, kind in model_kinds().items()
            if not builtin or kind.cls.__module__.startswith("refsim.")}


def _metrics(builtin: bool = False) -> dict:
    out = {}
    for kind in _kinds(builtin).values():
        for m in kind.metrics:
            out.setdefault(m.name, m)
    return out


def _axis_about(axis: str) -> tuple[str, str] | None:
    """(meaning, unit) of a sweep axis's config key, where the schema describes it."""
    from .schema import SCHEMA

    parts = axis.split(".")
    section = "segment" if parts[0] == "population" and "segments" in parts else parts[0]
    p = SCHEMA.get(section, {}).get(parts[-1]) if len(parts) > 1 else None
    return None if p is None else (p.meaning, p.unit)


def _is_money(unit: str) -> bool:
    return unit.startswith("$")


def describe(export: str, columns: Iterable[str], axes: Iterable[str] = (),
             metrics: Iterable[str] = ()) -> list[Described]:
    """Return the dictionary entry of each of ``columns`` of the ``export`` table
    (``"results"``, ``"curves"``, ``"summary"`` or ``"seeds"``), with concrete metric names, meanings
    and units; ``axes`` are the run's sweep axes, ``metrics`` its metrics (those of a
    model kind not registered here are described without meaning or unit).

    Raises
    ------
    LookupError
        For a column the dictionary does not describe (a column the export writes
        without documenting it).
    """
    table = EXPORTS[export]
    axes = set(axes)
    unknown = Metric("", "", "its model kind is not registered here, so its meaning "
                             "and unit are unknown")
    metrics = {**{m: unknown for m in metrics}, **_metrics()}
    literal = {c.name: c for c in table}
    families = sorted((c for c in table if METRIC in c.name),
                      key=lambda c: -len(c.name))
    out = []
    for name in columns:
        name = str(name)
        if name in axes:
            about = _axis_about(name)
            meaning = f"Sweep axis `{name}`" + (f": {about[0]}" if about else ".")
            out.append(Described(name, meaning, about[1] if about else "", False))
            continue
        if name in literal:
            c = literal[name]
            out.append(Described(name, c.meaning, c.unit,
                                 c.output and _is_money(c.unit)))
            continue
        for c in families:
            head, tail = c.name.split(METRIC)
            metric = name[len(head):len(name) - len(tail)]
            if name.startswith(head) and name.endswith(tail) and metric in metrics:
                m = metrics[metric]
                unit = m.unit if c.unit == METRIC_UNIT else c.unit
                meaning = c.meaning.format(metric=metric,
                                           about=m.meaning.rstrip("."))
                out.append(Described(name, meaning.rstrip(".") + ".", unit,
                                     c.output and _is_money(unit)))
                break
        else:
            raise LookupError(f"column {name!r} of the {export} export is not in the "
                              f"data dictionary (refsim.experiment.dictionary)")
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown() -> str:
    """The Markdown of ``docs/export.md``: the naming rules, every export's columns, and
    the metrics and series of refsim's model kinds."""

    out = ["# Export columns", "",
           "<!-- Generated by `refsim export --dictionary > docs/export.md` from "
           "src/refsim/experiment/dictionary.py and the models' metrics; do not edit by "
           "hand. -->", "",
           "`refsim export RUN_DIR` writes one table of a run directory as CSV, Parquet or "
           "Excel (`--format csv|parquet|xlsx`; xlsx needs `pip install \"refsim[xlsx]\"` "
           "and adds a sheet `dictionary` with this page's rows for the file's columns). "
           "Without `--out` the file goes into the run directory, named after the table "
           "(`results.csv`, `curves.csv`, `summary.csv`, ...).", "",
           "**Names.** A `<metric>` column stands for one column per metric of the run "
           "(see [Metrics](#metrics)); `<axis>` for one column per sweep axis. In the "
           "summary, `<metric>_mean`, `<metric>_lo`, `<metric>_hi` and `<metric>_runs` "
           "are the `mean`, `lo`, `hi` and `runs` of `refsim.analysis.summarize`, and "
           "`<metric>_vs_baseline`, `<metric>_vs_baseline_lo`, `<metric>_vs_baseline_hi` "
           "and `<metric>_vs_baseline_pairs` the `mean`, `lo`, `hi` and `pairs` of "
           "`refsim.analysis.paired_differences` (`refsim.analysis.summary_table` "
           "returns the same table in Python).", "",
           "**Money.** Outputs whose unit starts with `$` are rounded to the cent: in CSV "
           "with exactly two decimals, in xlsx with a currency format. Means, intervals "
           "and differences are computed from the unrounded runs, so a mean recomputed "
           "from the per-run export may differ from the summary's by less than a cent. "
           "Campaign settings and sweep values are written as configured. An empty value "
           "is undefined (e.g. `cac` of a run that won no customer).", ""]
    for export, (title, option, rows) in _TITLES.items():
        out += [f"## {title} ({option}: `{export}.csv`)", "", f"{rows[0].upper()}{rows[1:]}.",
                "", "| column | meaning | unit |", "|---|---|---|"]
        for c in EXPORTS[export]:
            meaning = c.meaning.format(metric="<metric>", about="see [Metrics](#metrics)")
            meaning = meaning.rstrip(".") + "."
            unit = "the metric's unit" if c.unit == METRIC_UNIT else c.unit
            out.append(f"| `{c.name}` | {_cell(meaning)} | {_cell(unit)} |")
        out.append("")
    kinds = _kinds(builtin=True)
    out += ["## Metrics", "", "The per-run metrics of refsim's model kinds: a run's "
            "columns are those of its kinds (`meta.json`'s `metrics`; a plug-in kind "
            "declares its own).", "",
            "| metric | unit | meaning | better | models |", "|---|---|---|---|---|"]
    for name, m in _metrics(builtin=True).items():
        better = {True: "higher", False: "lower", None: ""}[m.higher_is_better]
        models = ", ".join(k for k, kind in kinds.items() if name in kind.metric_names)
        out.append(f"| `{name}` | {_cell(m.unit)} | {_cell(m.meaning)} | {better} | "
                   f"{models} |")
    out += ["", "## Series", "", "The per-step curves (`--curves`: the `series` column).",
            "", "| series | unit | meaning | models |", "|---|---|---|---|"]
    seen = {}
    for kind in kinds.values():
        for s in kind.series:
            seen.setdefault(s.name, []).append((kind.name, s))
    for name, pairs in seen.items():
        units = dict.fromkeys(s.unit for _, s in pairs)
        meanings = dict.fromkeys(s.meaning for _, s in pairs)
        out.append(f"| `{name}` | {_cell(' or '.join(units))} | "
                   f"{_cell(' / '.join(meanings))} | {', '.join(k for k, _ in pairs)} |")
    return "\n".join(out)
