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

    def test_ticket_translations(self):
        """Service tickets speak each shipped language: a menu, and a bad-input
        message built with ``_()`` in the user's language."""
        self.assert_shipped_translations(
            "crm_suite.menu_crm_suite_tickets",
            "name",
            {
                "fr_FR": "Tous les tickets",
                "de_DE": "Alle Tickets",
                "es_ES": "Todos los tickets",
                "ja_JP": "すべてのチケット",
                "ar_001": "جميع التذاكر",
                "ko_KR": "모든 티켓",
                "pl_PL": "Wszystkie zgłoszenia",
                "id_ID": "Semua Tiket",
            },
        )
        Ticket = self.env["crm.ticket"].with_context(lang="de_DE")
        with self.assertRaisesRegex(Exception, "Ein Ticket benötigt einen Betreff"):
            Ticket.create({"name": " "})

    def test_ticket_acknowledgement_in_customer_language(self):
        """The shipped acknowledgement reaches a French customer in French (the
        mass composer only uses a template's translation when its body is
        stable under the mail sanitizer: this catches a template that is not)."""
        self.assert_shipped_translations(
            "crm_suite.menu_crm_suite_tickets", "name", {"fr_FR": "Tous les tickets"}
        )
        customer = self.env["res.partner"].create(
            {"name": "Fanny", "email": "fanny@example.fr", "lang": "fr_FR"}
        )
        ticket = self.env["crm.ticket"].create(
            {"name": "Imprimante en panne", "partner_id": customer.id}
        )
        mail = self.env["mail.mail"].search(
            [("model", "=", "crm.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertIn("Nous avons bien reçu votre demande", mail.body_html)
        self.assertIn(ticket.number, mail.subject)
