# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .crm_profitability_profile import GRADES

RANK_HELP = (
    "100 x cume_dist among the period's customers of the company (higher is better)."
)


class CrmCustomerProfitability(models.Model):
    """What one customer (a commercial entity) brought a company over a period,
    what serving it cost, and its grade among the company's customers of that
    period. Amounts are in the company's currency, from posted accounting only.
    Filled by ``compute_period`` and the daily job (see FEATURES.md)."""

    _name = "crm.customer.profitability"
    _inherit = [
        "crm.profitability.compute",
        "crm.profitability.job",
        "crm.profitability.explain",
        "crm.customer.profitability.dashboard",
        "crm.customer.profitability.export",
    ]
    _description = "Customer Profitability"
    _order = "date_to desc, score desc, profit desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        ondelete="cascade",
        help="The customer's commercial entity.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(
        related="company_id.currency_id", store=True, string="Currency"
    )
    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To", required=True)
    is_daily = fields.Boolean(
        "Daily Period",
        index=True,
        help="Computed by the daily job for the last 12 months (replaced each day).",
    )
    user_id = fields.Many2one(
        "res.users", "Salesperson", index=True, help="The customer's salesperson."
    )
    team_id = fields.Many2one(
        "crm.team", "Sales Team", index=True, help="The customer's sales team."
    )
    revenue = fields.Monetary(
        help="Posted customer invoices minus posted credit notes of the period, "
        "untaxed, in the company currency."
    )
    margin = fields.Monetary(
        help="Revenue minus the cost of the products sold, where it is known."
    )
    cost_acquisition = fields.Monetary("Acquisition Cost")
    cost_marketing = fields.Monetary("Marketing Cost")
    cost_support = fields.Monetary("Support Cost")
    cost_delinquency = fields.Monetary("Delinquency Cost")
    cost_total = fields.Monetary("Total Cost", help="The four costs together.")
    profit = fields.Monetary(
        help="Margin (revenue when no product cost is known) minus the four costs."
    )
    margin_percent = fields.Float("Margin (%)", aggregator="avg")
    invoice_count = fields.Integer("Invoices")
    average_invoice = fields.Monetary(aggregator="avg")
    overdue_amount = fields.Monetary("Overdue")
    average_days_late = fields.Float(aggregator="avg")
    payment_score = fields.Float(aggregator="avg")
    customer_since = fields.Date(
        help="Date of the customer's first posted customer invoice ever."
    )
    lifetime_days = fields.Integer("Lifetime (Days)", aggregator="avg")
    score = fields.Integer(aggregator="avg")
    grade = fields.Selection(GRADES, index=True)
    profile_id = fields.Many2one("crm.profitability.profile", "Profile")
    paid_invoice_count = fields.Integer(
        "Paid Invoices", help="Invoices of the period paid in full."
    )
    on_time_count = fields.Integer(
        "Paid On Time", help="Paid invoices paid on or before their due date."
    )
    rank_revenue = fields.Float("Revenue Rank", aggregator="avg", help=RANK_HELP)
    rank_profit = fields.Float("Profit Rank", aggregator="avg", help=RANK_HELP)
    rank_payment = fields.Float("Payment Rank", aggregator="avg", help=RANK_HELP)
    rank_lifetime = fields.Float("Lifetime Rank", aggregator="avg", help=RANK_HELP)
    rank_average_invoice = fields.Float(
        "Average Invoice Rank", aggregator="avg", help=RANK_HELP
    )
    rank_cost = fields.Float(
        "Cost Rank",
        aggregator="avg",
        help="100 x cume_dist among the period's customers of the company "
        "(the lower the cost, the better).",
    )

    _sql_constraints = [
        (
            "period_uniq",
            "unique(partner_id, company_id, date_from, date_to, is_daily)",
            "A customer has one profitability record per company and period.",
        ),
    ]
