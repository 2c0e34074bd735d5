# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.mail.tests.common import mail_new_test_user


class CrmSuiteUsersMixin:
    """Users per role, shared by the tests of crm_suite and of the addons built on it.

    Call ``cls._setup_crm_suite_users()`` from ``setUpClass``; an addon built on
    crm_suite adds its own roles with ``cls._create_role_users({...})``.
    """

    @classmethod
    def _create_role_users(cls, roles):
        """Create one user per entry of ``{attribute: (login, name, groups)}`` and set
        it as a class attribute (``groups``: comma-separated XML ids)."""
        for attribute, (login, name, groups) in roles.items():
            user = mail_new_test_user(cls.env, login=login, name=name, groups=groups)
            setattr(cls, attribute, user)

    @classmethod
    def _setup_crm_suite_users(cls):
        cls.company = cls.env.ref("base.main_company")
        cls._create_role_users(
            {
                "user_internal": (
                    "crm_suite_internal",
                    "Irene Internal",
                    "base.group_user",
                ),
                "user_salesman": (
                    "crm_suite_salesman",
                    "Sam Salesman",
                    "base.group_user,crm_suite.group_crm_suite_user",
                ),
                "user_manager": (
                    "crm_suite_manager",
                    "Mia Manager",
                    "base.group_user,crm_suite.group_crm_suite_manager",
                ),
                "user_portal": ("crm_suite_portal", "Paul Portal", "base.group_portal"),
            }
        )

    def assert_shipped_translations(self, xmlid, field, labels):
        """Load the shipped .po files of ``xmlid``'s addon for the languages of
        ``labels`` (``{lang code: expected text}``) and check the record's ``field``."""
        module = xmlid.split(".")[0]
        for code in labels:
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            [module], list(labels), overwrite=True
        )
        record = self.env.ref(xmlid)
        for code, label in labels.items():
            self.assertEqual(record.with_context(lang=code)[field], label, code)

    @classmethod
    def _visible_menu_xmlids(cls, user):
        """XML ids of the menus ``user`` sees, as the web client loads them."""
        menus = cls.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
        return {menu.get("xmlid") for menu in menus.values() if menu.get("xmlid")}
