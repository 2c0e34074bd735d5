# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_cost_per_email = fields.Float(
        "Cost per Email",
        digits=(16, 4),
        help="Marketing cost of one campaign or drip email sent to a customer, "
        "in the company currency.",
    )
    crm_cost_per_ticket = fields.Float(
        "Cost per Ticket",
        digits=(16, 2),
        help="Support cost of one ticket of a customer, in the company currency.",
    )
    crm_delinquency_daily_rate = fields.Float(
        "Delinquency Daily Rate",
        digits=(16, 6),
        help="Cost of carrying an overdue amount for one day, as a fraction of it "
        "(0.0005 = 0.05% a day, about 18% a year). Delinquency cost = overdue "
        "amount x days late x this rate.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["crm.profitability.profile"]._create_missing_profiles()
        return companies
