# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmTeam(models.Model):
    _name = "crm.team"
    _inherit = ["crm.team", "crm.handoff.kpi.mixin"]
    _handoff_team_field = "to_team_id"

    crm_handoff_on_hot = fields.Boolean(
        string="Hand Off Hot Leads",
        default=False,
        help="A lead of this team turning hot is handed off to the team and "
        "its salesperson (once per lead).",
    )
