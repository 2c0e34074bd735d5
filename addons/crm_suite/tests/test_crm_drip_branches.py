# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import DripCommon


@tagged("post_install", "-at_install")
class TestCrmDripBranches(DripCommon):
    """A step's children run on the participant's reactions: opened, not
    opened, clicked, replied, bounced."""

    # ------------------------------------------------------------------
    # Processing and reactions
    # ------------------------------------------------------------------

    def test_first_email_sent_once_with_children(self):
        leads = self._leads(2, "first")
        campaign, welcome, children = self._reaction_campaign("first")
        campaign.action_start()
        self.assertEqual(self._process(), 2)
        for lead in leads:
            trace = self._traces(welcome, lead)
            self.assertEqual(trace.state, "done")
            self.assertAlmostNow(trace.done_date)
            self.assertFalse(trace.lock_token)
            mailing_traces = self._mailing_traces(trace)
            self.assertEqual(len(mailing_traces), 1)
            self.assertEqual(mailing_traces.model, "crm.lead")
            self.assertEqual(mailing_traces.res_id, lead.id)
            self.assertEqual(mailing_traces.mass_mailing_id, welcome.mailing_id)
            self.assertEqual(mailing_traces.email, lead.email_from)
            mails = self._mails(welcome, lead)
            self.assertEqual(len(mails), 1)
            self.assertEqual(mails.subject, "Welcome aboard")
            self.assertEqual(mails.email_to, lead.email_from)
            not_opened = self._traces(children["not_opened"], lead)
            self.assertEqual(not_opened.state, "scheduled")
            self.assertEqual(not_opened.parent_id, trace)
            self.assertEqual(
                not_opened.schedule_date, trace.done_date + timedelta(days=2)
            )
            opened = self._traces(children["opened"], lead)
            self.assertEqual(opened.state, "scheduled")
            self.assertFalse(opened.schedule_date, "waits for the open")
            self.assertEqual(self._participants(campaign, lead).state, "running")
        # the job runs again: nothing more is sent
        self.assertEqual(self._process(), 0)
        self.assertEqual(len(self._mails(welcome)), 2)
        self.assertEqual(len(self._mailing_traces(self._traces(welcome))), 2)
        self.assertEqual(welcome.sent_count, 2)
        self.assertEqual(welcome.done_count, 2)
        self.assertEqual(children["not_opened"].scheduled_count, 2)

    def test_open_schedules_opened_and_closes_not_opened(self):
        lead, other = self._leads(2, "open")
        campaign, welcome, children = self._reaction_campaign("open")
        campaign.action_start()
        self._process()
        first = self._traces(welcome, lead)
        self.MailingTrace.set_opened(domain=[("crm_drip_trace_id", "=", first.id)])
        self.env.invalidate_all()
        opened = self._traces(children["opened"], lead)
        not_opened = self._traces(children["not_opened"], lead)
        self.assertEqual(opened.state, "scheduled")
        self.assertAlmostNow(opened.schedule_date, timedelta(days=1))
        self.assertEqual(not_opened.state, "canceled")
        self.assertEqual(not_opened.state_message, "open received")
        # the other participant did not open
        self.assertFalse(self._traces(children["opened"], other).schedule_date)
        self.assertEqual(self._traces(children["not_opened"], other).state, "scheduled")
        # a second open changes nothing
        date = opened.schedule_date
        self._mailing_traces(first).write({"open_datetime": fields.Datetime.now()})
        self.env.invalidate_all()
        self.assertEqual(opened.schedule_date, date)
        # a day later the 'opened' step runs
        self._make_due(opened)
        self.assertEqual(self._process(), 1)
        self.assertEqual(opened.state, "done")
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
        )
        self.assertEqual(activity.summary, "Follow up (opened)")
        participant = self._participants(campaign, lead)
        self.assertEqual(participant.state, "completed")
        self.assertEqual(participant.exit_reason, "last_step")
        self.assertFalse(self._mails(children["not_opened"]), "no reminder")

    def test_late_open_after_not_opened_ran(self):
        lead = self._leads(1, "late")
        campaign, welcome, children = self._reaction_campaign("late")
        # the reminder has a follow-up, so the participant is still running
        # when the late open comes
        follow_up = self._step(
            campaign,
            "Follow up",
            parent=children["not_opened"],
            action_type="activity",
            delay=5,
        )
        campaign.action_start()
        self._process()
        not_opened = self._traces(children["not_opened"], lead)
        self._make_due(not_opened)
        self.assertEqual(self._process(), 1)
        self.assertEqual(not_opened.state, "done")
        self.assertEqual(len(self._mails(children["not_opened"], lead)), 1)
        self.assertEqual(
            self._mails(children["not_opened"], lead).subject, "Did you see our offer?"
        )
        opened = self._traces(children["opened"], lead)
        self.assertEqual(opened.state, "canceled", "exclusive branches")
        trace_count = self.Trace.search_count([("campaign_id", "=", campaign.id)])
        # the recipient opens the first email now: too late
        first = self._traces(welcome, lead)
        self.MailingTrace.set_opened(domain=[("crm_drip_trace_id", "=", first.id)])
        self.env.invalidate_all()
        self.assertEqual(opened.state, "canceled")
        self.assertFalse(opened.schedule_date)
        self.assertEqual(
            self.Trace.search_count([("campaign_id", "=", campaign.id)]), trace_count
        )
        self.assertEqual(self._traces(follow_up, lead).state, "scheduled")
        self.assertEqual(self._process(), 0)
        self.assertFalse(
            self.env["mail.activity"].search(
                [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
            )
        )

    def test_click_counts_as_open(self):
        lead = self._leads(1, "click")
        campaign, welcome, children = self._reaction_campaign(
            "click", ("opened", "not_opened", "clicked", "not_clicked")
        )
        campaign.action_start()
        self._process()
        first = self._traces(welcome, lead)
        mailing_trace = self._mailing_traces(first)
        self.assertFalse(mailing_trace.open_datetime)
        mailing_trace.set_clicked()
        self.env.invalidate_all()
        self.assertAlmostNow(
            self._traces(children["opened"], lead).schedule_date, timedelta(days=1)
        )
        self.assertAlmostNow(
            self._traces(children["clicked"], lead).schedule_date, timedelta(days=3)
        )
        self.assertEqual(self._traces(children["not_opened"], lead).state, "canceled")
        self.assertEqual(self._traces(children["not_clicked"], lead).state, "canceled")
        self.assertEqual(welcome.opened_count, 1)
        self.assertEqual(welcome.clicked_count, 1)
        self._make_due(
            self._traces(children["opened"]) | self._traces(children["clicked"])
        )
        self.assertEqual(self._process(), 2)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
        )
        self.assertEqual(
            sorted(activities.mapped("summary")),
            ["Follow up (clicked)", "Follow up (opened)"],
        )
        self.assertEqual(self._participants(campaign, lead).state, "completed")

    def test_reply_counts_as_open(self):
        lead = self._leads(1, "reply")
        campaign, welcome, children = self._reaction_campaign(
            "reply", ("opened", "not_opened", "replied", "not_replied", "clicked")
        )
        campaign.action_start()
        self._process()
        first = self._traces(welcome, lead)
        self.MailingTrace.set_replied(domain=[("crm_drip_trace_id", "=", first.id)])
        self.env.invalidate_all()
        self.assertEqual(self._traces(children["opened"], lead).state, "scheduled")
        self.assertTrue(self._traces(children["opened"], lead).schedule_date)
        self.assertAlmostNow(
            self._traces(children["replied"], lead).schedule_date, timedelta(days=3)
        )
        self.assertEqual(self._traces(children["not_opened"], lead).state, "canceled")
        self.assertEqual(self._traces(children["not_replied"], lead).state, "canceled")
        clicked = self._traces(children["clicked"], lead)
        self.assertEqual(clicked.state, "scheduled")
        self.assertFalse(clicked.schedule_date, "a reply is no click")
        self.assertEqual(welcome.replied_count, 1)
        self.assertEqual(welcome.opened_count, 1)
        self.assertEqual(welcome.clicked_count, 0)

    def test_bounce_stops_participant(self):
        lead, other = self._leads(2, "bounce")
        campaign, welcome, children = self._reaction_campaign("bounce")
        campaign.action_start()
        self._process()
        first = self._traces(welcome, lead)
        self.MailingTrace.set_bounced(domain=[("crm_drip_trace_id", "=", first.id)])
        self.env.invalidate_all()
        participant = self._participants(campaign, lead)
        self.assertEqual(participant.state, "stopped")
        self.assertEqual(participant.exit_reason, "bounced")
        self.assertTrue(participant.exit_date)
        self.assertEqual(
            set(
                (
                    self._traces(children["opened"], lead)
                    | self._traces(children["not_opened"], lead)
                ).mapped("state")
            ),
            {"canceled"},
        )
        self.assertEqual(self._participants(campaign, other).state, "running")
        self.assertEqual(welcome.bounced_count, 1)
        # time passes: nothing runs for the bounced address
        self._make_due(
            self._traces(children["not_opened"]).filtered(
                lambda t: t.state == "scheduled"
            )
        )
        self.assertEqual(self._process(), 1)
        self.assertFalse(self._mails(children["not_opened"], lead))
        self.assertEqual(len(self._mails(children["not_opened"], other)), 1)

    def test_bounce_branch_runs_then_stops(self):
        lead = self._leads(1, "bbranch")
        campaign, welcome, children = self._reaction_campaign(
            "bbranch", ("bounced", "not_opened")
        )
        campaign.action_start()
        self._process()
        bounced = self._traces(children["bounced"], lead)
        self.assertEqual(bounced.state, "scheduled")
        self.assertFalse(bounced.schedule_date)
        first = self._traces(welcome, lead)
        self.MailingTrace.set_bounced(domain=[("crm_drip_trace_id", "=", first.id)])
        self.env.invalidate_all()
        self.assertEqual(bounced.state, "scheduled")
        self.assertAlmostNow(bounced.schedule_date, timedelta(days=3))
        self.assertEqual(self._traces(children["not_opened"], lead).state, "canceled")
        participant = self._participants(campaign, lead)
        self.assertEqual(participant.state, "running", "its bounce branch runs first")
        self._make_due(bounced)
        self.assertEqual(self._process(), 1)
        self.assertEqual(bounced.state, "done")
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
            ),
            1,
        )
        self.assertEqual(participant.state, "stopped")
        self.assertEqual(participant.exit_reason, "bounced")

    def test_open_without_remaining_step_completes(self):
        lead = self._leads(1, "openlast")
        campaign, welcome, children = self._reaction_campaign(
            "openlast", ("not_opened",)
        )
        campaign.action_start()
        self._process()
        participant = self._participants(campaign, lead)
        self.assertEqual(participant.state, "running")
        first = self._traces(welcome, lead)
        self.MailingTrace.set_opened(domain=[("crm_drip_trace_id", "=", first.id)])
        self.env.invalidate_all()
        self.assertEqual(self._traces(children["not_opened"], lead).state, "canceled")
        self.assertEqual(participant.state, "completed", "nothing is left to run")
        self.assertEqual(participant.exit_reason, "last_step")

    def test_reaction_window_expires(self):
        lead = self._leads(1, "dormant")
        campaign, welcome, children = self._reaction_campaign("dormant", ("opened",))
        campaign.action_start()
        self._process()
        participant = self._participants(campaign, lead)
        opened = self._traces(children["opened"], lead)
        self._sync()
        self.assertEqual(opened.state, "scheduled", "within the reaction window")
        self.assertEqual(participant.state, "running")
        self._traces(welcome, lead).write(
            {"done_date": fields.Datetime.now() - timedelta(days=31)}
        )
        self._sync()
        self.assertEqual(opened.state, "canceled")
        self.assertEqual(opened.state_message, "no reaction")
        self.assertEqual(participant.state, "completed")
        self.assertEqual(participant.exit_reason, "last_step")
