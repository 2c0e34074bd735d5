# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from datetime import datetime, timedelta

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import CrmTicketCommonMixin

RAW_NEW = """From: {sender}
To: {to}
Cc: {cc}
Subject: {subject}
Message-Id: <{msgid}@customer.test>
Date: Fri, 02 Jan 2026 15:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

{body}
"""

RAW_REPLY = """From: {sender}
To: {to}
Subject: Re: {subject}
Message-Id: <{msgid}@customer.test>
In-Reply-To: <{parent}>
References: <{parent}>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

{body}
"""


@tagged("post_install", "-at_install")
class TestCrmTicketMail(CrmTicketCommonMixin, TransactionCase):
    """Intake through the real mail gateway, as Odoo's mailgate script does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_ticket()
        cls._setup_mail_team(
            "tickets.test",
            "Mail desk",
            "desk",
            assignment_method="round_robin",
            member_ids=[(6, 0, (cls.agent_a | cls.agent_b).ids)],
        )

    def _process(self, raw):
        return self.env["mail.thread"].message_process(None, raw.encode())

    def _new_email(self, **kw):
        values = {
            "sender": "Carl Customer <carl@newcorp.test>",
            "to": "desk@tickets.test",
            "cc": "Dana Boss <dana@newcorp.test>",
            "subject": "The export button does nothing",
            "msgid": "first",
            "body": "Clicking Export shows nothing.",
        }
        values.update(kw)
        return self._process(RAW_NEW.format(**values))

    def test_email_opens_ticket_and_reply_threads(self):
        ticket_id = self._new_email()
        ticket = self.env["crm.ticket"].browse(ticket_id)
        self.assertEqual(ticket._name, "crm.ticket")
        self.assertEqual(ticket.team_id, self.mail_team)
        self.assertEqual(ticket.channel, "email")
        self.assertEqual(ticket.name, "The export button does nothing")
        self.assertIn("Clicking Export", ticket.description)
        self.assertEqual(ticket.partner_id.email, "carl@newcorp.test")
        self.assertEqual(ticket.user_id, self.agent_a, "round-robin")
        followers = ticket.message_partner_ids.mapped("email")
        self.assertIn("carl@newcorp.test", followers)
        self.assertNotIn(
            "dana@newcorp.test", followers, "not a contact of the customer yet"
        )
        self.assertIn("dana@newcorp.test", ticket.email_cc)
        self.assertTrue(ticket.last_customer_message_date)
        # the customer answers the original message: same ticket
        reply_id = self._process(
            RAW_REPLY.format(
                sender="Carl Customer <carl@newcorp.test>",
                to="desk@tickets.test",
                subject=ticket.name,
                msgid="second",
                parent="first@customer.test",
                body="Any news?",
            )
        )
        self.assertEqual(reply_id, ticket.id)
        self.assertEqual(
            self.env["crm.ticket"].search_count(
                [("partner_id", "=", ticket.partner_id.id)]
            ),
            1,
        )
        self.assertTrue(any("Any news?" in (m.body or "") for m in ticket.message_ids))

    def test_reply_to_acknowledgement_threads(self):
        ticket = self.env["crm.ticket"].browse(self._new_email())
        ack = self.env["mail.mail"].search(
            [
                ("model", "=", "crm.ticket"),
                ("res_id", "=", ticket.id),
                ("subject", "like", ticket.number),
            ]
        )
        self.assertEqual(len(ack), 1)
        self.assertIn(
            "desk@tickets.test", ack.reply_to, "replies come back to the alias"
        )
        reply_id = self._process(
            RAW_REPLY.format(
                sender="carl@newcorp.test",
                to="desk@tickets.test",
                subject=ack.subject,
                msgid="third",
                parent=ack.message_id.strip("<>"),
                body="Thanks",
            )
        )
        self.assertEqual(reply_id, ticket.id)

    def test_acknowledgement_in_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        template = self.env.ref("crm_suite.mail_template_ticket_acknowledgement")
        template.with_context(
            lang="fr_FR"
        ).subject = "[{{ object.number }}] Demande reçue"
        template.with_context(lang="fr_FR").body_html = template.body_html.replace(
            "Hello", "Bonjour"
        )
        french = self.env["res.partner"].create(
            {"name": "Fanny", "email": "fanny@fr.test", "lang": "fr_FR"}
        )
        ticket = self._ticket(partner_id=french.id)
        english = self._ticket()
        mails = self.env["mail.mail"].search(
            [("model", "=", "crm.ticket"), ("res_id", "in", (ticket | english).ids)]
        )
        french_mail = mails.filtered(lambda m: m.res_id == ticket.id)
        self.assertEqual(french_mail.subject, f"[{ticket.number}] Demande reçue")
        self.assertIn("Bonjour", french_mail.body_html)
        self.assertIn(f"/my/tickets/{ticket.id}?access_token=", french_mail.body_html)
        self.assertIn(french.email, french_mail.recipient_ids.mapped("email"))
        english_mail = mails.filtered(lambda m: m.res_id == english.id)
        self.assertEqual(english_mail.subject, f"[{english.number}] {english.name}")
        self.assertIn("View the ticket", english_mail.body_html)
        # the acknowledgement is kept in the chatter
        self.assertTrue(
            ticket.message_ids.filtered(lambda m: m.subject == french_mail.subject)
        )

    def test_email_without_subject(self):
        ticket = self.env["crm.ticket"].browse(
            self._new_email(subject="", body="My screen is blank\nsince this morning")
        )
        self.assertEqual(ticket.name, "My screen is blank")

    def test_known_customer_and_other_alias_not_follower(self):
        ticket = self.env["crm.ticket"].browse(
            self._new_email(
                sender="Alice <alice@acme.test>", cc="desk@tickets.test", msgid="k1"
            )
        )
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.commercial_partner_id, self.customer_company)
        self.assertNotIn(
            "desk@tickets.test",
            ticket.message_partner_ids.mapped("email"),
            "our own alias never becomes a follower",
        )

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_unknown_alias_opens_nothing(self):
        with self.assertRaises(ValueError):
            self._new_email(to="nobody@elsewhere.test", msgid="u1")
        self.assertFalse(
            self.env["crm.ticket"].search(
                [("name", "=", "The export button does nothing")]
            )
        )

    def test_auto_close_warns_then_closes(self):
        self.team.auto_close_days = 5
        self.team.auto_close_warning_days = 2
        start = datetime(2026, 1, 5, 9, 0)
        with self._at(start):
            ticket = self._ticket()
            self._agent_answers(ticket, "Could you send a screenshot?")
        Ticket = self.env["crm.ticket"]
        with self._at(start + timedelta(days=2)):
            Ticket._cron_auto_close()
        self.assertFalse(ticket.auto_close_warning_date, "too early to warn")
        with self._at(start + timedelta(days=3, hours=1)):
            Ticket._cron_auto_close()
            Ticket._cron_auto_close()
        self.assertTrue(ticket.auto_close_warning_date)
        self.assertFalse(ticket.is_closed)
        warnings = ticket.message_ids.filtered(
            lambda m: "not heard from you" in (m.body or "")
        )
        self.assertEqual(len(warnings), 1, "warned once")
        with self._at(start + timedelta(days=5, hours=1)):
            Ticket._cron_auto_close()
        self.assertTrue(ticket.is_closed)

    def test_customer_reply_cancels_auto_close(self):
        self.team.auto_close_days = 5
        start = datetime(2026, 1, 5, 9, 0)
        with self._at(start):
            ticket = self._ticket()
            self._agent_answers(ticket, "Could you send a screenshot?")
        with self._at(start + timedelta(days=4)):
            self.env["crm.ticket"]._cron_auto_close()
            self.assertTrue(ticket.auto_close_warning_date)
            ticket.message_post(
                body="Here it is",
                author_id=self.customer.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertFalse(ticket.auto_close_warning_date)
        with self._at(start + timedelta(days=6)):
            self.env["crm.ticket"]._cron_auto_close()
        self.assertFalse(ticket.is_closed, "the customer answered")

    def test_ticket_opened_scoring_event(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Acme deal",
                "partner_id": self.customer_company.id,
                "type": "opportunity",
            }
        )
        ticket = self._ticket()
        event = self.env["crm.score.event"].search(
            [("res_model", "=", "crm.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(event.event_type, "ticket_opened")
        self.assertEqual(event.partner_id, self.customer_company)
        self.assertTrue(lead)

    def test_oversized_attachment(self):
        self.env["ir.config_parameter"].set_param(
            "crm_suite.ticket_attachment_max_mb", "0.01"
        )
        ticket = self._ticket()
        with self.assertRaisesRegex(UserError, "too large"):
            self.env["ir.attachment"].create(
                {
                    "name": "huge.bin",
                    "raw": b"x" * 20000,
                    "res_model": "crm.ticket",
                    "res_id": ticket.id,
                }
            )
        small = self.env["ir.attachment"].create(
            {
                "name": "small.txt",
                "raw": b"x" * 100,
                "res_model": "crm.ticket",
                "res_id": ticket.id,
            }
        )
        self.assertTrue(small)
        # an email keeps its text and small files; the big one is noted, not kept
        raw = (
            "From: Carl Customer <carl@newcorp.test>\n"
            "To: desk@tickets.test\n"
            "Subject: Logs attached\n"
            "Message-Id: <big-1@customer.test>\n"
            "MIME-Version: 1.0\n"
            'Content-Type: multipart/mixed; boundary="XX"\n\n'
            "--XX\nContent-Type: text/plain\n\nSee the logs.\n"
            '--XX\nContent-Type: text/plain; name="small.log"\n'
            'Content-Disposition: attachment; filename="small.log"\n\nok\n'
            '--XX\nContent-Type: application/octet-stream; name="big.log"\n'
            'Content-Disposition: attachment; filename="big.log"\n'
            "Content-Transfer-Encoding: base64\n\n"
            + base64.b64encode(b"y" * 30000).decode()
            + "\n--XX--\n"
        )
        mailed = self.env["crm.ticket"].browse(self._process(raw))
        names = (
            self.env["ir.attachment"]
            .search([("res_model", "=", "crm.ticket"), ("res_id", "=", mailed.id)])
            .mapped("name")
        )
        self.assertIn("small.log", names)
        self.assertNotIn("big.log", names)
        self.assertTrue(
            mailed.message_ids.filtered(lambda m: "big.log" in (m.body or ""))
        )
        self.assertTrue(
            mailed.message_ids.filtered(lambda m: "See the logs" in (m.body or ""))
        )
