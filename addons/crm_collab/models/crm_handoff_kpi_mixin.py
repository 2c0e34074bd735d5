# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmHandoffKpiMixin(models.AbstractModel):
    """Handoff KPIs of a receiving team (sales team or ticket team): open
    and overdue handoffs, average hours to accept; grouped queries, not a
    query per team. ``_handoff_team_field`` names the handoff's field."""

    _name = "crm.handoff.kpi.mixin"
    _description = "Handoff KPIs of a Team"
    _handoff_team_field = None

    crm_handoff_open_count = fields.Integer(
        string="Open Handoffs", compute="_compute_crm_handoff_kpis"
    )
    crm_handoff_overdue_count = fields.Integer(
        string="Overdue Handoffs", compute="_compute_crm_handoff_kpis"
    )
    crm_handoff_accept_hours = fields.Float(
        string="Hours to Accept (avg)",
        compute="_compute_crm_handoff_kpis",
        help="Average time the team took to accept its handoffs.",
    )

    def _compute_crm_handoff_kpis(self):
        field = self._handoff_team_field
        Handoff = self.env["crm.handoff"]
        base = [(field, "in", self.ids)]
        open_counts = dict(
            Handoff._read_group(
                base + [("state", "in", ("proposed", "accepted"))],
                [field],
                ["__count"],
            )
        )
        overdue = dict(
            Handoff._read_group(
                base + [("is_overdue", "=", True)], [field], ["__count"]
            )
        )
        hours = dict(
            Handoff._read_group(
                base + [("accept_date", "!=", False)], [field], ["accept_hours:avg"]
            )
        )
        for team in self:
            team.crm_handoff_open_count = open_counts.get(team, 0)
            team.crm_handoff_overdue_count = overdue.get(team, 0)
            team.crm_handoff_accept_hours = hours.get(team, 0.0)

    def action_open_crm_handoffs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_collab.crm_handoff_action"
        )
        action["domain"] = [(self._handoff_team_field, "=", self.id)]
        action["context"] = {"search_default_open": 1}
        return action
