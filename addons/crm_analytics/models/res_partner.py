# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .crm_profitability_profile import GRADES


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_grade = fields.Selection(
        GRADES,
        "Profitability Grade",
        company_dependent=True,
        help="The grade of the daily job's period (the last 12 months) in the "
        "current company.",
    )
    crm_profitability_ids = fields.One2many(
        "crm.customer.profitability", "partner_id", "Profitability"
    )
