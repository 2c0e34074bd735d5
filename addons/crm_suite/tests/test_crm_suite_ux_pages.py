# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields, http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.crm_suite.models import crm_suite_rate_limit
from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CrmSuiteUsersMixin

# a label of a required field: a star after it (crm_ticket_portal.scss)
REQUIRED_LABEL = r'<label\s+class="form-label o_crm_ticket_required"\s+for="\w+"\s*>'


@tagged("post_install", "-at_install")
class TestCrmSuiteUxPages(CrmSuiteUsersMixin, HttpCase):
    """The screens of the first walk, in Chromium and as HTML."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_suite_users()

    def setUp(self):
        super().setUp()
        # rate limit counters are committed rows: a window of these tests' own
        mocked_time = self.startPatcher(patch.object(crm_suite_rate_limit, "time"))
        mocked_time.time.return_value = 946_684_800 + 7 * 3600

    def _post(self, url, data):
        data = dict(data, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data)

    # ------------------------------------------------------------
    # Backend
    # ------------------------------------------------------------

    def test_tour_new_user_lands_in_crm_suite(self):
        """A CRM Suite user created today logs in and lands on their hot leads."""
        user = mail_new_test_user(
            self.env,
            login="crm_suite_newcomer",
            name="Nora Newcomer",
            groups="base.group_user,crm_suite.group_crm_suite_user",
        )
        home = self.env.ref("crm_suite.crm_suite_action_home")
        self.assertEqual(user.action_id.id, home.id)
        self.start_tour("/odoo", "crm_suite_home", login=user.login)

    def test_tour_ticket_layout(self):
        """Ticket numbers on one line; SLA badges coloured by urgency."""
        team = self.env["crm.ticket.team"].create(
            {
                "name": "Tour Layout Team",
                "member_ids": [Command.link(self.user_salesman.id)],
            }
        )
        self.env["crm.ticket.sla"].create(
            {
                "name": "Tour Layout SLA",
                "team_ids": [Command.link(team.id)],
                "response_hours": 4,
            }
        )
        now = fields.Datetime.now()
        for name, deadline in (
            ("Tour: overdue", now - timedelta(hours=1)),
            ("Tour: later", now + timedelta(days=3)),
        ):
            ticket = self.env["crm.ticket"].create(
                {"name": name, "team_id": team.id, "priority": "3"}
            )
            ticket.sla_status_ids.write({"deadline": deadline})
            self.assertEqual(ticket.sla_deadline, deadline)
        self.start_tour(
            "/odoo/action-crm_suite.crm_ticket_action",
            "crm_suite_ticket_layout",
            login=self.user_salesman.login,
        )

    # ------------------------------------------------------------
    # Portal and web form
    # ------------------------------------------------------------

    @mute_logger("odoo.http")
    def test_portal_new_ticket_then_its_page(self):
        self.authenticate(self.user_portal.login, self.user_portal.login)
        res = self.url_open("/my/tickets/new")
        self.assertEqual(res.status_code, 200)
        # the subject is marked required; the shipped types are offered
        self.assertRegex(res.text, REQUIRED_LABEL + r"Subject</label>")
        self.assertIn("are required", res.text)
        for xmlid in (
            "crm_suite.ticket_type_question",
            "crm_suite.ticket_type_incident",
            "crm_suite.ticket_type_billing",
        ):
            self.assertIn(f'value="{self.env.ref(xmlid).id}"', res.text)
        res = self._post(
            "/my/tickets/new",
            {
                "subject": "UX portal request QZU1",
                "description": "My own words QZU2",
                "type_id": str(self.env.ref("crm_suite.ticket_type_billing").id),
            },
        )
        self.assertEqual(res.status_code, 200)
        self.env.invalidate_all()
        ticket = self.env["crm.ticket"].search(
            [("name", "=", "UX portal request QZU1")]
        )
        self.assertTrue(res.url.endswith(f"/my/tickets/{ticket.id}"))
        # the customer's own description on their ticket's page
        self.assertIn("My own words QZU2", res.text)
        # the acknowledgement, in the public history the portal chatter loads
        res = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {"thread_model": "crm.ticket", "thread_id": ticket.id},
        )
        bodies = " ".join(message["body"] for message in res["data"]["mail.message"])
        self.assertIn("We have received your request", bodies)
        self.assertIn(ticket.number, bodies)

    def test_web_form_marks_required_fields_and_refuses_incomplete_email(self):
        self.authenticate(None, None)
        res = self.url_open("/support/ticket")
        for label in ("Your name", "Your email", "Subject"):
            self.assertRegex(res.text, REQUIRED_LABEL + label + "</label>")
        res = self._post(
            "/support/ticket",
            {
                "name": "Jane Visitor",
                "email": "jane@example",
                "subject": "UX web form QZU3",
                "description": "Kept QZU4",
            },
        )
        self.assertEqual(res.status_code, 200)
        self.assertIn("jane@example is not a valid email address", res.text)
        self.assertIn("Kept QZU4", res.text)
        self.assertFalse(
            self.env["crm.ticket"].search_count([("name", "=", "UX web form QZU3")])
        )
