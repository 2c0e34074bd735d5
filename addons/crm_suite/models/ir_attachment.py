# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        ticket_files = [v for v in vals_list if v.get("res_model") == "crm.ticket"]
        if ticket_files:
            self.env["crm.ticket"]._check_attachment_sizes(
                [
                    (v.get("name") or "", self._crm_ticket_vals_size(v))
                    for v in ticket_files
                ]
            )
        return super().create(vals_list)

    @api.model
    def _crm_ticket_vals_size(self, vals):
        if vals.get("raw"):
            raw = vals["raw"]
            return len(raw.encode() if isinstance(raw, str) else raw)
        if vals.get("datas"):
            datas = vals["datas"]
            return len(datas) * 3 // 4
        return 0
