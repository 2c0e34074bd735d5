# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

# where each drip target keeps its language
LANG_FIELDS = {"crm.lead": "lang_code", "res.partner": "lang"}


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _render_lang(self, res_ids, engine="inline_template"):
        """A drip email is written in its recipient's language, even when the
        step's template does not say how to find it (no ``lang``)."""
        if (
            self.env.context.get("crm_drip_trace_by_res")
            and not self.lang
            and self.render_model in LANG_FIELDS
        ):
            field = LANG_FIELDS[self.render_model]
            # sudo: only the language of the recipients is read
            records = self.env[self.render_model].sudo().browse(res_ids)
            return {record.id: record[field] or self.env.lang for record in records}
        return super()._render_lang(res_ids, engine=engine)
