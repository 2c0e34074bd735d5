# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Query budgets of the drip campaign: the job costs the same number of queries
per batch whatever the batch's size, and a reaction to a drip email costs one
query more than the same reaction to a plain mailing's."""

import logging

from odoo.tests import tagged

from .common import DripCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestCrmDripQueries(DripCommon):
    def _count(self, func):
        """Queries ``func`` costs with a cold cache, flushes included."""
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.cr.sql_log_count - start

    def _due_batch(self, tag, count, action_type, **step_vals):
        """A running campaign whose first step (``action_type``) is due for
        ``count`` leads; the job's caches warmed by another campaign's run."""
        self._leads(count, tag)
        campaign = self._campaign(tag=tag)
        self._step(campaign, "First", action_type=action_type, delay=1, **step_vals)
        campaign.action_start()
        traces = self.Trace.search([("campaign_id", "=", campaign.id)])
        self.assertEqual(len(traces), count)
        return campaign, traces

    def _assert_batch_cost(self, action_type, budget, **step_vals):
        """One job run costs the same for 1 due trace as for 10 (once its
        caches are warm), and at most ``budget`` queries."""
        self._process()  # other campaigns' due steps out of the way
        numbers = {}
        for label, size in (("warm-up", 1), ("1", 1), ("10", 10)):
            __, traces = self._due_batch(
                f"q{action_type[:3]}{label[:1]}{size}", size, action_type, **step_vals
            )
            self._make_due(traces)
            if label == "10":
                self.env.flush_all()
                self.env.invalidate_all()
                with self.assertQueryCount(numbers["1"]):
                    self._process()
            else:
                numbers[label] = self._count(self._process)
            self.assertEqual(set(traces.mapped("state")), {"done"}, action_type)
        _logger.info("Drip job queries per batch (%s): %s", action_type, numbers)
        self.assertLessEqual(numbers["1"], budget)

    def test_job_batch_cost_activity(self):
        self._assert_batch_cost("activity", 50)

    def test_job_batch_cost_score(self):
        rule = self.env["crm.score.rule"].search([], limit=1)
        self._assert_batch_cost("score", 45, score_rule_id=rule.id)

    def test_job_batch_cost_email(self):
        self._assert_batch_cost("email", 80)

    def test_job_nothing_due(self):
        """Recovery and an empty claim: two queries."""
        self._process()
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(2):
            self._process()

    # ------------------------------------------------------------------
    # Reactions (the comparison with a plain mailing's tracking is in
    # test_crm_drip_mail: one query more)
    # ------------------------------------------------------------------

    def _sent_emails(self, tag, opened_delay):
        self._leads(3, tag)
        campaign = self._campaign(tag=tag)
        step = self._step(campaign, "Welcome")
        self._step(
            campaign,
            "Opened",
            parent=step,
            trigger="opened",
            delay=opened_delay,
            action_type="activity",
        )
        self._step(
            campaign,
            "Not opened",
            parent=step,
            trigger="not_opened",
            delay=2,
            action_type="activity",
        )
        campaign.action_start()
        self._process()
        traces = self._traces(step)
        self.assertEqual(set(traces.mapped("state")), {"done"})
        return traces

    def test_reaction_is_one_statement(self):
        """An open fires 'opened' and cancels 'not opened' of every trace in
        one statement, whatever the number of traces."""
        traces = self._sent_emails("qro", 1)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            self.Trace._on_mailing_event("open", traces.ids)
        children = traces.child_ids
        opened = children.filtered(lambda t: t.step_id.trigger == "opened")
        self.assertEqual(set(opened.mapped("state")), {"scheduled"})
        self.assertTrue(all(opened.mapped("schedule_date")))
        not_opened = children - opened
        self.assertEqual(set(not_opened.mapped("state")), {"canceled"})
        self.assertEqual(set(not_opened.mapped("state_message")), {"open received"})

    def test_reaction_due_at_once_triggers_the_job(self):
        """A reaction step without delay is due at once: Odoo's
        ``ir.cron._trigger()`` wakes the job up, three queries more (the
        cron's existence, its ``active`` flag, the trigger's insert)."""
        traces = self._sent_emails("qrd", 0)
        cron = self.env.ref("crm_suite.ir_cron_crm_drip_process")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([("cron_id", "=", cron.id)])
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(4):
            self.Trace._on_mailing_event("open", traces.ids)
        self.assertEqual(
            len(Trigger.search([("cron_id", "=", cron.id)]) - before),
            1,
            "one trigger for the whole reaction",
        )
