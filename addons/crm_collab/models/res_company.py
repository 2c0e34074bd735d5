# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_require_email_consent = fields.Boolean(
        string="Require Email Consent",
        default=False,
        help="Off: campaign and drip email reach every contact but those who "
        "withdrew their email consent. On: only contacts who granted it.",
    )
    crm_handoff_won_team_id = fields.Many2one(
        "crm.ticket.team",
        string="Onboarding Team for Won Deals",
        check_company=True,
        help="A won opportunity is handed off to this ticket team (once).",
    )
