# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

# One shipped translation per language, checked on a menu of each addon of the suite.
EXPECTED = {
    "fr_FR": "Pistes et opportunités",
    "de_DE": "Leads & Verkaufschancen",
    "es_ES": "Leads y oportunidades",
    "ja_JP": "リードと商談",
    "ar_001": "العملاء المهتمون والفرص",
    "ko_KR": "리드 및 영업기회",
    "pl_PL": "Leady i szanse",
    "id_ID": "Prospek & Peluang",
}


@tagged("post_install", "-at_install")
class TestCrmSuiteTranslations(TransactionCase):
    def test_shipped_translations_load(self):
        """The .po files of the suite load and translate the menus in each language."""
        addons = ["crm_suite", "crm_analytics", "crm_collab"]
        installed = (
            self.env["ir.module.module"]
            .search([("name", "in", addons), ("state", "=", "installed")])
            .mapped("name")
        )
        for code in EXPECTED:
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            installed, list(EXPECTED), overwrite=True
        )
        menu = self.env.ref("crm_suite.menu_crm_suite_leads")
        for code, label in EXPECTED.items():
            self.assertEqual(menu.with_context(lang=code).name, label, code)
        if "crm_analytics" in installed:
            menu = self.env.ref("crm_analytics.menu_crm_analytics_root")
            self.assertEqual(menu.with_context(lang="fr_FR").name, "Analyse CRM")
        if "crm_collab" in installed:
            menu = self.env.ref("crm_collab.menu_crm_collab_root")
            self.assertEqual(menu.with_context(lang="de_DE").name, "CRM-Zusammenarbeit")
