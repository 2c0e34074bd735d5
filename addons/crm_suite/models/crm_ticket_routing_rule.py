# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import api, fields, models
from odoo.tools import html2plaintext


class CrmTicketRoutingRule(models.Model):
    """Send a new ticket without a team to the right team.

    Rules are tried in sequence; the first whose every set condition holds
    wins. A ticket no rule catches goes to the first team of its company.
    """

    _name = "crm.ticket.routing.rule"
    _description = "Ticket Routing Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    team_id = fields.Many2one(
        "crm.ticket.team",
        string="Send to Team",
        required=True,
        ondelete="cascade",
        check_company=True,
    )
    type_ids = fields.Many2many(
        "crm.ticket.type", string="Types", help="Tickets of one of these types."
    )
    keywords = fields.Char(
        help="Comma-separated words or phrases looked for in the subject and the "
        "description (case-insensitive); one is enough.",
    )
    partner_category_ids = fields.Many2many(
        "res.partner.category",
        string="Customer Tags",
        help="Customers (or their company) with one of these tags.",
    )
    lang_ids = fields.Many2many(
        "res.lang", string="Languages", help="Customers writing in one of these."
    )

    def _get_keywords(self):
        self.ensure_one()
        return [
            k.strip().lower() for k in (self.keywords or "").split(",") if k.strip()
        ]

    def _matches(self, ticket, text):
        self.ensure_one()
        if self.type_ids and ticket.type_id not in self.type_ids:
            return False
        keywords = self._get_keywords()
        if keywords and not any(
            re.search(r"\b" + re.escape(k) + r"\b", text) for k in keywords
        ):
            return False
        if self.partner_category_ids:
            tags = (
                ticket.partner_id.category_id
                | ticket.partner_id.commercial_partner_id.category_id
            )
            if not self.partner_category_ids & tags:
                return False
        if self.lang_ids and ticket.partner_id.lang not in self.lang_ids.mapped("code"):
            return False
        return True

    @api.model
    def _route_tickets(self, tickets):
        """{ticket: team} for tickets without a team (records may be new)."""
        # sudo: routing runs for whoever creates a ticket (a portal customer
        # cannot read the rules); it only chooses a team
        rules = self.sudo().search([])
        Team = self.env["crm.ticket.team"].sudo()
        result = {}
        default_teams = {}
        for ticket in tickets:
            company = ticket.company_id or self.env.company
            text = " ".join(
                filter(None, [ticket.name, html2plaintext(ticket.description or "")])
            ).lower()
            team = next(
                (
                    rule.team_id
                    for rule in rules
                    if rule.company_id == company and rule._matches(ticket, text)
                ),
                None,
            )
            if team is None:
                if company not in default_teams:
                    default_teams[company] = Team.search(
                        [("company_id", "=", company.id)], limit=1
                    )
                team = default_teams[company]
            result[ticket] = team
        return result
