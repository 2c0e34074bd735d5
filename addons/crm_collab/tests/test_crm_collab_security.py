# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import CrmCollabUsersMixin


@tagged("post_install", "-at_install")
class TestCrmCollabSecurity(CrmCollabUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_collab_users()

    def test_group_hierarchy(self):
        self.assertTrue(
            self.user_collaborator.has_group("crm_suite.group_crm_suite_user")
        )
        self.assertFalse(
            self.user_collaborator.has_group("crm_collab.group_crm_collab_manager")
        )
        self.assertTrue(
            self.user_collab_manager.has_group("crm_suite.group_crm_suite_manager")
        )

    def test_menu_visibility_per_role(self):
        collaborator_menus = self._visible_menu_xmlids(self.user_collaborator)
        self.assertIn("crm_collab.menu_crm_collab_root", collaborator_menus)
        self.assertIn("crm_collab.menu_crm_collab_customers", collaborator_menus)
        self.assertNotIn("crm_collab.menu_crm_collab_config", collaborator_menus)
        # Sales Teams live in CRM Suite's configuration, not repeated here; the
        # app's configuration holds the document tags.
        manager_menus = self._visible_menu_xmlids(self.user_collab_manager)
        self.assertIn("crm_suite.menu_crm_suite_config_teams", manager_menus)
        self.assertIn("crm_collab.menu_crm_collab_config", manager_menus)
        self.assertIn("crm_collab.menu_crm_document_tag", manager_menus)
        self.assertIn("crm_collab.menu_crm_document", collaborator_menus)
        self.assertNotIn("crm_collab.menu_crm_document_share_log", collaborator_menus)
        self.assertIn("crm_collab.menu_crm_collab_overview", manager_menus)
        for user in (self.user_salesman, self.user_internal):
            self.assertNotIn(
                "crm_collab.menu_crm_collab_root", self._visible_menu_xmlids(user)
            )
