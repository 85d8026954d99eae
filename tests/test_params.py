"""One definition per parameter: the classes, the config schema, the resolved config,
``refsim config defaults``, docs/config.md and the report's assumptions all come from
the same :class:`refsim.params.Param` descriptions, and agree."""

import dataclasses
import json
import math
import pathlib
import tomllib

import pandas as pd
import pytest

import refsim
from refsim.experiment.config import ConfigError, resolve_config
from refsim.experiment.reference import (
    assumption_rows,
    defaults_toml,
    reference_markdown,
)
from refsim.experiment.schema import SCHEMA, SEGMENTS, model_params
from refsim.experiment.store import config_digest
from refsim.params import Param, params_of

ROOT = pathlib.Path(__file__).resolve().parents[1]
MINIMAL = {"graph": {"generator": "holme_kim", "n": 2000, "m": 3, "triad_p": 0.5},
           "campaign": [{"name": "20 hubs", "seeding": "degree", "k": 20}]}
OWNED = [refsim.ReferralModel, refsim.ReferralProgram, refsim.Economics, refsim.Segment,
         refsim.Lifecycle, refsim.LoyaltyProgram, refsim.Reviews, refsim.AdvocacyProgram,
         refsim.Campaign,
         refsim.IndependentCascade, refsim.LinearThreshold]


def test_docs_config_md_is_current():
    """docs/config.md is what ``refsim config reference`` prints: regenerate it with
    ``refsim config reference > docs/config.md`` after changing a parameter."""
    assert (ROOT / "docs" / "config.md").read_text() == reference_markdown() + "\n"


def every_key():
    for section, params in SCHEMA.items():
        for key in params:
            yield section, key


@pytest.mark.parametrize("section,key", list(every_key()))
def test_every_key_is_described_and_listed(section, key):
    p = SCHEMA[section][key]
    assert p.meaning and p.meaning.endswith((".", ")")), (section, key)
    if p.kind in ("int", "float", "prob") and section not in ("experiment", "graph"):
        assert p.unit, (section, key)
    if section in ("model", "population", "segment", "program", "economics") \
            and p.kind in ("float", "prob"):
        assert p.source, (section, key)  # a citation or "assumption"
    text = defaults_toml()
    listed = f"\n{key} = " in text or f"\n# {key} = " in text
    header = p.kind == "table" and f".{key}" in text  # [experiment.adaptive], ...
    assert listed or header, key
    assert f"| `{key}` |" in reference_markdown(), key


def test_defaults_file_runs_and_resolves_to_the_defaults():
    """The printed defaults are a valid config whose resolved values are exactly those
    of a config that gives only the graph and the campaign."""
    from_file = resolve_config(tomllib.loads(defaults_toml()))
    minimal = resolve_config(MINIMAL)
    for cfg in (from_file, minimal):
        cfg["experiment"].pop("name")
    assert from_file == minimal


@pytest.mark.parametrize("cls", [refsim.ReferralModel, refsim.ReferralProgram,
                                 refsim.Economics])
def test_the_resolved_config_records_every_effective_value(cls):
    """Every configurable field of the model, programme and economics appears in the
    resolved config with the class's own default (so the saved config.toml and the
    digest pin it)."""
    cfg = resolve_config(MINIMAL)
    section = {refsim.ReferralModel: "model", refsim.ReferralProgram: "program",
               refsim.Economics: "economics"}[cls]
    own = {k: p for k, p in params_of(cls).items() if p.config}
    rewards = {"sender_reward", "recipient_reward"}  # set per campaign
    assert set(cfg[section]) - {"kind"} == set(own) - rewards
    default = cls()
    for key in set(own) - rewards:
        assert cfg[section][key] == getattr(default, key), key


def test_segments_are_recorded_with_their_own_defaults():
    cfg = resolve_config(MINIMAL)
    got = cfg["population"]["segments"]
    assert list(got) == list(SEGMENTS)
    for seg in refsim.DEFAULT_SEGMENTS:
        for key in ("trust", "share", "advocacy", "seed_cost"):
            value = getattr(seg, key)
            assert got[seg.name].get(key) == value, (seg.name, key)
    # a value given replaces that one only
    cfg = resolve_config({**MINIMAL, "population": {"segments": {
        "influencer": {"seed_cost": 500.0}}}})
    assert cfg["population"]["segments"]["influencer"] == {
        "trust": 0.5, "advocacy": 1.0, "seed_cost": 500.0}


