"""The referral model: advocates, trust, rewards and money, as frozen parameter objects.

Nothing here runs a simulation; :func:`refsim.simulate` pairs a :class:`ReferralModel`
with a graph and turns these parameters into per-node arrays for the kernel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ._validation import check_nonnegative, check_probability, per_node_values
from .errors import InvalidType, InvalidValue
from .params import ASSUMPTION, CHOICE, check_params, param

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

    from numpy.typing import ArrayLike

    from ._rng import RngLike
    from .graph import Graph

__all__ = ["DEFAULT_SEGMENTS", "Economics", "Lifecycle", "LoyaltyProgram", "Population",
           "ReferralModel", "ReferralProgram", "Segment"]


@dataclass(frozen=True)
class Segment:
    """A kind of customer: how far others trust them, how much they talk, what they cost.

    ``None`` means "the model's value". ``trust`` multiplies the conversion of this
    person's referrals; ``share`` is the chance they refer a given contact in a step;
    ``advocacy`` the chance they become an advocate once they adopt; ``seed_cost`` what
    recruiting them as a seed costs (before any per-follower price in
    :class:`Economics`).
    """

    name: str
    trust: float = param(
        1.0, "prob", optional=True, unit="share of conversion",
        meaning="Multiplier on the conversion of this segment's referrals: how far "
                "others believe them (unset: 1).", source=ASSUMPTION)
    share: float | None = param(
        None, "prob", unit="probability per contact per step",
        meaning="This segment's own share: chance to refer a given contact each step "
                "(unset: the model's share).", source=ASSUMPTION)
    advocacy: float | None = param(
        None, "prob", unit="probability",
        meaning="This segment's own chance to become an advocate on adopting (unset: the "
                "model's advocacy).", source=ASSUMPTION)
    seed_cost: float = param(
        0.0, low=0.0, optional=True, unit="$ per seed",
        meaning="Fee to recruit one member as a seed, before the per-follower price "
                "(unset: 0).", source=ASSUMPTION)

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise InvalidValue(f"Segment name must be a non-empty string; got {self.name!r}")
        check_params(self)


#: Regular customers; micro-advocates (small audiences, trusted like close friends, keen
#: to recommend); influencers (large audiences, paid, trusted less because the
#: sponsorship is disclosed). Values are starting assumptions to calibrate, not
#: estimates.
DEFAULT_SEGMENTS = (
    Segment("regular", trust=0.8, seed_cost=10.0),
    Segment("micro_advocate", trust=1.0, advocacy=0.8, seed_cost=40.0),
    Segment("influencer", trust=0.5, advocacy=1.0, seed_cost=200.0),
)


class Population:
    """Which segment each node belongs to.

    Parameters
    ----------
    assignment : array_like
        One segment name (or index into ``segments``) per node.
    segments : sequence of Segment, default DEFAULT_SEGMENTS

    Examples
    --------
    >>> pop = Population(["regular", "influencer", "regular"])
    >>> pop.names, pop.codes.tolist()
    (('regular', 'micro_advocate', 'influencer'), [0, 2, 0])
    >>> Population(["regular", "celebrity"])
    Traceback (most recent call last):
    ...
    refsim.errors.InvalidValue: Population assignment names unknown segment 'celebrity'; known: regular, micro_advocate, influencer
    """

    __slots__ = ("_codes", "_segments")

    def __init__(self, assignment: ArrayLike,
                 segments: Iterable[Segment] = DEFAULT_SEGMENTS):
        segments = tuple(segments)
        if not segments or not all(isinstance(s, Segment) for s in segments):
            raise InvalidType("segments must be a non-empty sequence of Segment")
        names = [s.name for s in segments]
        if len(set(names)) != len(names):
            raise InvalidValue(f"segment names must be distinct; got {names}")
        arr = np.asarray(assignment)
        if arr.ndim != 1:
            raise InvalidValue(f"Population assignment must be one value per node; got "
                             f"shape {arr.shape}")
        if arr.dtype.kind in "iu":
            if arr.size and (arr.min() < 0 or arr.max() >= len(segments)):
                bad = int(arr[(arr < 0) | (arr >= len(segments))][0])
                raise InvalidValue(f"Population assignment holds segment index {bad}; "
                                 f"allowed 0..{len(segments) - 1}")
            codes = arr.astype(np.int8)
        else:
            index = {nm: i for i, nm in enumerate(names)}
            uniq, inv = np.unique(arr.astype(str), return_inverse=True)
            for u in uniq:
                if u not in index:
                    raise InvalidValue(f"Population assignment names unknown segment {str(u)!r}; "
                                     f"known: {', '.join(names)}")
            codes = np.array([index[u] for u in uniq], dtype=np.int8)[inv]
        codes.setflags(write=False)
        object.__setattr__(self, "_codes", codes)
        object.__setattr__(self, "_segments", segments)

    def __setattr__(self, name, value):
        raise AttributeError("Population is immutable")

    @classmethod
    def by_audience(cls, graph: Graph, *, influencers: float = 0.001,
                    micro_advocates: float = 0.05, rng: RngLike = None,
                    segments: Sequence[Segment] = DEFAULT_SEGMENTS) -> Population:
        """Return a population where the largest audiences are influencers and a random
        share of ordinary-sized audiences are micro-advocates.

        Influencers: the ``ceil(influencers * n)`` nodes of highest out-degree.
        Micro-advocates: ``round(micro_advocates * n)`` nodes drawn at random among the
        others whose out-degree is at most the 75th percentile. Everyone else: regular.
        Needs segments named "regular", "micro_advocate" and "influencer".
        """
        from ._rng import as_seed_sequence

        influencers = check_probability("influencers", influencers)
        micro_advocates = check_probability("micro_advocates", micro_advocates)
        names = [s.name for s in segments]
        for need in ("regular", "micro_advocate", "influencer"):
            if need not in names:
                raise InvalidValue(f"by_audience needs a segment named {need!r}; got {names}")
        n = graph.n
        deg = graph.out_degree
        codes = np.full(n, names.index("regular"), dtype=np.int8)
        k_inf = min(n, math.ceil(influencers * n))
        top = np.argsort(-deg, kind="stable")[:k_inf]
        codes[top] = names.index("influencer")
        ordinary = np.flatnonzero((deg <= np.percentile(deg, 75)) & (codes != codes[top[0]]
                                                                      if k_inf else True))
        k_micro = min(ordinary.size, int(round(micro_advocates * n)))
        r = np.random.default_rng(as_seed_sequence(rng))
        codes[r.choice(ordinary, k_micro, replace=False)] = names.index("micro_advocate")
        return cls(codes, segments)

    @property
    def codes(self) -> np.ndarray:
        """Segment index of each node (int8, read-only)."""
        return self._codes

    @property
    def segments(self) -> tuple[Segment, ...]:
        return self._segments

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self._segments)

    def per_node(self, attribute: str, default: float) -> np.ndarray:
        """Return ``attribute`` of each node's segment, ``default`` where it is None."""
        table = np.array([default if getattr(s, attribute) is None else getattr(s, attribute)
                          for s in self._segments], dtype=np.float64)
        return table[self._codes]

    def __len__(self) -> int:
        return self._codes.shape[0]

    def __repr__(self) -> str:
        counts = np.bincount(self._codes, minlength=len(self._segments))
        parts = ", ".join(f"{s.name}={c}" for s, c in zip(self._segments, counts))
        return f"Population({parts})"


