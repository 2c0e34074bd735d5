# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _prepare_mail_values_mailing_traces(self, mail_values_all):
        """Stamp each email of a drip step with its drip trace, so that its
        opens, clicks, replies and bounces find their way back."""
        trace_values_all = super()._prepare_mail_values_mailing_traces(mail_values_all)
        by_res = self.env.context.get("crm_drip_trace_by_res")
        if by_res:
            for res_id, trace_vals in trace_values_all.items():
                if trace_vals and by_res.get(res_id):
                    trace_vals["crm_drip_trace_id"] = by_res[res_id]
        return trace_values_all
