# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmTicketStage(models.Model):
    _name = "crm.ticket.stage"
    _description = "Ticket Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    fold = fields.Boolean(
        string="Folded in Kanban",
        help="Folded stages are collapsed in the kanban view of tickets.",
    )
    is_closed = fields.Boolean(
        string="Closing Stage",
        help="Tickets in this stage are solved or cancelled: their resolution "
        "target is reached and they leave the backlog.",
    )
    portal_close = fields.Boolean(
        string="Customers Can Close",
        help="Customers may close their ticket from the portal while it is in "
        "this stage.",
    )
    template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain=[("model", "=", "crm.ticket")],
        help="Sent to the customer when a ticket reaches this stage.",
    )
    team_ids = fields.Many2many(
        "crm.ticket.team",
        "crm_ticket_stage_team_rel",
        "stage_id",
        "team_id",
        string="Teams",
        help="Teams using this stage; empty means every team.",
    )