@dataclass(frozen=True)
class ReferralProgram:
    """A referral reward scheme and how customers respond to it.

    Rewards are paid per converted referral: ``sender_reward`` to the advocate,
    ``recipient_reward`` to the new customer. The responses are saturating curves whose
    shape follows the evidence; their sizes are assumptions to calibrate:

    - a sender reward raises the chance to refer, ``share * (1 + share_lift * g(R_s))``
      with ``g(R) = 1 - exp(-R / reward_scale)``: rewards raise referral likelihood but
      their size matters little beyond a small amount (Ryu & Feick 2007, J. Marketing
      71(1));
    - a disclosed sender reward makes the referral sound less sincere: the referrer's
      trust is multiplied by ``1 - sincerity_penalty`` (Tuk, Verlegh, Smidts & Wigboldus
      2009, J. Consumer Psychology 19(1));
    - a recipient reward raises conversion, ``conversion * (1 + conversion_lift *
      g(R_r))`` (Gershon, Cryder & John 2020, J. Marketing Research 57(5));
    - larger rewards draw less profitable referred customers: their value is multiplied
      by ``1 - quality_decay * R / (R + reward_scale)`` with ``R = R_s + R_r``
      (Wolters, Schulze & Gedenk 2020, J. Marketing Research 57(4)).

    Examples
    --------
    >>> p = ReferralProgram(sender_reward=10, recipient_reward=10)
    >>> round(p.share_factor, 3), round(p.trust_factor, 2), round(p.conversion_factor, 3)
    (1.432, 0.85, 1.259)
    >>> ReferralProgram(sender_reward=-5)
    Traceback (most recent call last):
    ...
    refsim.errors.InvalidValue: ReferralProgram sender_reward must be a finite number >= 0; got -5.0
    """

    sender_reward: float = param(
        0.0, low=0.0, unit="$ per converted referral",
        meaning="Reward paid to the advocate for each referral that converts.",
        source=CHOICE)
    recipient_reward: float = param(
        0.0, low=0.0, unit="$ per converted referral",
        meaning="Reward paid to the new customer a referral brings.",
        source=CHOICE)
    disclosed: bool = param(
        True, "bool", unit="",
        meaning="Whether recipients know the sender is rewarded (only then does the "
                "sincerity penalty apply).", source=CHOICE)
    share_lift: float = param(
        0.5, low=0.0, unit="ratio",
        meaning="Largest relative rise in share a sender reward can buy (reached as the "
                "reward grows past reward_scale).",
        source="Ryu & Feick 2007, J. Marketing 71(1): shape; size assumed")
    conversion_lift: float = param(
        0.3, low=0.0, unit="ratio",
        meaning="Largest relative rise in conversion a recipient reward can buy.",
        source="Gershon, Cryder & John 2020, J. Marketing Research 57(5): shape; "
               "size assumed")
    reward_scale: float = param(
        5.0, low=0.0, low_open=True, unit="$",
        meaning="Reward at which a response reaches 63% (1 - 1/e) of its largest lift; "
                "also sets how fast referred customers' value falls with the reward.",
        source=ASSUMPTION)
    sincerity_penalty: float = param(
        0.15, "prob", unit="share of trust",
        meaning="Trust a referral loses when a sender reward is disclosed.",
        source="Tuk, Verlegh, Smidts & Wigboldus 2009, J. Consumer Psychology 19(1): "
               "direction; size assumed")
    quality_decay: float = param(
        0.2, "prob", unit="share of value",
        meaning="Largest share of a referred customer's value lost to large rewards "
                "(value x (1 - quality_decay x R / (R + reward_scale))).",
        source="Wolters, Schulze & Gedenk 2020, J. Marketing Research 57(4): direction; "
               "size assumed")

    def __post_init__(self):
        check_params(self)

    KINDS = ("none", "sender", "recipient", "two_sided")

    @classmethod
    def named(cls, kind: str, reward: float = 0.0, **effects: Any) -> "ReferralProgram":
        """Return a programme by name: ``none``, ``sender`` (the whole reward to the
        advocate), ``recipient`` (to the new customer) or ``two_sided`` (split evenly).

        Examples
        --------
        >>> ReferralProgram.named("two_sided", 20).sender_reward
        10.0
        >>> ReferralProgram.named("double", 5)
        Traceback (most recent call last):
        ...
        refsim.errors.InvalidValue: programme kind must be one of none, sender, recipient, two_sided; got 'double'
        """
        if kind not in cls.KINDS:
            raise InvalidValue(f"programme kind must be one of {', '.join(cls.KINDS)}; "
                             f"got {kind!r}")
        reward = check_nonnegative("reward", reward)
        split = {"none": (0.0, 0.0), "sender": (reward, 0.0), "recipient": (0.0, reward),
                 "two_sided": (reward / 2, reward / 2)}[kind]
        return cls(sender_reward=split[0], recipient_reward=split[1], **effects)

    def _g(self, reward):
        return 1.0 - math.exp(-reward / self.reward_scale)

    @property
    def share_factor(self) -> float:
        """Multiplier on each advocate's ``share``."""
        return 1.0 + self.share_lift * self._g(self.sender_reward)

    @property
    def trust_factor(self) -> float:
        """Multiplier on each referrer's trust (below 1 for a disclosed sender reward)."""
        return 1.0 - self.sincerity_penalty if self.disclosed and self.sender_reward > 0 else 1.0

    @property
    def conversion_factor(self) -> float:
        """Multiplier on ``conversion``."""
        return 1.0 + self.conversion_lift * self._g(self.recipient_reward)

    @property
    def referred_value_factor(self) -> float:
        """Multiplier on a referred customer's value."""
        r = self.sender_reward + self.recipient_reward
        return 1.0 - self.quality_decay * r / (r + self.reward_scale)

    @property
    def reward_per_conversion(self) -> float:
        return self.sender_reward + self.recipient_reward


