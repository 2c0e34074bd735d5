# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import CrmAnalyticsUsersMixin


@tagged("post_install", "-at_install")
class TestCrmAnalyticsSecurity(CrmAnalyticsUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_analytics_users()

    def test_group_hierarchy(self):
        """Analytics roles build on crm_suite's: an analyst is a CRM Suite user."""
        self.assertTrue(self.user_analyst.has_group("crm_suite.group_crm_suite_user"))
        self.assertFalse(
            self.user_analyst.has_group("crm_analytics.group_crm_analytics_manager")
        )
        self.assertTrue(
            self.user_analytics_manager.has_group("crm_suite.group_crm_suite_manager")
        )
        self.assertTrue(
            self.env.ref("base.user_admin").has_group(
                "crm_analytics.group_crm_analytics_manager"
            )
        )

    def test_menu_visibility_per_role(self):
        analyst_menus = self._visible_menu_xmlids(self.user_analyst)
        self.assertIn("crm_analytics.menu_crm_analytics_root", analyst_menus)
        self.assertIn("crm_analytics.menu_crm_analytics_pipeline", analyst_menus)
        self.assertNotIn("crm_analytics.menu_crm_analytics_config", analyst_menus)
        # Invoice analysis needs an accounting right on top of the analytics one.
        self.assertNotIn("crm_analytics.menu_crm_analytics_invoices", analyst_menus)
        self.user_analyst.groups_id += self.env.ref("account.group_account_invoice")
        self.env.registry.clear_cache()
        self.assertIn(
            "crm_analytics.menu_crm_analytics_invoices",
            self._visible_menu_xmlids(self.user_analyst),
        )

        # A plain salesperson of crm_suite does not see the analytics app.
        self.assertNotIn(
            "crm_analytics.menu_crm_analytics_root",
            self._visible_menu_xmlids(self.user_salesman),
        )
        # Sales Teams live in CRM Suite's configuration, not repeated here; the
        # app's configuration holds the profitability profiles.
        manager_menus = self._visible_menu_xmlids(self.user_analytics_manager)
        self.assertIn("crm_suite.menu_crm_suite_config_teams", manager_menus)
        self.assertIn("crm_analytics.menu_crm_analytics_config", manager_menus)
        self.assertIn(
            "crm_analytics.menu_crm_analytics_profitability_profile", manager_menus
        )
        self.assertIn("crm_analytics.menu_crm_analytics_profitability", analyst_menus)
        self.assertIn("crm_analytics.menu_crm_analytics_overview", manager_menus)
