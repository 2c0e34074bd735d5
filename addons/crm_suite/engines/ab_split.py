# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The A/B draw of a split step: each participant takes one arm, with the
probability of the arm's share. The random source is given (``random.Random``
or anything with its ``choices``), so a draw can be repeated.

The holdout draw (which enrolled records receive nothing) is made by
PostgreSQL in the enrolment statement (``random() * 100 < holdout``), one
statement for the whole audience; it is not here.

>>> import random
>>> draw_arms([50.0, 50.0], 6, random.Random(1)) == draw_arms(
...     [50.0, 50.0], 6, random.Random(1))
True
>>> draw_arms([0.0, 100.0], 3, random.Random(7))
[1, 1, 1]
>>> draw_arms([0.0, -5.0], 3, random.Random(7))
[]
"""


def split_weights(shares):
    """The arms' shares as weights (a negative share counts as 0)."""
    return [max(share, 0.0) for share in shares]


def draw_arms(shares, count, rng):
    """The index of the arm each of ``count`` participants takes; an empty
    list when no arm has a share."""
    weights = split_weights(shares)
    if not weights or not sum(weights):
        return []
    arms = range(len(weights))
    return [rng.choices(arms, weights=weights)[0] for __ in range(count)]