@dataclass(frozen=True)
class Lifecycle:
    """What happens after a customer buys: satisfaction and churn.

    Each new customer (seeds included) is a promoter, a passive or a detractor, drawn
    with the shares ``promoters``, ``1 - promoters - detractors`` and ``detractors``
    (Reichheld 2003's classes of "would you recommend us?": 9-10, 7-8, 0-6; the
    defaults give NPS +35). Promoters become advocates with the model's ``advocacy``,
    passives with ``advocacy x passive_advocacy``, detractors never. Each step a
    customer churns with its class's hazard; a churned customer stops referring, is
    never referred or won back, and no longer counts as a customer. Each step every
    detractor tells each contact who is not a customer bad news with
    ``detractor_share``; the contact rejects the product for good with ``rejection``,
    else referrals to it convert ``bad_news_factor`` times as often. Each current customer
    brings ``margin`` per step; cash is discounted at ``discount_rate`` per step.

    Examples
    --------
    >>> import refsim
    >>> g = refsim.generators.holme_kim(2000, 3, 0.5, rng=1)
    >>> model = refsim.ReferralModel(lifecycle=Lifecycle(churn_detractor=0.1))
    >>> res = refsim.simulate(g, model, [0, 1, 2], runs=20, rng=2, steps=10)
    >>> res.customers.shape, bool((res.customers.sum(axis=2) <= res.curves).all())
    ((20, 11, 3), True)
    """

    promoters: float = param(
        0.5, "prob", unit="share of new customers",
        meaning="Share of new customers who are promoters (would score 9-10 on "
                "\"would you recommend us?\").", source=ASSUMPTION)
    detractors: float = param(
        0.15, "prob", unit="share of new customers",
        meaning="Share of new customers who are detractors (0-6); with promoters 0.5, "
                "NPS +35.", source=ASSUMPTION)
    passive_advocacy: float = param(
        0.1, "prob", unit="share of advocacy",
        meaning="A passive's chance to become an advocate, as a share of the model's "
                "advocacy (promoters: all of it, detractors: none).", source=ASSUMPTION)
    churn_promoter: float = param(
        0.002, "prob", unit="probability per step",
        meaning="Chance a promoter stops being a customer, each step.", source=ASSUMPTION)
    churn_passive: float = param(
        0.005, "prob", unit="probability per step",
        meaning="Chance a passive stops being a customer, each step.", source=ASSUMPTION)
    churn_detractor: float = param(
        0.02, "prob", unit="probability per step",
        meaning="Chance a detractor stops being a customer, each step.", source=ASSUMPTION)
    detractor_share: float = param(
        0.15, "prob", unit="probability per contact per step",
        meaning="Chance a detractor tells a given contact who is not a customer bad news, "
                "each step (by default more than an advocate's share: bad news travels "
                "further).",
        source="assumption; direction: Goldenberg, Libai, Moldovan & Muller 2007, Int. "
               "J. Research in Marketing 24(3) (\"The NPV of bad news\")")
    rejection: float = param(
        0.2, "prob", unit="probability",
        meaning="Chance a contact told bad news rejects the product for good (never "
                "converted by referrals or advertising).", source=ASSUMPTION)
    bad_news_factor: float = param(
        0.5, "prob", unit="share of conversion",
        meaning="Multiplier on the conversion of referrals to a contact who heard bad "
                "news and did not reject the product.", source=ASSUMPTION)
    margin: float = param(
        1.0, low=0.0, unit="$ per customer per step",
        meaning="Repeat margin each current customer brings per step, on top of the "
                "value at purchase (economics.customer_value).", source=ASSUMPTION)
    discount_rate: float = param(
        0.0015, low=0.0, unit="per step",
        meaning="Discount rate per step for NPV and payback (0.0015 a week is about 8% "
                "a year).", source=ASSUMPTION)

    def __post_init__(self):
        check_params(self)
        if self.promoters + self.detractors > 1.0:
            raise InvalidValue(f"Lifecycle promoters + detractors must be <= 1; got "
                               f"{self.promoters:g} + {self.detractors:g}")

    def kernel_inputs(self, n: int) -> tuple:
        """``(True, cut_promoter[n], cut_passive[n], class_advocacy[3], churn_lq[3],
        bad_lq, rejection, bad_factor)`` for the referral kernel."""
        churn = np.array([self.churn_promoter, self.churn_passive, self.churn_detractor])
        with np.errstate(divide="ignore"):
            churn_lq = np.log1p(-churn)
        return (True, np.full(n, self.promoters), np.full(n, 1.0 - self.detractors),
                np.array([1.0, self.passive_advocacy, 0.0]), churn_lq,
                float(np.log1p(-self.detractor_share)) if self.detractor_share < 1.0
                else -np.inf, self.rejection, self.bad_news_factor)


