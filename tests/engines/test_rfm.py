# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""RFM quintiles and groups (FEATURES.md), without Odoo."""

import math
import random

import pytest
from crm_analytics_engines import rfm as engine


def test_quintiles_of_ten_distinct_values():
    assert engine.quintiles(list(range(1, 11))) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_recency_fewer_days_is_better():
    assert engine.quintiles([1, 10, 100, 1000, 10000], higher_is_better=False) == [
        5,
        4,
        3,
        2,
        1,
    ]


def test_ties_share_the_highest_score_of_their_group():
    assert engine.quintiles([5, 5, 5, 1]) == [5, 5, 5, 2]
    assert engine.quintiles([5, 5, 5, 1], higher_is_better=False) == [4, 4, 4, 5]


def test_zero_frequency_and_monetary_score_one():
    # alone with 0 they would share 5
    assert engine.quintiles([0, 0, 0], zero_scores_one=True) == [1, 1, 1]
    assert engine.quintiles([-20.0, 0.0, 10.0], zero_scores_one=True) == [1, 1, 5]


def test_integer_arithmetic_matches_ceil_of_cume_dist():
    rng = random.Random(7)
    for count in (1, 2, 3, 7, 10, 33, 101):
        values = [rng.randint(0, 20) for _ in range(count)]
        expected = [
            math.ceil(round(5 * sum(1 for w in values if w <= v) / count, 9))
            for v in values
        ]
        assert engine.quintiles(values) == expected


@pytest.mark.parametrize(
    ("scores", "group"),
    [
        ((5, 5, 5), "champions"),
        ((4, 4, 1), "champions"),
        ((3, 5, 5), "loyal"),
        ((5, 3, 5), "loyal"),
        ((4, 2, 5), "new"),
        ((5, 1, 1), "new"),
        ((3, 2, 5), "potential"),
        ((3, 1, 1), "potential"),
        ((2, 3, 1), "at_risk"),
        ((1, 5, 5), "at_risk"),
        ((2, 2, 5), "hibernating"),
        ((2, 1, 1), "hibernating"),
        ((1, 2, 5), "lost"),
        ((1, 1, 1), "lost"),
    ],
)
def test_groups_first_match_wins(scores, group):
    assert engine.rfm_group(*scores) == group


def test_every_score_triple_has_one_of_the_seven_groups():
    groups = {
        engine.rfm_group(r, f, m)
        for r in range(1, 6)
        for f in range(1, 6)
        for m in range(1, 6)
    }
    assert groups == set(engine.RFM_GROUPS)


def test_score_rfm_rows():
    rows = [(3, 12, 5000.0), (30, 4, 800.0), (200, 1, 90.0), (700, 0, 0.0)]
    assert engine.score_rfm(rows) == [
        (5, 5, 5, "champions"),
        (4, 4, 4, "champions"),
        (3, 3, 3, "loyal"),
        (2, 1, 1, "hibernating"),
    ]
    assert engine.score_rfm([]) == []
