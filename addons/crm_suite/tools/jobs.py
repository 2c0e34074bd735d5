# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The batch jobs' shared mechanics."""

import threading


def auto_commit(env):
    """Whether a batch job may commit between its batches.

    Never inside a test (the test's transaction must stay whole, so it can be rolled
    back) nor when the caller asks for one transaction with ``crm_suite_no_commit``
    in the context (a job called from another job, or from a user's button).
    """
    return not getattr(threading.current_thread(), "testing", False) and not (
        env.context.get("crm_suite_no_commit")
    )


def trigger_cron(env, xmlid, at=None):
    """Wake the scheduled action ``xmlid`` up at ``at`` (now when omitted), with
    Odoo's own ``ir.cron._trigger()``: one ``ir.cron.trigger`` row and a notification
    of the cron workers after commit. Does nothing when the action was deleted."""
    cron = env.ref(xmlid, raise_if_not_found=False)
    if cron:
        cron._trigger(at)
    return cron
