# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random

from dateutil.relativedelta import relativedelta

from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.crm_suite.tests.common import CrmSuiteUsersMixin
from odoo.addons.mail.tests.common import mail_new_test_user


class CrmAnalyticsUsersMixin(CrmSuiteUsersMixin):
    """crm_suite's users plus the analytics roles."""

    @classmethod
    def _setup_crm_analytics_users(cls):
        cls._setup_crm_suite_users()
        cls._create_role_users(
            {
                "user_analyst": (
                    "crm_analytics_user",
                    "Ana Analyst",
                    "base.group_user,crm_analytics.group_crm_analytics_user",
                ),
                "user_analytics_manager": (
                    "crm_analytics_manager",
                    "Max Analytics Manager",
                    "base.group_user,crm_analytics.group_crm_analytics_manager",
                ),
            }
        )


class ProfitabilityBooksCommon(AccountTestInvoicingCommon):
    """Two companies with a chart each (USD and EUR) and a third currency (GBP,
    rates that move), randomized but seeded books: invoices and credit notes in
    company and foreign currencies, partial and full payments (some late), a
    reversal, cancelled and draft moves; analytics users of each company."""

    books_seed = 14

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref(
            "crm_analytics.group_crm_analytics_manager"
        )
        cls.today = fields.Date.today()
        cls.date_from = cls.today - relativedelta(months=6)
        cls.date_to = cls.today
        cls.gbp = cls.setup_other_currency(
            "GBP",
            rates=[
                ("1900-01-01", 0.8),
                (fields.Date.to_string(cls.today - relativedelta(days=120)), 0.75),
                (fields.Date.to_string(cls.today - relativedelta(days=30)), 0.7321),
            ],
        )
        cls.company_a = cls.company_data["company"]
        cls.company_b_data = cls.setup_other_company(
            name="Books B", currency_id=cls.env.ref("base.EUR").id
        )
        cls.company_b = cls.company_b_data["company"]
        cls.env.ref("base.EUR").active = True
        cls.env["crm.profitability.profile"]._create_missing_profiles()
        cls.product_cost = cls._create_product(name="Costed", standard_price=30.0)
        cls.product_free = cls._create_product(name="No cost", standard_price=0.0)
        cls._setup_books_users()
        rng = random.Random(cls.books_seed)
        cls.customers_a = cls._make_customers("A", 6)
        cls.customers_b = cls._make_customers("B", 3)
        cls.moves = cls.env["account.move"]
        for partner in cls.customers_a:
            cls._make_books(rng, cls.company_data, partner, [False, cls.gbp])
        for partner in cls.customers_b:
            cls._make_books(rng, cls.company_b_data, partner, [False, cls.gbp])

    @classmethod
    def _setup_books_users(cls):
        analytics = "base.group_user,crm_analytics.group_crm_analytics_user"
        cls.analyst_a = mail_new_test_user(
            cls.env,
            login="prof_analyst_a",
            groups=analytics,
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.analyst_b = mail_new_test_user(
            cls.env,
            login="prof_analyst_b",
            groups=analytics,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.plain_user = mail_new_test_user(
            cls.env,
            login="prof_plain",
            groups="base.group_user",
            company_id=cls.company_a.id,
            company_ids=[Command.set((cls.company_a | cls.company_b).ids)],
        )

    @classmethod
    def _make_customers(cls, prefix, count):
        partners = cls.env["res.partner"].create(
            [
                {"name": f"Customer {prefix}{i}", "is_company": True}
                for i in range(count)
            ]
        )
        # a contact of each: invoices to it count for the company
        cls.env["res.partner"].create(
            [{"name": f"Contact of {p.name}", "parent_id": p.id} for p in partners]
        )
        return partners

    @classmethod
    def _invoice(
        cls, company_data, partner, move_type, days_ago, lines, currency=False
    ):
        date = cls.today - relativedelta(days=days_ago)
        return (
            cls.env["account.move"]
            .with_company(company_data["company"])
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": date,
                    "date": date,
                    "currency_id": (currency or company_data["currency"]).id,
                    "invoice_payment_term_id": False,
                    "invoice_date_due": date + relativedelta(days=30),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": qty,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for product, qty, price in lines
                    ],
                }
            )
        )

    @classmethod
    def _pay(cls, move, amount, days_ago):
        wizard = (
            cls.env["account.payment.register"]
            .with_company(move.company_id)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(
                {
                    "amount": amount,
                    "payment_date": cls.today - relativedelta(days=days_ago),
                    "currency_id": move.currency_id.id,
                }
            )
        )
        wizard.action_create_payments()

    @classmethod
    def _make_books(cls, rng, company_data, partner, currencies):
        """A handful of random moves of every kind for one customer."""
        contact = partner.child_ids[:1]
        products = [cls.product_cost, cls.product_free]
        for _index in range(rng.randint(2, 4)):
            days_ago = rng.choice([400, 150, 90, 45, 20, 5])
            lines = [
                (
                    rng.choice(products),
                    rng.randint(1, 5),
                    round(rng.uniform(10, 900), 2),
                )
                for _line in range(rng.randint(1, 3))
            ]
            move = cls._invoice(
                company_data,
                rng.choice([partner, contact]),
                "out_invoice",
                days_ago,
                lines,
                rng.choice(currencies),
            )
            fate = rng.choice(["post", "post", "post", "draft", "cancel"])
            if fate == "draft":
                continue
            move.action_post()
            if fate == "cancel":
                move.button_draft()
                move.button_cancel()
                continue
            cls.moves |= move
            pay = rng.choice(
                ["none", "partial", "full_on_time", "full_late", "reverse"]
            )
            due_ago = days_ago - 30
            if pay == "partial":
                cls._pay(move, round(move.amount_total / 3, 2), max(0, due_ago - 5))
            elif pay == "full_on_time":
                cls._pay(move, move.amount_total, max(0, days_ago - 10))
            elif pay == "full_late" and due_ago > 3:
                cls._pay(
                    move, move.amount_total, max(0, due_ago - rng.randint(1, due_ago))
                )
            elif pay == "reverse":
                reversal = move._reverse_moves(
                    [{"invoice_date": move.invoice_date, "date": move.date}],
                    cancel=True,
                )
                cls.moves |= reversal
        refund = cls._invoice(
            company_data,
            partner,
            "out_refund",
            rng.choice([60, 10]),
            [(cls.product_cost, 1, round(rng.uniform(5, 50), 2))],
        )
        refund.action_post()
        cls.moves |= refund

    def odoo_revenue(self, company, partner, date_from, date_to):
        """account.invoice.report's price_subtotal, read as FEATURES.md says."""
        report = self.env["account.invoice.report"].with_context(
            allowed_company_ids=[company.id]
        )
        [(total,)] = report._read_group(
            [
                ("commercial_partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("invoice_date", ">=", date_from),
                ("invoice_date", "<=", date_to),
            ],
            aggregates=["price_subtotal:sum"],
        )
        return total or 0.0

    def odoo_overdue(self, company, partner):
        moves = self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("commercial_partner_id", "=", partner.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("invoice_date_due", "<", fields.Date.today()),
            ]
        )
        return sum(moves.mapped("amount_residual_signed"))