@pytest.mark.parametrize("key,value", [("program.share_lift", 0.7),
                                       ("program.reward_scale", 6.0),
                                       ("economics.referral_premium", 0.2),
                                       ("population.segments.regular.trust", 0.7),
                                       ("population.segments.influencer.seed_cost", 150.0)])
def test_a_default_given_explicitly_keeps_the_digest_and_another_value_changes_it(
        key, value):
    """Defaults are filled in before the digest is taken: writing one out changes
    nothing, and a different value (which the old resolved config omitted) is seen."""
    base = config_digest(resolve_config(MINIMAL))
    section, *rest = key.split(".")
    default = resolve_config(MINIMAL)[section]
    for part in rest:
        default = default[part]
    assert config_digest(resolve_config(MINIMAL, overrides=[(key, default)])) == base
    assert config_digest(resolve_config(MINIMAL, overrides=[(key, value)])) != base


PROBES = [-1, -0.0, 0, 1e-300, 0.5, 1, 1.0 + 1e-12, 1.5, 7, 10**7 + 1, math.nan, math.inf,
          -math.inf, True, "0.5", None]


def class_fields():
    for cls in (refsim.ReferralModel, refsim.ReferralProgram, refsim.Economics,
                refsim.Segment):
        for key, p in params_of(cls).items():
            if p.config and p.kind in ("float", "prob", "int", "bool"):
                yield cls, key, p


@pytest.mark.parametrize("cls,key,p", list(class_fields()),
                         ids=lambda x: getattr(x, "__name__", str(x)))
def test_the_class_and_the_config_accept_the_same_values(cls, key, p):
    """One range: the class refuses exactly the values the config check refuses
    (``None`` aside: a Python-only "unset")."""
    for value in PROBES:
        if value is None:
            continue
        _, why = p.problem(value)
        args = ("s",) if cls is refsim.Segment else ()
        try:
            obj = cls(*args, **{key: value})
        except (ValueError, TypeError):
            accepted = False
        else:
            accepted = True
            got = getattr(obj, key)
            assert got == p.problem(value)[0] and type(got) is type(p.problem(value)[0])
        assert accepted == (why is None), (cls.__name__, key, value, why)


@pytest.mark.parametrize("key,value,fragment", [
    ("campaign.k", -1, "campaign[0].k: must be >= 0; got -1"),
    ("campaign.budget", -1, "campaign[0].budget: must be >= 0; got -1.0"),
    ("campaign.seed_sets", "each", "campaign[0].seed_sets: 'each' is not allowed"),
])
@pytest.mark.filterwarnings("ignore::refsim.experiment.sweep.CampaignNameNote")  # "20 hubs"
def test_campaign_keys_are_checked_by_the_campaigns_description(key, value, fragment):
    with pytest.raises(ConfigError, match=fragment.replace("[", r"\[").replace(
            "]", r"\]").replace(".", r"\.")):
        resolve_config(MINIMAL, overrides=[(key, value)])
    field = key.split(".")[1]
    with pytest.raises((ValueError, TypeError)):
        refsim.Campaign("degree", **({"k": 1} if field != "k" else {}), **{field: value})


def test_model_keys_come_from_the_model_classes():
    assert list(model_params("referral")) == ["share", "conversion", "advocacy",
                                              "forget_rate", "ad_rate", "trust"]
    assert set(model_params("ic")) == {"p", "p_over_threshold", "weighted_cascade",
                                       "weights"}
    assert set(model_params("lt")) == {"weights", "thresholds"}
    merged = set(SCHEMA["model"]) - {"kind", "posterior"}  # the two of no class
    assert merged == set().union(*(model_params(k) for k in ("referral", "ic", "lt")))


def test_every_class_describes_its_parameters():
    for cls in OWNED:
        described = params_of(cls)
        assert described, cls
        for key, p in described.items():
            assert isinstance(p, Param) and p.meaning, (cls.__name__, key)
    # a dataclass's described fields are its fields (program, population, economics,
    # lifecycle and loyalty of ReferralModel are objects, described on their own classes)
    model_fields = {f.name for f in dataclasses.fields(refsim.ReferralModel)}
    assert model_fields - set(params_of(refsim.ReferralModel)) == {
        "population", "program", "economics", "lifecycle", "loyalty", "reviews",
        "advocacy_programme"}


