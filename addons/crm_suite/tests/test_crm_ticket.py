# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from ast import literal_eval
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged, users

from .common import CrmTicketCommonMixin


@tagged("post_install", "-at_install")
class TestCrmTicket(CrmTicketCommonMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_ticket()

    # ------------------------------------------------------------
    # Identity, numbering, bad input
    # ------------------------------------------------------------

    def test_number_sequence_per_company(self):
        company_2 = self.env["res.company"].create({"name": "Second Co"})
        team_2 = self.env["crm.ticket.team"].create(
            {"name": "Support 2", "company_id": company_2.id}
        )
        first, second = self._ticket(), self._ticket()
        other = self._ticket(team_id=team_2.id)
        self.assertTrue(first.number.startswith("TCK-"))
        self.assertNotEqual(first.number, second.number)
        self.assertEqual(
            int(second.number.split("-")[1]), int(first.number.split("-")[1]) + 1
        )
        self.assertEqual(other.company_id, company_2)
        self.assertEqual(other.number, "TCK-00001", "each company counts its own")
        self.assertEqual(first.display_name, f"{first.number} Printer out of toner")

    def test_batch_create_numbers_in_order(self):
        tickets = self.env["crm.ticket"].create(
            [
                {
                    "name": f"Batch {i}",
                    "team_id": self.team.id,
                    "partner_id": self.customer.id,
                }
                for i in range(5)
            ]
        )
        numbers = [int(t.number.split("-")[1]) for t in tickets]
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 5)))

    def test_bad_input(self):
        with self.assertRaisesRegex(ValidationError, "subject"):
            self._ticket(name="   ")
        with self.assertRaisesRegex(UserError, "does not exist"):
            self._ticket(team_id=999999)
        ticket = self._ticket()
        with self.assertRaisesRegex(ValidationError, "subject"):
            ticket.name = ""
        self.assertEqual(ticket.name, "Printer out of toner", "nothing lost")
        with self.assertRaisesRegex(UserError, "not a valid email"):
            self.env["crm.ticket"].create(
                {"name": "Hello", "partner_email": "not an email"}
            )
        other_team = self.env["crm.ticket.team"].create({"name": "Other"})
        private_stage = self.env["crm.ticket.stage"].create(
            {"name": "Other's stage", "team_ids": [Command.link(other_team.id)]}
        )
        with self.assertRaisesRegex(ValidationError, "not a stage of the team"):
            ticket.stage_id = private_stage

    def test_partner_email_finds_or_creates_contact(self):
        ticket = self.env["crm.ticket"].create(
            {"name": "Via API", "partner_email": "alice@acme.test"}
        )
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.commercial_partner_id, self.customer_company)
        self.assertEqual(ticket.channel, "api")
        new = self.env["crm.ticket"].create(
            {
                "name": "Via API",
                "partner_email": "newcomer@nowhere.test",
                "partner_name": "Nina Newcomer",
            }
        )
        self.assertEqual(new.partner_id.email, "newcomer@nowhere.test")
        self.assertEqual(new.partner_id.name, "Nina Newcomer")
        self.assertIn(new.partner_id, new.message_partner_ids, "customer follows")

    def test_phone_ticket_from_the_app(self):
        action = self.env.ref("crm_suite.crm_ticket_action")
        context = dict(literal_eval(action.context), default_team_id=self.team.id)
        form = Form(self.env["crm.ticket"].with_context(**context))
        form.name = "Called about the invoice"
        form.partner_id = self.customer
        ticket = form.save()
        self.assertEqual(ticket.channel, "phone")
        self.assertEqual(ticket.stage_id, self.stage_new)
        self.assertEqual(ticket.partner_email, "alice@acme.test")

    # ------------------------------------------------------------
    # Stages
    # ------------------------------------------------------------

    def test_stage_not_reset_on_assignee_change(self):
        ticket = self._ticket()
        ticket.stage_id = self.stage_progress
        ticket.user_id = self.agent_b
        self.assertEqual(ticket.stage_id, self.stage_progress)
        ticket.user_id = False
        self.assertEqual(ticket.stage_id, self.stage_progress)

    def test_stage_per_team(self):
        team_2 = self.env["crm.ticket.team"].create({"name": "Field service"})
        own_stage = self.env["crm.ticket.stage"].create(
            {"name": "On site", "sequence": 0, "team_ids": [Command.link(team_2.id)]}
        )
        ticket = self._ticket(team_id=team_2.id)
        self.assertEqual(ticket.stage_id, own_stage, "the team's first stage")
        ticket.stage_id = self.stage_progress
        ticket.team_id = self.team
        self.assertEqual(ticket.stage_id, self.stage_progress, "shared stage kept")
        ticket.team_id = team_2
        ticket.stage_id = own_stage
        ticket.team_id = self.team
        self.assertEqual(ticket.stage_id, self.stage_new, "private stage replaced")

    def test_close_and_reopen_dates(self):
        ticket = self._ticket()
        ticket.action_close()
        self.assertTrue(ticket.is_closed)
        self.assertTrue(ticket.close_date)
        ticket.stage_id = self.stage_progress
        self.assertFalse(ticket.close_date, "a reopened ticket is not closed")

    def test_stage_template_sent_once_per_stage_change(self):
        ticket = self._ticket()
        self.env.cr.precommit.run()  # created in an earlier transaction
        Mail = self.env["mail.mail"]
        before = Mail.search_count(
            [("model", "=", "crm.ticket"), ("res_id", "=", ticket.id)]
        )
        ticket.stage_id = self.stage_solved
        self.env.cr.precommit.run()  # tracking (and its templates) runs there
        ticket.user_id = self.agent_a  # no stage change: nothing re-sent
        self.env.cr.precommit.run()
        after = Mail.search([("model", "=", "crm.ticket"), ("res_id", "=", ticket.id)])
        rating_mails = after.filtered(lambda m: "/rate/" in (m.body_html or ""))
        self.assertEqual(len(rating_mails), 1)
        self.assertGreater(len(after), before)

    # ------------------------------------------------------------
    # Assignment and routing
    # ------------------------------------------------------------

    def test_round_robin_in_member_order_remembering_last(self):
        self.team.assignment_method = "round_robin"
        members = self.team.member_ids
        self.assertEqual(members.mapped("name"), ["Agent A", "Agent B", "Agent C"])
        tickets = self.env["crm.ticket"].create(
            [{"name": f"RR {i}", "team_id": self.team.id} for i in range(4)]
        )
        self.assertEqual(
            [t.user_id.name for t in tickets],
            ["Agent A", "Agent B", "Agent C", "Agent A"],
        )
        self.assertEqual(self.team.last_assigned_user_id, self.agent_a)
        # one at a time continues where the batch stopped
        self.assertEqual(self._ticket(name="RR 5").user_id, self.agent_b)
        self.assertEqual(self._ticket(name="RR 6").user_id, self.agent_c)
        self.assertTrue(tickets[0].assign_date)

    def test_round_robin_skips_archived_and_given_assignee(self):
        self.team.assignment_method = "round_robin"
        self.agent_b.active = False
        tickets = self.env["crm.ticket"].create(
            [
                {"name": "1", "team_id": self.team.id},
                {"name": "2", "team_id": self.team.id, "user_id": self.leader.id},
                {"name": "3", "team_id": self.team.id},
            ]
        )
        self.assertEqual(
            tickets.mapped("user_id"), self.agent_a | self.leader | self.agent_c
        )

    def test_balanced_by_open_tickets(self):
        self.team.assignment_method = "balanced"
        # A has two open tickets, B one closed and one open, C none
        self._ticket(user_id=self.agent_a.id)
        self._ticket(user_id=self.agent_a.id)
        self._ticket(user_id=self.agent_b.id)
        self._ticket(user_id=self.agent_b.id).action_close()
        tickets = self.env["crm.ticket"].create(
            [{"name": f"B {i}", "team_id": self.team.id} for i in range(4)]
        )
        # C (0) -> B and C tie at 1: B first in member order -> C (1 vs B 2)...
        self.assertEqual(
            [t.user_id.name for t in tickets],
            ["Agent C", "Agent B", "Agent C", "Agent A"],
        )

    def test_language_preference(self):
        self.team.assignment_method = "round_robin"
        lang_fr = self.env["res.lang"]._activate_lang("fr_FR")
        self.agent_c.ticket_language_ids = lang_fr
        self.customer_other.lang = "fr_FR"
        french = self.env["crm.ticket"].create(
            [
                {
                    "name": "Bonjour",
                    "team_id": self.team.id,
                    "partner_id": self.customer_other.id,
                },
                {
                    "name": "Encore",
                    "team_id": self.team.id,
                    "partner_id": self.customer_other.id,
                },
            ]
        )
        self.assertEqual(french.mapped("user_id"), self.agent_c)
        self.team.assignment_method = "balanced"
        self.assertEqual(
            self._ticket(name="Salut", partner_id=self.customer_other.id).user_id,
            self.agent_c,
            "the only French speaker, even with more open tickets",
        )
        english = self._ticket(name="Hello")
        self.assertNotEqual(english.user_id, self.agent_c)

    def test_manual_assignment_leaves_unassigned(self):
        self.assertEqual(self.team.assignment_method, "manual")
        ticket = self._ticket()
        self.assertFalse(ticket.user_id)
        ticket.with_user(self.agent_a).action_assign_to_me()
        self.assertEqual(ticket.user_id, self.agent_a)

    def test_routing_rules(self):
        billing = self.env["crm.ticket.team"].create({"name": "Billing"})
        vip_team = self.env["crm.ticket.team"].create({"name": "VIP"})
        german = self.env["crm.ticket.team"].create({"name": "DACH"})
        refund = self.env["crm.ticket.type"].create({"name": "Test refund"})
        vip_tag = self.env["res.partner.category"].create({"name": "VIP"})
        lang_de = self.env["res.lang"]._activate_lang("de_DE")
        Rule = self.env["crm.ticket.routing.rule"]
        Rule.create(
            {
                "name": "VIP",
                "sequence": 1,
                "team_id": vip_team.id,
                "partner_category_ids": [Command.link(vip_tag.id)],
            }
        )
        Rule.create(
            {
                "name": "Refunds",
                "sequence": 2,
                "team_id": billing.id,
                "type_ids": [Command.link(refund.id)],
            }
        )
        Rule.create(
            {
                "name": "Invoices",
                "sequence": 3,
                "team_id": billing.id,
                "keywords": "invoice, credit note",
            }
        )
        Rule.create(
            {
                "name": "German",
                "sequence": 4,
                "team_id": german.id,
                "lang_ids": [Command.link(lang_de.id)],
            }
        )
        Ticket = self.env["crm.ticket"]
        self.assertEqual(
            Ticket.create(
                {"name": "Wrong Invoice total", "partner_id": self.customer.id}
            ).team_id,
            billing,
        )
        self.assertEqual(
            Ticket.create({"name": "Money back", "type_id": refund.id}).team_id, billing
        )
        self.assertEqual(
            Ticket.create(
                {"name": "Help", "description": "<p>my credit note</p>"}
            ).team_id,
            billing,
        )
        self.assertNotEqual(
            Ticket.create({"name": "Invoiced twice"}).team_id,
            billing,
            "keywords match whole words",
        )
        self.customer_company.category_id = vip_tag
        self.assertEqual(
            Ticket.create({"name": "Invoice", "partner_id": self.customer.id}).team_id,
            vip_team,
            "a contact of a tagged company, first rule wins",
        )
        self.customer_other.lang = "de_DE"
        self.assertEqual(
            Ticket.create(
                {"name": "Hallo", "partner_id": self.customer_other.id}
            ).team_id,
            german,
        )
        fallback = Ticket.create({"name": "Anything"})
        self.assertEqual(fallback.team_id, self.team, "first team of the company")
        explicit = Ticket.create({"name": "Invoice", "team_id": german.id})
        self.assertEqual(explicit.team_id, german, "a given team is kept")

    # ------------------------------------------------------------
    # Counters and access
    # ------------------------------------------------------------

    def test_counters_one_query(self):
        teams = self.team | self.env["crm.ticket.team"].create(
            [{"name": f"Team {i}"} for i in range(4)]
        )
        for team in teams:
            self._ticket(team_id=team.id)
            self._ticket(team_id=team.id, priority="3")
        self.env.invalidate_all()
        teams = teams.browse(teams.ids)
        with self.assertQueryCount(1):
            self.assertEqual(teams.mapped("open_ticket_count"), [2] * 5)
            self.assertEqual(teams.mapped("urgent_ticket_count"), [1] * 5)
            self.assertEqual(teams.mapped("unassigned_ticket_count"), [2] * 5)
            self.assertEqual(teams.mapped("failed_ticket_count"), [0] * 5)

    def test_partner_ticket_count_one_query(self):
        partners = self.env["res.partner"].create(
            [{"name": f"P{i}", "parent_id": self.customer_company.id} for i in range(5)]
        )
        for partner in partners:
            self._ticket(partner_id=partner.id)
        self._ticket()
        everyone = (
            partners | self.customer | self.customer_company | self.customer_other
        )
        self.env.invalidate_all()
        everyone = everyone.browse(everyone.ids)
        with self.assertQueryCount(1):
            counts = everyone.mapped("crm_ticket_count")
        self.assertEqual(counts, [1] * 5 + [1, 6, 0])

    @users("crm_suite_portal")
    def test_portal_user_cannot_write(self):
        with self.assertRaises(AccessError):
            self.env["crm.ticket"].create({"name": "Sneaky"})

    def test_multi_company_isolation(self):
        company_2 = self.env["res.company"].create({"name": "Second Co"})
        team_2 = self.env["crm.ticket.team"].create(
            {"name": "Support 2", "company_id": company_2.id}
        )
        other = self._ticket(team_id=team_2.id)
        mine = self._ticket()
        Ticket = self.env["crm.ticket"].with_user(self.agent_a)
        self.assertEqual(Ticket.search([("id", "in", (other | mine).ids)]), mine)

    def test_similar_tickets_with_and_without_trigram(self):
        old = self._ticket(name="Printer out of toner again")
        old.action_close()
        self._ticket(name="Completely unrelated subject").action_close()
        new = self._ticket(name="Printer out of toner")
        Ticket = type(self.env["crm.ticket"])
        if Ticket._has_trigram(self.env["crm.ticket"]):
            self.assertIn(old, new.similar_ticket_ids)
        new.invalidate_recordset(["similar_ticket_ids"])
        with patch.object(Ticket, "_has_trigram", return_value=False):
            self.assertEqual(new.similar_ticket_ids, old)

    def test_new_opportunity_shares_with_sales(self):
        ticket = self._ticket(description="<p>They want 40 more seats</p>")
        action = ticket.with_user(self.agent_a).action_create_lead()
        lead = self.env["crm.lead"].browse(action["res_id"])
        self.assertEqual(ticket.lead_id, lead)
        self.assertEqual(lead.partner_id, self.customer)
        self.assertEqual(lead.type, "opportunity")
        self.assertIn("40 more seats", lead.description)
        with self.assertRaises(AccessError):
            self._ticket().with_user(self.user_portal).action_create_lead()

    def test_team_dashboard_actions(self):
        mine = self._ticket(priority="3")
        self._ticket(user_id=self.agent_a.id)
        self._ticket().action_close()
        Ticket = self.env["crm.ticket"]
        for method, expected in (
            ("action_open_tickets", 2),
            ("action_unassigned_tickets", 1),
            ("action_urgent_tickets", 1),
            ("action_failed_tickets", 0),
        ):
            action = getattr(self.team, method)()
            self.assertEqual(Ticket.search_count(action["domain"]), expected, method)
            self.assertEqual(action["context"]["default_team_id"], self.team.id)
        customer_action = mine.action_view_customer_tickets()
        self.assertEqual(Ticket.search_count(customer_action["domain"]), 3)
