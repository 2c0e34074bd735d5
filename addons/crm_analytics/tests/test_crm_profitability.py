# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""compute_period against Odoo's own figures, to the cent, on generated books."""

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from ..engines import profitability as engine
from ..models.crm_profitability_sql import revenue_lines
from .common import ProfitabilityBooksCommon


@tagged("post_install", "-at_install")
class TestCrmProfitability(ProfitabilityBooksCommon):
    def compute(self, company, date_from=None, date_to=None):
        model = self.env["crm.customer.profitability"]
        ids = model.compute_period(
            date_from or self.date_from, date_to or self.date_to, company.id
        )
        return model.browse(ids)

    def test_revenue_and_overdue_match_odoo_to_the_cent(self):
        for company, customers in (
            (self.company_a, self.customers_a),
            (self.company_b, self.customers_b),
        ):
            records = self.compute(company)
            by_partner = {r.partner_id: r for r in records}
            currency = company.currency_id
            for partner in customers:
                revenue = self.odoo_revenue(
                    company, partner, self.date_from, self.date_to
                )
                overdue = self.odoo_overdue(company, partner)
                record = by_partner.get(partner)
                if (
                    currency.is_zero(revenue)
                    and currency.is_zero(overdue)
                    and not record
                ):
                    continue
                self.assertTrue(
                    record, f"{partner.name} has no record in {company.name}"
                )
                self.assertEqual(
                    currency.compare_amounts(record.revenue, revenue),
                    0,
                    f"{partner.name}: {record.revenue} != {revenue}",
                )
                self.assertEqual(
                    currency.compare_amounts(record.overdue_amount, overdue),
                    0,
                    f"{partner.name}: {record.overdue_amount} != {overdue}",
                )
                self.assertEqual(record.currency_id, currency)
            self.assertFalse(
                records.partner_id & (self.customers_a | self.customers_b) - customers,
                "a customer of the other company",
            )
            self.assertFalse(
                records.filtered(lambda r: r.partner_id.parent_id),
                "records are per commercial entity",
            )

    def test_revenue_lines_open_bounds_and_sql_company(self):
        # the one revenue definition: either date may be left open, and the
        # company may be an SQL expression; each is Odoo's figure
        far_past, far_future = self.today - relativedelta(years=50), self.today
        far_future += relativedelta(years=50)
        company = self.company_a
        cases = [
            (company, self.date_from, None, self.date_from, far_future),
            (company, None, self.date_from, far_past, self.date_from),
            (company, None, None, far_past, far_future),
            (SQL("%s", company.id), self.date_from, self.date_to, None, None),
        ]
        for company_arg, date_from, date_to, odoo_from, odoo_to in cases:
            self.env.cr.execute(
                SQL(
                    """SELECT move.commercial_partner_id, SUM(-line.balance)
                         FROM account_move_line line
                         JOIN account_move move ON move.id = line.move_id
                        WHERE %s
                     GROUP BY move.commercial_partner_id""",
                    revenue_lines(company_arg, date_from, date_to),
                )
            )
            ours = dict(self.env.cr.fetchall())
            for partner in self.customers_a:
                expected = self.odoo_revenue(
                    company,
                    partner,
                    odoo_from or self.date_from,
                    odoo_to or self.date_to,
                )
                self.assertAlmostEqual(
                    ours.get(partner.id, 0.0), expected, places=2, msg=partner.name
                )
            self.assertTrue(ours, "the books have revenue in every case")

    def test_counts_since_and_payments(self):
        records = self.compute(self.company_a)
        for record in records:
            moves = self.env["account.move"].search(
                [
                    ("company_id", "=", self.company_a.id),
                    ("commercial_partner_id", "=", record.partner_id.id),
                    ("state", "=", "posted"),
                    ("move_type", "=", "out_invoice"),
                ]
            )
            in_period = moves.filtered(
                lambda m: self.date_from <= m.invoice_date <= self.date_to
            )
            self.assertEqual(record.invoice_count, len(in_period))
            since = min(moves.mapped("invoice_date")) if moves else False
            self.assertEqual(record.customer_since, since)
            self.assertEqual(
                record.lifetime_days, (self.date_to - since).days if since else 0
            )
            paid = in_period.filtered(
                lambda m: m.payment_state in ("paid", "in_payment")
            )
            dates = {}
            for move in paid:
                partials = (
                    move.line_ids.matched_debit_ids | move.line_ids.matched_credit_ids
                )
                if partials:
                    dates[move] = max(partials.mapped("max_date"))
            late = [max(0, (d - m.invoice_date_due).days) for m, d in dates.items()]
            on_time = sum(1 for m, d in dates.items() if d <= m.invoice_date_due)
            self.assertEqual(record.paid_invoice_count, len(dates))
            self.assertAlmostEqual(
                record.average_days_late, sum(late) / len(late) if late else 0.0
            )
            self.assertAlmostEqual(
                record.payment_score,
                engine.payment_score(
                    len(dates), on_time, sum(late) / len(late) if late else 0.0
                ),
            )
            if record.invoice_count:
                self.assertEqual(
                    record.average_invoice,
                    self.company_a.currency_id.round(
                        record.revenue / record.invoice_count
                    ),
                )

    def test_grades_by_hand_under_a_profile(self):
        profile = self.env["crm.profitability.profile"]._get_for_company(self.company_a)
        profile.write(
            {
                "weight_revenue": 3,
                "weight_profit": 0,
                "weight_payment": 1,
                "weight_lifetime": 0,
                "weight_average_invoice": 0,
                "weight_cost": 1,
                "grade_a_min": 90,
                "grade_b_min": 70,
                "grade_c_min": 50,
                "grade_d_min": 30,
            }
        )
        records = self.compute(self.company_a)
        self.assertGreater(len(records), 2)
        revenues = records.mapped("revenue")
        payments = records.mapped("payment_score")
        costs = records.mapped("cost_total")
        n = len(records)
        for record in records:
            rank_rev = 100.0 * sum(1 for v in revenues if v <= record.revenue) / n
            rank_pay = 100.0 * sum(1 for v in payments if v <= record.payment_score) / n
            rank_cost = 100.0 * sum(1 for v in costs if v >= record.cost_total) / n
            score = round((3 * rank_rev + rank_pay + rank_cost) / 5)
            grade = next(
                (
                    g
                    for g, lim in zip("ABCD", (90, 70, 50, 30), strict=False)
                    if score >= lim
                ),
                "E",
            )
            self.assertAlmostEqual(record.rank_revenue, rank_rev)
            self.assertEqual(record.score, score)
            self.assertEqual(record.grade, grade)
            self.assertEqual(record.profile_id, profile)
            self.assertIn(str(record.score), record.score_explanation)

    def test_refresh_replaces_the_period(self):
        first = self.compute(self.company_a)
        second = self.compute(self.company_a)
        self.assertFalse(first.exists())
        self.assertEqual(len(first), len(second))
        other = self.compute(
            self.company_a, self.date_from, self.date_to - relativedelta(days=1)
        )
        self.assertTrue(second.exists(), "another period is left alone")
        self.assertTrue(other)

    def test_company_b_user_cannot_read_or_compute_company_a(self):
        records_a = self.compute(self.company_a)
        model_b = self.env["crm.customer.profitability"].with_user(self.analyst_b)
        self.assertFalse(model_b.search([("company_id", "=", self.company_a.id)]))
        with self.assertRaises(AccessError):
            records_a.with_user(self.analyst_b).read(["revenue"])
        with self.assertRaises(AccessError):
            model_b.compute_period(self.date_from, self.date_to, self.company_a.id)
        ids_b = model_b.compute_period(self.date_from, self.date_to)
        self.assertTrue(ids_b)
        self.assertEqual(model_b.browse(ids_b).company_id, self.company_b)

    def test_non_analytics_user_gets_access_error(self):
        model = self.env["crm.customer.profitability"].with_user(self.plain_user)
        with self.assertRaises(AccessError):
            model.compute_period(self.date_from, self.date_to, self.company_a.id)

    def test_bad_periods(self):
        model = self.env["crm.customer.profitability"].with_user(self.analyst_a)
        with self.assertRaises(ValidationError):
            model.compute_period(self.date_to, self.date_from)
        with self.assertRaises(AccessError):
            model.compute_period(self.date_from, self.date_to, self.company_b.id)

    def test_cron_is_idempotent_and_grades_partners(self):
        model = self.env["crm.customer.profitability"]
        model._cron_compute_daily()
        daily = model.search(
            [("is_daily", "=", True), ("company_id", "=", self.company_a.id)]
        )
        self.assertTrue(daily)
        date_from, date_to = model._daily_period()
        self.assertEqual(set(daily.mapped("date_from")), {date_from})
        self.assertEqual(set(daily.mapped("date_to")), {date_to})
        model._cron_compute_daily()
        again = model.search(
            [("is_daily", "=", True), ("company_id", "=", self.company_a.id)]
        )
        self.assertEqual(daily, again)
        figures = sorted(daily.mapped(lambda r: (r.partner_id.id, r.revenue, r.grade)))
        model.with_context(crm_profitability_force=True)._cron_compute_daily()
        forced = model.search(
            [("is_daily", "=", True), ("company_id", "=", self.company_a.id)]
        )
        self.assertEqual(
            sorted(forced.mapped(lambda r: (r.partner_id.id, r.revenue, r.grade))),
            figures,
        )
        for record in forced:
            self.assertEqual(
                record.partner_id.with_company(self.company_a).crm_grade, record.grade
            )
        partner = forced[:1].partner_id.with_company(self.company_a)
        self.assertEqual(partner.crm_profitability_daily_id, forced[:1])

    def test_partner_form_explains_the_grade(self):
        self.env["crm.customer.profitability"]._cron_compute_daily()
        partner = self.customers_a[0].with_user(self.analyst_a)
        record = partner.crm_profitability_daily_id
        self.assertTrue(record)
        self.assertEqual(partner.crm_grade, record.grade)
        self.assertIn("round(", partner.crm_score_explanation)
        self.assertIn(f"= {record.score}", partner.crm_score_explanation)
        # the page is left out for users without the analytics group
        arch = (
            self.env["res.partner"]
            .with_user(self.plain_user)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn("crm_score_explanation", arch)
        self.assertNotIn(
            "crm_score_explanation",
            self.env["res.partner"].with_user(self.plain_user).fields_get(),
        )
