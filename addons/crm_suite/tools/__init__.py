# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What crm_suite's features share and that is neither a model nor a pure engine:
the guarded commit of the batch jobs, how a job is woken up, how a numeric system
parameter is read, set-based writes of per-record values. A feature's file imports
from here, never from another feature's file (a drip file never imports the lead's)."""

from .email import normalize_customer_email
from .jobs import auto_commit, trigger_cron
from .params import get_param, get_positive_param
from .records import write_grouped

__all__ = [
    "auto_commit",
    "get_param",
    "get_positive_param",
    "normalize_customer_email",
    "trigger_cron",
    "write_grouped",
]
