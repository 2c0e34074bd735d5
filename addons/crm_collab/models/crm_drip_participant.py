# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmDripParticipant(models.Model):
    _inherit = "crm.drip.participant"

    exit_reason = fields.Selection(
        selection_add=[("no_consent", "No email consent")],
        ondelete={"no_consent": "set null"},
    )
