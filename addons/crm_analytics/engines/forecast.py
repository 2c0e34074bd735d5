# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Monthly revenue forecast (FEATURES.md, "forecasting, offers"), without Odoo.

Additive Holt-Winters (level, trend and a 12-month season) when the history
holds at least two seasons; Holt's linear trend with fewer; the mean of the
months with fewer than ``MIN_TREND`` (6) months; nothing at all gives 0. The
smoothing constants are the grid point with the smallest one-step-ahead squared
error over the history (a 9 x 9 x 9 grid: ~700 passes over at most a few dozen
months, a few milliseconds in pure Python).

>>> forecast([10.0, 12.0, 14.0, 16.0, 18.0, 20.0], 2)
([22.0, 24.0], 'trend')
>>> forecast([5.0, 7.0], 1)
([6.0], 'mean')
>>> forecast([], 3)
([0.0, 0.0, 0.0], 'none')
>>> round(mape([(100.0, 90.0), (0.0, 5.0), (50.0, 60.0)]), 6)
15.0
>>> mape([(0.0, 5.0)]) is None
True
"""

METHOD_HW = "holt_winters"
METHOD_TREND = "trend"
METHOD_MEAN = "mean"
METHOD_NONE = "none"
SEASON = 12
MIN_TREND = 6
_GRID = tuple(step / 10 for step in range(1, 10))


def _holt_winters_pass(series, season, alpha, beta, gamma, horizon):
    """One pass of additive Holt-Winters: (sum of squared one-step errors,
    the ``horizon`` forecasts after the last month).

    Initial state from the first two seasons: the trend is the difference of
    their means over ``season``; the level is the first season's mean carried
    to its last month; the seasonal terms are the first season's deviations
    from that straight line (so an exact trend + season is reproduced
    exactly, whatever the constants)."""
    mean1 = sum(series[:season]) / season
    mean2 = sum(series[season : 2 * season]) / season
    trend = (mean2 - mean1) / season
    middle = (season - 1) / 2.0
    seasonal = [series[i] - (mean1 + trend * (i - middle)) for i in range(season)]
    level = mean1 + trend * middle
    sse = 0.0
    for t in range(season, len(series)):
        value = series[t]
        index = t % season
        predicted = level + trend + seasonal[index]
        sse += (value - predicted) ** 2
        previous_level = level
        level = alpha * (value - seasonal[index]) + (1 - alpha) * (level + trend)
        trend = beta * (level - previous_level) + (1 - beta) * trend
        seasonal[index] = gamma * (value - level) + (1 - gamma) * seasonal[index]
    n = len(series)
    forecasts = [
        level + step * trend + seasonal[(n + step - 1) % season]
        for step in range(1, horizon + 1)
    ]
    return sse, forecasts


def _holt_pass(series, alpha, beta, horizon):
    """One pass of Holt's linear trend (level from the first month, trend from
    the first two)."""
    level = series[0]
    trend = series[1] - series[0]
    sse = 0.0
    for value in series[1:]:
        predicted = level + trend
        sse += (value - predicted) ** 2
        previous_level = level
        level = alpha * value + (1 - alpha) * (level + trend)
        trend = beta * (level - previous_level) + (1 - beta) * trend
    return sse, [level + step * trend for step in range(1, horizon + 1)]


def method_for(length, season=SEASON):
    """The method a history of ``length`` months gets."""
    if length >= 2 * season:
        return METHOD_HW
    if length >= MIN_TREND:
        return METHOD_TREND
    if length:
        return METHOD_MEAN
    return METHOD_NONE


def forecast(series, horizon, season=SEASON):
    """The ``horizon`` months after ``series`` (oldest first) and the method
    used. Forecasts are not clamped: a falling trend may go below zero, which
    the caller may floor (revenue is rarely negative, credit notes aside)."""
    series = [float(value) for value in series]
    method = method_for(len(series), season)
    if method == METHOD_NONE:
        return [0.0] * horizon, method
    if method == METHOD_MEAN:
        return [sum(series) / len(series)] * horizon, method
    best = None
    for alpha in _GRID:
        for beta in _GRID:
            if method == METHOD_TREND:
                result = _holt_pass(series, alpha, beta, horizon)
                if best is None or result[0] < best[0]:
                    best = result
                continue
            for gamma in _GRID:
                result = _holt_winters_pass(series, season, alpha, beta, gamma, horizon)
                if best is None or result[0] < best[0]:
                    best = result
    return [round(value, 6) for value in best[1]], method


def mape(pairs):
    """Mean absolute percentage error of ``(actual, forecast)`` pairs, in
    percent. A month whose actual is 0 has no percentage error and is left out;
    None when no month is left."""
    errors = [
        abs(actual - predicted) / abs(actual) for actual, predicted in pairs if actual
    ]
    if not errors:
        return None
    return 100.0 * sum(errors) / len(errors)
