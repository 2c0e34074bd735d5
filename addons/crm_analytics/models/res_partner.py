# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError

from .crm_profitability_profile import GRADES

ANALYTICS = "crm_analytics.group_crm_analytics_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_grade = fields.Selection(
        GRADES,
        "Profitability Grade",
        company_dependent=True,
        readonly=True,
        copy=False,
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

    @api.model_create_multi
    def create(self, vals_list):
        if any("crm_grade" in vals for vals in vals_list):
            self._check_crm_grade_write()
        return super().create(vals_list)

    def write(self, vals):
        if "crm_grade" in vals:
            self._check_crm_grade_write()
        return super().write(vals)

    def _check_crm_grade_write(self):
        """``crm_grade`` is the daily job's result (written as superuser): a
        salesperson who may edit the customer must not grade it A over RPC."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The profitability grade is computed by the daily job; "
                    "it cannot be set by hand."
                )
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
