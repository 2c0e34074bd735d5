# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The frequency cap's arithmetic."""

from datetime import datetime, timedelta

from crm_suite_engines.frequency_cap import cap_free_at

SENT = [datetime(2026, 1, 9), datetime(2026, 1, 7), datetime(2026, 1, 2)]


def test_below_the_cap_sends_now():
    assert cap_free_at(SENT, 4, 7) is None
    assert cap_free_at([], 1, 7) is None


def test_no_cap():
    assert cap_free_at(SENT, 0, 7) is None


def test_at_the_cap_waits_for_the_cap_th_most_recent_to_leave_the_period():
    assert cap_free_at(SENT, 1, 7) == SENT[0] + timedelta(days=7, seconds=1)
    assert cap_free_at(SENT, 2, 3) == SENT[1] + timedelta(days=3, seconds=1)
    assert cap_free_at(SENT, 3, 7) == datetime(2026, 1, 9, 0, 0, 1)
