"""Exact checks of the referral model's parts that the twin comparison does not reach:
validation at the door, populations, programmes and economics."""

import math

import networkx as nx
import numpy as np
import pytest

import refsim
from refsim.errors import InvalidType, InvalidValue


def test_programme_factors_follow_their_formulas():
    p = refsim.ReferralProgram(sender_reward=10, recipient_reward=4, share_lift=0.5,
                               conversion_lift=0.3, reward_scale=5.0, sincerity_penalty=0.15,
                               quality_decay=0.2)
    assert p.share_factor == pytest.approx(1 + 0.5 * (1 - math.exp(-2.0)), rel=1e-15)
    assert p.conversion_factor == pytest.approx(1 + 0.3 * (1 - math.exp(-0.8)), rel=1e-15)
    assert p.trust_factor == 0.85
    assert p.referred_value_factor == pytest.approx(1 - 0.2 * 14 / 19, rel=1e-15)
    assert p.reward_per_conversion == 14
    undisclosed = refsim.ReferralProgram(sender_reward=10, disclosed=False)
    assert undisclosed.trust_factor == 1.0
    assert refsim.ReferralProgram(recipient_reward=10).trust_factor == 1.0
    none = refsim.ReferralProgram()
    assert (none.share_factor, none.conversion_factor, none.referred_value_factor) == (1, 1, 1)
