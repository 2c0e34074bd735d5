# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_require_email_consent = fields.Boolean(
        related="company_id.crm_require_email_consent", readonly=False
    )
    crm_handoff_won_team_id = fields.Many2one(
        related="company_id.crm_handoff_won_team_id", readonly=False
    )
