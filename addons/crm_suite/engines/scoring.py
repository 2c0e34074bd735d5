# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The lead score's arithmetic (FEATURES.md, "Scoring arithmetic"), one definition.

The scoring engine works set-based in SQL (``models/crm_lead_score_sql.py``); it takes
its constants from here (the clamp bounds, the half-life base, the bands and the
defaults of a lead without a team) as query parameters, and the Python side (the
"Why this score?" explanation, a line's points now) calls these functions.

>>> clamp(130.0), clamp(-4.0), clamp(55.5)
(100.0, 0.0, 55.5)
>>> decay_factor(14, 7), decay_factor(3, 0), decay_factor(-2, 7)
(0.25, 1.0, 1.0)
>>> cap_total(25.0, 20.0), cap_total(-25.0, 20.0), cap_total(25.0, 0)
(20.0, -20.0, 25.0)
>>> blend(50.0, 20.0, 80.0), blend(50.0, 20.0, 80.0, (2.0, 1.0, 0.0))
(50, 40)
>>> band(70), band(69), band(40), band(39), band(55, thresholds=(50, 60))
('hot', 'warm', 'warm', 'cold', 'warm')
"""

# scores and sub-scores are clamped to this range
SCORE_MIN = 0.0
SCORE_MAX = 100.0
# engagement points halve every ``decay_days``: points x DECAY_BASE^(age / decay_days)
DECAY_BASE = 0.5
BAND_COLD, BAND_WARM, BAND_HOT = "cold", "warm", "hot"
# (fit, engagement, predictive) weights and (warm, hot) thresholds of a lead
# without a team; the sales team's fields default to them
DEFAULT_WEIGHTS = (1.0, 1.0, 1.0)
DEFAULT_THRESHOLDS = (40, 70)


def clamp(value, low=SCORE_MIN, high=SCORE_MAX):
    """``value`` within ``[low, high]`` (a missing value counts as 0)."""
    return min(max(value or 0.0, low), high)


def decay_factor(age_days, decay_days):
    """What is left of a point after ``age_days`` whole days with a half-life of
    ``decay_days`` (0: no decay); a future date does not grow the points."""
    if not decay_days or decay_days <= 0:
        return 1.0
    return DECAY_BASE ** (max(age_days or 0, 0) / decay_days)


def cap_total(total, cap):
    """A rule's total on one lead, capped at ``cap`` in absolute value (0: no cap)."""
    if cap and cap > 0:
        return min(max(total, -cap), cap)
    return total


def cap_contributions(values, cap):
    """Each value's share of a rule's capped total, biggest contributions first
    (the order of ``values`` is kept in the result).

    >>> cap_contributions([8.0, 5.0, -3.0], 10.0)
    [8.0, 2.0, -0.0]
    >>> cap_contributions([8.0, 5.0], 0)
    [8.0, 5.0]
    """
    if not cap:
        return list(values)
    shares = [0.0] * len(values)
    used = 0.0
    for index in sorted(range(len(values)), key=lambda i: -abs(values[i])):
        value = values[index]
        take = min(abs(value), max(cap - used, 0.0))
        used += take
        shares[index] = take if value >= 0 else -take
    return shares


def blend(fit, engagement, predictive, weights=DEFAULT_WEIGHTS):
    """``round((wf x fit + we x engagement + wp x predictive) / (wf + we + wp))``;
    0 when the weights sum to 0. Python's round() rounds half to even, as
    PostgreSQL's round() on double precision does."""
    wf, we, wp = weights
    total = wf + we + wp
    if total <= 0:
        return 0
    return int(round((wf * fit + we * engagement + wp * predictive) / total))


def band(score, thresholds=DEFAULT_THRESHOLDS):
    """``hot`` from the hot threshold, ``warm`` from the warm one, else ``cold``."""
    warm, hot = thresholds
    if score >= hot:
        return BAND_HOT
    return BAND_WARM if score >= warm else BAND_COLD
