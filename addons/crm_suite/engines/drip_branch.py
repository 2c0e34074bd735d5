# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Branch semantics of a drip campaign's step tree: which steps an event on a
step's email fires, which it cancels, and which events a change of Odoo's
mailing trace means.

A step under an email step has a trigger: a reaction ('opened', 'clicked',
'replied', 'bounced') waits without a date for its event; a negative one
('not_opened'...) runs when the event did not come within its delay. The two
branches of one decision exclude each other.

>>> fired, canceled = EVENT_EFFECTS["click"]
>>> fired
('opened', 'clicked')
>>> "not_opened" in canceled
True
>>> OPPOSITE["not_opened"]
'opened'
>>> events_of_trace_change({"open_datetime": "2026-01-05 10:00:00"})
['open']
>>> events_of_trace_change({"open_datetime": "now", "links_click_datetime": "now"})
['click']
>>> events_of_trace_change({"trace_status": "bounce", "open_datetime": "now"})
['bounce']
>>> events_of_trace_change({"trace_status": "sent"})
[]
"""

# triggers waiting for an event on the parent's email (scheduled without a
# date until the event comes)
EVENT_TRIGGERS = ("opened", "clicked", "replied", "bounced")
# triggers firing when the event did not come within the delay
NEGATIVE_TRIGGERS = ("not_opened", "not_clicked", "not_replied")
MAIL_TRIGGERS = EVENT_TRIGGERS + NEGATIVE_TRIGGERS
# the two branches of one decision: when one fires, the other is canceled
OPPOSITE = {
    "opened": "not_opened",
    "not_opened": "opened",
    "clicked": "not_clicked",
    "not_clicked": "clicked",
    "replied": "not_replied",
    "not_replied": "replied",
}
# mailing.trace event -> (triggers it schedules, triggers it cancels); a click
# or a reply counts as an open
EVENT_EFFECTS = {
    "open": (("opened",), ("not_opened",)),
    "click": (("opened", "clicked"), ("not_opened", "not_clicked")),
    "reply": (("opened", "replied"), ("not_opened", "not_replied")),
    "bounce": (
        ("bounced",),
        ("opened", "not_opened", "clicked", "not_clicked", "replied", "not_replied"),
    ),
}


def events_of_trace_change(vals):
    """The events (keys of ``EVENT_EFFECTS``) a write of ``vals`` on a mailing
    trace means: a bounce alone, else an open, a click and a reply; a click or
    a reply already counts as an open, so 'open' is left out beside them."""
    if vals.get("trace_status") == "bounce":
        return ["bounce"]
    events = []
    if vals.get("open_datetime") or vals.get("trace_status") == "open":
        events.append("open")
    if vals.get("links_click_datetime"):
        events.append("click")
    if vals.get("reply_datetime") or vals.get("trace_status") == "reply":
        events.append("reply")
    if "open" in events and len(events) > 1:
        events.remove("open")
    return events


def closes_on_run(trigger):
    """The trigger whose steps a step of ``trigger`` cancels when it runs:
    running 'not opened' closes 'opened'; other triggers close nothing.

    >>> closes_on_run("not_clicked")
    'clicked'
    >>> closes_on_run("after_parent") is None
    True
    """
    return OPPOSITE[trigger] if trigger in NEGATIVE_TRIGGERS else None
