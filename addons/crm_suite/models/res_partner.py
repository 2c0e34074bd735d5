# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Every lead of the contact (crm's opportunity_ids leaves leads out): the
    # record rules of score events use it.
    crm_suite_lead_ids = fields.One2many(
        "crm.lead", "partner_id", string="Leads and Opportunities"
    )
    crm_ticket_count = fields.Integer(
        string="Tickets",
        compute="_compute_crm_ticket_count",
        help="Tickets of this contact, and of its contacts for a company.",
    )

    def _compute_crm_ticket_count(self):
        """One grouped query for all partners: a contact counts its own
        tickets, a company also those of its people."""
        counts = dict.fromkeys(self.ids, 0)
        Ticket = self.env["crm.ticket"]
        if self.ids and Ticket.has_access("read"):
            groups = Ticket._read_group(
                [
                    "|",
                    ("partner_id", "in", self.ids),
                    ("commercial_partner_id", "in", self.ids),
                ],
                ["partner_id", "commercial_partner_id"],
                ["__count"],
            )
            for partner, commercial, count in groups:
                for counted in {partner.id, commercial.id}:
                    if counted in counts:
                        counts[counted] += count
        for partner in self:
            partner.crm_ticket_count = counts.get(partner.id, 0)

    def action_view_crm_tickets(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_suite.crm_ticket_action"
        )
        action["domain"] = [("partner_id", "child_of", self.id)]
        action["context"] = {"default_partner_id": self.id, "default_channel": "phone"}
        return action

    def _search(self, domain, offset=0, limit=None, order=None):
        # customers read their own company's contacts: not by the contacts'
        # chatter (internal notes), activities or ratings, which a search
        # joins in SQL past the rules that hide them (see crm.ticket)
        if not self.env.su and not self.env.user._is_internal():
            self.env["crm.ticket"]._portal_check_domain(domain, self, auto_join=False)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def write(self, vals):
        res = super().write(vals)
        Lead = self.env["crm.lead"]
        __, partner_fields = Lead._score_relevant_fields()
        if partner_fields & set(vals):
            # sudo: a contact's change rescores every lead of that contact
            leads = Lead.sudo().search(
                [("partner_id", "in", self.ids)] + Lead._score_open_domain()
            )
            leads._score_recompute_or_defer()
        return res
