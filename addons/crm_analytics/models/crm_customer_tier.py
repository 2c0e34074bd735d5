# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class CrmCustomerTier(models.Model):
    """A level of customers by their revenue of the last 12 months (Silver,
    Gold, Platinum): a customer is in the tier with the largest minimum revenue
    it reaches (``res.partner.crm_tier_id``, per company), kept current by the
    event rules' evaluation and its daily job."""

    _name = "crm.customer.tier"
    _description = "Customer Tier"
    _order = "company_id, min_revenue, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    min_revenue = fields.Monetary(
        "Minimum Revenue",
        currency_field="currency_id",
        help="Revenue of the last 12 months (invoices minus credit notes, "
        "untaxed, company currency) from which a customer is in this tier.",
    )
    customer_count = fields.Integer("Customers", compute="_compute_customer_count")

    _sql_constraints = [
        (
            "min_revenue_positive",
            "CHECK(min_revenue >= 0)",
            "The minimum revenue of a tier cannot be negative.",
        ),
    ]

    @api.depends("company_id")
    def _compute_customer_count(self):
        for tier in self:
            # read as the user, in the tier's company: what they may see
            tier.customer_count = (
                self.env["res.partner"]
                .with_company(tier.company_id)
                .search_count([("crm_tier_id", "=", tier.id)])
                if tier.id
                else 0
            )

    @api.model
    def _tier_for(self, tiers, revenue):
        """The tier of ``tiers`` (sorted by min_revenue) with the largest
        minimum ``revenue`` reaches, else an empty recordset."""
        reached = self.browse()
        for tier in tiers:
            if revenue is not None and revenue >= tier.min_revenue:
                reached = tier
        return reached

    def action_view_customers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("crm_tier_id", "=", self.id)],
            "context": {"allowed_company_ids": self.company_id.ids},
        }
