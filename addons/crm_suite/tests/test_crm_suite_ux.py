# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ..tools import normalize_customer_email
from .common import CrmTicketCommonMixin

# 2026-01-02 is a Friday; the calendar works Mon-Fri 8-12 and 13-17 UTC.
FRIDAY_15 = datetime(2026, 1, 2, 15, 0)


@tagged("post_install", "-at_install")
class TestCrmSuiteUx(CrmTicketCommonMixin, TransactionCase):
    """What a user meets first: the app's menus and home screen per role, the
    labels of the screens (SLA urgency, rule limits), the checks of what
    customers type."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_ticket()

    def _home_xmlid(self, user):
        action = self.env.ref("crm_suite.crm_suite_action_home").with_user(user).run()
        act_window = self.env["ir.actions.act_window"].browse(action["id"])
        return act_window.get_external_id()[act_window.id]

    # ------------------------------------------------------------
    # Navigation
    # ------------------------------------------------------------

    def test_app_reaches_pipeline_and_opportunities(self):
        menus = self._visible_menu_xmlids(self.user_salesman)
        for xmlid in (
            "crm_suite.menu_crm_suite_my_hot_leads",
            "crm_suite.menu_crm_suite_pipeline",
            "crm_suite.menu_crm_suite_leads",
            "crm_suite.menu_crm_suite_running_campaigns",
            "crm_suite.menu_crm_suite_my_tickets",
        ):
            self.assertIn(xmlid, menus)
        self.assertEqual(
            self.env.ref("crm_suite.menu_crm_suite_pipeline").action,
            self.env.ref("crm.crm_lead_action_pipeline"),
        )
        # "Leads & Opportunities" shows both kinds, not crm's leads-only action
        action = self.env.ref("crm_suite.menu_crm_suite_leads").action
        self.assertEqual(action, self.env.ref("crm_suite.crm_lead_action_all"))
        self.assertFalse(action.domain)
        self.assertEqual(
            self.env.ref("crm_suite.menu_crm_suite_root").action,
            self.env.ref("crm_suite.crm_suite_action_home"),
        )

    def test_sales_teams_menu_not_repeated(self):
        teams_action = self.env.ref("sales_team.crm_team_action_config")
        menus = self.env["ir.ui.menu"].search(
            [("action", "=", f"ir.actions.act_window,{teams_action.id}")]
        )
        ours = menus.filtered(
            lambda menu: menu.get_external_id()[menu.id].startswith(
                ("crm_suite.", "crm_analytics.", "crm_collab.")
            )
        )
        self.assertEqual(
            ours.mapped(lambda menu: menu.get_external_id()[menu.id]),
            ["crm_suite.menu_crm_suite_config_teams"],
        )

    def test_home_screen_per_role(self):
        # a salesperson: their hot leads
        self.assertEqual(
            self._home_xmlid(self.user_salesman), "crm_suite.crm_lead_action_my_hot"
        )
        # an agent (ticket team, no sales team): their tickets by SLA deadline
        self.assertEqual(
            self._home_xmlid(self.agent_a), "crm_suite.crm_ticket_action_my"
        )
        my_tickets = self.env.ref("crm_suite.crm_ticket_action_my")
        self.assertIn(
            "sla_deadline", my_tickets.view_ids.view_id.get_combined_arch()[:200]
        )
        # a marketer (mass mailing, no team): the running campaigns
        marketer = mail_new_test_user(
            self.env,
            login="crm_suite_marketer",
            groups="base.group_user,crm_suite.group_crm_suite_user,"
            "mass_mailing.group_mass_mailing_user",
        )
        self.assertEqual(
            self._home_xmlid(marketer), "crm_suite.crm_drip_campaign_action_running"
        )
        # in a sales team too: the leads come first
        self.env["crm.team"].create(
            {"name": "UX Team", "member_ids": [Command.link(self.agent_b.id)]}
        )
        self.assertEqual(
            self._home_xmlid(self.agent_b), "crm_suite.crm_lead_action_my_hot"
        )

    def test_new_crm_suite_user_starts_in_crm_suite(self):
        home = self.env.ref("crm_suite.crm_suite_action_home")
        self.assertEqual(self.user_salesman.action_id.id, home.id)
        self.assertEqual(self.user_manager.action_id.id, home.id)
        # the administrator, in CRM Suite at install, without a home action then
        self.assertEqual(self.env.ref("base.user_admin").action_id.id, home.id)
        # not other users, and not over a home action chosen at creation
        self.assertFalse(self.user_internal.action_id)
        self.assertFalse(self.user_portal.action_id)
        chosen = self.env.ref("crm_suite.crm_ticket_action")
        user = mail_new_test_user(
            self.env,
            login="crm_suite_own_home",
            groups="base.group_user,crm_suite.group_crm_suite_user",
            action_id=chosen.id,
        )
        self.assertEqual(user.action_id.id, chosen.id)

    # ------------------------------------------------------------
    # Screens
    # ------------------------------------------------------------

    def test_sla_urgency(self):
        self.env["crm.ticket.sla"].create(
            {
                "name": "UX SLA",
                "team_ids": [Command.link(self.team.id)],
                "response_hours": 4,
            }
        )
        with self._at(FRIDAY_15):
            ticket = self._ticket().with_context(tz="UTC")
        # response due Monday 10:00
        self.assertEqual(ticket.sla_deadline, datetime(2026, 1, 5, 10, 0))
        for moment, urgency in (
            (datetime(2026, 1, 2, 16, 0), "later"),
            (datetime(2026, 1, 5, 9, 0), "today"),
            (datetime(2026, 1, 5, 11, 0), "overdue"),
        ):
            with self._at(moment):
                ticket.invalidate_recordset(["sla_urgency", "sla_failed"])
                self.assertEqual(ticket.sla_urgency, urgency, moment)
        without = self._ticket(team_id=False)
        self.assertFalse(without.sla_urgency)

    def test_rule_limits_not_applicable_to_fit_rules(self):
        Rule = self.env["crm.score.rule"]
        fit = Rule.create({"name": "UX fit", "rule_type": "fit", "points": 5})
        self.assertEqual(fit.max_points_display, "Not applicable")
        self.assertEqual(fit.decay_days_display, "Not applicable")
        engagement = Rule.create(
            {
                "name": "UX engagement",
                "rule_type": "engagement",
                "event_type": "email_opened",
                "points": 2,
            }
        )
        self.assertEqual(engagement.max_points_display, "No cap")
        self.assertEqual(engagement.decay_days_display, "Never fades")
        engagement.write({"max_points": 10, "decay_days": 30})
        self.assertEqual(engagement.max_points_display, "10.00")
        self.assertEqual(engagement.decay_days_display, "30.00")

    def test_drip_test_offers_the_campaign_model_only(self):
        campaign = self.env["crm.drip.campaign"].create(
            {"name": "UX campaign", "domain": "[]"}
        )
        self.assertEqual(campaign.model_name, "crm.lead")
        Wizard = self.env["crm.drip.test"]
        self.assertEqual(
            {model for model, _name in Wizard._selection_record_ref()},
            {"crm.lead", "res.partner", "mailing.contact"},
        )
        wizard_env = Wizard.with_context(default_campaign_id=campaign.id)
        self.assertEqual(
            [model for model, _name in wizard_env._selection_record_ref()],
            ["crm.lead"],
        )
        self.assertEqual(wizard_env.new({}).model_id, campaign.model_id)

    # ------------------------------------------------------------
    # What customers type
    # ------------------------------------------------------------

    def test_customer_email_validator(self):
        for text, expected in (
            ("Jane <Jane@Example.com>", "jane@example.com"),
            ("jane@example", False),
            ("jane@localhost", False),
            ("jane@example.", False),
            ("jane@-example.com", False),
            ("jane@[192.0.2.1]", False),
            ("jane@example.c0m", False),
            ("jane@xn--bcher-kva.xn--p1ai", "jane@xn--bcher-kva.xn--p1ai"),
            ("", False),
            (None, False),
        ):
            self.assertEqual(normalize_customer_email(text), expected, text)
        # the API (and the mail gateway) refuse it the same way
        with self.assertRaisesRegex(UserError, "jane@example is not a valid email"):
            self.env["crm.ticket"].create(
                {"name": "UX API", "partner_email": "jane@example"}
            )

    def test_acknowledgement_is_in_the_public_history(self):
        ticket = self._ticket()
        comment = self.env.ref("mail.mt_comment")
        # besides the email itself (not shown to the customer: no subtype)
        logged = ticket.message_ids.filtered(
            lambda message: message.subtype_id == comment
            and "received your request" in message.body
        )
        self.assertEqual(len(logged), 1)
        self.assertIn(ticket.number, logged.body)
        self.assertFalse(logged.is_internal)
        self.assertEqual(logged.message_type, "comment")
        self.assertEqual(logged.author_id, ticket.company_id.partner_id)
        # the customer reads it (portal message domain), and gets no second email
        self.assertIn(logged, ticket.website_message_ids)
        self.assertFalse(logged.notification_ids)
        # a number given over the API is text in the customer's history
        marked = self._ticket(
            name="UX markup", number='<a href="https://evil.test">X</a>'
        )
        marked_line = marked.message_ids.filtered(
            lambda m: m.subtype_id == comment and "received your request" in m.body
        )
        self.assertNotIn("<a", marked_line.body)
        self.assertIn("&lt;a", marked_line.body)
        # no acknowledgement, no line
        quiet = self._ticket(partner_id=False, name="UX no customer")
        self.assertFalse(
            quiet.message_ids.filtered(lambda m: "received your request" in m.body)
        )
