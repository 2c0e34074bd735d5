# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models

from .crm_profitability_profile import GRADES
from .res_partner_segment import JOB_FIELDS

ANALYTICS = "crm_analytics.group_crm_analytics_user"
_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.partner.next.offer", "crm.partner.segment.fields"]

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
        return super().create([self._crm_grade_dropped(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._crm_grade_dropped(vals))

    def _crm_grade_dropped(self, vals):
        """``crm_grade``, the RFM fields and ``crm_tier_id`` are the jobs'
        results (written as superuser): from anyone else they are left out, so a
        salesperson who may edit the customer cannot grade it A (or make it a
        champion) over RPC. Dropped rather than refused: Odoo's partner merge
        writes every stored field of the merged partners back, grade included,
        and must keep working (the next job grades the survivor)."""
        dropped = [fname for fname in JOB_FIELDS if fname in vals]
        if dropped and not self.env.su:
            _logger.info(
                "%s left out of a write by user %s: the daily jobs set them",
                ", ".join(dropped),
                self.env.uid,
            )
            vals = {key: value for key, value in vals.items() if key not in dropped}
        return vals

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
