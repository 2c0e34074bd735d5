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

    def test_app_opens_on_its_landing_page(self):
        landing = self.env.ref("crm_analytics.crm_analytics_action_landing")
        self.assertEqual(landing.tag, "crm_suite_landing")
        self.assertEqual(landing.params, {"page": "crm_analytics"})
        self.assertEqual(
            self.env.ref("crm_analytics.menu_crm_analytics_root").action, landing
        )
        self.start_tour("/odoo", "crm_analytics_landing", login=self.user_analyst.login)
