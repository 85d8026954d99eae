"""Seeding strategies: who gets the product first.

Every strategy is reached through :func:`select_seeds`; :func:`available_strategies`
lists them with a line each, and :func:`register_strategy` adds your own.
"""

from . import greedy, imm, rankings  # noqa: F401  (registers the built-in strategies)
from .registry import available_strategies, register_strategy, seed_costs, select_seeds

__all__ = ["available_strategies", "register_strategy", "seed_costs", "select_seeds"]
