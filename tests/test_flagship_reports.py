"""Each flagship experiment's report, on a reduced run, answers in its first screen: the
recommendation with its paired interval (in dollars where the model has money), before
any table or figure; no matplotlib warning reaches the page."""

import re
import tomllib
from pathlib import Path

import pytest

from refsim.experiment.config import resolve_config
from refsim.experiment.runner import run_experiment
from refsim.report import write_report

from test_report import chromium, colour_mask, rows_and_columns, screenshot

ROOT = Path(__file__).parents[1] / "experiments"

# a report build must not warn (matplotlib's "constrained_layout not applied", say)
pytestmark = pytest.mark.filterwarnings("error::UserWarning")


def _reduced(name):
    """The flagship config with few runs and small graphs (the same campaigns, axes and
    economics), resolved."""
    raw = tomllib.loads((ROOT / f"{name}.toml").read_text())
    raw["experiment"]["runs"] = 12
    axes = raw.get("sweep", {}).get("axes", {})
    if "graph.spec" in axes:  # seeding: the same three graph families, 500 nodes
        axes["graph.spec"] = [re.sub(r"n=\d+", "n=500", s).replace(
            "sizes=[1000,1000,1000,1000,1000]", "sizes=[100,100,100,100,100]")
            for s in axes["graph.spec"]]
        raw["graph"]["spec"] = axes["graph.spec"][0]
        for c in raw["campaign"]:
            if c["seeding"] == "celf":
                c["params"] = {"runs": 5, "candidates": 20}
    elif "n" in raw["graph"]:
        raw["graph"]["n"] = min(raw["graph"]["n"], 3000)
    return resolve_config(raw, source=str(ROOT / f"{name}.toml"))


@pytest.fixture(scope="module", params=["quickstart", "incentives", "seeding",
                                        "micro_vs_macro", "growth_programmes"])
def flagship(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param) / "run"
    run_experiment(_reduced(request.param), out, progress=False)
    return request.param, write_report(out)


def test_answer_comes_first_with_a_paired_interval(flagship):
    name, page = flagship
    text = page.read_text()
    answer = text.index("<h2>Answer</h2>")
    assert answer < text.index("<table") and answer < text.index("<img")
    first = text[answer:].split("</li>")[0]
    assert "paired" in first
    if name == "seeding":  # Independent Cascade: reach, no money
        assert re.search(r"reach [\d.,]+ \[[\d.,]+, [\d.,]+\]", first)
        # cells named by short values, not by whole graph specs
        assert first.split("</b>")[0].endswith("graph = barabasi_albert, p / threshold = 0.5")
        assert "barabasi_albert:n=" not in text[answer:text.index("<h2>Results")]
    else:
        assert re.search(r"(profit|npv) \$[\d,]+ \[\$[\d,]+, \$[\d,]+\]", first), first
        assert re.search(r"[+\N{MINUS SIGN}]\$[\d,]+ \[", first)  # the paired difference
    assert "Warning" not in text and "warnings.warn" not in text


@pytest.mark.browser
@pytest.mark.skipif(chromium() is None, reason="no chromium or chromium-browser on PATH")
def test_first_screen_holds_the_recommendation(flagship, tmp_path):
    _, page = flagship
    rgb = screenshot(page, tmp_path / "shot.png", tmp_path / "profile")
    (top, bottom), _ = rows_and_columns(colour_mask(rgb, "#2f7ebc"))  # the answer's stripe
    # the answer box starts within the first 900 pixels (a laptop's first screen) with
    # at least three lines of it (3 x 1.45em at 16px) on that screen
    assert top < 900 - 3 * 1.45 * 16, top
    assert bottom > top + 3 * 1.45 * 16
