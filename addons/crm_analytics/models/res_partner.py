# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from .crm_profitability_profile import GRADES

ANALYTICS = "crm_analytics.group_crm_analytics_user"


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
    crm_profitability_daily_id = fields.Many2one(
        "crm.customer.profitability",
        "Last 12 Months",
        compute="_compute_crm_profitability_daily_id",
        groups=ANALYTICS,
        help="The daily job's record of this customer in the current company.",
    )
    crm_score_explanation = fields.Html(
        "Why this grade?",
        compute="_compute_crm_profitability_daily_id",
        sanitize=False,
        groups=ANALYTICS,
    )

    @api.depends_context("company")
    def _compute_crm_profitability_daily_id(self):
        records = self.env["crm.customer.profitability"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("is_daily", "=", True),
            ]
        )
        by_partner = {record.partner_id.id: record for record in records}
        for partner in self:
            record = by_partner.get(partner.commercial_partner_id.id)
            partner.crm_profitability_daily_id = record
            partner.crm_score_explanation = (
                record.score_explanation if record else False
            )
