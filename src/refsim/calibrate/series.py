"""Simulated runs as observed series: per period, what a market's data would record.

A period holds ``steps_per_period`` steps of the model; run ``r``'s value of a series
in period ``j`` aggregates steps ``(j - 1) k + 1 .. j k`` the way the data counts it:
flows (customers won, referred, churned) are summed over the period's steps, stocks
(customers at the end, NPS) are read at its last step.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidValue
from .data import SERIES

__all__ = ["simulated_series"]

#: What each series needs from a :class:`refsim.ReferralResult`.
_NEEDS_LIFECYCLE = ("referred_customers", "churned", "active_customers", "nps")


def simulated_series(result, names, steps_per_period: int = 1) -> dict[str, np.ndarray]:
    """Return ``{series: (runs, periods) array}`` of a referral result, per period.

    Parameters
    ----------
    result : ReferralResult
        Runs of :func:`refsim.simulate` with ``steps`` a multiple of
        ``steps_per_period``.
    names : sequence of str
        Series of :data:`refsim.calibrate.SERIES`; all but ``new_customers`` need a
        model with a :class:`refsim.Lifecycle` (``referrals_sent`` is not recorded per
        step and is refused).
    steps_per_period : int, default 1
        Steps the model takes per observed period.

    Examples
    --------
    >>> import refsim
    >>> g = refsim.generators.holme_kim(500, 3, 0.5, rng=1)
    >>> res = refsim.simulate(g, refsim.ReferralModel(ad_rate=0.01), [0], runs=2, rng=3,
    ...                       steps=6)
    >>> out = simulated_series(res, ["new_customers"], steps_per_period=2)
    >>> out["new_customers"].shape, bool((out["new_customers"].sum(axis=1)
    ...                                   == res.final_sizes - 1).all())
    ((2, 3), True)
    """
    k = int(steps_per_period)
    if k < 1:
        raise InvalidValue(f"steps_per_period must be >= 1; got {steps_per_period!r}")
    steps = result.curves.shape[1] - 1
    if steps % k:
        raise InvalidValue(f"the runs have {steps} steps, not a whole number of periods of "
                           f"{k} steps")
    periods = steps // k
    out = {}
    for name in names:
        if name not in SERIES:
            from ..experiment.checks import suggest

            raise InvalidValue(f"unknown series {name!r}; {suggest(name, list(SERIES))}")
        if name == "referrals_sent":
            raise InvalidValue("referrals_sent is not recorded per step; fit "
                               "new_customers, referred_customers, churned, "
                               "active_customers or nps")
        if name in _NEEDS_LIFECYCLE and result.customers is None:
            raise InvalidValue(f"{name} needs a model with a lifecycle (refsim.Lifecycle)")
        if name == "new_customers":
            per_step = np.diff(result.curves, axis=1).astype(np.float64)
        elif name == "referred_customers":
            per_step = result.flows[:, 1:, 0].astype(np.float64)
        elif name == "churned":
            from ..referral_result import lost_per_step

            per_step = lost_per_step(result)[:, 1:].astype(np.float64)
        else:
            stock = (result.customers.sum(axis=2) if name == "active_customers"
                     else result.nps_curves).astype(np.float64)
            out[name] = stock[:, k::k]
            continue
        out[name] = per_step.reshape(per_step.shape[0], periods, k).sum(axis=2)
    return out
