# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""RFM of known customers (scores and groups worked out by hand from
FEATURES.md, and by engines/rfm.py from the stored figures), rule and RFM
segments, the mailing list they fill, and the attacks on them."""

import os
import tempfile

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..engines import rfm as engine
from ..report.crm_segment_xlsx import SegmentXlsxWriter

try:
    import openpyxl
except ImportError:  # pragma: no cover - a test dependency
    openpyxl = None
from .segments_common import SegmentBooksCommon

RFM = ("rfm_recency_days", "rfm_frequency", "rfm_monetary", "rfm_r", "rfm_f", "rfm_m")


@tagged("post_install", "-at_install")
class TestCrmSegmentRfm(SegmentBooksCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.c = cls._customers(5)
        c = cls.c
        cls._post(
            [(c[0], days, 1000.0) for days in (2, 10, 20, 30, 40)]
            + [(c[1], 5, 800.0), (c[1], 50, 800.0), (c[1], 10, 100.0, "out_refund")]
            + [(c[2], 100, 300.0), (c[3], 200, 100.0), (c[4], 500, 5000.0)]
        )
        # in company B, the old customer of A is its only (and best) customer
        cls._post([(c[4], 3, 50.0)], company=cls.company_b)

    def _rfm(self, partner, company):
        partner = partner.with_company(company)
        return tuple(partner[f] for f in RFM) + (partner.rfm_group,)

    def test_known_customers_land_in_their_quintiles_and_groups(self):
        scored = self.env["crm.segment.rfm"]._rfm_compute(self.company_a)
        self.assertEqual(scored, 5)
        c, a = self.c, self.company_a
        self.assertEqual(self._rfm(c[0], a), (2, 5, 5000.0, 5, 5, 5, "champions"))
        self.assertEqual(self._rfm(c[1], a), (5, 2, 1500.0, 4, 4, 4, "champions"))
        self.assertEqual(self._rfm(c[2], a), (100, 1, 300.0, 3, 3, 3, "loyal"))
        self.assertEqual(self._rfm(c[3], a), (200, 1, 100.0, 2, 3, 2, "at_risk"))
        # nothing in the last 365 days: frequency and monetary 0 score 1
        self.assertEqual(self._rfm(c[4], a), (500, 0, 0.0, 1, 1, 1, "lost"))
        # company-dependent: company B's figures are its own
        self.assertFalse(c[0].with_company(self.company_b).rfm_group)
        self.env["crm.segment.rfm"]._rfm_compute(self.company_b)
        self.assertEqual(
            self._rfm(c[4], self.company_b), (3, 1, 50.0, 5, 5, 5, "champions")
        )
        self.assertEqual(c[4].with_company(a).rfm_group, "lost")

    def test_sql_matches_the_engine(self):
        self.env["crm.segment.rfm"]._rfm_compute(self.company_a)
        partners = self.c.with_company(self.company_a)
        rows = [(p.rfm_recency_days, p.rfm_frequency, p.rfm_monetary) for p in partners]
        expected = engine.score_rfm(rows)
        stored = [(p.rfm_r, p.rfm_f, p.rfm_m, p.rfm_group) for p in partners]
        self.assertEqual(stored, expected)

    def test_search_and_group_by_the_unindexed_figures(self):
        self.env["crm.segment.rfm"]._rfm_compute(self.company_a)
        self.env["crm.segment.rfm"]._rfm_compute(self.company_b)
        Partner = self.env["res.partner"].with_company(self.company_a)
        c = self.c
        self.assertEqual(
            Partner.search([("id", "in", c.ids), ("rfm_r", ">=", 4)]), c[0] | c[1]
        )
        self.assertEqual(
            Partner.search([("id", "in", c.ids), ("rfm_monetary", ">", 1000)]),
            c[0] | c[1],
        )
        # company B's figures do not leak into company A's search
        self.assertEqual(
            Partner.search([("id", "in", c.ids), ("rfm_recency_days", "=", 3)]),
            Partner,
        )
        groups = Partner._read_group(
            [("id", "in", c.ids)], ["rfm_f"], ["id:count"], order="rfm_f"
        )
        self.assertEqual(groups, [(1, 1), (3, 2), (4, 1), (5, 1)])
        # only the group, that segments search by, keeps its index
        self.env.cr.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'res_partner'"
            " AND indexname LIKE 'res\\_partner\\_\\_rfm\\_%'"
        )
        self.assertEqual(self.env.cr.fetchall(), [("res_partner__rfm_group_index",)])

    def test_customer_without_invoices_anymore_loses_its_scores(self):
        self.env["crm.segment.rfm"]._rfm_compute(self.company_a)
        self.assertEqual(self.c[3].with_company(self.company_a).rfm_group, "at_risk")
        self.c[3].invoice_ids.filtered(
            lambda m: m.company_id == self.company_a
        ).button_draft()
        self.env["crm.segment.rfm"]._rfm_compute(self.company_a)
        partner = self.c[3].with_company(self.company_a)
        self.assertFalse(partner.rfm_group)
        self.assertEqual(partner.rfm_r, 0)
        # the others were rescored among four customers
        self.assertEqual(self.c[4].with_company(self.company_a).rfm_r, 2)

    def test_rfm_segment_refresh_fills_the_mailing_list(self):
        mailing_list = self.env["mailing.list"].create({"name": "Best"})
        segment = self.env["crm.segment"].create(
            {
                "name": "Champions",
                "segment_type": "rfm",
                "rfm_groups": "champions",
                "company_id": self.company_a.id,
                "mailing_list_id": mailing_list.id,
            }
        )
        self.assertTrue(segment.action_refresh())
        self.assertEqual(segment.partner_ids, self.c[0] | self.c[1])
        self.assertEqual(segment.member_count, 2)
        self.assertEqual(
            set(mailing_list.contact_ids.mapped("email_normalized")),
            set((self.c[0] | self.c[1]).mapped("email_normalized")),
        )
        segment.rfm_groups = "lost, at_risk"
        segment.action_refresh()
        self.assertEqual(segment.partner_ids, self.c[3] | self.c[4])
        self.assertEqual(
            set(mailing_list.contact_ids.mapped("email_normalized")),
            set((self.c[3] | self.c[4]).mapped("email_normalized")),
        )

    def test_segment_pdf_and_xlsx_as_the_reader(self):
        segment = self.env["crm.segment"].create(
            {
                "name": "Champions",
                "segment_type": "rfm",
                "rfm_groups": "champions",
                "company_id": self.company_a.id,
            }
        )
        segment.action_refresh()
        env = self.env(user=self.analyst_a, context={"lang": "en_US"})
        report = env["ir.actions.report"].with_context(force_report_rendering=True)
        html, _kind = report._render_qweb_html(
            "crm_analytics.action_report_segment", segment.ids
        )
        html = html.decode()
        self.assertIn(self.c[0].name, html)
        self.assertNotIn(self.c[4].name, html)
        self.assertIn("Champions", html)
        action = segment.with_env(env).action_export_xlsx()
        self.assertTrue(action["url"].startswith("/crm_analytics/segment/xlsx?"))
        if openpyxl is None:
            return
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            SegmentXlsxWriter(env, path).write_segments(segment.with_env(env))
            sheet = openpyxl.load_workbook(path).worksheets[0]
        finally:
            os.unlink(path)
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(sheet.title, "Champions")
        self.assertEqual(rows[0][0], "Name")
        by_name = {row[0]: row for row in rows[1:]}
        self.assertEqual(by_name[self.c[0].name][2], "Champions")
        self.assertEqual(by_name[self.c[0].name][5], 5000.0)  # a number, not text
        self.assertEqual(by_name["Total"][5], 6500.0)

    def test_refresh_enrols_the_members_in_the_drip_campaign(self):
        campaign = self.env["crm.drip.campaign"].create(
            {
                "name": "Segment drip",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "domain": "[]",
                "send_tz": "UTC",
                "company_id": self.company_a.id,
            }
        )
        self.env["crm.drip.step"].create(
            {
                "name": "Call them",
                "campaign_id": campaign.id,
                "trigger": "begin",
                "action_type": "activity",
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
            }
        )
        # running without its own enrolment (which would take every contact)
        campaign.state = "running"
        segment = self.env["crm.segment"].create(
            {
                "name": "Champions",
                "segment_type": "rfm",
                "rfm_groups": "champions",
                "company_id": self.company_a.id,
                "drip_campaign_id": campaign.id,
            }
        )
        segment.action_refresh()
        participants = self.env["crm.drip.participant"].search(
            [("campaign_id", "=", campaign.id)]
        )
        self.assertEqual(
            set(participants.mapped("res_id")), set(segment.partner_ids.ids)
        )
        segment.action_refresh()  # enrolled once
        self.assertEqual(
            self.env["crm.drip.participant"].search_count(
                [("campaign_id", "=", campaign.id)]
            ),
            2,
        )

    def test_bad_rfm_groups_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "RFM groups"):
            self.env["crm.segment"].create(
                {"name": "Bad", "segment_type": "rfm", "rfm_groups": "champions,vip"}
            )

    def test_daily_job_refreshes_every_segment_once_a_day(self):
        segment = self.env["crm.segment"].create(
            {
                "name": "Lost",
                "segment_type": "rfm",
                "rfm_groups": "lost",
                "company_id": self.company_a.id,
            }
        )
        self.env["crm.segment"]._cron_refresh()
        self.assertEqual(segment.partner_ids, self.c[4])
        refreshed = segment.last_refresh
        self.env["crm.segment"]._cron_refresh()
        self.assertEqual(segment.last_refresh, refreshed)


@tagged("post_install", "-at_install")
class TestCrmSegmentRules(SegmentBooksCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.c = cls._customers(4, "Rule customer")
        cls.c[0].sudo().crm_gender = "female"
        cls.c[1].sudo().crm_gender = "male"
        cls.c[2].sudo().crm_gender = "other"
        # a person of company 3 (its company becomes the member)
        cls.person = cls.env["res.partner"].create(
            {"name": "Person of 3", "parent_id": cls.c[3].id}
        )
        cls.person.sudo().write({"crm_gender": "female", "crm_income_band": "high"})

    def test_demographic_conditions_hold_only_when_filled(self):
        segment = (
            self.env["crm.segment"]
            .with_user(self.demographer)
            .create(
                {
                    "name": "Not male",
                    "domain": "[('crm_gender', '!=', 'male'), "
                    "('name', 'like', 'Rule customer')]",
                    "company_id": self.company_a.id,
                }
            )
        )
        segment.action_refresh()
        # customer 3 itself has no gender: not a member by itself
        self.assertEqual(segment.partner_ids, self.c[0] | self.c[2])
        segment.domain = "[('crm_income_band', '=', 'high')]"
        segment.action_refresh()
        self.assertEqual(segment.partner_ids, self.c[3])

    def test_code_in_a_filter_is_refused(self):
        for text in (
            "[('name', '=', __import__('os').getcwd())]",
            "[('id', 'in', env['res.users'].search([]).ids)]",
            "not a domain",
        ):
            with self.assertRaises(ValidationError):
                self.env["crm.segment"].create({"name": "Evil", "domain": text})

    def test_demographic_filter_refused_outside_the_group(self):
        with self.assertRaises(ValidationError):
            self.env["crm.segment"].with_user(self.manager_a).create(
                {"name": "Women", "domain": "[('crm_gender', '=', 'female')]"}
            )

    def test_demographic_fields_refused_over_rpc_outside_their_group(self):
        partner = self.c[0]
        for user in (self.manager_a, self.analyst_a):
            as_user = partner.with_user(user)
            with self.assertRaises(AccessError):
                as_user.read(["crm_gender"])
            with self.assertRaises(AccessError):
                as_user.search([("crm_gender", "=", "female")])
            with self.assertRaises(AccessError):
                as_user.write({"crm_income_band": "low"})
            self.assertNotIn("crm_birth_date", as_user.fields_get())
        as_demographer = partner.with_user(self.demographer)
        self.assertEqual(as_demographer.read(["crm_gender"])[0]["crm_gender"], "female")
        as_demographer.write({"crm_income_band": "low"})
        self.assertEqual(partner.sudo().crm_income_band, "low")

    def test_rfm_and_tier_fields_cannot_be_forged(self):
        partner = self.c[0].with_user(self.manager_a).with_company(self.company_a)
        partner.write({"rfm_group": "champions", "rfm_r": 5, "name": "Renamed"})
        self.assertEqual(partner.name, "Renamed")
        self.assertFalse(partner.rfm_group)
        self.assertEqual(partner.rfm_r, 0)

    def test_company_b_cannot_read_or_refresh_company_a_segments(self):
        segment = self.env["crm.segment"].create(
            {"name": "A only", "domain": "[]", "company_id": self.company_a.id}
        )
        Segment = self.env["crm.segment"].with_user(self.manager_b)
        self.assertFalse(Segment.search([("id", "=", segment.id)]))
        with self.assertRaises(AccessError):
            segment.with_user(self.manager_b).read(["name", "partner_ids"])
        with self.assertRaises(AccessError):
            segment.with_user(self.manager_b).action_refresh()
        # a reader of company A may read, not refresh
        segment.with_user(self.analyst_a).read(["member_count"])
        with self.assertRaises(AccessError):
            segment.with_user(self.analyst_a).action_refresh()
