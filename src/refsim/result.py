"""Results of a batch of simulation runs, with their error bars."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from .errors import InvalidValue

__all__ = ["SimResult"]


@functools.lru_cache(maxsize=4096)
def t_quantile(level: float, dof: int) -> float:
    from scipy.stats import t

    return float(t.ppf(0.5 + level / 2.0, dof))


def mean_ci(values, level: float = 0.95) -> dict:
    """Return ``{"mean", "sem", "lo", "hi", "runs"}`` of the finite values, with a
    Student-t interval (``nan`` bounds with fewer than two finite values): the names
    of :func:`refsim.analysis.summarize`'s columns."""
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    k = x.shape[0]
    if k == 0:
        return {"mean": float("nan"), "sem": float("nan"), "lo": float("nan"),
                "hi": float("nan"), "runs": 0}
    mean = float(x.mean())
    if k < 2:
        return {"mean": mean, "sem": float("nan"), "lo": float("nan"),
                "hi": float("nan"), "runs": 1}
    sem = float(x.std(ddof=1) / np.sqrt(k))
    half = t_quantile(level, k - 1) * sem
    return {"mean": mean, "sem": sem, "lo": mean - half, "hi": mean + half, "runs": k}


@dataclass(frozen=True, eq=False)
class SimResult:
    """Outcome of ``runs`` independent runs of one model, from one seed set or one per run.

    Attributes
    ----------
    final_sizes : numpy.ndarray
        int64, one per run: nodes active (adopters) when the run ended.
    curves : numpy.ndarray
        int64, shape (runs, T + 1): cumulative active count after each step; column 0
        counts the run's seeds; after a cascade stops its row is padded with its final value.
    n : int
        Number of nodes in the graph.
    model : str
        ``repr`` of the model that was run.
    seed : dict
        ``{"entropy": ..., "spawn_key": [...]}`` (and ``pool_size`` if not 4): with
        ``rng=SeedSequence(**seed)`` the same call gives the same numbers. Run ``r``
        used that sequence's child ``r``. The numbers also depend on the order of the
        seed nodes, which fixes the order of the random draws.
    """

    def __post_init__(self):
        for name in ("final_sizes", "curves"):
            arr = getattr(self, name)
            if isinstance(arr, np.ndarray):
                arr.setflags(write=False)

    final_sizes: np.ndarray
    curves: np.ndarray
    n: int
    model: str
    seed: dict = field(default_factory=dict)

    @property
    def runs(self) -> int:
        """Number of runs."""
        return int(self.final_sizes.shape[0])

    @property
    def mean(self) -> float:
        """Mean final size over runs (expected spread)."""
        return float(self.final_sizes.mean())

    @property
    def std(self) -> float:
        """Sample standard deviation of the final size (``nan`` for one run)."""
        if self.runs < 2:
            return float("nan")
        return float(self.final_sizes.std(ddof=1))

    @property
    def sem(self) -> float:
        """Standard error of :attr:`mean` (``nan`` for one run)."""
        return self.std / np.sqrt(self.runs)

    @property
    def reach(self) -> float:
        """Mean final size as a fraction of the graph's nodes."""
        return self.mean / self.n

    def ci(self, level: float = 0.95) -> tuple[float, float]:
        """Return the Student-t confidence interval ``(low, high)`` of :attr:`mean`.

        Parameters
        ----------
        level : float, default 0.95
            Coverage, strictly between 0 and 1.

        Raises
        ------
        ValueError
            If ``level`` is not in (0, 1) or there are fewer than two runs.
        """
        if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0.0 < level < 1.0:
            raise InvalidValue(f"level must be a number strictly between 0 and 1; got {level!r}")
        if self.runs < 2:
            raise InvalidValue(f"a confidence interval needs at least 2 runs; got {self.runs}")
        half = t_quantile(level, self.runs - 1) * self.sem
        return float(self.mean - half), float(self.mean + half)

    @property
    def mean_curve(self) -> np.ndarray:
        """Mean cumulative active count per step (float64, length T + 1)."""
        return self.curves.mean(axis=0)

    def __repr__(self) -> str:
        return (f"SimResult({self.model}, runs={self.runs}, mean={self.mean:.6g}, "
                f"sem={self.sem:.3g}, steps={self.curves.shape[1] - 1})")
