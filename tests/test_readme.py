"""The README's printed answers are what the commands print today."""

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
