"""The HTML report: self-contained, escaped, one table row per (cell, campaign), figures a
reader can read (labelled axes, short ticks, every campaign), drawn without a warning,
and rendered by a real browser."""

import base64
import io
import re
import shutil
import subprocess
import sys
import types
import warnings
from html.parser import HTMLParser

import matplotlib.colors
import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from figure_checks import long_tick_lines, unlabelled_axes

from refsim import _report_figures as report_figures
from refsim import analysis, plotting, report

# matplotlib says what went wrong in a figure (a layout it could not apply, labels that
# collapse the axes) with UserWarnings: in a report that is a failure
pytestmark = pytest.mark.filterwarnings("error::UserWarning")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CAMPAIGNS = ("organic", "referral", "big reward")
SHARES = (0.1, 0.2, 0.3)
BUDGETS = (100.0, 200.0)


def synthetic_experiment(runs=30, steps=10, question="Do rewards pay?", complete=True,
                         effects=None, seed=0, names=CAMPAIGNS):
    """A consistent (meta, runs, curves, trees): axes model.share x campaign.budget, three
    campaigns (the first is the baseline, without a programme), referral money columns,
    and common random numbers within each cell."""
    rng = np.random.default_rng(seed)
    # reach effect of each campaign over the baseline, per cell (default: grows with share)
    effects = effects or (lambda cell, share, budget: (0.0, 40 * share, 80 * share))
    rows, curve_rows, trees = [], [], []
    cells = [(share, budget) for share in SHARES for budget in BUDGETS]
    for cell, (share, budget) in enumerate(cells):
        common = rng.normal(0.0, 15.0, runs)
        k = budget / 20
        for c, name in enumerate(names):
            reward = (0.0, 5.0, 10.0)[c]
            reach = 50 + 400 * share + budget / 10 + effects(cell, share, budget)[c] + common \
                + rng.normal(0.0, 2.0, runs)
            referral = reach * share * rng.uniform(0.8, 1.0, runs)
            rewards = reward * referral
            cost = budget + rewards
            revenue = 12.0 * reach
            for r in range(runs):
                rows.append({
                    "cell": cell, "model.share": share, "campaign.budget": budget,
                    "campaign": name, "strategy": ("random", "degree", "degree")[c],
                    "k": np.nan, "budget": budget, "sender_reward": reward,
                    "recipient_reward": 0.0, "n_seeds": int(k), "run": r,
                    "reach": reach[r], "steps": float(steps), "referral": referral[r],
                    "revenue": revenue[r], "cost": cost[r], "profit": revenue[r] - cost[r],
                    "roi": (revenue[r] - cost[r]) / cost[r], "cac": cost[r] / reach[r]})
            final = reach.mean()
            for series, scale in (("adopters", 1.0), ("aware", 2.5), ("advocates", 0.3)):
                for t in range(steps + 1):
                    mean = scale * (k + (final - k) * (1 - np.exp(-0.4 * t)))
                    half = 0.0 if t == 0 else 0.05 * mean
                    curve_rows.append({"cell": cell, "campaign": name, "series": series,
                                       "step": t, "mean": mean, "sem": half / 2,
                                       "lo": mean - half, "hi": mean + half, "runs": runs})
            n = 40 + 10 * c
            nodes = rng.permutation(5000)[:n]
            parents = np.full(n, -1)
            seeds = nodes[:3]
            for i in range(4, n):  # node 3 is an outside adoption
                parents[i] = nodes[rng.integers(0, i)]
            trees.append({"cell": cell, "campaign": name, "run": 0, "nodes": nodes,
                          "parents": parents, "seeds": seeds})
    runs_frame = pd.DataFrame(rows)
    runs_frame["campaign"] = pd.Categorical(runs_frame["campaign"], categories=list(names))
    meta = {
        "name": "Rewards <sweep> & seeding", "question": question,
        "config": {}, "config_text": '[experiment]\nname = "Rewards <sweep> & seeding"\n',
        "seed": 1234, "version": "0.1.0", "created": "2026-01-02T03:04:05+00:00",
        "axes": ["model.share", "campaign.budget"], "mode": "grid", "baseline": names[0],
        "campaigns": list(names),
        "cells": pd.DataFrame([{"cell": i, "model.share": s, "campaign.budget": b}
                               for i, (s, b) in enumerate(cells)]),
        "model": "referral", "complete": complete, "level": 0.95}
    return meta, runs_frame, pd.DataFrame(curve_rows), trees


