# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .crm_event_rule import ACTION_TYPES, METRICS


class CrmEventRuleFiring(models.Model):
    """One firing of a rule for a customer: what crossed, when, what was done
    (also logged in the customer's chatter)."""

    _name = "crm.event.rule.firing"
    _description = "Event Rule Firing"
    _order = "date desc, id desc"

    rule_id = fields.Many2one(
        "crm.event.rule", required=True, index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    metric = fields.Selection(METRICS, readonly=True)
    value = fields.Float(readonly=True, help="The metric's value when it fired.")
    action_type = fields.Selection(ACTION_TYPES, "Action", readonly=True)
