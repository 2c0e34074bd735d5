# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from .common import CrmAnalyticsUsersMixin


class DashboardFixtureMixin(CrmAnalyticsUsersMixin):
    """Profitability records written directly (the dashboard only reads them):
    12 customers in the latest daily period of the main company, an older
    manual period and another company's figures the dashboard must not show."""

    @classmethod
    def _setup_dashboard(cls):
        cls._setup_crm_analytics_users()
        # the figures below only (the demo's, if any, go: rolled back after the test)
        cls.env["crm.customer.profitability"].search([]).unlink()
        cls.company_b = cls.env["res.company"].create({"name": "Dashboard Company B"})
        cls.user_analyst.company_ids = [Command.link(cls.company_b.id)]
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.date_from = cls.today - relativedelta(months=12)
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Dash customer {i:02d}", "is_company": True} for i in range(12)]
        )
        Profitability = cls.env["crm.customer.profitability"]
        grades = "AABBBCCCDDEE"
        vals = []
        for index, customer in enumerate(cls.customers):
            vals.append(
                {
                    "partner_id": customer.id,
                    "company_id": cls.company.id,
                    "date_from": cls.date_from,
                    "date_to": cls.today,
                    "is_daily": True,
                    # the biggest customer (index 11) is the least profitable
                    "revenue": 1000.0 * (index + 1),
                    "profit": 100.0 * (12 - index) - (500 if index == 11 else 0),
                    "overdue_amount": 50.0 * index if index % 3 == 0 else 0.0,
                    "average_days_late": float(index),
                    "grade": grades[index],
                    "score": 90 - 7 * index,
                }
            )
        # an older, manual period and company B: never on the dashboard
        vals.append(
            dict(vals[0], is_daily=False, date_to=cls.today - relativedelta(days=1))
        )
        vals.append(
            dict(vals[0], company_id=cls.company_b.id, profit=99999.0, grade="A")
        )
        cls.records = Profitability.create(vals)


