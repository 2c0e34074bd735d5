# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import CrmAnalyticsUsersMixin


@tagged("post_install", "-at_install")
class TestCrmAnalyticsLanding(CrmAnalyticsUsersMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_analytics_users()

    def test_landing_page_says_what_the_app_is_for(self):
        # the app opens on its dashboard (test_crm_profitability_dashboard); the
        # landing page stays, reachable by its action
        landing = self.env.ref("crm_analytics.crm_analytics_action_landing")
        self.assertEqual(landing.tag, "crm_suite_landing")
        self.assertEqual(landing.params, {"page": "crm_analytics"})
        self.start_tour(
            f"/odoo/action-{landing.id}",
            "crm_analytics_landing",
            login=self.user_analyst.login,
        )
