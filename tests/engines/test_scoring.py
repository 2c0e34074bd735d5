# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The score's arithmetic (FEATURES.md), without Odoo."""

import pytest
from crm_suite_engines import scoring


def test_clamp_to_the_score_range():
    assert scoring.clamp(None) == 0.0
    assert scoring.clamp(-0.5) == scoring.SCORE_MIN
    assert scoring.clamp(100.5) == scoring.SCORE_MAX
    assert scoring.clamp(42.25) == 42.25


@pytest.mark.parametrize(
    "age,half_life,factor",
    [(0, 7, 1.0), (7, 7, 0.5), (21, 7, 0.125), (10, 0, 1.0), (-3, 7, 1.0)],
)
def test_decay_halves_every_half_life(age, half_life, factor):
    assert scoring.decay_factor(age, half_life) == pytest.approx(factor)


def test_cap_applies_to_the_total_in_absolute_value():
    assert scoring.cap_total(30, 25) == 25
    assert scoring.cap_total(-30, 25) == -25
    assert scoring.cap_total(30, 0) == 30
    assert scoring.cap_total(30, None) == 30


def test_cap_contributions_take_the_biggest_first_and_keep_the_order():
    assert scoring.cap_contributions([2.0, 9.0, 4.0], 10.0) == [0.0, 9.0, 1.0]
    assert sum(scoring.cap_contributions([6.0, 6.0, 6.0], 10.0)) == 10.0
    assert scoring.cap_contributions([-8.0, 3.0], 5.0) == [-5.0, 0.0]


def test_blend_with_weights():
    assert scoring.blend(60, 30, 90) == 60
    assert scoring.blend(100, 0, 0, (1.0, 0.0, 0.0)) == 100
    assert scoring.blend(10, 20, 30, (0.0, 0.0, 0.0)) == 0
    # round half to even, as PostgreSQL's round() on double precision
    assert scoring.blend(1, 2, 2) == 2  # 5/3
    assert scoring.blend(0.5, 0, 0, (1.0, 0.0, 0.0)) == 0
    assert scoring.blend(1.5, 0, 0, (1.0, 0.0, 0.0)) == 2


def test_band_from_the_thresholds():
    assert scoring.band(70) == scoring.BAND_HOT
    assert scoring.band(40) == scoring.BAND_WARM
    assert scoring.band(39) == scoring.BAND_COLD
    assert scoring.band(50, (50, 50)) == scoring.BAND_HOT
    assert scoring.DEFAULT_THRESHOLDS == (40, 70)
    assert scoring.DEFAULT_WEIGHTS == (1.0, 1.0, 1.0)
