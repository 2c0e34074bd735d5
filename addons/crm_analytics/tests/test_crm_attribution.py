# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

ANALYST = "base.group_user,crm_analytics.group_crm_analytics_user"


@tagged("post_install", "-at_install")
class TestCrmAttributionReport(AccountTestInvoicingCommon):
    """Attribution of a fresh company's leads: first and last touch, totals
    equal to the leads and the won revenue per source, costs and ROI."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.env.user.groups_id += cls.env.ref(
            "crm_analytics.group_crm_analytics_manager"
        )
        env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        Utm = env["utm.source"]
        cls.src_fair, cls.src_ads, cls.src_mail = Utm.create(
            [{"name": "Fair X"}, {"name": "Ads X"}, {"name": "Mail X"}]
        )
        cls.medium = env["utm.medium"].create({"name": "Medium X"})
        cls.campaign = env["utm.campaign"].create({"name": "Campaign X"})
        cls.campaign.with_company(cls.company).crm_acquisition_cost = 600.0
        cls.src_fair.with_company(cls.company).crm_acquisition_cost = 300.0
        won_stage = env["crm.stage"].search([("is_won", "=", True)], limit=1)
        cls.p1 = env["res.partner"].create({"name": "Attr P1", "is_company": True})
        cls.p2 = env["res.partner"].create({"name": "Attr P2", "is_company": True})
        cls.p1_contact = env["res.partner"].create(
            {"name": "Attr P1 contact", "parent_id": cls.p1.id}
        )
        Lead = env["crm.lead"].with_company(cls.company)

        def lead(name, source, partner=False, **vals):
            return Lead.create(
                dict(
                    name=name,
                    type="opportunity",
                    source_id=source.id,
                    partner_id=partner and partner.id,
                    company_id=cls.company.id,
                    **vals,
                )
            )

        now = fields.Datetime.now()
        # the P1 contact's lead is P1's customer too (its commercial entity)
        cls.l1 = lead("L1", cls.src_fair, cls.p1_contact)
        cls.l2 = lead("L2", cls.src_fair)
        cls.l3 = lead("L3", cls.src_fair)
        cls.l4 = lead("L4", cls.src_ads, cls.p2)
        cls.l5 = lead("L5", cls.src_ads, cls.p2)
        cls.l6 = lead("L6", cls.src_ads, cls.p1)
        (cls.l1 | cls.l4 | cls.l5).write({"stage_id": won_stage.id, "probability": 100})
        (cls.l1 | cls.l4 | cls.l5).write({"date_closed": now - timedelta(days=1)})
        cls.l2.action_set_lost()
        cls.mailing = env["mailing.mailing"].create(
            {
                "subject": "Attr campaign",
                "mailing_model_id": env.ref("crm.model_crm_lead").id,
                "campaign_id": cls.campaign.id,
                "source_id": cls.src_mail.id,
                "medium_id": cls.medium.id,
            }
        )

        def click(record, when, mailing=cls.mailing):
            env["mailing.trace"].create(
                {
                    "mass_mailing_id": mailing.id,
                    "model": record._name,
                    "res_id": record.id,
                    "email": "x@example.com",
                    "trace_status": "open",
                    "links_click_datetime": when,
                }
            )

        # L4 clicked before it was won: last touch = the mailing's UTM
        click(cls.l4, now - timedelta(days=3))
        # L5 clicked (on its partner) after it was won only: stays first touch...
        click(cls.p2, now)
        # ... and L6 (not won) clicked through its partner: last touch
        click(cls.p1, now - timedelta(days=5))
        # P1: 1000 posted + a 300 credit note; a draft is left out. P2: 2000.
        cls.init_invoice(
            "out_invoice", cls.p1, fields.Date.today(), True, amounts=[1000.0]
        )
        cls.init_invoice(
            "out_refund", cls.p1, fields.Date.today(), True, amounts=[300.0]
        )
        cls.init_invoice("out_invoice", cls.p1, fields.Date.today(), amounts=[5000.0])
        cls.init_invoice(
            "out_invoice", cls.p2, fields.Date.today(), True, amounts=[2000.0]
        )
        cls.analyst = new_test_user(
            cls.env,
            login="attr_analyst",
            groups=ANALYST,
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def _rows(self, touch, user=None):
        # L3 and L4 hot, after crm_suite's queued rescoring has run
        self.env["crm.lead"].flush_model(["score_band"])
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET score_band = 'hot' WHERE id IN %s",
            [(self.l3.id, self.l4.id)],
        )
        self.env.invalidate_all()
        Report = self.env["crm.attribution.report"]
        if user:
            Report = Report.with_user(user)
        return Report.search(
            [("company_id", "=", self.company.id), ("touch", "=", touch)]
        )

    def _by_source(self, rows):
        out = {}
        for row in rows:
            sums = out.setdefault(row.source_id, [0, 0, 0, 0.0, 0.0])
            for i, fname in enumerate(
                ("lead_count", "hot_count", "won_count", "revenue", "cost")
            ):
                sums[i] += row[fname]
        return out

    def test_first_touch_totals(self):
        rows = self._rows("first", self.analyst)
        self.assertEqual(sum(rows.mapped("lead_count")), 6)
        by_source = self._by_source(rows)
        # fair: L1 won (P1: 1000 - 300), L2 lost, L3 hot; cost 300
        self.assertEqual(by_source[self.src_fair], [3, 1, 1, 700.0, 300.0])
        # ads: L4 and L5 won, both P2's: its 2000 counted once
        self.assertEqual(by_source[self.src_ads], [3, 1, 2, 2000.0, 0.0])
        fair = rows.filtered(lambda r: r.source_id == self.src_fair)
        self.assertAlmostEqual(fair.roi, 100.0 * (700.0 - 300.0) / 300.0)
        won_revenue = sum(rows.filtered("won_count").mapped("revenue"))
        self.assertAlmostEqual(won_revenue, 2700.0)

    def test_last_touch_clicks_before_won(self):
        rows = self._rows("last")
        self.assertEqual(sum(rows.mapped("lead_count")), 6)
        mail = rows.filtered(lambda r: r.source_id == self.src_mail)
        self.assertEqual(mail.campaign_id, self.campaign)
        self.assertEqual(mail.medium_id, self.medium)
        self.assertEqual((mail.lead_count, mail.won_count, mail.hot_count), (2, 1, 1))
        self.assertAlmostEqual(mail.revenue, 1000.0)
        # the campaign's 600 shared by its two last-touch leads
        self.assertAlmostEqual(mail.cost, 600.0)
        ads = rows.filtered(lambda r: r.source_id == self.src_ads)
        self.assertEqual((ads.lead_count, ads.won_count), (1, 1))
        self.assertAlmostEqual(ads.revenue, 1000.0)
        # the won revenue is the same in both touch models
        self.assertAlmostEqual(sum(rows.mapped("revenue")), 2700.0)

    def test_other_company_and_rights(self):
        other = self.setup_other_company(name="Attr B")["company"]
        user_b = new_test_user(
            self.env,
            login="attr_b",
            groups=ANALYST,
            company_id=other.id,
            company_ids=[other.id],
        )
        self.assertFalse(self._rows("first", user_b))
        outsider = new_test_user(self.env, login="attr_out", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["crm.attribution.report"].with_user(outsider).search([])
