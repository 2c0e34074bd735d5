# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .crm_score_rule import INVOICE_PAID


class CrmScoreEvent(models.Model):
    _inherit = "crm.score.event"

    event_type = fields.Selection(
        selection_add=INVOICE_PAID, ondelete={"invoice_paid": "cascade"}
    )
