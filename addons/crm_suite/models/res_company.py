# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_drip_cap_count = fields.Integer(
        string="Campaign Emails per Address",
        default=0,
        help="Most drip campaign emails one address receives per period, all "
        "campaigns together (0: no cap).",
    )
    crm_drip_cap_days = fields.Integer(
        string="Frequency Cap Period (days)",
        default=7,
    )

    _sql_constraints = [
        (
            "crm_drip_cap_positive",
            "CHECK(crm_drip_cap_count >= 0 AND crm_drip_cap_days > 0)",
            "The frequency cap counts emails (0 or more) over at least one day.",
        ),
    ]
