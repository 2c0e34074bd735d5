# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_drip_cap_count = fields.Integer(
        related="company_id.crm_drip_cap_count", readonly=False
    )
    crm_drip_cap_days = fields.Integer(
        related="company_id.crm_drip_cap_days", readonly=False
    )
