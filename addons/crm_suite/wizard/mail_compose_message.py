# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextvars import ContextVar

from odoo import models

# Set (in this thread only) while the drip job renders a step's template as
# the campaign's owner: never from a context or an argument a caller controls.
_DRIP_TEMPLATE_RENDERING = ContextVar("crm_drip_template_rendering", default=False)


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    @property
    def _unrestricted_rendering(self):
        """A drip step's email is its template's content, validated when the
        template was written (Odoo renders mail.template unrestricted for the
        same reason): the campaign's owner renders it with their own rights
        whether or not they are a template editor."""
        return _DRIP_TEMPLATE_RENDERING.get()

    def _render_field(self, field, *args, **kwargs):
        """For a drip step's template, render the template itself (with its
        translations) as the owner, never through the composer mixin's
        superuser fallback for users who are no template editors."""
        if _DRIP_TEMPLATE_RENDERING.get() and self.template_id:
            template_field = {"body": "body_html"}.get(field, field)
            if template_field in self.template_id:
                return self.template_id._render_field(template_field, *args, **kwargs)
        return super()._render_field(field, *args, **kwargs)

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

    def _crm_drip_render_composer(self):
        """The composer as the drip campaign's owner, when the campaign job
        (as superuser) sends its emails: its template is rendered with the
        owner's rights and companies, never the superuser's. Only honoured
        in a superuser environment (the job's): a caller cannot choose whom
        to render as through the context."""
        owner_id = self.env.context.get("crm_drip_render_uid")
        if not owner_id or not self.env.su:
            return None
        composer = self.with_user(owner_id)
        if composer.env.su:
            # the owner is the superuser (a campaign created by the system)
            return None
        company_ids = self.env.context.get("crm_drip_render_company_ids")
        # the job's cache holds values read as superuser: read them again
        # with the owner's rights
        self.env.invalidate_all()
        if company_ids:
            composer = composer.with_context(allowed_company_ids=company_ids)
        return composer

    def _prepare_mail_values_dynamic(self, res_ids):
        """A drip email always goes to its record: when the step's template
        names no recipient (and does not use the default ones), the record's
        default recipients receive it, as with Odoo's own mailings."""
        composer = self._crm_drip_render_composer()
        if composer is not None:
            token = _DRIP_TEMPLATE_RENDERING.set(True)
            try:
                return composer._prepare_mail_values_dynamic(res_ids)
            finally:
                _DRIP_TEMPLATE_RENDERING.reset(token)
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