def test_assumption_rows_cover_every_effective_value():
    cfg = resolve_config(MINIMAL)
    rows = {r["key"]: r for r in assumption_rows(cfg)}
    assert rows["program.share_lift"]["value"] == 0.5
    assert rows["program.share_lift"]["source"].startswith("Ryu & Feick 2007")
    assert rows["economics.referral_premium"]["unit"] == "share of value"
    assert rows["population.segments.influencer.seed_cost"]["value"] == 200.0
    expected = (len(model_params("referral")) + 2 + sum(
        len(v) for v in cfg["population"]["segments"].values())
        + len(cfg["program"]) + len(cfg["economics"]))
    assert len(rows) == expected
    ic = resolve_config({**MINIMAL, "model": {"kind": "ic", "p": 0.05}})
    assert [r["key"] for r in assumption_rows(ic)] == ["model.p", "model.weighted_cascade",
                                                       "model.weights"]


def test_cli_prints_the_defaults_and_the_reference(capsys):
    from refsim.cli import main

    assert main(["config", "defaults"]) == 0
    assert capsys.readouterr().out == defaults_toml() + "\n"
    assert main(["config", "reference"]) == 0
    assert capsys.readouterr().out == reference_markdown() + "\n"


@pytest.mark.parametrize("path", sorted((ROOT / "experiments").glob("*.toml")),
                         ids=lambda p: p.stem)
def test_each_flagships_saved_config_records_every_effective_value(path, tmp_path):
    """The config.toml a run saves (dump_config of the resolved config) names every key
    of the model's kind, the programme, the economics and every segment, and reads back
    to the same resolved config."""
    from refsim.experiment.config import load_config
    from refsim.experiment.runner import dump_config

    overrides = []
    if "posterior" in tomllib.loads(path.read_text()).get("model", {}):
        # a fresh checkout has no calibration yet: one particle at the values the
        # example's data were made with stands in for it
        pd.DataFrame({"model.share": [0.2], "model.ad_rate": [0.0005],
                      "model.forget_rate": [0.1], "lifecycle.churn_passive": [0.01],
                      "weight": [1.0]}).to_csv(tmp_path / "posterior.csv", index=False)
        overrides = [f"model.posterior={json.dumps(str(tmp_path))}"]
    cfg = load_config(path, overrides=overrides)
    saved = tomllib.loads(dump_config(cfg))
    kind = cfg["model"]["kind"]
    own = {k for k, p in model_params(kind).items() if p.default is not None}
    assert own <= set(saved["model"])
    if kind == "referral":
        assert set(saved["program"]) == set(SCHEMA["program"])
        assert set(saved["economics"]) == set(SCHEMA["economics"])
        for name, values in saved["population"]["segments"].items():
            assert {"trust", "seed_cost"} <= set(values), name
    assert resolve_config(saved) == cfg