class Page(HTMLParser):
    """Collects the tags, the text, and the rows of each table by class."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.tables = [], [], {}
        self._table, self._row, self._cell, self._in_body = None, None, None, False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("class"), [])
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
            self._table.append(self._row)
        elif tag == "td" and self._row is not None:
            self._cell = {"class": attrs.get("class"), "text": ""}
            self._row.append(self._cell)

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell["text"] += data

    def images(self):
        return [attrs for tag, attrs in self.tags if tag == "img"]


@pytest.fixture(scope="module")
def page_text():
    return report.render_report(*synthetic_experiment(question="<script>alert('x')</script>?"))


@pytest.fixture(scope="module")
def page(page_text):
    return Page(page_text)


def test_public_names():
    assert set(report.__all__) == {"cell_name", "render_report", "write_report"}


def test_every_image_is_an_inline_png(page):
    images = page.images()
    # the adoption curves of all 6 cells in one grid, the campaigns' profit per cell,
    # profit against each of the 2 sweep axes, 1 budget figure, the difference heatmaps
    # of profit and of reach, 1 tree
    assert len(images) == 8
    for attrs in images:
        prefix = "data:image/png;base64,"
        assert attrs["src"].startswith(prefix)
        data = base64.b64decode(attrs["src"][len(prefix):], validate=True)
        assert data[:8] == PNG_MAGIC
        # the whole image decodes, and something is drawn on it: not all one colour
        pixels = matplotlib.image.imread(io.BytesIO(data), format="png")
        assert pixels.ndim == 3 and (pixels != pixels[0, 0]).any()
        assert attrs["alt"]


def test_no_external_references(page, page_text):
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed")
        for name, value in attrs.items():
            assert not re.match(r"\s*(https?:)?//", value or ""), (tag, name, value)
    assert not re.search(r"https?://", page_text)
    assert "url(" not in page_text and "@import" not in page_text


def test_results_table_has_one_row_per_cell_and_campaign(page):
    meta, runs, _, _ = synthetic_experiment(question="<script>alert('x')</script>?")
    rows = page.tables["results"]
    assert len(rows) == 6 * 3
    keys = [(int(r[0]["text"]), r[3]["text"]) for r in rows]
    assert keys == [(cell, name) for cell in range(6) for name in CAMPAIGNS]
    # the reach column shows the summary's mean, then its interval
    s = analysis.summarize(runs, "reach").set_index(["cell", "campaign"])
    # sweep axes by short names (the key in a tooltip); the swept budget once
    header = ["cell", "share", "budget", "campaign", "strategy", "reach", "cac", "roi",
              "profit", "runs"]
    col = header.index("reach")
    for row, key in zip(rows, keys):
        want = s.loc[key]
        assert row[col]["text"] == (f"{want['mean']:.4g} "
                                    f"[{want['lo']:.4g}, {want['hi']:.4g}]")
        assert row[-1]["text"] == "30"
    header_seen = [t.strip() for t in page.text if t.strip() in header]
    assert header_seen[:len(header)] == header
    # money and ratios carry their units in the head
    assert {"($ per customer)", "($)", "(profit per $ of cost)"} <= set(page.text)


def test_differences_table_marks_the_intervals_that_exclude_zero(page):
    meta, runs, _, _ = synthetic_experiment(question="<script>alert('x')</script>?")
    d = analysis.paired_differences(runs, "organic", ["reach", "cac", "roi", "profit"])
    rows = page.tables["differences"]
    assert len(rows) == 6 * 2
    for row in rows:
        cell, name = int(row[0]["text"]), row[3]["text"]
        for j, metric in enumerate(("reach", "cac", "roi", "profit")):
            want = d[(d["cell"] == cell) & (d["campaign"] == name)
                     & (d["metric"] == metric)].iloc[0]
            rise, fall = want["lo"] > 0, want["hi"] < 0
            if metric == "cac":  # a cost: a rise is the loss, shaded as one
                rise, fall = fall, rise
            expected = "up" if rise else ("down" if fall else None)
            assert row[4 + j]["class"] == expected
        assert row[-1]["text"] == "30"
    classes = [c["class"] for r in rows for c in r[4:8]]
    assert "up" in classes and "down" in classes and None in classes


def test_user_text_is_escaped(page, page_text):
    assert "<script>" not in page_text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;?" in page_text
    assert "Rewards &lt;sweep&gt; &amp; seeding" in page_text
    # the parsed text round-trips to the original strings
    assert "<script>alert('x')</script>?" in page.text
    pre = page_text[page_text.index("<pre>"):page_text.index("</pre>")]
    assert 'name = &quot;Rewards &lt;sweep&gt; &amp; seeding&quot;' in pre


def test_campaign_names_are_escaped_everywhere():
    names = ("<b>base</b>", "ref & co", 'say "hi"')
    meta, runs, curves, _ = synthetic_experiment(names=names, runs=5)
    text = report.render_report(meta, runs, curves[curves["cell"] == 0], [])
    assert "<b>base</b>" not in text
    assert "&lt;b&gt;base&lt;/b&gt;" in text
    p = Page(text)
    assert [r[3]["text"] for r in p.tables["results"][:3]] == list(names)


@pytest.mark.parametrize("seed", [1, 0])
def test_answer_recommends_by_profit_against_the_runner_up_in_dollars(seed):
    """Per cell, named by its sweep values: the campaign with the highest mean profit
    (the default objective), its paired difference from the runner-up in dollars, and
    "Tie" when that interval holds 0."""
    def effects(cell, share, budget):
        return (0.0, 0.5, 0.0) if cell == 0 else (0.0, 20.0, 60.0)

    meta, runs, curves, trees = synthetic_experiment(effects=effects, seed=seed)
    text = report.render_report(meta, runs, curves.iloc[:0], [])
    answer = text[text.index('<div class="answer">'):text.index("</div>")]
    items = re.findall(r"<li>(.*?)</li>", answer)
    assert len(items) == 6
    assert "cell 0" not in answer and "highest mean profit" in answer
    s = analysis.summarize(runs, "profit")
    for cell, item in enumerate(items):
        share, budget = meta["cells"].iloc[cell][["model.share", "campaign.budget"]]
        assert item.startswith(f"<b>share = {share:g}, budget = ${budget:g}</b>")
        ranked = s[s["cell"] == cell].sort_values("mean", ascending=False)
        best, runner = ranked["campaign"].iloc[0], ranked["campaign"].iloc[1]
        d = analysis.paired_differences(runs[runs["cell"] == cell], runner, "profit")
        d = d[d["campaign"] == best].iloc[0]
        if d["lo"] > 0:
            assert f"Recommended: <b>{best}</b>, profit $" in item
            assert f"against the runner-up {runner}" in item
            assert re.search(r"\+\$[\d,.]+ \[\$[\d,.]+, \$[\d,.]+\] against", item)
        else:
            assert f"Tie: <b>{best}</b> and <b>{runner}</b> are tied on profit" in item


def test_a_cost_objective_recommends_the_lowest_and_single_cells_have_no_name():
    """experiment.objective = "cac": the campaign with the lowest mean wins; one cell
    is not called "cell 0"; dollars carry their sign."""
    meta, runs, curves, _ = synthetic_experiment()
    one = runs[runs["cell"] == 3].drop(columns=["model.share", "campaign.budget"])
    meta = dict(meta, axes=[], objective="cac")
    text = report.render_report(meta, one, curves.iloc[:0], [])
    answer = text[text.index('<div class="answer">'):text.index("</div>")]
    s = analysis.summarize(one, "cac").sort_values("mean")
    lowest = s["campaign"].iloc[0]
    item = re.findall(r"<li>(.*?)</li>", answer)[0]
    assert item.startswith(f"Recommended: <b>{lowest}</b>, cac $") or item.startswith(
        f"Tie: <b>{lowest}</b>")
    assert "lowest mean cac" in answer and "cell" not in item


def test_incomplete_run_has_a_warning_banner(page_text):
    meta, runs, curves, trees = synthetic_experiment(runs=5, complete=False)
    partial = report.render_report(meta, runs[runs["cell"] < 2], curves, trees)
    assert 'class="warning"' not in page_text
    assert 'class="warning"' in partial and "Incomplete" in partial and "(2 of 6)" in partial
    assert len(Page(partial).tables["results"]) == 2 * 3


def test_figures_follow_the_sweep():
    meta, runs, curves, trees = synthetic_experiment(runs=5)
    one_axis = runs[runs["campaign.budget"] == 100.0].drop(columns="campaign.budget")
    text = report.render_report({**meta, "axes": ["model.share"]}, one_axis, curves, [])
    alts = [a["alt"] for a in Page(text).images()]
    curves_alt = [a for a in alts if a.startswith("Mean adopters per step")]
    assert len(curves_alt) == 1 and "The first" not in curves_alt[0]  # every cell drawn
    assert not any("minus the baseline" in a for a in alts)  # one axis: no heatmap
    assert not any("budget" in a for a in alts)  # one budget: no budget figure
    assert not any("referral forest" in a for a in alts)  # no trees
    no_baseline = report.render_report({**meta, "baseline": None}, runs, curves, trees)
    alts = [a["alt"] for a in Page(no_baseline).images()]
    assert sum(a.startswith("Mean reach of every campaign over") for a in alts) == 1
    assert "differences" not in Page(no_baseline).tables


def test_write_report_uses_the_store(tmp_path, monkeypatch):
    meta, runs, curves, trees = synthetic_experiment(runs=5)
    meta = {**meta, "level": 0.9}
    loaded = {"load_meta": meta, "load_results": runs, "load_curves": curves,
              "load_trees": trees}
    calls = []

    def loader(name):
        def load(run_dir):
            calls.append((name, run_dir))
            return loaded[name]
        return load

    store = types.ModuleType("refsim.experiment.store")
    for name in loaded:
        setattr(store, name, loader(name))
    seeds_module = types.ModuleType("refsim.experiment.seeds")
    seeds = runs.head(0)
    seeds_module.load_seeds = lambda run_dir, cells: (
        calls.append(("load_seeds", run_dir)) or asked.append(list(cells)) or seeds)
    asked = []
    package = types.ModuleType("refsim.experiment")
    package.store = store
    package.seeds = seeds_module
    monkeypatch.setitem(sys.modules, "refsim.experiment", package)
    monkeypatch.setitem(sys.modules, "refsim.experiment.store", store)
    monkeypatch.setitem(sys.modules, "refsim.experiment.seeds", seeds_module)
    rendered = []

    def render(*args, **kwargs):
        rendered.append((args, kwargs))
        return "<!DOCTYPE html>\n<p>caf\u00e9</p>\n"

    monkeypatch.setattr(report, "render_report", render)
    path = report.write_report(str(tmp_path))
    assert path == tmp_path / "report.html"
    assert sorted(calls) == sorted((name, tmp_path) for name in [*loaded, "load_seeds"])
    (args, kwargs), = rendered
    assert args[0] is meta and args[1] is runs and args[2] is curves and args[3] is trees
    assert kwargs == {"level": 0.9, "seeds": seeds, "payback": None}  # no lifecycle
    # seeds are named (graphs rebuilt) only for the cells the Answer describes
    assert asked[0] == sorted(runs["cell"].unique())[:report.ANSWER_CELLS]
    assert path.read_bytes() == "<!DOCTYPE html>\n<p>caf\u00e9</p>\n".encode("utf-8")
    other = report.write_report(tmp_path, tmp_path / "sub.html")
    assert other == tmp_path / "sub.html" and other.exists()


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(html_file, shot, profile):
    """Headless Chromium's 1200 x 2000 screenshot of a page, as uint8 RGB rows."""
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
           f"--screenshot={shot}", "--window-size=1200,2000", html_file.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert shot.exists(), done.stderr[-2000:]
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (2000, 1200)
    return np.round(pixels[..., :3] * 255).astype(np.uint8)


