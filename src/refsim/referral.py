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

__all__ = ["DEFAULT_SEGMENTS", "AdvocacyProgram", "Economics", "Lifecycle", "LoyaltyProgram",
           "Population", "ReferralModel", "ReferralProgram", "Reviews", "Segment"]


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
    promoters: float | None = param(
        None, "prob", unit="share of new customers",
        meaning="This segment's own share of promoters among its new customers, with a "
                "lifecycle (unset: the lifecycle's).", source=ASSUMPTION)
    detractors: float | None = param(
        None, "prob", unit="share of new customers",
        meaning="This segment's own share of detractors among its new customers, with a "
                "lifecycle (unset: the lifecycle's).", source=ASSUMPTION)

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise InvalidValue(f"Segment name must be a non-empty string; got {self.name!r}")
        check_params(self)
        if (self.promoters is not None and self.detractors is not None
                and self.promoters + self.detractors > 1.0):
            raise InvalidValue(f"Segment {self.name!r} promoters + detractors must be <= 1; "
                               f"got {self.promoters:g} + {self.detractors:g}")


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
    never referred again and no longer counts as a customer, but advertising may win
    it back (``winback``: it then draws a new class). Each step every
    detractor tells each contact who has never bought bad news with
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
        meaning="Chance a detractor tells a given contact who has never bought bad news, "
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
    winback: float = param(
        0.25, "prob", unit="share of the ad response",
        meaning="Chance a churned customer reached by advertising comes back (a new "
                "prospect reached always buys): with ad_rate, ad_rate x winback per "
                "step.", source=ASSUMPTION)
    referrer_churn_reduction: float = param(
        0.0, "prob", unit="share of churn",
        meaning="Share by which the churn of a customer won by referral falls while its "
                "referrer is still a customer (0: off).",
        source="assumption; direction: Van den Bulte, Bayer, Skiera & Schmitt 2018, J. "
               "Marketing Research 55(1)")
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


@dataclass(frozen=True)
class Reviews:
    """Public reviews and the social proof they give (needs a :class:`Lifecycle`).

    Each new customer writes one review with its class's chance, rated by its class.
    With ``N0`` reviews of average ``r0`` before the campaign, ``N`` written since and
    their average ``r``, every referral's conversion and the advertising rate are
    multiplied, from the next step on, by ``((N0 + N + 1) / (N0 + 1)) ** e_volume *
    (r / r0) ** e_valence`` (each capped at 1): more reviews sell, a falling rating
    costs. The elasticities are the meta-analytic means of You, Vadakkepatt & Joshi
    2015 (J. Marketing 79(2)): 0.236 for volume, 0.417 for valence. They were measured
    across products, on sales; applying them to one product's adoption chance is an
    assumption.

    Examples
    --------
    >>> round(Reviews().factor(written=[100, 0, 0]), 3)  # 100 five-star reviews on 50 at 4.2
    1.358
    """

    review_promoter: float = param(
        0.05, "prob", unit="probability",
        meaning="Chance a new promoter writes a public review.", source=ASSUMPTION)
    review_passive: float = param(
        0.02, "prob", unit="probability",
        meaning="Chance a new passive writes a public review.", source=ASSUMPTION)
    review_detractor: float = param(
        0.1, "prob", unit="probability",
        meaning="Chance a new detractor writes a public review (unhappy customers write "
                "more).", source=ASSUMPTION)
    rating_promoter: float = param(
        5.0, low=1.0, high=5.0, unit="stars",
        meaning="Rating of a promoter's review.", source=ASSUMPTION)
    rating_passive: float = param(
        4.0, low=1.0, high=5.0, unit="stars",
        meaning="Rating of a passive's review.", source=ASSUMPTION)
    rating_detractor: float = param(
        1.5, low=1.0, high=5.0, unit="stars",
        meaning="Rating of a detractor's review.", source=ASSUMPTION)
    reviews_at_start: float = param(
        50.0, low=0.0, unit="reviews",
        meaning="Reviews the product has before step 1 (its social proof is measured "
                "against them).", source=ASSUMPTION)
    rating_at_start: float = param(
        4.2, low=1.0, high=5.0, unit="stars",
        meaning="Average rating of the reviews before step 1.", source=ASSUMPTION)
    volume_elasticity: float = param(
        0.236, low=0.0, unit="elasticity",
        meaning="Elasticity of adoption to the number of reviews.",
        source="You, Vadakkepatt & Joshi 2015, J. Marketing 79(2): mean volume "
               "elasticity of sales")
    valence_elasticity: float = param(
        0.417, low=0.0, unit="elasticity",
        meaning="Elasticity of adoption to the average rating.",
        source="You, Vadakkepatt & Joshi 2015, J. Marketing 79(2): mean valence "
               "elasticity of sales")

    def __post_init__(self):
        check_params(self)

    def factor(self, written: ArrayLike) -> float:
        """The social-proof factor after ``written`` new reviews (promoters', passives',
        detractors')."""
        w = np.asarray(written, dtype=np.float64)
        stock, r0 = self.reviews_at_start, self.rating_at_start
        total = float(w.sum())
        stars = stock * r0 + float(w @ [self.rating_promoter, self.rating_passive,
                                        self.rating_detractor])
        mean = r0 if stock + total == 0 else stars / (stock + total)
        return (((stock + total + 1) / (stock + 1)) ** self.volume_elasticity
                * (mean / r0) ** self.valence_elasticity)


