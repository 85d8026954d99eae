"""A campaign: whom to seed, what referral programme to run, and the budget."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .errors import InvalidType, InvalidValue
from .params import CHOICE, Param, check_params, param
from .referral import LEVERS, AdvocacyProgram, LoyaltyProgram, ReferralProgram

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike

    from ._rng import RngLike
    from .graph import Graph
    from .result import SimResult
    from .strategies.registry import SeedRequest

__all__ = ["Campaign", "run_campaign", "SEED_SETS"]

#: How a campaign's runs get their seeds: None (per run when the strategy is random),
#: "per_run" (always drawn per run) or "fixed" (one set for all runs).
SEED_SETS = (None, "per_run", "fixed")


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

    seeding: str = param(
        "degree", "str", unit="", source=CHOICE,
        meaning="Seeding strategy: whom to recruit as seeds (refsim strategies lists "
                "them).")
    k: int | None = param(
        None, "int", low=0, unit="seeds", source=CHOICE,
        meaning="Number of seeds (with budget: at most k, within the budget); 0 for none, "
                "when the campaign's programmes act on customers won otherwise.")
    budget: float | None = param(
        None, low=0.0, unit="$", source=CHOICE,
        meaning="Seeding budget: seeds are bought by the strategy's order until it is "
                "spent.")
    program: ReferralProgram | None = None
    loyalty: LoyaltyProgram | None = None
    advocacy_programme: AdvocacyProgram | None = None
    seeding_params: dict = field(default_factory=dict, metadata={"param": Param(
        "table", unit="", source=CHOICE,
        meaning="The strategy's own parameters, e.g. {epsilon = 0.3} for imm "
                "(config key: params).")})
    name: str | None = param(
        None, "str", unit="", meaning="Name in reports (default: from seeding, k or "
        "budget and the programme).")
    seed_sets: str | None = param(
        None, "str", choices=("per_run", "fixed"), unit="",
        meaning="per_run: each run draws its own seeds; fixed: one set for every run "
                "(default: per run when the strategy is random).")

    def __post_init__(self):
        if not isinstance(self.seeding, str):
            raise InvalidType(f"Campaign seeding must be a strategy name; got {self.seeding!r}")
        if self.seed_sets not in SEED_SETS:
            raise InvalidValue(f"Campaign seed_sets must be one of "
                               f"{', '.join(repr(s) for s in SEED_SETS)}; got "
                               f"{self.seed_sets!r}")
        if not isinstance(self.seeding_params, dict):
            raise InvalidType(f"Campaign seeding_params must be a dict; got "
                              f"{type(self.seeding_params).__name__}")
        if self.k is None and self.budget is None:
            raise InvalidValue("a Campaign needs k (number of seeds) or budget, or both")
        check_params(self)
        if self.program is not None and not isinstance(self.program, ReferralProgram):
            raise InvalidType(f"Campaign program must be a ReferralProgram; got "
                            f"{type(self.program).__name__}")
        for key, kind, _ in LEVERS:
            lever = getattr(self, key)
            if lever is not None and not isinstance(lever, kind):
                raise InvalidType(f"Campaign {key} must be a refsim.{kind.__name__}; got "
                                  f"{type(lever).__name__}")
        if self.name is None:
            size = f"k={self.k}" if self.budget is None else f"budget={self.budget:g}"
            prog = "" if self.program is None else (
                f", {self.program.sender_reward:g}/{self.program.recipient_reward:g} reward")
            object.__setattr__(self, "name", f"{self.seeding} {size}{prog}")

    def model_for(self, model: object) -> object:
        """The model with this campaign's referral, loyalty and advocacy programmes (a
        referral model only)."""
        for key, _, what in LEVERS:
            lever = getattr(self, key)
            if lever is None:
                continue
            import dataclasses

            from .referral import ReferralModel

            if not isinstance(model, ReferralModel):
                raise InvalidValue(f"campaign {self.name!r} has {what}, which needs a "
                                   f"ReferralModel; got {type(model).__name__}")
            model = dataclasses.replace(model, **{key: lever})
        if self.program is None:
            return model
        from .model_registry import model_kind

        kind = model_kind(model)
        if kind.with_program is None:
            raise InvalidValue(f"campaign {self.name!r} has a referral programme, which needs "
                             f"a ReferralModel; got {type(model).__name__}")
        return kind.with_program(model, self.program)

    def seeds(self, graph: Graph, model: object, *, rng: RngLike = None) -> np.ndarray:
        """The seeds this campaign buys (see :func:`refsim.select_seeds`)."""
        from .strategies import select_seeds

        return select_seeds(graph, self.seeding, k=self.k, budget=self.budget,
                            model=self.model_for(model), rng=rng, **self.seeding_params)

    def request(self, graph: Graph, model: object) -> SeedRequest:
        """The checked seed selection of this campaign on ``graph``."""
        from .strategies.registry import check_request

        return check_request(graph, self.seeding, k=self.k, budget=self.budget,
                             model=self.model_for(model), params=self.seeding_params)

    def per_run(self, graph: Graph, model: object) -> bool:
        """Whether runs draw their own seed sets: ``seed_sets = "per_run"``, or by
        default when the strategy's choice is random on this graph."""
        return self._per_run(self.request(graph, model))

    def _per_run(self, req: SeedRequest) -> bool:
        if self.seed_sets is not None:
            return self.seed_sets == "per_run"
        return req.random and req.entry.default_seed_sets == "per_run"

    def draw_seeds(self, graph: Graph, model: object, *, rng: RngLike = None, runs: int = 1,
                   first_run: int = 0) -> np.ndarray | list[np.ndarray]:
        """The seed sets of runs ``first_run .. first_run + runs - 1``.

        Returns one array (every run starts from it: the strategy is not random, or
        ``seed_sets = "fixed"``; drawn with child ``2**32`` of ``rng``) or a list of
        ``runs`` arrays (run ``r`` draws its own with child ``(r, 2**32)`` of ``rng``,
        a stream apart from the one its cascade uses). Either way a campaign's seeds
        depend only on ``rng`` and the run's number, so campaigns with the same
        strategy start each run from the same seeds (paired), and a batch of runs
        extends an earlier one exactly.
        """
        from ._rng import as_seed_sequence
        from .strategies.registry import select_checked

        seq = as_seed_sequence(rng)
        req = self.request(graph, model)
        if not self._per_run(req):
            return select_checked(req, seeding_stream(seq))
        return [select_checked(req, run_seeding_stream(seq, first_run + i))
                for i in range(runs)]