def colour_mask(rgb, hex_colour):
    return np.all(rgb == tuple(bytes.fromhex(hex_colour.lstrip("#"))), axis=-1)


def rows_and_columns(mask):
    ys, xs = np.nonzero(mask)
    return (ys.min(), ys.max()), (xs.min(), xs.max())


@pytest.mark.browser
@pytest.mark.skipif(chromium() is None, reason="no chromium or chromium-browser on PATH")
def test_renders_in_headless_chromium(tmp_path, page_text):
    html_file = tmp_path / "report.html"
    html_file.write_text(page_text, encoding="utf-8")
    rgb = screenshot(html_file, tmp_path / "shot.png", tmp_path / "profile")
    # a page known to be blank, shot the same way: one colour, none of the report's
    blank_file = tmp_path / "blank.html"
    blank_file.write_text("<!DOCTYPE html>\n<title>blank</title>\n", encoding="utf-8")
    blank = screenshot(blank_file, tmp_path / "blank.png", tmp_path / "profile")
    assert (blank == blank[0, 0]).all()
    assert (rgb[0, 0] == blank[0, 0]).all()  # the report's page background is the same
    # the stylesheet's colours are on screen, and on the blank page not at all: text,
    # h2 rules, the answer box, the results table's header and cell borders, and the
    # marks of differences significantly up or down (the key above the table and its cells)
    for colour in ("#1d232b", "#d6dbe1", "#eef5fb", "#2f7ebc", "#e9edf1", "#ccd3da",
                   "#dcebf7", "#fbe5d6"):
        assert colour_mask(rgb, colour).any() and not colour_mask(blank, colour).any(), colour
    # the answer box as its CSS draws it (.answer: border-left 4px, padding 0.6em 1em)
    # at the default 16px font: a 4-pixel stripe down the box's full height, from the
    # left end of the h2 rules (both span the body's content box); right of it the
    # background, to the right end of the rules; at least 9 rows of plain background
    # above the text and 9 below (the 9.6px padding holds no text); and room for at
    # least six lines of 1.45em (the six list items), 158.4px with the padding
    stripe = colour_mask(rgb, "#2f7ebc")
    (top, bottom), (left, right) = rows_and_columns(stripe)
    assert right - left + 1 == 4 and stripe.sum() == 4 * (bottom - top + 1)
    _, (rule_left, rule_right) = rows_and_columns(colour_mask(rgb, "#d6dbe1"))
    box = colour_mask(rgb, "#eef5fb")
    assert left == rule_left
    assert rows_and_columns(box) == ((top, bottom), (right + 1, rule_right))
    plain = box[top:bottom + 1, right + 1:rule_right + 1].all(axis=1)
    assert plain[:9].all() and plain[-9:].all()
    assert bottom - top + 1 >= 2 * 9.6 + 6 * 1.45 * 16


