# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The portal as an attacker uses it: two portal users of two customers
against tickets, files, messages, RPC reads and the merge of tickets."""

import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CrmSuitePortalMixin

SVG = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
HTML = b"<script>alert(2)</script>"
# what the portal shows of a ticket (page, list, chatter), and Odoo's own
# fields of the mixins that carry no groups
PORTAL_FIELDS = {
    "id",
    "number",
    "name",
    "description",
    "active",
    "company_id",
    "partner_id",
    "commercial_partner_id",
    "partner_name",
    "partner_email",
    "partner_phone",
    "priority",
    "type_id",
    "team_id",
    "stage_id",
    "is_closed",
    "portal_close",
    "close_date",
    "display_name",
    "create_date",
    "create_uid",
    "write_date",
    "write_uid",
}
INTERNAL_FIELDS = {
    "email_cc",
    "lead_id",
    "user_id",
    "kanban_state",
    "color",
    "tag_ids",
    "channel",
    "first_response_hours",
    "resolution_hours",
    "first_response_date",
    "assign_date",
    "last_stage_update",
    "last_customer_message_date",
    "last_agent_message_date",
    "auto_close_warning_date",
    "sla_status_ids",
    "sla_deadline",
    "sla_failed",
    "similar_ticket_ids",
    "merged_into_id",
}


@tagged("post_install", "-at_install")
class TestSecurityPortal(CrmSuitePortalMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls._new_customer_company("Secd Aurora")
        cls.company_b = cls._new_customer_company("Secd Boreal")
        cls.portal_a = cls._portal_user("secd_portal_a", cls.company_a)
        cls.portal_b = cls._portal_user("secd_portal_b", cls.company_b)
        cls.agent = mail_new_test_user(
            cls.env,
            login="secd_agent",
            name="Secd Agent Zorro",
            groups="base.group_user,crm_suite.group_crm_suite_user",
        )
        cls.team = cls.env["crm.ticket.team"].create(
            {"name": "Secd Desk", "assignment_method": "manual"}
        )
        Ticket = cls.env["crm.ticket"].with_context(crm_ticket_no_ack=True)
        cls.ticket_a = Ticket.create(
            {
                "name": "Secd Aurora ticket",
                "partner_id": cls.portal_a.partner_id.id,
                "team_id": cls.team.id,
            }
        )
        cls.ticket_b = Ticket.create(
            {
                "name": "Secd Boreal ticket",
                "partner_id": cls.portal_b.partner_id.id,
                "team_id": cls.team.id,
            }
        )
        cls.lead = cls.env["crm.lead"].create(
            {"name": "Secd secret lead", "partner_id": cls.company_a.id}
        )
        cls.ticket_a.write(
            {"lead_id": cls.lead.id, "user_id": cls.agent.id, "kanban_state": "done"}
        )
        Attachment = cls.env["ir.attachment"]
        # an agent's file on the record itself, and an internal note's file
        cls.record_file = Attachment.create(
            {
                "name": "secd_record.txt",
                "raw": b"SECD-RECORD-FILE",
                "res_model": "crm.ticket",
                "res_id": cls.ticket_a.id,
            }
        )
        cls.note_file = cls.ticket_a.message_post(
            body="Internal analysis",
            subtype_xmlid="mail.mt_note",
            message_type="comment",
            attachments=[("secd_note.txt", b"SECD-NOTE-FILE")],
        ).attachment_ids
        cls.public_file = cls.ticket_a.message_post(
            body="Here is the fix",
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
            attachments=[("secd_public.txt", b"SECD-PUBLIC-FILE")],
        ).attachment_ids

    def setUp(self):
        super().setUp()
        # rate limit counters of these tests in a time of their own
        self.mocked_time = self._freeze_rate_limit()

    @classmethod
    def _portal_user(cls, login, company):
        return cls._new_portal_user(login, f"{login} user", company)

    # ------------------------------------------------------------
    # RPC as a portal user
    # ------------------------------------------------------------

    def test_rpc_read_only_portal_fields(self):
        Ticket = self.env["crm.ticket"].with_user(self.portal_a)
        rows = Ticket.search_read([], [])
        self.assertEqual([row["id"] for row in rows], [self.ticket_a.id])
        self.assertFalse(INTERNAL_FIELDS & set(rows[0]), "internal fields read")
        self.assertLessEqual(
            {f for f in rows[0] if not f.startswith(("message_", "activity_"))}
            - PORTAL_FIELDS,
            {
                "access_url",
                "access_token",
                "access_warning",
                "has_message",
                "rating_count",
                "rating_percentage_satisfaction",
                "rating_ids",
                "my_activity_date_deadline",
                "website_message_ids",
            },
        )
        for field in INTERNAL_FIELDS:
            with self.assertRaises(AccessError, msg=field):
                Ticket.browse(self.ticket_a.id).read([field])
        # nor through a search on them (an oracle)
        with self.assertRaises(AccessError):
            Ticket.search([("lead_id", "=", self.lead.id)])
        with self.assertRaises(AccessError):
            Ticket.browse(self.ticket_b.id).read(["name"])

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_rpc_refused_models_and_actions(self):
        env = self.env(user=self.portal_a)
        self.env["crm.ticket.sla"].create(
            {"name": "Secd SLA", "team_ids": self.team.ids, "response_hours": 4}
        )
        self.ticket_a.priority = "1"
        status = self.ticket_a.sla_status_ids[:1]
        self.assertTrue(status)
        with self.assertRaises(AccessError):
            env["crm.ticket.sla.status"].search_read([], ["deadline"])
        with self.assertRaises(AccessError):
            env["crm.ticket.sla.status"].browse(status.id).read(["deadline"])
        rating = self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.ticket"),
                "res_id": self.ticket_a.id,
                "rating": 1,
                "feedback": "secd bad",
            }
        )
        with self.assertRaises(AccessError):
            env["rating.rating"].search_read([], ["feedback"])
        with self.assertRaises(AccessError):
            env["rating.rating"].browse(rating.id).read(["feedback"])
        for attachment in self.record_file | self.note_file | self.public_file:
            with self.assertRaises(AccessError):
                env["ir.attachment"].browse(attachment.id).read(["raw"])
        with self.assertRaises(AccessError):
            env["ir.attachment"].search_read(
                [("res_model", "=", "crm.ticket")], ["raw"]
            )
        ticket = env["crm.ticket"].browse(self.ticket_a.id)
        with self.assertRaises(AccessError):
            ticket.write({"name": "hacked"})
        with self.assertRaises(AccessError):
            ticket.action_close()
        self.assertFalse(self.ticket_a.is_closed)

    # ------------------------------------------------------------
    # Files
    # ------------------------------------------------------------

    def test_only_public_message_files_reach_the_portal(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/tickets/{self.ticket_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("secd_public.txt", page.text)
        self.assertNotIn("secd_record.txt", page.text)
        self.assertNotIn("secd_note.txt", page.text)
        base = f"/my/tickets/{self.ticket_a.id}/attachments"
        res = self.url_open(f"{base}/{self.public_file.id}")
        self.assertEqual(res.status_code, 200)
        self.assertEqual(res.content, b"SECD-PUBLIC-FILE")
        self.assertIn("attachment", res.headers["Content-Disposition"])
        self.assertEqual(res.headers["X-Content-Type-Options"], "nosniff")
        for attachment in (self.record_file, self.note_file):
            res = self.url_open(f"{base}/{attachment.id}")
            self.assertEqual(res.status_code, 404, attachment.name)
            self.assertNotIn(b"SECD-", res.content)
            res = self.url_open(f"/web/content/{attachment.id}?download=true")
            self.assertNotEqual(res.status_code, 200, attachment.name)
            self.assertNotIn(b"SECD-", res.content)
        # the other customer reaches none of them, by either ticket
        self.authenticate(self.portal_b.login, self.portal_b.login)
        for ticket in (self.ticket_a, self.ticket_b):
            res = self.url_open(
                f"/my/tickets/{ticket.id}/attachments/{self.public_file.id}"
            )
            self.assertEqual(res.status_code, 404)
            self.assertNotIn(b"SECD-", res.content)

    def test_chatter_file_list_shows_public_files_only(self):
        """The chatter's file list (/mail/thread/data), with the ticket's
        token or logged in: the internal files are not even named."""
        token = self.ticket_a._portal_ensure_token()
        for login, params in (
            (None, {"token": token}),
            (self.portal_a.login, {}),
        ):
            self.authenticate(login, login)
            try:
                data = self.make_jsonrpc_request(
                    "/mail/thread/data",
                    {
                        "thread_model": "crm.ticket",
                        "thread_id": self.ticket_a.id,
                        "request_list": ["attachments"],
                        **params,
                    },
                )
            except Exception as error:  # noqa: BLE001 - a refusal leaks nothing
                data = str(error)
            text = json.dumps(data)
            self.assertNotIn("secd_record.txt", text, login)
            self.assertNotIn("secd_note.txt", text, login)
            if login is None:
                self.assertIn("secd_public.txt", text)

    def test_portal_uploads_html_svg_as_plain_text(self):
        """The portal's new-ticket form: the customer's files are on their
        public message (so they see them), HTML and SVG stored as plain text
        and downloaded as an attachment that is never sniffed."""
        self.authenticate(self.portal_a.login, self.portal_a.login)
        res = self._post(
            "/my/tickets/new",
            {"subject": "Secd portal svg"},
            files=[
                (
                    "attachments",
                    (
                        "logo.svg",
                        b"<svg><script>alert(1)</script></svg>",
                        "image/svg+xml",
                    ),
                ),
                (
                    "attachments",
                    ("page.html", b"<script>alert(2)</script>", "text/html"),
                ),
            ],
        )
        self.assertEqual(res.status_code, 200)
        ticket = self.env["crm.ticket"].search([("name", "=", "Secd portal svg")])
        self.assertEqual(len(ticket), 1)
        files = self.env["ir.attachment"].search(
            [("res_model", "=", "crm.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(len(files), 2)
        self.assertEqual(set(files.mapped("mimetype")), {"text/plain"})
        for attachment in files:
            res = self.url_open(f"/my/tickets/{ticket.id}/attachments/{attachment.id}")
            self.assertEqual(res.status_code, 200)
            self.assertTrue(res.headers["Content-Type"].startswith("text/plain"))
            self.assertIn("attachment", res.headers["Content-Disposition"])
            self.assertEqual(res.headers["X-Content-Type-Options"], "nosniff")

    def test_agent_and_gateway_html_stored_as_plain_text(self):
        """Every path onto a ticket: an administrator's upload (Odoo keeps
        their HTML as is elsewhere) and a chatter upload moved onto it."""
        admin_file = self.env["ir.attachment"].create(
            {
                "name": "forwarded.html",
                "raw": b"<script>alert(3)</script>",
                "res_model": "crm.ticket",
                "res_id": self.ticket_a.id,
            }
        )
        self.assertEqual(admin_file.mimetype, "text/plain")
        pending = self.env["ir.attachment"].create(
            {
                "name": "pending.svg",
                "raw": b"<svg><script>alert(4)</script></svg>",
                "res_model": "mail.compose.message",
                "res_id": 0,
            }
        )
        self.assertEqual(pending.mimetype, "image/svg+xml")
        self.ticket_a.message_post(
            body="See attached",
            attachment_ids=pending.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(pending.res_model, "crm.ticket")
        self.assertEqual(pending.mimetype, "text/plain")

    def test_portal_new_ticket_files_per_request(self):
        self.env["ir.config_parameter"].set_param(
            "crm_suite.ticket_attachment_max_files", "3"
        )
        self.authenticate(self.portal_a.login, self.portal_a.login)
        res = self._post(
            "/my/tickets/new",
            {"subject": "Secd many files"},
            files=[
                ("attachments", (f"f{index}.txt", b"x", "text/plain"))
                for index in range(4)
            ],
        )
        self.assertEqual(res.status_code, 200)
        self.assertIn("You sent 4 files: send up to 3 files at once", res.text)
        self.assertFalse(
            self.env["crm.ticket"].search([("name", "=", "Secd many files")])
        )

    @mute_logger("odoo.http")
    def test_portal_new_ticket_rate_limited_per_user(self):
        self.env["ir.config_parameter"].set_param("crm_suite.web_form_rate_limit", "2")
        self.authenticate(self.portal_a.login, self.portal_a.login)
        for index in range(2):
            res = self._post("/my/tickets/new", {"subject": f"Secd burst {index}"})
            self.assertEqual(res.status_code, 200)
        res = self._post("/my/tickets/new", {"subject": "Secd burst over"})
        self.assertEqual(res.status_code, 429)
        Ticket = self.env["crm.ticket"]
        self.assertEqual(Ticket.search_count([("name", "like", "Secd burst")]), 2)
        # per user: another customer is not stopped by this one
        self.authenticate(self.portal_b.login, self.portal_b.login)
        res = self._post("/my/tickets/new", {"subject": "Secd burst other"})
        self.assertEqual(res.status_code, 200)
        self.assertEqual(Ticket.search_count([("name", "like", "Secd burst")]), 3)

    # ------------------------------------------------------------
    # Messages
    # ------------------------------------------------------------

    def test_tracking_of_internal_fields_not_in_portal_chatter(self):
        other_agent = mail_new_test_user(
            self.env,
            login="secd_agent2",
            name="Secd Agent Yvette",
            groups="base.group_user,crm_suite.group_crm_suite_user",
        )
        lead_2 = self.env["crm.lead"].create({"name": "Secd other lead"})
        self.env.cr.precommit.run()  # the class's changes, tracked before
        self.ticket_a.write(
            {
                "user_id": other_agent.id,
                "lead_id": lead_2.id,
                "priority": "2",
                "stage_id": self.env.ref("crm_suite.stage_waiting").id,
            }
        )
        self.env.flush_all()
        self.env.cr.precommit.run()  # the tracking messages
        self.env.invalidate_all()
        tracked = self.ticket_a.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("user_id", tracked)
        self.assertIn("stage_id", tracked)
        self.authenticate(self.portal_a.login, self.portal_a.login)
        data = self.make_jsonrpc_request(
            "/mail/thread/messages",
            {"thread_model": "crm.ticket", "thread_id": self.ticket_a.id},
        )
        text = json.dumps(data)
        self.assertIn("Here is the fix", text)
        self.assertNotIn("Internal analysis", text)
        for secret in ("Yvette", "Zorro", "Secd other lead", "Secd secret lead"):
            self.assertNotIn(secret, text)
        trackings = [
            tracking["fieldName"]
            for message in data["data"].get("mail.message", [])
            for tracking in message.get("trackingValues", [])
        ]
        self.assertIn("stage_id", trackings)
        self.assertNotIn("user_id", trackings)
        self.assertNotIn("lead_id", trackings)

    # ------------------------------------------------------------
    # Merges
    # ------------------------------------------------------------

    def test_merge_refuses_tickets_of_different_customers(self):
        wizard = self.env["crm.ticket.merge"].create(
            {"ticket_ids": [(6, 0, (self.ticket_a | self.ticket_b).ids)]}
        )
        with self.assertRaisesRegex(UserError, "different customers"):
            wizard.action_merge()
        self.assertTrue(self.ticket_b.active)
        self.assertFalse(self.ticket_b.merged_into_id)
        messages = self.env["mail.message"].search(
            [("model", "=", "crm.ticket"), ("res_id", "=", self.ticket_a.id)]
        )
        self.assertFalse(messages.filtered(lambda m: "Boreal" in (m.body or "")))
        # a ticket without customer is another customer too
        loose = (
            self.env["crm.ticket"]
            .with_context(crm_ticket_no_ack=True)
            .create({"name": "Secd loose", "team_id": self.team.id})
        )
        wizard = self.env["crm.ticket.merge"].create(
            {"ticket_ids": [(6, 0, (self.ticket_a | loose).ids)]}
        )
        with self.assertRaises(UserError):
            wizard.action_merge()
        # tickets of two contacts of one company merge
        colleague = self._portal_user("secd_portal_a2", self.company_a)
        twin = (
            self.env["crm.ticket"]
            .with_context(crm_ticket_no_ack=True)
            .create(
                {
                    "name": "Secd twin",
                    "partner_id": colleague.partner_id.id,
                    "team_id": self.team.id,
                }
            )
        )
        wizard = self.env["crm.ticket.merge"].create(
            {
                "ticket_ids": [(6, 0, (self.ticket_a | twin).ids)],
                "target_id": self.ticket_a.id,
            }
        )
        wizard.action_merge()
        self.assertEqual(twin.merged_into_id, self.ticket_a)

    def test_partner_merge_moves_the_ticket_to_the_customer(self):
        """The agent's verified path: merging a web form's contact into the
        existing customer puts the ticket in that customer's portal."""
        loose = self.env["res.partner"].create(
            {"name": "Typed name", "email": self.portal_a.email}
        )
        ticket = (
            self.env["crm.ticket"]
            .with_context(crm_ticket_no_ack=True)
            .create(
                {
                    "name": "Secd typed",
                    "partner_id": loose.id,
                    "team_id": self.team.id,
                    "channel": "web_form",
                }
            )
        )
        Ticket = self.env["crm.ticket"].with_user(self.portal_a)
        self.assertNotIn(ticket, Ticket.search([]))
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_context(active_model="res.partner")
            .create({})
        )
        wizard._merge((loose | self.portal_a.partner_id).ids, self.portal_a.partner_id)
        self.env.invalidate_all()
        self.assertEqual(ticket.partner_id, self.portal_a.partner_id)
        self.assertEqual(ticket.commercial_partner_id, self.company_a)
        self.assertIn(ticket, Ticket.search([]))
        self.assertNotIn(
            ticket, self.env["crm.ticket"].with_user(self.portal_b).search([])
        )
