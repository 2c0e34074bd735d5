# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The XLSX of profitability records (the machinery: ``crm_report_xlsx``)."""

from .crm_report_xlsx import RecordsXlsxWriter

# (field, column width); the header is the field's label in the reader's language.
COLUMNS = [
    ("partner_id", 32),
    ("company_id", 20),
    ("date_from", 12),
    ("date_to", 12),
    ("user_id", 20),
    ("team_id", 18),
    ("revenue", 15),
    ("margin", 15),
    ("cost_acquisition", 14),
    ("cost_marketing", 14),
    ("cost_support", 14),
    ("cost_delinquency", 14),
    ("cost_total", 14),
    ("profit", 15),
    ("margin_percent", 10),
    ("invoice_count", 9),
    ("average_invoice", 14),
    ("overdue_amount", 14),
    ("average_days_late", 10),
    ("payment_score", 10),
    ("customer_since", 12),
    ("lifetime_days", 10),
    ("score", 8),
    ("grade", 7),
]
SUMMED = ("revenue", "margin", "cost_acquisition", "cost_marketing", "cost_support")
SUMMED += (
    "cost_delinquency",
    "cost_total",
    "profit",
    "overdue_amount",
    "invoice_count",
)


class ProfitabilityXlsxWriter(RecordsXlsxWriter):
    """Profitability records, one sheet, totals per currency."""

    model_name = "crm.customer.profitability"
    columns = COLUMNS
    summed = SUMMED

    def _title(self):
        return self.env._("Customer Profitability")
