"""The README's printed answers are what the commands print today."""

import json
import re
from pathlib import Path

import pytest

from refsim.cli import main

ROOT = Path(__file__).parents[1]


def _block_after(marker):
    """The text block that follows the first README line containing ``marker``."""
    text = (ROOT / "README.md").read_text()
    start = text.index(marker)
    block = re.search(r"```text\n(.*?)```", text[start:], re.S)
    return block.group(1).splitlines()


@pytest.mark.parametrize("config, marker", [
    ("quickstart.toml", "## A strategist's first run"),
    ("own_customers.toml", "## Your own customers"),
])
def test_readme_answer_is_what_refsim_run_prints(tmp_path, capsys, monkeypatch, config,
                                                  marker):
    monkeypatch.chdir(ROOT)  # paths print relative to where refsim runs, as in the README
    assert main(["run", f"experiments/{config}", "--out", str(tmp_path / "run"), "--quiet",
                 "--no-report"]) == 0
    printed = capsys.readouterr().out.splitlines()
    shown = [line for line in _block_after(marker)
             if not line.startswith(("report:", "results:"))]
    assert shown == printed[:len(shown)]


def test_readme_calibration_is_what_refsim_calibrate_prints(tmp_path, capsys,
                                                            monkeypatch):
    """The calibration section's two printed answers: the fitted values (the seconds
    aside) and the comparison of programmes on that posterior."""
    pytest.importorskip("pyabc")
    monkeypatch.chdir(ROOT)
    out = tmp_path / "cal"
    assert main(["calibrate", "experiments/calibrate_example.toml", "--data",
                 "experiments/data/example_signups.csv", "--out", str(out),
                 "--quiet"]) == 0
    printed = capsys.readouterr().out.splitlines()
    shown = _block_after("## Your own data: calibration")

    def untimed(line):
        return re.sub(r" in \d+ s$", "", line)

    assert [untimed(x) for x in shown] == [untimed(x) for x in printed[:len(shown)]]
    assert main(["run", "experiments/calibrated_programmes.toml", "--out",
                 str(tmp_path / "run"), "--quiet", "--no-report", "--set",
                 f"model.posterior={json.dumps(str(out))}"]) == 0
    printed = capsys.readouterr().out.splitlines()
    text = (ROOT / "README.md").read_text()
    start = text.index("refsim run experiments/calibrated_programmes.toml")
    block = re.search(r"```text\n(.*?)```", text[start:], re.S).group(1).splitlines()
    assert block == printed[:len(block)]
