# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""compute_period computes every figure, rank, score and grade in one SQL
statement; ``engines/profitability.py`` is the reference arithmetic. These tests
recompute, with the engine, what the SQL stored, from the stored figures, and
require the same values (ranks and scores exactly, not almost)."""

from odoo.tests import tagged

from ..engines import profitability as engine
from ..models.crm_profitability_compute import FACTOR_COLUMNS as FACTOR_FIELDS
from .common import ProfitabilityBooksCommon


@tagged("post_install", "-at_install")
class TestCrmProfitabilitySqlMatchesEngine(ProfitabilityBooksCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # costs, so that costs, profits and their ranks differ between customers
        cls.company_a.write(
            {
                "crm_cost_per_email": 0.35,
                "crm_cost_per_ticket": 12.5,
                "crm_delinquency_daily_rate": 0.0007,
            }
        )
        cls.profile = cls.env["crm.profitability.profile"]._get_for_company(
            cls.company_a
        )

    def compute(self):
        model = self.env["crm.customer.profitability"]
        return model.browse(
            model.compute_period(self.date_from, self.date_to, self.company_a.id)
        )

    def assert_engine_agrees(self, records):
        self.assertGreater(len(records), 2)
        weights = self.profile._prof_weights()
        limits = self.profile._prof_limits()
        factors = [
            {key: record[name] for key, name in FACTOR_FIELDS.items()}
            for record in records
        ]
        expected = engine.score_rows(factors, weights, limits)
        for record, (ranks, score, grade) in zip(records, expected, strict=True):
            stored = {key: record[f"rank_{key}"] for key, _higher in engine.FACTORS}
            self.assertEqual(stored, ranks, record.partner_id.name)
            self.assertEqual(record.score, score, record.partner_id.name)
            self.assertEqual(record.grade, grade, record.partner_id.name)

    def test_ranks_score_grade_are_the_engines(self):
        for values in (
            {},  # the defaults: every weight 1
            {
                "weight_revenue": 0.3,
                "weight_profit": 1.7,
                "weight_payment": 2.5,
                "weight_lifetime": 0.0,
                "weight_average_invoice": 0.1,
                "weight_cost": 3.0,
                "grade_a_min": 77.5,
                "grade_b_min": 55.0,
                "grade_c_min": 45.25,
                "grade_d_min": 12.0,
            },
            {
                "weight_revenue": 0.0,
                "weight_profit": 0.0,
                "weight_payment": 0.0,
                "weight_lifetime": 1.0,
                "weight_average_invoice": 0.0,
                "weight_cost": 1.0,
            },
        ):
            with self.subTest(profile=values):
                self.profile.write(values)
                self.assert_engine_agrees(self.compute())

    def test_row_figures_follow_their_definitions(self):
        currency = self.company_a.currency_id
        records = self.compute()
        self.assertTrue(records.filtered("cost_total"), "some costs to check")
        for record in records:
            name = record.partner_id.name
            costs = (
                record.cost_acquisition
                + record.cost_marketing
                + record.cost_support
                + record.cost_delinquency
            )
            self.assertEqual(
                currency.compare_amounts(record.cost_total, costs), 0, name
            )
            self.assertEqual(
                currency.compare_amounts(
                    record.profit, record.margin - record.cost_total
                ),
                0,
                name,
            )
            self.assertEqual(
                record.payment_score,
                engine.payment_score(
                    record.paid_invoice_count,
                    record.on_time_count,
                    record.average_days_late,
                ),
                name,
            )
            self.assertEqual(
                record.margin_percent,
                100.0 * record.profit / record.revenue if record.revenue else 0.0,
                name,
            )
            self.assertEqual(
                record.average_invoice,
                currency.round(record.revenue / record.invoice_count)
                if record.invoice_count
                else 0.0,
                name,
            )
            self.assertEqual(
                record.lifetime_days,
                max(0, (self.date_to - record.customer_since).days)
                if record.customer_since
                else 0,
                name,
            )
            self.assertEqual(record.currency_id, currency)
            self.assertEqual(record.profile_id, self.profile)