def seeding_stream(seq: np.random.SeedSequence) -> np.random.SeedSequence:
    """The stream one fixed seed set is chosen with: child ``2**32`` of ``seq``, apart
    from the run streams ``0, 1, ...``."""
    return np.random.SeedSequence(seq.entropy, spawn_key=tuple(seq.spawn_key) + (2**32,),
                                  pool_size=seq.pool_size)


def run_seeding_stream(seq: np.random.SeedSequence, run: int) -> np.random.SeedSequence:
    """The stream run ``run`` draws its own seed set with: child ``2**32`` of the run's
    stream (the cascade itself uses the run's stream, never its children)."""
    return np.random.SeedSequence(seq.entropy,
                                  spawn_key=tuple(seq.spawn_key) + (int(run), 2**32),
                                  pool_size=seq.pool_size)


def run_campaign(graph: Graph, model: object, campaign: Campaign, *, runs: int,
                 steps: int | None = None, rng: RngLike = None, workers: int | None = None,
                 first_run: int = 0,
                 seeds: ArrayLike | Sequence[ArrayLike] | None = None) -> SimResult:
    """Select the campaign's seeds and simulate it; campaigns run with the same ``rng``
    share their random streams (common random numbers), so differences are paired.

    A strategy whose choice is random (``random``, ``nominated_friend``, ``imm``,
    sampled ``betweenness``, detected ``community``) draws a fresh seed set in every
    run, so the result's intervals include the variation of the choice; with
    ``campaign.seed_sets = "fixed"`` one set is drawn for all runs and the intervals
    are conditional on it (see :meth:`Campaign.draw_seeds`). Seeds are drawn with
    streams of their own, so choosing them never shifts the cascades' streams.
    ``first_run`` numbers the first run (see :func:`refsim.simulate`); ``seeds``, when
    given, are used instead of drawing them (one set, or one per run).
    """
    from ._rng import as_seed_sequence
    from .simulate import simulate

    seq = as_seed_sequence(rng)
    m = campaign.model_for(model)
    if seeds is None:
        seeds = campaign.draw_seeds(graph, model, rng=seq, runs=runs, first_run=first_run)
    return simulate(graph, m, seeds, runs=runs, rng=seq, steps=steps, workers=workers,
                    first_run=first_run)
