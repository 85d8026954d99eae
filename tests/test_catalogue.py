"""A catalogue of bad input, tried as a new user would: every case must end in one clear
line naming the file, key or value (exit status 2 on the command line, a ValueError or
TypeError from refsim's own error types in the API), never a traceback, a hang, or a
silently wrong result.

Config cases run through both ``refsim validate`` and ``refsim run``: ``validate`` must
refuse everything ``run`` would, and a refused ``run`` must leave no run directory
behind.
"""

import gzip
import json
import sqlite3

import networkx as nx
import numpy as np
import pytest

import refsim
from refsim.cli import main
from refsim.errors import RefsimError

BASE = """\
[experiment]
name = "cat"
seed = 1
runs = 20
steps = 5

[graph]
generator = "holme_kim"
n = 300
m = 3
triad_p = 0.5

[model]
share = 0.2
conversion = 0.3

[[campaign]]
name = "hubs"
seeding = "degree"
k = 5

[[campaign]]
name = "random"
seeding = "random"
k = 5
"""

EDGES = "1 2\n2 3\n3 1\n3 4\n4 5\n5 1\n"


def cli(capsys, *args):
    """Run the CLI in this process; return (status, stdout, stderr)."""
    status = main([str(a) for a in args])
    out = capsys.readouterr()
    return status, out.out, out.err


def assert_one_clear_line(status, err, fragment):
    assert status == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines and lines[0].startswith("refsim "), err
    # one line, or a head line and one line per config problem
    assert len(lines) == 1 or lines[0].endswith("problems:"), err
    assert all(len(line) <= 400 for line in lines), "unbounded echo of user input"
    assert fragment in err, f"{fragment!r} not in {err!r}"


