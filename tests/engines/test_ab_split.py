# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The A/B draw of a split step."""

import random
from collections import Counter

from crm_suite_engines.ab_split import draw_arms, split_weights


def test_shares_decide_the_proportions():
    draws = Counter(draw_arms([80.0, 20.0], 10000, random.Random(42)))
    assert set(draws) == {0, 1}
    assert 7600 < draws[0] < 8400


def test_an_arm_without_share_is_never_drawn():
    assert set(draw_arms([0.0, 60.0, 40.0], 500, random.Random(3))) == {1, 2}


def test_no_share_no_draw():
    assert draw_arms([], 5, random.Random(1)) == []
    assert draw_arms([0.0, 0.0], 5, random.Random(1)) == []


def test_same_seed_same_draw():
    assert draw_arms([50, 50], 50, random.Random(9)) == draw_arms(
        [50, 50], 50, random.Random(9)
    )


def test_negative_share_counts_as_zero():
    assert split_weights([-10.0, 30.0]) == [0.0, 30.0]
