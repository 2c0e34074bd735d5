# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The segments' XLSX download: the profitability reports' route machinery,
the reader's rights re-checked at download."""

import io

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

try:
    import openpyxl
except ImportError:  # pragma: no cover - a test dependency
    openpyxl = None


@tagged("post_install", "-at_install")
class TestCrmSegmentXlsxRoute(HttpCase):
    def test_download_and_refusal(self):
        segment = self.env.ref(
            "crm_analytics.crm_segment_demo_champions", raise_if_not_found=False
        )
        if not segment or openpyxl is None:
            self.skipTest("needs the demo data and openpyxl")
        company = self.env.ref("base.main_company")
        other = self.env["res.company"].create({"name": "Elsewhere Ltd"})
        mail_new_test_user(
            self.env,
            login="seg_xlsx_reader",
            password="seg_xlsx_reader",
            groups="base.group_user,crm_analytics.group_crm_analytics_user",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        mail_new_test_user(
            self.env,
            login="seg_xlsx_outsider",
            password="seg_xlsx_outsider",
            groups="base.group_user,crm_analytics.group_crm_analytics_user",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        url = segment.action_export_xlsx()["url"]
        self.authenticate("seg_xlsx_reader", "seg_xlsx_reader")
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertEqual(book.worksheets[0].title, segment.name[:31])
        names = {row[0] for row in book.worksheets[0].iter_rows(values_only=True)}
        self.assertTrue(set(segment.partner_ids.mapped("name")) <= names)
        self.authenticate("seg_xlsx_outsider", "seg_xlsx_outsider")
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 404)
