# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PDF of the analytics report models (attribution, people, segments...): one
table of the printed rows, the columns of their XLSX (``_crm_xlsx_columns``),
labels in the reader's language, through the profitability report's helpers
(language, direction) and stylesheet."""

from odoo import api, fields, models

from .crm_profitability_report import lang_direction, report_lang


class ReportCrmAnalyticsTable(models.AbstractModel):
    """Values of ``crm_analytics.report_analytics_table``; each report model
    has a small model named after its own report that sets ``_crm_model``."""

    _name = "crm.analytics.table.report"
    _description = "Analytics Report Table"
    _crm_model = None

    @api.model
    def _get_report_values(self, docids, data=None):  # pylint: disable=unused-argument
        docs = self.env[self._crm_model].browse(docids)
        docs.check_access("read")
        fields_ = docs._fields
        columns = [
            {
                "name": fname,
                "label": fields_[fname]._description_string(self.env),
                "type": fields_[fname].type,
                "summed": fname in docs._crm_xlsx_summed,
            }
            for fname, _width in docs._crm_xlsx_columns
        ]
        currencies = docs.mapped("currency_id")
        totals = {}
        if len(currencies) <= 1:
            totals = {
                col["name"]: sum(docs.mapped(col["name"]))
                for col in columns
                if col["summed"]
            }
        lang = report_lang(self.env)
        return {
            "doc_ids": docids,
            "doc_model": self._crm_model,
            "docs": docs,
            "columns": columns,
            "totals": totals,
            "currency": currencies[:1],
            "title": docs._crm_report_title(),
            "selection_label": lambda rec, fname: dict(
                fields_[fname]._description_selection(self.env)
            ).get(rec[fname], ""),
            "crm_lang": lang,
            "crm_direction": lang_direction(self.env, lang),
            "today": fields.Date.context_today(self),
        }


class ReportCrmAttribution(models.AbstractModel):
    _name = "report.crm_analytics.report_attribution"
    _inherit = "crm.analytics.table.report"
    _description = "Attribution Report"
    _crm_model = "crm.attribution.report"


class ReportCrmSalesperson(models.AbstractModel):
    _name = "report.crm_analytics.report_salesperson"
    _inherit = "crm.analytics.table.report"
    _description = "Salesperson Performance Report"
    _crm_model = "crm.salesperson.report"


class ReportCrmAgent(models.AbstractModel):
    _name = "report.crm_analytics.report_agent"
    _inherit = "crm.analytics.table.report"
    _description = "Agent Performance Report"
    _crm_model = "crm.agent.report"
