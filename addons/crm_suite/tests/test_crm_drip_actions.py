# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DripCommon


@tagged("post_install", "-at_install")
class TestCrmDripActions(DripCommon):
    """The A/B split, test mode and the steps' other actions: activity, score,
    server action, and a failing step."""

    # ------------------------------------------------------------------
    # A/B split, test mode
    # ------------------------------------------------------------------

    def test_ab_split(self):
        leads = self._leads(20, "split")
        campaign = self._campaign(tag="split")
        split = self._step(campaign, "Split", action_type="split")
        arm_a = self._step(campaign, "Arm A", parent=split, split_percent=50)
        arm_b = self._step(
            campaign,
            "Arm B",
            parent=split,
            split_percent=50,
            mail_template_id=self.template_reminder.id,
        )
        campaign.action_start()
        self.assertEqual(self._process(), 40)
        for lead in leads:
            participant = self._participants(campaign, lead)
            arms = participant.trace_ids.filtered(lambda t: t.step_id in arm_a | arm_b)
            self.assertEqual(len(arms), 1, lead.name)
            self.assertEqual(arms.state, "done")
            self.assertEqual(arms.parent_id.step_id, split)
            self.assertEqual(len(self._mails(arms.step_id, lead)), 1)
            self.assertEqual(participant.state, "completed")
        self.assertEqual(split.done_count, 20)
        self.assertEqual(arm_a.done_count + arm_b.done_count, 20)
        self.assertEqual(arm_a.sent_count, arm_a.done_count)
        self.assertEqual(arm_b.sent_count, arm_b.done_count)
        self.assertEqual(len(self._mails(arm_a)), arm_a.done_count)
        # 50/50 over 20: both arms used (a 1 in 2^19 chance of a false failure)
        self.assertTrue(arm_a.done_count)
        self.assertTrue(arm_b.done_count)

    def test_test_mode(self):
        real = self._leads(1, "testmode")
        campaign = self._campaign(tag="testmode")
        welcome = self._step(campaign, "Welcome")
        campaign.action_start()
        self._process()
        wizard = (
            self.env["crm.drip.test"]
            .with_context(default_campaign_id=campaign.id)
            .create({"record_ref": f"crm.lead,{real.id}"})
        )
        action = wizard.action_launch()
        participant = self.Participant.browse(action["res_id"])
        self.assertTrue(participant.is_test)
        self.assertEqual(participant.res_id, real.id)
        self.assertEqual(participant.state, "running")
        trace = participant.trace_ids
        self.assertEqual(trace.step_id, welcome)
        self.assertEqual(trace.state, "scheduled")
        self._make_due(trace)
        self.assertEqual(self._process(), 0, "the job leaves test runs alone")
        self.assertEqual(trace.state, "scheduled")
        trace.action_execute_now()
        self.env.invalidate_all()
        self.assertEqual(trace.state, "done")
        self.assertEqual(len(self._mailing_traces(trace)), 1)
        self.assertEqual(len(self._mails(welcome, real)), 2)
        self.assertEqual(participant.state, "completed")
        with self.assertRaises(UserError):
            trace.action_execute_now()
        # statistics leave test runs out
        self.assertEqual(campaign.participant_count, 1)
        self.assertEqual(campaign.trace_count, 1)
        self.assertEqual(welcome.done_count, 1)
        self.assertEqual(welcome.sent_count, 1)
        # the wizard refuses a record of another model
        wrong = self.env["crm.drip.test"].create(
            {
                "campaign_id": campaign.id,
                "record_ref": f"res.partner,{self.env.user.partner_id.id}",
            }
        )
        with self.assertRaises(UserError):
            wrong.action_launch()

    # ------------------------------------------------------------------
    # Other actions
    # ------------------------------------------------------------------

    def test_activity_step(self):
        owned = self._leads(1, "activity", user_id=self.user_salesman.id)
        orphan = self.env["crm.lead"].create(
            {
                "name": "No owner",
                "email_from": "orphan@activity.example.com",
                "user_id": False,
            }
        )
        campaign = self._campaign(tag="activity", user_id=self.user_manager.id)
        step = self._step(
            campaign,
            "Call",
            action_type="activity",
            activity_summary="Call the prospect",
            activity_days=3,
        )
        campaign.action_start()
        self.assertEqual(self._process(), 2)
        for lead, user in ((owned, self.user_salesman), (orphan, self.user_manager)):
            activity = self.env["mail.activity"].search(
                [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
            )
            self.assertEqual(len(activity), 1, lead.name)
            self.assertEqual(activity.user_id, user, lead.name)
            self.assertEqual(activity.activity_type_id, self.activity_type)
            self.assertEqual(activity.summary, "Call the prospect")
            self.assertEqual(
                activity.date_deadline,
                fields.Date.context_today(activity) + timedelta(days=3),
            )
        self.assertEqual(step.done_count, 2)
        self.assertEqual(step.sent_count, 0)

    def test_score_step_and_events(self):
        self.env["crm.score.rule"].search([]).action_archive()
        rule = self.env["crm.score.rule"].create(
            {
                "name": "Drip step done",
                "rule_type": "engagement",
                "event_type": "drip_step_done",
                "points": 5,
                "repeatable": True,
            }
        )
        lead = self._leads(1, "score")
        campaign = self._campaign(tag="score")
        welcome = self._step(campaign, "Welcome")
        points = self._step(
            campaign,
            "Points",
            parent=welcome,
            action_type="score",
            score_rule_id=rule.id,
            score_points=7,
        )
        campaign.action_start()
        self.assertEqual(self._process(), 2)
        points_trace = self._traces(points, lead)
        welcome_trace = self._traces(welcome, lead)
        self.assertEqual(points_trace.state, "done")
        manual = self.env["crm.lead.score.line"].search(
            [("lead_id", "=", lead.id), ("is_manual", "=", True)]
        )
        self.assertEqual(len(manual), 1)
        self.assertEqual(manual.points, 7)
        self.assertEqual(manual.rule_id, rule)
        self.assertEqual(manual.res_model, "crm.drip.trace")
        self.assertEqual(manual.res_id, points_trace.id)
        events = self.env["crm.score.event"].search(
            [("lead_id", "=", lead.id), ("event_type", "=", "drip_step_done")]
        )
        self.assertEqual(set(events.mapped("res_model")), {"crm.drip.trace"})
        self.assertEqual(
            sorted(events.mapped("res_id")), sorted((welcome_trace | points_trace).ids)
        )
        # the engine scores both events with the rule, next to the step's points
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        lines = lead.score_line_ids.filtered(lambda line: line.rule_id == rule)
        self.assertEqual(sorted(lines.mapped("points")), [5.0, 5.0, 7.0])
        self.assertEqual(lead.score_engagement, 17)

    def test_server_action_step(self):
        lead = self._leads(1, "action")
        action = self.env["ir.actions.server"].create(
            {
                "name": "Mark as drip-touched",
                "model_id": self.model_lead.id,
                "state": "code",
                "code": "records.write({'referred': 'drip server action'})",
            }
        )
        campaign = self._campaign(tag="action")
        step = self._step(
            campaign, "Mark", action_type="server_action", server_action_id=action.id
        )
        campaign.action_start()
        self.assertEqual(self._process(), 1)
        self.assertEqual(lead.referred, "drip server action")
        self.assertEqual(self._traces(step, lead).state, "done")

    def test_failing_step_marks_error(self):
        lead = self._leads(1, "broken")
        action = self.env["ir.actions.server"].create(
            {
                "name": "Broken",
                "model_id": self.model_lead.id,
                "state": "code",
                "code": "raise UserError('boom')",
            }
        )
        campaign = self._campaign(tag="broken")
        step = self._step(
            campaign, "Boom", action_type="server_action", server_action_id=action.id
        )
        campaign.action_start()
        self._process()
        trace = self._traces(step, lead)
        self.assertEqual(trace.state, "error")
        self.assertIn("boom", trace.state_message)
        self.assertFalse(trace.lock_token)
        self.assertEqual(step.error_count, 1)
        self.assertEqual(self._process(), 0, "an error is not retried forever")
