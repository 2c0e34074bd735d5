# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class CrmTicketTeam(models.Model):
    _name = "crm.ticket.team"
    _inherit = ["crm.ticket.team", "crm.handoff.kpi.mixin"]
    _handoff_team_field = "to_ticket_team_id"
