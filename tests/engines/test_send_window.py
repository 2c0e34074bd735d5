# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The send window, in the recipient's time zone."""

from datetime import datetime

from crm_suite_engines.send_window import (
    ALL_WEEKDAYS,
    has_send_window,
    next_window_start,
)

# 2026-01-03 is a Saturday, 2026-01-05 a Monday
SATURDAY_NOON = datetime(2026, 1, 3, 12, 0)
WORKDAYS = {0, 1, 2, 3, 4}


def test_open_window_sends_now():
    now = datetime(2026, 1, 5, 10, 0)
    assert next_window_start(now, "UTC", ALL_WEEKDAYS, 9.0, 17.0) == now


def test_before_the_window_waits_for_its_opening_in_the_recipient_zone():
    # 8:00 UTC is 9:00 in Brussels (UTC+1 in winter): open; 7:00 UTC is not
    monday_0800 = datetime(2026, 1, 5, 8, 0)
    assert next_window_start(monday_0800, "Europe/Brussels", WORKDAYS, 9, 17) == (
        monday_0800
    )
    early = datetime(2026, 1, 5, 7, 0)
    assert next_window_start(early, "Europe/Brussels", WORKDAYS, 9, 17) == monday_0800


def test_weekend_waits_for_monday():
    assert next_window_start(SATURDAY_NOON, "UTC", WORKDAYS, 9.5, 17) == datetime(
        2026, 1, 5, 9, 30
    )


def test_after_the_window_waits_for_the_next_allowed_day():
    friday_evening = datetime(2026, 1, 9, 18, 0)
    assert next_window_start(friday_evening, "UTC", WORKDAYS, 9, 17) == datetime(
        2026, 1, 12, 9, 0
    )


def test_zone_ahead_of_utc_crosses_the_date_line():
    # Sunday 22:00 UTC is Monday 11:00 in Auckland (UTC+13 in January)
    sunday_late = datetime(2026, 1, 4, 22, 0)
    assert next_window_start(sunday_late, "Pacific/Auckland", WORKDAYS, 9, 17) == (
        sunday_late
    )


def test_unknown_zone_counts_as_utc():
    early = datetime(2026, 1, 5, 7, 0)
    assert next_window_start(early, "Nowhere/Atlantis", ALL_WEEKDAYS, 9, 17) == (
        datetime(2026, 1, 5, 9, 0)
    )


def test_no_allowed_day_sends_now():
    assert next_window_start(SATURDAY_NOON, "UTC", set(), 9, 17) == SATURDAY_NOON


def test_has_send_window():
    assert not has_send_window(0, 24, ALL_WEEKDAYS)
    assert has_send_window(9, 24, ALL_WEEKDAYS)
    assert has_send_window(0, 17, ALL_WEEKDAYS)
    assert has_send_window(0, 24, WORKDAYS)
