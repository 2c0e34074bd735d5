# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from unittest.mock import patch

from odoo import http
from odoo.tests import HttpCase, tagged

from odoo.addons.crm_suite.models import crm_suite_rate_limit
from odoo.addons.mail.tests.common import mail_new_test_user

# what each page says, in the shipped translations (i18n/*.po)
PAGE_STRINGS = {
    "fr_FR": {
        "list": "Nouveau ticket",
        "ticket": "Historique des échanges",
        "new": "Envoyer",
        "no_subject": "Saisissez un objet",
        "web_form": "Votre nom",
    },
    "ar_001": {
        "list": "تذكرة جديدة",
        "ticket": "سجل التواصل",
        "new": "إرسال",
    },
}


@tagged("post_install", "-at_install")
class TestCrmSuitePortalLanguage(HttpCase):
    """Portal and public pages speak the customer's language without a
    language in the URL: the portal user's own, the browser's on the public
    form, whatever language an anonymous visit left in the cookie."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in PAGE_STRINGS:
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["crm_suite"], list(PAGE_STRINGS), overwrite=True
        )
        Ticket = cls.env["crm.ticket"].with_context(crm_ticket_no_ack=True)
        cls.tickets = {}
        for code, login in (("fr_FR", "portal_lang_fr"), ("ar_001", "portal_lang_ar")):
            user = mail_new_test_user(
                cls.env,
                login=login,
                name=f"Customer {code}",
                email=f"{login}@example.com",
                groups="base.group_portal",
                lang=code,
            )
            cls.tickets[code] = Ticket.create(
                {"name": f"Printer QZL {code}", "partner_id": user.partner_id.id}
            )

    def setUp(self):
        super().setUp()
        # rate limit counters are committed rows: count in a window of our own
        mocked_time = self.startPatcher(patch.object(crm_suite_rate_limit, "time"))
        mocked_time.time.return_value = 946_684_800 + 7 * 86_400

    def _portal_pages(self, code):
        return {
            "list": "/my/tickets",
            "ticket": f"/my/tickets/{self.tickets[code].id}",
            "new": "/my/tickets/new",
        }

    def _assert_pages_speak(self, code):
        strings = PAGE_STRINGS[code]
        for page, url in self._portal_pages(code).items():
            with self.subTest(lang=code, page=page):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self.assertTrue(
                    strings[page] in response.text,
                    f"{response.url} is not in {code}: no {strings[page]!r}",
                )
                self.assertEqual(
                    response.cookies.get("frontend_lang")
                    or self.opener.cookies.get("frontend_lang"),
                    code,
                )
        return response

    def _login(self, login):
        """Log in through the login form, as a browser does."""
        page = self.url_open("/web/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            "/web/login",
            data={"login": login, "password": login, "csrf_token": token},
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("oe_login_form", response.text, "the login failed")
        return response

    def test_french_customer(self):
        self.authenticate("portal_lang_fr", "portal_lang_fr")
        self._assert_pages_speak("fr_FR")
        # a form posted without a language in its URL answers in French too
        response = self.url_open(
            "/my/tickets/new",
            data={"subject": " ", "csrf_token": http.Request.csrf_token(self)},
        )
        self.assertTrue(
            PAGE_STRINGS["fr_FR"]["no_subject"] in response.text,
            "the posted form's message is not in French",
        )

    def test_chatter_labels(self):
        """The ticket page's chatter loads mail's labels in the customer's
        language (the frontend loads only web's and portal's by default)."""
        self.authenticate("portal_lang_fr", "portal_lang_fr")
        page = self.url_open(self._portal_pages("fr_FR")["ticket"])
        translations_hash = re.search(
            r'"cache_hashes": \{"translations": "(\w+)"', page.text
        ).group(1)
        # as the chatter asks: no language given, the page's applies
        response = self.url_open(f"/website/translations/{translations_hash}")
        self.assertEqual(response.status_code, 200)
        mail = response.json()["modules"].get("mail", {"messages": []})
        labels = {message["id"]: message["string"] for message in mail["messages"]}
        self.assertEqual(
            labels.get("The conversation is empty."), "La conversation est vide."
        )

    def test_arabic_customer(self):
        self.authenticate("portal_lang_ar", "portal_lang_ar")
        response = self._assert_pages_speak("ar_001")
        self.assertRegex(response.text, r'<div id="wrapwrap" class="[^"]*\bo_rtl\b')

    def test_cookie_of_anonymous_visit(self):
        """An anonymous visit leaves ``frontend_lang=en_US``; after logging in,
        the French customer's pages are French all the same."""
        self.url_open("/support/ticket")
        self.assertEqual(self.opener.cookies.get("frontend_lang"), "en_US")
        landing = self._login("portal_lang_fr")
        self.assertIn("/fr/my", landing.url)
        self._assert_pages_speak("fr_FR")

    def test_logout_then_other_customer(self):
        """The language of the last customer does not stick to the browser."""
        self._login("portal_lang_ar")
        self._assert_pages_speak("ar_001")
        self.url_open("/web/session/logout")
        self._login("portal_lang_fr")
        self._assert_pages_speak("fr_FR")

    def test_public_form_in_browser_language(self):
        response = self.url_open(
            "/support/ticket", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            PAGE_STRINGS["fr_FR"]["web_form"] in response.text,
            f"{response.url} is not in French",
        )
