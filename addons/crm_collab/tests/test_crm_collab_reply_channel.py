# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_suite.tests.common import CrmTicketCommonMixin


@tagged("post_install", "-at_install")
class TestCrmCollabReplyChannel(CrmTicketCommonMixin, TransactionCase):
    """A reply defaults to the channel the customer last used."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_ticket()

    def _customer_writes(self, record, message_type):
        record.message_post(
            body="Any news?",
            author_id=self.customer.id,
            message_type=message_type,
            subtype_xmlid="mail.mt_comment",
        )
        record.invalidate_recordset(["crm_reply_channel", "crm_last_inbound_channel"])

    def test_ticket_follows_the_customer(self):
        ticket = self._ticket(channel="phone")
        self.assertFalse(ticket.crm_last_inbound_channel)
        self.assertEqual(ticket.crm_reply_channel, "phone", "how it came in")
        action = ticket.action_crm_reply()
        self.assertEqual(action["res_model"], "mail.activity")
        self.assertEqual(
            action["context"]["default_activity_type_id"],
            self.env.ref("mail.mail_activity_data_call").id,
        )
        self._customer_writes(ticket, "email")
        self.assertEqual(ticket.crm_last_inbound_channel, "email")
        self.assertEqual(ticket.crm_reply_channel, "email")
        action = ticket.action_crm_reply()
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(action["context"]["default_res_ids"], ticket.ids)
        self.assertEqual(action["context"]["default_partner_ids"], self.customer.ids)
        self._customer_writes(ticket, "comment")
        self.assertEqual(ticket.crm_reply_channel, "messaging", "the portal")
        # the agent's own answer is no customer's channel
        ticket.with_user(self.agent_a).message_post(
            body="Let me call you.",
            message_type="email",
            subtype_xmlid="mail.mt_comment",
        )
        ticket.invalidate_recordset(["crm_reply_channel"])
        self.assertEqual(ticket.crm_reply_channel, "messaging")

    def test_lead_falls_back_on_the_preferred_channel(self):
        self.customer.preferred_channel = "phone"
        lead, other = self.env["crm.lead"].create(
            [
                {"name": "Call me", "partner_id": self.customer.id},
                {"name": "No contact"},
            ]
        )
        self.assertEqual(lead.crm_reply_channel, "phone")
        self.assertEqual(other.crm_reply_channel, "email", "the default")
        self._customer_writes(lead, "email")
        self.assertEqual(lead.crm_reply_channel, "email", "what they last used")
        # one query for any number of records
        leads = lead | other
        leads.invalidate_recordset(["crm_reply_channel"])
        with self.assertQueryCount(__system__=2):
            leads.mapped("crm_reply_channel")
