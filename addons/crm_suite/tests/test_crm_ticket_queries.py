# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Query budgets of the ticket paths that handle batches: a batch of twice or
five times the tickets costs the same queries, or a known few more per ticket
(said where and why)."""

from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CrmTicketCommonMixin

MONDAY_9 = datetime(2026, 1, 5, 9, 0)


class TicketQueryMixin:
    def _queries(self, func, budget):
        """The queries ``func`` runs, at most ``budget`` (``assertQueryCount``;
        None for a warm-up run), with every pending write flushed before and
        after and an empty cache before (as a new request or job has)."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        if budget is None:  # a warm-up run
            func()
            self.env.flush_all()
        else:
            with self.assertQueryCount(budget):
                func()
                self.env.flush_all()
        return self.cr.sql_log_count - before


@tagged("post_install", "-at_install")
class TestCrmTicketQueries(TicketQueryMixin, CrmTicketCommonMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_ticket()
        cls.sla = cls.env["crm.ticket.sla"].create(
            {
                "name": "Queries",
                "team_ids": [Command.link(cls.team.id)],
                "response_hours": 4,
                "resolution_hours": 16,
            }
        )
        cls.env = cls.env(
            context=dict(cls.env.context, crm_ticket_no_ack=True, tracking_disable=True)
        )

    def _tickets(self, count, **values):
        values.setdefault("team_id", self.team.id)
        values.setdefault("partner_id", self.customer.id)
        return self.env["crm.ticket"].create(
            [dict(values, name=f"Ticket {index}") for index in range(count)]
        )

    def _each_size(self, func, budgets):
        """Queries of ``func(size, budget)`` for each ``{size: budget}``, each
        in a savepoint rolled back, after two runs that fill the registry's
        caches (xmlids, models: a cache cleared in the first one is cleared
        again by its rollback)."""
        counts = []
        sizes = list(budgets)
        runs = [(sizes[0], None), (sizes[0], None)] + list(budgets.items())
        for size, budget in runs:
            self.env.flush_all()
            with self.env.cr.savepoint() as savepoint:
                counts.append(func(size, budget))
                savepoint.rollback()
            self.env.invalidate_all()
        return counts[2:]

    def test_ticket_creation(self):
        """A batch of tickets: one stage search, one SLA matching, one insert
        of followers per customer, whatever its size. Each ticket draws its
        number from the sequence (``ir.sequence._next()``: one query each)."""

        def create(size, budget):
            with self._at(MONDAY_9):
                return self._queries(lambda: self._tickets(size), budget)

        small, large = self._each_size(create, {2: 35, 10: 43})
        self.assertEqual(large - small, 8, "one sequence query per ticket only")

    def test_sla_alerts_job(self):
        """Warning the assignees: one selection, one batch of activities and
        one write of the flags, for 2 tickets as for 10."""
        Status = self.env["crm.ticket.sla.status"]

        def alerts(size, budget):
            with self._at(MONDAY_9):
                tickets = self._tickets(size, user_id=self.agent_a.id)
            # the activities notify their assignees on the bus after commit:
            # Odoo's cache of the bus' defaults (ir.default) may have been
            # cleared by an earlier test's rollback; its refill is not the job's
            self.env["ir.default"]._get_model_defaults("bus.bus")
            # 30 minutes before the response deadline (14:00, lunch excluded)
            with self._at(MONDAY_9 + timedelta(hours=4, minutes=30)):
                count = self._queries(Status._cron_sla_alerts, budget)
            self.assertEqual(
                len(
                    Status.search(
                        [("ticket_id", "in", tickets.ids), ("warned", "=", True)]
                    )
                ),
                size,
            )
            return count

        small, large = self._each_size(alerts, {2: 17, 10: 17})
        self.assertEqual(small, large, "the warnings cost the same for 2 or 10")

    def test_sla_clock_paths_are_set_based(self):
        """Pausing then resuming the clocks of a batch: the same queries for
        2 tickets as for 10 (one write per group of equal values)."""
        self.sla.pause_stage_ids = self.stage_waiting

        def pause_resume(size, budget):
            with self._at(MONDAY_9):
                tickets = self._tickets(size)
            with self._at(MONDAY_9 + timedelta(hours=1)):
                return self._queries(
                    lambda: (
                        tickets.write({"stage_id": self.stage_waiting.id}),
                        tickets.write({"stage_id": self.stage_progress.id}),
                    ),
                    budget,
                )

        small, large = self._each_size(pause_resume, {2: 17, 10: 17})
        self.assertEqual(small, large)

    def test_auto_close_job(self):
        """Closing the tickets of a team: one selection, one stage write and
        one batch of closing notes (``_message_log_batch``), not a post per
        ticket."""
        self.team.auto_close_days = 5
        self.team.auto_close_warning_days = 2

        def auto_close(size, budget):
            with self._at(MONDAY_9):
                tickets = self._tickets(size)
                tickets.write(
                    {
                        "last_agent_message_date": MONDAY_9,
                        "auto_close_warning_date": MONDAY_9 + timedelta(days=3),
                    }
                )
            with self._at(MONDAY_9 + timedelta(days=6)):
                count = self._queries(self.env["crm.ticket"]._cron_auto_close, budget)
            self.assertTrue(all(tickets.mapped("is_closed")))
            notes = self.env["mail.message"].search(
                [
                    ("model", "=", "crm.ticket"),
                    ("res_id", "in", tickets.ids),
                    ("body", "ilike", "Closed automatically"),
                ]
            )
            self.assertEqual(len(notes), size, "one closing note per ticket")
            return count

        # 20 for crm_suite; the addons above it add a constant few when they are
        # installed (crm_analytics wakes its event rules' job on closed tickets)
        small, large = self._each_size(auto_close, {2: 24, 10: 24})
        self.assertEqual(small, large, "closing 10 tickets costs what closing 2 does")

    def test_service_overview(self):
        """The team cards of the Service Overview (their counters and SLA
        success): the same queries for 2 tickets as for 10."""

        def overview(size, budget):
            with self._at(MONDAY_9):
                self._tickets(size)
            team = (
                self.env["crm.ticket.team"].with_user(self.leader).browse(self.team.id)
            )
            return self._queries(
                lambda: team.read(
                    [
                        "open_ticket_count",
                        "unassigned_ticket_count",
                        "urgent_ticket_count",
                        "failed_ticket_count",
                        "sla_success_rate",
                        "sla_rated_ticket_count",
                    ]
                ),
                budget,
            )

        small, large = self._each_size(overview, {2: 3, 10: 3})
        self.assertEqual(small, large)


@tagged("post_install", "-at_install")
class TestCrmTicketPortalQueries(TicketQueryMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.partner"].create(
            {"name": "Query Widgets", "is_company": True, "email": "q@widgets.test"}
        )
        cls.portal_user = mail_new_test_user(
            cls.env,
            login="portal_query_quinn",
            name="Quinn Query",
            email="quinn@widgets.test",
            groups="base.group_portal",
        )
        cls.portal_user.partner_id.parent_id = cls.company
        cls.team = cls.env["crm.ticket.team"].create(
            {"name": "Query Desk", "assignment_method": "manual"}
        )

    def _list_queries(self, count):
        self.env["crm.ticket"].with_context(crm_ticket_no_ack=True).create(
            [
                {
                    "name": f"Query ticket {index}",
                    "partner_id": self.portal_user.partner_id.id,
                    "team_id": self.team.id,
                }
                for index in range(count)
            ]
        )
        self._queries(lambda: self.url_open("/my/tickets"), None)  # warm-up
        return self._queries(lambda: self.url_open("/my/tickets"), 10)

    def test_portal_ticket_list(self):
        """``/my/tickets`` reads its page of tickets in batch: the same
        queries for 2 tickets as for 10."""
        self.authenticate(self.portal_user.login, self.portal_user.login)
        counts = []
        for count in (2, 8):
            counts.append(self._list_queries(count))
        self.assertEqual(counts[0], counts[1], "no query per ticket of the page")
