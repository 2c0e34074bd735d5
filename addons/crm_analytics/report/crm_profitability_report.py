# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Values of the two PDF reports. Everything is read as the reader (record
rules and companies apply); the templates format numbers, amounts and dates
through Odoo's QWeb widgets, i.e. the reader's (or the customer's) res.lang."""

from odoo import api, fields, models

COST_FIELDS = ("cost_acquisition", "cost_marketing", "cost_support", "cost_delinquency")
TOTAL_FIELDS = ("revenue", "margin", "profit", "overdue_amount") + COST_FIELDS


def report_lang(env):
    """The reader's language: the context's (the web client sends the user's),
    else the user's."""
    return env.context.get("lang") or env.user.lang or "en_US"


def lang_direction(env, code):
    return env["res.lang"]._get_data(code=code).direction or "ltr"


class ReportCrmProfitability(models.AbstractModel):
    _name = "report.crm_analytics.report_profitability"
    _description = "Customer Profitability Report"

    @api.model
    def _get_report_values(self, docids, data=None):  # pylint: disable=unused-argument
        docs = self.env["crm.customer.profitability"].browse(docids)
        docs.check_access("read")
        groups = []
        for company in docs.company_id:
            lines = docs.filtered(lambda r, c=company: r.company_id == c)
            totals = {fname: sum(lines.mapped(fname)) for fname in TOTAL_FIELDS}
            totals["costs"] = sum(totals[fname] for fname in COST_FIELDS)
            totals["invoice_count"] = sum(lines.mapped("invoice_count"))
            totals["margin_percent"] = (
                100.0 * totals["profit"] / totals["revenue"]
                if totals["revenue"]
                else 0.0
            )
            groups.append(
                {
                    "company": company,
                    "currency": company.currency_id,
                    "lines": lines,
                    "totals": totals,
                }
            )
        lang = report_lang(self.env)
        return {
            "doc_ids": docids,
            "doc_model": "crm.customer.profitability",
            "docs": docs,
            "groups": groups,
            "filters": self._filters(docs),
            "crm_lang": lang,
            "crm_direction": lang_direction(self.env, lang),
            "today": fields.Date.context_today(self),
        }

    @api.model
    def _filters(self, docs):
        """What the printed selection covers: the period and the salespersons,
        teams and grades of the records (empty means every one)."""
        return {
            "date_from": min(docs.mapped("date_from"), default=False),
            "date_to": max(docs.mapped("date_to"), default=False),
            "salespersons": ", ".join(docs.user_id.mapped("name")),
            "teams": ", ".join(docs.team_id.mapped("name")),
            "grades": ", ".join(sorted({g for g in docs.mapped("grade") if g})),
            "count": len(docs),
        }


class ReportCrmCustomerStatement(models.AbstractModel):
    _name = "report.crm_analytics.report_customer_statement"
    _description = "Customer Profitability Statement"

    @api.model
    def _get_report_values(self, docids, data=None):  # pylint: disable=unused-argument
        partners = self.env["res.partner"].browse(docids)
        partners.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "company": self.env.company,
            "statement": self._statement,
            "reader_lang": report_lang(self.env),
            "direction": lambda code: lang_direction(self.env, code),
            "today": fields.Date.context_today(self),
        }

    @api.model
    def _statement(self, partner, lang):
        """The customer's latest profitability records and open invoices in the
        current company, labels in ``lang``."""
        self = self.with_context(lang=lang)
        customer = partner.with_context(lang=lang).commercial_partner_id
        company = self.env.company
        today = fields.Date.context_today(self)
        records = self.env["crm.customer.profitability"].search(
            [("partner_id", "=", customer.id), ("company_id", "=", company.id)],
            order="date_to desc, date_from desc, id desc",
            limit=4,
        )
        moves = self.env["account.move"]
        if moves.has_access("read"):
            moves = moves.search(
                [
                    ("commercial_partner_id", "=", customer.id),
                    ("company_id", "=", company.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    ("amount_residual_signed", "!=", 0),
                ],
                order="invoice_date_due, invoice_date, id",
            )
        overdue = moves.filtered(
            lambda m: m.invoice_date_due and m.invoice_date_due < today
        )
        latest = records[:1]
        return {
            "customer": customer,
            "records": records,
            "latest": latest,
            # The factors behind the grade (label, value, rank, weight, share),
            # when the computation provides them.
            "factors": latest._prof_explain_rows()
            if latest.profile_id and hasattr(latest, "_prof_explain_rows")
            else [],
            "profile": latest.profile_id,
            "moves": moves,
            "overdue_ids": set(overdue.ids),
            "total_due": sum(moves.mapped("amount_residual_signed")),
            "total_overdue": sum(overdue.mapped("amount_residual_signed")),
            "currency": company.currency_id,
        }
