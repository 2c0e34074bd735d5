# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Working-time deadline planning over given intervals, and the SLA rules."""

from datetime import datetime, timedelta, timezone

from crm_suite_engines.sla import is_failed, reached_late
from crm_suite_engines.ticket_subject import clean_subject, subject_from_email
from crm_suite_engines.working_time import (
    WorkIntervals,
    hours_between_pairs,
    plan_deadlines,
)


def at(day, hour=0):
    """``hour`` o'clock on the ``day``-th day from January 1, 2026 (UTC)."""
    return datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(
        days=day - 1, hours=hour
    )


def office(first, last):
    """8:00-12:00 and 13:00-17:00 from day ``first`` to day ``last``."""
    intervals = []
    for day in range(first, last + 1):
        intervals += [(at(day, 8), at(day, 12)), (at(day, 13), at(day, 17))]
    return WorkIntervals(intervals)


def test_deadlines_read_the_intervals_once_when_they_suffice():
    calls = []

    def intervals_for(start, end):
        calls.append((start, end))
        return office(5, 30)

    deadlines = plan_deadlines([(at(5, 9), 2), (at(5, 16), 4)], intervals_for)
    assert deadlines == [at(5, 11), at(6, 11)]
    assert len(calls) == 1
    assert calls[0][0] == at(5, 9)


def test_a_longer_range_is_read_when_a_target_falls_past_it():
    calls = []

    def intervals_for(start, end):
        calls.append(end)
        # a calendar with working time for an eighth of the range only
        return office(5, 5 + (end - start).days // 8)

    (deadline,) = plan_deadlines([(at(5, 8), 8 * 20)], intervals_for)
    assert deadline == at(24, 17)
    assert len(calls) == 2 and calls[1] > calls[0]


def test_no_working_time_counts_round_the_clock():
    (deadline,) = plan_deadlines([(at(5, 8), 30)], lambda s, e: WorkIntervals([]))
    assert deadline == at(5, 8) + timedelta(hours=30)


def test_no_request_reads_nothing():
    assert plan_deadlines([], lambda s, e: 1 / 0) == []
    assert hours_between_pairs([(None, None)], lambda s, e: 1 / 0) == [0.0]


def test_hours_between_pairs():
    pairs = [(at(5, 11), at(6, 9)), (at(5, 8), at(5, 17)), (at(5, 8), False)]
    assert hours_between_pairs(pairs, lambda s, e: office(5, 6)) == [6.0, 8.0, 0.0]


def test_sla_failed_rule():
    deadline = at(5, 12)
    assert not is_failed(None, deadline, at(5, 11))
    assert is_failed(None, deadline, at(5, 13))
    assert is_failed(at(5, 13), deadline, at(5, 11))
    assert not is_failed(at(5, 11), deadline, at(5, 13))
    assert not is_failed(None, None, at(5, 13))  # paused
    assert reached_late(at(5, 13), deadline) and not reached_late(at(5, 12), deadline)


def test_subject_rule():
    assert clean_subject("  \t ") == ""
    assert clean_subject(" Help ") == "Help"
    assert subject_from_email(None, "  first line\nsecond") == "first line"
    assert subject_from_email("", "x" * 100) == "x" * 80
