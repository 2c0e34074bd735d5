# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Event rules: who is inside a threshold condition, who crossed into it.

A rule fires once when a customer is first seen inside its condition and again
only after the customer has left it and re-entered; a customer without a value
for the metric (no invoice yet, no rating) is outside.

>>> is_inside(1500.0, ">=", 1000)
True
>>> is_inside(None, "<=", 30)
False
>>> crossings({1, 2, 3}, {2, 4})
({1, 3}, {4})
"""


def is_inside(value, operator, threshold):
    if value is None:
        return False
    if operator == ">=":
        return value >= threshold
    if operator == "<=":
        return value <= threshold
    raise ValueError(f"unknown operator {operator!r}")


def crossings(inside, members):
    """(entering, leaving): the customers ``inside`` now who were not
    ``members`` at the last evaluation (they fire), and the members no longer
    inside (they leave, and may fire again when they re-enter)."""
    inside, members = set(inside), set(members)
    return inside - members, members - inside
