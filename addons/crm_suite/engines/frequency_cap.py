# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The frequency cap: an address receives at most ``cap`` campaign emails per
period of ``days`` days (all campaigns of the company together).

>>> from datetime import datetime
>>> sent = [datetime(2026, 1, 5), datetime(2026, 1, 3), datetime(2026, 1, 1)]
>>> cap_free_at(sent, 2, 7)
datetime.datetime(2026, 1, 10, 0, 0, 1)
>>> cap_free_at(sent, 3, 7)
datetime.datetime(2026, 1, 8, 0, 0, 1)
>>> cap_free_at(sent[:1], 2, 7) is None
True
>>> cap_free_at(sent, 0, 7) is None
True
"""

from datetime import timedelta


def cap_free_at(sent_dates, cap, days):
    """When an address that received emails at ``sent_dates`` (within the
    period, most recent first) may receive one again: ``None`` when it is
    below the cap now (or there is no cap), else one second after the
    cap-th most recent leaves the period."""
    if cap <= 0 or len(sent_dates) < cap:
        return None
    return sent_dates[cap - 1] + timedelta(days=days, seconds=1)
