# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Query budgets of lead scoring's hot paths: what they cost does not grow with
the number of leads (the collision guard, hot-lead assignment, the score job
per batch)."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from .common import ScoringCommon


@tagged("post_install", "-at_install")
class TestCrmLeadQueries(ScoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.write({"collision_days": 7, "score_hot_notify": False})
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Customer {index}", "is_company": True} for index in range(6)]
        )

    def _queries(self, function):
        """The number of queries ``function()`` runs, from a flushed, empty
        cache (so that sizes compare like for like)."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_collision_guard_costs_the_same_for_one_and_five_leads(self):
        leads = self.Lead.browse()
        for customer in self.customers[:5]:
            lead = self._lead(partner_id=customer.id, user_id=self.user_salesman.id)
            lead.with_user(self.user_manager).message_post(
                body="Called", message_type="comment", subtype_xmlid="mail.mt_note"
            )
            leads |= lead
        salesman = self.user_salesman
        for __ in range(2):  # the first calls warm up (bus, caches)
            one = self._queries(
                lambda: leads[:1].with_user(salesman)._collision_warn(salesman)
            )
            five = self._queries(
                lambda: leads.with_user(salesman)._collision_warn(salesman)
            )
        self.assertEqual(
            one, five, "one query for the customers, whatever their number"
        )
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(COLLISION_BUDGET):
            warnings = leads.with_user(salesman)._collision_warn(salesman)
        self.assertEqual(len(warnings), 5)

    def test_collision_warning_field_for_n_leads(self):
        leads = self.Lead.browse()
        for customer in self.customers[:5]:
            leads |= self._lead(partner_id=customer.id)
        one = self._queries(lambda: leads[:1].mapped("collision_warning"))
        five = self._queries(lambda: leads.mapped("collision_warning"))
        self.assertEqual(one, five)

    def test_hot_assignment_writes_once_per_salesperson(self):
        other = self.user_manager
        self.team.write(
            {
                "crm_team_member_ids": [
                    fields.Command.create(
                        {"user_id": self.user_salesman.id, "assignment_max": 30}
                    ),
                    fields.Command.create({"user_id": other.id, "assignment_max": 30}),
                ]
            }
        )

        def assign(count):
            leads = self.Lead.create(
                [{"name": f"Hot {i}", "team_id": self.team.id} for i in range(count)]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            # Odoo's own work per assigned lead (tracking, following, the
            # assignment email) is left out: the budget is the assignment's
            leads = leads.sudo().with_context(
                tracking_disable=True, mail_auto_subscribe_no_notify=True
            )
            Lead = type(self.Lead)
            write = Lead.write
            writes = []

            def counted_write(records, vals):
                if "user_id" in vals:
                    writes.append(records)
                return write(records, vals)

            with patch.object(Lead, "write", counted_write):
                queries = self._queries(lambda: leads._score_assign_hot(self.team))
            return queries, len(writes), leads

        assign(1)  # warm-up
        two, two_writes, __ = assign(2)
        six, six_writes, leads_six = assign(6)
        self.assertEqual(set(leads_six.mapped("user_id")), {self.user_salesman, other})
        self.assertEqual(two_writes, 2)
        self.assertEqual(six_writes, 2, "one write per salesperson, not per lead")
        self.assertLessEqual(six, two, "more leads cost no more queries")
        leads = self.Lead.create(
            [{"name": f"Hot {i}", "team_id": self.team.id} for i in range(6)]
        ).with_context(tracking_disable=True, mail_auto_subscribe_no_notify=True)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(ASSIGN_BUDGET):
            leads.sudo()._score_assign_hot(self.team)

    def test_score_job_costs_the_same_per_batch(self):
        self.Rule.create({"name": "All", "domain": "[]", "points": 5})

        def run(key, rebuild):
            return self._queries(
                lambda: self.Lead._score_recompute_pending(run_key=key, rebuild=rebuild)
            )

        self._lead()
        run("rebuild warm-up", True)
        small = run("rebuild small", True), run("daily small", False)
        for __ in range(8):
            self._lead(partner_id=self.partner.id)
        self.env["crm.score.event"]._record(
            [
                {
                    "event_type": "email_opened",
                    "partner_id": self.partner.id,
                    "date": fields.Datetime.now() - timedelta(days=1),
                    "res_model": "res.partner",
                    "res_id": self.partner.id,
                }
            ]
        )
        self.Lead._score_flush_pending()
        large = run("rebuild large", True), run("daily large", False)
        self.assertEqual(small, large, "a batch costs the same whatever its size")
        for key, rebuild, budget in (
            ("rebuild budget", True, JOB_REBUILD_BUDGET),
            ("daily budget", False, JOB_DAILY_BUDGET),
        ):
            self.env.invalidate_all()
            with self.assertQueryCount(budget):
                self.Lead._score_recompute_pending(run_key=key, rebuild=rebuild)


# queries of the collision guard for any number of leads (one for the
# customers' last contacts, the rest reads the leads, teams and names)
COLLISION_BUDGET = 8
# hot-lead assignment of six leads between two members
ASSIGN_BUDGET = 18
# one batch of the score job (rebuild, daily), whatever its size
JOB_REBUILD_BUDGET = 11
JOB_DAILY_BUDGET = 9


@tagged("post_install", "-at_install")
class TestScorePendingReads(ScoringCommon):
    """A rescore queued in the transaction runs before a score is read or
    searched (``crm.lead.fetch`` and ``flush_model`` overrides), not on a plain
    flush (see TestScoringDeferred)."""

    def test_read_and_search_see_the_queued_rescore(self):
        self.Rule.create(
            {"name": "Team", "domain": "[('team_id', '!=', False)]", "points": 30}
        )
        lead = self.Lead.create({"name": "Pending", "team_id": False})
        self.Lead._score_flush_pending()
        self.assertEqual(lead.score_fit, 0)
        lead.write({"team_id": self.team.id})
        self.env.flush_all()
        self.assertTrue(self.env.cr.precommit.data.get("crm_suite.score_pending"))
        # a search (or a group by) on a score first runs the queued rescore
        self.assertIn(lead, self.Lead.search([("score_fit", "=", 30)]))
        lead.write({"team_id": False})
        groups = self.Lead._read_group(
            [("id", "=", lead.id)], ["score_band"], ["score_fit:sum"]
        )
        self.assertEqual(groups[0][1], 0)
        # so does a read, as a form saved and read back in one call
        lead.write({"team_id": self.team.id})
        self.assertEqual(lead.read(["score_fit"])[0]["score_fit"], 30)
