# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import CrmCollabUsersMixin


@tagged("post_install", "-at_install")
class TestCrmCollabTranslations(CrmCollabUsersMixin, TransactionCase):
    def test_shipped_translations_load(self):
        """The .po files load and translate the app in each shipped language."""
        self.assert_shipped_translations(
            "crm_collab.menu_crm_collab_root",
            "name",
            {
                "fr_FR": "Collaboration CRM",
                "de_DE": "CRM-Zusammenarbeit",
                "es_ES": "Colaboración CRM",
                "ja_JP": "CRMコラボレーション",
                "ar_001": "تعاون CRM",
                "ko_KR": "CRM 협업",
                "pl_PL": "Współpraca CRM",
                "id_ID": "Kolaborasi CRM",
            },
        )
