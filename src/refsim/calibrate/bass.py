"""The Bass (1969) model fitted to an adoption series: a fast first look at a market, and
the centre of the priors for calibrating the referral model.

Two estimators:

- :func:`fit_bass_ols` is Bass's own: the discrete-time regression
  ``S_t = a + b Y_{t-1} + c Y_{t-1}^2`` of each period's adoptions on the cumulative
  adoptions before it, solved for ``m`` (the root of ``a + b m + c m^2 = 0`` above the
  data), ``p = a / m`` and ``q = -c m``.
- :func:`fit_bass` is nonlinear least squares on the continuous-time Bass curve
  ``S_t = m (F(t) - F(t - 1))``, ``F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})``
  (Srinivasan & Mason 1986), with standard errors from the Jacobian.

:func:`referral_from_bass` maps ``p`` and ``q`` per period onto the referral model's
advertising rate and ``share x conversion`` per step on a complete graph of ``n`` people
(its Bass limit), for any number of steps per period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidValue

__all__ = ["BassFit", "bass_curve", "fit_bass", "fit_bass_ols", "referral_from_bass"]


@dataclass(frozen=True)
class BassFit:
    """A fitted Bass model: innovation ``p`` and imitation ``q`` per period, market
    ``m`` (people), with standard errors where the method gives them, and ``r2`` (the
    share of the per-period adoptions' variance the fit explains)."""

    p: float
    q: float
    m: float
    r2: float
    method: str
    p_se: float = math.nan
    q_se: float = math.nan
    m_se: float = math.nan

    @property
    def peak(self) -> float:
        """Time of peak adoptions (periods from launch): ln(q/p) / (p + q)."""
        return math.log(self.q / self.p) / (self.p + self.q) if self.q > self.p else 0.0

    def summary(self) -> str:
        """One line a strategist can read."""
        se = (f" (se {self.p_se:.2g}, {self.q_se:.2g}, {self.m_se:,.0f})"
              if math.isfinite(self.p_se) else "")
        return (f"Bass {self.method}: p = {self.p:.4g}, q = {self.q:.4g} per period, "
                f"market m = {self.m:,.0f}{se}; peak at period {self.peak:.1f}, "
                f"R^2 = {self.r2:.3f}")


def _series(adoptions, name="adoptions"):
    s = np.asarray(adoptions, dtype=np.float64)
    if s.ndim != 1 or s.size < 3:
        raise InvalidValue(f"{name} must be one value per period, at least 3; got shape "
                           f"{s.shape}")
    if not np.isfinite(s).all() or (s < 0).any():
        raise InvalidValue(f"{name} must be finite numbers >= 0")
    if s.sum() <= 0:
        raise InvalidValue(f"{name} are all 0: nothing to fit")
    return s


def fit_bass_ols(adoptions, *, before: float = 0.0) -> BassFit:
    """Bass (1969)'s estimator: ordinary least squares of ``S_t`` on ``1, Y_{t-1},
    Y_{t-1}^2``.

    Parameters
    ----------
    adoptions : array_like
        Adoptions ``S_1, S_2, ...`` per period.
    before : float, default 0
        Cumulative adoptions before the first period (``Y_0``).

    Returns
    -------
    BassFit
        ``method = "ols"``; no standard errors.

    Raises
    ------
    InvalidValue
        Fewer than 3 periods, or coefficients that imply no market above the data
        (``c >= 0`` or no real root): the series is not Bass-shaped.

    Examples
    --------
    Adoptions that follow the discrete Bass recursion exactly give back its parameters:

    >>> p, q, m = 0.01, 0.4, 10_000.0
    >>> y, s = 0.0, []
    >>> for _ in range(12):
    ...     s.append((p + q * y / m) * (m - y)); y += s[-1]
    >>> fit = fit_bass_ols(s)
    >>> round(fit.p, 6), round(fit.q, 6), round(fit.m, 2)
    (0.01, 0.4, 10000.0)
    """
    s = _series(adoptions)
    y = before + np.concatenate([[0.0], np.cumsum(s)[:-1]])
    x = np.column_stack([np.ones_like(y), y, y * y])
    (a, b, c), *_ = np.linalg.lstsq(x, s, rcond=None)
    disc = b * b - 4 * a * c
    if c >= 0 or disc < 0:
        raise InvalidValue(f"the adoptions are not Bass-shaped: S_t = {a:.4g} + {b:.4g} "
                           f"Y + {c:.4g} Y^2 has no market above the data (c must be < 0)")
    a, b, c = float(a), float(b), float(c)
    m = (-b - math.sqrt(disc)) / (2 * c)
    fitted = x @ np.array([a, b, c])
    return BassFit(p=a / m, q=-c * m, m=m, r2=_r2(s, fitted), method="ols")


def bass_curve(p: float, q: float, m: float, periods: int) -> np.ndarray:
    """Adoptions per period of the continuous-time Bass model: ``m (F(t) - F(t-1))``
    for ``t = 1 .. periods``.

    Examples
    --------
    >>> s = bass_curve(0.03, 0.38, 1000.0, 40)
    >>> round(float(s.sum()), 1), int(s.argmax()) + 1  # peak near ln(q/p)/(p+q) = 6.2
    (1000.0, 7)
    """
    t = np.arange(periods + 1, dtype=np.float64)
    e = np.exp(-(p + q) * t)
    big_f = (1.0 - e) / (1.0 + (q / p) * e)
    return m * np.diff(big_f)


def fit_bass(adoptions, *, start: BassFit | None = None) -> BassFit:
    """Nonlinear least squares of the continuous-time Bass curve on adoptions per
    period (Srinivasan & Mason 1986), with standard errors from the Jacobian at the
    optimum (``sigma^2 (J'J)^{-1}``, ``sigma^2`` the residual variance on ``T - 3``
    degrees of freedom).

    Parameters
    ----------
    adoptions : array_like
        Adoptions per period, from launch.
    start : BassFit, optional
        Where the search starts (default: the OLS fit when it exists).

    Examples
    --------
    >>> fit = fit_bass(bass_curve(0.02, 0.5, 5_000.0, 15))
    >>> round(fit.p, 6), round(fit.q, 6), round(fit.m, 2)
    (0.02, 0.5, 5000.0)
    """
    from scipy.optimize import least_squares

    s = _series(adoptions)
    n = s.size
    if start is None:
        try:
            start = fit_bass_ols(s)
        except InvalidValue:
            start = BassFit(0.01, 0.3, float(s.sum()) * 2, math.nan, "guess")
    x0 = np.array([max(start.p, 1e-6), max(start.q, 1e-6), max(start.m, s.sum())])
    scale = max(float(s.max()), 1.0)

    def resid(x):
        return (bass_curve(x[0], x[1], x[2], n) - s) / scale

    # fitted on the logs, so p, q, m stay positive
    out = least_squares(lambda z: resid(np.exp(z)), np.log(x0), method="lm", xtol=1e-15,
                        ftol=1e-15, gtol=1e-15)
    p, q, m = np.exp(out.x)
    fitted = bass_curve(p, q, m, n)
    dof = n - 3
    ses = (math.nan,) * 3
    if dof > 0:
        jac = out.jac / np.exp(out.x)[None, :] * scale  # d fitted / d (p, q, m)
        sigma2 = float(((fitted - s) ** 2).sum()) / dof
        try:
            cov = sigma2 * np.linalg.inv(jac.T @ jac)
            ses = tuple(float(math.sqrt(v)) if v >= 0 else math.nan for v in np.diag(cov))
        except np.linalg.LinAlgError:
            pass
    return BassFit(p=float(p), q=float(q), m=float(m), r2=_r2(s, fitted), method="nls",
                   p_se=ses[0], q_se=ses[1], m_se=ses[2])


def referral_from_bass(p: float, q: float, n: int, steps_per_period: int = 1) -> dict:
    """The referral model's advertising rate and ``share x conversion`` per step whose
    Bass limit (complete graph of ``n`` people, every customer an advocate who never
    stops) has hazard ``p + q F`` per period.

    Within a step the referral model's chance to adopt is ``1 - (1 - ad_rate)(1 - share
    x conversion)^(n F)``; setting ``1 - ad_rate = exp(-p / k)`` and ``(1 - share x
    conversion)^n = exp(-q / k)`` with ``k`` steps per period makes it
    ``1 - exp(-(p + q F) / k)``: the Bass hazard integrated over the step with ``F`` held
    at the step's start, which tends to the continuous-time Bass model as ``k`` grows.
    One step per year is coarse: the hazard is then ``1 - exp(-(p + qF))``, not
    ``p + qF``, and the peak comes later.

    Examples
    --------
    >>> r = referral_from_bass(0.03, 0.38, 1000, steps_per_period=4)
    >>> round(r["ad_rate"], 6), round(r["share_x_conversion"] * 1000, 6)
    (0.007472, 0.094995)
    """
    if not (p >= 0 and q >= 0 and math.isfinite(p) and math.isfinite(q)):
        raise InvalidValue(f"p and q must be finite numbers >= 0; got {p!r}, {q!r}")
    if int(n) < 1:
        raise InvalidValue(f"n must be >= 1; got {n!r}")
    k = int(steps_per_period)
    if k < 1:
        raise InvalidValue(f"steps_per_period must be >= 1; got {steps_per_period!r}")
    return {"ad_rate": -math.expm1(-p / k),
            "share_x_conversion": -math.expm1(-q / (k * int(n)))}


def _r2(s, fitted):
    total = float(((s - s.mean()) ** 2).sum())
    return 1.0 - float(((s - fitted) ** 2).sum()) / total if total > 0 else math.nan
