# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CrmSuiteTimeMixin

# 2026-01-05 is a Monday; the team's calendar works Mon-Fri 8-12 and 13-17 UTC.
MONDAY_9 = datetime(2026, 1, 5, 9, 0)


@tagged("post_install", "-at_install")
class TestCrmTicketReportMerge(CrmSuiteTimeMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.agent = mail_new_test_user(
            cls.env,
            login="crm_ticket_report_agent",
            name="Rita Report",
            groups="base.group_user,crm_suite.group_crm_suite_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Report hours (UTC)", "tz": "UTC", "company_id": cls.company.id}
        )
        cls.team = cls.env["crm.ticket.team"].create(
            {
                "name": "Report Support",
                "resource_calendar_id": cls.calendar.id,
                "member_ids": [Command.link(cls.agent.id)],
            }
        )
        cls.team_no_sla = cls.env["crm.ticket.team"].create(
            {"name": "Report Sales Desk", "resource_calendar_id": cls.calendar.id}
        )
        # only this test's policy applies (the demo data ships policies for
        # every team)
        cls.env["crm.ticket.sla"].search([]).active = False
        cls.sla = cls.env["crm.ticket.sla"].create(
            {
                "name": "Report SLA",
                "team_ids": [Command.link(cls.team.id)],
                "response_hours": 1,
                "resolution_hours": 16,
            }
        )
        cls.stage_solved = cls.env.ref("crm_suite.stage_solved")
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "Carl Customer", "email": "carl@a.test"})
        cls.customer_b = Partner.create({"name": "Bea Buyer", "email": "bea@b.test"})
        cls.watcher = Partner.create({"name": "Walt Watcher", "email": "walt@c.test"})
        cls.Report = cls.env["crm.ticket.report"]

    def _ticket(self, **values):
        values.setdefault("name", "The invoice PDF is empty")
        values.setdefault("team_id", self.team.id)
        values.setdefault("partner_id", self.customer.id)
        return self.env["crm.ticket"].create(values)

    def _row(self, ticket):
        self.Report.invalidate_model()
        return self.Report.search([("ticket_id", "=", ticket.id)])

    # ------------------------------------------------------------
    # Report
    # ------------------------------------------------------------

    def test_report_times_and_sla(self):
        with self._at(MONDAY_9):
            solved = self._ticket()
            waiting = self._ticket(name="Cannot log in")
            other = self._ticket(name="Quote please", team_id=self.team_no_sla.id)
        # the answer comes after the 1-hour response target: reached late
        with self._at(datetime(2026, 1, 5, 11, 0)):
            solved.with_user(self.agent).message_post(
                body="We are on it.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        # closed on Tuesday 10:00, within the 16 working hours (due Wednesday 9:00)
        with self._at(datetime(2026, 1, 6, 10, 0)):
            solved.stage_id = self.stage_solved
        self.assertTrue(solved.is_closed)

        row = self._row(solved)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.id, solved.id)
        self.assertEqual(row.number, solved.number)
        self.assertEqual(row.team_id, self.team)
        self.assertEqual(row.create_date, MONDAY_9)
        self.assertEqual(row.close_date, datetime(2026, 1, 6, 10, 0))
        self.assertTrue(row.is_closed)
        self.assertEqual(row.ticket_count, 1)
        self.assertAlmostEqual(row.first_response_hours, 2.0)
        # Monday 9-12 and 13-17, Tuesday 8-10
        self.assertAlmostEqual(row.resolution_hours, 9.0)
        self.assertFalse(row.backlog_age_days)
        self.assertEqual(row.sla_status_count, 2)
        self.assertAlmostEqual(row.sla_success_rate, 50.0)
        self.assertTrue(row.sla_failed)

        # open, unanswered, every deadline of January 2026 long passed
        row = self._row(waiting)
        self.assertFalse(row.is_closed)
        self.assertFalse(row.first_response_hours)
        self.assertFalse(row.resolution_hours)
        self.assertGreater(row.backlog_age_days, 1)
        self.assertEqual(row.sla_status_count, 2)
        self.assertEqual(row.sla_success_rate, 0.0)
        self.assertTrue(row.sla_failed)

        row = self._row(other)
        self.assertEqual(row.sla_status_count, 0)
        self.assertFalse(row.sla_failed)

        # a ticket without SLA target is left out of the success average, and
        # an open ticket out of the resolution average
        tickets = solved | waiting | other
        [(count, success, resolution, response)] = self.Report._read_group(
            [("ticket_id", "in", tickets.ids)],
            aggregates=[
                "ticket_count:sum",
                "sla_success_rate:avg",
                "resolution_hours:avg",
                "first_response_hours:avg",
            ],
        )
        self.assertEqual(count, 3)
        self.assertAlmostEqual(success, 25.0)
        self.assertAlmostEqual(resolution, 9.0)
        self.assertAlmostEqual(response, 2.0)
        failed = self.Report.search(
            [("ticket_id", "in", tickets.ids), ("sla_failed", "=", True)]
        )
        self.assertEqual(failed.ticket_id, solved | waiting)

    def test_report_sla_reached_in_time(self):
        with self._at(MONDAY_9):
            ticket = self._ticket()
        with self._at(datetime(2026, 1, 5, 9, 30)):
            ticket.with_user(self.agent).message_post(
                body="Fixed.", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            ticket.stage_id = self.stage_solved
        row = self._row(ticket)
        self.assertAlmostEqual(row.first_response_hours, 0.5)
        self.assertAlmostEqual(row.sla_success_rate, 100.0)
        self.assertFalse(row.sla_failed)
        # a status written late afterwards (e.g. by a correction) fails it
        self.env["crm.ticket.sla.status"].sudo().search(
            [("ticket_id", "=", ticket.id), ("target", "=", "response")]
        ).write({"deadline": datetime(2026, 1, 5, 9, 15)})
        row = self._row(ticket)
        self.assertAlmostEqual(row.sla_success_rate, 50.0)
        self.assertTrue(row.sla_failed)

    def test_report_rating(self):
        ticket = self._ticket()
        model_id = self.env["ir.model"]._get_id("crm.ticket")
        Rating = self.env["rating.rating"]
        for value, consumed in ((5, True), (2, True), (1, False)):
            Rating.create(
                {
                    "res_model_id": model_id,
                    "res_id": ticket.id,
                    "partner_id": self.customer.id,
                    "rating": value,
                    "consumed": consumed,
                }
            )
        row = self._row(ticket)
        # the request not answered yet does not count
        self.assertAlmostEqual(row.rating_avg, 3.5)
        self.assertAlmostEqual(row.rating_last_value, 2.0)
        self.assertAlmostEqual(row.rating_satisfaction, 50.0)
        self.assertFalse(self._row(self._ticket(name="No rating")).rating_avg)

    def test_report_company_rule(self):
        company_b = self.env["res.company"].create({"name": "Report Company B"})
        team_b = self.env["crm.ticket.team"].create(
            {
                "name": "Support B",
                "company_id": company_b.id,
                "resource_calendar_id": company_b.resource_calendar_id.id,
            }
        )
        ticket_a = self._ticket()
        ticket_b = self._ticket(team_id=team_b.id)
        self.assertEqual(ticket_b.company_id, company_b)
        domain = [("ticket_id", "in", (ticket_a | ticket_b).ids)]
        self.assertEqual(len(self.Report.search(domain)), 2)
        rows = self.Report.with_user(self.agent).search(domain)
        self.assertEqual(rows.ticket_id, ticket_a)
        self.assertEqual(
            self.Report.with_user(self.agent).search_count(
                [("company_id", "=", company_b.id)]
            ),
            0,
        )

    def test_report_excludes_archived(self):
        ticket = self._ticket()
        self.assertTrue(self._row(ticket))
        ticket.active = False
        self.assertFalse(self._row(ticket))

    def test_report_action_and_menu(self):
        action = self.env.ref("crm_suite.crm_ticket_report_action")
        self.assertEqual(action.res_model, "crm.ticket.report")
        self.assertTrue(action.view_mode.startswith("pivot"))
        menu = self.env.ref("crm_suite.menu_crm_suite_ticket_report")
        self.assertEqual(
            menu.parent_id, self.env.ref("crm_suite.menu_crm_suite_reporting")
        )
        # every view of the report loads for an agent
        Report = self.Report.with_user(self.agent)
        for view_type in ("pivot", "graph", "list", "search"):
            Report.get_views([(False, view_type)])
        Report.read_group(
            [],
            ["ticket_count", "first_response_hours"],
            ["team_id", "create_date:month"],
            lazy=False,
        )

    # ------------------------------------------------------------
    # Merge
    # ------------------------------------------------------------

    def _merge_wizard(self, tickets, user=None, **values):
        Wizard = self.env["crm.ticket.merge"].with_user(user or self.agent)
        action = tickets[:1].with_user(user or self.agent).action_open_merge()
        context = dict(action["context"], active_ids=tickets.ids)
        return Wizard.with_context(**context).create(values)

    def test_merge(self):
        # two contacts of one customer: tickets of different customers are
        # refused (test_security_portal)
        company = self.env["res.partner"].create(
            {"name": "Carl and Bea Ltd", "is_company": True}
        )
        (self.customer | self.customer_b).parent_id = company
        with self._at(MONDAY_9):
            target = self._ticket(description="<p>First report</p>")
        with self._at(datetime(2026, 1, 5, 10, 0)):
            second = self._ticket(
                name="PDF still empty",
                partner_id=self.customer_b.id,
                description="<p>Second report</p>",
            )
            third = self._ticket(name="Empty invoice", partner_id=self.customer.id)
        third.message_subscribe(partner_ids=self.watcher.ids)
        second.message_subscribe(partner_ids=self.customer.ids)  # already on target
        moved = second.message_post(
            body="From the second", subtype_xmlid="mail.mt_note"
        )
        moved |= third.message_post(body="From the third", subtype_xmlid="mail.mt_note")
        source_messages = self.env["mail.message"].search(
            [("model", "=", "crm.ticket"), ("res_id", "in", (second | third).ids)]
        )
        self.assertGreaterEqual(len(source_messages), 4)
        attachment = self.env["ir.attachment"].create(
            {
                "name": "screenshot.png",
                "raw": b"png",
                "res_model": "crm.ticket",
                "res_id": second.id,
            }
        )
        activity = third.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.agent.id
        )

        wizard = self._merge_wizard(third | target | second)
        self.assertEqual(wizard.ticket_ids, target | second | third)
        self.assertEqual(wizard.target_id, target, "the oldest ticket is kept")
        self.assertTrue(wizard.merge_description)
        action = wizard.action_merge()
        self.assertEqual(action["res_model"], "crm.ticket")
        self.assertEqual(action["res_id"], target.id)

        # conversation, attachments and activities follow
        self.assertEqual(set(source_messages.mapped("res_id")), {target.id})
        self.assertLessEqual(moved, target.message_ids)
        self.assertEqual(attachment.res_id, target.id)
        self.assertEqual(activity.res_id, target.id)
        # followers: every source's, once
        followers = self.env["mail.followers"].search(
            [("res_model", "=", "crm.ticket"), ("res_id", "=", target.id)]
        )
        self.assertLessEqual(
            self.customer | self.customer_b | self.watcher, followers.partner_id
        )
        self.assertEqual(len(followers), len(followers.partner_id))
        # descriptions, under each source's number
        self.assertIn("First report", target.description)
        self.assertIn(f"Merged from {second.number}", target.description)
        self.assertIn("Second report", target.description)
        self.assertNotIn(f"Merged from {third.number}", target.description)
        # the sources are archived into the target, which lists them
        self.assertFalse((second | third).filtered("active"))
        self.assertEqual((second | third).merged_into_id, target)
        self.assertTrue(target.active)
        note = target.message_ids[:1]
        self.assertIn(second.number, note.body)
        self.assertIn(third.number, note.body)
        self.assertIn(target.number, second.message_ids[:1].body)

    def test_merge_without_descriptions(self):
        target = self._ticket(description="<p>Kept</p>")
        source = self._ticket(description="<p>Dropped</p>")
        wizard = self._merge_wizard(target | source, merge_description=False)
        wizard.action_merge()
        self.assertNotIn("Dropped", target.description)
        self.assertFalse(source.active)

    def test_merge_errors(self):
        ticket, other = self._ticket(), self._ticket()
        with self.assertRaisesRegex(UserError, "at least two"):
            self._merge_wizard(ticket).action_merge()
        outsider = self._ticket(name="Unrelated")
        wizard = self._merge_wizard(ticket | other, target_id=outsider.id)
        with self.assertRaisesRegex(UserError, "not one of the tickets"):
            wizard.action_merge()
        company_b = self.env["res.company"].create({"name": "Merge Company B"})
        team_b = self.env["crm.ticket.team"].create(
            {
                "name": "Support B",
                "company_id": company_b.id,
                "resource_calendar_id": company_b.resource_calendar_id.id,
            }
        )
        foreign = self._ticket(team_id=team_b.id)
        wizard = self._merge_wizard(ticket | foreign, user=self.env.user)
        with self.assertRaisesRegex(UserError, "different companies"):
            wizard.action_merge()
        self.assertTrue((ticket | other | foreign).filtered("active"))
        self.assertFalse((ticket | other | foreign).merged_into_id)

    def test_merge_list_action(self):
        action = self.env.ref("crm_suite.crm_ticket_merge_action")
        self.assertEqual(action.binding_model_id.model, "crm.ticket")
        self.assertEqual(action.binding_view_types, "list")
        self.assertEqual(action.res_model, "crm.ticket.merge")
        self.assertEqual(action.target, "new")
