# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from odoo.addons.crm_suite.tests.test_crm_suite_list_headers import ListHeadersMixin
from odoo.addons.mail.tests.common import mail_new_test_user

LIST_ACTIONS = [
    "crm_analytics.crm_customer_profitability_action",
    "crm_analytics.crm_profitability_profile_action",
    "crm_analytics.crm_pipeline_forecast_report_action",
    "crm_analytics.crm_revenue_forecast_action",
    "crm_analytics.crm_attribution_report_action",
    "crm_analytics.crm_salesperson_report_action",
    "crm_analytics.crm_agent_report_action",
]


@tagged("post_install", "-at_install")
class TestCrmAnalyticsListHeaders(ListHeadersMixin, HttpCase):
    """No column header of the analytics lists is cut off, in English, French
    and Arabic (the same check as crm_suite's lists)."""

    header_modules = ("account", "crm_suite", "crm_analytics")
    header_actions = LIST_ACTIONS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_header_languages()
        cls.manager = mail_new_test_user(
            cls.env,
            login="crm_analytics_headers",
            name="Hugo Headers",
            groups="base.group_user,crm_analytics.group_crm_analytics_manager,"
            "account.group_account_invoice",
        )
        partner = cls.env["res.partner"].create({"name": "Headers Customer"})
        cls.env["crm.customer.profitability"].create(
            {
                "partner_id": partner.id,
                "company_id": cls.env.company.id,
                "date_from": "2026-01-01",
                "date_to": "2026-12-31",
                "revenue": 1234567.89,
                "profit": 234567.89,
                "score": 80,
                "grade": "A",
            }
        )
