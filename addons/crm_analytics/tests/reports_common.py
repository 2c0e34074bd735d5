# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixture of the report tests: French, Japanese and Arabic readers and
customers, profitability records made directly (as the superuser) in two
companies and currencies, and posted invoices (one overdue) for the statement."""

import shutil
import subprocess
from datetime import date, timedelta

from odoo import Command, fields
from odoo.tests.common import new_test_user

ANALYST_GROUPS = "base.group_user,crm_analytics.group_crm_analytics_user"
# Readers of the statement's open invoices need to read invoices.
BILLING_GROUPS = ANALYST_GROUPS + ",account.group_account_invoice"
LANGS = ("fr_FR", "ja_JP", "ar_001")


def pdf_text(pdf):
    """The text ``pdftotext`` extracts from a PDF (None when it is missing)."""
    if not shutil.which("pdftotext"):
        return None
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return out.stdout.decode()


class ReportsFixtureMixin:
    @classmethod
    def _setup_reports_fixture(cls):
        env = cls.env
        for code in LANGS:
            env["res.lang"]._activate_lang(code)
        cls.company_a = env.ref("base.main_company")
        cls.currency_a = cls.company_a.currency_id
        eur = env.ref("base.EUR")
        eur.active = True
        jpy = env.ref("base.JPY")
        jpy.active = True
        # A second company in another currency (no chart needed: records only).
        cls.company_b = env["res.company"].create(
            {
                "name": "Rep Company B",
                "currency_id": (eur if cls.currency_a != eur else jpy).id,
            }
        )
        cls.currency_b = cls.company_b.currency_id
        companies = cls.company_a | cls.company_b

        def user(login, lang, company, allowed, groups=BILLING_GROUPS):
            return new_test_user(
                env,
                login=login,
                groups=groups,
                lang=lang,
                company_id=company.id,
                company_ids=[Command.set(allowed.ids)],
                tz="Europe/Paris",
            )

        cls.user_fr = user("rep_analyst_fr", "fr_FR", cls.company_a, companies)
        cls.user_ja = user("rep_analyst_ja", "ja_JP", cls.company_a, cls.company_a)
        cls.user_ar = user(
            "rep_analyst_ar", "ar_001", cls.company_a, cls.company_a, ANALYST_GROUPS
        )
        cls.user_b = user("rep_analyst_b", "fr_FR", cls.company_b, cls.company_b)
        cls.user_plain = new_test_user(
            env,
            login="rep_internal",
            groups="base.group_user",
            company_id=cls.company_a.id,
        )

        Partner = env["res.partner"]
        cls.partner_fr = Partner.create(
            {"name": "Société Dupont", "lang": "fr_FR", "is_company": True}
        )
        cls.partner_ja = Partner.create(
            {"name": "山田商事株式会社", "lang": "ja_JP", "is_company": True}
        )
        cls.partner_ar = Partner.create(
            {"name": "شركة الواحة", "lang": "ar_001", "is_company": True}
        )
        cls.date_from = date(2024, 1, 1)
        cls.date_to = date(2024, 12, 31)
        profile_a = env["crm.profitability.profile"].search(
            [("company_id", "=", cls.company_a.id)], limit=1
        )
        Prof = env["crm.customer.profitability"]
        base = {
            "company_id": cls.company_a.id,
            "date_from": cls.date_from,
            "date_to": cls.date_to,
            "profile_id": profile_a.id,
            "user_id": cls.user_fr.id,
        }
        cls.prof_fr = Prof.create(
            dict(
                base,
                partner_id=cls.partner_fr.id,
                revenue=1234567.89,
                margin=1234.56,
                cost_acquisition=100.0,
                cost_marketing=20.5,
                cost_support=30.0,
                cost_delinquency=4.06,
                cost_total=154.56,
                profit=1080.0,
                margin_percent=0.09,
                invoice_count=12,
                average_invoice=102880.66,
                overdue_amount=4321.0,
                average_days_late=3.5,
                payment_score=87.5,
                customer_since=date(2021, 3, 5),
                lifetime_days=1397,
                score=83,
                grade="A",
            )
        )
        cls.prof_ja = Prof.create(
            dict(
                base,
                partner_id=cls.partner_ja.id,
                revenue=5000.0,
                margin=4000.0,
                profit=3900.0,
                margin_percent=78.0,
                invoice_count=2,
                average_invoice=2500.0,
                payment_score=100.0,
                customer_since=date(2023, 7, 14),
                score=55,
                grade="C",
            )
        )
        cls.prof_ar = Prof.create(
            dict(
                base,
                partner_id=cls.partner_ar.id,
                revenue=700.25,
                profit=700.25,
                score=12,
                grade="E",
            )
        )
        cls.prof_b = Prof.create(
            {
                "partner_id": cls.partner_fr.id,
                "company_id": cls.company_b.id,
                "date_from": cls.date_from,
                "date_to": cls.date_to,
                "revenue": 999.5,
                "profit": 999.5,
                "customer_since": date(2022, 2, 2),
                "grade": "B",
            }
        )
        cls.profs_a = cls.prof_fr | cls.prof_ja | cls.prof_ar
        cls._setup_invoices()

    @classmethod
    def _setup_invoices(cls):
        """Two posted invoices of partner_fr in company A: one overdue, one not."""
        today = fields.Date.today()
        journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company_a.id)], limit=1
        )
        cls.invoices = cls.env["account.move"]
        if not journal:
            return
        vals = []
        for amount, due in (
            (1234.56, today - timedelta(days=40)),
            (98765.4, today + timedelta(days=20)),
        ):
            vals.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": cls.partner_fr.id,
                    "company_id": cls.company_a.id,
                    "journal_id": journal.id,
                    "invoice_date": today - timedelta(days=60),
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Service",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
            )
        cls.invoices = cls.env["account.move"].create(vals)
        cls.invoices.action_post()
