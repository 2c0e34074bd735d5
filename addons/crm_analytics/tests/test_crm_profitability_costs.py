# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The four costs of serving a customer, and compute_period's query budget."""

from odoo import Command, fields
from odoo.tests import tagged

from .common import ProfitabilityBooksCommon


@tagged("post_install", "-at_install")
class TestCrmProfitabilityCosts(ProfitabilityBooksCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.x, cls.y = cls.customers_a[0], cls.customers_a[1]
        cls.company_a.write(
            {
                "crm_cost_per_email": 0.5,
                "crm_cost_per_ticket": 10.0,
                "crm_delinquency_daily_rate": 0.001,
            }
        )
        now = fields.Datetime.now()
        won = cls.env["crm.stage"].search([("is_won", "=", True)], limit=1) or cls.env[
            "crm.stage"
        ].create({"name": "Won", "is_won": True})
        cls.campaign = cls.env["utm.campaign"].create({"name": "Fair"})
        cls.source = cls.env["utm.source"].create({"name": "Fair booth"})
        cls.campaign.with_company(cls.company_a).crm_acquisition_cost = 300.0
        cls.campaign.with_company(cls.company_b).crm_acquisition_cost = 9999.0
        cls.source.with_company(cls.company_a).crm_acquisition_cost = 60.0
        leads = cls.env["crm.lead"].create(
            [
                {
                    "name": f"Won {i}",
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "company_id": cls.company_a.id,
                    "campaign_id": cls.campaign.id,
                    "source_id": source.id,
                    "stage_id": won.id,
                }
                for i, (partner, source) in enumerate(
                    [
                        (cls.x, cls.source),
                        (cls.x.child_ids[0], cls.env["utm.source"]),
                        (cls.y, cls.env["utm.source"]),
                    ]
                )
            ]
        )
        leads.write({"date_closed": now})
        cls.mailing = cls.env["mailing.mailing"].create(
            {"subject": "News", "body_html": "<p>News</p>", "crm_budget": 100.0}
        )
        others = cls.env["res.partner"].create([{"name": "Prospect 1"}, {"name": "P2"}])
        cls.env["mailing.trace"].create(
            [
                {
                    "model": "res.partner",
                    "res_id": partner.id,
                    "mass_mailing_id": cls.mailing.id,
                    "sent_datetime": now,
                    "trace_status": "sent",
                    "email": f"p{partner.id}@example.com",
                }
                for partner in (cls.x.child_ids[0], cls.x, *others)
            ]
        )
        cls.env["crm.ticket"].create(
            [
                {
                    "name": f"Help {i}",
                    "partner_id": cls.x.child_ids[0].id,
                    "company_id": cls.company_a.id,
                }
                for i in range(2)
            ]
        )

    def test_the_four_costs(self):
        model = self.env["crm.customer.profitability"]
        records = model.browse(
            model.compute_period(self.date_from, self.date_to, self.company_a.id)
        )
        by_partner = {r.partner_id: r for r in records}
        x, y = by_partner[self.x], by_partner[self.y]
        # 300 over 3 won leads (2 of X) + the source's 60 over its one lead (X's)
        self.assertAlmostEqual(x.cost_acquisition, 260.0)
        self.assertAlmostEqual(y.cost_acquisition, 100.0)
        # 2 emails x 0.5 + 2 of the mailing's 4 emails x 100 / 4
        self.assertAlmostEqual(x.cost_marketing, 51.0)
        self.assertAlmostEqual(y.cost_marketing, 0.0)
        self.assertAlmostEqual(x.cost_support, 20.0)
        self.assertAlmostEqual(y.cost_support, 0.0)
        for record in records:
            moves = self.env["account.move"].search(
                [
                    ("company_id", "=", self.company_a.id),
                    ("commercial_partner_id", "=", record.partner_id.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date_due", "<", self.today),
                ]
            )
            carried = sum(
                m.amount_residual_signed * (self.today - m.invoice_date_due).days
                for m in moves
            )
            self.assertAlmostEqual(
                record.cost_delinquency, max(0.0, round(carried * 0.001, 2)), places=2
            )
            costs = (
                record.cost_acquisition
                + record.cost_marketing
                + record.cost_support
                + record.cost_delinquency
            )
            self.assertAlmostEqual(record.cost_total, costs, places=2)
            self.assertAlmostEqual(record.profit, record.margin - costs, places=2)

    def test_margin_uses_known_product_costs(self):
        model = self.env["crm.customer.profitability"]
        records = model.browse(
            model.compute_period(self.date_from, self.date_to, self.company_a.id)
        )
        report = self.env["account.invoice.report"].with_context(
            allowed_company_ids=[self.company_a.id]
        )
        for record in records:
            [(margin,)] = report._read_group(
                [
                    ("commercial_partner_id", "=", record.partner_id.id),
                    ("company_id", "=", self.company_a.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date", ">=", self.date_from),
                    ("invoice_date", "<=", self.date_to),
                ],
                aggregates=["price_margin:sum"],
            )
            self.assertAlmostEqual(record.margin, margin or 0.0, places=2)

    def _queries_of_compute(self, company):
        model = self.env["crm.customer.profitability"]
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        ids = model.compute_period(self.date_from, self.date_to, company.id)
        self.env.flush_all()
        return self.env.cr.sql_log_count - before, len(ids)

    def test_query_count_does_not_grow_with_customers(self):
        small = self._create_company(name="Three customers")
        big = self._create_company(name="Thirty customers")
        self.env.user.company_ids += small | big
        for company, count in ((small, 3), (big, 30)):
            partners = self.env["res.partner"].create(
                [{"name": f"{company.name} {i}"} for i in range(count)]
            )
            journal = self.env["account.journal"].search(
                [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
            )
            moves = (
                self.env["account.move"]
                .with_company(company)
                .create(
                    [
                        {
                            "move_type": "out_invoice",
                            "partner_id": partner.id,
                            "journal_id": journal.id,
                            "invoice_date": self.today,
                            "invoice_line_ids": [
                                Command.create(
                                    {"name": "x", "price_unit": 10.0 + i, "tax_ids": []}
                                )
                            ],
                        }
                        for i, partner in enumerate(partners)
                    ]
                )
            )
            moves.action_post()
        # warm-up: the first call creates the companies' profiles
        for company in (small, big):
            self._queries_of_compute(company)
        small_count, small_n = self._queries_of_compute(small)
        big_count, big_n = self._queries_of_compute(big)
        self.assertEqual((small_n, big_n), (3, 30))
        self.assertEqual(small_count, big_count)
        self.assertLessEqual(big_count, 30)
        with self.assertQueryCount(big_count):
            self.env.invalidate_all()
            self.env["crm.customer.profitability"].compute_period(
                self.date_from, self.date_to, big.id
            )
            self.env.flush_all()

    def test_wizard_opens_the_records(self):
        wizard = self.env["crm.profitability.compute.wizard"].create(
            {
                "date_from": self.date_from,
                "date_to": self.date_to,
                "company_id": self.company_a.id,
            }
        )
        action = wizard.action_compute()
        self.assertEqual(action["res_model"], "crm.customer.profitability")
        ids = action["domain"][0][2]
        self.assertTrue(ids)
