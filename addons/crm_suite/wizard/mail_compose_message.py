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

    def _prepare_mail_values_dynamic(self, res_ids):
        """A drip email always goes to its record: when the step's template
        names no recipient (and does not use the default ones), the record's
        default recipients receive it, as with Odoo's own mailings."""
        values = super()._prepare_mail_values_dynamic(res_ids)
        if (
            self.env.context.get("crm_drip_trace_by_res")
            and self.template_id
            and not self.template_id.use_default_to
        ):
            missing = [
                res_id
                for res_id, mail_values in values.items()
                if not mail_values.get("email_to")
                and not mail_values.get("partner_ids")
                and not mail_values.get("recipient_ids")
            ]
            if missing:
                defaults = (
                    self.env[self.model]
                    .browse(missing)
                    ._message_get_default_recipients()
                )
                for res_id in missing:
                    default = defaults.get(res_id) or {}
                    if default.get("partner_ids"):
                        values[res_id]["recipient_ids"] = [
                            (4, partner_id) for partner_id in default["partner_ids"]
                        ]
                    for field in ("email_to", "email_cc"):
                        if default.get(field):
                            values[res_id][field] = default[field]
        return values

    def _get_done_emails(self, mail_values_dict):
        by_res = self.env.context.get("crm_drip_trace_by_res")
        if by_res:
            # the drip step's seen list looks at this batch only (see
            # mailing.mailing._get_seen_list)
            batch = [
                by_res[res_id] for res_id in mail_values_dict if by_res.get(res_id)
            ]
            composer = self.with_context(crm_drip_seen_trace_ids=batch)
            return super(MailComposeMessage, composer)._get_done_emails(
                mail_values_dict
            )
        return super()._get_done_emails(mail_values_dict)
