# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Profitability ranks, score and grade (FEATURES.md), without Odoo."""

import pytest
from crm_analytics_engines import profitability as engine


def test_ranks_higher_is_better_ties_share():
    assert engine.cume_dist_ranks([30, 10, 30, 20]) == [100.0, 25.0, 100.0, 50.0]


def test_ranks_lower_is_better_for_cost():
    assert engine.cume_dist_ranks([0, 0, 5, 9], higher_is_better=False) == [
        100.0,
        100.0,
        50.0,
        25.0,
    ]


def test_ranks_of_nothing_and_one():
    assert engine.cume_dist_ranks([]) == []
    assert engine.cume_dist_ranks([-4]) == [100.0]


def test_weighted_score_leaves_zero_weights_out():
    ranks = {"revenue": 40.0, "profit": 100.0, "cost": 10.0}
    assert engine.weighted_score(ranks, {"revenue": 1, "profit": 0, "cost": 1}) == 25
    assert engine.weighted_score(ranks, {"revenue": 2, "profit": 1, "cost": 1}) == 48
    assert engine.weighted_score(ranks, {}) == 0


def test_score_rounds_half_to_even():
    assert engine.weighted_score({"a": 62.5}, {"a": 1}) == 62
    assert engine.weighted_score({"a": 63.5}, {"a": 1}) == 64


@pytest.mark.parametrize(
    "score,grade",
    [
        (100, "A"),
        (80, "A"),
        (79, "B"),
        (60, "B"),
        (59, "C"),
        (40, "C"),
        (20, "D"),
        (19, "E"),
    ],
)
def test_default_grade_limits(score, grade):
    assert engine.grade_for(score, (80, 60, 40, 20)) == grade


def test_grade_limits_of_a_profile():
    assert engine.grade_for(85, (90, 70, 50, 30)) == "B"
    assert engine.grade_for(0, (0, 0, 0, 0)) == "A"


def test_payment_score_clamped():
    assert engine.payment_score(0, 0, 0.0) == 100.0
    assert engine.payment_score(4, 4, 0.0) == 100.0
    assert engine.payment_score(4, 2, 10.0) == 40.0
    assert engine.payment_score(3, 0, 12.0) == 0.0


def test_contributions_add_up_to_the_score():
    ranks = {"revenue": 50.0, "profit": 75.0, "cost": 100.0}
    weights = {"revenue": 2, "profit": 1, "cost": 1}
    shares = engine.contributions(ranks, weights)
    assert sum(shares.values()) == pytest.approx(68.75)
    assert engine.weighted_score(ranks, weights) == 69


def test_score_rows_ranks_each_factor():
    rows = [
        dict(
            revenue=10, profit=5, payment=100, lifetime=30, average_invoice=10, cost=0
        ),
        dict(
            revenue=20, profit=-5, payment=50, lifetime=30, average_invoice=20, cost=9
        ),
    ]
    weights = dict.fromkeys((key for key, _h in engine.FACTORS), 1)
    (ranks_a, score_a, grade_a), (ranks_b, score_b, grade_b) = engine.score_rows(
        rows, weights, (80, 60, 40, 20)
    )
    assert ranks_a == {
        "revenue": 50.0,
        "profit": 100.0,
        "payment": 100.0,
        "lifetime": 100.0,
        "average_invoice": 50.0,
        "cost": 100.0,
    }
    assert (score_a, grade_a) == (83, "A")
    assert ranks_b["cost"] == 50.0
    assert (score_b, grade_b) == (75, "B")
