# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError


class CrmTicketActionsMixin(models.AbstractModel):
    """The buttons of a ticket: take it, close it, merge it, open the
    customer's other tickets or an opportunity (inherited by ``crm.ticket``)."""

    _name = "crm.ticket.actions.mixin"
    _description = "Ticket Actions"

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_assign_to_me(self):
        self.check_access("write")
        self.write({"user_id": self.env.user.id})
        return True

    def action_close(self):
        """Move to the team's first closing stage (one lookup per team)."""
        self.check_access("write")
        for __, tickets in (
            self.filtered(lambda t: not t.is_closed).grouped("team_id").items()
        ):
            stage = tickets[0]._get_applicable_stages().filtered("is_closed")[:1]
            if not stage:
                raise UserError(
                    self.env._(
                        "The team %(team)s has no closing stage: add one in the "
                        "configuration.",
                        team=tickets[0].team_id.name or "-",
                    )
                )
            tickets.stage_id = stage
        return True

    def action_view_customer_tickets(self):
        self.ensure_one()
        self.check_access("read")
        return self.commercial_partner_id.action_view_crm_tickets()

    def action_open_merge(self):
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Tickets"),
            "res_model": "crm.ticket.merge",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def action_create_lead(self):
        """Share with sales: open an opportunity for this customer."""
        self.ensure_one()
        self.check_access("write")
        lead = self.env["crm.lead"].create(
            {
                "name": self.name,
                "partner_id": self.partner_id.id,
                "type": "opportunity",
                "description": self.description,
                "company_id": self.company_id.id,
            }
        )
        self.lead_id = lead
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": lead.id,
            "view_mode": "form",
        }
