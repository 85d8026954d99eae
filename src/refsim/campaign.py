"""A campaign: whom to seed, what referral programme to run, and the budget."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from ._validation import check_int, check_nonnegative
from .errors import InvalidType, InvalidValue
from .referral import ReferralModel, ReferralProgram

__all__ = ["Campaign", "run_campaign"]


@dataclass(frozen=True)
class Campaign:
    """What a marketer decides: a seeding strategy (by name, with its parameters), a
    referral programme, and a number of seeds or a seeding budget.

    Examples
    --------
    >>> import refsim
    >>> g = refsim.generators.holme_kim(2000, 3, 0.5, rng=1)
    >>> c = Campaign("degree", k=10, program=ReferralProgram.named("recipient", 10))
    >>> model = refsim.ReferralModel(share=0.2, conversion=0.2)
    >>> res = run_campaign(g, model, c, runs=50, steps=20, rng=3)
    >>> res.tallies["seed"][:3].tolist(), bool(res.money["rewards"].mean() > 0)
    ([10, 10, 10], True)
    """

    seeding: str = "degree"
    k: int | None = None
    budget: float | None = None
    program: ReferralProgram | None = None
    seeding_params: dict = field(default_factory=dict)
    name: str | None = None

    def __post_init__(self):
        if not isinstance(self.seeding, str):
            raise InvalidType(f"Campaign seeding must be a strategy name; got {self.seeding!r}")
        if self.k is None and self.budget is None:
            raise InvalidValue("a Campaign needs k (number of seeds) or budget, or both")
        if self.k is not None:
            object.__setattr__(self, "k", check_int("Campaign k", self.k, minimum=1))
        if self.budget is not None:
            object.__setattr__(self, "budget", check_nonnegative("Campaign budget", self.budget))
        if self.program is not None and not isinstance(self.program, ReferralProgram):
            raise InvalidType(f"Campaign program must be a ReferralProgram; got "
                            f"{type(self.program).__name__}")
        if self.name is None:
            size = f"k={self.k}" if self.budget is None else f"budget={self.budget:g}"
            prog = "" if self.program is None else (
                f", {self.program.sender_reward:g}/{self.program.recipient_reward:g} reward")
            object.__setattr__(self, "name", f"{self.seeding} {size}{prog}")

    def model_for(self, model):
        """The model with this campaign's programme (a referral model only)."""
        if self.program is None:
            return model
        if not isinstance(model, ReferralModel):
            raise InvalidValue(f"campaign {self.name!r} has a referral programme, which needs "
                             f"a ReferralModel; got {type(model).__name__}")
        return dataclasses.replace(model, program=self.program)

    def seeds(self, graph, model, *, rng=None):
        """The seeds this campaign buys (see :func:`refsim.select_seeds`)."""
        from .strategies import select_seeds

        return select_seeds(graph, self.seeding, k=self.k, budget=self.budget,
                            model=self.model_for(model), rng=rng, **self.seeding_params)


def seeding_stream(seq: np.random.SeedSequence) -> np.random.SeedSequence:
    """The stream seeds are chosen with: child ``2**32`` of ``seq``, apart from the
    run streams ``0, 1, ...``."""
    return np.random.SeedSequence(seq.entropy, spawn_key=tuple(seq.spawn_key) + (2**32,),
                                  pool_size=seq.pool_size)


def run_campaign(graph, model, campaign, *, runs, steps=None, rng=None, workers=None,
                 first_run=0, seeds=None):
    """Select the campaign's seeds and simulate it; campaigns run with the same ``rng``
    share their random streams (common random numbers), so differences are paired.

    The seeds are chosen with a stream of their own (child ``2**32`` of ``rng``), so
    choosing them never shifts the simulation's streams. ``first_run`` numbers the first
    run (see :func:`refsim.simulate`); ``seeds``, when given, are used instead of
    selecting them again (they must be the campaign's own, e.g. from an earlier batch).
    """
    from ._rng import as_seed_sequence
    from .simulate import simulate

    seq = as_seed_sequence(rng)
    m = campaign.model_for(model)
    if seeds is None:
        seeds = campaign.seeds(graph, model, rng=seeding_stream(seq))
    return simulate(graph, m, seeds, runs=runs, rng=seq, steps=steps, workers=workers,
                    first_run=first_run)
