# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Values of the segment PDF: read as the reader (record rules, companies),
formatted by QWeb's widgets in the reader's res.lang, as the profitability
reports."""

from odoo import api, fields, models

from .crm_profitability_report import lang_direction, report_lang


class ReportCrmSegment(models.AbstractModel):
    _name = "report.crm_analytics.report_segment"
    _description = "Customer Segment Report"

    @api.model
    def _get_report_values(self, docids, data=None):  # pylint: disable=unused-argument
        docs = self.env["crm.segment"].browse(docids)
        docs.check_access("read")
        segments = []
        for segment in docs:
            members = (
                self.env["res.partner"]
                .with_company(segment.company_id)
                .search([("id", "in", segment.partner_ids.ids)], order="name, id")
            )
            segments.append(
                {
                    "segment": segment,
                    "members": members,
                    "currency": segment.company_id.currency_id,
                    "monetary": sum(members.mapped("rfm_monetary")),
                }
            )
        lang = report_lang(self.env)
        return {
            "doc_ids": docids,
            "doc_model": "crm.segment",
            "docs": docs,
            "segments": segments,
            "crm_lang": lang,
            "crm_direction": lang_direction(self.env, lang),
            "today": fields.Date.context_today(self),
        }
