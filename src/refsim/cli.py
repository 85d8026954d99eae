"""The ``refsim`` command line: a thin layer over the library."""

from __future__ import annotations

import argparse
import math
import json
import sys

from .errors import InvalidValue, MissingFile, RefsimError

__all__ = ["main"]


def _cmd_graph(args) -> int:
    from .profile import describe
    from .specs import graph_from_spec

    graph = graph_from_spec(args.spec, rng=args.seed, directed=args.directed,
                            weighted=args.weighted, header=args.header,
                            encoding=args.encoding)
    profile = describe(graph, rng=args.seed, clustering_sample=args.sample)
    if args.json:  # strict JSON: an undefined number (NaN, infinity) is null
        print(json.dumps(_json_safe(profile.as_dict()), indent=2, allow_nan=False))
    else:
        print(f"graph: {args.spec}")
        print(profile)
    return 0


def _json_safe(value):
    """``value`` with every non-finite float replaced by None (JSON's null)."""
    import math

    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _check_workers(args):
    if args.workers is not None and not 1 <= args.workers <= 1024:
        raise InvalidValue(f"--workers must be >= 1 and <= 1024; got {args.workers}")


def _cmd_config(args) -> int:
    from .experiment.reference import defaults_toml, reference_markdown

    print(defaults_toml() if args.what == "defaults" else reference_markdown())
    return 0


def _cmd_validate(args) -> int:
    from pathlib import Path

    from .experiment.config import expand_cells, load_config
    from .experiment.preflight import preflight

    _check_workers(args)
    cfg = load_config(args.config, args.set)
    cells = expand_cells(cfg)
    read = _read_line(cfg)
    if read:
        print(read)
    out = args.out if args.out else Path("results") / cfg["experiment"]["name"]
    plan = preflight(cfg, cells, out=out, workers=args.workers, source=args.config)
    exp = cfg["experiment"]
    runs = exp["runs"] if "adaptive" not in exp else (
        f"{exp['runs']} to {exp['adaptive']['max_runs']}")
    if "calibrate" in cfg:
        from .calibrate.run import check_calibration

        fit = check_calibration(cfg, source=args.config)
        print(f"calibrate: ok; {len(fit['priors'])} value(s) to fit "
              f"({', '.join(fit['priors'])}) to {', '.join(fit['series'])} over "
              f"{fit['observed'].periods} periods of {fit['observed'].source}")
    print(f"{args.config}: ok; {len(cells)} cell(s) x {len(cfg['campaign'])} campaign(s) "
          f"x {runs} runs, {exp['steps']} steps, {cfg['model']['kind']} model; "
          f"{plan.summary()}")
    return 0


def _read_line(cfg) -> str | None:
    """What an experiment's own edge list holds, as read: ``graph: FILE: 5,000
    customers, 19,870 ties``; ``None`` for a generated graph or a dataset."""
    if "file" not in cfg["graph"]:
        return None
    from .experiment.build import build_graph

    import os

    try:
        graph = build_graph(cfg["graph"])  # kept: the run reuses it
    except RefsimError:  # the checks before the run name the key and say why
        return None
    where = os.path.relpath(cfg["graph"]["file"])
    where = cfg["graph"]["file"] if where.startswith("..") else where
    directed = bool(cfg["graph"].get("directed"))
    links = graph.num_arcs if directed else graph.num_arcs // 2
    header = ", first line skipped as a header" if cfg["graph"].get("header") else ""
    return (f"graph: {where}: {graph.n:,} customers, {links:,} "
            f"{'arcs (directed)' if directed else 'ties'}{header}")


def _cmd_run(args) -> int:
    from pathlib import Path

    from .experiment.config import load_config
    from .experiment.runner import run_experiment

    _check_workers(args)
    cfg = load_config(args.config, args.set)
    read = _read_line(cfg)
    if read:
        print(read, flush=True)
    out = Path(args.out) if args.out else Path("results") / cfg["experiment"]["name"]
    command = "refsim " + " ".join(args.argv)
    run_experiment(cfg, out, resume=args.resume, overwrite=args.overwrite,
                   workers=args.workers, dask=args.dask, progress=not args.quiet,
                   command=command, source=args.config)
    print(run_summary(out))  # --quiet hides the progress only
    if not args.no_report:
        from .report import write_report

        page = write_report(out)
        print(f"report: {page}")
    print(f"results: {out}")
    return 0


