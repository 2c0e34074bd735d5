# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Revenue forecast (Holt-Winters and its fallbacks) and MAPE, without Odoo."""

import math

import pytest
from crm_analytics_engines import forecast as engine

SEASON = [30.0, -10.0, 5.0, 0.0, -20.0, 15.0, 25.0, -5.0, -30.0, 10.0, -15.0, -5.0]


def _series(months, base=1000.0, slope=12.5):
    return [base + slope * t + SEASON[t % 12] for t in range(months)]


def test_known_series_trend_and_season_extrapolated_exactly():
    history = _series(36)
    expected = _series(42)[36:]
    predicted, method = engine.forecast(history, 6)
    assert method == engine.METHOD_HW
    assert predicted == pytest.approx(expected, abs=1e-6)


def test_two_seasons_are_enough_for_holt_winters():
    predicted, method = engine.forecast(_series(24), 1)
    assert method == engine.METHOD_HW
    assert predicted == pytest.approx([_series(25)[24]], abs=1e-6)


def test_short_history_falls_back_to_trend_then_mean():
    assert engine.forecast(_series(23), 1)[1] == engine.METHOD_TREND
    predicted, method = engine.forecast([100.0, 110.0, 120.0, 130.0, 140.0, 150.0], 2)
    assert method == engine.METHOD_TREND
    assert predicted == pytest.approx([160.0, 170.0])
    assert engine.forecast([100.0, 110.0, 120.0, 130.0, 140.0], 1)[1] == (
        engine.METHOD_MEAN
    )
    assert engine.forecast([100.0, 50.0], 3) == ([75.0] * 3, engine.METHOD_MEAN)
    assert engine.forecast([], 2) == ([0.0, 0.0], engine.METHOD_NONE)


def test_noisy_series_smoothing_picked_and_finite():
    noisy = [v + (7.0 if t % 3 else -9.0) for t, v in enumerate(_series(30))]
    predicted, _method = engine.forecast(noisy, 3)
    assert all(math.isfinite(v) for v in predicted)
    # close to the underlying truth despite the noise
    assert predicted == pytest.approx(_series(33)[30:], rel=0.03)


def test_mape_leaves_zero_actuals_out():
    assert engine.mape([(200.0, 150.0), (100.0, 110.0)]) == pytest.approx(17.5)
    assert engine.mape([(0.0, 10.0), (100.0, 80.0)]) == pytest.approx(20.0)
    assert engine.mape([(0.0, 10.0)]) is None
    assert engine.mape([]) is None
    # a negative month (credit notes) counts by its absolute value
    assert engine.mape([(-50.0, -25.0)]) == pytest.approx(50.0)