#: The documented range of every described parameter, written out independently of the
#: descriptions (a change here is a change of the contract, docs/config.md included).
RANGES = {
    refsim.ReferralModel: {"share": "in [0, 1]", "conversion": "in [0, 1]",
                           "advocacy": "in [0, 1]", "forget_rate": "in [0, 1]",
                           "ad_rate": "in [0, 1]", "trust": "in [0, 1]"},
    refsim.ReferralProgram: {"sender_reward": ">= 0", "recipient_reward": ">= 0",
                             "disclosed": "true or false", "share_lift": ">= 0",
                             "conversion_lift": ">= 0", "reward_scale": "> 0",
                             "sincerity_penalty": "in [0, 1]", "quality_decay": "in [0, 1]"},
    refsim.Economics: {"customer_value": ">= 0", "advocate_multiplier": ">= 0",
                       "referral_premium": ">= 0", "seed_cost_per_follower": ">= 0",
                       "ad_cost_per_step": ">= 0", "seed_cost": ">= 0"},
    refsim.Segment: {"trust": "in [0, 1]", "share": "in [0, 1]", "advocacy": "in [0, 1]",
                     "seed_cost": ">= 0", "promoters": "in [0, 1]",
                     "detractors": "in [0, 1]"},
    refsim.Campaign: {"seeding": "text", "k": ">= 0", "budget": ">= 0",
                      "seeding_params": "a table", "name": "text",
                      "seed_sets": "one of 'per_run', 'fixed'"},
    refsim.IndependentCascade: {"p": "in [0, 1]", "p_over_threshold": ">= 0",
                                "weighted_cascade": "true or false",
                                "weights": "true or false"},
    refsim.LinearThreshold: {"weights": "true or false", "thresholds": "in (0, 1]"},
    refsim.Lifecycle: {**dict.fromkeys(
        ("promoters", "detractors", "passive_advocacy", "churn_promoter", "churn_passive",
         "churn_detractor", "detractor_share", "rejection", "bad_news_factor", "winback",
         "referrer_churn_reduction"), "in [0, 1]"), "margin": ">= 0",
        "discount_rate": ">= 0"},
    refsim.LoyaltyProgram: {"cost_per_member": ">= 0", "fixed_cost": ">= 0",
                            "churn_reduction": "in [0, 1]", "margin_lift": ">= 0",
                            "promoter_lift": "in [0, 1]",
                            "joins": "one of 'all', 'promoters'", "cap": ">= 1"},
    refsim.Reviews: {"review_promoter": "in [0, 1]", "review_passive": "in [0, 1]",
                     "review_detractor": "in [0, 1]", "rating_promoter": "in [1, 5]",
                     "rating_passive": "in [1, 5]", "rating_detractor": "in [1, 5]",
                     "reviews_at_start": ">= 0", "rating_at_start": "in [1, 5]",
                     "volume_elasticity": ">= 0", "valence_elasticity": ">= 0"},
    refsim.AdvocacyProgram: {"recruit": "in [0, 1]", "forget_reduction": "in [0, 1]",
                             "cost_per_advocate": ">= 0", "fixed_cost": ">= 0"},
}
#: Python-only parameters (not config keys).
PYTHON_ONLY = {(refsim.Economics, "seed_cost")}


@pytest.mark.parametrize("cls", list(RANGES), ids=lambda c: c.__name__)
def test_every_parameter_has_its_documented_range(cls):
    described = params_of(cls)
    assert {k: p.range_text() for k, p in described.items()} == RANGES[cls]
    assert {(cls, k) for k, p in described.items() if not p.config} == {
        x for x in PYTHON_ONLY if x[0] is cls}


@pytest.mark.parametrize("cls,key", [(c, k) for c, keys in RANGES.items() for k in keys
                                     if keys[k] in (">= 0", "> 0")
                                     and c not in (refsim.Campaign,
                                                   refsim.IndependentCascade)],
                         ids=str)
def test_money_and_ratios_refuse_values_below_zero_and_take_zero(cls, key):
    args = ("s",) if cls is refsim.Segment else ()
    for bad in (-0.5, -1e-9):
        with pytest.raises(ValueError, match=f"{cls.__name__} {key} must be"):
            cls(*args, **{key: bad})
    if RANGES[cls][key] == ">= 0":
        assert getattr(cls(*args, **{key: 0}), key) == 0.0
    else:
        with pytest.raises(ValueError, match=f"{cls.__name__} {key} must be > 0"):
            cls(*args, **{key: 0})


def test_assumptions_of_a_config_saved_without_its_defaults_show_the_defaults():
    """An earlier refsim saved configs without programme, economics and segment
    defaults; the report still lists every value the run used."""
    cfg = resolve_config(MINIMAL)
    older = {**cfg, "program": {}, "economics": {},
             "population": {k: v for k, v in cfg["population"].items() if k != "segments"}}
    assert assumption_rows(older) == assumption_rows(cfg)