def test_assumptions_table_lists_every_effective_value_with_its_source():
    """Built from the resolved config and the parameter descriptions: one row per
    effective value; a swept key shows its values, not the base one."""
    from refsim.experiment.config import resolve_config
    from refsim.experiment.reference import assumption_rows

    cfg = resolve_config({"graph": {"generator": "erdos_renyi", "n": 100, "mean_degree": 4},
                          "campaign": [{"seeding": "degree", "k": 5}],
                          "economics": {"customer_value": 80.0},
                          "sweep": {"axes": {"model.share": [0.05, 0.2]}}})
    meta, runs, curves, trees = synthetic_experiment()
    meta = {**meta, "config": cfg}
    rows = Page(report.render_report(meta, runs, curves, trees)).tables["assumptions"]
    table = {r[0]["text"]: [c["text"] for c in r[1:]] for r in rows}
    assert len(table) == len(assumption_rows(cfg))
    assert table["economics.customer_value"][:2] == ["$80", "$ per customer"]  # as money
    assert table["model.share"][0] == "swept: 0.05, 0.2"
    assert table["program.disclosed"][0] == "yes"
    assert table["economics.referral_premium"][3].startswith("Schmitt, Skiera")
    assert table["population.segments.influencer.seed_cost"][0] == "$200"
    # a run directory whose config this version cannot read still gets its report
    assert "Assumptions" not in report.render_report({**meta, "config": {}}, runs, curves,
                                                     trees)


