# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Working-time arithmetic over a list of work intervals, many requests at once.

Odoo's ``resource.calendar.plan_hours()`` walks the calendar from scratch for
each call. SLA deadlines are many requests on the same calendar, so the
calendar's work intervals are fetched once (by the caller, holidays and leaves
already removed) and every request is answered with two binary searches.

Intervals are ``(start, end)`` pairs of aware datetimes, sorted and disjoint.

>>> from datetime import datetime, timezone
>>> def d(day, hour):
...     return datetime(2026, 1, day, hour, tzinfo=timezone.utc)
>>> week = WorkIntervals([(d(5, 8), d(5, 12)), (d(5, 13), d(5, 17)),
...                       (d(6, 8), d(6, 12))])
>>> week.add_hours(d(5, 10), 3) == d(5, 14)
True
>>> week.add_hours(d(5, 18), 1) == d(6, 9)
True
>>> week.add_hours(d(5, 8), 20) is None
True
>>> week.hours_between(d(5, 11), d(6, 9))
6.0

Planning many deadlines on one calendar, the calendar read once for all (a
wider range only when a target falls past the first one):

>>> plan_deadlines([(d(5, 10), 3), (d(5, 18), 1)], lambda start, end: week) == [
...     d(5, 14), d(6, 9)]
True
>>> plan_deadlines([(d(5, 10), 99)], lambda start, end: week) == [d(9, 13)]
True
>>> hours_between_pairs([(d(5, 11), d(6, 9)), (None, d(5, 9))],
...                     lambda start, end: week)
[6.0, 0.0]
"""

import math
from bisect import bisect_left, bisect_right
from datetime import timedelta

# how far a request may look: past it, the target is counted round the clock
MAX_SPAN = timedelta(days=3 * 366)


class WorkIntervals:
    """Sorted work intervals with their cumulated hours."""

    def __init__(self, intervals):
        self.starts = []
        self.ends = []
        self.cumul = [0.0]  # hours worked before interval i
        for start, end in intervals:
            if end <= start:
                continue
            self.starts.append(start)
            self.ends.append(end)
            self.cumul.append(self.cumul[-1] + (end - start).total_seconds() / 3600)

    @property
    def total_hours(self):
        return self.cumul[-1]

    def _offset(self, moment):
        """Working hours from the first interval's start to ``moment``."""
        index = bisect_right(self.ends, moment)
        if index >= len(self.starts):
            return self.cumul[-1]
        start = self.starts[index]
        if moment <= start:
            return self.cumul[index]
        return self.cumul[index] + (moment - start).total_seconds() / 3600

    def add_hours(self, moment, hours):
        """The moment ``hours`` working hours after ``moment``, or None when
        the intervals end before it (the caller fetches a longer range)."""
        target = self._offset(moment) + hours
        if target > self.cumul[-1] + 1e-9:
            return None
        # the first interval whose cumulated end reaches the target
        index = max(bisect_left(self.cumul, target - 1e-9) - 1, 0)
        if index >= len(self.starts):
            return self.ends[-1] if self.ends else None
        rest = target - self.cumul[index]
        return self.starts[index] + timedelta(hours=rest)

    def hours_between(self, start, end):
        """Working hours between two moments inside the intervals' range."""
        if end <= start:
            return 0.0
        return round(self._offset(end) - self._offset(start), 6)


def first_span(requests):
    """The range read first past the latest start: room for the longest
    target at 40 working hours a week, twice over (two weeks at least)."""
    most = max(hours for __, hours in requests)
    return timedelta(days=max(14, math.ceil(most / 40 * 7 * 2) + 7))


def plan_deadlines(requests, intervals_for):
    """The deadline of each ``(start, hours)`` of ``requests``: ``hours``
    working hours after ``start``, in the ``WorkIntervals`` that
    ``intervals_for(first start, end)`` returns. The range is read once and
    widened (four times each round) only while a target falls past it; a
    calendar without working time counts round the clock."""
    if not requests:
        return []
    first = min(start for start, __ in requests)
    last = max(start for start, __ in requests)
    span = first_span(requests)
    results = [None] * len(requests)
    while True:
        intervals = intervals_for(first, last + span)
        pending = False
        for index, (start, hours) in enumerate(requests):
            if results[index] is None:
                results[index] = intervals.add_hours(start, hours)
                pending = pending or results[index] is None
        if not pending or span > MAX_SPAN:
            break
        span *= 4
    return [
        result or start + timedelta(hours=hours)
        for result, (start, hours) in zip(results, requests, strict=True)
    ]


def hours_between_pairs(pairs, intervals_for):
    """Working hours of each ``(start, end)`` of ``pairs`` (0 when one is
    missing), in the intervals ``intervals_for(start, end)`` returns for the
    range of every pair, read once."""
    valid = [(start, end) for start, end in pairs if start and end]
    if not valid:
        return [0.0] * len(pairs)
    intervals = intervals_for(
        min(start for start, __ in valid),
        max(end for __, end in valid) + timedelta(minutes=1),
    )
    return [
        intervals.hours_between(start, end) if start and end else 0.0
        for start, end in pairs
    ]
