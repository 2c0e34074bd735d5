# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DripCommon


@tagged("post_install", "-at_install")
class TestCrmDripJob(DripCommon):
    """The job runs each step exactly once: claims, crash recovery, Execute
    now."""

    # ------------------------------------------------------------------
    # Exactly once
    # ------------------------------------------------------------------

    def test_claim_recovered_without_email_goes_back(self):
        lead = self._leads(1, "claim")
        campaign = self._campaign(tag="claim")
        welcome = self._step(campaign, "Welcome")
        campaign.action_start()
        trace = self._traces(welcome, lead)
        token = self.Trace._claim(100)
        self.assertTrue(token)
        trace.invalidate_recordset()
        self.assertEqual(trace.lock_token, token)
        self.assertFalse(self.Trace._claim(100), "a claimed trace is not claimed again")
        # the worker died before sending: the claim returns to the queue
        self.Trace._recover_claims()
        trace.invalidate_recordset()
        self.assertFalse(trace.lock_token)
        self.assertEqual(trace.state, "scheduled")
        self.assertFalse(self._mails(welcome))
        self.assertEqual(self._process(), 1)
        self.assertEqual(trace.state, "done")
        self.assertEqual(len(self._mails(welcome, lead)), 1)

    def test_claim_recovered_with_email_is_done(self):
        lead = self._leads(1, "crash")
        campaign = self._campaign(tag="crash")
        welcome, reminder = self._reaction_campaign_steps(campaign)
        campaign.action_start()
        trace = self._traces(welcome, lead)
        token = self.Trace._claim(100)
        self.Trace._process_claimed(token)
        self.assertEqual(len(self._mails(welcome, lead)), 1)
        # the emails were committed, then the worker died before the step's
        # own state was written: the trace is still claimed and scheduled
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM crm_drip_trace WHERE parent_id = %s", [trace.id]
        )
        self.env.cr.execute(
            "UPDATE crm_drip_trace SET state = 'scheduled', done_date = NULL, "
            "lock_token = 'dead-worker' WHERE id = %s",
            [trace.id],
        )
        self.env.invalidate_all()
        self.Trace._recover_claims()
        self.env.invalidate_all()
        self.assertEqual(trace.state, "done")
        self.assertFalse(trace.lock_token)
        self.assertEqual(len(self._mails(welcome, lead)), 1, "never sent twice")
        follow = self._traces(reminder, lead)
        self.assertEqual(follow.state, "scheduled", "its next steps are scheduled")
        self.assertEqual(follow.schedule_date, trace.done_date + timedelta(days=2))
        self.assertEqual(self._process(), 0)
        self.assertEqual(len(self._mails(welcome, lead)), 1)

    def test_claim_recovered_last_step_completes(self):
        lead = self._leads(1, "crashlast")
        campaign = self._campaign(tag="crashlast")
        welcome = self._step(campaign, "Welcome")
        campaign.action_start()
        trace = self._traces(welcome, lead)
        self.Trace._process_claimed(self.Trace._claim(100))
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_drip_trace SET state = 'scheduled', done_date = NULL, "
            "lock_token = 'dead-worker' WHERE id = %s",
            [trace.id],
        )
        self.env.cr.execute(
            "UPDATE crm_drip_participant SET state = 'running', exit_reason = NULL, "
            "exit_date = NULL WHERE res_id = %s AND campaign_id = %s",
            [lead.id, campaign.id],
        )
        self.env.invalidate_all()
        self.Trace._recover_claims()
        self.env.invalidate_all()
        self.assertEqual(trace.state, "done")
        participant = self._participants(campaign, lead)
        self.assertEqual(participant.state, "completed")
        self.assertEqual(participant.exit_reason, "last_step")
        self.assertEqual(len(self._mails(welcome, lead)), 1)

    def test_execute_now_refuses_claimed_and_finished(self):
        lead = self._leads(1, "nowait")
        campaign = self._campaign(tag="nowait")
        welcome = self._step(campaign, "Welcome")
        campaign.action_start()
        trace = self._traces(welcome, lead)
        self.Trace._claim(100)
        self.env.invalidate_all()
        # claimed by the job: running it by hand sends nothing
        with self.assertRaises(UserError):
            trace.action_execute_now()
        self.env.invalidate_all()
        self.assertEqual(trace.state, "scheduled")
        self.assertFalse(self._mails(welcome))
        self.Trace._recover_claims()
        trace.action_execute_now()
        self.env.invalidate_all()
        self.assertEqual(trace.state, "done")
        self.assertEqual(len(self._mails(welcome, lead)), 1)
        with self.assertRaises(UserError):
            trace.action_execute_now()
