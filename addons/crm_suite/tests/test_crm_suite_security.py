# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import CrmSuiteUsersMixin


@tagged("post_install", "-at_install")
class TestCrmSuiteSecurity(CrmSuiteUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_suite_users()

    def test_group_hierarchy(self):
        """A CRM Suite user is a salesperson; its administrator a sales manager."""
        self.assertTrue(self.user_salesman.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(
            self.user_salesman.has_group("crm_suite.group_crm_suite_manager")
        )
        self.assertFalse(self.user_salesman.has_group("sales_team.group_sale_manager"))
        self.assertTrue(self.user_manager.has_group("crm_suite.group_crm_suite_user"))
        self.assertTrue(self.user_manager.has_group("sales_team.group_sale_manager"))
        self.assertTrue(
            self.env.ref("base.user_admin").has_group(
                "crm_suite.group_crm_suite_manager"
            )
        )

    def test_menu_visibility_per_role(self):
        """The app shows to CRM Suite users, its configuration to administrators."""
        salesman_menus = self._visible_menu_xmlids(self.user_salesman)
        self.assertIn("crm_suite.menu_crm_suite_root", salesman_menus)
        self.assertIn("crm_suite.menu_crm_suite_leads", salesman_menus)
        self.assertNotIn("crm_suite.menu_crm_suite_config", salesman_menus)

        manager_menus = self._visible_menu_xmlids(self.user_manager)
        self.assertIn("crm_suite.menu_crm_suite_config_teams", manager_menus)

        internal_menus = self._visible_menu_xmlids(self.user_internal)
        self.assertNotIn("crm_suite.menu_crm_suite_root", internal_menus)

    def test_menu_actions_readable(self):
        """Every model the top menu opens is readable by a CRM Suite administrator."""
        menus = self.env["ir.ui.menu"].search(
            [("id", "child_of", self.env.ref("crm_suite.menu_crm_suite_root").id)]
        )
        # the root's server action opens one of its sub-menus' window actions
        models = {
            menu.action.res_model
            for menu in menus
            if menu.action and menu.action._name == "ir.actions.act_window"
        }
        self.assertTrue(models, "the top menu should open something")
        for model in models:
            self.assertTrue(
                self.env[model].with_user(self.user_manager).has_access("read"),
                f"{model} should be readable by a CRM Suite administrator",
            )

    def test_portal_user_sees_no_backend_menu(self):
        """Portal users cannot load the backend menus at all."""
        with self.assertRaises(AccessError):
            self._visible_menu_xmlids(self.user_portal)
