# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..engines import forecast as engine

ANALYST = "base.group_user,crm_analytics.group_crm_analytics_user"
MANAGER = "base.group_user,crm_analytics.group_crm_analytics_manager"


@tagged("post_install", "-at_install")
class TestCrmRevenueForecast(AccountTestInvoicingCommon):
    """The revenue forecast of a company with eight months of posted invoices:
    the backtest months, their error, the months ahead, the rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.env.user.groups_id += cls.env.ref(
            "crm_analytics.group_crm_analytics_manager"
        )
        cls.company_b = cls.setup_other_company(name="Forecast B")["company"]
        cls.this_month = fields.Date.context_today(cls.env.user).replace(day=1)
        # 8 complete months: 1000, 1100, ..., 1700 (oldest first), one credit
        # note, and a draft and a cancelled invoice that must not count
        cls.revenue = {}
        partner = cls.partner_a
        for back in range(8, 0, -1):
            month = cls.this_month - relativedelta(months=back)
            amount = 1000.0 + 100 * (8 - back)
            cls.init_invoice(
                "out_invoice",
                partner=partner,
                invoice_date=month + relativedelta(days=9),
                amounts=[amount],
                post=True,
            )
            cls.revenue[month] = amount
        refund_month = cls.this_month - relativedelta(months=2)
        cls.init_invoice(
            "out_refund",
            partner=partner,
            invoice_date=refund_month + relativedelta(days=3),
            amounts=[200.0],
            post=True,
        )
        cls.revenue[refund_month] -= 200.0
        last = cls.this_month - relativedelta(months=1)
        cls.init_invoice(
            "out_invoice", partner=partner, invoice_date=last, amounts=[9999.0]
        )
        cancelled = cls.init_invoice(
            "out_invoice", partner=partner, invoice_date=last, amounts=[7777.0]
        )
        cancelled.button_cancel()
        cls.manager = new_test_user(
            cls.env,
            login="fc_manager",
            groups=MANAGER,
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.analyst = new_test_user(
            cls.env,
            login="fc_analyst",
            groups=ANALYST,
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.analyst_b = new_test_user(
            cls.env,
            login="fc_analyst_b",
            groups=MANAGER,
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )

    def _compute(self):
        Forecast = self.env["crm.revenue.forecast"].with_user(self.manager)
        self.assertIs(Forecast.action_compute(self.company.id), True)
        return Forecast.search([("company_id", "=", self.company.id)])

    def test_backtest_months_and_months_ahead(self):
        records = self._compute()
        backtest = records.filtered("is_backtest")
        ahead = records - backtest
        expected_months = [
            self.this_month - relativedelta(months=back) for back in range(6, 0, -1)
        ]
        self.assertEqual(backtest.mapped("date"), expected_months)
        self.assertEqual(len(ahead), 6)
        self.assertEqual(ahead[0].date, self.this_month)
        self.assertTrue(all(d.day == 1 for d in records.mapped("date")))
        # the actual is the month's posted revenue, drafts and cancelled left out
        for record in backtest:
            self.assertAlmostEqual(record.actual, self.revenue[record.date])
        # each backtest month is forecast from the months before it only
        series = [self.revenue[m] for m in sorted(self.revenue)]
        for index, record in enumerate(backtest):
            before = series[: index + 2]
            predicted, method = engine.forecast(before, 1)
            self.assertEqual(record.method, method)
            self.assertAlmostEqual(record.amount, max(0.0, round(predicted[0], 2)))
        self.assertEqual(backtest[0].method, engine.METHOD_MEAN)
        self.assertEqual(ahead[0].method, engine.METHOD_TREND)
        # the chart draws both series from these records
        chart = (
            self.env["crm.revenue.forecast.chart"]
            .with_user(self.analyst)
            .search([("company_id", "=", self.company.id)])
        )
        forecast = chart.filtered(lambda r: r.series == "forecast")
        actual = chart.filtered(lambda r: r.series == "actual")
        self.assertEqual(len(forecast), 12)
        self.assertEqual(actual.mapped("date"), expected_months)
        self.assertEqual(actual.mapped("value"), backtest.mapped("actual"))
        self.assertEqual(
            sorted(forecast.mapped("value")), sorted(records.mapped("amount"))
        )

    def test_backtest_error_matches_stored_records(self):
        records = self._compute()
        error = (
            self.env["crm.revenue.forecast"]
            .with_user(self.analyst)
            .get_backtest_error(self.company.id)
        )
        pairs = [(r.actual, r.amount) for r in records if r.is_backtest and r.actual]
        recomputed = 100.0 * sum(abs(a - f) / abs(a) for a, f in pairs) / len(pairs)
        self.assertAlmostEqual(error, recomputed, places=6)
        self.assertGreater(error, 0.0)

    def test_actual_zero_is_left_out_and_recompute_replaces(self):
        records = self._compute()
        first = records.filtered("is_backtest")[0]
        first.sudo().actual = 0.0
        pairs = [(r.actual, r.amount) for r in records if r.is_backtest and r.actual]
        self.assertEqual(len(pairs), 5)
        error = self.env["crm.revenue.forecast"].get_backtest_error(self.company.id)
        self.assertAlmostEqual(error, engine.mape(pairs))
        again = self._compute()
        self.assertEqual(len(again), 12)
        self.assertFalse(records.exists())

    def test_no_history_no_error(self):
        Forecast = self.env["crm.revenue.forecast"].with_user(self.analyst_b)
        Forecast.action_compute()
        records = Forecast.search([])
        self.assertEqual(len(records), 12)
        self.assertEqual(set(records.mapped("method")), {engine.METHOD_NONE})
        self.assertIs(Forecast.get_backtest_error(), False)

    def test_rights_read_only_user_and_other_company(self):
        self._compute()
        analyst = self.env["crm.revenue.forecast"].with_user(self.analyst)
        with self.assertRaises(AccessError):
            analyst.action_compute(self.company.id)
        other = self.env["crm.revenue.forecast"].with_user(self.analyst_b)
        with self.assertRaises(AccessError):
            other.get_backtest_error(self.company.id)
        with self.assertRaises(AccessError):
            other.action_compute(self.company.id)
        self.assertFalse(other.search([("company_id", "=", self.company.id)]))
        self.assertFalse(
            self.env["crm.revenue.forecast.chart"]
            .with_user(self.analyst_b)
            .search([("company_id", "=", self.company.id)])
        )
        outsider = new_test_user(
            self.env, login="fc_outsider", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.env["crm.revenue.forecast"].with_user(outsider).get_backtest_error()

    def test_cron_all_companies(self):
        self.env["crm.revenue.forecast"]._cron_compute()
        Forecast = self.env["crm.revenue.forecast"]
        for company in (self.company, self.company_b):
            self.assertEqual(
                Forecast.search_count(
                    [("company_id", "=", company.id), ("is_backtest", "=", True)]
                ),
                6,
            )


class TestCrmRevenueForecastGraphs(TransactionCase):
    """The forecast graphs compare series: none adds the forecast to the actual."""

    def _graph(self, model):
        arch = self.env[model].get_views([(False, "graph")])["views"]["graph"]["arch"]
        return etree.fromstring(arch)

    def test_forecast_graphs_are_not_stacked(self):
        for model in ("crm.revenue.forecast", "crm.revenue.forecast.chart"):
            with self.subTest(model=model):
                self.assertEqual(self._graph(model).get("stacked"), "0")

    def test_revenue_forecast_graph_shows_the_forecast(self):
        # a graph shows a single measure, the last one of its arch
        measures = self._graph("crm.revenue.forecast").xpath(
            "//field[@type='measure']/@name"
        )
        self.assertEqual(measures[-1], "amount")
