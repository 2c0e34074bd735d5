# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import CrmTicketCommonMixin
from .test_crm_ticket_mail import RAW_NEW, RAW_REPLY


@tagged("post_install", "-at_install", "crm_suite_security")
class TestSecurityMailGateway(CrmTicketCommonMixin, TransactionCase):
    """Anyone can send an email with a customer's From and their own address
    in CC: CC'd addresses follow a ticket (and get the agents' replies) only
    when they are contacts of the ticket's customer, unless the team allows
    new CC followers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_ticket()
        cls._setup_mail_team(
            "secdesk.test", "Secure desk", "help", member_ids=[(6, 0, cls.agent_a.ids)]
        )
        Partner = cls.env["res.partner"]
        cls.acme = Partner.create({"name": "Acme Gateway", "is_company": True})
        cls.alice = Partner.create(
            {"name": "Alice", "email": "alice@acme-gw.test", "parent_id": cls.acme.id}
        )
        cls.bob = Partner.create(
            {"name": "Bob", "email": "bob@acme-gw.test", "parent_id": cls.acme.id}
        )
        # a known contact, but of another customer
        cls.other = Partner.create({"name": "Other Corp GW", "is_company": True})
        cls.mallory_known = Partner.create(
            {
                "name": "Mallory",
                "email": "mallory@evil-gw.test",
                "parent_id": cls.other.id,
            }
        )

    def _process(self, raw):
        return self.env["mail.thread"].message_process(None, raw.encode())

    def _new_email(self, cc, msgid, sender="Alice <alice@acme-gw.test>"):
        return self.env["crm.ticket"].browse(
            self._process(
                RAW_NEW.format(
                    sender=sender,
                    to="help@secdesk.test",
                    cc=cc,
                    subject="Invoice question",
                    msgid=msgid,
                    body="Please look at my invoice.",
                )
            )
        )

    def _follower_emails(self, ticket):
        ticket.invalidate_recordset()
        return set(ticket.message_partner_ids.mapped("email_normalized"))

    def test_spoofed_from_with_attacker_in_cc(self):
        ticket = self._new_email(
            "Mallory <mallory@attacker-gw.test>, Bob <bob@acme-gw.test>, "
            "mallory@evil-gw.test",
            "spoof1",
        )
        self.assertEqual(ticket.partner_id, self.alice)
        followers = self._follower_emails(ticket)
        self.assertIn("alice@acme-gw.test", followers)
        self.assertIn("bob@acme-gw.test", followers, "a contact of Acme follows")
        self.assertNotIn("mallory@attacker-gw.test", followers)
        self.assertNotIn("mallory@evil-gw.test", followers, "another customer's")
        self.assertFalse(
            self.env["res.partner"].search_count(
                [("email_normalized", "=", "mallory@attacker-gw.test")]
            ),
            "no contact is created for an unknown CC",
        )
        # the agent's answer goes to Alice and Bob, never to the attacker
        message = ticket.with_user(self.agent_a).message_post(
            body="Here is your invoice.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        notified = set(
            message.sudo().notification_ids.res_partner_id.mapped("email_normalized")
        )
        self.assertIn("alice@acme-gw.test", notified)
        self.assertIn("bob@acme-gw.test", notified)
        self.assertNotIn("mallory@attacker-gw.test", notified)
        self.assertNotIn("mallory@evil-gw.test", notified)

    def test_reply_with_attacker_in_cc(self):
        ticket = self._new_email("", "spoof2")
        ack = ticket.message_ids.filtered(lambda m: m.message_id)[-1:]
        raw = RAW_REPLY.format(
            sender="Alice <alice@acme-gw.test>",
            to="help@secdesk.test, mallory@attacker-gw.test",
            subject=ticket.name,
            msgid="spoof2-reply",
            parent=ack.message_id.strip("<>"),
            body="Any news?",
        ).replace("Subject:", "Cc: Bob <bob@acme-gw.test>\nSubject:", 1)
        self.assertEqual(self._process(raw), ticket.id)
        followers = self._follower_emails(ticket)
        self.assertIn("bob@acme-gw.test", followers)
        self.assertNotIn("mallory@attacker-gw.test", followers)

    def test_team_option_allows_new_cc_followers(self):
        self.assertFalse(self.env["crm.ticket.team"].new({}).allow_new_cc_followers)
        self.mail_team.allow_new_cc_followers = True
        ticket = self._new_email("Newbie <newbie@partner-gw.test>", "open1")
        self.assertIn("newbie@partner-gw.test", self._follower_emails(ticket))
