# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.mail.tests.common import mail_new_test_user


class SegmentBooksCommon(AccountTestInvoicingCommon):
    """Two companies, known customers with posted invoices at known dates (the
    expected RFM scores and tiers of FEATURES.md can be worked out by hand), and
    the users an attacker would use."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref(
            "crm_analytics.group_crm_analytics_manager"
        )
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.company_a = cls.company_data["company"]
        cls.company_b_data = cls.setup_other_company(name="Segments B")
        cls.company_b = cls.company_b_data["company"]
        cls.product = cls._create_product(name="Seat", standard_price=0.0)
        cls.env["account.move"].flush_model()
        analytics = "base.group_user,crm_analytics.group_crm_analytics_user"
        manager = "base.group_user,crm_analytics.group_crm_analytics_manager"
        both = [Command.set((cls.company_a | cls.company_b).ids)]
        cls.analyst_a = mail_new_test_user(
            cls.env,
            login="seg_analyst_a",
            groups=analytics,
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.manager_b = mail_new_test_user(
            cls.env,
            login="seg_manager_b",
            groups=manager,
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.manager_a = mail_new_test_user(
            cls.env,
            login="seg_manager_a",
            groups=manager,
            company_id=cls.company_a.id,
            company_ids=both,
        )
        cls.demographer = mail_new_test_user(
            cls.env,
            login="seg_demographer",
            groups=manager + ",crm_analytics.group_crm_analytics_demographics",
            company_id=cls.company_a.id,
            company_ids=both,
        )

    @classmethod
    def _customers(cls, count, prefix="Seg customer"):
        return cls.env["res.partner"].create(
            [
                {
                    "name": f"{prefix} {i:03d}",
                    "is_company": True,
                    "email": f"seg{i}.{prefix.split()[-1].lower()}@example.com",
                }
                for i in range(count)
            ]
        )

    @classmethod
    def _invoice_vals(cls, company, partner, days_ago, amount, move_type):
        date = cls.today - relativedelta(days=days_ago)
        return {
            "move_type": move_type,
            "partner_id": partner.id,
            "company_id": company.id,
            "invoice_date": date,
            "date": date,
            "invoice_payment_term_id": False,
            "invoice_date_due": date + relativedelta(days=30),
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": cls.product.id,
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                    }
                )
            ],
        }

    @classmethod
    def _post(cls, specs, company=None):
        """Post invoices ``(partner, days ago, amount[, move type])`` in
        ``company`` (default A), all in one batch."""
        company = company or cls.company_a
        moves = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                [
                    cls._invoice_vals(
                        company,
                        spec[0],
                        spec[1],
                        spec[2],
                        (spec[3:] or ["out_invoice"])[0],
                    )
                    for spec in specs
                ]
            )
        )
        moves.action_post()
        return moves
