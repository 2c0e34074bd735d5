# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from .common import CrmTicketCommonMixin

# 2026-01-02 is a Friday; the calendar works Mon-Fri 8-12 and 13-17 UTC.
FRIDAY_15 = datetime(2026, 1, 2, 15, 0)


@tagged("post_install", "-at_install")
class TestCrmTicketSla(CrmTicketCommonMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_ticket()
        cls.sla = cls.env["crm.ticket.sla"].create(
            {
                "name": "Standard",
                "team_ids": [Command.link(cls.team.id)],
                "response_hours": 4,
                "resolution_hours": 16,
                "pause_stage_ids": [Command.link(cls.stage_waiting.id)],
            }
        )

    def _status(self, ticket, target, sla=None):
        return ticket.sla_status_ids.filtered(
            lambda s: s.target == target and s.sla_id == (sla or self.sla)
        )

    def test_deadline_over_a_weekend(self):
        with self._at(FRIDAY_15):
            ticket = self._ticket()
            response = self._status(ticket, "response")
            resolution = self._status(ticket, "resolution")
            self.assertEqual(response.state, "ongoing")
        # Friday 15-17 (2h), Monday 8-10 (2h)
        self.assertEqual(response.deadline, datetime(2026, 1, 5, 10, 0))
        # 16h: Fri 2h, Mon 8h, Tue 6h -> Tuesday 15:00
        self.assertEqual(resolution.deadline, datetime(2026, 1, 6, 15, 0))
        self.assertEqual(ticket.sla_deadline, response.deadline)

    def test_deadline_skips_public_holiday_and_lunch(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Bank holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 1, 5, 0, 0),
                "date_to": datetime(2026, 1, 5, 23, 59, 59),
            }
        )
        with self._at(FRIDAY_15):
            ticket = self._ticket()
        # Monday off: Friday 2h, Tuesday 8-10
        self.assertEqual(
            self._status(ticket, "response").deadline, datetime(2026, 1, 6, 10, 0)
        )
        with self._at(datetime(2026, 1, 6, 11, 0)):
            late = self._ticket()
        # 11-12 (1h), lunch, 13-16 (3h)
        self.assertEqual(
            self._status(late, "response").deadline, datetime(2026, 1, 6, 16, 0)
        )

    def test_company_wide_holiday_counts_too(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "National day",
                "calendar_id": False,
                "company_id": self.company.id,
                "date_from": datetime(2026, 1, 5, 0, 0),
                "date_to": datetime(2026, 1, 5, 23, 59, 59),
            }
        )
        with self._at(FRIDAY_15):
            ticket = self._ticket()
        self.assertEqual(
            self._status(ticket, "response").deadline, datetime(2026, 1, 6, 10, 0)
        )

    def test_pause_stage_stops_the_clock(self):
        with self._at(FRIDAY_15):
            ticket = self._ticket()
        with self._at(datetime(2026, 1, 2, 16, 0)):
            ticket.stage_id = self.stage_waiting  # 1 working hour used
        response = self._status(ticket, "response")
        self.assertFalse(response.deadline)
        self.assertEqual(response.state, "paused")
        self.assertAlmostEqual(response.hours_consumed, 1.0)
        self.assertFalse(ticket.sla_deadline)
        with self._at(datetime(2026, 1, 9, 12, 0)):  # a week later: not failed
            self.assertFalse(response.failed)
            self.assertFalse(
                ticket.search([("id", "=", ticket.id), ("sla_failed", "=", True)])
            )
        with self._at(datetime(2026, 1, 13, 9, 0)):  # Tuesday 9:00, resume
            ticket.stage_id = self.stage_progress
        # 3 hours left: 9-12
        self.assertEqual(response.deadline, datetime(2026, 1, 13, 12, 0))
        # 15 hours left for the resolution: Tue 9-12, 13-17 (7h), Wed 8h
        self.assertEqual(
            self._status(ticket, "resolution").deadline, datetime(2026, 1, 14, 17, 0)
        )

    def test_created_in_a_pause_stage(self):
        with self._at(FRIDAY_15):
            ticket = self._ticket(stage_id=self.stage_waiting.id)
        self.assertEqual(self._status(ticket, "response").state, "paused")
        with self._at(datetime(2026, 1, 5, 8, 0)):
            ticket.stage_id = self.stage_progress
        self.assertEqual(
            self._status(ticket, "response").deadline, datetime(2026, 1, 5, 12, 0)
        )

    def test_first_response_reaches_target(self):
        with self._at(FRIDAY_15):
            ticket = self._ticket()
        with self._at(datetime(2026, 1, 5, 9, 0)):
            self._agent_answers(ticket, "We are on it")
        response = self._status(ticket, "response")
        self.assertEqual(ticket.first_response_date, datetime(2026, 1, 5, 9, 0))
        self.assertAlmostEqual(ticket.first_response_hours, 3.0)
        self.assertEqual(response.reached_date, datetime(2026, 1, 5, 9, 0))
        self.assertEqual(response.state, "reached")
        self.assertEqual(
            ticket.sla_deadline, self._status(ticket, "resolution").deadline
        )
        # an internal note is not a response; the customer's own message neither
        other = self._ticket()
        other.with_user(self.agent_a).message_post(
            body="note", subtype_xmlid="mail.mt_note"
        )
        other.message_post(
            body="any news?",
            author_id=self.customer.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertFalse(other.first_response_date)
        self.assertTrue(other.last_customer_message_date)

    def test_failed_is_read_from_the_deadline(self):
        with self._at(FRIDAY_15):
            ticket = self._ticket()
        response = self._status(ticket, "response")
        Ticket = self.env["crm.ticket"]
        with self._at(datetime(2026, 1, 5, 9, 59)):
            self.assertFalse(
                Ticket.search([("id", "=", ticket.id), ("sla_failed", "=", True)])
            )
        with self._at(datetime(2026, 1, 5, 10, 1)):
            self.assertEqual(
                Ticket.search([("id", "=", ticket.id), ("sla_failed", "=", True)]),
                ticket,
            )
            self.assertFalse(
                Ticket.search([("id", "=", ticket.id), ("sla_failed", "=", False)])
            )
            response.invalidate_recordset(["failed"])
            self.assertTrue(response.failed)
            self.assertEqual(self.team.failed_ticket_count, 1)
            # answering late: still failed, reached late
            self._agent_answers(ticket, "Sorry")
        self.assertTrue(response.reached_late)
        self.assertTrue(response.failed)
        self.assertEqual(response.state, "failed")

    def test_failed_stays_failed_through_pause_and_rematch(self):
        with self._at(FRIDAY_15):
            ticket = self._ticket()
        response = self._status(ticket, "response")
        deadline = response.deadline
        with self._at(datetime(2026, 1, 6, 9, 0)):
            ticket.stage_id = self.stage_waiting
            self.assertEqual(
                response.deadline, deadline, "a failed clock is not paused"
            )
            # the policy stops matching: failed statuses stay, the others go
            self.sla.team_ids = self.env["crm.ticket.team"].create(
                {"name": "Elsewhere"}
            )
            ticket.priority = "1"
            self.assertTrue(response.exists())
            self.assertEqual(ticket.sla_status_ids, response)
            self.assertTrue(response.failed)

    def test_rematch_on_priority_type_tags_and_customer(self):
        urgent = self.env["crm.ticket.sla"].create(
            {"name": "Urgent", "priority": "2", "response_hours": 1}
        )
        bug = self.env["crm.ticket.type"].create({"name": "Test bug"})
        typed = self.env["crm.ticket.sla"].create(
            {"name": "Bugs", "type_ids": [Command.link(bug.id)], "resolution_hours": 8}
        )
        tag = self.env["crm.ticket.tag"].create({"name": "Test outage"})
        tagged_sla = self.env["crm.ticket.sla"].create(
            {
                "name": "Outages",
                "tag_ids": [Command.link(tag.id)],
                "response_hours": 0.5,
            }
        )
        gold = self.env["res.partner.category"].create({"name": "Test gold"})
        vip = self.env["crm.ticket.sla"].create(
            {
                "name": "Gold customers",
                "partner_domain": f"[('category_id', 'in', [{gold.id}])]",
                "response_hours": 2,
            }
        )
        with self._at(FRIDAY_15):
            ticket = self._ticket()
            self.assertEqual(ticket.sla_status_ids.sla_id, self.sla)
            ticket.priority = "3"
            self.assertEqual(ticket.sla_status_ids.sla_id, self.sla | urgent)
            ticket.type_id = bug
            ticket.tag_ids = tag
            self.assertEqual(
                ticket.sla_status_ids.sla_id, self.sla | urgent | typed | tagged_sla
            )
            self.assertEqual(ticket.sla_deadline, datetime(2026, 1, 2, 15, 30))
            ticket.write({"priority": "0", "tag_ids": [Command.clear()]})
            self.assertEqual(ticket.sla_status_ids.sla_id, self.sla | typed)
            self.customer.category_id = gold
            ticket.partner_id = self.customer_other
            ticket.partner_id = self.customer
            self.assertIn(vip, ticket.sla_status_ids.sla_id)
        # one status per ticket, policy and target
        self.assertEqual(len(self._status(ticket, "response")), 1)

    def test_close_reaches_and_reopen_resumes(self):
        with self._at(FRIDAY_15):
            ticket = self._ticket()
        with self._at(datetime(2026, 1, 5, 9, 0)):
            ticket.action_close()
        resolution = self._status(ticket, "resolution")
        self.assertEqual(resolution.reached_date, datetime(2026, 1, 5, 9, 0))
        self.assertAlmostEqual(ticket.resolution_hours, 3.0)
        self.assertFalse(ticket.sla_deadline)
        with self._at(datetime(2026, 1, 7, 8, 0)):
            ticket.stage_id = self.stage_progress
        # 3 hours used before closing, 13 left from Wednesday 8:00
        self.assertFalse(resolution.reached_date)
        self.assertEqual(resolution.deadline, datetime(2026, 1, 8, 14, 0))
        self.assertTrue(self._status(ticket, "response").reached_date, "stays answered")

    def test_no_calendar_counts_round_the_clock(self):
        self.team.resource_calendar_id = False
        self.company.resource_calendar_id = False
        with self._at(FRIDAY_15):
            ticket = self._ticket()
        self.assertEqual(
            self._status(ticket, "response").deadline, datetime(2026, 1, 2, 19, 0)
        )

    def test_policy_validation(self):
        with self.assertRaisesRegex(ValidationError, "target"):
            self.env["crm.ticket.sla"].create({"name": "Empty"})
        with self.assertRaisesRegex(ValidationError, "not valid"):
            self.env["crm.ticket.sla"].create(
                {
                    "name": "Bad",
                    "response_hours": 1,
                    "partner_domain": "[('nope', '=', 1)]",
                }
            )
        with self.assertRaisesRegex(ValidationError, "not valid"):
            self.env["crm.ticket.sla"].create(
                {"name": "Bad", "response_hours": 1, "partner_domain": "oops("}
            )

    def test_alerts_warn_then_escalate_once(self):
        self.team.assignment_method = "round_robin"
        with self._at(FRIDAY_15):
            ticket = self._ticket()
        Status = self.env["crm.ticket.sla.status"]
        Activity = self.env["mail.activity"]
        warning_type = self.env.ref("crm_suite.mail_activity_type_sla_warning")
        domain = [
            ("res_model", "=", "crm.ticket"),
            ("res_id", "=", ticket.id),
            ("activity_type_id", "=", warning_type.id),
        ]
        with self._at(datetime(2026, 1, 5, 9, 30)):  # 30 min before the deadline
            Status._cron_sla_alerts()
            Status._cron_sla_alerts()
        warnings = Activity.search(domain)
        self.assertEqual(len(warnings), 1, "warned once")
        self.assertEqual(warnings.user_id, ticket.user_id)
        with self._at(datetime(2026, 1, 5, 10, 30)):
            Status._cron_sla_alerts()
            Status._cron_sla_alerts()
        self.assertEqual(ticket.priority, "1", "escalated once")
        escalations = Activity.search(domain + [("user_id", "=", self.leader.id)])
        self.assertEqual(len(escalations), 1)
        self.assertIn(
            self.leader.partner_id,
            ticket.message_ids.filtered(
                lambda m: "SLA deadline" in (m.body or "")
            ).partner_ids,
        )

    def test_batch_creation_reads_each_calendar_once(self):
        self.env["crm.ticket.sla"].create(
            {"name": "Second", "response_hours": 2, "resolution_hours": 24}
        )
        calendar_class = type(self.env["resource.calendar"])
        original = calendar_class._work_intervals_batch
        calls = []

        def counting(calendar, *args, **kwargs):
            calls.append(calendar.id)
            return original(calendar, *args, **kwargs)

        with (
            self._at(FRIDAY_15),
            patch.object(calendar_class, "_work_intervals_batch", counting),
        ):
            tickets = self.env["crm.ticket"].create(
                [{"name": f"T{i}", "team_id": self.team.id} for i in range(50)]
            )
        self.assertEqual(len(tickets.sla_status_ids), 200)
        self.assertEqual(calls, [self.calendar.id])