@tagged("post_install", "-at_install")
class TestCrmProfitabilityDashboard(DashboardFixtureMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_dashboard()

    def _invoice(self, customer, move_type, day, amount, post=True):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": customer.id,
                "invoice_date": day,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Work",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def _data(self, user=None, **kwargs):
        Profitability = self.env["crm.customer.profitability"]
        if user:
            Profitability = Profitability.with_user(user)
        return Profitability.get_dashboard_data(**kwargs)

    def test_figures_of_the_latest_daily_period(self):
        data = self._data(self.user_analyst)
        self.assertFalse(data["empty"])
        self.assertEqual(data["company_id"], self.company.id)
        self.assertEqual(data["date_to"], fields.Date.to_string(self.today))
        self.assertTrue(data["is_daily"])
        self.assertEqual(data["customer_count"], 12)
        self.assertAlmostEqual(data["total_revenue"], 78000.0)
        self.assertAlmostEqual(data["total_profit"], 7300.0)
        self.assertAlmostEqual(data["total_overdue"], 0 + 150 + 300 + 450)
        top = [row["partner_name"] for row in data["top"]]
        self.assertEqual(top, [f"Dash customer {i:02d}" for i in range(5)])
        self.assertEqual(data["top"][0]["grade"], "A")
        self.assertAlmostEqual(data["top"][0]["revenue"], 1000.0)
        bottom = [row["partner_name"] for row in data["bottom"]]
        # the biggest customer comes last of all
        self.assertEqual(bottom, [f"Dash customer {i:02d}" for i in (11, 10, 9, 8, 7)])
        self.assertAlmostEqual(data["bottom"][0]["profit"], -400.0)
        self.assertEqual(
            [(g["grade"], g["count"]) for g in data["grade_mix"]],
            [("A", 2), ("B", 3), ("C", 3), ("D", 2), ("E", 2)],
        )
        overdue = [
            (row["partner_name"], row["overdue_amount"]) for row in data["most_overdue"]
        ]
        self.assertEqual(
            overdue,
            [
                ("Dash customer 09", 450.0),
                ("Dash customer 06", 300.0),
                ("Dash customer 03", 150.0),
            ],
        )
        # the domain the blocks open is the one of these figures
        Profitability = self.env["crm.customer.profitability"]
        self.assertEqual(Profitability.search_count(data["domain"]), 12)

    def test_another_company(self):
        data = self._data(self.user_analyst, company_id=self.company_b.id)
        self.assertEqual(data["customer_count"], 1)
        self.assertAlmostEqual(data["total_profit"], 99999.0)
        outsider = new_test_user(
            self.env,
            login="dash_outsider",
            groups="base.group_user,crm_analytics.group_crm_analytics_user",
            company_id=self.company.id,
        )
        with self.assertRaises(AccessError):
            self._data(outsider, company_id=self.company_b.id)
        # and in the current company it sees only its own figures
        self.assertEqual(self._data(outsider)["customer_count"], 12)

    def test_empty_state_and_compute_now(self):
        self.records.unlink()
        data = self._data(self.user_analyst)
        self.assertTrue(data["empty"])
        self.assertTrue(data["can_compute"])
        Profitability = self.env["crm.customer.profitability"]
        with self.assertRaises(AccessError):
            Profitability.with_user(self.user_internal).action_dashboard_compute()
        with self.assertRaises(AccessError):
            Profitability.with_user(self.user_analyst).action_dashboard_compute(
                company_id=self.env["res.company"].create({"name": "Elsewhere"}).id
            )
        if not self.company.chart_template:
            return
        self._invoice(self.customers[0], "out_invoice", self.today, 1234.5)
        self.assertTrue(
            Profitability.with_user(self.user_analyst).action_dashboard_compute()
        )
        data = self._data(self.user_analyst)
        self.assertFalse(data["empty"])
        self.assertTrue(data["is_daily"])
        self.assertEqual(
            data["date_from"],
            fields.Date.to_string(self.today - relativedelta(months=12)),
        )
        row = next(r for r in data["top"] if r["partner_id"] == self.customers[0].id)
        self.assertAlmostEqual(row["revenue"], 1234.5)

    def test_a_few_queries_whatever_the_number_of_customers(self):
        Profitability = self.env["crm.customer.profitability"].with_user(
            self.user_analyst
        )
        Profitability.get_dashboard_data()
        self.env.invalidate_all()
        # period, totals, grade mix, three lists and their partners, the trend
        with self.assertQueryCount(20):
            Profitability.get_dashboard_data()
        more = self.env["res.partner"].create(
            [{"name": f"Dash extra {i}", "is_company": True} for i in range(40)]
        )
        Profitability.sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "date_from": self.date_from,
                    "date_to": self.today,
                    "is_daily": True,
                    "profit": 1.0,
                    "grade": "C",
                }
                for partner in more
            ]
        )
        self.env.invalidate_all()
        with self.assertQueryCount(20):
            Profitability.get_dashboard_data()

    def test_revenue_trend_is_odoo_posted_revenue_per_month(self):
        if not self.company.chart_template:
            self.skipTest("no chart of accounts on this database")
        customer = self.customers[0]
        this_month = self.today.replace(day=1)
        accountant = new_test_user(
            self.env,
            login="dash_accountant",
            groups="base.group_user,crm_analytics.group_crm_analytics_user,"
            "account.group_account_invoice",
        )
        # what the database already holds (demo invoices), month by month
        before = [m["revenue"] for m in self._data(accountant)["revenue_trend"]]

        def invoice(move_type, day, amount, post=True):
            return self._invoice(customer, move_type, day, amount, post=post)

        invoice("out_invoice", this_month, 1000.0)
        invoice("out_refund", this_month, 200.0)
        invoice("out_invoice", this_month - relativedelta(months=3), 500.25)
        invoice("out_invoice", this_month, 999.0, post=False)
        invoice("out_invoice", this_month - relativedelta(months=12), 700.0)
        trend = self._data(accountant)["revenue_trend"]
        self.assertEqual(len(trend), 12)
        self.assertEqual(trend[-1]["date_from"], fields.Date.to_string(this_month))
        self.assertEqual(
            trend[0]["date_from"],
            fields.Date.to_string(this_month - relativedelta(months=11)),
        )
        added = [round(m["revenue"] - b, 2) for m, b in zip(trend, before, strict=True)]
        self.assertEqual(added, [0.0] * 8 + [500.25, 0.0, 0.0, 800.0])
        # the analyst without an accounting right gets no trend, not an error
        self.assertIsNone(self._data(self.user_analyst)["revenue_trend"])


@tagged("post_install", "-at_install")
class TestCrmProfitabilityDashboardTour(DashboardFixtureMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_dashboard()

    def test_app_opens_on_the_dashboard(self):
        dashboard = self.env.ref("crm_analytics.crm_analytics_action_dashboard")
        self.assertEqual(dashboard.tag, "crm_profitability_dashboard")
        self.assertEqual(
            self.env.ref("crm_analytics.menu_crm_analytics_root").action, dashboard
        )
        self.start_tour(
            "/odoo", "crm_analytics_dashboard", login=self.user_analyst.login
        )

    def test_empty_dashboard_computes_on_demand(self):
        self.records.unlink()
        self.start_tour(
            "/odoo/action-crm_analytics.crm_analytics_action_dashboard",
            "crm_analytics_dashboard_empty",
            login=self.user_analytics_manager.login,
        )
