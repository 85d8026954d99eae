"""The command line: real processes, exit codes, one-line errors."""

import json
import subprocess
import sys

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "refsim", *args], capture_output=True,
                          text=True, timeout=300)


def test_graph_profile_of_a_dataset_and_a_generator():
    out = run("graph", "karate_club")
    assert out.returncode == 0, out.stderr
    assert "mean clustering        0.571" in out.stdout
    js = run("graph", "holme_kim:n=3000,m=3,triad_p=0.5", "--json", "--seed", "4")
    assert js.returncode == 0, js.stderr
    prof = json.loads(js.stdout)
    assert prof["nodes"] == 3000 and prof["communities_source"].startswith("label")


def test_graph_profile_of_an_edge_list(tmp_path):
    f = tmp_path / "g.txt"
    f.write_text("# demo\n1 2\n2 3\n3 1\n3 4\n")
    out = run("graph", str(f), "--json")
    assert out.returncode == 0 and json.loads(out.stdout)["arcs"] == 8


@pytest.mark.parametrize("args,message", [
    (("graph", "nosuch"), "is not a file, a dataset"),
    (("graph", "erdos_renyi:n=10,mean_degree=20"), "mean_degree must be at most n - 1 = 9"),
    (("graph", "barabasi_albert:n=10,m=3,extra=1"), "no parameter 'extra'"),
])
def test_user_errors_exit_2_with_one_line(args, message):
    out = run(*args)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_malformed_edge_list_names_the_line(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_text("1 2\n2 3\noops\n")
    out = run("graph", str(f))
    assert out.returncode == 2 and "line 3" in out.stderr and "Traceback" not in out.stderr


def test_help_and_usage_errors():
    assert run("graph", "--help").returncode == 0
    assert run().returncode == 2  # argparse: missing command
    assert run("graph", "karate_club", "--seed", "x").returncode == 2


def test_run_prints_the_recommendation_with_full_names_even_when_quiet(tmp_path):
    """The console answer: campaign names in full (none cut at 27 characters), the
    objective in dollars, and the recommended campaign against the runner-up; --quiet
    hides only the progress bar."""
    long = "twenty best-connected customers, $10 two-sided reward"
    cfg = tmp_path / "q.toml"
    cfg.write_text(f"""
[experiment]
name = "q"
runs = 200
steps = 15
seed = 3
[graph]
generator = "holme_kim"
n = 3000
m = 3
triad_p = 0.5
[model]
share = 0.12
conversion = 0.25
[economics]
customer_value = 100.0
[[campaign]]
name = "random, no reward"
seeding = "random"
k = 10
[[campaign]]
name = "{long}"
seeding = "degree"
k = 10
program = "two_sided"
reward = 10
""")
    out = run("run", str(cfg), "--out", str(tmp_path / "r"), "--quiet", "--no-report")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert f"  {long}  " in text and "profit ($) [95% CI]" in text
    # hubs with a reward earn far more than random seeds here (+$9.7k, the interval far
    # from 0 at 200 runs): a recommendation, not a tie
    assert f"recommended: {long}, +$" in text and "tie: " not in text
    assert "profit against the runner-up random, no reward (paired)" in text
    assert "%|" not in out.stderr  # no progress bar


def test_set_on_a_campaign_field_its_name_states_says_so():
    """`--set campaign.k=50` on campaigns named "20 hubs, ...": a one-line note per
    campaign whose name states the old value, telling how to rename it; names that do
    not mention it, and values left unchanged, give none."""
    out = run("validate", "experiments/quickstart.toml", "--set", "campaign.k=50")
    assert out.returncode == 0, out.stderr
    notes = [line for line in out.stderr.splitlines() if ": note: " in line]
    assert len(notes) == 3 and all("whose name says 20" in n for n in notes)
    assert "--set 'campaign.20 hubs, no reward.name=...'" in out.stderr
    same = run("validate", "experiments/quickstart.toml", "--set", "campaign.k=20")
    assert ": note: " not in same.stderr
    reward = run("validate", "experiments/quickstart.toml", "--set",
                 "campaign.20 hubs, $10 two-sided.reward=20")
    assert reward.stderr.count(": note: ") == 1 and "says 10" in reward.stderr
    # renaming as the note says works, the baseline included
    renamed = run("validate", "experiments/quickstart.toml", "--set", "campaign.k=50",
                  "--set", "campaign.20 random, no reward.name=50 random, no reward")
    assert renamed.returncode == 0, renamed.stderr


def test_bench_passes_the_arguments_after_double_dash_to_each_script(monkeypatch, capsys):
    from refsim import cli

    calls = []
    monkeypatch.setattr(subprocess, "call", lambda cmd: calls.append(cmd) or 0)
    assert cli.main(["bench", "ic", "imm", "--quick", "--", "--regime", "lt_holme_kim"]) == 0
    assert [c[1].rsplit("/", 1)[1] for c in calls] == ["bench_ic.py", "bench_imm.py"]
    assert all(c[2:] == ["--quick", "--regime", "lt_holme_kim"] for c in calls)
    assert cli.main(["bench", "ic"]) == 0 and calls[-1][2:] == []
    # without --, an option refsim does not know is still an error
    with pytest.raises(SystemExit) as stop:
        cli.main(["bench", "ic", "--regime", "x"])
    assert stop.value.code == 2 and "unrecognized arguments: --regime" in capsys.readouterr().err
