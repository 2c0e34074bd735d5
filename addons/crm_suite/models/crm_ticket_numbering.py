# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models


class CrmTicketNumberingMixin(models.AbstractModel):
    """Ticket numbers, from one ``ir.sequence`` per company (code
    ``crm.ticket``, created on the first ticket of a company; inherited by
    ``crm.ticket``)."""

    _name = "crm.ticket.numbering.mixin"
    _description = "Ticket Numbering"

    def _assign_numbers(self, vals_list):
        """Numbers from the company's sequence, one sequence lookup per company."""
        Team = self.env["crm.ticket.team"]
        by_company = defaultdict(list)
        for vals in vals_list:
            if vals.get("number"):
                continue
            company_id = vals.get("company_id")
            if not company_id and vals.get("team_id"):
                company_id = Team.browse(vals["team_id"]).company_id.id
            by_company[company_id or self.env.company.id].append(vals)
        for company_id, company_vals in by_company.items():
            numbers = self._next_numbers(
                self.env["res.company"].browse(company_id), len(company_vals)
            )
            for vals, number in zip(company_vals, numbers, strict=True):
                vals["number"] = number

    @api.model
    def _get_sequence(self, company):
        # sudo: every user creating a ticket draws a number; sequences are
        # technical records only administrators see
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search(
            [("code", "=", "crm.ticket"), ("company_id", "=", company.id)], limit=1
        )
        if not sequence:
            sequence = Sequence.create(
                {
                    "name": self.env._("Tickets of %(company)s", company=company.name),
                    "code": "crm.ticket",
                    "company_id": company.id,
                    "prefix": "TCK-",
                    "padding": 5,
                    "implementation": "standard",
                }
            )
        return sequence

    @api.model
    def _next_numbers(self, company, count):
        """``count`` numbers of the company's sequence, through the sequence's
        own API (its prefix, padding and date ranges apply)."""
        sequence = self._get_sequence(company)
        return [sequence._next() for __ in range(count)]