@dataclass(frozen=True)
class AdvocacyProgram:
    """A customer-advocacy programme: promoters are recruited as advocates and kept
    talking, with no cash per referral (needs a :class:`Lifecycle`).

    Of the new promoters who would not advocate on their own, ``recruit`` are recruited:
    a promoter advocates with ``a + recruit x (1 - a)``, ``a`` its chance without the
    programme. Promoters who advocate stop with ``forget_rate x (1 - forget_reduction)``
    per step. Each step it costs ``fixed_cost`` plus ``cost_per_advocate`` per active
    advocate (community, recognition, early access).

    Examples
    --------
    >>> AdvocacyProgram(recruit=0.5).promoter_advocacy(0.4)
    0.7
    """

    recruit: float = param(
        0.5, "prob", unit="share of promoters",
        meaning="Share of the new promoters who would not advocate on their own that the "
                "programme recruits as advocates.", source=ASSUMPTION)
    forget_reduction: float = param(
        0.5, "prob", unit="share of forgetting",
        meaning="Share by which promoter advocates' chance to stop referring falls.",
        source=ASSUMPTION)
    cost_per_advocate: float = param(
        1.0, low=0.0, unit="$ per advocate per step",
        meaning="What looking after one active advocate costs each step.",
        source=ASSUMPTION)
    fixed_cost: float = param(
        50.0, low=0.0, unit="$ per step",
        meaning="What running the programme costs each step.", source=ASSUMPTION)

    def __post_init__(self):
        check_params(self)

    def promoter_advocacy(self, advocacy: float) -> float:
        """A promoter's chance to advocate in the programme, from its chance without."""
        return advocacy + self.recruit * (1.0 - advocacy)


@dataclass(frozen=True)
class LoyaltyProgram:
    """A loyalty programme: it costs per member and per step, and members churn less,
    bring more margin, and more of them are promoters.

    Customers join when they buy (seeds at step 0, customers won back again): every
    customer (``joins = "all"``) or only promoters (``"promoters"``), while the
    programme has fewer than ``cap`` members (no cap by default); a member who churns
    frees a place. For its members it acts on the :class:`Lifecycle` (see
    :meth:`apply`): churn hazards times ``1 - churn_reduction``, the repeat margin times
    ``1 + margin_lift``, and, when everyone joins, ``promoter_lift`` of the would-be
    passives promoters instead. Each step it costs ``fixed_cost`` plus
    ``cost_per_member`` per current member.

    Examples
    --------
    >>> life = LoyaltyProgram(churn_reduction=0.5).apply(Lifecycle(churn_passive=0.01))
    >>> life.churn_passive, round(life.promoters, 3)
    (0.005, 0.535)
    """

    cost_per_member: float = param(
        0.5, low=0.0, unit="$ per member per step",
        meaning="What the programme costs per current member each step (rewards, "
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
        meaning="Share of the members who would be passives who are promoters instead "
                "(members who join before their class is known: joins = all).",
        source=ASSUMPTION)
    joins: str = param(
        "all", "str", choices=("all", "promoters"), unit="", source=CHOICE,
        meaning="Who joins when they buy: all customers, or promoters only (then "
                "promoter_lift has nothing to act on).")
    cap: int | None = param(
        None, "int", low=1, unit="members", source=CHOICE,
        meaning="Most members at once (unset: no cap); later customers join as places "
                "free up.")

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


#: The programmes a campaign may add to a referral model with a lifecycle: the model's
#: and the campaign's field, its class, and what it is called in messages.
LEVERS = (("loyalty", LoyaltyProgram, "a loyalty programme"),
          ("advocacy_programme", AdvocacyProgram, "an advocacy programme"))


def _classes_default():
    from ._kernels.referral import ADVOCACY, STARS

    classes = np.zeros((STARS + 1, 3))
    classes[ADVOCACY] = 1.0
    classes[STARS] = 1.0
    return classes


def _no_lifecycle():
    from ._kernels.referral import N_SCALARS

    return (False, np.empty(0), np.empty(0), _classes_default(), np.zeros(N_SCALARS))


#: The kernel's lifecycle inputs when the model has none: nothing drawn, nothing read.
NO_LIFECYCLE = _no_lifecycle()


