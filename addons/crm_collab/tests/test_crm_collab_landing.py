# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCrmCollabLanding(TransactionCase):
    def test_app_opens_on_its_landing_page(self):
        landing = self.env.ref("crm_collab.crm_collab_action_landing")
        self.assertEqual(landing.tag, "crm_suite_landing")
        self.assertEqual(landing.params, {"page": "crm_collab"})
        self.assertEqual(
            self.env.ref("crm_collab.menu_crm_collab_root").action, landing
        )
        self.assertEqual(
            self.env.ref("crm_collab.menu_crm_collab_overview").action, landing
        )
