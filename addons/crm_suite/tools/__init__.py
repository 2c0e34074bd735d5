# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What crm_suite's features share and that is neither a model nor a pure engine: the
guarded commit of the batch jobs and how a job is woken up. A feature's file imports
from here, never from another feature's file (a drip file never imports the lead's)."""

from .email import normalize_customer_email
from .jobs import auto_commit, trigger_cron

__all__ = ["auto_commit", "normalize_customer_email", "trigger_cron"]
