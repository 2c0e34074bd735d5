# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.crm_suite.tests.common import CrmSuiteUsersMixin


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