def run_summary(run_dir, max_cells: int = 6) -> str:
    """A plain-text summary of a run: per cell, each campaign's objective (profit by
    default) and reach with confidence intervals, the objective against the baseline,
    paired, and the campaign the objective recommends against the runner-up."""
    from .analysis import compare_pairs, paired_differences, recommend, summarize
    from .experiment.store import load_meta, load_results
    from .report import (cell_name, objective_of, payback_of, posterior_effect_of,
                         posterior_effect_text)

    meta = load_meta(run_dir)
    runs = load_results(run_dir)
    objective, unit, better = objective_of(meta, runs)
    money = str(unit).startswith("$")
    metrics = list(dict.fromkeys([objective, "reach"]))
    level = meta["level"]
    summary = summarize(runs, metrics, level)
    diffs = paired_differences(runs, meta["baseline"], [objective], level)
    picks = recommend(runs, objective, better, level).set_index("cell")
    pairs = [tuple(p) for p in meta["config"]["experiment"].get("compare", [])]
    heads = compare_pairs(runs, pairs, objective, level, better)
    paid = payback_of(run_dir, meta, level)
    meta["run_dir"] = str(run_dir)
    effect = posterior_effect_of(runs, meta, meta["baseline"], objective, better)
    pct = f"{level:.0%}"
    width = max([len("campaign"), *map(len, meta["campaigns"])]) + 2
    label = objective + (" ($)" if unit == "$" else f" ({unit})" if unit else "")
    lines = []
    for cell in sorted(summary.cell.unique())[:max_cells]:
        if meta["axes"]:  # named as the report names it: reward = $5, graph = holme_kim
            lines.append(cell_name(summary, cell))
        head = f"  {'campaign':<{width}}{label + ' [' + pct + ' CI]':>32}"
        if objective != "reach":
            head += f"{'reach':>26}"
        head += f"{'vs baseline, paired':>32}"
        lines.append(head)
        rows = summary[summary.cell == cell]
        for camp in meta["campaigns"]:
            r = rows[(rows.campaign == camp) & (rows.metric == objective)]
            if r.empty:
                continue
            r = r.iloc[0]
            text = f"  {camp:<{width}}{_ci(r['mean'], r['lo'], r['hi'], money=money):>32}"
            if objective != "reach":
                q = rows[(rows.campaign == camp) & (rows.metric == "reach")].iloc[0]
                text += f"{_ci(q['mean'], q['lo'], q['hi']):>26}"
            d = diffs[(diffs.cell == cell) & (diffs.campaign == camp)]
            vs = "baseline"
            if len(d):
                vs = _ci(d.iloc[0]["mean"], d.iloc[0]["lo"], d.iloc[0]["hi"], True,
                         money=money)
            lines.append(text + f"{vs:>32}")
        if cell in picks.index:
            p = picks.loc[cell]
            if p["runner_up"] is None:
                lines.append(f"  only campaign: {p['campaign']}")
            else:
                diff = _ci(p["diff"], p["diff_lo"], p["diff_hi"], True, money=money)
                if p["tie"]:
                    lines.append(f"  tie: {p['campaign']} and {p['runner_up']} on "
                                 f"{objective} ({diff}, not significant at {pct})")
                else:
                    lines.append(f"  recommended: {p['campaign']}, {diff} {objective} "
                                 f"against the runner-up {p['runner_up']} (paired)")
        for _, d in heads[heads.cell == cell].iterrows():
            diff = _ci(d["mean"], d["lo"], d["hi"], True, money=money)
            lines.append(f"  {d['campaign']} vs {d['baseline']}: {diff} {objective} "
                         f"(paired): " + (f"tie at {pct}" if d["better"] is None
                                          else f"{d['better']} better"))
        if paid is not None:
            lines.extend(_payback_lines(paid[paid.cell == cell], meta["baseline"],
                                        meta["config"]["experiment"]["steps"]))
        if effect is not None and (effect.cell == cell).any():
            text = posterior_effect_text(effect[effect.cell == cell], meta["baseline"],
                                         objective, unit).replace("\N{MINUS SIGN}", "-")
            lines.append("  " + text[0].lower() + text[1:])
    n_cells = summary.cell.nunique()
    if n_cells > max_cells:
        lines.append(f"... {n_cells - max_cells} more cells in the report")
    return "\n".join(lines)


def _payback_lines(rows, baseline, horizon) -> list[str]:
    """Plain-text payback against the baseline: the step from which each campaign's cash
    stays ahead on average (paired), soonest first, and in brackets from which it is
    ahead beyond doubt (">horizon": not within the run's steps)."""
    if rows.empty:
        return []

    def step(x):
        return f">{horizon}" if not math.isfinite(x) else f"{x:g}"

    rows = rows.sort_values(["step", "sure", "campaign"], kind="stable")
    text = ", ".join(f"{r['campaign']} {step(r['step'])} ({step(r['sure'])})"
                     for _, r in rows.iterrows())
    return [f"  ahead of {baseline} from step (for sure): {text}"]


