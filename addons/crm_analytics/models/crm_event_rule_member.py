# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmEventRuleMember(models.Model):
    """A customer inside a rule's condition at its last evaluation: the state
    that makes a rule fire once per crossing (a row appears when the customer
    enters, and goes when it leaves)."""

    _name = "crm.event.rule.member"
    _description = "Customer Inside an Event Rule"
    _order = "id"

    rule_id = fields.Many2one(
        "crm.event.rule", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="rule_id.company_id", store=True)
    date = fields.Datetime("Entered On", default=fields.Datetime.now, readonly=True)

    _sql_constraints = [
        (
            "rule_partner_uniq",
            "UNIQUE(rule_id, partner_id)",
            "A customer is inside a rule once.",
        ),
    ]
