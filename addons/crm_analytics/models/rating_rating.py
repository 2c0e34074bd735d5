# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from odoo.addons.crm_suite.tools import trigger_cron

from .account_move import EVENT_CRON


class RatingRating(models.Model):
    _inherit = "rating.rating"

    def write(self, vals):
        res = super().write(vals)
        if "rating" in vals and any(r.res_model == "crm.ticket" for r in self):
            # ``rating_given`` moved: evaluate the event rules soon (the job)
            # sudo: waking a scheduled action up, whoever rated (a customer)
            trigger_cron(self.sudo().env, EVENT_CRON)
        return res
