# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Branch semantics: what an event on a drip email fires and cancels."""

import pytest
from crm_suite_engines.drip_branch import (
    EVENT_EFFECTS,
    EVENT_TRIGGERS,
    MAIL_TRIGGERS,
    NEGATIVE_TRIGGERS,
    OPPOSITE,
    closes_on_run,
    events_of_trace_change,
)


def test_opposites_pair_up():
    for trigger, other in OPPOSITE.items():
        assert OPPOSITE[other] == trigger
    assert set(OPPOSITE) == set(MAIL_TRIGGERS) - {"bounced"}


@pytest.mark.parametrize("event", ["open", "click", "reply"])
def test_an_event_counts_as_an_open(event):
    fired, canceled = EVENT_EFFECTS[event]
    assert "opened" in fired
    assert "not_opened" in canceled
    # what fires is never canceled, and each fired branch cancels its opposite
    assert not set(fired) & set(canceled)
    assert {OPPOSITE[trigger] for trigger in fired} <= set(canceled)


def test_a_bounce_cancels_every_other_branch():
    fired, canceled = EVENT_EFFECTS["bounce"]
    assert fired == ("bounced",)
    assert set(canceled) == set(MAIL_TRIGGERS) - {"bounced"}


def test_events_fire_reaction_triggers_only():
    for fired, __ in EVENT_EFFECTS.values():
        assert set(fired) <= set(EVENT_TRIGGERS)


def test_running_a_negative_step_closes_its_opposite():
    for trigger in NEGATIVE_TRIGGERS:
        assert closes_on_run(trigger) == OPPOSITE[trigger]
    for trigger in EVENT_TRIGGERS + ("begin", "after_parent"):
        assert closes_on_run(trigger) is None


@pytest.mark.parametrize(
    "vals,events",
    [
        ({"trace_status": "open", "open_datetime": "x"}, ["open"]),
        ({"links_click_datetime": "x"}, ["click"]),
        ({"trace_status": "open", "links_click_datetime": "x"}, ["click"]),
        ({"trace_status": "reply", "reply_datetime": "x"}, ["reply"]),
        ({"links_click_datetime": "x", "reply_datetime": "x"}, ["click", "reply"]),
        ({"trace_status": "bounce"}, ["bounce"]),
        ({"trace_status": "sent", "sent_datetime": "x"}, []),
        ({}, []),
    ],
)
def test_events_of_trace_change(vals, events):
    assert events_of_trace_change(vals) == events
