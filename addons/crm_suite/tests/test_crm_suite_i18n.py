# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import CrmSuiteUsersMixin


@tagged("post_install", "-at_install")
class TestCrmSuiteTranslations(CrmSuiteUsersMixin, TransactionCase):
    def test_shipped_translations_load(self):
        """The .po files load and translate the app in each shipped language."""
        self.assert_shipped_translations(
            "crm_suite.menu_crm_suite_leads",
            "name",
            {
                "fr_FR": "Pistes et opportunités",
                "de_DE": "Leads & Verkaufschancen",
                "es_ES": "Leads y oportunidades",
                "ja_JP": "リードと商談",
                "ar_001": "العملاء المهتمون والفرص",
                "ko_KR": "리드 및 영업기회",
                "pl_PL": "Leady i szanse",
                "id_ID": "Prospek & Peluang",
            },
        )

    def test_scoring_translations(self):
        """Lead scoring speaks each shipped language: its menu, and a message
        built with ``_()`` in the user's language."""
        self.assert_shipped_translations(
            "crm_suite.menu_crm_suite_config_score_rules",
            "name",
            {
                "fr_FR": "Règles de score",
                "de_DE": "Bewertungsregeln",
                "es_ES": "Reglas de puntuación",
                "ja_JP": "スコアリングルール",
                "ar_001": "قواعد التقييم",
                "ko_KR": "점수 규칙",
                "pl_PL": "Reguły punktacji",
                "id_ID": "Aturan Penilaian",
            },
        )
        rule = self.env["crm.score.rule"].with_context(lang="fr_FR")
        with self.assertRaisesRegex(Exception, "filtre de la règle"):
            rule.create({"name": "X", "domain": "[('nope', '=', 1)]", "points": 1})
