# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
import shutil
import unicodedata

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .reports_common import ReportsFixtureMixin, pdf_text

NBSP = "\u00a0"
ARABIC = re.compile("[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")


def _flat(text):
    """Text with every kind of space made a plain one (pdftotext may keep or
    drop the no-break spaces), and Arabic presentation forms normalised."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", text)


@tagged("post_install", "-at_install")
class TestCrmProfitabilityReports(ReportsFixtureMixin, HttpCase):
    """Both PDF reports rendered for real through wkhtmltopdf (an HttpCase, so
    that wkhtmltopdf can fetch the report assets from the test server) and read
    back with pdftotext, in French, Japanese and Arabic."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_reports_fixture()

    def setUp(self):
        super().setUp()
        if not shutil.which("wkhtmltopdf"):
            self.skipTest("wkhtmltopdf is not installed")

    def _report(self, user, lang=None):
        env = self.env(user=user, context={"lang": lang} if lang else {})
        return env["ir.actions.report"].with_context(force_report_rendering=True)

    def _pdf(self, xmlid, records, user, lang=None):
        pdf, kind = self._report(user, lang)._render_qweb_pdf(xmlid, records.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = pdf_text(pdf)
        if text is None:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        return text

    def _html(self, xmlid, records, user, lang=None):
        html, _kind = self._report(user, lang)._render_qweb_html(xmlid, records.ids)
        return html.decode()

    # Profitability report (the user's language)

    def test_profitability_pdf_french(self):
        text = self._pdf(
            "crm_analytics.action_report_profitability", self.profs_a, self.user_fr
        )
        flat = _flat(text)
        self.assertIn("Société Dupont", text)
        # fr_FR: "," decimals, U+00A0 thousands (res.lang; Babel has U+202F).
        self.assertIn("1 234 567,89", flat)
        self.assertIn("1 234,56", flat)
        self.assertNotIn("1,234,567.89", flat)
        self.assertIn("01/01/2024", text)
        self.assertIn("31/12/2024", text)
        self.assertIn(self.currency_a.symbol, text)
        html = self._html(
            "crm_analytics.action_report_profitability", self.profs_a, self.user_fr
        )
        self.assertIn(f"1{NBSP}234{NBSP}567,89", html)
        self.assertNotIn("\u202f", html)
        # Totals: revenue of the three customers.
        self.assertIn("1 240 268,14", flat)

    def test_profitability_pdf_japanese(self):
        text = self._pdf(
            "crm_analytics.action_report_profitability", self.profs_a, self.user_ja
        )
        # Real kanji, not the Kangxi radicals some CJK fonts map them to.
        self.assertIn("山田商事株式会社", text)
        self.assertIn("2024年01月01日", text)
        self.assertIn("1,234,567.89", _flat(text))

    def test_profitability_pdf_arabic_rtl(self):
        text = self._pdf(
            "crm_analytics.action_report_profitability", self.profs_a, self.user_ar
        )
        self.assertRegex(text, ARABIC)
        # pdftotext gives Arabic in its presentation forms: NFKC folds them back.
        self.assertIn("شركة الواحة", _flat(text))
        self.assertIn("1,234,567.89", _flat(text))
        html = self._html(
            "crm_analytics.action_report_profitability", self.profs_a, self.user_ar
        )
        self.assertRegex(
            html, r'<div[^>]*class="article o_crm_report[^"]*"[^>]*dir="rtl"'
        )
        self.assertIn('dir="rtl"', html)
        self.assertIn("شركة الواحة", html)
        # A French reader's document of the same records stays left-to-right.
        html_fr = self._html(
            "crm_analytics.action_report_profitability", self.profs_a, self.user_fr
        )
        self.assertNotIn('dir="rtl"', html_fr)

    def test_profitability_context_language_wins(self):
        """The web client sends the user's language in the context; an RPC
        caller may ask for another one."""
        text = self._pdf(
            "crm_analytics.action_report_profitability",
            self.prof_fr,
            self.user_ja,
            "fr_FR",
        )
        self.assertIn("1 234 567,89", _flat(text))

    def test_profitability_filters_and_companies(self):
        text = _flat(
            self._pdf(
                "crm_analytics.action_report_profitability",
                self.profs_a | self.prof_b,
                self.user_fr,
            )
        )
        self.assertIn(self.company_a.name, text)
        self.assertIn(self.company_b.name, text)
        self.assertIn(self.user_fr.name, text)
        self.assertIn("A, B, C, E", text)

    def test_profitability_other_company_refused(self):
        with self.assertRaises(AccessError):
            self._report(self.user_b)._render_qweb_html(
                "crm_analytics.action_report_profitability", self.prof_fr.ids
            )

    # Customer statement (the customer's language)

    def test_statement_pdf_customer_language(self):
        """A Japanese reader prints the French customer's statement in French."""
        text = self._pdf(
            "crm_analytics.action_report_customer_statement",
            self.partner_fr,
            self.user_ja,
        )
        flat = _flat(text)
        self.assertIn("Société Dupont", text)
        self.assertIn("01/01/2024", text)
        self.assertIn("1 234 567,89", flat)
        if self.invoices:
            self.assertIn(self.invoices[0].name, text)
            # The overdue invoice and the total due (1 234,56 + 98 765,40).
            self.assertIn("1 234,56", flat)
            self.assertIn("99 999,96", flat)

    def test_statement_pdf_japanese_and_arabic(self):
        text = self._pdf(
            "crm_analytics.action_report_customer_statement",
            self.partner_ja,
            self.user_fr,
        )
        self.assertIn("山田商事株式会社", text)
        self.assertIn("2024年01月01日", text)
        self.assertIn("5,000.00", _flat(text))
        text = self._pdf(
            "crm_analytics.action_report_customer_statement",
            self.partner_ar,
            self.user_fr,
        )
        self.assertRegex(text, ARABIC)
        self.assertIn("700.25", _flat(text))
        html = self._html(
            "crm_analytics.action_report_customer_statement",
            self.partner_ar | self.partner_fr,
            self.user_fr,
        )
        articles = re.findall(r'<div[^>]*class="article o_crm_report[^"]*"[^>]*>', html)
        self.assertEqual(len(articles), 2)
        self.assertIn('dir="rtl"', articles[0])
        self.assertIn('dir="ltr"', articles[1])

    def test_statement_grade_explained(self):
        html = self._html(
            "crm_analytics.action_report_customer_statement",
            self.partner_fr,
            self.user_fr,
        )
        self.assertIn("o_crm_grade_explanation", html)
        self.assertIn("83", html)

    def test_report_bindings(self):
        report = self.env.ref("crm_analytics.action_report_profitability")
        self.assertEqual(report.binding_model_id.model, "crm.customer.profitability")
        statement = self.env.ref("crm_analytics.action_report_customer_statement")
        self.assertEqual(statement.binding_model_id.model, "res.partner")
        export = self.env.ref("crm_analytics.action_server_profitability_export_xlsx")
        self.assertEqual(export.binding_model_id.model, "crm.customer.profitability")