@dataclass(frozen=True)
class LoyaltyProgram:
    """A loyalty programme every customer joins: it costs per member and per step, and
    members churn less, bring more margin, and more of them are promoters.

    It acts on a :class:`Lifecycle`: churn hazards times ``1 - churn_reduction``, the
    repeat margin times ``1 + margin_lift``, and ``promoter_lift`` of the would-be
    passives promoters instead (see :meth:`apply`). Each step it costs ``fixed_cost``
    plus ``cost_per_member`` per current customer.

    Examples
    --------
    >>> life = LoyaltyProgram(churn_reduction=0.5).apply(Lifecycle(churn_passive=0.01))
    >>> life.churn_passive, round(life.promoters, 3)
    (0.005, 0.535)
    """

    cost_per_member: float = param(
        0.5, low=0.0, unit="$ per member per step",
        meaning="What the programme costs per current customer each step (rewards, "
                "perks).", source=ASSUMPTION)
    fixed_cost: float = param(
        100.0, low=0.0, unit="$ per step",
        meaning="What running the programme costs each step, members or not.",
        source=ASSUMPTION)
    churn_reduction: float = param(
        0.3, "prob", unit="share of churn",
        meaning="Share by which members' churn hazards fall.", source=ASSUMPTION)
    margin_lift: float = param(
        0.1, low=0.0, unit="share of margin",
        meaning="Share added to members' repeat margin (they buy more often).",
        source=ASSUMPTION)
    promoter_lift: float = param(
        0.1, "prob", unit="share of passives",
        meaning="Share of the customers who would be passives who are promoters "
                "instead.", source=ASSUMPTION)

    def __post_init__(self):
        check_params(self)

    def apply(self, life: Lifecycle) -> Lifecycle:
        """The lifecycle of the programme's members."""
        import dataclasses

        keep = 1.0 - self.churn_reduction
        passives = 1.0 - life.promoters - life.detractors
        return dataclasses.replace(
            life, churn_promoter=life.churn_promoter * keep,
            churn_passive=life.churn_passive * keep,
            churn_detractor=life.churn_detractor * keep,
            margin=life.margin * (1.0 + self.margin_lift),
            promoters=min(1.0 - life.detractors,
                          life.promoters + self.promoter_lift * passives))


