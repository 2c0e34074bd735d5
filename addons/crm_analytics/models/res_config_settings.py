# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_cost_per_email = fields.Float(
        related="company_id.crm_cost_per_email", readonly=False
    )
    crm_cost_per_ticket = fields.Float(
        related="company_id.crm_cost_per_ticket", readonly=False
    )
    crm_delinquency_daily_rate = fields.Float(
        related="company_id.crm_delinquency_daily_rate", readonly=False
    )
