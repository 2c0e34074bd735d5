# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import re
import shutil
import unicodedata
from urllib.parse import parse_qs, urlparse

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from ..models.crm_customer_profitability_export import REPORT_XLSX_ROUTE
from .reports_common import ReportsFixtureMixin, pdf_text

try:
    import openpyxl
except ImportError:  # pragma: no cover - the venv ships it
    openpyxl = None


def _flat(text):
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text)


@tagged("post_install", "-at_install")
class TestCrmAnalyticsReportsExport(ReportsFixtureMixin, HttpCase):
    """The attribution and people reports through the profitability report
    machinery: PDF in the reader's language and direction, XLSX from the same
    download route code (rights checked at download)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_reports_fixture()
        won_stage = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.source = cls.env["utm.source"].create({"name": "Export source"})
        leads = cls.env["crm.lead"].create(
            [
                {
                    "name": f"Export lead {i}",
                    "type": "opportunity",
                    "user_id": cls.user_ja.id,
                    "company_id": cls.company_a.id,
                    "source_id": cls.source.id,
                    "expected_revenue": 1234567.89 if i == 0 else 10.0,
                }
                for i in range(3)
            ]
        )
        leads[0].write({"stage_id": won_stage.id, "probability": 100})
        cls.seller_row = cls.env["crm.salesperson.report"].search(
            [("user_id", "=", cls.user_ja.id)]
        )
        cls.attribution_rows = cls.env["crm.attribution.report"].search(
            [("source_id", "=", cls.source.id)]
        )

    def _report(self, user, lang=None):
        env = self.env(user=user, context={"lang": lang} if lang else {})
        return env["ir.actions.report"].with_context(force_report_rendering=True)

    def _html(self, xmlid, records, user):
        html, _kind = self._report(user)._render_qweb_html(xmlid, records.ids)
        return _flat(html.decode())

    def test_pdf_french_numbers_and_labels(self):
        self.assertEqual(len(self.seller_row), 1)
        html = self._html(
            "crm_analytics.action_report_salesperson", self.seller_row, self.user_fr
        )
        self.assertIn('data-oe-lang="fr_FR"', html)
        self.assertIn("1 234 567,89", html)
        label = (
            self.env["crm.salesperson.report"]
            .with_context(lang="fr_FR")
            ._fields["win_rate"]
            ._description_string(self.env(context={"lang": "fr_FR"}))
        )
        self.assertIn(label, html)

    def test_pdf_arabic_right_to_left(self):
        html = self._html(
            "crm_analytics.action_report_attribution",
            self.attribution_rows,
            self.user_ar,
        )
        self.assertIn('dir="rtl"', html)
        self.assertIn("Export source", html)

    def test_pdf_rendered(self):
        if not shutil.which("wkhtmltopdf"):
            self.skipTest("wkhtmltopdf is not installed")
        pdf, kind = self._report(self.user_fr)._render_qweb_pdf(
            "crm_analytics.action_report_attribution", self.attribution_rows.ids
        )
        self.assertEqual(kind, "pdf")
        text = pdf_text(pdf)
        if text is not None:
            self.assertIn("Export source", text)

    def test_pdf_refused_outside_analytics(self):
        with self.assertRaises(AccessError):
            self._report(self.user_plain)._render_qweb_html(
                "crm_analytics.action_report_agent", [1]
            )

    def _url(self, records, user):
        env = self.env(user=user, context={"lang": user.lang})
        action = records.with_env(env).action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(action["url"].startswith(REPORT_XLSX_ROUTE))
        return action["url"]

    def test_xlsx_french(self):
        if openpyxl is None:
            self.skipTest("openpyxl is not installed")
        url = self._url(self.seller_row, self.user_fr)
        query = parse_qs(urlparse(url).query)
        self.assertEqual(query["model"], ["crm.salesperson.report"])
        self.authenticate("rep_analyst_fr", "rep_analyst_fr")
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 200, response.text[:300])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        env_fr = self.env(context={"lang": "fr_FR"})
        fields_ = env_fr["crm.salesperson.report"]._fields
        self.assertEqual(rows[0][0], fields_["user_id"]._description_string(env_fr))
        header = list(rows[0])
        row = rows[1]
        self.assertEqual(row[0], self.user_ja.name)
        leads_col = header.index(fields_["lead_count"]._description_string(env_fr))
        self.assertEqual(row[leads_col], 3)
        revenue_col = header.index(fields_["revenue"]._description_string(env_fr))
        self.assertAlmostEqual(row[revenue_col], 1234567.89)
        self.assertEqual(rows[-1][revenue_col], 1234567.89)  # the total row

    def test_xlsx_refused(self):
        url = self._url(self.attribution_rows, self.user_fr)
        # another company's analyst: the rows are not theirs, no partial file
        self.authenticate("rep_analyst_b", "rep_analyst_b")
        self.assertEqual(self.url_open(url, allow_redirects=False).status_code, 404)
        # an internal user without the analytics group
        self.authenticate("rep_internal", "rep_internal")
        self.assertEqual(self.url_open(url, allow_redirects=False).status_code, 403)
        # only the report models are served
        self.authenticate("rep_analyst_fr", "rep_analyst_fr")
        bad = url.replace("crm.attribution.report", "res.partner")
        self.assertEqual(self.url_open(bad, allow_redirects=False).status_code, 404)
        with self.assertRaises(AccessError):
            self.attribution_rows.with_user(self.user_plain).action_export_xlsx()
