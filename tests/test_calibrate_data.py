"""Observed series in, and the Bass model fitted to them, against exact values."""

import math

import numpy as np
import pandas as pd
import pytest

from refsim.calibrate import (
    bass_curve,
    fit_bass,
    fit_bass_ols,
    read_observed,
    referral_from_bass,
)
from refsim.errors import InvalidValue, MissingFile


def _csv(tmp_path, text, name="signups.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_integer_and_dated_periods_are_read_in_order(tmp_path):
    obs = read_observed(_csv(tmp_path, "period,new_customers,nps\n1,5,30\n2,8,31.5\n"
                                       "3,13,29\n"))
    assert obs.series == ["new_customers", "nps"] and obs.periods == 3
    assert obs.values("nps").tolist() == [30.0, 31.5, 29.0] and obs.frequency is None
    weekly = read_observed(_csv(tmp_path, "week,new_customers\n2026-01-05,1\n"
                                          "2026-01-12,2\n2026-01-19,3\n2026-01-26,4\n"),
                           period="week")
    assert weekly.frequency.startswith("W") and weekly.labels[0] == "2026-01-05"
    assert weekly.frame["period"].tolist() == [1, 2, 3, 4]
    with pytest.raises(InvalidValue, match="has 4 periods but the simulation covers 3"):
        weekly.check_horizon(3)


@pytest.mark.parametrize("text, problem", [
    ("period,new_customers\n1,5\n3,6\n", "period 2 is missing"),
    ("period,new_customers\n2,5\n1,6\n", "period 1 comes after 2"),
    ("period,new_customers\n1,5\n2,lots\n", "new_customers at period 2 is 'lots', not a "
                                            "number"),
    ("period,new_customers\n1,5\n2,-1\n", "new_customers at period 2 is -1; counts must be "
                                          ">= 0"),
    ("period,churned\n1,5\n2,1.5\n", "churned at period 2 is 1.5; counts must be whole"),
    ("period,new_customers\n1,5\n2,\n", "new_customers at period 2 is empty"),
    ("period,nps\n1,5\n2,140\n", "nps at period 2 is 140; NPS must be in [-100, 100]"),
    ("period,new_custmers\n1,5\n", "unknown column 'new_custmers'; did you mean "
                                   "'new_customers'?"),
    ("period\n1\n2\n", "no series"),
    ("when,new_customers\n1,5\n", "no 'period' column"),
    ("period,new_customers\n2026-01-05,1\n2026-01-12,2\n2026-01-26,3\n2026-02-02,4\n",
     "2026-01-12 to 2026-01-26 is 14 days, most are 7"),
    ("period,new_customers\nmonday,1\ntuesday,2\nfriday,3\n", "'monday' is neither an "
                                                              "integer nor a date"),
    ("period,new_customers\n2026-01-05,1\n2026-01-05,2\n2026-01-12,3\n", "is repeated"),
    # a point between groups of three digits may be a thousands separator: 12.000 read
    # as twelve would be silently wrong by a factor of a thousand
    ("period,new_customers\n1,5\n2,12.000\n", "new_customers at period 2 is '12.000': "
                                                 "a point between groups of three digits "
                                                 "may be a thousands separator; write "
                                                 "counts without one, or with commas "
                                                 "(12000 or 12,000)"),
    ("period,churned\n1,5\n2,1.234.567\n", "churned at period 2 is '1.234.567': a point"),
    ("period,new_customers\n2026-01-05,1\n2,2\n", "periods mix integers and dates"),
])
def test_bad_data_is_named_with_the_column_and_the_period(tmp_path, text, problem):
    with pytest.raises(InvalidValue) as err:
        read_observed(_csv(tmp_path, text))
    assert problem in str(err.value) and "signups.csv" in str(err.value)


def test_a_missing_file_and_a_frame():
    with pytest.raises(MissingFile, match="nowhere.csv: no such file"):
        read_observed("nowhere.csv")
    obs = read_observed(pd.DataFrame({"period": [1, 2, 3], "active_customers": [4, 6, 9]}))
    assert obs.source == "a DataFrame" and obs.values("active_customers")[-1] == 9.0


@pytest.mark.parametrize("p, q, m", [(0.01, 0.4, 10_000.0), (0.03, 0.38, 2_500.0),
                                     (0.005, 0.9, 1e6)])
def test_bass_ols_recovers_the_discrete_recursion_exactly(p, q, m):
    # S_t = (p + q Y/m)(m - Y) is exactly quadratic in Y: the regression is exact
    y, s = 0.0, []
    for _ in range(15):
        s.append((p + q * y / m) * (m - y))
        y += s[-1]
    fit = fit_bass_ols(s)
    assert fit.p == pytest.approx(p, rel=1e-8) and fit.q == pytest.approx(q, rel=1e-8)
    assert fit.m == pytest.approx(m, rel=1e-8) and fit.r2 == pytest.approx(1.0)
    y, s = 0.0, []
    for _ in range(10):  # accelerating with the adopters (c > 0): no market above it
        s.append(5.0 + 0.1 * y + 0.01 * y * y)
        y += s[-1]
    with pytest.raises(InvalidValue, match="not Bass-shaped"):
        fit_bass_ols(s)


@pytest.mark.parametrize("p, q, m", [(0.02, 0.5, 5_000.0), (0.003, 0.35, 80_000.0)])
def test_bass_nls_recovers_the_continuous_curve_and_its_errors_shrink_with_noise(p, q, m):
    s = bass_curve(p, q, m, 18)
    fit = fit_bass(s)
    assert (fit.p, fit.q, fit.m) == pytest.approx((p, q, m), rel=1e-7)
    assert fit.p_se < 1e-6 * p  # an exact curve: no residual, no error
    # with noise, the standard errors are those of the linearised fit: the truth lies
    # within 4 of them (the noise is 0.5% of each value, far inside the linear regime)
    rng = np.random.default_rng(1)
    noisy = s * (1 + 0.005 * rng.standard_normal(s.size))
    fit = fit_bass(noisy)
    for est, se, true in ((fit.p, fit.p_se, p), (fit.q, fit.q_se, q), (fit.m, fit.m_se, m)):
        assert 0 < se and abs(est - true) <= 4 * se, (est, se, true)


def test_more_steps_per_period_bring_the_referral_limits_peak_to_bass():
    # the referral model's mean-field on a complete graph, with p and q mapped per step:
    # F <- F + (1 - F)(1 - (1 - a)(1 - sc)^(n F)). Its peak, in periods, approaches the
    # continuous Bass peak ln(q/p)/(p + q) = 6.17 as the steps per period grow; one step
    # per period peaks a whole period later.
    p, q, n = 0.03, 0.38, 100_000
    bass_peak = math.log(q / p) / (p + q)

    def peak(k):
        r = referral_from_bass(p, q, n, k)
        f, prev, best, at = 0.0, 0.0, -1.0, 0.0
        for step in range(1, 40 * k + 1):
            f = f + (1 - f) * (1 - (1 - r["ad_rate"]) * (1 - r["share_x_conversion"])
                               ** (n * f))
            if f - prev > best:
                best, at = f - prev, step
            prev = f
        return (at - 0.5) / k  # the middle of the step with the most adoptions

    gaps = [abs(peak(k) - bass_peak) for k in (1, 4, 16, 64)]
    assert gaps[0] > 0.5 and gaps[-1] < 0.05
    assert all(a > b for a, b in zip(gaps, gaps[1:]))


def test_simulated_series_sum_flows_and_read_stocks_per_period():
    import refsim
    from refsim.calibrate import simulated_series

    g = refsim.generators.holme_kim(800, 3, 0.5, rng=4)
    life = refsim.Lifecycle(churn_passive=0.05, winback=0.5)
    model = refsim.ReferralModel(share=0.2, ad_rate=0.01, lifecycle=life)
    res = refsim.simulate(g, model, [0, 1], runs=5, rng=6, steps=12)
    names = ["new_customers", "referred_customers", "churned", "active_customers", "nps"]
    out = simulated_series(res, names, steps_per_period=3)
    kept = res.customers.sum(axis=2)
    for j in range(4):  # period j + 1 holds steps 3j + 1 .. 3j + 3
        lo, hi = 3 * j, 3 * j + 3
        assert (out["new_customers"][:, j] == res.curves[:, hi] - res.curves[:, lo]).all()
        assert (out["referred_customers"][:, j] == res.flows[:, lo + 1:hi + 1, 0].sum(1)).all()
        came = (res.flows[:, lo + 1:hi + 1, [0, 1, 6]].sum(axis=(1, 2)))
        assert (out["churned"][:, j] == kept[:, lo] + came - kept[:, hi]).all()
        assert (out["active_customers"][:, j] == kept[:, hi]).all()
        assert np.allclose(out["nps"][:, j], res.nps_curves[:, hi], equal_nan=True)
    with pytest.raises(InvalidValue, match="12 steps, not a whole number of periods of 5"):
        simulated_series(res, names, steps_per_period=5)
    with pytest.raises(InvalidValue, match="referrals_sent is not recorded per step"):
        simulated_series(res, ["referrals_sent"])
    with pytest.raises(InvalidValue, match="did you mean 'churned'"):
        simulated_series(res, ["churnd"])
    plain = refsim.simulate(g, refsim.ReferralModel(), [0], runs=2, rng=1, steps=4)
    with pytest.raises(InvalidValue, match="nps needs a model with a lifecycle"):
        simulated_series(plain, ["nps"])