#: The kernel's lifecycle inputs when the model has none: nothing drawn, nothing read.
NO_LIFECYCLE = (False, np.empty(0), np.empty(0), np.ones(3), np.zeros(3), 0.0, 0.0, 1.0)


@dataclass(frozen=True)
class Economics:
    """What customers bring and what the campaign costs.

    Parameters
    ----------
    customer_value : float
        Contribution of an acquired customer (seeds are not counted as acquired).
    advocate_multiplier : float, default 1
        Value of an advocate relative to a silent customer (advocates are often worth
        more: they buy more and stay longer).
    referral_premium : float, default 0.16
        Extra value of a referred customer: at least 16% (Schmitt, Skiera & Van den
        Bulte 2011, J. Marketing 75(1)).
    seed_cost_per_follower : float, default 0
        Added to a seed's fee per out-neighbour (influencer pricing).
    ad_cost_per_step : float, default 0
        Advertising spend per step (what buys ``ad_rate``).
    seed_cost : float or array_like, optional
        Fee to recruit each node as a seed, one value or one per node; replaces the
        segments' ``seed_cost`` when given.
    """

    customer_value: float = param(
        100.0, low=0.0, unit="$ per customer",
        meaning="Contribution of an acquired customer (seeds are not counted).",
        source=ASSUMPTION)
    advocate_multiplier: float = param(
        1.0, low=0.0, unit="ratio",
        meaning="Value of an advocate relative to a silent customer.",
        source=ASSUMPTION)
    referral_premium: float = param(
        0.16, low=0.0, unit="share of value",
        meaning="Extra value of a referred customer over one won otherwise.",
        source="Schmitt, Skiera & Van den Bulte 2011, J. Marketing 75(1)")
    seed_cost_per_follower: float = param(
        0.0, low=0.0, unit="$ per follower",
        meaning="Added to a seed's fee for each of its out-neighbours (influencer "
                "pricing).", source=ASSUMPTION)
    ad_cost_per_step: float = param(
        0.0, low=0.0, unit="$ per step",
        meaning="Advertising spend per step (what buys the model's ad_rate).",
        source=ASSUMPTION)
    seed_cost: object = param(
        None, low=0.0, per_node=True, config=False, unit="$ per seed",
        meaning="Fee to recruit each node as a seed, one value or one per node; replaces "
                "the segments' seed_cost when given.", source="user data")

    def __post_init__(self):
        check_params(self)


