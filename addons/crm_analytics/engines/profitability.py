# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Profitability ranks, score and grade (FEATURES.md, "Profitability and RFM
arithmetic"), without Odoo.

Each factor becomes a 0-100 rank among the customers of one period and company:
``100 x cume_dist()`` ordered so that higher is better; ties share a rank.

>>> cume_dist_ranks([10, 20, 20, 40])
[25.0, 75.0, 75.0, 100.0]
>>> cume_dist_ranks([10, 20, 20, 40], higher_is_better=False)
[100.0, 75.0, 75.0, 25.0]
>>> weighted_score({"revenue": 100.0, "cost": 50.0}, {"revenue": 1, "cost": 1})
75
>>> grade_for(75, (80, 60, 40, 20))
'B'
>>> payment_score(paid=4, on_time=3, average_days_late=5.0)
70.0
"""

from bisect import bisect_left, bisect_right

# the factors in the order the explanation lists them: (key, higher is better)
FACTORS = (
    ("revenue", True),
    ("profit", True),
    ("payment", True),
    ("lifetime", True),
    ("average_invoice", True),
    ("cost", False),
)
GRADES = ("A", "B", "C", "D")
LOWEST_GRADE = "E"


def cume_dist_ranks(values, higher_is_better=True):
    """``100 x cume_dist()`` of each value among ``values``, in their order.

    Higher is better: the share of values at or below it (SQL's ``cume_dist()``
    over ``ORDER BY value``). Lower is better: the share at or above it. Equal
    values share a rank (the highest of their group, as ``cume_dist`` does).

    >>> cume_dist_ranks([])
    []
    >>> cume_dist_ranks([5, 5, 5])
    [100.0, 100.0, 100.0]
    >>> cume_dist_ranks([3, 1, 2])  # doctest: +ELLIPSIS
    [100.0, 33.3..., 66.6...]
    """
    count = len(values)
    if not count:
        return []
    ordered = sorted(values)
    if higher_is_better:
        return [100.0 * bisect_right(ordered, value) / count for value in values]
    return [100.0 * (count - bisect_left(ordered, value)) / count for value in values]


def weighted_score(ranks, weights):
    """``round(sum(w x rank) / sum(w))`` over the factors; a weight of 0 leaves
    its factor out; 0 when no weight is set. Python's round() (half to even).

    >>> weighted_score({"revenue": 50.0, "profit": 100.0}, {"revenue": 1, "profit": 0})
    50
    >>> weighted_score({"revenue": 50.0}, {"revenue": 0})
    0
    """
    total = sum(weights.get(key, 0.0) or 0.0 for key in ranks)
    if total <= 0:
        return 0
    points = sum((weights.get(key, 0.0) or 0.0) * rank for key, rank in ranks.items())
    return int(round(points / total))


def contributions(ranks, weights):
    """Each factor's share of the score: ``w x rank / sum(w)`` (they add up to
    the score before rounding).

    >>> contributions({"revenue": 50.0, "cost": 100.0}, {"revenue": 1, "cost": 3})
    {'revenue': 12.5, 'cost': 75.0}
    """
    total = sum(weights.get(key, 0.0) or 0.0 for key in ranks)
    if total <= 0:
        return {key: 0.0 for key in ranks}
    return {
        key: (weights.get(key, 0.0) or 0.0) * rank / total
        for key, rank in ranks.items()
    }


def grade_for(score, limits):
    """The grade of ``score``: the first of A-D whose limit it reaches (at or
    above), else E. ``limits`` = (A min, B min, C min, D min).

    >>> [grade_for(s, (80, 60, 40, 20)) for s in (100, 80, 79, 60, 40, 20, 19, 0)]
    ['A', 'A', 'B', 'B', 'C', 'D', 'E', 'E']
    """
    for grade, limit in zip(GRADES, limits, strict=True):
        if score >= limit:
            return grade
    return LOWEST_GRADE


def payment_score(paid, on_time, average_days_late):
    """``100 x on_time / paid - average_days_late`` clamped to 0-100; 100 when
    nothing is paid yet.

    >>> payment_score(0, 0, 0.0)
    100.0
    >>> payment_score(2, 0, 150.0)
    0.0
    """
    if not paid:
        return 100.0
    return float(min(100.0, max(0.0, 100.0 * on_time / paid - average_days_late)))


def rank_rows(rows):
    """Ranks of every factor for ``rows`` (dicts with the factor keys), in their
    order: a list of ``{factor: rank}``.

    >>> rank_rows([{"revenue": 1, "profit": 1, "payment": 1, "lifetime": 1,
    ...             "average_invoice": 1, "cost": 0}])[0]["cost"]
    100.0
    """
    columns = {
        key: cume_dist_ranks([row[key] for row in rows], higher)
        for key, higher in FACTORS
    }
    return [
        {key: columns[key][index] for key, _higher in FACTORS}
        for index in range(len(rows))
    ]


def score_rows(rows, weights, limits):
    """Ranks, score and grade of each row: a list of ``(ranks, score, grade)``.

    >>> rows = [dict(revenue=r, profit=r, payment=100, lifetime=10,
    ...              average_invoice=r, cost=0) for r in (10, 20)]
    >>> [(s, g) for _r, s, g in score_rows(rows, dict.fromkeys(
    ...     ("revenue", "profit", "payment", "lifetime", "average_invoice", "cost"), 1),
    ...     (80, 60, 40, 20))]
    [(75, 'B'), (100, 'A')]
    """
    result = []
    for ranks in rank_rows(rows):
        score = weighted_score(ranks, weights)
        result.append((ranks, score, grade_for(score, limits)))
    return result
