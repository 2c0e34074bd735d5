# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The review of issue 14 as an attacker (users of two companies, a read-only
analyst, a plain employee, a portal user, a salesperson) and as an accountant
(definitions of FEATURES.md on a hand-made customer, to the cent)."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from ..models.crm_profitability_job import LOCK_KEY
from .common import ProfitabilityBooksCommon


@tagged("post_install", "-at_install")
class TestCrmProfitabilityAttacks(ProfitabilityBooksCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        both = [Command.set((cls.company_a | cls.company_b).ids)]
        cls.manager_a = mail_new_test_user(
            cls.env,
            login="prof_manager_a",
            groups="base.group_user,crm_analytics.group_crm_analytics_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.analyst_ab = mail_new_test_user(
            cls.env,
            login="prof_analyst_ab",
            groups="base.group_user,crm_analytics.group_crm_analytics_user",
            company_id=cls.company_a.id,
            company_ids=both,
        )
        cls.salesperson = mail_new_test_user(
            cls.env,
            login="prof_salesperson",
            groups="base.group_user,base.group_partner_manager,"
            "sales_team.group_sale_salesman",
            company_id=cls.company_a.id,
            company_ids=both,
        )
        cls.portal = mail_new_test_user(
            cls.env, login="prof_portal", groups="base.group_portal"
        )
        cls.Prof = cls.env["crm.customer.profitability"]

    def compute(self, company, user=None):
        model = self.Prof.with_user(user) if user else self.Prof
        return self.Prof.browse(
            model.compute_period(self.date_from, self.date_to, company.id)
        )

    # -- definitions, to the cent ------------------------------------------

    def test_customer_since_is_the_first_invoice_ever(self):
        """FEATURES.md: the first posted customer invoice *ever*: one posted in
        another company counts; drafts, cancelled moves and credit notes do not."""
        shared = self.customers_a[0]
        in_b = self._invoice(
            self.company_b_data, shared, "out_invoice", 700, [(self.product_free, 1, 5)]
        )
        in_b.action_post()
        for move_type, days in (("out_invoice", 900), ("out_refund", 800)):
            move = self._invoice(
                self.company_data, shared, move_type, days, [(self.product_free, 1, 7)]
            )
            if move_type == "out_refund":
                move.action_post()
        record = self.compute(self.company_a).filtered(lambda r: r.partner_id == shared)
        self.assertEqual(record.customer_since, in_b.invoice_date)
        self.assertEqual(record.lifetime_days, (self.date_to - in_b.invoice_date).days)

    def test_currencies_reversal_credit_notes_draft_cancel(self):
        """One customer by hand: a GBP invoice (company-currency balance), a
        reversed invoice (both moves count, they cancel out), a credit note, an
        overdue credit note (overdue covers invoices AND credit notes), a draft
        and a cancelled invoice (never count)."""
        customer = self.env["res.partner"].create(
            {"name": "By hand", "is_company": True}
        )
        company_data = self.company_data
        gbp = self._invoice(
            company_data,
            customer,
            "out_invoice",
            40,
            [(self.product_free, 2, 450.0)],
            self.gbp,
        )
        reversed_inv = self._invoice(
            company_data, customer, "out_invoice", 20, [(self.product_free, 1, 500.0)]
        )
        refund = self._invoice(
            company_data, customer, "out_refund", 5, [(self.product_free, 1, 50.0)]
        )
        old_refund = self._invoice(
            company_data, customer, "out_refund", 60, [(self.product_free, 1, 100.0)]
        )
        (gbp | reversed_inv | refund | old_refund).action_post()
        reversed_inv._reverse_moves(
            [{"invoice_date": reversed_inv.invoice_date, "date": reversed_inv.date}],
            cancel=True,
        )
        self._invoice(
            company_data, customer, "out_invoice", 10, [(self.product_free, 1, 300.0)]
        )
        cancelled = self._invoice(
            company_data, customer, "out_invoice", 10, [(self.product_free, 1, 200.0)]
        )
        cancelled.action_post()
        cancelled.button_draft()
        cancelled.button_cancel()
        record = self.compute(self.company_a).filtered(
            lambda r: r.partner_id == customer
        )
        currency = self.company_a.currency_id
        # 900 GBP at the invoice date's rate, in USD; 500 - 500; -50; -100
        expected = currency.round(gbp.amount_untaxed_signed - 50.0 - 100.0)
        self.assertNotEqual(gbp.amount_untaxed_signed, 900.0)
        self.assertAlmostEqual(record.revenue, expected, places=2)
        self.assertAlmostEqual(
            record.revenue,
            self.odoo_revenue(self.company_a, customer, self.date_from, self.date_to),
            places=2,
        )
        self.assertEqual(record.invoice_count, 2, "the reversed invoice counts")
        self.assertAlmostEqual(record.average_invoice, currency.round(expected / 2))
        # due 10 days ago (GBP invoice) and 30 days ago (old credit note)
        self.assertAlmostEqual(
            record.overdue_amount,
            currency.round(gbp.amount_residual_signed - 100.0),
            places=2,
        )
        self.assertEqual(record.paid_invoice_count, 0, "a reversal is no payment")
        self.assertEqual(record.payment_score, 100.0)

    # -- rights ----------------------------------------------------------

    def test_read_only_analyst_cannot_write_records_or_profiles(self):
        records = self.compute(self.company_a, self.analyst_a)
        self.assertTrue(records)
        as_analyst = records.with_user(self.analyst_a)
        profile = self.env["crm.profitability.profile"]._get_for_company(self.company_a)
        for attack in (
            lambda: as_analyst[:1].write({"revenue": 1e9}),
            lambda: as_analyst[:1].unlink(),
            lambda: self.Prof.with_user(self.analyst_a).create(
                {
                    "partner_id": self.customers_a[0].id,
                    "company_id": self.company_a.id,
                    "date_from": self.date_from,
                    "date_to": self.date_from,
                    "grade": "A",
                }
            ),
            lambda: profile.with_user(self.analyst_a).write({"weight_cost": 0}),
        ):
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                attack()

    def test_manager_of_a_cannot_touch_b_profile(self):
        profile_b = self.env["crm.profitability.profile"]._get_for_company(
            self.company_b
        )
        with self.assertRaises(AccessError):
            profile_b.with_user(self.manager_a).write({"grade_a_min": 1})
        # allowed in both companies but working in A: B's records stay hidden
        self.compute(self.company_b)
        model = self.Prof.with_user(self.analyst_ab).with_context(
            allowed_company_ids=self.company_a.ids
        )
        self.assertFalse(model.search([("company_id", "=", self.company_b.id)]))

    def test_profile_stays_in_its_company(self):
        company_c = self.env["res.company"].create({"name": "Books C"})
        self.env["crm.profitability.profile"]._get_for_company(company_c).unlink()
        profile_a = self.env["crm.profitability.profile"]._get_for_company(
            self.company_a
        )
        with self.assertRaises(UserError):
            profile_a.with_user(self.manager_a).write({"company_id": company_c.id})
        profile_a.with_user(self.manager_a).write(
            {"company_id": self.company_a.id, "weight_cost": 2}
        )
        self.assertEqual(profile_a.weight_cost, 2)

    def test_grade_cannot_be_set_by_hand(self):
        """crm_grade is the job's: a salesperson who may edit the customer
        cannot grade it over RPC (in either company); merging graded partners
        still works."""
        self.Prof._cron_compute_daily()
        record = self.Prof.search(
            [("is_daily", "=", True), ("company_id", "=", self.company_a.id)], limit=1
        )
        graded = record.partner_id.with_company(self.company_a)
        self.assertEqual(graded.crm_grade, record.grade)
        forged = "E" if record.grade == "A" else "A"
        partner = graded.with_user(self.salesperson)
        partner.write({"name": "Renamed by the salesperson", "crm_grade": forged})
        self.assertEqual(graded.name, "Renamed by the salesperson")
        for company in (self.company_a, self.company_b):
            partner.with_company(company).write({"crm_grade": forged})
        graded.invalidate_recordset()
        self.assertEqual(graded.crm_grade, record.grade)
        self.assertFalse(graded.with_company(self.company_b).crm_grade)
        created = (
            self.env["res.partner"]
            .with_user(self.salesperson)
            .create({"name": "Pre-graded", "crm_grade": "A"})
        )
        self.assertFalse(created.crm_grade)
        # Odoo's merge writes every stored field back, the grade included
        duplicate = self.env["res.partner"].create(
            {"name": "Duplicate", "is_company": True}
        )
        admin = mail_new_test_user(
            self.env,
            login="prof_admin",
            groups="base.group_user,base.group_system,base.group_partner_manager,"
            "account.group_account_manager",
            company_id=self.company_a.id,
            company_ids=[Command.set((self.company_a | self.company_b).ids)],
        )
        wizard = self.env["base.partner.merge.automatic.wizard"].with_user(admin)
        self.assertFalse(wizard.env.su)
        wizard._merge((duplicate | graded).ids, graded)
        self.assertTrue(graded.exists())
        self.assertFalse(duplicate.exists())

    def test_acquisition_cost_is_for_analytics_managers(self):
        campaign = self.env["utm.campaign"].create({"name": "Attack campaign"})
        source = self.env["utm.source"].create({"name": "Attack source"})
        for user in (self.salesperson, self.analyst_a):
            for record in (campaign, source):
                with self.assertRaises(AccessError):
                    record.with_user(user).write({"crm_acquisition_cost": 1e6})
        campaign.with_user(self.manager_a).crm_acquisition_cost = 120.0
        self.assertEqual(
            campaign.with_company(self.company_a).crm_acquisition_cost, 120.0
        )
        self.assertFalse(
            campaign.with_company(self.company_b).crm_acquisition_cost,
            "company-dependent: B's cost is untouched",
        )

    def test_public_methods_refuse_outsiders(self):
        for user in (self.portal, self.plain_user, self.salesperson):
            model = self.Prof.with_user(user)
            for call in (
                lambda m: m.compute_period(self.date_from, self.date_to),
                lambda m: m.action_dashboard_compute(),
                lambda m: m.get_dashboard_data(),
            ):
                with self.assertRaises(AccessError), mute_logger("odoo.models"):
                    call(model)
        analyst = self.Prof.with_user(self.analyst_a)
        for company_id in ("1", [self.company_a.id], True):
            with self.assertRaises(UserError):
                analyst.compute_period(self.date_from, self.date_to, company_id)
        with self.assertRaises(AccessError):
            analyst.get_dashboard_data(self.company_b.id)
        with self.assertRaises(AccessError):
            analyst.action_dashboard_compute(self.company_b.id)

    def test_compute_period_on_the_abstract_mixin(self):
        """Over RPC the mixin's model name answers too: it computes the real
        records instead of failing half-way."""
        ids = (
            self.env["crm.profitability.compute"]
            .with_user(self.analyst_a)
            .compute_period(self.date_from, self.date_to)
        )
        self.assertTrue(ids)
        self.assertEqual(self.Prof.browse(ids).company_id, self.company_a)

    def test_statement_stays_in_the_current_company(self):
        report = self.env["report.crm_analytics.report_customer_statement"]
        partner_b = self.customers_b[0]
        self.compute(self.company_b)
        values = report.with_user(self.analyst_a)._get_report_values(partner_b.ids)
        statement = values["statement"](partner_b, "en_US")
        self.assertFalse(statement["records"])
        self.assertFalse(statement["moves"])
        with self.assertRaises(AccessError):
            report.with_user(self.analyst_a).with_context(
                allowed_company_ids=self.company_b.ids
            )._get_report_values(partner_b.ids)

    def test_compute_now_while_the_job_holds_the_lock(self):
        """Another transaction (the job in another worker) holds the company's
        lock: "Compute now" says so instead of colliding with it, and the job
        in this transaction leaves that company alone."""
        with db_connect(self.env.cr.dbname).cursor() as other:
            other.execute(
                SQL("SELECT pg_advisory_xact_lock(%s, %s)", LOCK_KEY, self.company_a.id)
            )
            with self.assertRaises(UserError):
                self.Prof.with_user(self.analyst_a).action_dashboard_compute()
            self.Prof._cron_compute_daily()
            daily = self.Prof.search([("is_daily", "=", True)])
            self.assertNotIn(self.company_a, daily.company_id)
            self.assertIn(self.company_b, daily.company_id)
            other.rollback()
