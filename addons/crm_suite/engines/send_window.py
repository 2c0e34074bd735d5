# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A campaign's send window, in the recipient's time zone: the hours of the day
(``hour_from`` to ``hour_to``, e.g. 9.5 for 9:30) and the weekdays (0 is
Monday) its emails may leave. Datetimes are naive UTC, as Odoo stores them.

>>> from datetime import datetime
>>> monday_8 = datetime(2026, 1, 5, 8, 0)
>>> next_window_start(monday_8, "UTC", set(range(7)), 9.0, 17.0)
datetime.datetime(2026, 1, 5, 9, 0)
>>> next_window_start(datetime(2026, 1, 5, 10, 0), "UTC", set(range(7)), 9.0, 17.0)
datetime.datetime(2026, 1, 5, 10, 0)

Paris is one hour ahead of UTC in winter: 9:00 there is 8:00 UTC.

>>> next_window_start(datetime(2026, 1, 5, 7, 0), "Europe/Paris", {0}, 9.0, 17.0)
datetime.datetime(2026, 1, 5, 8, 0)

After the window, or on a weekday not allowed, the next allowed day's opening:

>>> next_window_start(datetime(2026, 1, 5, 18, 0), "UTC", {0, 2}, 9.0, 17.0)
datetime.datetime(2026, 1, 7, 9, 0)
>>> has_send_window(0.0, 24.0, set(range(7)))
False
>>> has_send_window(0.0, 24.0, {0, 1, 2, 3, 4})
True
"""

from datetime import datetime, timedelta

import pytz

ALL_WEEKDAYS = frozenset(range(7))


def has_send_window(hour_from, hour_to, weekdays):
    """Whether the window restricts anything (not all day, every day)."""
    return hour_from > 0 or hour_to < 24 or len(set(weekdays)) < 7


def next_window_start(now, tz_name, weekdays, hour_from, hour_to):
    """``now`` if the window is open at ``now`` in ``tz_name`` (an unknown
    zone counts as UTC), else the moment it opens next (naive UTC); ``now``
    again when no day of the coming week allows sending."""
    try:
        tz = pytz.timezone(tz_name)
    except pytz.UnknownTimeZoneError:
        tz = pytz.utc
    local = pytz.utc.localize(now).astimezone(tz)
    for offset in range(8):
        day = (local + timedelta(days=offset)).date()
        if day.weekday() not in weekdays:
            continue
        midnight = datetime(day.year, day.month, day.day)
        start = tz.localize(midnight + timedelta(hours=hour_from))
        end = tz.localize(midnight + timedelta(hours=hour_to))
        if offset == 0 and local >= end:
            continue
        if local >= start:
            return now
        return start.astimezone(pytz.utc).replace(tzinfo=None)
    return now
