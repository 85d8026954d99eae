"""ABC-SMC calibration of the referral model: parameters recovered from data the model
made, the same posterior for the same seed, clear errors. (Coverage over repeated
datasets, the full recovery study, is for the statistical marker.)"""

import numpy as np
import pandas as pd
import pytest

import refsim
from refsim.calibrate import read_observed
from refsim.calibrate.abc import Prior, calibrate, distance
from refsim.errors import FileProblem, InvalidValue

G = refsim.generators.holme_kim(2000, 3, 0.5, rng=1)
BASE = refsim.ReferralModel(conversion=0.2, advocacy=0.5, forget_rate=0.3)
PRIORS = {"share": Prior("uniform", 0.0, 0.5), "ad_rate": Prior("loguniform", 1e-4, 0.03)}


def _data(share=0.15, ad_rate=0.003, steps=20, rng=99):
    true = refsim.ReferralModel(share=share, conversion=0.2, advocacy=0.5, forget_rate=0.3,
                                ad_rate=ad_rate)
    res = refsim.simulate(G, true, [], runs=1, rng=rng, steps=steps)
    return read_observed(pd.DataFrame({"period": np.arange(1, steps + 1),
                                       "new_customers": np.diff(res.curves[0])}))


def test_the_posterior_covers_the_parameters_that_made_the_data_and_repeats():
    obs = _data()
    post = calibrate(G, BASE, obs, PRIORS, population_size=150, generations=5, rng=3)
    assert np.isclose(post.samples["weight"].sum(), 1.0)
    # 90% credible intervals hold the truth (one dataset: a miss would happen 1 time in
    # 10 for an exact posterior; the seeds are fixed, so this is deterministic)
    lo, hi = post.interval("ad_rate", 0.9)
    assert lo <= 0.003 <= hi and hi / lo < 5  # and the data narrowed the 300x prior
    lo, hi = post.interval("share", 0.9)
    assert lo <= 0.15 <= hi
    gens = post.generations
    assert list(gens["t"]) == list(range(len(gens))) and (np.diff(gens["epsilon"]) < 0).all()
    assert (gens["ess"] > 0).all() and (gens["ess"] <= 150 + 1e-9).all()
    again = calibrate(G, BASE, obs, PRIORS, population_size=150, generations=5, rng=3)
    assert post.samples.equals(again.samples)


def test_distance_is_zero_at_the_data_and_scales_with_the_data():
    y = {"new_customers": np.array([10.0, 20.0, 30.0]), "nps": np.array([30.0, 31, 32])}
    assert distance(y, y) == 0.0
    off = {"new_customers": y["new_customers"] * 1.1, "nps": y["nps"]}
    big = {k: v * 100 for k, v in y.items()}
    off_big = {"new_customers": big["new_customers"] * 1.1, "nps": big["nps"]}
    assert distance(off, y) == pytest.approx(distance(off_big, big))  # relative


@pytest.mark.parametrize("priors, problem", [
    ({"shar": Prior("uniform", 0, 1)}, "cannot calibrate 'shar'"),
    ({"lifecycle.churn_passive": Prior("uniform", 0, 0.1)}, "cannot calibrate "
                                                            "'lifecycle.churn_passive'"),
    ({"share": Prior("uniform", 0.5, 2.0)}, "share must be in [0, 1]"),
])
def test_bad_priors_are_named_before_any_work(priors, problem):
    with pytest.raises(InvalidValue) as err:
        calibrate(G, BASE, _data(steps=5), priors, population_size=10, generations=1)
    assert problem in str(err.value)


@pytest.mark.parametrize("args, problem", [
    (("beta", 0, 1), "a beta prior needs alpha > 0 and beta > 0"),
    (("uniform", 1, 1), "a uniform prior needs low < high"),
    (("normal", 0, -1), "a normal prior needs a standard deviation > 0"),
    (("gamma", 1, 1), "prior kind must be one of uniform, loguniform, normal, beta"),
])
def test_bad_prior_distributions_are_named(args, problem):
    with pytest.raises(InvalidValue, match=problem.replace("(", r"\(")):
        Prior(*args)


def test_a_history_path_sqlite_would_cut_short_is_refused(tmp_path):
    """pyabc opens its history by an SQLite address, in which ``?`` starts the query:
    ``a?b.db`` would silently be written to ``a``."""
    with pytest.raises(FileProblem, match=r"'\?'"):
        calibrate(G, BASE, _data(steps=5), PRIORS, population_size=10, generations=1,
                  db=str(tmp_path / "a?b.db"))
    assert not (tmp_path / "a").exists()


def test_the_temporary_history_is_removed_when_sampling_fails(monkeypatch, tmp_path):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def broken(self, *args, **kwargs):
        raise RuntimeError("interrupted")

    import pyabc

    monkeypatch.setattr(pyabc.ABCSMC, "run", broken)
    with pytest.raises(RuntimeError, match="interrupted"):
        calibrate(G, BASE, _data(steps=5), PRIORS, population_size=10, generations=1)
    assert list(tmp_path.iterdir()) == []