# --------------------------------------------------------------------------- configs
# (id, --set overrides or None, text edit (old, new) or None, fragment the message holds)
CONFIGS = [
    ("unknown-section", ["nosuch.x=1"], None, "nosuch: unknown section"),
    ("misspelt-key", ["model.shar=0.2"], None, "did you mean 'share'"),
    ("share-above-1", ["model.share=1.5"], None, "model.share: must be in [0, 1]; got 1.5"),
    ("share-negative", ["model.share=-0.1"], None, "model.share: must be in [0, 1]"),
    ("share-text", ["model.share='lots'"], None, "model.share: must be a number"),
    ("share-nan", ["model.share=nan"], None, "model.share: must be a finite number"),
    ("share-bool", ["model.share=true"], None, "model.share: must be a number"),
    ("conversion-inf", ["model.conversion=inf"], None, "model.conversion"),
    ("trust-negative", ["model.trust=-1"], None, "model.trust: must be in [0, 1]"),
    # trust is a share of conversion, as in ReferralModel and Segment (was let through
    # by validate, then refused by run)
    ("trust-above-one", ["model.trust=1.5"], None, "model.trust: must be in [0, 1]"),
    ("segment-trust-above-one", ["population.segments.regular={trust=2}"], None,
     "population.segments.regular.trust: must be in [0, 1]"),
    ("forget-above-1", ["model.forget_rate=2"], None, "model.forget_rate"),
    ("runs-zero", ["experiment.runs=0"], None, "experiment.runs: must be in [1,"),
    ("runs-fraction", ["experiment.runs=2.5"], None, "experiment.runs: must be an integer"),
    ("runs-text", ["experiment.runs='many'"], None, "experiment.runs: must be an integer"),
    ("runs-too-many", ["experiment.runs=100000000"], None, "experiment.runs"),
    ("steps-zero", ["experiment.steps=0"], None, "experiment.steps"),
    ("seed-negative", ["experiment.seed=-1"], None, "experiment.seed: must be >= 0"),
    ("level-one", ["experiment.level=1.0"], None, "experiment.level"),
    ("level-zero", ["experiment.level=0"], None, "experiment.level: must be in (0, 1)"),
    ("baseline-unknown", ["experiment.baseline='hub'"], None,
     "experiment.baseline: 'hub' is not a campaign"),
    ("adaptive-no-width", ["experiment.adaptive={metric='reach'}"], None,
     "experiment.adaptive.width: missing"),
    ("adaptive-max-below-runs",
     ["experiment.adaptive={width=1.0, max_runs=5}"], None,
     "experiment.adaptive.max_runs: must be >= experiment.runs"),
    ("adaptive-unknown-metric", ["experiment.adaptive={width=1.0, metric='profits'}"],
     None, "experiment.adaptive.metric: 'profits' is not a per-run metric"),
    ("adaptive-ic-money", ["experiment.adaptive={width=1.0, metric='profit'}",
                           "model.kind='ic'", "model.p=0.1", "model.share=0.1"], None,
     "experiment.adaptive.metric"),
    ("memory", ["experiment.runs=10000000", "experiment.steps=100000"], None,
     "experiment.runs = 10000000 with experiment.steps = 100000 needs about"),
    ("graph-missing", None, ("[graph]\ngenerator = \"holme_kim\"\nn = 300\nm = 3\n"
                             "triad_p = 0.5\n", ""), "graph: missing"),
    ("graph-two-sources", ["graph.dataset='karate_club'"], None,
     "graph: give exactly one of generator, dataset, file or spec"),
    ("generator-unknown", ["graph.generator='holmes_kim'"], None, "did you mean 'holme_kim'"),
    ("generator-missing-param", ["graph.generator='erdos_renyi'"], None,
     "graph.mean_degree: missing"),
    ("generator-n-zero", ["graph.n=0"], None, "graph.n: must be >= 2"),
    ("generator-m-zero", ["graph.m=0"], None, "graph.m: must be >= 1"),
    ("generator-m-too-big", ["graph.m=400"], None, "graph.m"),
    ("generator-triad-p", ["graph.triad_p=2"], None, "graph.triad_p"),
    ("generator-n-text", ["graph.n='big'"], None, "graph.n"),
    ("generator-n-huge", ["graph.n=100000000000"], None, "graph.n"),
    ("generator-unknown-param", ["graph.mixing=0.1"], None, "graph.mixing: unknown key"),
    ("dataset-unknown", None, ("generator = \"holme_kim\"\nn = 300\nm = 3\ntriad_p = 0.5\n",
                               "dataset = \"karate\"\n"), "graph.dataset: unknown dataset"),
    ("spec-bad-number", None, ("generator = \"holme_kim\"\nn = 300\nm = 3\n"
                               "triad_p = 0.5\n", "spec = \"holme_kim:n=abc,m=3,"
                                                  "triad_p=0.5\"\n"), "graph.spec"),
    ("spec-unknown-param", None, ("generator = \"holme_kim\"\nn = 300\nm = 3\n"
                                  "triad_p = 0.5\n", "spec = \"holme_kim:n=300,m=3,"
                                                     "triad=0.5\"\n"),
     "graph.spec: holme_kim has no parameter 'triad'"),
    ("spec-unknown-generator", None, ("generator = \"holme_kim\"\nn = 300\nm = 3\n"
                                      "triad_p = 0.5\n", "spec = \"nosuch:n=3\"\n"),
     "graph.spec"),
    ("directed-text", ["graph.directed='yes'"], None, "graph.directed: must be true or false"),
    ("weighted-generator", ["graph.weighted=true"], None,
     "graph.weighted: only for graph.file"),
    ("header-generator", ["graph.header=true"], None, "graph.header: only for graph.file"),
    ("campaigns-missing", None, ("[[campaign]]\nname = \"hubs\"\nseeding = \"degree\"\n"
                                 "k = 5\n\n[[campaign]]\nname = \"random\"\n"
                                 "seeding = \"random\"\nk = 5\n", ""),
     "campaign: give at least one [[campaign]] table"),
    ("seeding-unknown", ["campaign.hubs.seeding='degre'"], None,
     "campaign[0].seeding: unknown strategy 'degre'; did you mean 'degree'?"),
    ("k-negative", ["campaign.k=-1"], None, "campaign[0].k: must be >= 0"),
    ("k-fraction", ["campaign.k=2.5"], None, "campaign[0].k: must be an integer"),
    ("k-text", ["campaign.k='ten'"], None, "campaign[0].k: must be an integer"),
    ("k-above-n", ["campaign.k=5000"], None,
     "campaign[0].k: must be <= 300 (the graph has 300 nodes); got 5000"),
    ("budget-negative", ["campaign.budget=-1"], None, "campaign[0].budget: must be >= 0"),
    ("budget-too-small", ["campaign.budget=0.5"], None,
     "campaign[0].budget: 0.5 cannot buy a single seed"),
    ("k-and-budget-missing", None, ("seeding = \"degree\"\nk = 5\n", "seeding = \"degree\"\n"),
     "campaign[0]: needs k (number of seeds) or budget"),
    ("reward-twice", ["campaign.hubs.reward=10", "campaign.hubs.sender_reward=5"], None,
     "campaign[0]: give reward (split by program) or sender_reward/recipient_reward"),
    ("program-unknown", ["campaign.hubs.program='double'"], None,
     "campaign[0].program: 'double' is not allowed"),
    ("program-with-ic", ["campaign.hubs.program='sender'", "model.kind='ic'",
                         "model.p=0.1"], None, "campaign[0].program: referral programmes"),
    ("reward-negative", ["campaign.hubs.reward=-5"], None, "campaign[0].reward: must be >= 0"),
    ("name-twice", ["campaign.random.name='hubs'"], None,
     "campaign[1].name: campaign name 'hubs' is used twice"),
    ("params-unknown", ["campaign.hubs.seeding='imm'", "campaign.hubs.params.epsiln=0.3"],
     None, "campaign[0].params.epsiln: strategy 'imm' has no parameter 'epsiln'; "
           "did you mean 'epsilon'?"),
    ("params-rng", ["campaign.params.rng=3"], None,
     "campaign[0].params.rng: 'rng' is not a strategy parameter"),
    ("params-costs", ["campaign.params.costs=[1, 2]"], None,
     "campaign[0].params.costs: 'costs' is not a strategy parameter"),
    ("params-k", ["campaign.params.k=3"], None,
     "campaign[0].params.k: 'k' is not a strategy parameter"),
    ("params-bad-value", ["campaign.hubs.seeding='imm'", "campaign.hubs.params.epsilon=2"],
     None, "epsilon must be strictly between 0 and 1"),
    ("params-pagerank-damping", ["campaign.hubs.seeding='pagerank'",
                                 "campaign.hubs.params.damping=3"], None, "damping"),
    ("params-not-table", ["campaign.hubs.params=3"], None,
     "campaign[0].params: must be a table"),
    ("params-of-paramless", ["campaign.hubs.params.samples=3"], None,
     "strategy 'degree' has no parameter 'samples'"),
    ("seed-sets-unknown", ["campaign.seed_sets='sometimes'"], None,
     "campaign[0].seed_sets: 'sometimes' is not allowed"),
    ("campaign-unknown-key", ["campaign.hubs.kk=3"], None,
     "campaign[0].kk: unknown key; did you mean 'k'?"),
    ("set-unknown-campaign", ["campaign.nosuch.k=3"], None, "no campaign named 'nosuch'"),
    ("set-no-equals", ["model.share"], None, "write KEY=VALUE"),
    ("kind-unknown", ["model.kind='sir'"], None, "model.kind: 'sir' is not allowed"),
    ("ic-without-p", ["model.kind='ic'"], None, "model.p: IC needs exactly one of p"),
    ("ic-two-ps", ["model.kind='ic'", "model.p=0.1", "model.p_over_threshold=1.0"], None,
     "IC needs exactly one of p"),
    ("ic-with-share", ["model.kind='ic'", "model.p=0.1"], None,
     "model.share: only for kind = 'referral'"),
    ("ic-p-above-1", ["model.kind='ic'", "model.p=1.5", "model.share=0.1"], None,
     "model.p: must be in [0, 1]"),
    ("lt-with-p", ["model.kind='lt'", "model.p=0.1"], None, "model.p: LT takes weights"),
    ("lt-threshold-zero", ["model.kind='lt'", "model.thresholds=0"], None,
     "model.thresholds: must be in (0, 1]"),
    ("referral-with-p", ["model.p=0.1"], None, "model.p: not for the referral model"),
    ("weights-without-weighted", ["model.kind='ic'", "model.weights=true"], None,
     "model.weights: needs graph.weighted = true"),
    ("population-share", ["population.influencers=2"], None,
     "population.influencers: must be in [0, 1]"),
    ("population-for-ic", ["model.kind='ic'", "model.p=0.1", "population.influencers=0.1"],
     None, "population: only for model.kind = 'referral'"),
    ("segment-unknown", ["population.segments.celebrity={trust=1.0}"], None,
     "population.segments.celebrity: unknown segment"),
    ("segment-trust", ["population.segments.influencer={trust=-1.0}"], None,
     "population.segments.influencer.trust: must be in [0, 1]"),
    ("segment-key", ["population.segments.influencer={trusted=1.0}"], None,
     "did you mean 'trust'"),
    ("program-scale", ["program.reward_scale=0"], None, "program.reward_scale: must be > 0"),
    ("economics-negative", ["economics.customer_value=-5"], None,
     "economics.customer_value: must be >= 0"),
    ("economics-unknown", ["economics.value=5"], None, "economics.value: unknown key"),
    ("sweep-empty-axis", ["sweep.axes.model.share=[]"], None,
     "sweep.axes.model.share: must be a non-empty list"),
    ("sweep-scalar-axis", ["sweep.axes.model.share=0.1"], None,
     "sweep.axes.model.share: must be a non-empty list"),
    ("sweep-zip-lengths", ["sweep.mode='zip'", "sweep.axes.model.share=[0.1, 0.2]",
                           "sweep.axes.model.conversion=[0.1]"], None,
     "zipped axes must have equal lengths"),
    ("sweep-mode", ["sweep.mode='random'"], None, "sweep.mode: 'random' is not allowed"),
    ("sweep-unknown-section", ["sweep.axes.nosuch.x=[1, 2]"], None,
     "'nosuch' is not a section you can sweep"),
    ("sweep-seed", ["sweep.axes.experiment.seed=[1, 2]"], None,
     "experiment.seed cannot be swept"),
    ("sweep-bad-value", ["sweep.axes.model.share=[0.1, 1.5]"], None,
     "sweep: with model.share = 1.5: model.share: must be in [0, 1]; got 1.5"),
    ("sweep-k-above-n", ["sweep.axes.campaign.k=[5, 5000]"], None,
     "sweep: with campaign.k = 5000: campaign[0].k: must be <= 300"),
    ("sweep-graph-n", ["sweep.axes.graph.n=[300, 0]"], None,
     "sweep: with graph.n = 0: graph.n: must be >= 2"),
    ("sweep-unknown-field", ["sweep.axes.model.shar=[0.1, 0.2]"], None,
     "model.shar: unknown key"),
    ("sweep-too-large", ["sweep.axes.model.share=[" + ", ".join(["0.1"] * 1000) + "]",
                         "sweep.axes.model.conversion=[" + ", ".join(["0.2"] * 1000) + "]"],
     None, "sweep.axes: 1,000,000 cells; at most 100,000 in one run"),
    ("sweep-not-table", ["sweep.axes=3"], None, "sweep.axes: must be a table"),
    ("section-not-table", None, ("[experiment]\n", "population = 5\n[experiment]\n"),
     "population: must be a table"),
    ("campaign-not-list", None, ("[[campaign]]\nname = \"hubs\"\nseeding = \"degree\"\n"
                                 "k = 5\n\n[[campaign]]\nname = \"random\"\n"
                                 "seeding = \"random\"\nk = 5\n", "campaign = 5\n"),
     "campaign: give at least one [[campaign]] table"),
    ("toml-syntax", None, ("share = 0.2", "share = = 0.2"), "not valid TOML"),
]


