# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class CrmLeadHot(models.AbstractModel):
    """crm_suite's hook on leads that just crossed into hot (called once per
    crossing, set-based, by the scoring statement's caller): after the
    team's actions (the salesperson may have been assigned), hand them off
    to sales."""

    _inherit = "crm.lead.hot"

    def _score_on_hot(self):
        res = super()._score_on_hot()
        self.env["crm.handoff"]._create_for_hot_leads(self)
        return res
