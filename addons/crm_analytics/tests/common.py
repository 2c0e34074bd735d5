# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.crm_suite.tests.common import CrmSuiteUsersMixin
from odoo.addons.mail.tests.common import mail_new_test_user


class CrmAnalyticsUsersMixin(CrmSuiteUsersMixin):
    """crm_suite's users plus the analytics roles."""

    @classmethod
    def _setup_crm_analytics_users(cls):
        cls._setup_crm_suite_users()
        cls.user_analyst = mail_new_test_user(
            cls.env,
            login="crm_analytics_user",
            name="Ana Analyst",
            groups="base.group_user,crm_analytics.group_crm_analytics_user",
        )
        cls.user_analytics_manager = mail_new_test_user(
            cls.env,
            login="crm_analytics_manager",
            name="Max Analytics Manager",
            groups="base.group_user,crm_analytics.group_crm_analytics_manager",
        )
