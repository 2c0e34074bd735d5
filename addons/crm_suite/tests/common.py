# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.mail.tests.common import mail_new_test_user


class CrmSuiteUsersMixin:
    """Users per role, shared by the tests of crm_suite and of the addons built on it.

    Call ``cls._setup_crm_suite_users()`` from ``setUpClass``.
    """

    @classmethod
    def _setup_crm_suite_users(cls):
        cls.company = cls.env.ref("base.main_company")
        cls.user_internal = mail_new_test_user(
            cls.env,
            login="crm_suite_internal",
            name="Irene Internal",
            groups="base.group_user",
        )
        cls.user_salesman = mail_new_test_user(
            cls.env,
            login="crm_suite_salesman",
            name="Sam Salesman",
            groups="base.group_user,crm_suite.group_crm_suite_user",
        )
        cls.user_manager = mail_new_test_user(
            cls.env,
            login="crm_suite_manager",
            name="Mia Manager",
            groups="base.group_user,crm_suite.group_crm_suite_manager",
        )
        cls.user_portal = mail_new_test_user(
            cls.env,
            login="crm_suite_portal",
            name="Paul Portal",
            groups="base.group_portal",
        )

    @classmethod
    def _visible_menu_xmlids(cls, user):
        """XML ids of the menus ``user`` sees, as the web client loads them."""
        menus = cls.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
        return {menu.get("xmlid") for menu in menus.values() if menu.get("xmlid")}
