# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import CrmSuiteUsersMixin


@tagged("post_install", "-at_install")
class TestCrmSuiteUi(CrmSuiteUsersMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_suite_users()

    def test_tour_open_crm_suite_app(self):
        """A salesperson opens the CRM Suite app from the apps menu in Chromium."""
        self.start_tour("/odoo", "crm_suite_open_app", login=self.user_salesman.login)

    def test_tour_lead_scoring(self):
        """A sales administrator writes a rule in the browser and sees it explain a
        lead's score."""
        self.env["crm.lead"].create(
            {"name": "Tour scoring lead", "type": "opportunity"}
        )
        self.start_tour(
            "/odoo/action-crm_suite.crm_score_rule_action",
            "crm_suite_lead_scoring",
            login=self.user_manager.login,
        )
        rule = self.env["crm.score.rule"].search([("name", "=", "Tour: every lead")])
        self.assertEqual(rule.points, 17)
        lead = self.env["crm.lead"].search([("name", "=", "Tour scoring lead")])
        self.assertIn(rule, lead.score_line_ids.rule_id)

    def test_tour_ticket(self):
        """An agent logs a phone call as a ticket in the browser, takes it, and
        finds its SLA deadline."""
        team = self.env["crm.ticket.team"].create(
            {"name": "Tour Team", "member_ids": [(4, self.user_salesman.id)]}
        )
        self.env["crm.ticket.sla"].create(
            {"name": "Tour SLA", "team_ids": [(4, team.id)], "response_hours": 4}
        )
        self.env["res.partner"].create(
            {"name": "Tour Customer", "email": "tour.customer@example.com"}
        )
        self.start_tour(
            "/odoo/action-crm_suite.crm_ticket_action",
            "crm_suite_ticket",
            login=self.user_salesman.login,
        )
        ticket = self.env["crm.ticket"].search(
            [("name", "=", "Tour: the scanner is offline")]
        )
        self.assertEqual(ticket.user_id, self.user_salesman)
        self.assertEqual(ticket.channel, "phone")
        self.assertEqual(ticket.partner_id.name, "Tour Customer")
        self.assertTrue(ticket.sla_deadline)

    def test_tour_ticket_portal(self):
        """A customer opens a ticket on the portal, finds their tickets and
        closes one, in Chromium."""
        waiting = self.env["crm.ticket"].create(
            {
                "name": "Tour: the invoice PDF is empty",
                "partner_id": self.user_portal.partner_id.id,
                "stage_id": self.env.ref("crm_suite.stage_waiting").id,
            }
        )
        self.start_tour(
            "/my/tickets", "crm_suite_ticket_portal", login="crm_suite_portal"
        )
        self.assertTrue(waiting.is_closed)
        new = self.env["crm.ticket"].search(
            [("name", "=", "Tour: the delivery note is missing")]
        )
        self.assertEqual(new.partner_id, self.user_portal.partner_id)
        self.assertEqual(new.channel, "portal")

    def test_tour_drip(self):
        """A CRM Suite administrator starts a drip campaign in the browser; the
        matching lead is enrolled and its first email is due."""
        self.env["crm.lead"].create(
            {"name": "Tour drip lead", "email_from": "tour.drip@example.com"}
        )
        template = self.env["mail.template"].create(
            {
                "name": "Tour welcome",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "subject": "Welcome",
                "body_html": "<p>Welcome</p>",
            }
        )
        campaign = self.env["crm.drip.campaign"].create(
            {
                "name": "Tour campaign",
                "domain": "[('email_from', '=', 'tour.drip@example.com')]",
            }
        )
        self.env["crm.drip.step"].create(
            {
                "name": "Tour welcome",
                "campaign_id": campaign.id,
                "mail_template_id": template.id,
            }
        )
        self.start_tour(
            "/odoo/action-crm_suite.crm_drip_campaign_action",
            "crm_suite_drip",
            login=self.user_manager.login,
        )
        self.assertEqual(campaign.state, "running")
        self.assertEqual(campaign.participant_ids.record_name, "Tour drip lead")
        self.assertEqual(campaign.participant_ids.trace_ids.state, "scheduled")
