# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from odoo.addons.crm_suite.tools import trigger_cron

from .account_move import EVENT_CRON


class CrmTicket(models.Model):
    _inherit = "crm.ticket"

    def _on_stage_changed(self, old_stages, old_closed, now):
        res = super()._on_stage_changed(old_stages, old_closed, now)
        if any(t.is_closed and not old_closed.get(t.id) for t in self):
            # ``ticket_closed`` moved: evaluate the event rules soon (the job)
            trigger_cron(self.env, EVENT_CRON)
        return res
