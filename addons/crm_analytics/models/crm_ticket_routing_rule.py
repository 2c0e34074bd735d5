# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmTicketRoutingRule(models.Model):
    """Routing by customer tier: a rule with tiers catches the tickets of
    customers in one of them (their tier in the ticket's company)."""

    _inherit = "crm.ticket.routing.rule"

    tier_ids = fields.Many2many(
        "crm.customer.tier",
        string="Customer Tiers",
        help="Customers in one of these tiers (in the ticket's company).",
    )

    def _matches(self, ticket, text):
        if not super()._matches(ticket, text):
            return False
        if self.tier_ids:
            company = ticket.company_id or self.env.company
            customer = ticket.partner_id.commercial_partner_id.with_company(company)
            if customer.crm_tier_id not in self.tier_ids:
                return False
        return True
