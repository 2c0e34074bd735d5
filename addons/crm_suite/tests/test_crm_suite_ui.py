# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import CrmSuiteUsersMixin


@tagged("post_install", "-at_install")
class TestCrmSuiteUi(CrmSuiteUsersMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_suite_users()

    def test_tour_open_crm_suite_app(self):
        """A salesperson opens the CRM Suite app from the apps menu in Chromium."""
        self.start_tour("/odoo", "crm_suite_open_app", login=self.user_salesman.login)
