# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class CrmProfitabilityComputeWizard(models.TransientModel):
    """Compute one period's profitability from the screen (``compute_period``)."""

    _name = "crm.profitability.compute.wizard"
    _description = "Compute Customer Profitability"

    date_from = fields.Date(
        "From",
        required=True,
        default=lambda self: fields.Date.context_today(self) - relativedelta(months=12),
    )
    date_to = fields.Date(
        "To", required=True, default=lambda self: fields.Date.context_today(self)
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            self.env["crm.customer.profitability"]._prof_dates(
                wizard.date_from, wizard.date_to
            )

    def action_compute(self):
        """Compute the period and open its records."""
        self.ensure_one()
        ids = self.env["crm.customer.profitability"].compute_period(
            self.date_from, self.date_to, self.company_id.id
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_analytics.crm_customer_profitability_action"
        )
        action["domain"] = [("id", "in", ids)]
        action["context"] = {}
        return action