def _ci(mean, lo, hi, signed=False, money=False) -> str:
    if money:
        def one(v, sign):
            lead = "-" if v < 0 else ("+" if sign and v > 0 else "")
            return f"{lead}${abs(v):,.0f}"

        return f"{one(mean, signed)} [{one(lo, False)}, {one(hi, False)}]"
    f = "+.1f" if signed else ".1f"
    return f"{mean:{f}} [{lo:{f}}, {hi:{f}}]"


def _cmd_calibrate(args) -> int:
    from pathlib import Path

    from .calibrate.report import write_calibration_report
    from .calibrate.run import calibrate_config
    from .experiment.config import load_config

    _check_workers(args)
    cfg = load_config(args.config, args.set)
    out = (Path(args.out) if args.out
           else Path("results") / f"{cfg['experiment']['name']}")
    command = "refsim " + " ".join(args.argv)
    calibrate_config(cfg, out, data=args.data, resume=args.resume,
                     overwrite=args.overwrite, dask=args.dask, workers=args.workers,
                     progress=not args.quiet, command=command, source=args.config)
    page = write_calibration_report(out)
    from .calibrate.report import summary_lines

    print("\n".join(summary_lines(out)))
    print(f"report: {page}")
    print(f"posterior: {out / 'posterior.csv'} (to use it: posterior = "
          f"\"{out.resolve()}\" in an experiment's [model], or that folder relative to "
          f"the experiment's file)")
    return 0


def _cmd_report(args) -> int:
    from .report import write_report

    print(write_report(args.run_dir, args.out))
    return 0


def _cmd_export(args) -> int:
    from pathlib import Path

    from .experiment.export import export

    if args.dictionary:
        if args.run_dir is not None:
            raise InvalidValue("--dictionary prints the columns of every export; give it "
                               "without RUN_DIR")
        from .experiment.dictionary import markdown

        print(markdown())
        return 0
    if args.run_dir is None:
        raise InvalidValue("give RUN_DIR, the run directory to export (or --dictionary)")
    path = export(args.run_dir, args.out, fmt=args.format, curves=args.curves,
                  summary=args.summary, seeds=args.seeds)
    print(Path(path))
    return 0


def _cmd_bench(args) -> int:
    import subprocess
    from pathlib import Path

    here = Path(__file__).resolve().parents[2] / "benchmarks"
    folder = next((d for d in (Path("benchmarks"), here) if d.is_dir()), None)
    if folder is None:
        raise MissingFile("benchmarks/ not found: run refsim bench from a refsim "
                                "checkout with the bench extra installed "
                                "(pip install -e '.[bench]')")
    known = sorted(p.stem[len("bench_"):] for p in folder.glob("bench_*.py"))
    names = args.names or known
    for name in names:
        if name not in known:
            raise InvalidValue(f"unknown benchmark {name!r}; known: {', '.join(known)}")
    status = 0
    for name in names:
        print(f"## {name}", flush=True)
        cmd = [sys.executable, str(folder / f"bench_{name}.py")] + (
            ["--quick"] if args.quick else []) + args.passed
        status = max(status, subprocess.call(cmd))
    return status


def _run_epilog() -> str:
    from .experiment.reference import guide_text

    return ("Common settings in the TOML (every key, with its default, unit and source: "
            "refsim config defaults, or docs/config.md):\n\n" + guide_text())


