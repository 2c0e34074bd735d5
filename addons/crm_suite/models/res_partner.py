# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

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
