# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCrmProfitabilityDemo(TransactionCase):
    """The demo's story holds once the daily job ran at install: the biggest
    customer (Atlas Logistics, most revenue) is not the most profitable one,
    its acquisition, support and delinquency costs drag it down."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search([("name", "=", "crm_analytics")])
        if not module.demo:
            cls.skipTest(cls, "crm_analytics was installed without demo data")
        cls.company = cls.env.ref("base.main_company")
        cls.records = cls.env["crm.customer.profitability"].search(
            [("company_id", "=", cls.company.id), ("is_daily", "=", True)]
        )
        cls.by_partner = {rec.partner_id: rec for rec in cls.records}

    def _record(self, key):
        return self.by_partner[self.env.ref(f"crm_analytics.partner_demo_{key}")]

    def test_biggest_customer_is_not_the_most_profitable(self):
        atlas, brightline = self._record("atlas"), self._record("brightline")
        biggest = max(self.records, key=lambda rec: rec.revenue)
        best = max(self.records, key=lambda rec: rec.profit)
        self.assertEqual(biggest, atlas)
        self.assertEqual(best, brightline)
        self.assertNotEqual(biggest, best)
        self.assertAlmostEqual(atlas.revenue, 115000.0)
        self.assertAlmostEqual(brightline.revenue, 80000.0)
        self.assertEqual(atlas.invoice_count, 3)
        # what drags it down
        self.assertAlmostEqual(atlas.cost_acquisition, 45000.0)
        self.assertGreater(atlas.cost_support, brightline.cost_support)
        self.assertGreater(atlas.cost_delinquency, 0.0)
        self.assertGreater(atlas.cost_marketing, brightline.cost_marketing)
        self.assertAlmostEqual(atlas.overdue_amount, 40000.0)
        self.assertGreater(atlas.average_days_late, 30.0)
        self.assertLess(atlas.payment_score, brightline.payment_score)
        self.assertAlmostEqual(brightline.overdue_amount, 0.0)
        self.assertAlmostEqual(brightline.payment_score, 100.0)
        self.assertGreater(brightline.score, atlas.score)

    def test_the_other_customers(self):
        cedar, dune, ember = (self._record(k) for k in ("cedar", "dune", "ember"))
        # Cedar paid 12,000 of its first 20,000
        self.assertAlmostEqual(cedar.revenue, 30000.0)
        self.assertAlmostEqual(cedar.overdue_amount, 8000.0)
        # Dune paid 5 days late
        self.assertAlmostEqual(dune.average_days_late, 5.0)
        # Ember: first order credited in full, the second one overdue, a loss
        self.assertAlmostEqual(ember.revenue, 3000.0)
        self.assertAlmostEqual(ember.overdue_amount, 3000.0)
        self.assertLess(ember.profit, 0.0)
        story = self.records.filtered(
            lambda rec: rec.partner_id.get_external_id()[rec.partner_id.id].startswith(
                "crm_analytics.partner_demo_"
            )
        )
        self.assertEqual(min(story, key=lambda rec: rec.profit), ember)
        self.assertEqual(min(self.records, key=lambda rec: rec.profit), ember)

    def test_the_dashboard_opens_on_the_story(self):
        data = self.env["crm.customer.profitability"].get_dashboard_data()
        self.assertFalse(data["empty"])
        self.assertTrue(data["is_daily"])
        top = data["top"][0]
        self.assertEqual(
            top["partner_id"], self.env.ref("crm_analytics.partner_demo_brightline").id
        )
        atlas = self.env.ref("crm_analytics.partner_demo_atlas").id
        self.assertIn(atlas, [row["partner_id"] for row in data["most_overdue"]])
