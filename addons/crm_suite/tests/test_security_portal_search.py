# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A customer searching their tickets by what they may not read: the chatter
(internal notes, followers), the agents' activities, the ratings. Each yes/no
answer of such a search would spell an internal note out."""

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CrmSuitePortalMixin

NOTE = "Secp internal refund code 4711-XQ"


@tagged("post_install", "-at_install")
class TestSecurityPortalSearch(CrmSuitePortalMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._new_customer_company("Secp Customer")
        cls.portal = cls._new_portal_user(
            "secp_portal", "Secp Portal", cls.customer, email="secp.portal@example.com"
        )
        cls.agent = mail_new_test_user(
            cls.env,
            login="secp_agent",
            groups="base.group_user,crm_suite.group_crm_suite_user",
        )
        cls.ticket = cls.env["crm.ticket"].create(
            {"name": "Secp ticket", "partner_id": cls.portal.partner_id.id}
        )
        cls.ticket.with_user(cls.agent).message_post(
            body=NOTE, subtype_xmlid="mail.mt_note"
        )
        cls.ticket.activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Secp call to discuss the discount",
            user_id=cls.agent.id,
        )

    def _as_portal(self):
        return self.env["crm.ticket"].with_user(self.portal)

    def test_portal_sees_its_ticket(self):
        Ticket = self._as_portal()
        self.assertEqual(Ticket.search([]), self.ticket)
        self.assertEqual(
            Ticket.search_count(
                [
                    ("commercial_partner_id", "=", self.customer.id),
                    ("is_closed", "=", False),
                    "|",
                    ("number", "ilike", self.ticket.number),
                    ("name", "ilike", "Secp"),
                ]
            ),
            1,
        )
        self.assertEqual(
            [row[0] for row in Ticket.name_search("Secp")], [self.ticket.id]
        )
        groups = Ticket.read_group([], ["stage_id"], ["stage_id"])
        self.assertEqual(sum(group["stage_id_count"] for group in groups), 1)
        # the chatter's own fields about the user
        Ticket.search([("message_is_follower", "=", True)])
        Ticket.search([("message_needaction", "=", True)])

    def test_internal_note_oracle_refused(self):
        Ticket = self._as_portal()
        attacks = [
            [("message_ids.body", "=like", "%refund code 4%")],
            [("message_ids.body", "ilike", "4711")],
            [("message_ids.is_internal", "=", True)],
            [("message_ids", "any", [("body", "ilike", "4711")])],
            [("message_ids", "not any", [("body", "ilike", "4712")])],
            [("website_message_ids.body", "ilike", "4711")],
            [
                ("id", "=", self.ticket.id),
                "|",
                ("name", "=", "x"),
                ("message_ids.body", "ilike", "4711"),
            ],
            [("partner_id", "any", [("message_ids.body", "ilike", "4711")])],
            [("partner_id.message_ids.body", "ilike", "4711")],
            [("message_follower_ids.partner_id", "=", self.agent.partner_id.id)],
            [("message_partner_ids", "in", self.agent.partner_id.ids)],
            [("activity_ids.summary", "ilike", "discount")],
            [("activity_user_id", "=", self.agent.id)],
            [("activity_summary", "ilike", "discount")],
            [("activity_state", "=", "planned")],
            [("activity_exception_decoration", "!=", False)],
            [("activity_type_icon", "!=", False)],
            [("rating_ids.feedback", "ilike", "x")],
            [("rating_last_feedback", "ilike", "x")],
            [("message_attachment_count", ">", 0), ("message_ids.body", "!=", False)],
        ]
        for domain in attacks:
            with self.subTest(domain=domain), self.assertRaises(AccessError):
                Ticket.search_count(domain)
        with self.assertRaises(AccessError):
            Ticket.search_read([("message_ids.body", "ilike", "4711")], ["name"])
        with self.assertRaises(AccessError):
            Ticket.read_group(
                [("message_ids.body", "ilike", "4711")], ["stage_id"], ["stage_id"]
            )
        with self.assertRaises(AccessError):
            Ticket.read_group([], ["activity_type_id"], ["activity_type_id"])
        with self.assertRaises(AccessError):
            Ticket.web_search_read(
                [("message_ids.body", "ilike", "4711")], {"name": {}}
            )
        # the mail.message rules hold on their own
        self.assertFalse(
            self.env["mail.message"]
            .with_user(self.portal)
            .search_count([("body", "ilike", "4711")])
        )

    def test_agents_search_the_chatter(self):
        Ticket = self.env["crm.ticket"].with_user(self.agent)
        self.assertEqual(
            Ticket.search([("message_ids.body", "ilike", "4711-XQ")]), self.ticket
        )
        self.assertEqual(
            Ticket.search([("message_ids", "any", [("body", "ilike", "4711-XQ")])]),
            self.ticket,
        )
        self.assertEqual(
            Ticket.search([("activity_summary", "ilike", "discount")]), self.ticket
        )
        self.assertEqual(
            self.env["crm.ticket"].search([("message_ids.body", "ilike", "4711-XQ")]),
            self.ticket,
        )

    def test_own_contacts_not_searched_by_their_chatter(self):
        """The same oracle on the contacts a customer may read (their own
        company's): the internal notes agents log on a contact."""
        contact = self.portal.partner_id
        contact.with_user(self.agent).message_post(
            body="Secp contact note: bad payer", subtype_xmlid="mail.mt_note"
        )
        Partner = self.env["res.partner"].with_user(self.portal)
        self.assertIn(contact, Partner.search([("id", "=", contact.id)]))
        self.assertIn(contact, Partner.search([("user_ids", "!=", False)]))
        for domain in (
            [("message_ids.body", "ilike", "bad payer")],
            [("message_ids", "any", [("body", "ilike", "bad payer")])],
            [("website_message_ids.body", "ilike", "bad payer")],
        ):
            with self.subTest(domain=domain), self.assertRaises(AccessError):
                Partner.search_count(domain)
        self.assertEqual(
            self.env["res.partner"]
            .with_user(self.agent)
            .search([("message_ids.body", "ilike", "bad payer")]),
            contact,
        )
