# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import models

# where each drip target keeps its language
LANG_FIELDS = {"crm.lead": "lang_code", "res.partner": "lang"}
# a template language that just reads a field of the record
LANG_FIELD_EXPRESSION = re.compile(r"\{\{\s*object\.(\w+)\s*\}\}")


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _render_lang(self, res_ids, engine="inline_template"):
        """A drip email is written in its recipient's language, even when the
        step's template does not say how to find it (no ``lang``). When it
        says ``{{ object.<field> }}``, the field is read for the whole batch
        instead of rendering the expression record by record."""
        if not self.env.context.get("crm_drip_trace_by_res"):
            return super()._render_lang(res_ids, engine=engine)
        field = self._crm_drip_lang_field()
        if not field:
            return super()._render_lang(res_ids, engine=engine)
        # sudo: only the language of the recipients is read
        records = self.env[self.render_model].sudo().browse(res_ids)
        return {record.id: record[field] or self.env.lang for record in records}

    def _crm_drip_lang_field(self):
        """The field of the record that gives the language of a drip email:
        the one ``lang`` reads (``{{ object.<field> }}``), else the target's
        usual one when ``lang`` is empty; None for other expressions."""
        self.ensure_one()
        if not self.lang:
            return LANG_FIELDS.get(self.render_model)
        match = LANG_FIELD_EXPRESSION.fullmatch(self.lang.strip())
        model_fields = self.env[self.render_model]._fields
        if match and match.group(1) in model_fields:
            if model_fields[match.group(1)].type in ("char", "selection"):
                return match.group(1)
        return None
