# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The public web form as an attacker uses it: someone else's email address,
posted fields the form does not have, forged proxy headers, IPv6 networks,
bursts at the edge of the hour, many files."""

import re
from unittest.mock import patch
from urllib.parse import urlparse

from odoo import http
from odoo.tests import HttpCase, tagged
from odoo.tools import config, mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CrmSuitePortalMixin

SVG = b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>"
XHTML = b"<html xmlns='http://www.w3.org/1999/xhtml'><script>3</script></html>"
START = 946_684_800  # a time of these tests' own for the rate limit counters


@tagged("post_install", "-at_install")
class TestSecurityWebForm(CrmSuitePortalMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls._new_customer_company("Secd Victim Corp")
        cls.victim = cls._new_portal_user(
            "secd_victim", "Secd Victim", cls.company, email="secd.victim@example.com"
        )
        cls.lead = cls.env["crm.lead"].create(
            {"name": "Secd victim lead", "partner_id": cls.company.id}
        )
        cls.team = cls.env["crm.ticket.team"].create(
            {"name": "Secd Web Desk", "assignment_method": "manual"}
        )
        cls.other_team = cls.env["crm.ticket.team"].create(
            {"name": "Secd Other Desk", "assignment_method": "manual"}
        )

    def setUp(self):
        super().setUp()
        self.mocked_time = self._freeze_rate_limit(START)
        self.env["ir.config_parameter"].set_param("crm_suite.web_form_rate_limit", "50")
        self.authenticate(None, None)

    def _post_form(self, data, files=None, headers=None):
        return self._post("/support/ticket", data, files=files, headers=headers)

    def _form(self, subject, **values):
        return {
            "name": "Mallory",
            "email": "mallory.secd@example.com",
            "subject": subject,
            "description": "Please help",
            **values,
        }

    # ------------------------------------------------------------
    # Identity
    # ------------------------------------------------------------

    def test_existing_customer_email_gets_a_contact_of_its_own(self):
        res = self._post_form(self._form("Secd spoof", email="Secd.Victim@example.com"))
        self.assertEqual(res.status_code, 200)
        ticket = self._tickets_named("Secd spoof")
        self.assertEqual(len(ticket), 1)
        self.assertNotEqual(ticket.partner_id, self.victim.partner_id)
        self.assertFalse(ticket.partner_id.parent_id)
        self.assertEqual(ticket.commercial_partner_id, ticket.partner_id)
        self.assertEqual(ticket.partner_id.email, "secd.victim@example.com")
        self.assertEqual(ticket.partner_id.name, "Mallory")
        # not in the victim's portal
        as_victim = self.env["crm.ticket"].with_user(self.victim)
        self.assertNotIn(ticket, as_victim.search([]))
        self.assertNotIn(self.victim.partner_id, ticket.message_partner_ids)
        # no engagement on the victim's leads
        events = self.env["crm.score.event"].search(
            [("res_model", "=", "crm.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertFalse(events.filtered(lambda e: e.lead_id == self.lead))
        self.assertFalse(
            events.filtered(
                lambda e: e.partner_id in (self.company | self.victim.partner_id)
            )
        )
        self.assertFalse(
            self.env["crm.score.event"].search([("lead_id", "=", self.lead.id)])
        )
        # the victim's contact is untouched
        self.assertEqual(self.victim.partner_id.name, "Secd Victim")

    def test_extra_posted_fields_are_ignored(self):
        agent = mail_new_test_user(
            self.env,
            login="secd_web_agent",
            groups="base.group_user,crm_suite.group_crm_suite_user",
        )
        other_company = self.env["res.company"].create({"name": "Secd Other Co"})
        res = self._post_form(
            self._form(
                "Secd extra",
                partner_id=str(self.victim.partner_id.id),
                commercial_partner_id=str(self.company.id),
                user_id=str(agent.id),
                team_id=str(self.other_team.id),
                priority="3",
                company_id=str(other_company.id),
                lead_id=str(self.lead.id),
                channel="phone",
                stage_id=str(self.env.ref("crm_suite.stage_waiting").id),
                number="HACK-1",
                partner_email="secd.victim@example.com",
                kanban_state="blocked",
            )
        )
        self.assertEqual(res.status_code, 200)
        ticket = self._tickets_named("Secd extra")
        self.assertEqual(len(ticket), 1)
        self.assertNotEqual(ticket.partner_id, self.victim.partner_id)
        self.assertNotEqual(ticket.commercial_partner_id, self.company)
        self.assertNotEqual(ticket.user_id, agent)
        self.assertEqual(ticket.priority, "0")
        self.assertEqual(ticket.company_id, self.env.company)
        self.assertFalse(ticket.lead_id)
        self.assertEqual(ticket.channel, "web_form")
        self.assertNotEqual(ticket.number, "HACK-1")
        self.assertEqual(ticket.partner_email, "mallory.secd@example.com")
        self.assertEqual(ticket.kanban_state, "normal")

    def _confirm_link(self, subject, email):
        """Post the form anonymously; the ticket and its signed link."""
        self.authenticate(None, None)
        self._post_form(self._form(subject, email=email))
        ticket = self._tickets_named(subject)
        self.assertEqual(len(ticket), 1)
        mail = self.env["mail.mail"].search(
            [("model", "=", "crm.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(len(mail), 1)
        match = re.search(
            r'href="[^"]*(/support/ticket/%d/confirm\?token=([0-9a-f]+))"' % ticket.id,
            mail.body_html,
        )
        self.assertTrue(match, "the acknowledgement carries the signed link")
        return ticket, match.group(1), match.group(2)

    def _confirm(self, ticket, token):
        return self.url_open(
            f"/support/ticket/{ticket.id}/confirm",
            data={"csrf_token": http.Request.csrf_token(self), "token": token},
        )

    def _recorded_contact(self, name, email, company_name):
        """A contact an agent recorded (no user), of a customer of its own."""
        company = self.env["res.partner"].create(
            {"name": company_name, "is_company": True}
        )
        return self.env["res.partner"].create(
            {"name": name, "email": email, "parent_id": company.id}
        )

    def test_acknowledgement_link_attaches_the_ticket_to_the_customer(self):
        recorded = self._recorded_contact(
            "Secd Recorded", "secd.recorded@example.com", "Secd Recorded Corp"
        )
        ticket, path, token = self._confirm_link(
            "Secd confirm", "secd.recorded@example.com"
        )
        # a mail scanner opening the link changes nothing
        res = self.url_open(path)
        self.assertEqual(res.status_code, 200)
        self.assertIn("Confirm your request", res.text)
        self.assertIn("joins your other", res.text)
        self.assertNotEqual(self._tickets_named("Secd confirm").partner_id, recorded)
        # forged tokens: none, another's, a wrong one of the right length
        other = self.env["crm.ticket"].create(
            {"name": "Secd other", "partner_id": ticket.partner_id.id}
        )
        for forged in ("", "0" * len(token), other._web_form_confirm_token()):
            res = self._confirm(ticket, forged)
            self.assertEqual(res.status_code, 404, forged)
            self.assertNotEqual(
                self._tickets_named("Secd confirm").partner_id, recorded
            )
        res = self._confirm(ticket, token)
        self.assertEqual(res.status_code, 200)
        self.assertIn("is now in your", res.text)
        ticket = self._tickets_named("Secd confirm")
        self.assertEqual(ticket.partner_id, recorded)
        self.assertEqual(ticket.commercial_partner_id, recorded.parent_id)
        self.assertTrue(
            self.env["crm.score.event"].search(
                [
                    ("res_model", "=", "crm.ticket"),
                    ("res_id", "=", ticket.id),
                    ("partner_id", "=", recorded.parent_id.id),
                ]
            )
        )
        # the link is used up
        self.assertEqual(self._confirm(ticket, token).status_code, 404)

    def test_logged_in_owner_confirms_into_own_account(self):
        """The link proves the mailbox, the login the account: the ticket
        joins the visitor's own tickets."""
        ticket, path, token = self._confirm_link(
            "Secd own confirm", "secd.victim@example.com"
        )
        res = self.url_open(path)
        self.assertIn("log in", res.text)
        self.authenticate(self.victim.login, self.victim.login)
        res = self.url_open(path)
        self.assertEqual(res.status_code, 200)
        self.assertIn("joins your other", res.text)
        res = self._confirm(ticket, token)
        self.assertEqual(res.status_code, 200)
        self.assertIn("is now in your", res.text)
        ticket = self._tickets_named("Secd own confirm")
        self.assertEqual(ticket.partner_id, self.victim.partner_id)
        self.assertEqual(ticket.commercial_partner_id, self.company)
        self.assertIn(ticket, self.env["crm.ticket"].with_user(self.victim).search([]))
        self.assertEqual(self._confirm(ticket, token).status_code, 404)

    def test_anonymous_confirmation_of_a_users_address_left_to_an_agent(self):
        """A user's address is self-declared: without the login, the ticket
        stays where it is and an agent links it."""
        ticket, path, token = self._confirm_link(
            "Secd pending", "secd.victim@example.com"
        )
        contact = ticket.partner_id
        res = self.url_open(path)
        self.assertIn("agents then", res.text)
        res = self._confirm(ticket, token)
        self.assertEqual(res.status_code, 200)
        self.assertIn("will link it to your account", res.text)
        ticket = self._tickets_named("Secd pending")
        self.assertEqual(ticket.partner_id, contact)
        self.assertTrue(ticket.web_form_confirmed)
        note = ticket.message_ids.filtered(
            lambda message: "stays on its own contact" in (message.body or "")
        )
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertFalse(
            self.env["crm.score.event"].search(
                [
                    ("res_model", "=", "crm.ticket"),
                    ("res_id", "=", ticket.id),
                    ("partner_id", "in", (self.company | self.victim.partner_id).ids),
                ]
            )
        )
        # used up: no second note, no later move
        self.authenticate(self.victim.login, self.victim.login)
        self.assertEqual(self._confirm(ticket, token).status_code, 404)
        self.assertEqual(self._tickets_named("Secd pending").partner_id, contact)

    def test_attacker_account_with_the_victims_address_gets_nothing(self):
        """A portal user gives their own account the victim's address
        (``/my/account`` does not check it): the victim's confirmed ticket
        never goes to the attacker."""
        attacker_company = self.env["res.partner"].create(
            {"name": "Secd Attacker Corp", "is_company": True}
        )
        attacker = mail_new_test_user(
            self.env,
            login="secd_attacker",
            name="Secd Attacker",
            email="secd.attacker@example.com",
            groups="base.group_portal",
        )
        attacker.partner_id.parent_id = attacker_company
        # older than the victim's contact below
        attacker.partner_id.with_user(attacker).sudo().write(
            {"email": "secd.carol@example.com"}
        )
        as_attacker = self.env["crm.ticket"].with_user(attacker)

        # 1. the victim has no contact: an agent links the ticket
        ticket, _path, token = self._confirm_link(
            "Secd carol first", "secd.carol@example.com"
        )
        contact = ticket.partner_id
        self.assertEqual(self._confirm(ticket, token).status_code, 200)
        ticket = self._tickets_named("Secd carol first")
        self.assertEqual(ticket.partner_id, contact)
        self.assertNotEqual(ticket.commercial_partner_id, attacker_company)
        self.assertNotIn(ticket, as_attacker.search([]))

        # 2. the victim's real contact, of another customer, recorded by an
        # agent: the ticket goes there
        carol = self._recorded_contact(
            "Secd Carol", "secd.carol@example.com", "Secd Carol Corp"
        )
        ticket, _path, token = self._confirm_link(
            "Secd carol second", "secd.carol@example.com"
        )
        self.assertEqual(self._confirm(ticket, token).status_code, 200)
        ticket = self._tickets_named("Secd carol second")
        self.assertEqual(ticket.partner_id, carol)
        self.assertNotIn(ticket, as_attacker.search([]))
        self.assertFalse(
            self.env["crm.score.event"].search(
                [
                    ("res_model", "=", "crm.ticket"),
                    ("res_id", "=", ticket.id),
                    ("partner_id", "=", attacker_company.id),
                ]
            )
        )

        # 3. the address recorded on two customers: nobody is picked
        self._recorded_contact("Secd Carol bis", "secd.carol@example.com", "Secd Bis")
        ticket, _path, token = self._confirm_link(
            "Secd carol third", "secd.carol@example.com"
        )
        contact = ticket.partner_id
        res = self._confirm(ticket, token)
        self.assertIn("will link it to your account", res.text)
        ticket = self._tickets_named("Secd carol third")
        self.assertEqual(ticket.partner_id, contact)
        self.assertNotIn(ticket, as_attacker.search([]))

    def test_no_link_without_an_existing_customer(self):
        self._post_form(self._form("Secd nobody", email="secd.nobody@example.com"))
        ticket = self._tickets_named("Secd nobody")
        mail = self.env["mail.mail"].search(
            [("model", "=", "crm.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertNotIn("/confirm", mail.body_html)

    def test_logged_in_user_with_own_address(self):
        """The session proves the address: the ticket is the user's, and a
        duplicate contact of that address is not offered the link."""
        self.env["res.partner"].create(
            {"name": "Secd duplicate", "email": "secd.victim@example.com"}
        )
        self.authenticate(self.victim.login, self.victim.login)
        self._post_form(self._form("Secd own", email="secd.victim@example.com"))
        ticket = self._tickets_named("Secd own")
        self.assertEqual(ticket.partner_id, self.victim.partner_id)
        self.assertIn(ticket, self.env["crm.ticket"].with_user(self.victim).search([]))
        self.assertFalse(ticket._web_form_confirm_url())

    # ------------------------------------------------------------
    # Files
    # ------------------------------------------------------------

    def test_files_per_request_limited(self):
        self.env["ir.config_parameter"].set_param(
            "crm_suite.ticket_attachment_max_files", "2"
        )
        res = self._post_form(
            self._form("Secd files"),
            files=[
                ("attachments", (f"f{index}.txt", b"x", "text/plain"))
                for index in range(3)
            ],
        )
        self.assertEqual(res.status_code, 200)
        self.assertIn("You sent 3 files: send up to 2 files at once", res.text)
        self.assertFalse(self._tickets_named("Secd files"))

    def test_html_and_svg_stored_as_plain_text_on_a_public_message(self):
        self._post_form(
            self._form("Secd svg"),
            files=[
                (
                    "attachments",
                    ("a.svg", b"<svg><script>1</script></svg>", "image/svg+xml"),
                ),
                ("attachments", ("b.html", b"<script>2</script>", "text/html")),
                (
                    "attachments",
                    (
                        "c.xhtml",
                        b"<html><script>3</script></html>",
                        "application/xhtml+xml",
                    ),
                ),
            ],
        )
        ticket = self._tickets_named("Secd svg")
        files = self.env["ir.attachment"].search(
            [("res_model", "=", "crm.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(len(files), 3)
        self.assertEqual(set(files.mapped("mimetype")), {"text/plain"})
        public = ticket.message_ids.filtered(lambda m: m.attachment_ids)
        self.assertEqual(public.attachment_ids, files)
        self.assertEqual(public.subtype_id, self.env.ref("mail.mt_comment"))

    # ------------------------------------------------------------
    # Rate limit
    # ------------------------------------------------------------

    @mute_logger("odoo.http")
    def test_rate_limit_ignores_forged_forwarded_for(self):
        self.env["ir.config_parameter"].set_param("crm_suite.web_form_rate_limit", "2")
        statuses = [
            self._post_form(
                self._form(f"Secd xff {index}"),
                headers={
                    "X-Forwarded-For": f"203.0.113.{index}",
                    "X-Forwarded-Host": "evil.example.com",
                    "X-Real-IP": f"198.51.100.{index}",
                },
            ).status_code
            for index in range(4)
        ]
        self.assertEqual(statuses, [200, 200, 429, 429])

    @mute_logger("odoo.http")
    def test_rate_limit_behind_proxy_counts_ipv6_by_64(self):
        """In proxy_mode the proxy's X-Forwarded-For is the client: addresses of
        one IPv6 /64 share a counter, another /64 has its own."""
        self.env["ir.config_parameter"].set_param("crm_suite.web_form_rate_limit", "2")
        self.startPatcher(patch.dict(config.options, {"proxy_mode": True}))
        host = urlparse(self.base_url()).netloc

        def post(subject, address):
            return self._post_form(
                self._form(subject),
                headers={"X-Forwarded-For": address, "X-Forwarded-Host": host},
            ).status_code

        self.assertEqual(post("Secd v6 a", "2001:db8:1:2::1"), 200)
        self.assertEqual(post("Secd v6 b", "2001:db8:1:2:ffff:ffff:ffff:fffe"), 200)
        self.assertEqual(post("Secd v6 c", "2001:db8:1:2:abcd::9"), 429)
        self.assertEqual(post("Secd v6 d", "2001:db8:1:3::1"), 200)
        # IPv4 addresses of a proxy's clients are counted one by one
        self.assertEqual(post("Secd v4 a", "192.0.2.10"), 200)
        self.assertEqual(post("Secd v4 b", "192.0.2.11"), 200)

    @mute_logger("odoo.http")
    def test_rate_limit_no_double_burst_at_the_hour(self):
        self.env["ir.config_parameter"].set_param("crm_suite.web_form_rate_limit", "2")
        hour_end = START - START % 3600 + 3600
        self.mocked_time.time.return_value = hour_end - 2
        self.assertEqual(self._post_form(self._form("Secd edge 1")).status_code, 200)
        self.assertEqual(self._post_form(self._form("Secd edge 2")).status_code, 200)
        # the next clock hour: still within the last hour of the two posts
        self.mocked_time.time.return_value = hour_end + 2
        self.assertEqual(self._post_form(self._form("Secd edge 3")).status_code, 429)
        self.mocked_time.time.return_value = hour_end + 1800
        self.assertEqual(self._post_form(self._form("Secd edge 4")).status_code, 429)
        # an hour after the first two
        self.mocked_time.time.return_value = hour_end + 3600 - 1
        self.assertEqual(self._post_form(self._form("Secd edge 5")).status_code, 200)
        self.assertEqual(self._post_form(self._form("Secd edge 6")).status_code, 200)
        self.assertEqual(self._post_form(self._form("Secd edge 7")).status_code, 429)
