"""Figures: what is drawn equals the data it was drawn from."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from figure_checks import MAX_TICK, long_tick_lines, tick_texts, unlabelled_axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from refsim import analysis, plotting

CAMPAIGNS = ("organic", "referral", "big reward")


def synthetic_curves(steps=12, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for cell in (0, 1):
        for c, name in enumerate(CAMPAIGNS):
            for series in ("adopters", "aware"):
                mean = np.cumsum(rng.uniform(0, 5 + c, steps + 1)) + 10
                half = rng.uniform(0.5, 2.0, steps + 1)
                half[0] = np.nan  # one run at step 0: no interval
                for t in range(steps + 1):
                    rows.append({"cell": cell, "campaign": name, "series": series, "step": t,
                                 "mean": mean[t], "sem": half[t] / 2, "lo": mean[t] - half[t],
                                 "hi": mean[t] + half[t], "runs": 30})
    return pd.DataFrame(rows)


def synthetic_summary(shares=(0.1, 0.2, 0.4), budgets=(100.0, 200.0, 400.0),
                      mixings=(0.0,), seed=0):
    """A summarize()-like frame: axes model.share x campaign.budget (x graph.mixing)."""
    rng = np.random.default_rng(seed)
    rows = []
    cell = 0
    for share in shares:
        for budget in budgets:
            for mixing in mixings:
                for c, (name, strategy) in enumerate(zip(CAMPAIGNS,
                                                         ("random", "degree", "pagerank"))):
                    for metric in ("reach", "cac", "roi"):
                        mean = rng.uniform(1, 100)
                        half = rng.uniform(0.1, 5)
                        rows.append({"cell": cell, "model.share": share,
                                     "campaign.budget": budget, "graph.mixing": mixing,
                                     "campaign": name, "strategy": strategy, "k": np.nan,
                                     "budget": budget, "metric": metric, "mean": mean,
                                     "sem": half / 2, "lo": mean - half, "hi": mean + half,
                                     "runs": 20})
                cell += 1
    return pd.DataFrame(rows)


def test_public_names():
    assert set(plotting.__all__) == {"curves_figure", "curves_grid", "campaign_figure",
                                     "axis_figure", "budget_figure", "heatmap_figure",
                                     "heatmap_grid", "tree_figure", "tree_layout",
                                     "axis_label", "value_labels", "value_names",
                                     "cell_titles"}


def test_importing_touches_no_matplotlib_state():
    code = ("import sys, refsim.plotting, refsim.report, refsim.analysis; "
            "print(sorted(m for m in sys.modules if m.startswith('matplotlib')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]"
    # drawing a figure does not load pyplot, so no global figure manager exists
    code = ("import sys, pandas as pd, refsim.plotting as p; "
            "p.tree_figure({'nodes': [1, 2], 'parents': [-1, 1], 'seeds': [1]}); "
            "print('matplotlib.pyplot' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "False"


def test_curves_one_line_and_band_per_campaign():
    curves = synthetic_curves()
    fig = plotting.curves_figure(curves, cell=1, series="aware")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    lines, bands = ax.get_lines(), ax.collections
    assert [line.get_label() for line in lines] == list(CAMPAIGNS)
    assert len(bands) == len(CAMPAIGNS)
    for name, line, band in zip(CAMPAIGNS, lines, bands):
        want = curves[(curves["cell"] == 1) & (curves["series"] == "aware")
                      & (curves["campaign"] == name)].sort_values("step")
        np.testing.assert_array_equal(line.get_ydata(), want["mean"])
        np.testing.assert_array_equal(line.get_xdata(), want["step"])
        vertices = np.concatenate([p.vertices for p in band.get_paths()])
        for t, lo, hi in zip(want["step"][1:], want["lo"][1:], want["hi"][1:]):
            ys = vertices[vertices[:, 0] == t, 1]
            assert ys.min() == pytest.approx(lo) and ys.max() == pytest.approx(hi)
        assert not (vertices[:, 0] == 0).any()  # no band where the interval is NaN


def test_curves_colours_match_between_line_and_band():
    fig = plotting.curves_figure(synthetic_curves(), cell=0)
    ax = fig.axes[0]
    from matplotlib.colors import to_rgb
    for line, band in zip(ax.get_lines(), ax.collections):
        assert to_rgb(line.get_color()) == pytest.approx(tuple(band.get_facecolor()[0][:3]))


def test_curves_missing_cell_or_series():
    with pytest.raises(ValueError, match="cell 5"):
        plotting.curves_figure(synthetic_curves(), cell=5)
    with pytest.raises(ValueError, match="'advocates'"):
        plotting.curves_figure(synthetic_curves(), series="advocates")


def errorbar_data(ax):
    """(label, x, y, lower, upper) of every errorbar container of an axes."""
    out = []
    for container in ax.containers:
        line = container.lines[0]
        segments = container.lines[2][0].get_segments()
        out.append((container.get_label(), line.get_xdata(), line.get_ydata(),
                    np.array([s[0][1] for s in segments]), np.array([s[1][1] for s in segments])))
    return out


def test_budget_figure_one_panel_per_metric_one_line_per_strategy():
    s = synthetic_summary(shares=(0.2,))
    fig = plotting.budget_figure(s)
    assert [ax.get_xlabel() for ax in fig.axes] == [r"budget (\$)"] * 3
    for ax, metric in zip(fig.axes, ("reach", "cac", "roi")):
        drawn = errorbar_data(ax)
        assert [d[0] for d in drawn] == ["random", "degree", "pagerank"]
        for (label, x, y, lo, hi) in drawn:
            want = s[(s["strategy"] == label) & (s["metric"] == metric)].sort_values("budget")
            np.testing.assert_array_equal(x, want["budget"])
            np.testing.assert_allclose(y, want["mean"])
            np.testing.assert_allclose(lo, want["lo"])
            np.testing.assert_allclose(hi, want["hi"])


def test_budget_figure_splits_lines_by_the_first_other_axis_and_holds_the_rest():
    s = synthetic_summary(shares=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), mixings=(0.0, 0.5))
    fig = plotting.budget_figure(s, metrics=("reach", "absent"))
    assert len(fig.axes) == 1  # the absent metric is skipped
    ax = fig.axes[0]
    assert "graph.mixing=0" in ax.get_title()
    drawn = errorbar_data(ax)
    # 3 strategies x at most MAX_GROUPS shares, spread over the six values
    assert len(drawn) == 3 * plotting.MAX_GROUPS
    shown = sorted({d[0].split("model.share=")[1] for d in drawn})
    assert shown == ["0.1", "0.3", "0.4", "0.6"]
    label, x, y, _, _ = drawn[0]
    want = s[(s["strategy"] == "random") & (s["metric"] == "reach") & (s["model.share"] == 0.1)
             & (s["graph.mixing"] == 0.0)].sort_values("budget")
    np.testing.assert_allclose(y, want["mean"])


def test_budget_figure_falls_back_to_k_and_to_campaign_lines():
    s = synthetic_summary(shares=(0.2,), budgets=(1.0, 2.0))
    s["k"], s["budget"] = s["campaign.budget"] * 5, np.nan
    s["strategy"] = "degree"  # three campaigns of one strategy at equal k
    fig = plotting.budget_figure(s, metrics=("reach",))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "k (seeds)"
    assert [d[0] for d in errorbar_data(ax)] == list(CAMPAIGNS)
    with pytest.raises(ValueError, match="no finite value"):
        plotting.budget_figure(s.assign(k=np.nan), metrics=("reach",))
    with pytest.raises(ValueError, match="none of the metrics"):
        plotting.budget_figure(s, metrics=("profit",))


def test_heatmap_values_are_the_summary_means():
    s = synthetic_summary(shares=(0.1, 0.2, 0.4), budgets=(100.0, 200.0))
    fig = plotting.heatmap_figure(s, "model.share", "campaign.budget", "cac", "referral")
    ax = fig.axes[0]
    image = ax.images[0].get_array()
    rows = s[(s["campaign"] == "referral") & (s["metric"] == "cac")]
    want = rows.pivot(index="campaign.budget", columns="model.share", values="mean")
    assert image.shape == (2, 3)
    np.testing.assert_array_equal(np.asarray(image), want.sort_index().sort_index(axis=1))
    texts = [t.get_text() for t in ax.texts]
    assert texts == [f"{v:.3g}" for v in want.sort_index().to_numpy().ravel()]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.1", "0.2", "0.4"]
    assert ax.get_xlabel() == "share" and ax.get_ylabel() == "budget"


def test_heatmap_of_differences_is_centred_and_marks_significance():
    s = synthetic_summary(shares=(0.1, 0.2), budgets=(100.0, 200.0))
    d = s[s["campaign"] != "organic"].assign(baseline="organic")
    d["mean"] = [3.0, -1.0, 0.5, 2.0] * (len(d) // 4)
    d["lo"], d["hi"] = d["mean"] - 1.0, d["mean"] + 1.0  # excludes 0 iff |mean| > 1
    fig = plotting.heatmap_figure(s, "model.share", "campaign.budget", differences=d)
    ax = fig.axes[0]
    im = ax.images[0]
    assert im.norm.vmin == -im.norm.vmax
    rows = d[(d["campaign"] == "referral") & (d["metric"] == "reach")]
    want = rows.pivot(index="campaign.budget", columns="model.share", values="mean")
    np.testing.assert_array_equal(np.asarray(im.get_array()), want.to_numpy())
    marked = [t.get_text().endswith("*") for t in ax.texts]
    assert marked == [abs(v) > 1 for v in want.to_numpy().ravel()]
    assert "referral \N{MINUS SIGN} organic" in ax.get_title()


def test_heatmap_bad_axes():
    s = synthetic_summary()
    with pytest.raises(ValueError, match="'campaign'"):
        plotting.heatmap_figure(s, "model.share", "campaign")
    with pytest.raises(ValueError, match="different"):
        plotting.heatmap_figure(s, "model.share", "model.share")
    with pytest.raises(ValueError, match="'nope'"):
        plotting.heatmap_figure(s, "model.share", "campaign.budget", campaign="nope")


#: Long graph specs, as seeding.toml sweeps them, in a config order that is neither
#: sorted nor the order the cells below are stored in; two share a generator.
SPECS = ("holme_kim:n=5000,m=3,triad_p=0.8", "barabasi_albert:n=5000,m=3",
         "degree_corrected_block:sizes=[1000,1000,1000,1000,1000],mean_degree=6,mixing=0.05",
         "holme_kim:n=5000,m=3,triad_p=0.2")
RATIOS = (2.0, 0.5, 1.0)
SHORT = ["holme_kim triad_p=0.8", "barabasi_albert", "degree_corrected_block",
         "holme_kim triad_p=0.2"]
SEEDINGS = ("random", "degree", "pagerank", "kcore", "betweenness", "community",
            "nominated_friend", "degree_discount", "celf", "imm")


def spec_runs(runs=6, seed=0):
    """Per-run reach over graph.spec x model.p_over_threshold for the ten campaigns of
    seeding.toml, cells stored in reverse config order; campaign c gains about 3 c over
    random (common random numbers within a cell)."""
    rng = np.random.default_rng(seed)
    rows = []
    cells = [(s, r) for s in reversed(SPECS) for r in reversed(RATIOS)]
    for cell, (spec, ratio) in enumerate(cells):
        common = rng.normal(50 * ratio, 5.0, runs)
        for c, name in enumerate(SEEDINGS):
            reach = common + 3.0 * c * (1 + cell % 3) + rng.normal(0, 1.0, runs)
            rows += [{"cell": cell, "graph.spec": spec, "model.p_over_threshold": ratio,
                      "campaign": name, "run": r, "reach": reach[r]} for r in range(runs)]
    return pd.DataFrame(rows)


def test_value_labels_name_the_generator_and_what_differs():
    labels = plotting.value_labels(list(SPECS))
    assert labels == SHORT
    assert plotting.value_labels(["holme_kim:n=100,m=3", "holme_kim:n=200,m=3"]) == [
        "holme_kim n=100", "holme_kim n=200"]
    assert plotting.value_labels([0.05, 2.0, 20000.0]) == ["0.05", "2", "20,000"]
    # a text too long for one line is wrapped, then cut: no line is longer than 30
    long = plotting.value_labels(["x" * 80, "not a spec: " + "word " * 30])
    assert all(len(line) <= plotting.labels.MAX_LABEL for t in long for line in t.split("\n"))
    assert plotting.axis_label("model.p_over_threshold") == "p / threshold"
    assert plotting.axis_label("campaign.budget", "$") == "budget ($)"


def test_heatmap_rows_and_columns_follow_the_config_order_with_short_ticks():
    d = analysis.paired_differences(spec_runs(), "random", "reach")
    order = {"graph.spec": list(SPECS), "model.p_over_threshold": list(RATIOS)}
    fig = plotting.heatmap_grid(None, "model.p_over_threshold", "graph.spec", "reach",
                                ["imm"], d, order=order)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == SHORT
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2", "0.5", "1"]
    assert not long_tick_lines(fig)
    rows = d[(d["campaign"] == "imm")].set_index(["graph.spec", "model.p_over_threshold"])
    want = [[rows.at[(s, r), "mean"] for r in RATIOS] for s in SPECS]
    np.testing.assert_array_equal(np.asarray(ax.images[0].get_array()), want)
    # without the config's order: the order of first appearance, still not sorted
    fig = plotting.heatmap_grid(None, "model.p_over_threshold", "graph.spec", "reach",
                                ["imm"], d)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == SHORT[::-1]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "0.5", "2"]


def test_heatmap_grid_has_a_panel_per_compared_campaign_on_one_centred_scale():
    d = analysis.paired_differences(spec_runs(), "random", "reach")
    fig = plotting.heatmap_grid(None, "model.p_over_threshold", "graph.spec", "reach",
                                differences=d, unit="people")
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == len(SEEDINGS) - 1
    assert [ax.get_title() for ax in panels] == [f"{c} \N{MINUS SIGN} random"
                                                 for c in SEEDINGS[1:]]
    norms = {(ax.images[0].norm.vmin, ax.images[0].norm.vmax) for ax in panels}
    bound = d.loc[d["metric"] == "reach", "mean"].abs().max()
    assert norms == {(-bound, bound)}  # one scale, symmetric about 0, nothing clipped
    (bar,) = {ax.images[0].colorbar for ax in panels} - {None}
    assert bar.ax.get_ylabel() == "reach difference (people)"
    assert not unlabelled_axes(fig)


def profit_summary(rewards=(5.0, 10.0, 20.0, 40.0), shares=(0.1, 0.2)):
    """A summarize()-like frame of profit and reach over campaign.reward x model.share."""
    rng = np.random.default_rng(3)
    rows = []
    cells = [(s, w) for s in shares for w in rewards]
    for cell, (share, reward) in enumerate(cells):
        for c, name in enumerate(("no reward", "sender", "two-sided")):
            for metric, mean in (("profit", 1000 * (c + 1) - 60 * c * reward),
                                 ("reach", 100 + 10 * c + share)):
                half = rng.uniform(10, 50)
                rows.append({"cell": cell, "model.share": share, "campaign.reward": reward,
                             "campaign": name, "metric": metric, "mean": mean,
                             "lo": mean - half, "hi": mean + half})
    return pd.DataFrame(rows)


def test_axis_figure_draws_bands_and_the_break_even_line_for_profit():
    s = profit_summary()
    fig = plotting.axis_figure(s, "campaign.reward", "profit", unit="$",
                               units={"campaign.reward": "$ per converted referral"})
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == ["share = 0.1", "share = 0.2"]
    for ax, share in zip(panels, (0.1, 0.2)):
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert list(lines) == ["no reward", "sender", "two-sided", "break-even"]
        assert set(lines["break-even"].get_ydata()) == {0.0}
        assert "break-even" in [t.get_text() for t in ax.texts]
        want = s[(s["campaign"] == "sender") & (s["metric"] == "profit")
                 & (s["model.share"] == share)]
        np.testing.assert_array_equal(lines["sender"].get_xdata(), want["campaign.reward"])
        np.testing.assert_allclose(lines["sender"].get_ydata(), want["mean"])
        assert len(ax.collections) == 3  # a CI band per campaign
    assert panels[0].get_xlabel() == r"reward (\$ per converted referral)"
    assert fig.get_supylabel() == r"profit (\$)"
    assert not unlabelled_axes(fig)
    reach = plotting.axis_figure(s, "campaign.reward", "reach", unit="people")
    assert "break-even" not in [line.get_label() for line in reach.axes[0].get_lines()]
    with pytest.raises(ValueError, match="not a numeric sweep axis"):
        plotting.axis_figure(s.assign(**{"campaign.reward": "x"}), "campaign.reward")


def test_campaign_figure_highlights_the_recommended_campaign_per_cell():
    s = profit_summary(rewards=(5.0, 10.0), shares=(0.1,))
    fig = plotting.campaign_figure(s, "profit", [0, 1], ["a", "b"], unit="$",
                                   recommended={0: "sender", 1: "two-sided"},
                                   tied={1: "no reward"})
    colours = [{bar.get_gid(): to_hex(bar.get_facecolor()) for bar in ax.patches}
               for ax in fig.axes[:2]]
    from refsim.plotting.campaigns import HIGHLIGHT, PLAIN, TIED
    assert colours == [{"no reward": PLAIN, "sender": HIGHLIGHT, "two-sided": PLAIN},
                       {"no reward": TIED, "sender": PLAIN, "two-sided": HIGHLIGHT}]
    for ax, cell in zip(fig.axes[:2], (0, 1)):
        want = s[(s["cell"] == cell) & (s["metric"] == "profit")]["mean"]
        np.testing.assert_allclose([bar.get_width() for bar in ax.patches], want)
    sender = s[(s["cell"] == 0) & (s["campaign"] == "sender") & (s["metric"] == "profit")]
    bold = [t.get_text() for t in fig.axes[0].texts if t.get_fontweight() == "bold"]
    assert bold == [rf"\${sender['mean'].iloc[0]:,.0f}"]  # the mean, written on its bar
    assert [t.get_text() for t in fig.legends[0].get_texts()][:2] == [
        "recommended", "runner-up, tied with it (difference not significant)"]
    assert fig.axes[0].get_xlabel() == r"profit (\$)" and not unlabelled_axes(fig)


def test_every_figure_labels_its_axes_and_keeps_ticks_short():
    curves = synthetic_curves()
    summary = synthetic_summary()
    d = analysis.paired_differences(spec_runs(), "random", "reach")
    tree = {"nodes": [1, 2, 3], "parents": [-1, 1, 1], "seeds": [1]}
    figures = {
        "curves": plotting.curves_figure(curves),
        "curves grid": plotting.curves_grid(curves, [0, 1], ["one", "two"]),
        "budget": plotting.budget_figure(summary),
        "heatmap": plotting.heatmap_figure(summary, "model.share", "campaign.budget"),
        "heatmap grid": plotting.heatmap_grid(None, "model.p_over_threshold", "graph.spec",
                                              differences=d),
        "axis": plotting.axis_figure(summary, "model.share", "cac", unit="$ per customer"),
        "campaigns": plotting.campaign_figure(summary, "reach", [0, 1, 2, 3]),
        "tree": plotting.tree_figure(tree)}
    for name, fig in figures.items():
        assert not unlabelled_axes(fig), name
        assert not long_tick_lines(fig), name
        assert all(len(line) <= MAX_TICK for ax in fig.axes for t in tick_texts(ax)
                   for line in t.split("\n")), name


def random_forest(n=200, roots=5, seed=0):
    """A forest in adoption order: each node's parent is an earlier node or -1."""
    rng = np.random.default_rng(seed)
    nodes = rng.permutation(10 * n)[:n]
    parents = np.full(n, -1)
    for i in range(roots, n):
        parents[i] = nodes[rng.integers(0, i)]
    return nodes, parents


