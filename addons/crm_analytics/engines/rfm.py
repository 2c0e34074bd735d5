# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""RFM scores and groups (FEATURES.md, "Profitability and RFM arithmetic"),
without Odoo. The SQL of ``crm.segment.rfm`` computes the same thing in one
statement; the tests compare both.

Each of recency (days since the last invoice, fewer is better), frequency and
monetary is scored ``ceil(5 x cume_dist())`` over the scored customers of one
company, ordered so that higher is better; ties share a score; a frequency or
monetary of 0 (or less: credit notes only) scores 1.

>>> quintiles([10, 20, 30, 40, 50])
[1, 2, 3, 4, 5]
>>> quintiles([3, 300, 30], higher_is_better=False)
[5, 2, 4]
>>> rfm_group(5, 4, 1)
'champions'
>>> score_rfm([(2, 6, 900.0), (400, 0, 0.0)])
[(5, 5, 5, 'champions'), (3, 1, 1, 'potential')]
"""

from bisect import bisect_left, bisect_right

RFM_GROUPS = (
    "champions",
    "loyal",
    "potential",
    "new",
    "at_risk",
    "hibernating",
    "lost",
)


def quintiles(values, higher_is_better=True, zero_scores_one=False):
    """``ceil(5 x cume_dist())`` of each value among ``values``, in their order,
    in exact integer arithmetic: ``ceil(5 k / n)`` where ``k`` is the number of
    values at or below it (at or above it when lower is better).

    >>> quintiles([])
    []
    >>> quintiles([7, 7, 7])
    [5, 5, 5]
    >>> quintiles([0, 0, 4, 9], zero_scores_one=True)
    [1, 1, 4, 5]
    """
    count = len(values)
    if not count:
        return []
    ordered = sorted(values)
    scores = []
    for value in values:
        if higher_is_better:
            at_or_worse = bisect_right(ordered, value)
        else:
            at_or_worse = count - bisect_left(ordered, value)
        score = (5 * at_or_worse + count - 1) // count
        if zero_scores_one and value <= 0:
            score = 1
        scores.append(score)
    return scores


def rfm_group(r, f, m):  # pylint: disable=unused-argument
    """The group of scores ``r``, ``f``, ``m``: the first row that matches.

    ``m`` takes no part in the table (FEATURES.md); it is an argument so that
    the group is a function of the three scores.

    >>> [rfm_group(*s) for s in [(4, 4, 1), (3, 3, 5), (4, 1, 1), (3, 2, 2)]]
    ['champions', 'loyal', 'new', 'potential']
    >>> [rfm_group(*s) for s in [(1, 3, 1), (2, 2, 2), (1, 2, 5)]]
    ['at_risk', 'hibernating', 'lost']
    """
    if r >= 4 and f >= 4:
        return "champions"
    if r >= 3 and f >= 3:
        return "loyal"
    if r >= 4:
        return "new"
    if r == 3:
        return "potential"
    if f >= 3:
        return "at_risk"
    if r == 2:
        return "hibernating"
    return "lost"


def score_rfm(rows):
    """``rows``: (recency days, frequency, monetary) of every scored customer
    of one company. Returns (r, f, m, group) for each row, in their order."""
    rows = list(rows)
    r_scores = quintiles([row[0] for row in rows], higher_is_better=False)
    f_scores = quintiles([row[1] for row in rows], zero_scores_one=True)
    m_scores = quintiles([row[2] for row in rows], zero_scores_one=True)
    return [
        (r, f, m, rfm_group(r, f, m))
        for r, f, m in zip(r_scores, f_scores, m_scores, strict=True)
    ]
