# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import CrmAnalyticsUsersMixin


@tagged("post_install", "-at_install")
class TestCrmAnalyticsTranslations(CrmAnalyticsUsersMixin, TransactionCase):
    def test_shipped_translations_load(self):
        """The .po files load and translate the app in each shipped language."""
        self.assert_shipped_translations(
            "crm_analytics.menu_crm_analytics_root",
            "name",
            {
                "fr_FR": "Analyse CRM",
                "de_DE": "CRM-Analyse",
                "es_ES": "Análisis CRM",
                "ja_JP": "CRM分析",
                "ar_001": "تحليلات CRM",
                "ko_KR": "CRM 분석",
                "pl_PL": "Analityka CRM",
                "id_ID": "Analitik CRM",
            },
        )
