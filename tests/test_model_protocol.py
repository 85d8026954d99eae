"""A model kind plugs into simulate, configs, the store, load_results and the report
through the registry alone: a broadcast model defined and registered here (no edit to
refsim) runs end to end, and its parameter is checked, documented and recorded like the
built-in ones."""

import dataclasses
import math

import numpy as np
import pytest
from broadcast_run import run_broadcast

import refsim
from refsim.errors import InvalidValue
from refsim.experiment.config import ConfigError, resolve_config
from refsim.experiment.reference import defaults_toml, reference_markdown
from refsim.model_registry import (
    Metric,
    ModelKind,
    Series,
    cascade_metrics,
    kind_named,
    model_kind,
    model_kinds,
    reach_and_steps,
    register_model,
    unregister_model,
)
from refsim.params import ASSUMPTION, check_params, param


@dataclasses.dataclass(frozen=True)
class Broadcast:
    """Outside influence only: each step every non-adopter adopts with ``rate``."""

    rate: float = param(0.1, "prob", unit="probability per step", source=ASSUMPTION,
                        meaning="Chance a non-adopter adopts from the broadcast, each step.")

    def __post_init__(self):
        check_params(self)


def per_run(result):
    out = reach_and_steps(result)
    out["never"] = result.n - result.final_sizes
    return out


KIND = ModelKind(
    name="broadcast", cls=Broadcast, label="broadcast model", run=run_broadcast,
    metrics=(*cascade_metrics(), Metric("never", "nodes", "Nodes that never adopted.",
                                        False)),
    per_run=per_run,
    series=(Series("adopters", "nodes", "Adopters, seeds included.", monotone=True),),
    curves=lambda result: {"adopters": result.curves},
    from_config=lambda cfg, graph: Broadcast(cfg["model"]["rate"]), needs_steps=True)


@pytest.fixture
def broadcast():
    register_model(KIND)
    try:
        yield KIND
    finally:
        unregister_model("broadcast")


CONFIG = {"experiment": {"runs": 400, "steps": 5, "seed": 3},
          "graph": {"generator": "erdos_renyi", "n": 200, "mean_degree": 4},
          "model": {"kind": "broadcast", "rate": 0.1},
          "campaign": [{"name": "none", "seeding": "random", "k": 1},
                       {"name": "hubs", "seeding": "degree", "k": 20}]}


def test_simulate_runs_a_registered_kind_with_the_exact_mean(broadcast):
    g = refsim.generators.erdos_renyi(200, 4, rng=0)
    res = refsim.simulate(g, Broadcast(0.1), np.arange(10), runs=4000, steps=5, rng=1)
    # E[reach] = n - (n - k) (1 - rate)^steps; 4 standard errors (false alarm ~6e-5)
    exact = 200 - 190 * 0.9 ** 5
    sd = math.sqrt(190 * 0.9 ** 5 * (1 - 0.9 ** 5))  # final non-adopters ~ Binomial
    assert abs(res.mean - exact) < 4 * sd / math.sqrt(4000)
    with pytest.raises(InvalidValue, match="steps is required for a Broadcast"):
        refsim.simulate(g, Broadcast(0.1), [0], runs=1)
    assert model_kind(Broadcast()) is broadcast and kind_named("broadcast") is broadcast


def test_its_parameter_is_checked_documented_and_recorded(broadcast):
    cfg = resolve_config({**CONFIG, "model": {"kind": "broadcast"}})
    assert cfg["model"] == {"kind": "broadcast", "rate": 0.1}  # the default, recorded
    with pytest.raises(ConfigError, match=r"model\.rate: must be in \[0, 1\]; got 2\.0"):
        resolve_config({**CONFIG, "model": {"kind": "broadcast", "rate": 2}})
    with pytest.raises(ConfigError, match=r"model\.rat: unknown key; did you mean 'rate'"):
        resolve_config({**CONFIG, "model": {"kind": "broadcast", "rat": 0.2}})
    with pytest.raises(ConfigError, match=r"model\.share: not for kind = 'broadcast'"):
        resolve_config({**CONFIG, "model": {"kind": "broadcast", "share": 0.2}})
    with pytest.raises(ConfigError, match=r"economics: only for model\.kind = 'referral'"):
        resolve_config({**CONFIG, "economics": {"customer_value": 5.0}})
    with pytest.raises(ConfigError, match=r"referral programmes need"):
        resolve_config({**CONFIG, "campaign": [{"seeding": "degree", "k": 2,
                                                "program": "sender", "reward": 5.0}]})
    with pytest.raises(ConfigError, match=r"adaptive\.metric: 'profit' is not a per-run "
                                          r"metric of the broadcast model; allowed: never, reach, "
                                          r"steps"):
        resolve_config({**CONFIG, "experiment": {"adaptive": {"metric": "profit",
                                                              "width": 1.0}}})
    assert "### `kind = \"broadcast\"`" in reference_markdown()
    assert "# -- kind = 'broadcast' --" in defaults_toml()
    assert "broadcast" in model_kinds()


def test_a_sweep_stores_and_reports_its_own_metrics(broadcast, tmp_path):
    from refsim.experiment.runner import run_experiment
    from refsim.experiment.store import load_curves, load_meta, load_results
    from refsim.report import write_report

    cfg = resolve_config({**CONFIG, "sweep": {"axes": {"model.rate": [0.0, 0.2]}}})
    run_experiment(cfg, tmp_path / "run", progress=False)
    runs = load_results(tmp_path / "run")
    meta = load_meta(tmp_path / "run")
    assert meta["metrics"] == ["reach", "steps", "never"] and meta["series"] == ["adopters"]
    assert {"reach", "steps", "never"} <= set(runs.columns)
    assert "profit" not in runs.columns
    assert (runs["reach"] + runs["never"] == 200).all()
    # rate 0: nothing but the seeds; paired runs: the same streams in both cells
    quiet = runs[runs["model.rate"] == 0.0]
    assert (quiet["reach"] == quiet["campaign"].map({"none": 1, "hubs": 20})).all()
    curves = load_curves(tmp_path / "run", raw=True)
    assert set(s for _, _, s in curves) == {"adopters"}
    html = write_report(tmp_path / "run").read_text()
    assert "model.rate" in html and "swept: 0, 0.2" in html


