# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Numbers typed by administrators (system parameters, settings), read once.

>>> positive_number("2.5", 10)
2.5
>>> positive_number("0", 10), positive_number("-3", 10)
(10, 10)
>>> positive_number("", 10), positive_number(None, 10), positive_number("ten", 10)
(10, 10, 10)
"""


def positive_number(value, default):
    """``value`` as a float when it is a number above zero, else ``default``
    (empty, not a number, zero or negative)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default
