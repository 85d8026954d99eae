"""Grounding the model in a market's data: observed series, the Bass model, and
ABC-SMC calibration of the referral model (:mod:`refsim.calibrate.abc`, needs the
``calibrate`` extra)."""

from .bass import BassFit, bass_curve, fit_bass, fit_bass_ols, referral_from_bass
from .data import SERIES, Observed, read_observed
from .posterior import load_posterior, posterior_draws
from .run import calibrate_config, load_calibration
from .series import simulated_series

__all__ = [
           "SERIES",
           "BassFit",
           "Observed",
           "bass_curve",
           "calibrate_config",
           "fit_bass",
           "fit_bass_ols",
           "load_calibration",
           "load_posterior",
           "posterior_draws",
           "read_observed",
           "referral_from_bass",
           "simulated_series",
]