@pytest.mark.parametrize("p,inside,outside", [
    (Param("float", low=0.0, high=1.0, low_open=True, high_open=True), [1e-9, 0.5, 0.999],
     [0.0, 1.0, 1.5, -0.5]),
    (Param("float", low=2.0, high=5.0), [2.0, 5.0, 3.3], [1.999, 5.001, 50.0]),
    (Param("prob", high=0.5), [0.0, 0.5], [0.7, 1.0, -0.1]),
    (Param("prob", low_open=True), [1e-300, 1.0], [0.0, 1.5]),
    (Param("int", low=1, high=10), [1, 10, 5.0], [0, 11, 2.5]),
])
def test_a_param_takes_exactly_its_range_in_the_config_and_the_api(p, inside, outside):
    """Bounds open or closed, below and beyond each: the config check and the class
    check (Param.check, which the classes call) agree with the range written out."""
    for v in inside:
        assert p.problem(v)[1] is None, v
        p.check("x", v)
    for v in outside:
        assert p.problem(v)[1].startswith("must be"), v
        with pytest.raises((ValueError, TypeError), match="x "):
            p.check("x", v)


def test_bounds_are_written_as_people_write_them():
    """Thousands separators from 10,000 up, plain below; fractions as they are."""
    assert Param("int", low=1, high=9999).range_text() == "in [1, 9999]"
    assert Param("int", low=1, high=10_000).range_text() == "in [1, 10,000]"
    assert Param("float", low=0.25, high_open=True, high=2.5).range_text() == "in [0.25, 2.5)"
    assert Param("float", high=-3).range_text() == "<= -3"


def test_a_kind_that_is_not_text_with_a_weighted_edge_list_is_one_clear_problem(tmp_path):
    """The weights check named the kind in capitals and crashed on a number."""
    edges = tmp_path / "e.txt"
    edges.write_text("0 1 0.5\n1 2 0.5\n")
    with pytest.raises(ConfigError, match=r"model\.kind: must be a string; got 5") as e:
        resolve_config({"graph": {"file": str(edges), "weighted": True},
                        "model": {"kind": 5},
                        "campaign": [{"seeding": "degree", "k": 1}]})
    assert "graph.weighted: the weights would be ignored" in str(e.value)


def test_every_common_setting_in_the_guide_is_a_valid_config(tmp_path):
    """The TOML of docs/config.md's and refsim run --help's common settings resolves
    (against the quickstart and the example customer network), and the command line
    one runs as printed."""
    import shlex
    import tomllib

    from refsim.cli import main
    from refsim.experiment.config import load_config
    from refsim.experiment.reference import GUIDE, guide_text

    root = ROOT / "experiments"
    base = (root / "quickstart.toml").read_text()
    for what, toml in GUIDE:
        assert what in " ".join(guide_text().split()) and toml in guide_text(markdown=True).replace("\n  ", "\n")
        if toml.startswith("refsim run"):
            args = shlex.split(toml)[2:]
            args[0] = str(root / "quickstart.toml")
            assert main(["validate", *args]) == 0
            continue
        path = tmp_path / "guide.toml"
        # a snippet's tables replace the quickstart's ones of the same name
        raw = tomllib.loads(base)
        snippet = tomllib.loads(toml.replace("data/", str(root / "data") + "/"))
        if "campaign" in snippet:
            snippet["campaign"][0].setdefault("name", "guide")
            raw["campaign"] = raw["campaign"] + snippet.pop("campaign")
        if "graph" in snippet:
            raw["graph"] = snippet.pop("graph")
        for section, table in snippet.items():
            raw.setdefault(section, {}).update(table)
        import tomli_w

        path.write_text(tomli_w.dumps(raw))
        load_config(path)


def test_set_takes_the_key_paths_problems_are_named_by(capsys):
    """validate names a campaign's key campaign[0].k; --set takes that path as written."""
    from refsim.cli import main
    from refsim.experiment.config import load_config

    path = ROOT / "experiments" / "quickstart.toml"
    from refsim.experiment.sweep import CampaignNameNote

    with pytest.warns(CampaignNameNote, match=r"campaign\[1\].k=7 changes campaign "
                                              "'20 hubs, no reward'"):
        cfg = load_config(path, ["campaign[1].k=7", "campaign[1].name=7 hubs"])
    assert [c["k"] for c in cfg["campaign"]] == [20, 7, 20]
    assert cfg["campaign"][1]["name"] == "7 hubs"
    assert main(["validate", str(path), "--set", "campaign[5].k=5"]) == 2
    assert ("campaign[5].k: no campaign 5; the config has 3, numbered 0 to 2"
            in capsys.readouterr().err)
