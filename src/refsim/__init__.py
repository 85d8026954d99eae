"""refsim: referral and word-of-mouth diffusion on social graphs.

Build a :class:`Graph`, pick a model (:class:`IndependentCascade`,
:class:`LinearThreshold`) and call :func:`simulate`.

Examples
--------
>>> import refsim
>>> g = refsim.Graph.from_edges([0, 1, 2], [1, 2, 3])
>>> refsim.simulate(g, refsim.IndependentCascade(1.0), [0], runs=3, rng=0).final_sizes.tolist()
[4, 4, 4]
"""

from . import analysis, calibrate, datasets, errors, generators, model_registry, params
from ._version import __version__ as __version__
from .campaign import Campaign, run_campaign
from .edgelist import read_edgelist
from .calibrate.posterior import load_posterior
from .experiment import load_config, load_curves, load_results, load_seeds, run_experiment
from .graph import Graph, InArcs
from .model_registry import register_model
from .models import ArcScheme, IndependentCascade, LinearThreshold
from .profile import GraphProfile, describe, epidemic_threshold
from .referral import (
                       DEFAULT_SEGMENTS,
                       AdvocacyProgram,
                       Economics,
                       Lifecycle,
                       LoyaltyProgram,
                       Population,
                       ReferralModel,
                       ReferralProgram,
                       Reviews,
                       Segment,
)
from .referral_result import ReferralResult, referral_tree
from .result import SimResult
from .simulate import simulate
from .strategies import available_strategies, register_strategy, select_seeds

__all__ = [
    "DEFAULT_SEGMENTS",
    "AdvocacyProgram",
    "Economics",
    "Lifecycle",
    "LoyaltyProgram",
    "Population",
    "ReferralModel",
    "ReferralProgram",
    "Reviews",
    "ReferralResult",
    "referral_tree",
    "Segment",
    "ArcScheme",
    "Campaign",
    "run_campaign",
    "Graph",
    "GraphProfile",
    "InArcs",
    "IndependentCascade",
    "LinearThreshold",
    "SimResult",
    "available_strategies",
    "register_strategy",
    "select_seeds",
    "analysis",
    "calibrate",
    "datasets",
    "errors",
    "model_registry",
    "params",
    "register_model",
    "describe",
    "epidemic_threshold",
    "generators",
    "read_edgelist",
    "load_config",
    "load_curves",
    "load_posterior",
    "load_results",
    "load_seeds",
    "run_experiment",
    "simulate",
]
