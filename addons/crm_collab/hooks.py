# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def uninstall_hook(env):
    """Drop the indexes the customer timeline added to Odoo's tables (the view
    itself goes with its model)."""
    env.cr.execute("DROP INDEX IF EXISTS mailing_trace_crm_interaction_idx")
    env.cr.execute("DROP INDEX IF EXISTS account_payment_crm_interaction_idx")