def test_tree_layout_children_one_level_below_parents_and_distinct_siblings():
    nodes, parents = random_forest(seed=4)
    x, depth = plotting.tree_layout(nodes, parents)
    at = {v: i for i, v in enumerate(nodes)}
    for i, p in enumerate(parents):
        if p == -1:
            assert depth[i] == 0
        else:
            assert depth[i] == depth[at[p]] + 1
    for p in set(parents) - {-1}:
        sib = x[parents == p]
        assert len(np.unique(sib)) == len(sib)
        # the parent sits between its first and last child
        assert sib.min() <= x[at[p]] <= sib.max()
    # stronger: no two nodes of one generation share a position
    for d in np.unique(depth):
        assert len(np.unique(x[depth == d])) == (depth == d).sum()


def test_tree_layout_rejects_bad_forests():
    with pytest.raises(ValueError, match="parent 9"):
        plotting.tree_layout([1, 2], [-1, 9])
    with pytest.raises(ValueError, match="cycle"):
        plotting.tree_layout([1, 2, 3], [-1, 3, 2])
    with pytest.raises(ValueError, match="repeated"):
        plotting.tree_layout([1, 1], [-1, -1])


def drawn_points(fig):
    ax = fig.axes[0]
    return {c.get_label(): c.get_offsets() for c in ax.collections
            if isinstance(c, PathCollection)}