def test_registering_checks_the_declaration():
    with pytest.raises(InvalidValue, match="already registered"):
        register_model(dataclasses.replace(kind_named("ic"), label="other"))
    with pytest.raises(InvalidValue, match="metrics must start with reach and steps"):
        dataclasses.replace(KIND, metrics=(Metric("never", "nodes", "x"),))
    with pytest.raises(InvalidValue, match="metric 'reach' of 'odd' is in 'people'"):
        register_model(dataclasses.replace(
            KIND, name="odd", cls=type("Odd", (), {}),
            metrics=(Metric("reach", "people", "x"), Metric("steps", "steps", "x"))))
    assert "odd" not in model_kinds()


@pytest.fixture
def shout():
    import broadcast_plugin

    register_model(broadcast_plugin.KIND, replace=True)
    try:
        yield broadcast_plugin
    finally:
        unregister_model("shout")


SHOUT = {**CONFIG, "model": {"kind": "shout", "rate": 0.2, "p": 1.5}}


def test_a_kind_checks_its_own_keys_even_where_another_kind_uses_the_name(shout):
    """IC's p is a probability; this kind's p is in [0, 2]: each kind's keys are checked
    against its own descriptions, and its own defaults are recorded."""
    cfg = resolve_config(SHOUT)
    assert cfg["model"] == {"kind": "shout", "rate": 0.2, "p": 1.5}
    with pytest.raises(ConfigError, match=r"model\.p: must be in \[0, 2\]; got 3\.0"):
        resolve_config({**SHOUT, "model": {"kind": "shout", "p": 3}})
    assert resolve_config({**SHOUT, "model": {"kind": "shout"}})["model"] == {
        "kind": "shout", "rate": 0.1, "p": 1.0}
    with pytest.raises(ConfigError, match=r"model\.p: must be in \[0, 1\]"):
        resolve_config({**SHOUT, "model": {"kind": "ic", "p": 1.5}})


def test_plugin_kinds_run_in_worker_processes_and_sql_words_are_column_names(
        shout, tmp_path):
    from refsim.experiment.runner import run_experiment
    from refsim.experiment.store import load_results

    cfg = resolve_config({**SHOUT, "sweep": {"axes": {"model.rate": [0.0, 0.2]}}})
    run_experiment(cfg, tmp_path / "one", progress=False)
    run_experiment(cfg, tmp_path / "two", progress=False, workers=2)
    one, two = load_results(tmp_path / "one"), load_results(tmp_path / "two")
    assert "order" in one.columns and (one["reach"] + one["order"] == 200).all()
    assert one[["reach", "steps", "order"]].equals(two[["reach", "steps", "order"]])


def test_a_kind_defined_in_a_script_is_refused_for_workers_before_any_work(shout):
    from refsim.experiment.runner import _plugin_modules

    cfg = resolve_config(SHOUT)
    assert _plugin_modules(cfg, parallel=True) == ("broadcast_plugin",)
    script = dataclasses.replace(shout.KIND,
                                 cls=type("Script", (), {"__module__": "__main__"}))
    register_model(script, replace=True)
    assert _plugin_modules(cfg, parallel=False) == ()
    with pytest.raises(InvalidValue, match="registered in the script being run"):
        _plugin_modules(cfg, parallel=True)


@pytest.mark.parametrize("name,why", [("Never", "lower-case letters"),
                                      ("never reached", "lower-case letters"),
                                      ("run", "not one of cell, campaign, run")])
def test_metric_names_must_be_usable_columns(name, why):
    with pytest.raises(InvalidValue, match=why):
        dataclasses.replace(KIND, metrics=(*cascade_metrics(), Metric(name, "nodes", "x")))


def test_run_cell_takes_the_experiments_config_or_a_resolved_cell(broadcast):
    from refsim.experiment.config import resolve_cell
    from refsim.experiment.runner import run_cell

    cfg = resolve_config({**CONFIG, "sweep": {"axes": {"model.rate": [0.05, 0.3]}}})
    point = {"model.rate": 0.3}
    a = run_cell(cfg, 1, point)
    b = run_cell(resolve_cell(cfg, point), 1, point)
    for ca, cb in zip(a["campaigns"], b["campaigns"]):
        assert np.array_equal(ca["metrics"]["reach"], cb["metrics"]["reach"])
    low = run_cell(cfg, 0, {"model.rate": 0.05})
    assert low["campaigns"][1]["metrics"]["reach"].mean() < a["campaigns"][1]["metrics"][
        "reach"].mean()


def test_degree_discount_reads_p_from_ic_only(shout):
    """DegreeDiscountIC takes p from a uniform IC model; another kind's parameter that
    happens to be called p is not a probability of IC."""
    from refsim.strategies.rankings import degree_discount

    g = refsim.generators.holme_kim(300, 3, 0.5, rng=1)
    plain = degree_discount(g, k=10)  # p = 0.01
    assert np.array_equal(degree_discount(g, k=10, model=shout.Shout(p=1.9)), plain)
    assert np.array_equal(degree_discount(g, k=10, model=refsim.IndependentCascade(0.01)),
                          plain)
    assert np.array_equal(degree_discount(g, k=10, model=refsim.IndependentCascade(0.3)),
                          degree_discount(g, k=10, p=0.3))
