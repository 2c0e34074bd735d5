# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

INVOICE_PAID = [("invoice_paid", "Invoice paid")]


class CrmScoreRule(models.Model):
    _inherit = "crm.score.rule"

    event_type = fields.Selection(
        selection_add=INVOICE_PAID, ondelete={"invoice_paid": "cascade"}
    )