def test_tree_figure_colours_seeds_and_leaves_out_lone_outside_adopters():
    # seeds 10, 11; outside adopter 30 referred 31; outside adopter 40 referred nobody
    tree = {"cell": 0, "campaign": "referral", "run": 2,
            "nodes": np.array([10, 11, 20, 21, 30, 22, 31, 40]),
            "parents": np.array([-1, -1, 10, 10, -1, 20, 30, -1]),
            "seeds": np.array([10, 11])}
    fig = plotting.tree_figure(tree)
    points = drawn_points(fig)
    assert len(points["seed"]) == 2
    assert len(points["referred adopter"]) == 4
    assert len(points["outside adopter who referred"]) == 1
    assert sum(map(len, points.values())) == 7
    # the outside adopter's tree is placed after (right of) the seeds' trees
    assert points["outside adopter who referred"][0][0] > points["seed"][:, 0].max()
    assert (points["seed"][:, 1] == 0).all()
    edges = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)][0]
    assert len(edges.get_segments()) == 4
    assert "1 outside adopters who referred nobody" in fig.axes[0].get_title()


def test_tree_figure_large_forest_shows_the_largest_cascade_breadth_first():
    n = 400
    nodes, parents = random_forest(n=n, roots=3, seed=9)
    tree = {"nodes": nodes, "parents": parents, "seeds": nodes[:3]}
    x, depth = plotting.tree_layout(nodes, parents)
    # find the root of each node, and the largest tree
    at = {v: i for i, v in enumerate(nodes)}
    root = np.arange(n)
    for i in range(n):
        if parents[i] != -1:
            root[i] = root[at[parents[i]]]
    largest = np.bincount(root).argmax()
    fig = plotting.tree_figure(tree, max_nodes=60)
    points = np.concatenate(list(drawn_points(fig).values()))
    assert len(points) == 60
    assert len(drawn_points(fig)["seed"]) == 1  # one tree only
    members = depth[root == largest]
    # breadth-first: the shown generations are full except the last one
    shown = np.bincount(points[:, 1].astype(int))
    full = np.bincount(members)
    assert (shown[:-1] == full[:len(shown) - 1]).all()
    assert shown[-1] <= full[len(shown) - 1]
    assert f"of its {(root == largest).sum()} members" in fig.axes[0].get_title()
