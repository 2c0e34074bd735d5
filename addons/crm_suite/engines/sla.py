# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""When an SLA target is reached late, and when it failed: the rule that
``crm.ticket.sla.status`` states in Python (``failed``), as a domain
(``_failed_domain``) and in SQL (``_failed_sql``, used by the ticket analysis
and the team dashboard).

>>> from datetime import datetime
>>> noon, one = datetime(2026, 1, 5, 12), datetime(2026, 1, 5, 13)
>>> reached_late(one, noon), reached_late(noon, one), reached_late(None, noon)
(True, False, False)
>>> is_failed(None, noon, one), is_failed(None, one, noon), is_failed(one, noon, one)
(True, False, True)
>>> is_failed(noon, one, one), is_failed(None, None, one)
(False, False)
"""


def reached_late(reached_date, deadline):
    """The target was reached after its deadline."""
    return bool(reached_date and deadline and reached_date > deadline)


def is_failed(reached_date, deadline, now):
    """The target failed at ``now``: reached late, or its deadline passed
    while it is not reached (a paused target has no deadline: never)."""
    return reached_late(reached_date, deadline) or bool(
        not reached_date and deadline and deadline < now
    )
