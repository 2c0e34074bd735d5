# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import io
import os
import tempfile
from urllib.parse import parse_qs, urlparse

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from ..models.crm_customer_profitability_export import (
    XLSX_ROUTE,
    decode_ids,
    encode_ids,
)
from ..report.crm_profitability_xlsx import COLUMNS, ProfitabilityXlsxWriter
from .reports_common import ReportsFixtureMixin

try:
    import openpyxl
except ImportError:  # pragma: no cover - the venv ships it
    openpyxl = None


@tagged("post_install", "-at_install")
class TestCrmProfitabilityXlsx(ReportsFixtureMixin, HttpCase):
    """action_export_xlsx and its download route: real numbers and dates with
    currency and language formats, translated headers and sheet name,
    right-to-left for Arabic, the user's rights checked at download."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_reports_fixture()

    def setUp(self):
        super().setUp()
        if openpyxl is None:
            self.skipTest("openpyxl is not installed")

    def _url(self, records, user, lang=None):
        env = self.env(user=user, context={"lang": lang or user.lang})
        action = records.with_env(env).action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        return action["url"]

    def _download(self, url, login=None, status=200):
        if login:
            self.authenticate(login, login)
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, status, response.text[:300])
        return response

    def _sheet(self, response):
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        self.assertIn("attachment", response.headers["Content-Disposition"])
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertEqual(len(book.worksheets), 1)
        return book.worksheets[0]

    def _rows_by_partner(self, sheet):
        rows = list(sheet.iter_rows())
        header = [cell.value for cell in rows[0]]
        return header, {row[0].value: row for row in rows[1:] if row[0].value}

    def test_ids_encoding(self):
        self.assertEqual(encode_ids([5, 1, 2, 3, 7]), "1-3,5,7")
        scattered = list(range(3, 60000, 7))
        token = encode_ids(scattered)
        self.assertTrue(token.startswith("z"))
        self.assertLess(len(token), 2000)
        self.assertEqual(decode_ids(token), scattered)
        for bad in ("1-", "a", "5-1", "0", "1-99999999"):
            with self.assertRaises(ValueError):
                decode_ids(bad)

    def test_xlsx_french(self):
        url = self._url(self.profs_a | self.prof_b, self.user_fr)
        self.assertTrue(url.startswith(XLSX_ROUTE))
        self.assertEqual(parse_qs(urlparse(url).query)["lang"], ["fr_FR"])
        sheet = self._sheet(self._download(url, "rep_analyst_fr"))
        env_fr = self.env(context={"lang": "fr_FR"})
        self.assertEqual(sheet.title, env_fr._("Customer Profitability")[:31])
        self.assertFalse(sheet.sheet_view.rightToLeft)
        header, _rows = self._rows_by_partner(sheet)
        fields = self.env["crm.customer.profitability"]._fields
        self.assertEqual(
            header, [fields[f]._description_string(env_fr) for f, _w in COLUMNS]
        )
        col = {fname: i for i, (fname, _w) in enumerate(COLUMNS)}
        row = next(
            r
            for r in sheet.iter_rows(min_row=2)
            if r[col["revenue"]].value == 1234567.89
        )
        revenue = row[col["revenue"]]
        self.assertEqual(revenue.data_type, "n")
        symbol = self.currency_a.symbol
        fmt = revenue.number_format
        self.assertIn(f'"{symbol}"', fmt)
        self.assertIn("#,##0.00", fmt)
        if self.currency_a.position == "before":
            self.assertLess(fmt.index(symbol), fmt.index("#"))
        else:
            self.assertGreater(fmt.index(symbol), fmt.index("0"))
        since = row[col["customer_since"]]
        self.assertTrue(since.is_date)
        self.assertEqual(since.value, datetime.datetime(2021, 3, 5))
        self.assertEqual(since.number_format, "dd/mm/yyyy")
        self.assertEqual(row[col["invoice_count"]].value, 12)
        self.assertEqual(row[col["grade"]].value, "A")
        # Company B's row carries its own currency's format.
        row_b = next(
            r for r in sheet.iter_rows(min_row=2) if r[col["revenue"]].value == 999.5
        )
        self.assertIn(
            f'"{self.currency_b.symbol}"', row_b[col["revenue"]].number_format
        )
        self.assertEqual(row_b[col["company_id"]].value, self.company_b.name)

    def test_xlsx_japanese_and_arabic(self):
        sheet = self._sheet(
            self._download(self._url(self.prof_ja, self.user_ja), "rep_analyst_ja")
        )
        col = {fname: i for i, (fname, _w) in enumerate(COLUMNS)}
        row = list(sheet.iter_rows(min_row=2, max_row=2))[0]
        self.assertEqual(row[col["partner_id"]].value, "山田商事株式会社")
        self.assertEqual(row[col["date_from"]].number_format, 'yyyy"年"mm"月"dd"日"')
        self.assertTrue(row[col["date_from"]].is_date)
        self.assertFalse(sheet.sheet_view.rightToLeft)

        sheet = self._sheet(
            self._download(self._url(self.prof_ar, self.user_ar), "rep_analyst_ar")
        )
        self.assertTrue(sheet.sheet_view.rightToLeft)
        env_ar = self.env(context={"lang": "ar_001"})
        self.assertEqual(sheet.title, env_ar._("Customer Profitability")[:31])
        row = list(sheet.iter_rows(min_row=2, max_row=2))[0]
        self.assertEqual(row[col["partner_id"]].value, "شركة الواحة")
        self.assertEqual(row[col["date_to"]].number_format, "dd mmm, yyyy")
        self.assertEqual(row[col["revenue"]].value, 700.25)

    def test_xlsx_any_session_of_the_user(self):
        """The url made in one session works in another one of that user, even
        with another company active there, and with the url's language."""
        url = self._url(self.prof_b | self.prof_fr, self.user_fr, lang="ja_JP")
        self.authenticate("rep_analyst_fr", "rep_analyst_fr")
        self.opener.cookies["cids"] = str(self.company_a.id)
        response = self._download(url)
        sheet = self._sheet(response)
        # Two records, then one total line per currency.
        self.assertEqual(sheet.max_row, 1 + 2 + 2)
        col = {fname: i for i, (fname, _w) in enumerate(COLUMNS)}
        row = list(sheet.iter_rows(min_row=2, max_row=2))[0]
        self.assertEqual(row[col["date_to"]].number_format, 'yyyy"年"mm"月"dd"日"')

    def test_xlsx_refused(self):
        url = self._url(self.profs_a, self.user_fr)
        # Not logged in: sent to the login page, no file.
        self.authenticate(None, None)
        response = self._download(url, status=303)
        self.assertIn("/web/login", response.headers["Location"])
        # A user of another company: the records are not readable for them.
        self._download(url, "rep_analyst_b", status=404)
        # One foreign id among readable ones refuses the whole file.
        url_mixed = self._url(self.prof_b, self.user_b)
        mixed = url_mixed.replace(
            "ids=", f"ids={encode_ids((self.prof_b | self.prof_fr).ids)}&x="
        )
        self._download(mixed, "rep_analyst_b", status=404)
        # An internal user without the analytics group.
        self._download(url, "rep_internal", status=403)
        # Malformed ids.
        self._download(f"{XLSX_ROUTE}?ids=1-x", "rep_analyst_fr", status=400)
        # Forged: not zlib data, an id beyond PostgreSQL's integers, a range too
        # long: a clear 400, never a 500.
        for forged in (
            "zAAAAAAAAAA",
            "99999999999",
            "2147483000-2147483700",
            "1-9999999",
        ):
            self._download(f"{XLSX_ROUTE}?ids={forged}", status=400)

    def test_export_url_quotes_the_language(self):
        """A forged context lang cannot add parameters to the url: Odoo refuses
        an unknown language code, and the url's parameters are urlencoded."""
        with self.assertRaises(UserError):
            self.profs_a.with_user(self.user_fr).with_context(
                lang="fr_FR&ids=1-99"
            ).action_export_xlsx()
        action = self.profs_a.with_user(self.user_fr).action_export_xlsx()
        query = parse_qs(urlparse(action["url"]).query, strict_parsing=True)
        self.assertEqual(query["ids"], [encode_ids(self.profs_a.ids)])
        self.assertEqual(query["lang"], [self.user_fr.lang])

    def test_export_action_checks_rights(self):
        with self.assertRaises(AccessError):
            self.prof_fr.with_user(self.user_b).action_export_xlsx()
        with self.assertRaises(AccessError):
            self.prof_fr.with_user(self.user_plain).action_export_xlsx()

    def test_xlsx_batches(self):
        """2,100 records are read in three batches: a few queries per batch,
        not per row, and every row written."""
        partners = self.env["res.partner"].create(
            [{"name": f"Batch Customer {i}"} for i in range(2100)]
        )
        records = self.env["crm.customer.profitability"].create(
            [
                {
                    "partner_id": p.id,
                    "company_id": self.company_a.id,
                    "date_from": self.date_from,
                    "date_to": self.date_to,
                    "revenue": 10.0,
                }
                for p in partners
            ]
        )
        self.env.flush_all()
        env = self.env(user=self.user_fr, context={"lang": "fr_FR"})
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            before = self.cr.sql_log_count
            ProfitabilityXlsxWriter(env, path).write_rows(records.ids)
            queries = self.cr.sql_log_count - before
            sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
            rows = list(sheet.iter_rows(values_only=True))
        finally:
            os.unlink(path)
        self.assertEqual(len(rows), 1 + 2100 + 1)
        self.assertEqual(rows[-1][COLUMNS.index(("revenue", 15))], 21000.0)
        self.assertLess(queries, 60)
