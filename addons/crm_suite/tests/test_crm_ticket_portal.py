# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import CrmSuitePortalMixin


@tagged("post_install", "-at_install")
class TestCrmTicketPortal(CrmSuitePortalMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls._new_customer_company(
            "Aurora Widgets", email="contact@aurora.example.com"
        )
        cls.company_b = cls._new_customer_company(
            "Boreal Gadgets", email="contact@boreal.example.com"
        )
        cls.portal_a = cls._new_customer("portal_aurora_ada", "Ada", cls.company_a)
        cls.portal_a2 = cls._new_customer("portal_aurora_alan", "Alan", cls.company_a)
        cls.portal_b = cls._new_customer("portal_boreal_bob", "Bob", cls.company_b)
        cls.team = cls.env["crm.ticket.team"].create(
            {"name": "Portal Test Desk", "assignment_method": "manual"}
        )
        cls.stage_new = cls.env.ref("crm_suite.stage_new")
        cls.stage_waiting = cls.env.ref("crm_suite.stage_waiting")
        Ticket = cls.env["crm.ticket"].with_context(crm_ticket_no_ack=True)
        cls.ticket_a = Ticket.create(
            {
                "name": "Aurora printer jams QZX1",
                "description": "<p>Aurora detail QZXA</p>",
                "partner_id": cls.company_a.id,
                "team_id": cls.team.id,
                "stage_id": cls.stage_new.id,
            }
        )
        cls.ticket_b = Ticket.create(
            {
                "name": "Boreal router melts QZX2",
                "description": "<p>Boreal detail QZXB</p>",
                "partner_id": cls.company_b.id,
                "team_id": cls.team.id,
                "stage_id": cls.stage_waiting.id,
            }
        )
        # the customers see the files of public messages (not those attached
        # to the record itself, see test_security_portal)
        cls.attachment_a = cls.ticket_a.message_post(
            body="Aurora log",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachments=[("aurora_log.txt", b"AURORA-FILE-CONTENT")],
        ).attachment_ids
        cls.attachment_b = cls.ticket_b.message_post(
            body="Boreal log",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachments=[("boreal_secret.txt", b"BOREAL-CONFIDENTIAL")],
        ).attachment_ids

    def setUp(self):
        super().setUp()
        # rate limit counters are committed rows: count these tests' hits in
        # a window of their own, long past, that no real request shares
        self._freeze_rate_limit()

    @classmethod
    def _new_customer(cls, login, name, company):
        return cls._new_portal_user(login, f"{name} {company.name}", company)

    # ------------------------------------------------------------
    # List and counter
    # ------------------------------------------------------------

    def test_list_shows_own_company_tickets_only(self):
        for user, seen, unseen in (
            (self.portal_a, self.ticket_a, self.ticket_b),
            (self.portal_a2, self.ticket_a, self.ticket_b),
            (self.portal_b, self.ticket_b, self.ticket_a),
        ):
            self.authenticate(user.login, user.login)
            res = self.url_open("/my/tickets")
            self.assertEqual(res.status_code, 200)
            self.assertIn(seen.name, res.text, user.login)
            self.assertIn(seen.number, res.text, user.login)
            self.assertNotIn(unseen.name, res.text, user.login)
            counters = self.make_jsonrpc_request(
                "/my/counters", {"counters": ["crm_ticket_count"]}
            )
            self.assertEqual(counters, {"crm_ticket_count": 1}, user.login)

    def test_list_search_filter_sort(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        self.assertIn(self.ticket_a.name, self.url_open("/my/tickets?search=QZX1").text)
        self.assertIn(
            self.ticket_a.name,
            self.url_open(
                f"/my/tickets?search={self.ticket_a.number}&search_in=number"
            ).text,
        )
        self.assertIn(
            self.ticket_a.name,
            self.url_open("/my/tickets?search=QZXA&search_in=description").text,
        )
        self.assertNotIn(
            self.ticket_a.name, self.url_open("/my/tickets?search=QZX2").text
        )
        # a customer cannot widen the search to another company's tickets
        self.assertNotIn(
            self.ticket_b.name, self.url_open("/my/tickets?search=QZX2").text
        )
        self.assertIn(
            self.ticket_a.name, self.url_open("/my/tickets?filterby=open").text
        )
        self.assertNotIn(
            self.ticket_a.name, self.url_open("/my/tickets?filterby=closed").text
        )
        for sortby in ("date", "priority", "stage", "unknown"):
            res = self.url_open(f"/my/tickets?sortby={sortby}")
            self.assertEqual(res.status_code, 200)
            self.assertIn(self.ticket_a.name, res.text)

    # ------------------------------------------------------------
    # Ticket page
    # ------------------------------------------------------------

    def test_ticket_page_own(self):
        self.authenticate(self.portal_a2.login, self.portal_a2.login)
        res = self.url_open(f"/my/tickets/{self.ticket_a.id}")
        self.assertEqual(res.status_code, 200)
        for text in (
            self.ticket_a.number,
            self.ticket_a.name,
            "Aurora detail QZXA",
            self.team.name,
            self.stage_new.name,
            self.attachment_a.name,
            "o_portal_chatter",
        ):
            self.assertIn(text, res.text)
        # nothing written while showing the page: no token for the files
        self.env.invalidate_all()
        self.assertFalse(self.attachment_a.access_token)
        # the ticket's own files, through the ticket
        res = self.url_open(
            f"/my/tickets/{self.ticket_a.id}/attachments/{self.attachment_a.id}"
        )
        self.assertEqual(res.status_code, 200)
        self.assertEqual(res.content, b"AURORA-FILE-CONTENT")

    @mute_logger("odoo.http")
    def test_ticket_page_other_customer_refused(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        res = self.url_open(f"/my/tickets/{self.ticket_b.id}", allow_redirects=False)
        self.assertIn(res.status_code, (302, 303))
        self.assertTrue(res.headers["Location"].endswith("/my"))
        self.assertNotIn(self.ticket_b.name, res.text)
        res = self.url_open(f"/my/tickets/{self.ticket_b.id}")
        for text in (self.ticket_b.name, self.ticket_b.number, "QZXB"):
            self.assertNotIn(text, res.text)
        # a wrong token (another ticket's) opens nothing
        token_a = self.ticket_a._portal_ensure_token()
        res = self.url_open(
            f"/my/tickets/{self.ticket_b.id}?access_token={token_a}",
            allow_redirects=False,
        )
        self.assertIn(res.status_code, (302, 303))
        self.assertNotIn(self.ticket_b.name, res.text)
        res = self.url_open(
            f"/my/tickets/{self.ticket_b.id}?access_token=not-a-token",
            allow_redirects=False,
        )
        self.assertIn(res.status_code, (302, 303))
        # a missing ticket: the same answer
        res = self.url_open("/my/tickets/999999999", allow_redirects=False)
        self.assertIn(res.status_code, (302, 303))

    def test_ticket_page_with_token(self):
        """portal.mixin semantics: whoever holds the ticket's token reads it."""
        token_b = self.ticket_b._portal_ensure_token()
        for login in (self.portal_a.login, None):
            self.authenticate(login, login)
            res = self.url_open(
                f"/my/tickets/{self.ticket_b.id}?access_token={token_b}"
            )
            self.assertEqual(res.status_code, 200, login)
            self.assertIn(self.ticket_b.name, res.text, login)
            self.assertIn(self.attachment_b.name, res.text, login)
            res = self.url_open(
                f"/my/tickets/{self.ticket_b.id}/attachments/{self.attachment_b.id}"
                f"?access_token={token_b}"
            )
            self.assertEqual(res.status_code, 200, login)
            self.assertEqual(res.content, b"BOREAL-CONFIDENTIAL")
        self.env.invalidate_all()
        self.assertFalse(self.attachment_b.access_token)

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_other_customer_attachment_refused(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        for url in (
            f"/web/content/{self.attachment_b.id}",
            f"/web/content/{self.attachment_b.id}?download=true",
            f"/my/tickets/{self.ticket_b.id}/attachments/{self.attachment_b.id}",
            # another ticket's file through one's own ticket
            f"/my/tickets/{self.ticket_a.id}/attachments/{self.attachment_b.id}",
        ):
            res = self.url_open(url)
            self.assertNotEqual(res.status_code, 200, url)
            self.assertNotIn(b"BOREAL-CONFIDENTIAL", res.content, url)

    def test_internal_note_attachment_stays_internal(self):
        """A file attached to an agent's internal note on the customer's own
        ticket is not theirs to download, by id or through the ticket page."""
        note = self.ticket_a.message_post(
            body="Internal analysis",
            subtype_xmlid="mail.mt_note",
            attachments=[("analysis.txt", b"AURORA-INTERNAL-NOTE")],
        )
        attachment = note.attachment_ids
        self.authenticate(self.portal_a.login, self.portal_a.login)
        for url in (
            f"/web/content/{attachment.id}",
            f"/web/content/{attachment.id}?download=true",
            f"/my/tickets/{self.ticket_a.id}/attachments/{attachment.id}",
        ):
            res = self.url_open(url)
            self.assertNotEqual(res.status_code, 200, url)
            self.assertNotIn(b"AURORA-INTERNAL-NOTE", res.content, url)
        page = self.url_open(f"/my/tickets/{self.ticket_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(b"analysis.txt", page.content)

    # ------------------------------------------------------------
    # Closing
    # ------------------------------------------------------------

    @mute_logger("odoo.http")
    def test_close_other_customer_ticket_refused(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        res = self._post(f"/my/tickets/{self.ticket_b.id}/close")
        self.assertEqual(res.status_code, 403)
        self.env.invalidate_all()
        self.assertEqual(self.ticket_b.stage_id, self.stage_waiting)
        self.assertFalse(self.ticket_b.is_closed)
        # with a wrong token neither
        token_a = self.ticket_a._portal_ensure_token()
        res = self._post(
            f"/my/tickets/{self.ticket_b.id}/close", {"access_token": token_a}
        )
        self.assertEqual(res.status_code, 403)
        self.env.invalidate_all()
        self.assertEqual(self.ticket_b.stage_id, self.stage_waiting)

    def test_close_own_ticket(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        # "New" does not let customers close
        res = self._post(f"/my/tickets/{self.ticket_a.id}/close", allow_redirects=False)
        self.assertIn(res.status_code, (302, 303))
        self.assertIn("close_error=not_allowed", res.headers["Location"])
        self.env.invalidate_all()
        self.assertEqual(self.ticket_a.stage_id, self.stage_new)
        res = self.url_open(res.headers["Location"])
        self.assertIn("cannot be closed from the portal", res.text)

        self.ticket_a.stage_id = self.stage_waiting
        res = self.url_open(f"/my/tickets/{self.ticket_a.id}")
        self.assertIn("Close this ticket", res.text)
        res = self._post(f"/my/tickets/{self.ticket_a.id}/close")
        self.assertEqual(res.status_code, 200)
        self.env.invalidate_all()
        expected = self.ticket_a._get_applicable_stages().filtered("is_closed")[:1]
        self.assertTrue(self.ticket_a.is_closed)
        self.assertEqual(self.ticket_a.stage_id, expected)
        message = self.ticket_a.message_ids.filtered(
            lambda m: "Closed by the customer" in (m.body or "")
        )
        self.assertEqual(message.author_id, self.portal_a.partner_id)
        self.assertIn("Your ticket is closed", res.text)

    def test_close_with_token(self):
        """A token holder (the customer following the email link) may close."""
        token_b = self.ticket_b._portal_ensure_token()
        self.authenticate(None, None)
        res = self._post(
            f"/my/tickets/{self.ticket_b.id}/close", {"access_token": token_b}
        )
        self.assertEqual(res.status_code, 200)
        self.env.invalidate_all()
        self.assertTrue(self.ticket_b.is_closed)

    # ------------------------------------------------------------
    # New ticket from the portal
    # ------------------------------------------------------------

    def test_portal_new_ticket(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        res = self.url_open("/my/tickets/new")
        self.assertEqual(res.status_code, 200)
        self.assertIn('name="subject"', res.text)
        ticket_type = self.env["crm.ticket.type"].create({"name": "Portal QZX Type"})
        res = self._post(
            "/my/tickets/new",
            {
                "subject": "Portal request QZX3",
                "description": "Line one\n<b>not bold</b>",
                "type_id": str(ticket_type.id),
            },
            files={"attachments": ("screen.txt", b"small file", "text/plain")},
        )
        self.assertEqual(res.status_code, 200)
        ticket = self._tickets_named("Portal request QZX3")
        self.assertEqual(len(ticket), 1)
        self.assertTrue(res.url.endswith(f"/my/tickets/{ticket.id}"))
        self.assertEqual(ticket.channel, "portal")
        self.assertEqual(ticket.partner_id, self.portal_a.partner_id)
        self.assertEqual(ticket.commercial_partner_id, self.company_a)
        self.assertEqual(ticket.type_id, ticket_type)
        self.assertTrue(ticket.team_id)
        self.assertNotIn("<b>", ticket.description)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "crm.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(attachment.name, "screen.txt")
        self.assertEqual(attachment.raw, b"small file")
        # the colleague sees it too, the other customer does not
        self.authenticate(self.portal_b.login, self.portal_b.login)
        self.assertNotIn("QZX3", self.url_open("/my/tickets").text)

    def test_portal_new_ticket_refused(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        Ticket = self.env["crm.ticket"]
        count = Ticket.search_count([])
        res = self._post(
            "/my/tickets/new", {"subject": "   ", "description": "Kept QZX4"}
        )
        self.assertEqual(res.status_code, 200)
        self.assertIn("Enter a subject", res.text)
        self.assertIn("Kept QZX4", res.text)
        self.env.invalidate_all()
        self.assertEqual(Ticket.search_count([]), count)

        self.env["ir.config_parameter"].set_param(
            "crm_suite.ticket_attachment_max_mb", "0.001"
        )
        res = self._post(
            "/my/tickets/new",
            {"subject": "Too big QZX5"},
            files={"attachments": ("big.bin", b"x" * 5000, "application/octet-stream")},
        )
        self.assertEqual(res.status_code, 200)
        self.assertIn("too large", res.text)
        self.assertFalse(self._tickets_named("Too big QZX5"))
        self.assertFalse(
            self.env["ir.attachment"].search_count([("name", "=", "big.bin")])
        )

    # ------------------------------------------------------------
    # Public web form
    # ------------------------------------------------------------

    def _web_form_data(self, **values):
        data = {
            "name": "Wanda Visitor",
            "email": "wanda.qzx@example.com",
            "subject": "Web form request QZX6",
            "description": "Please help",
        }
        data.update(values)
        return data

    def test_web_form_html_and_svg_never_render_inline(self):
        """A visitor's HTML or SVG file is stored as plain text, so nobody who
        downloads it later runs its script in our domain."""
        self.authenticate(None, None)
        payload = (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
        )
        res = self._post(
            "/support/ticket",
            self._web_form_data(subject="Web form SVG QZX7"),
            files=[
                ("attachments", ("logo.svg", payload, "image/svg+xml")),
                (
                    "attachments",
                    ("page.html", b"<script>alert(2)</script>", "text/html"),
                ),
            ],
        )
        self.assertEqual(res.status_code, 200)
        ticket = self._tickets_named("Web form SVG QZX7")
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "crm.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(len(attachments), 2)
        self.assertEqual(set(attachments.mapped("mimetype")), {"text/plain"})

    def test_web_form_creates_ticket(self):
        self.authenticate(None, None)
        res = self.url_open("/support/ticket")
        self.assertEqual(res.status_code, 200)
        self.assertIn('name="website_url_confirm"', res.text)
        res = self._post(
            "/support/ticket",
            self._web_form_data(email="Wanda.QZX@Example.com"),
            files={"attachments": ("note.txt", b"visitor file", "text/plain")},
        )
        self.assertEqual(res.status_code, 200)
        ticket = self._tickets_named("Web form request QZX6")
        self.assertEqual(len(ticket), 1)
        self.assertIn(ticket.number, res.text)
        self.assertNotIn("access_token", res.text)
        self.assertEqual(ticket.channel, "web_form")
        self.assertTrue(ticket.partner_id)
        self.assertEqual(ticket.partner_id.email_normalized, "wanda.qzx@example.com")
        self.assertEqual(
            self.env["ir.attachment"]
            .search([("res_model", "=", "crm.ticket"), ("res_id", "=", ticket.id)])
            .raw,
            b"visitor file",
        )
        mails = self.env["mail.mail"].search([("subject", "like", ticket.number)])
        self.assertTrue(mails, "the customer gets an acknowledgement")

    def test_web_form_logged_in_user(self):
        self.authenticate(self.portal_b.login, self.portal_b.login)
        res = self.url_open("/support/ticket")
        self.assertIn(self.portal_b.email, res.text)
        self._post(
            "/support/ticket",
            self._web_form_data(
                name=self.portal_b.name,
                email=self.portal_b.email,
                subject="Logged in QZX7",
            ),
        )
        ticket = self._tickets_named("Logged in QZX7")
        self.assertEqual(ticket.partner_id, self.portal_b.partner_id)
        self.assertEqual(ticket.channel, "web_form")

    def test_web_form_honeypot(self):
        self.authenticate(None, None)
        res = self._post(
            "/support/ticket",
            self._web_form_data(website_url_confirm="http://spam.example.com"),
        )
        self.assertEqual(res.status_code, 200)
        self.assertIn("Thank you", res.text)
        self.assertFalse(self._tickets_named("Web form request QZX6"))

    def test_web_form_invalid_email(self):
        self.authenticate(None, None)
        partners = self.env["res.partner"].search_count([])
        res = self._post(
            "/support/ticket",
            self._web_form_data(email="not-an-email", description="Typed QZX8"),
        )
        self.assertEqual(res.status_code, 200)
        self.assertIn("is not a valid email address", res.text)
        # nothing typed is lost
        self.assertIn("Web form request QZX6", res.text)
        self.assertIn("Typed QZX8", res.text)
        self.assertIn("Wanda Visitor", res.text)
        self.assertFalse(self._tickets_named("Web form request QZX6"))
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        # the other required fields
        res = self._post(
            "/support/ticket", self._web_form_data(subject="", name="", email="")
        )
        self.assertIn("Enter your name", res.text)
        self.assertIn("Enter your email address", res.text)
        self.assertIn("Enter a subject", res.text)

    def test_web_form_attachment_too_large(self):
        self.env["ir.config_parameter"].set_param(
            "crm_suite.ticket_attachment_max_mb", "0.001"
        )
        self.authenticate(None, None)
        res = self._post(
            "/support/ticket",
            self._web_form_data(),
            files={"attachments": ("big.bin", b"x" * 5000, "application/octet-stream")},
        )
        self.assertIn("too large", res.text)
        self.assertFalse(self._tickets_named("Web form request QZX6"))

    @mute_logger("odoo.http")
    def test_web_form_rate_limit(self):
        self.env["ir.config_parameter"].set_param("crm_suite.web_form_rate_limit", "2")
        self.authenticate(None, None)
        for index in range(2):
            res = self._post(
                "/support/ticket", self._web_form_data(subject=f"Rate QZX9 {index}")
            )
            self.assertEqual(res.status_code, 200)
        res = self._post(
            "/support/ticket", self._web_form_data(subject="Rate QZX9 over")
        )
        self.assertEqual(res.status_code, 429)
        self.assertIn("Too many requests", res.text)
        self.assertEqual(len(self._tickets_named("Rate QZX9 0")), 1)
        self.assertEqual(len(self._tickets_named("Rate QZX9 1")), 1)
        self.assertFalse(self._tickets_named("Rate QZX9 over"))