@dataclass(frozen=True)
class ReferralModel:
    """Word of mouth with advocates, awareness, advertising, forgetting and money.

    States: unaware, aware (referred but did not buy), adopter, advocate (an adopter who
    refers). Seeds start as advocates. In each step every advocate refers each contact
    who has not adopted with probability ``share``; a referral converts with probability
    ``conversion`` x the referrer's trust (x the program's effects), otherwise its
    recipient becomes aware; every non-adopter also adopts from outside with ``ad_rate``;
    each advocate then stops referring with ``forget_rate``; new adopters become
    advocates with ``advocacy`` and refer from the next step.

    Limits: with ``forget_rate=1, advocacy=1, ad_rate=0`` and trust 1 this is
    Independent Cascade with ``p = share * conversion``; on a complete graph with
    ``forget_rate=0, advocacy=1`` its mean adoption curve follows the discrete Bass
    model (Bass 1969).

    Parameters
    ----------
    conversion, forget_rate, ad_rate : float
        Probabilities in [0, 1].
    share, advocacy : float or array_like
        Probabilities in [0, 1]: one value, or one per node; a segment's own value, when
        set, overrides them for its members.
    trust : float or array_like, default 1
        Multiplier on the conversion of each node's referrals: one value or one per node;
        multiplied by the segment's trust.
    population : Population, optional
        Segments, whose ``trust``/``share``/``advocacy`` override the values above.
    program : ReferralProgram, optional
        Rewards and their effects; default none.
    economics : Economics, optional
        Values and costs; default ``Economics()``.
    lifecycle : Lifecycle, optional
        Satisfaction classes and churn after the purchase; default none (a customer
        once won stays one, and every adopter may become an advocate).
    loyalty : LoyaltyProgram, optional
        A loyalty programme all customers join (needs a lifecycle); default none.
    """

    share: object = param(
        0.1, "prob", per_node=True, unit="probability per contact per step",
        meaning="Chance an advocate refers a given contact who has not adopted, each "
                "step.", source=ASSUMPTION)
    conversion: float = param(
        0.2, "prob", unit="probability per referral",
        meaning="Chance a referral converts its recipient, before trust and programme "
                "effects.", source=ASSUMPTION)
    advocacy: object = param(
        0.5, "prob", per_node=True, unit="probability",
        meaning="Chance a new customer becomes an advocate who refers others.",
        source=ASSUMPTION)
    forget_rate: float = param(
        0.3, "prob", unit="probability per step",
        meaning="Chance an advocate stops referring, each step.", source=ASSUMPTION)
    ad_rate: float = param(
        0.0, "prob", unit="probability per step",
        meaning="Chance a non-customer adopts from advertising each step (the "
                "innovation coefficient p of Bass 1969).", source=ASSUMPTION)
    trust: object = param(
        1.0, "prob", per_node=True, unit="share of conversion",
        meaning="Multiplier on the conversion of each node's referrals, times its "
                "segment's trust.", source=ASSUMPTION)
    population: Population | None = None
    program: ReferralProgram = field(default_factory=ReferralProgram)
    economics: Economics = field(default_factory=Economics)
    lifecycle: Lifecycle | None = None
    loyalty: LoyaltyProgram | None = None

    def __post_init__(self):
        check_params(self)
        if self.lifecycle is not None and not isinstance(self.lifecycle, Lifecycle):
            raise InvalidType(f"ReferralModel lifecycle must be a Lifecycle; got "
                              f"{type(self.lifecycle).__name__}")
        if self.loyalty is not None:
            if not isinstance(self.loyalty, LoyaltyProgram):
                raise InvalidType(f"ReferralModel loyalty must be a LoyaltyProgram; got "
                                  f"{type(self.loyalty).__name__}")
            if self.lifecycle is None:
                raise InvalidValue("a loyalty programme acts on the customer lifecycle: "
                                   "give the model a Lifecycle (a [lifecycle] table in a "
                                   "config)")
        if self.population is not None and not isinstance(self.population, Population):
            raise InvalidType(f"ReferralModel population must be a Population; got "
                            f"{type(self.population).__name__}")
        if not isinstance(self.program, ReferralProgram):
            raise InvalidType(f"ReferralModel program must be a ReferralProgram; got "
                            f"{type(self.program).__name__}")
        if not isinstance(self.economics, Economics):
            raise InvalidType(f"ReferralModel economics must be an Economics; got "
                            f"{type(self.economics).__name__}")

    @property
    def effective_lifecycle(self) -> Lifecycle | None:
        """The lifecycle customers live: the loyalty programme's, when there is one."""
        if self.loyalty is None:
            return self.lifecycle
        return self.loyalty.apply(self.lifecycle)

    def node_arrays(self, graph: Graph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return per-node (share, conversion of their referrals, advocacy) for ``graph``.

        Raises ``ValueError`` when the population or a per-node array (share, advocacy,
        trust) does not have one value per node.
        """
        n = graph.n
        pop = self.population
        if pop is not None and len(pop) != n:
            raise InvalidValue(f"ReferralModel population has {len(pop)} nodes but the graph "
                             f"has {n}")
        trust = per_node_values("ReferralModel", "trust", self.trust, n)
        share = per_node_values("ReferralModel", "share", self.share, n)
        advocacy = per_node_values("ReferralModel", "advocacy", self.advocacy, n)
        if pop is not None:
            trust = trust * pop.per_node("trust", 1.0)
            seg_share = pop.per_node("share", np.nan)
            seg_adv = pop.per_node("advocacy", np.nan)
            share = np.where(np.isnan(seg_share), share, seg_share)
            advocacy = np.where(np.isnan(seg_adv), advocacy, seg_adv)
        prog = self.program
        share = np.minimum(1.0, share * prog.share_factor)
        conv = min(1.0, self.conversion * prog.conversion_factor) * trust * prog.trust_factor
        return share, np.minimum(conv, 1.0), advocacy

    def seed_costs(self, graph: Graph, seeds: ArrayLike) -> np.ndarray:
        """Cost of recruiting each seed: its segment's fee plus the per-follower price."""
        seeds = np.asarray(seeds, dtype=np.int64)
        fee = self.economics.seed_cost
        if fee is not None:
            base = per_node_values("Economics", "seed_cost", fee, graph.n)[seeds]
        elif self.population is not None:
            base = self.population.per_node("seed_cost", 0.0)[seeds]
        else:
            base = np.zeros(seeds.shape[0])
        return base + self.economics.seed_cost_per_follower * graph.out_degree[seeds]