def test_curves_are_drawn_for_every_cell_or_the_report_says_which():
    """One panel per cell up to report_figures.CURVE_CELLS; beyond, the caption says how many
    are drawn and where the rest are; a single cell's panel carries no "cell 0"."""
    meta, runs, curves, trees = synthetic_experiment(runs=5)
    fig = plotting.curves_grid(curves, [0, 1, 2, 3, 4, 5], [f"c{i}" for i in range(6)])
    assert len([a for a in fig.axes if a.get_visible()]) == 6
    assert [a.get_title() for a in fig.axes[:6]] == [f"c{i}" for i in range(6)]
    keep = report_figures.CURVE_CELLS
    try:
        report_figures.CURVE_CELLS = 4
        text = report.render_report(meta, runs, curves, [])
    finally:
        report_figures.CURVE_CELLS = keep
    alt = next(a["alt"] for a in Page(text).images() if a["alt"].startswith("Mean adopters"))
    assert "The first 4 of 6 cells" in alt and "load_curves" in alt
    one = runs[runs["cell"] == 0].drop(columns=["model.share", "campaign.budget"])
    single = report.render_report(dict(meta, axes=[]), one, curves[curves["cell"] == 0], [])
    assert "cell 0" not in single


#: seeding.toml's sweep, small: long graph specs (two of one generator) and ratios, each
#: in a config order that is not sorted; its ten campaigns, IMM and CELF the last two.
SEEDING_SPECS = ["holme_kim:n=150,m=3,triad_p=0.8", "barabasi_albert:n=150,m=3",
                 "degree_corrected_block:sizes=[30,30,30,30,30],mean_degree=6,mixing=0.05,"
                 "exponent=2.5",
                 "holme_kim:n=150,m=3,triad_p=0.2"]
