# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    ticket_language_ids = fields.Many2many(
        "res.lang",
        "crm_ticket_user_lang_rel",
        "user_id",
        "lang_id",
        string="Support Languages",
        help="Languages this agent answers tickets in. Assignment prefers an "
        "agent who speaks the customer's language.",
    )
    ticket_team_ids = fields.Many2many(
        "crm.ticket.team",
        "crm_ticket_team_member_rel",
        "user_id",
        "team_id",
        string="Ticket Teams",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["ticket_language_ids"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["ticket_language_ids"]