def _config(tmp_path, edit):
    text = BASE
    if edit is not None:
        old, new = edit
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "cfg.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("sets,edit,fragment", [c[1:] for c in CONFIGS],
                         ids=[c[0] for c in CONFIGS])
def test_bad_configs_are_refused_by_validate_and_run_alike(tmp_path, capsys, sets, edit,
                                                           fragment):
    path = _config(tmp_path, edit)
    args = [a for s in (sets or []) for a in ("--set", s)]
    status, _, err = cli(capsys, "validate", path, *args)
    assert_one_clear_line(status, err, fragment)
    out = tmp_path / "out"
    status, _, err_run = cli(capsys, "run", path, "--out", out, "--quiet", *args)
    assert_one_clear_line(status, err_run, fragment)
    assert not out.exists(), "a refused run must leave no run directory behind"


def test_the_base_config_is_fine(tmp_path, capsys):
    status, out, err = cli(capsys, "validate", _config(tmp_path, None))
    assert status == 0, err
    assert "ok; 1 cell(s) x 2 campaign(s)" in out and "memory" in out and "disk" in out


# ------------------------------------------------------------------- config files
def _write(path, data):
    if isinstance(data, str):
        path.write_text(data)
    else:
        path.write_bytes(data)
    return path


CONFIG_FILES = [
    ("missing", None, "not found"),
    ("folder", "DIR", "cfg.toml"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is binary, not TOML text"),
    ("latin-1", "[experiment]\nname = \"caf\xe9\"\n".encode("latin-1"),
     "is not UTF-8 text (line 2"),
    ("empty", "", "graph: missing"),
    ("bad-toml", "[experiment\nname = 1\n", "not valid TOML"),
    ("toml-array-top", "experiment = [1, 2]\n", "experiment: must be a table"),
]


@pytest.mark.parametrize("data,fragment", [c[1:] for c in CONFIG_FILES],
                         ids=[c[0] for c in CONFIG_FILES])
def test_bad_config_files_are_named(tmp_path, capsys, data, fragment):
    path = tmp_path / "cfg.toml"
    if data == "DIR":
        path.mkdir()
    elif data is not None:
        _write(path, data)
    for command in ("validate", "run"):
        status, _, err = cli(capsys, command, path, *(["--out", tmp_path / "o"]
                                                      if command == "run" else []))
        assert_one_clear_line(status, err, fragment)
        assert "cfg.toml" in err


# ------------------------------------------------------------------------ edge lists
def _gz(text):
    return gzip.compress(text.encode())


def _truncated_gz():
    return _gz(EDGES * 200)[:-40]


def _bad_crc():
    data = bytearray(_gz(EDGES))
    data[-8] ^= 0xFF  # the CRC-32 in the trailer
    return bytes(data)


EDGE_FILES = [
    ("truncated-gzip", _truncated_gz(), "gzip"),
    ("bad-gzip-crc", _bad_crc(), "gzip"),
    ("empty", "", "no edges"),
    ("comments-only", "# nothing\n\n# here\n", "no edges"),
    ("header-line", "source target\n" + EDGES, "header"),
    ("header-line-csv", "from,to\n1,2\n2,3\n", "header"),
    ("binary-png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    ("nul-bytes", b"1 2\n2\x003\n", "binary"),
    ("latin-1-names", "Jos\xe9 Ana\nJos\xe8 Ana\n".encode("latin-1"), "encoding"),
    ("self-loops-only", "1 1\n2 2\n3 3\n", "self-loops"),
    ("one-field", "1 2\n2\n", "line 2"),
    ("long-line", "1 2\n" + "x" * 8_000_000 + "\n", "line 2"),
]


def _edge_file(tmp_path, data):
    return _write(tmp_path / "edges.txt", data)


@pytest.mark.parametrize("data,fragment", [c[1:] for c in EDGE_FILES],
                         ids=[c[0] for c in EDGE_FILES])
def test_bad_edge_lists_in_the_api(tmp_path, data, fragment):
    path = _edge_file(tmp_path, data)
    with pytest.raises(RefsimError) as err:
        refsim.read_edgelist(path)
    assert isinstance(err.value, (ValueError, TypeError, OSError))
    text = str(err.value)
    assert fragment in text and "edges.txt" in text and len(text) < 400, text
    assert "\n" not in text


@pytest.mark.parametrize("data,fragment", [c[1:] for c in EDGE_FILES],
                         ids=[c[0] for c in EDGE_FILES])
def test_bad_edge_lists_on_the_command_line(tmp_path, capsys, data, fragment):
    path = _edge_file(tmp_path, data)
    status, _, err = cli(capsys, "graph", path)
    assert_one_clear_line(status, err, fragment)


@pytest.mark.parametrize("data,fragment", [c[1:] for c in EDGE_FILES[:6]],
                         ids=[c[0] for c in EDGE_FILES[:6]])
def test_bad_edge_lists_in_a_config(tmp_path, capsys, data, fragment):
    _edge_file(tmp_path, data)
    path = _config(tmp_path, ("generator = \"holme_kim\"\nn = 300\nm = 3\ntriad_p = 0.5\n",
                              "file = \"edges.txt\"\n"))
    for command in ("validate", "run"):
        status, _, err = cli(capsys, command, path, "--set", "campaign.k=1",
                             *(["--out", tmp_path / "o"] if command == "run" else []))
        assert_one_clear_line(status, err, fragment)
        assert "graph.file" in err
    assert not (tmp_path / "o").exists()


WEIGHTED = [
    ("negative-weight", "a b 0.5\nb c -1\n", "line 2"),
    ("text-weight", "a b 0.5\nb c heavy\n", "line 2"),
    ("missing-weight", "a b 0.5\nb c\n", "line 2"),
    ("nan-weight", "a b 0.5\nb c nan\n", "line 2"),
]


@pytest.mark.parametrize("data,fragment", [c[1:] for c in WEIGHTED],
                         ids=[c[0] for c in WEIGHTED])
def test_bad_weights_are_refused_with_the_line(tmp_path, data, fragment):
    path = _edge_file(tmp_path, data)
    with pytest.raises(RefsimError, match=fragment):
        refsim.read_edgelist(path, weighted=True)


def test_weights_above_one_cannot_be_ic_probabilities(tmp_path, capsys):
    _edge_file(tmp_path, "a b 0.5\nb c 1.5\nc a 0.2\n")
    text = BASE.replace("generator = \"holme_kim\"\nn = 300\nm = 3\ntriad_p = 0.5\n",
                        "file = \"edges.txt\"\nweighted = true\n")
    (tmp_path / "ref.toml").write_text(text)
    (tmp_path / "ic.toml").write_text(text.replace("share = 0.2\nconversion = 0.3\n",
                                                   "kind = \"ic\"\nweights = true\n"))
    for command in ("validate", "run"):
        out = ["--out", tmp_path / "o"] if command == "run" else []
        status, _, err = cli(capsys, command, tmp_path / "ic.toml", "--set", "campaign.k=1",
                             *out)
        assert_one_clear_line(status, err, "arc 'b' -> 'c' has weight 1.5")
        status, _, err = cli(capsys, command, tmp_path / "ref.toml", "--set", "campaign.k=1",
                             *out)
        assert_one_clear_line(status, err, "graph.weighted: the referral model does not use")
    assert not (tmp_path / "o").exists()


def test_a_missing_graph_file_is_named_before_any_work(tmp_path, capsys):
    path = _config(tmp_path, ("generator = \"holme_kim\"\nn = 300\nm = 3\ntriad_p = 0.5\n",
                              "file = \"nosuch.txt\"\n"))
    for command in ("validate", "run"):
        status, _, err = cli(capsys, command, path,
                             *(["--out", tmp_path / "o"] if command == "run" else []))
        assert_one_clear_line(status, err, "graph.file")
        assert "nosuch.txt" in err
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------------------------ API
G = refsim.generators.holme_kim(200, 3, 0.5, rng=1)
REF = refsim.ReferralModel(share=0.2, conversion=0.3)
IC = refsim.IndependentCascade(0.1)

API = [
    ("simulate-networkx", lambda: refsim.simulate(nx.path_graph(3), IC, [0]), "refsim.Graph"),
    ("simulate-seed-out", lambda: refsim.simulate(G, IC, [500]), "node 500"),
    ("simulate-seed-negative", lambda: refsim.simulate(G, IC, [-1]), "node -1"),
    ("simulate-seed-twice", lambda: refsim.simulate(G, IC, [1, 1]), "more than once"),
    ("simulate-seed-text", lambda: refsim.simulate(G, IC, ["a"]), "seeds"),
    ("simulate-seed-float", lambda: refsim.simulate(G, IC, [1.5]), "seeds"),
    ("simulate-runs-zero", lambda: refsim.simulate(G, IC, [0], runs=0), "runs"),
    ("simulate-runs-float", lambda: refsim.simulate(G, IC, [0], runs=2.5), "runs"),
    ("simulate-steps-negative", lambda: refsim.simulate(G, IC, [0], steps=-1), "steps"),
    ("simulate-steps-huge", lambda: refsim.simulate(G, REF, [0], runs=10**6, steps=10**6),
     "needs about"),
    ("simulate-workers-zero", lambda: refsim.simulate(G, IC, [0], workers=0), "workers"),
    ("simulate-rng-text", lambda: refsim.simulate(G, IC, [0], rng="abc"), "rng"),
    ("simulate-rng-negative", lambda: refsim.simulate(G, IC, [0], rng=-1), "rng"),
    ("simulate-model-text", lambda: refsim.simulate(G, "ic", [0]), "model"),
    ("simulate-referral-no-steps", lambda: refsim.simulate(G, REF, [0]), "steps"),
    ("simulate-per-run-count", lambda: refsim.simulate(G, IC, [[0], [1]], runs=3),
     "runs=3"),
    ("ic-p-above-1", lambda: refsim.IndependentCascade(1.5), "in [0, 1]"),
    ("ic-p-nan", lambda: refsim.IndependentCascade(float("nan")), "in [0, 1]"),
    ("ic-p-scheme", lambda: refsim.IndependentCascade("weighted"), "weighted"),
    ("ic-p-none", lambda: refsim.IndependentCascade(None), "IndependentCascade p"),
    ("ic-p-array-length", lambda: refsim.simulate(G, refsim.IndependentCascade([0.1, 0.2]),
                                                  [0]), "per-arc"),
    ("ic-weights-missing", lambda: refsim.simulate(G, refsim.IndependentCascade("weights"),
                                                   [0]), "weights"),
    ("lt-weights-negative", lambda: refsim.LinearThreshold([0.5, -0.1]), "weights[1]"),
    ("lt-threshold-zero", lambda: refsim.LinearThreshold(thresholds=0.0), "thresholds"),
    ("lt-threshold-above-1", lambda: refsim.LinearThreshold(thresholds=1.5), "thresholds"),
    ("lt-thresholds-length", lambda: refsim.simulate(
        G, refsim.LinearThreshold(thresholds=[0.5, 0.5]), [0]), "thresholds"),
    ("referral-share", lambda: refsim.ReferralModel(share=2.0), "share"),
    ("referral-conversion-text", lambda: refsim.ReferralModel(conversion="high"),
     "conversion"),
    ("referral-share-none", lambda: refsim.ReferralModel(share=None), "share"),
    ("referral-share-ragged", lambda: refsim.ReferralModel(share=[[0.1], [0.2, 0.3]]),
     "flat list of numbers"),
    ("referral-share-mixed", lambda: refsim.ReferralModel(share=[0.1, "a"]), "share"),
    ("referral-share-matrix", lambda: refsim.ReferralModel(share=[[0.1, 0.2]]), "shape"),
    ("program-negative", lambda: refsim.ReferralProgram(sender_reward=-5), "sender_reward"),
    ("program-kind", lambda: refsim.ReferralProgram.named("double", 10), "double"),
    ("economics-negative", lambda: refsim.Economics(customer_value=-1), "customer_value"),
    ("from-edges-huge-n", lambda: refsim.Graph.from_edges([0], [1], n=10**10), "n"),
    ("from-edges-lengths", lambda: refsim.Graph.from_edges([0, 1], [1]), "same length"),
    ("from-edges-text", lambda: refsim.Graph.from_edges(["a"], ["b"]), "src"),
    ("from-edges-negative", lambda: refsim.Graph.from_edges([-1], [1]), "src"),
    ("csr-index-out", lambda: refsim.Graph([0, 1, 1], [5]), "node 5"),
    ("csr-indptr-order", lambda: refsim.Graph([0, 2, 1], [1, 0]), "indptr"),
    ("select-unknown", lambda: refsim.select_seeds(G, "hubs", k=3), "unknown strategy"),
    ("select-k-negative", lambda: refsim.select_seeds(G, "degree", k=-1), "k must be >= 0"),
    ("select-k-above-n", lambda: refsim.select_seeds(G, "degree", k=500), "k must be <= 200"),
    ("select-no-k", lambda: refsim.select_seeds(G, "degree"), "give k"),
    ("select-budget-negative", lambda: refsim.select_seeds(G, "degree", budget=-1),
     "budget"),
    ("select-budget-small", lambda: refsim.select_seeds(G, "degree", budget=0.5,
                                                        costs=np.full(200, 2.0)),
     "cannot buy a single seed"),
    ("select-unknown-param", lambda: refsim.select_seeds(G, "imm", k=2, model=IC,
                                                         epsiln=0.3), "did you mean"),
    ("select-param-tol", lambda: refsim.select_seeds(G, "pagerank", k=2, tol=-1), "tol"),
    ("select-param-value", lambda: refsim.select_seeds(G, "imm", k=2, model=IC,
                                                       epsilon=5), "epsilon"),
    ("select-needs-model", lambda: refsim.select_seeds(G, "celf", k=2), "needs a model"),
    ("select-costs-length", lambda: refsim.select_seeds(G, "degree", k=2, costs=[1, 2]),
     "costs"),
    ("campaign-seed-sets", lambda: refsim.Campaign("random", k=2, seed_sets="often"),
     "seed_sets"),
    ("campaign-k-negative", lambda: refsim.Campaign("random", k=-1), "k"),
    ("campaign-nothing", lambda: refsim.Campaign("random"), "k"),
    ("er-n-negative", lambda: refsim.generators.erdos_renyi(-1, 3, rng=1), "n"),
    ("er-degree-too-high", lambda: refsim.generators.erdos_renyi(10, 20, rng=1),
     "mean_degree"),
    ("ba-m-zero", lambda: refsim.generators.barabasi_albert(100, 0, rng=1), "m"),
    ("ba-m-too-big", lambda: refsim.generators.barabasi_albert(10, 20, rng=1), "m"),
    ("hk-triad", lambda: refsim.generators.holme_kim(100, 3, 1.5, rng=1), "triad_p"),
    ("ws-beta", lambda: refsim.generators.watts_strogatz(100, 4, 2.0, rng=1), "beta"),
    ("sbm-mean-degree-in", lambda: refsim.generators.stochastic_block(
        [1] * 1_000_000, 0.5, 0.1, rng=1), "mean_degree_in"),
    ("dcbm-unreachable", lambda: refsim.generators.degree_corrected_block(
        [10, 10], mean_degree=50, mixing=0.1, rng=1), "mean_degree"),
    ("rng-list-negative", lambda: refsim.simulate(G, IC, [0], rng=[1, -2]), "rng"),
    ("describe-not-graph", lambda: refsim.describe(nx.path_graph(3)), "Graph"),
    ("dataset-unknown", lambda: refsim.datasets.load("karate"), "karate"),
    ("summarize-level", lambda: refsim.analysis.summarize(
        refsim.analysis.pd.DataFrame({"cell": [0], "campaign": ["a"], "run": [0],
                                      "reach": [1.0]}), level=1.5), "level"),
    ("summarize-not-frame", lambda: refsim.analysis.summarize([1, 2]), "DataFrame"),
    ("load-results-missing", lambda: refsim.load_results("/nonexistent/run"),
     "not a refsim run directory"),
]


@pytest.mark.parametrize("call,fragment", [c[1:] for c in API], ids=[c[0] for c in API])
def test_bad_api_calls_raise_refsims_own_errors(call, fragment):
    with pytest.raises(RefsimError) as err:
        call()
    assert isinstance(err.value, (ValueError, TypeError, OSError))
    text = str(err.value)
    assert fragment in text, text
    assert "\n" not in text and len(text) < 400, text


# --------------------------------------------------------------- run directories
@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A small finished run directory, copied by the tests that damage it."""
    d = tmp_path_factory.mktemp("finished")
    cfg = d / "cfg.toml"
    cfg.write_text(BASE + '\n[sweep.axes]\n"model.share" = [0.1, 0.2]\n')
    assert main(["run", str(cfg), "--out", str(d / "run"), "--quiet", "--no-report"]) == 0
    return d / "run", cfg


def _copy(finished, tmp_path):
    import shutil

    run, cfg = finished
    shutil.copytree(run, tmp_path / "run")
    return tmp_path / "run", cfg


def _corrupt(db):
    with open(db, "r+b") as fh:
        fh.seek(100)
        fh.write(b"\x00garbage" * 600)


def _truncate(db):
    with open(db, "r+b") as fh:
        fh.truncate(3000)


def _foreign(db):
    db.unlink()
    c = sqlite3.connect(db)
    c.execute("CREATE TABLE x (a)")
    c.commit()
    c.close()


def _not_sqlite(db):
    db.write_text("cell,campaign\n0,a\n")


def _views(db):
    """Tables replaced by recursive views: reading them must not run away."""
    c = sqlite3.connect(db)
    for t in ("runs", "cells"):
        c.execute(f"DROP TABLE {t}")
        c.execute(f"CREATE VIEW {t} AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL "
                  f"SELECT x + 1 FROM r) SELECT x AS cell FROM r")
    c.commit()
    c.close()


def _meta(key, value):
    def edit(db):
        c = sqlite3.connect(db)
        c.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
        c.commit()
        c.close()
    return edit


def _meta_json(field, value):
    def edit(db):
        c = sqlite3.connect(db)
        meta = json.loads(c.execute("SELECT value FROM meta WHERE key='meta'").fetchone()[0])
        meta[field] = value
        c.execute("UPDATE meta SET value = ? WHERE key = 'meta'", (json.dumps(meta),))
        c.commit()
        c.close()
    return edit


def _drop_column_data(db):
    c = sqlite3.connect(db)
    c.execute("UPDATE runs SET curve_adopters = X'0102'")
    c.commit()
    c.close()


def _old_layout(db):
    c = sqlite3.connect(db)
    c.execute("DELETE FROM meta WHERE key = 'store_version'")
    c.commit()
    c.close()


DAMAGE = [
    ("corrupted", _corrupt, "is damaged"),
    ("truncated", _truncate, "is damaged"),
    ("foreign", _foreign, "is not a refsim results store (no table 'meta')"),
    ("not-sqlite", _not_sqlite, "is not a refsim results store (not an SQLite file)"),
    ("recursive-views", _views, "is not a refsim results store (no table 'cells')"),
    ("meta-not-json", _meta("meta", "{not json"), "its meta table cannot be read"),
    ("points-not-list", _meta("points", "5"), "its sweep points do not match its axes"),
    ("axes-not-list", _meta_json("axes", "model.share"), "meta.axes must be a list"),
    ("campaigns-empty", _meta_json("campaigns", []), "meta.campaigns must be a list"),
    ("axes-reserved", _meta_json("axes", ["reach"]), "meta.axes repeats a name or uses"),
    ("blob-damaged", _drop_column_data, "damaged"),
    ("old-layout", _old_layout, "store layout 1"),
]


@pytest.mark.parametrize("damage,fragment", [c[1:] for c in DAMAGE],
                         ids=[c[0] for c in DAMAGE])
@pytest.mark.parametrize("command", ["report", "export", "resume"])
def test_damaged_run_directories_are_named(finished, tmp_path, capsys, damage, fragment,
                                           command):
    run, cfg = _copy(finished, tmp_path)
    damage(run / "results.sqlite")
    if command == "resume":
        args = ["run", cfg, "--out", run, "--resume", "--quiet", "--no-report"]
    elif command == "export":
        args = ["export", run, "--curves"]
    else:
        args = ["report", run]
    status, _, err = cli(capsys, *args)
    if damage is _drop_column_data and command == "resume":
        assert status == 0  # nothing to read back: the cells are all done
        return
    assert_one_clear_line(status, err, fragment)
    assert "results.sqlite" in err


RUN_DIRS = [
    ("out-is-a-file", lambda t, run: (t / "f").write_text("x") and
     ["--out", t / "f"], "is a file, not a folder"),
    ("existing-results", lambda t, run: ["--out", run], "already holds results"),
    ("resume-nothing", lambda t, run: ["--out", t / "nothing", "--resume"],
     "no such run directory"),
    ("resume-and-overwrite", lambda t, run: ["--out", run, "--resume", "--overwrite"],
     "give --resume or --overwrite, not both"),
    ("resume-other-config", lambda t, run: ["--out", run, "--resume", "--set",
                                            "model.conversion=0.5"],
     "its config differs (model.conversion: 0.3 then, 0.5 now)"),
    ("resume-empty-folder", lambda t, run: (t / "empty").mkdir() or
     ["--out", t / "empty", "--resume"], "it holds no results"),
    ("workers-zero", lambda t, run: ["--out", t / "w", "--workers", "0"],
     "--workers must be >= 1"),
    ("dask-empty", lambda t, run: ["--out", t / "d", "--dask", ""], "--dask"),
    ("dask-no-port", lambda t, run: ["--out", t / "d", "--dask", "tcp://localhost"],
     "give host and port"),
    ("dask-refused", lambda t, run: ["--out", t / "d", "--dask", "tcp://127.0.0.1:9"],
     "cannot reach a Dask scheduler at 127.0.0.1:9"),
]


@pytest.mark.parametrize("make,fragment", [c[1:] for c in RUN_DIRS],
                         ids=[c[0] for c in RUN_DIRS])
def test_unusable_run_directories_and_backends(finished, tmp_path, capsys, make, fragment):
    run, cfg = _copy(finished, tmp_path)
    before = sorted(p.name for p in run.iterdir())
    args = make(tmp_path, run)
    status, _, err = cli(capsys, "run", cfg, "--quiet", "--no-report", *args)
    assert_one_clear_line(status, err, fragment)
    assert sorted(p.name for p in run.iterdir()) == before  # nothing written or removed
    for name in ("d", "w", "nothing"):
        assert not (tmp_path / name).exists()


OTHER_COMMANDS = [
    ("report-missing", ["report", "{t}/nosuch"], "is not a refsim run directory"),
    ("report-not-a-run", ["report", "{t}"], "is not a refsim run directory"),
    ("report-out-folder", ["report", "{run}", "--out", "{t}"], "is a folder"),
    ("export-out-folder", ["export", "{run}", "--out", "{t}"], "is a folder"),
    ("export-missing", ["export", "{t}/nosuch"], "is not a refsim run directory"),
    ("graph-unknown", ["graph", "nosuch"], "is not a file, a dataset"),
    ("graph-bad-generator", ["graph", "erdos_renyi:n=10,mean_degree=20"], "mean_degree"),
    ("graph-unknown-param", ["graph", "barabasi_albert:n=10,m=3,extra=1"],
     "no parameter 'extra'"),
    ("graph-folder", ["graph", "{t}"], "is a folder, not an edge-list file"),
    ("bench-unknown", ["bench", "nosuch"], "unknown benchmark 'nosuch'"),
]


@pytest.mark.parametrize("args,fragment", [c[1:] for c in OTHER_COMMANDS],
                         ids=[c[0] for c in OTHER_COMMANDS])
def test_other_commands(finished, tmp_path, capsys, args, fragment):
    run, _ = finished
    args = [a.format(t=tmp_path, run=run) for a in args]
    status, _, err = cli(capsys, *args)
    assert_one_clear_line(status, err, fragment)


def test_export_and_report_create_missing_folders(finished, tmp_path, capsys):
    run, _ = finished
    status, out, err = cli(capsys, "export", run, "--out", tmp_path / "a" / "b" / "r.csv")
    assert status == 0, err
    assert (tmp_path / "a" / "b" / "r.csv").read_text().startswith("cell,")
    status, out, err = cli(capsys, "report", run, "--out", tmp_path / "c" / "r.html")
    assert status == 0, err and (tmp_path / "c" / "r.html").exists()


def test_numpy_scalars_are_numbers():
    for value in (np.float32(0.25), np.float64(0.25), np.array(0.25)):
        assert refsim.ReferralModel(share=value).share == pytest.approx(0.25, abs=1e-7)
    assert refsim.ReferralModel(trust=np.int64(1)).trust == 1.0


def test_the_catalogue_has_at_least_150_cases():
    n = (2 * len(CONFIGS) + len(CONFIG_FILES) + 2 * len(EDGE_FILES) + len(WEIGHTED)
         + len(API) + 3 * len(DAMAGE) + len(RUN_DIRS) + len(OTHER_COMMANDS))
    assert n >= 150, n


@pytest.mark.parametrize("name", ["quickstart", "seeding", "incentives", "micro_vs_macro"])
def test_the_flagship_configs_validate(name, capsys):
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "experiments" / f"{name}.toml"
    status, out, err = cli(capsys, "validate", path)
    assert status == 0, err
    assert "ok;" in out and "memory" in out