SEEDING_RATIOS = [2.0, 0.5]
SEEDINGS = ["random", "degree", "pagerank", "kcore", "betweenness", "community",
            "nominated_friend", "degree_discount", "celf", "imm"]


@pytest.fixture(scope="module")
def seeding_report(tmp_path_factory):
    """A seeding-like experiment run for real (small graphs, 4 runs) and its report,
    built with every UserWarning an error; also each figure, by caption."""
    from refsim.experiment import resolve_config, run_experiment

    raw = {"experiment": {"name": "seeding", "seed": 3, "runs": 4, "steps": 30,
                          "baseline": "random"},
           "graph": {"spec": SEEDING_SPECS[0]}, "model": {"kind": "ic", "p_over_threshold": 1.0},
           "campaign": [{"name": s, "seeding": s, "k": 3,
                         **({"params": {"runs": 5}} if s == "celf" else {})}
                        for s in SEEDINGS],
           "sweep": {"axes": {"graph.spec": SEEDING_SPECS,
                              "model.p_over_threshold": SEEDING_RATIOS}}}
    out = tmp_path_factory.mktemp("seeding") / "run"
    figures = {}

    def keep(build, caption):
        fig = build()
        figures[caption] = fig
        return drawn(lambda: fig, caption)

    drawn = report_figures.figure_html
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        run_experiment(resolve_config(raw), out, progress=False)
        mp.setattr(report_figures, "figure_html", keep)
        text = report.write_report(out).read_text(encoding="utf-8")
    return text, figures