def lifecycle_inputs(model: ReferralModel, n: int) -> tuple:
    """The referral kernel's lifecycle inputs ``(lifecycle, cut_promoter[n],
    cut_passive[n], classes[7, 3], scalars)`` for ``model`` on ``n`` nodes (see
    :mod:`refsim._kernels.referral`); :data:`NO_LIFECYCLE` without a lifecycle."""
    from ._kernels import referral as k

    life = model.lifecycle
    if life is None:
        return NO_LIFECYCLE
    promoters = np.full(n, life.promoters)
    detractors = np.full(n, life.detractors)
    pop = model.population
    if pop is not None:
        for code, seg in enumerate(pop.segments):
            if seg.promoters is None and seg.detractors is None:
                continue
            p = life.promoters if seg.promoters is None else seg.promoters
            d = life.detractors if seg.detractors is None else seg.detractors
            if p + d > 1.0:
                raise InvalidValue(f"segment {seg.name!r}: promoters + detractors must be "
                                   f"<= 1; got {p:g} + {d:g} (the lifecycle's values "
                                   f"fill in the unset one)")
            at = pop.codes == code
            promoters[at], detractors[at] = p, d

    def miss(p):
        with np.errstate(divide="ignore"):
            return np.log1p(-np.asarray(p, dtype=np.float64))

    churn = np.array([life.churn_promoter, life.churn_passive, life.churn_detractor])
    classes = _classes_default()
    classes[k.ADVOCACY] = [1.0, life.passive_advocacy, 0.0]
    classes[k.CHURN_LQ] = miss(churn)
    classes[k.FORGET] = model.forget_rate
    scalars = np.zeros(k.N_SCALARS)
    scalars[k.AD_RATE] = model.ad_rate
    scalars[k.BAD_LQ] = miss(life.detractor_share)
    scalars[k.REJECTION] = life.rejection
    scalars[k.BAD_FACTOR] = life.bad_news_factor
    scalars[k.REFERRED] = model.program.referred_value_factor
    scalars[k.KEEP] = life.referrer_churn_reduction
    scalars[k.WINBACK] = life.winback
    club = model.loyalty
    if club is not None:
        members = club.apply(life)
        classes[k.MEMBER_CHURN_LQ] = miss([members.churn_promoter, members.churn_passive,
                                           members.churn_detractor])
        scalars[k.LIFT] = club.promoter_lift
        scalars[k.CAP] = n if club.cap is None else min(club.cap, n)
        scalars[k.JOINS] = club.joins == "promoters"
    advocacy = model.advocacy_programme
    if advocacy is not None:
        classes[k.RECRUIT, 0] = advocacy.recruit
        classes[k.FORGET, 0] = model.forget_rate * (1.0 - advocacy.forget_reduction)
    reviews = model.reviews
    if reviews is not None:
        scalars[k.REVIEWS] = 1.0
        classes[k.REVIEW] = [reviews.review_promoter, reviews.review_passive,
                             reviews.review_detractor]
        classes[k.STARS] = [reviews.rating_promoter, reviews.rating_passive,
                            reviews.rating_detractor]
        scalars[k.STOCK] = reviews.reviews_at_start
        scalars[k.RATING] = reviews.rating_at_start
        scalars[k.E_VOLUME] = reviews.volume_elasticity
        scalars[k.E_VALENCE] = reviews.valence_elasticity
    return (True, promoters, 1.0 - detractors, classes, scalars)


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
        A loyalty programme (needs a lifecycle); default none.
    reviews : Reviews, optional
        Public reviews and their social proof (needs a lifecycle); default none.
    advocacy_programme : AdvocacyProgram, optional
        Promoters recruited as advocates (needs a lifecycle); default none.
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
    reviews: Reviews | None = None
    advocacy_programme: AdvocacyProgram | None = None

    def __post_init__(self):
        check_params(self)
        if self.lifecycle is not None and not isinstance(self.lifecycle, Lifecycle):
            raise InvalidType(f"ReferralModel lifecycle must be a Lifecycle; got "
                              f"{type(self.lifecycle).__name__}")
        for name, kind, what in (*LEVERS, ("reviews", Reviews, "reviews")):
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, kind):
                raise InvalidType(f"ReferralModel {name} must be a refsim.{kind.__name__}; got "
                                  f"{type(value).__name__}")
            if self.lifecycle is None:
                raise InvalidValue(f"{what} acts on the customer lifecycle: give the model "
                                   f"a Lifecycle (a [lifecycle] table in a config)")
        if self.population is not None and not isinstance(self.population, Population):
            raise InvalidType(f"ReferralModel population must be a Population; got "
                            f"{type(self.population).__name__}")
        if not isinstance(self.program, ReferralProgram):
            raise InvalidType(f"ReferralModel program must be a ReferralProgram; got "
                            f"{type(self.program).__name__}")
        if not isinstance(self.economics, Economics):
            raise InvalidType(f"ReferralModel economics must be an Economics; got "
                            f"{type(self.economics).__name__}")

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