def _parser() -> argparse.ArgumentParser:
    from ._version import __version__

    parser = argparse.ArgumentParser(
        prog="refsim", description="Referral and word-of-mouth diffusion simulator.")
    parser.add_argument("--version", action="version", version=f"refsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    g = sub.add_parser(
        "graph", help="print a graph's diffusion profile",
        description="Print a graph's diffusion profile: size, degrees and tail exponent, "
                    "clustering, components, communities (given or detected) and the IC "
                    "epidemic threshold.",
        epilog="SPEC: an edge-list file, a dataset (karate_club, les_miserables, "
               "florentine_families, davis_southern_women) or a generator with its "
               "parameters, e.g. holme_kim:n=1000000,m=5,triad_p=0.5")
    g.add_argument("spec", metavar="SPEC", help="edge-list path, dataset or generator")
    g.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    g.add_argument("--directed", action="store_true", help="read an edge list as directed")
    g.add_argument("--weighted", action="store_true", help="read a third column as weight")
    g.add_argument("--header", action="store_true",
                   help="skip the edge list's first line (column names)")
    g.add_argument("--encoding", default="utf-8",
                   help="text encoding of the edge list (default utf-8; e.g. latin-1)")
    g.add_argument("--sample", type=int, default=2000,
                   help="nodes sampled for clustering on large graphs (default 2000)")
    g.add_argument("--json", action="store_true", help="print JSON instead of a table")
    g.set_defaults(run=_cmd_graph)

    sets = dict(action="append", default=[], metavar="KEY=VALUE",
                help="override a config value, e.g. --set model.share=0.2 or "
                     "--set campaign.budget=500 (repeatable; values are TOML)")
    r = sub.add_parser(
        "run", help="run an experiment config and write its results and report",
        description="Run every sweep cell of an experiment config. Each finished cell is "
                    "committed to RUN_DIR/results.sqlite at once, so an interrupted run "
                    "can be finished with --resume. Writes RUN_DIR/report.html at the end.",
        epilog=_run_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("config", metavar="CONFIG",
                   help="experiment TOML file (every key: refsim config defaults, or "
                        "docs/config.md)")
    r.add_argument("--out", metavar="DIR", help="run directory (default results/NAME)")
    r.add_argument("--resume", action="store_true",
                   help="finish an interrupted run in --out (same config only)")
    r.add_argument("--overwrite", action="store_true",
                   help="replace the results in --out (only files refsim wrote are "
                        "removed)")
    r.add_argument("--workers", type=int, metavar="N",
                   help="local worker processes (default: one process on all cores)")
    r.add_argument("--dask", metavar="ADDRESS",
                   help="run the cells on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    r.add_argument("--set", **sets)
    r.add_argument("--no-report", action="store_true", help="skip the HTML report")
    r.add_argument("--quiet", action="store_true",
                   help="no progress bar (the summary is still printed)")
    r.set_defaults(run=_cmd_run)

    k = sub.add_parser(
        "calibrate", help="fit a config's [calibrate.priors] to a market's data (ABC-SMC)",
        description="Fit the model's uncertain values to a market's observed series per "
                    "period (new_customers, referred_customers, churned, "
                    "active_customers, nps) by ABC-SMC (pyabc; the calibrate extra). "
                    "Writes the posterior (RUN_DIR/posterior.csv) and an HTML report; an "
                    "experiment with [model] posterior = \"RUN_DIR\" then draws each "
                    "run's values from it.",
        epilog="e.g. refsim calibrate experiments/calibrate_example.toml --data "
               "experiments/data/example_signups.csv")
    k.add_argument("config", metavar="CONFIG",
                   help="experiment TOML with a [calibrate] table")
    k.add_argument("--data", metavar="FILE",
                   help="CSV of the observed series (default: calibrate.data)")
    k.add_argument("--out", metavar="DIR", help="run directory (default results/NAME)")
    k.add_argument("--resume", action="store_true",
                   help="continue an interrupted calibration in --out")
    k.add_argument("--overwrite", action="store_true",
                   help="replace the calibration in --out")
    k.add_argument("--workers", type=int, metavar="N",
                   help="local processes (default one, the same posterior for the same "
                        "seed on any machine)")
    k.add_argument("--dask", metavar="ADDRESS",
                   help="simulate on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    k.add_argument("--set", **sets)
    k.add_argument("--quiet", action="store_true", help="no progress lines")
    k.set_defaults(run=_cmd_calibrate)

    v = sub.add_parser("validate", help="check an experiment config without running it",
                       description="Check a config and every sweep cell; list every "
                                   "problem with its key path.")
    v.add_argument("config", metavar="CONFIG", help="experiment TOML file")
    v.add_argument("--set", **sets)
    v.add_argument("--out", metavar="DIR", help="check free disk where the run would go")
    v.add_argument("--workers", type=int, metavar="N",
                   help="check memory for N worker processes")
    v.set_defaults(run=_cmd_validate)

    c = sub.add_parser("config", help="print every config key: a commented TOML or "
                                      "the Markdown reference",
                       description="defaults: a complete experiment TOML, every key with "
                                   "its default, allowed values, unit, meaning and source "
                                   "(it runs as it is); reference: the same as the "
                                   "Markdown of docs/config.md.")
    c.add_argument("what", choices=("defaults", "reference"))
    c.set_defaults(run=_cmd_config)

    p = sub.add_parser("report", help="write the HTML report of a run directory",
                       description="Write a self-contained HTML report (figures embedded) "
                                   "of a run directory: question, results with confidence "
                                   "intervals, paired differences, figures, config.")
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("--out", metavar="FILE", help="default RUN_DIR/report.html")
    p.set_defaults(run=_cmd_report)

    e = sub.add_parser("export", help="write a run's results as CSV, Parquet or xlsx",
                       description="Write one row per (cell, campaign, run); with "
                                   "--curves one per step; with --summary one per (cell, "
                                   "campaign) with each metric's mean, confidence "
                                   "interval and paired difference from the baseline, "
                                   "and the recommended campaign. Money outputs are "
                                   "rounded to the cent.",
                       epilog="Every column of every export, with its meaning and unit: "
                              "docs/export.md (refsim export --dictionary prints it). "
                              "xlsx needs pip install \"refsim[xlsx]\", Parquet "
                              "pip install \"refsim[parquet]\".")
    e.add_argument("run_dir", metavar="RUN_DIR", nargs="?")
    e.add_argument("--format", choices=("csv", "parquet", "xlsx"), default="csv",
                   help="default csv; xlsx adds a sheet 'dictionary' describing the "
                        "columns")
    e.add_argument("--out", metavar="FILE",
                   help="default RUN_DIR/results.FORMAT (curves.FORMAT with --curves, "
                        "summary.FORMAT with --summary, seeds.FORMAT with --seeds)")
    e.add_argument("--curves", action="store_true",
                   help="export the per-run curves (long format) instead of the runs")
    e.add_argument("--summary", action="store_true",
                   help="export one row per cell and campaign: means, confidence "
                        "intervals, paired differences, the recommended campaign")
    e.add_argument("--seeds", action="store_true",
                   help="export each campaign's seeds by your customer ids, with "
                        "segment, audience and price: whom to recruit")
    e.add_argument("--dictionary", action="store_true",
                   help="print the Markdown of docs/export.md (every column of every "
                        "export) and exit")
    e.set_defaults(run=_cmd_export)

    b = sub.add_parser("bench", help="run the benchmarks against peer libraries",
                       description="Run benchmarks/bench_NAME.py from a refsim checkout "
                                   "(needs the bench extra). Arguments after -- go to "
                                   "each benchmark script, e.g. refsim bench ic -- "
                                   "--regime lt_holme_kim.")
    b.add_argument("names", nargs="*", metavar="NAME",
                   help="calls, describe, generators, ic, imm, networkit, out_of_cache, "
                        "referral, strategies (default all)")
    b.add_argument("--quick", action="store_true", help="smaller, faster workloads")
    b.set_defaults(run=_cmd_bench)
    return parser


def main(argv=None) -> int:
    """Run the command line; return the exit status (2 for a user error).

    A user's mistake (any :class:`refsim.errors.RefsimError`) prints one line (or one
    line per config problem) and returns 2; Ctrl-C returns 130 and a closed output pipe
    (``refsim graph ... | head``) ends quietly. Anything else is a bug in refsim and
    keeps its traceback.
    """
    parser = _parser()
    given = list(sys.argv[1:] if argv is None else argv)
    own, passed = given, []
    if given[:1] == ["bench"] and "--" in given:  # the rest goes to the scripts
        cut = given.index("--")
        own, passed = given[:cut], given[cut + 1:]
    args = parser.parse_args(own)
    args.passed = passed
    args.argv = given
    import warnings

    from .experiment.sweep import CampaignNameNote

    def note(message, category, *rest, **kw):
        if issubclass(category, CampaignNameNote):
            print(f"refsim {args.command}: note: {message}", file=sys.stderr)
        else:
            shown(message, category, *rest, **kw)

    shown, warnings.showwarning = warnings.showwarning, note
    try:
        return args.run(args)
    except RefsimError as exc:
        text = str(exc)
        if "\n" in text:  # several config problems: one line each, still no traceback
            head, _, rest = text.partition("\n")
            print(f"refsim {args.command}: error: {head}\n{rest}", file=sys.stderr)
        else:
            print(f"refsim {args.command}: error: {text}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("refsim: interrupted", file=sys.stderr)
        return 130
    except SystemError as exc:
        # Ctrl-C while a numba kernel runs surfaces as "returned a result with an
        # exception set", with the KeyboardInterrupt as its context.
        if _interrupted(exc):
            print("refsim: interrupted", file=sys.stderr)
            return 130
        raise
    except BrokenPipeError:
        # The reader went away (| head): nothing more to say; keep Python from
        # complaining again while flushing stdout at exit.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        warnings.showwarning = shown


def _interrupted(exc) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


if __name__ == "__main__":
    sys.exit(main())