def heatmap_of(figures, metric="Reach"):
    return next(fig for caption, fig in figures.items()
                if caption.startswith(f"{metric} of every campaign minus the baseline"))


def test_a_sweep_of_long_graph_specs_reports_without_a_warning(seeding_report):
    text, figures = seeding_report
    page = Page(text[text.index("<body>"):])  # the page as shown, its style sheet aside
    # curves, campaigns per cell, reach against p / threshold, one heatmap grid
    assert len(page.images()) == len(figures) == 4
    assert "warn" not in " ".join(page.text).lower()
    assert "Figure not drawn" not in text


def test_every_report_figure_labels_its_axes_and_keeps_its_ticks_short(seeding_report):
    _, figures = seeding_report
    for caption, fig in figures.items():
        assert not unlabelled_axes(fig), caption
        assert not long_tick_lines(fig), caption
    curves = next(f for c, f in figures.items() if c.startswith("Mean adopters"))
    assert {ax.get_xlabel() for ax in curves.axes if ax.lines} == {"step (round of referrals)"}
    assert curves.get_supylabel() == "adopters (people)"


def test_heatmap_ticks_name_the_graphs_briefly_in_the_config_order(seeding_report):
    _, figures = seeding_report
    ax = heatmap_of(figures).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "holme_kim triad_p=0.8", "barabasi_albert", "degree_corrected_block",
        "holme_kim triad_p=0.2"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "0.5"]


def test_every_campaign_but_the_baseline_has_a_heatmap_panel_on_one_scale(seeding_report):
    _, figures = seeding_report
    fig = heatmap_of(figures)
    panels = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in panels] == [f"{s} \N{MINUS SIGN} random"
                                                 for s in SEEDINGS[1:]]
    limits = {(ax.images[0].norm.vmin, ax.images[0].norm.vmax) for ax in panels}
    (low, high), = limits
    shown = np.concatenate([np.ma.filled(ax.images[0].get_array(), np.nan).ravel()
                            for ax in panels])
    assert low == -high == -np.nanmax(np.abs(shown))
    assert fig.get_supylabel() == "graph"


def test_profit_figures_show_break_even_and_the_recommended_campaign():
    """Profit against each swept number has a break-even line at 0; in the profit per
    campaign the bar of the campaign analysis.recommend picks is highlighted."""
    from refsim.plotting.campaigns import HIGHLIGHT

    meta, runs, curves, trees = synthetic_experiment(runs=8)
    figures = {}

    def keep(build, caption):
        figures[caption] = build()
        return ""

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(report_figures, "figure_html", keep)
        report.render_report(meta, runs, curves, trees)
    against = [f for c, f in figures.items() if c.startswith("Mean profit of each campaign "
                                                             "against")]
    assert len(against) == 2  # model.share and campaign.budget
    for fig in against:
        for ax in (a for a in fig.axes if a.lines):
            line = next(x for x in ax.get_lines() if x.get_label() == "break-even")
            assert set(line.get_ydata()) == {0.0}
    per_campaign = next(f for c, f in figures.items()
                        if c.startswith("Mean profit of each campaign with"))
    picks = analysis.recommend(runs, "profit").set_index("cell")["campaign"]
    for cell, ax in enumerate(a for a in per_campaign.axes if a.patches):
        blue = [bar.get_gid() for bar in ax.patches
                if np.allclose(bar.get_facecolor()[:3], matplotlib.colors.to_rgb(HIGHLIGHT))]
        assert blue == [picks[cell]]
