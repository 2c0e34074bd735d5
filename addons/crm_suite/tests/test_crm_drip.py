# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from .common import CrmSuiteUsersMixin

# 2026-01-03 is a Saturday, 2026-01-05 a Monday (Brussels is UTC+1 in winter).
SATURDAY_NOON = datetime(2026, 1, 3, 12, 0)
MONDAY_0800 = datetime(2026, 1, 5, 8, 0)


class DripCase(CrmSuiteUsersMixin, TransactionCase):
    """Fixtures of the drip campaign tests: templates, helpers to build a
    campaign's step tree, to move time and to find what was sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_notrack=True,
            )
        )
        cls._setup_crm_suite_users()
        # the tests run their own campaigns only, without a frequency cap
        cls.env["crm.drip.campaign"].search([("state", "=", "running")]).write(
            {"state": "stopped"}
        )
        cls.env.company.write({"crm_drip_cap_count": 0, "crm_drip_cap_days": 7})
        cls.Campaign = cls.env["crm.drip.campaign"]
        cls.Step = cls.env["crm.drip.step"]
        cls.Participant = cls.env["crm.drip.participant"]
        cls.Trace = cls.env["crm.drip.trace"]
        cls.MailingTrace = cls.env["mailing.trace"]
        cls.model_lead = cls.env["ir.model"]._get("crm.lead")
        cls.activity_type = cls.env.ref("mail.mail_activity_data_todo")
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Drip: welcome",
                "model_id": cls.model_lead.id,
                "subject": "Welcome aboard",
                "body_html": "<p>Hello, nice to meet you.</p>",
                "email_from": "sales@drip.example.com",
                "use_default_to": True,
            }
        )
        cls.template_reminder = cls.env["mail.template"].create(
            {
                "name": "Drip: reminder",
                "model_id": cls.model_lead.id,
                "subject": "Did you see our offer?",
                "body_html": "<p>Just a reminder.</p>",
                "email_from": "sales@drip.example.com",
                "use_default_to": True,
            }
        )

    # ------------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------------

    def _leads(self, count, tag, **vals):
        """``count`` leads whose address is ``<tag><i>@<tag>.example.com``."""
        return self.env["crm.lead"].create(
            [
                {
                    "name": f"{tag} lead {index}",
                    "email_from": f"{tag}{index}@{tag}.example.com",
                    **vals,
                }
                for index in range(count)
            ]
        )

    def _campaign(self, tag="drip", domain=None, **vals):
        values = {
            "name": f"Campaign {tag}",
            "model_id": self.model_lead.id,
            "domain": domain or f"[('email_from', 'ilike', '@{tag}.example.com')]",
            "send_tz": "UTC",
        }
        values.update(vals)
        return self.Campaign.create(values)

    def _step(
        self,
        campaign,
        name,
        parent=None,
        trigger=None,
        action_type="email",
        delay=0,
        unit="days",
        **vals,
    ):
        values = {
            "name": name,
            "campaign_id": campaign.id,
            "parent_id": parent.id if parent else False,
            "trigger": trigger or ("after_parent" if parent else "begin"),
            "action_type": action_type,
            "delay_number": delay,
            "delay_unit": unit,
        }
        if action_type == "email":
            values["mail_template_id"] = self.template.id
        if action_type == "activity":
            values["activity_type_id"] = self.activity_type.id
        values.update(vals)
        return self.Step.create(values)

    # ------------------------------------------------------------------
    # Lookups
    # ------------------------------------------------------------------

    def _participants(self, campaign, record=None, test=False):
        domain = [("campaign_id", "=", campaign.id), ("is_test", "=", test)]
        if record is not None:
            domain.append(("res_id", "=", record.id))
        return self.Participant.search(domain, order="id")

    def _traces(self, step, record=None):
        domain = [("step_id", "=", step.id)]
        if record is not None:
            domain.append(("participant_id.res_id", "=", record.id))
        return self.Trace.search(domain, order="id")

    def _mails(self, step, record=None):
        """The emails the step generated (``mail.mail``), for one record or all."""
        self.env.flush_all()
        if not step.mailing_id:
            return self.env["mail.mail"]
        mails = self.env["mail.mail"].search([("mailing_id", "=", step.mailing_id.id)])
        if record is not None:
            mails = mails.filtered(
                lambda m: m.model == record._name and m.res_id == record.id
            )
        return mails

    def _mailing_traces(self, drip_traces):
        return self.MailingTrace.search([("crm_drip_trace_id", "in", drip_traces.ids)])

    # ------------------------------------------------------------------
    # Time
    # ------------------------------------------------------------------

    def _process(self):
        """Run the campaign job as its cron does (commits are off in tests)."""
        done = self.Trace._cron_process()
        self.env.invalidate_all()
        return done

    def _sync(self):
        self.Campaign._cron_sync_participants()
        self.env.invalidate_all()

    def _make_due(self, traces):
        """Move time: these scheduled traces are due now (the way acceptance
        checks move time)."""
        traces.write({"schedule_date": fields.Datetime.now() - timedelta(minutes=1)})

    @contextmanager
    def _at(self, moment):
        """Freeze Python's clock and the transaction's at ``moment``."""
        moment = fields.Datetime.to_datetime(moment)
        with freeze_time(moment), patch.object(self.env.cr, "now", lambda: moment):
            yield

    def assertAlmostNow(self, value, delta=timedelta(0), msg=None):
        """``value`` is now + ``delta``, give or take a minute."""
        self.assertTrue(value, msg)
        expected = fields.Datetime.now() + delta
        self.assertLess(abs(value - expected), timedelta(minutes=1), msg)


@tagged("post_install", "-at_install")
class TestCrmDrip(DripCase):
    # ------------------------------------------------------------------
    # Configuration checks
    # ------------------------------------------------------------------

    def test_campaign_defaults_with_form(self):
        self.env.company.write({"crm_drip_cap_count": 3, "crm_drip_cap_days": 5})
        form = Form(self.Campaign)
        form.name = "Form campaign"
        form.domain = "[('email_from', 'ilike', '@form.example.com')]"
        campaign = form.save()
        self.assertEqual(campaign.model_name, "crm.lead")
        self.assertEqual(campaign.state, "draft")
        self.assertEqual(campaign.company_id, self.env.company)
        self.assertEqual(campaign.holdout_percent, 0.0)
        self.assertFalse(campaign.allow_reenrollment)
        # creating a campaign leaves the company's frequency cap alone
        self.assertEqual(self.env.company.crm_drip_cap_count, 3)
        self.assertEqual(self.env.company.crm_drip_cap_days, 5)
        self.assertEqual(campaign.frequency_cap_count, 3)
        # and editing it on the campaign changes the company's
        with Form(campaign) as form:
            form.frequency_cap_count = 2
        self.assertEqual(self.env.company.crm_drip_cap_count, 2)

    def test_bad_domains_refused(self):
        with self.assertRaises(ValidationError):
            self._campaign(domain="[('no_such_field', '=', 1)]")
        with self.assertRaises(ValidationError):
            self._campaign(domain="[('email_from', '=', ")
        with self.assertRaises(ValidationError):
            self._campaign(domain="{'not': 'a domain'}")
        with self.assertRaises(ValidationError):
            self._campaign(goal_domain="[('no_such_goal_field', '=', 1)]")
        campaign = self._campaign(goal_domain="[('priority', '=', '3')]")
        with self.assertRaises(ValidationError):
            campaign.goal_domain = "[('stage_id.no_such_field', '=', 1)]"
        with self.assertRaises(ValidationError):
            self._step(
                campaign, "Bad filter", domain="[('no_such_field', '!=', False)]"
            )
        step = self._step(campaign, "Good filter", domain="[('priority', '!=', '3')]")
        with self.assertRaises(ValidationError):
            step.domain = "[('priority', 'no-such-operator', '3')]"
        with self.assertRaises(ValidationError):
            self._campaign(model_id=self.env["ir.model"]._get("res.users").id)

    def test_step_tree_rules(self):
        campaign = self._campaign()
        with self.assertRaises(ValidationError, msg="a first step must be 'begin'"):
            self._step(campaign, "Orphan", trigger="after_parent")
        first = self._step(campaign, "Welcome")
        with self.assertRaises(ValidationError, msg="a child cannot be 'begin'"):
            self._step(campaign, "Child", parent=first, trigger="begin")
        task = self._step(
            campaign, "Call", parent=first, trigger="not_opened", action_type="activity"
        )
        for trigger in ("opened", "not_opened", "clicked", "replied", "bounced"):
            with self.assertRaises(ValidationError, msg=trigger):
                self._step(campaign, "React", parent=task, trigger=trigger)
        split = self._step(campaign, "Split", parent=task, action_type="split")
        with self.assertRaises(ValidationError, msg="split arms run after the split"):
            self._step(campaign, "Arm", parent=split, trigger="opened")
        with self.assertRaises(UserError, msg="no cycle"):
            first.parent_id = task
        other = self._campaign(tag="other")
        with self.assertRaises(ValidationError, msg="parent in the same campaign"):
            self._step(other, "Foreign", parent=first)
        partner_template = self.env["mail.template"].create(
            {"name": "Partner", "model_id": self.env["ir.model"]._get_id("res.partner")}
        )
        with self.assertRaises(ValidationError, msg="template of another model"):
            self._step(campaign, "Wrong template", mail_template_id=partner_template.id)

    def test_start_checks(self):
        campaign = self._campaign()
        with self.assertRaises(UserError, msg="no first step"):
            campaign.action_start()
        email = self._step(campaign, "Welcome", mail_template_id=False)
        with self.assertRaises(ValidationError, msg="email without template"):
            campaign.action_start()
        self.assertEqual(campaign.state, "draft")
        email.mail_template_id = self.template
        split = self._step(campaign, "Split", parent=email, action_type="split")
        with self.assertRaises(ValidationError, msg="split without arms"):
            campaign.action_start()
        arm_a = self._step(campaign, "A", parent=split, split_percent=50)
        self._step(campaign, "B", parent=split, split_percent=40)
        with self.assertRaises(ValidationError, msg="arms total 90%"):
            campaign.action_start()
        self.assertEqual(campaign.state, "draft")
        arm_a.split_percent = 60
        activity = self._step(
            campaign, "Task", parent=email, trigger="opened", action_type="activity"
        )
        activity.activity_type_id = False
        with self.assertRaises(ValidationError, msg="activity without type"):
            campaign.action_start()
        activity.activity_type_id = self.activity_type
        self._step(campaign, "Points", parent=email, action_type="score")
        with self.assertRaises(ValidationError, msg="score step without rule"):
            campaign.action_start()
        self.assertEqual(campaign.state, "draft")
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self._campaign(tag="hold", holdout_percent=100)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self._campaign(tag="hours", send_hour_from=18, send_hour_to=9)
        with self.assertRaises(ValidationError, msg="no weekday at all"):
            self._campaign(
                tag="days",
                **{
                    f"send_{day}": False
                    for day in (
                        "monday",
                        "tuesday",
                        "wednesday",
                        "thursday",
                        "friday",
                        "saturday",
                        "sunday",
                    )
                },
            )

    # ------------------------------------------------------------------
    # Enrolment
    # ------------------------------------------------------------------

    def test_start_enrols_matching_records_with_email_dedup(self):
        leads = self._leads(3, "enrol")
        twin = self.env["crm.lead"].create(
            {"name": "Twin", "email_from": "ENROL0@enrol.example.com"}
        )
        outsider = self.env["crm.lead"].create(
            {"name": "Outsider", "email_from": "someone@elsewhere.example.com"}
        )
        campaign = self._campaign(tag="enrol")
        welcome = self._step(campaign, "Welcome", delay=1)
        campaign.action_start()
        self.assertEqual(campaign.state, "running")
        self.assertTrue(campaign.utm_campaign_id)
        participants = self._participants(campaign)
        self.assertEqual(len(participants), 3, "the twin address enrols once")
        self.assertEqual(sorted(participants.mapped("res_id")), sorted(leads.ids))
        self.assertNotIn(twin.id, participants.mapped("res_id"))
        self.assertNotIn(outsider.id, participants.mapped("res_id"))
        self.assertEqual(set(participants.mapped("state")), {"running"})
        self.assertEqual(
            sorted(participants.mapped("email_normalized")),
            [f"enrol{i}@enrol.example.com" for i in range(3)],
        )
        traces = self._traces(welcome)
        self.assertEqual(len(traces), 3)
        self.assertEqual(set(traces.mapped("state")), {"scheduled"})
        for trace in traces:
            self.assertAlmostNow(trace.schedule_date, timedelta(days=1))
        self.assertEqual(campaign.participant_count, 3)
        self.assertEqual(campaign.running_count, 3)

        # the recurring sync enrols nobody twice
        self._sync()
        self._sync()
        self.assertEqual(len(self._participants(campaign)), 3)
        self.assertEqual(len(self._traces(welcome)), 3)
        self.assertTrue(campaign.last_sync_date)

        # a new matching record enters at the next sync
        newcomer = self.env["crm.lead"].create(
            {"name": "Newcomer", "email_from": "newcomer@enrol.example.com"}
        )
        self._sync()
        participant = self._participants(campaign, newcomer)
        self.assertEqual(len(participant), 1)
        self.assertEqual(len(self._traces(welcome, newcomer)), 1)
        self.assertEqual(len(self._participants(campaign)), 4)

    def test_sync_ignores_stopped_campaigns(self):
        self._leads(2, "paused")
        campaign = self._campaign(tag="paused")
        self._step(campaign, "Welcome")
        campaign.action_start()
        self.assertEqual(len(self._participants(campaign)), 2)
        campaign.action_stop()
        self.env["crm.lead"].create(
            {"name": "Late", "email_from": "late@paused.example.com"}
        )
        self._sync()
        self.assertEqual(len(self._participants(campaign)), 2)
        self.assertEqual(self._process(), 0, "a stopped campaign sends nothing")

    def test_holdout_gets_nothing(self):
        self._leads(40, "holdout")
        campaign = self._campaign(tag="holdout", holdout_percent=50)
        welcome = self._step(campaign, "Welcome")
        campaign.action_start()
        participants = self._participants(campaign)
        self.assertEqual(len(participants), 40)
        holdout = participants.filtered("is_holdout")
        treated = participants - holdout
        # 50% of 40: both groups exist (a 1 in 2^39 chance of a false failure)
        self.assertTrue(holdout)
        self.assertTrue(treated)
        self.assertFalse(holdout.trace_ids, "the holdout receives nothing")
        self.assertEqual(len(self._traces(welcome)), len(treated))
        self.assertEqual(campaign.holdout_count, len(holdout))
        self.assertEqual(campaign.participant_count, len(treated))
        self._process()
        self.assertEqual(len(self._mails(welcome)), len(treated))
        self.assertFalse(holdout.trace_ids)
        self.assertEqual(set(holdout.mapped("state")), {"running"})
        self.assertEqual(set(treated.mapped("state")), {"completed"})

    def test_reenrollment(self):
        for allow in (True, False):
            with self.subTest(allow_reenrollment=allow):
                tag = f"reenrol{int(allow)}"
                lead = self._leads(1, tag)
                campaign = self._campaign(tag=tag, allow_reenrollment=allow)
                self._step(campaign, "Welcome")
                campaign.action_start()
                self._process()
                first = self._participants(campaign, lead)
                self.assertEqual(first.state, "completed")
                self.assertEqual(first.exit_reason, "last_step")
                # still in the filter: nobody enters again
                self._sync()
                self.assertEqual(len(self._participants(campaign, lead)), 1)
                # leaves the filter, then comes back
                lead.active = False
                self._sync()
                self.assertEqual(first.can_reenroll, allow)
                lead.active = True
                self._sync()
                participants = self._participants(campaign, lead)
                self.assertEqual(len(participants), 2 if allow else 1)
                if allow:
                    second = participants - first
                    self.assertEqual(second.state, "running")
                    self.assertEqual(len(second.trace_ids), 1)
                    self.assertFalse(first.can_reenroll, "one re-entry per exit")
                    # a further sync does not enrol a third time
                    self._sync()
                    self.assertEqual(len(self._participants(campaign, lead)), 2)

    # ------------------------------------------------------------------
    # Processing and reactions
    # ------------------------------------------------------------------

    def _reaction_campaign(self, tag, triggers=("opened", "not_opened")):
        """A welcome email with one child per trigger: 'opened' an activity
        after a day, 'not_opened' a reminder after two days, the others
        activities after three."""
        campaign = self._campaign(tag=tag)
        welcome = self._step(campaign, "Welcome")
        children = {}
        for trigger in triggers:
            if trigger == "not_opened":
                children[trigger] = self._step(
                    campaign,
                    "Reminder",
                    parent=welcome,
                    trigger=trigger,
                    delay=2,
                    mail_template_id=self.template_reminder.id,
                )
            else:
                children[trigger] = self._step(
                    campaign,
                    f"On {trigger}",
                    parent=welcome,
                    trigger=trigger,
                    action_type="activity",
                    delay=1 if trigger == "opened" else 3,
                    activity_summary=f"Follow up ({trigger})",
                )
        return campaign, welcome, children

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

    # ------------------------------------------------------------------
    # Exits
    # ------------------------------------------------------------------

    def test_blocklist_stops_at_once(self):
        lead_a, lead_b, lead_c, lead_d = self._leads(4, "block")
        campaign, welcome, children = self._reaction_campaign("block")
        campaign.action_start()
        self._process()
        self.env["mail.blacklist"].create({"email": lead_a.email_from})
        self.env["mail.blacklist"]._add(lead_b.email_from.upper())
        self.env["mail.blacklist"].with_context(
            crm_drip_exit_reason="unsubscribed"
        )._add(lead_c.email_from)
        self.env.invalidate_all()
        for lead, reason in (
            (lead_a, "blocklisted"),
            (lead_b, "blocklisted"),
            (lead_c, "unsubscribed"),
        ):
            participant = self._participants(campaign, lead)
            self.assertEqual(participant.state, "stopped", lead.name)
            self.assertEqual(participant.exit_reason, reason, lead.name)
            pending = self._traces(children["opened"], lead) | self._traces(
                children["not_opened"], lead
            )
            self.assertEqual(set(pending.mapped("state")), {"canceled"}, lead.name)
        self.assertEqual(self._participants(campaign, lead_d).state, "running")
        self.assertEqual(welcome.unsubscribed_count, 3)
        # a blocklisted address never enters again
        campaign.allow_reenrollment = True
        lead_a.active = False
        self._sync()
        lead_a.active = True
        self._sync()
        self.assertEqual(len(self._participants(campaign, lead_a)), 1)

    def test_blocklisted_before_processing(self):
        lead, other = self._leads(2, "blockbefore")
        campaign = self._campaign(tag="blockbefore")
        welcome = self._step(campaign, "Welcome")
        campaign.action_start()
        # blocklisted behind the ORM's back (e.g. an import by SQL): the job
        # still checks the address before sending
        self.env.flush_all()
        self.env.cr.execute(
            "INSERT INTO mail_blacklist (email, active) VALUES (%s, TRUE)",
            [lead.email_normalized],
        )
        self._process()
        participant = self._participants(campaign, lead)
        self.assertEqual(participant.state, "stopped")
        self.assertEqual(participant.exit_reason, "blocklisted")
        self.assertEqual(self._traces(welcome, lead).state, "canceled")
        self.assertFalse(self._mails(welcome, lead))
        self.assertEqual(len(self._mails(welcome, other)), 1)

    def test_left_domain_at_sync(self):
        changed, archived, staying = self._leads(3, "leave", referred="drip")
        campaign = self._campaign(
            tag="leave",
            domain="[('email_from', 'ilike', '@leave.example.com'), "
            "('referred', '=', 'drip')]",
        )
        welcome, children = self._reaction_campaign_steps(campaign)
        campaign.action_start()
        self._process()
        changed.referred = "someone else"
        archived.active = False
        self._sync()
        for lead in (changed, archived):
            participant = self._participants(campaign, lead)
            self.assertEqual(participant.state, "stopped", lead.name)
            self.assertEqual(participant.exit_reason, "left_domain", lead.name)
            self.assertEqual(
                self._traces(children, lead).mapped("state"), ["canceled"], lead.name
            )
        self.assertEqual(self._participants(campaign, staying).state, "running")
        self.assertEqual(self._traces(children, staying).state, "scheduled")
        self.assertEqual(campaign.stopped_count, 2)
        self.assertEqual(campaign.running_count, 1)

    def _reaction_campaign_steps(self, campaign):
        welcome = self._step(campaign, "Welcome")
        reminder = self._step(
            campaign,
            "Reminder",
            parent=welcome,
            trigger="not_opened",
            delay=2,
            mail_template_id=self.template_reminder.id,
        )
        return welcome, reminder

    def test_left_domain_at_processing(self):
        changed, archived, staying = self._leads(3, "leavejob", referred="drip")
        campaign = self._campaign(
            tag="leavejob",
            domain="[('email_from', 'ilike', '@leavejob.example.com'), "
            "('referred', '=', 'drip')]",
        )
        welcome, reminder = self._reaction_campaign_steps(campaign)
        campaign.action_start()
        self._process()
        changed.referred = "someone else"
        archived.active = False
        self._make_due(self._traces(reminder))
        self.assertEqual(self._process(), 3)
        for lead in (changed, archived):
            participant = self._participants(campaign, lead)
            self.assertEqual(participant.state, "stopped", lead.name)
            self.assertEqual(participant.exit_reason, "left_domain", lead.name)
            self.assertEqual(self._traces(reminder, lead).state, "canceled", lead.name)
            self.assertFalse(self._mails(reminder, lead), lead.name)
        self.assertEqual(len(self._mails(reminder, staying)), 1)
        self.assertEqual(self._participants(campaign, staying).state, "completed")

    def test_step_filter_rejects_branch(self):
        vip, regular = self._leads(2, "filter")
        vip.priority = "2"
        campaign = self._campaign(tag="filter")
        welcome, reminder = self._reaction_campaign_steps(campaign)
        reminder.domain = "[('priority', '=', '2')]"
        campaign.action_start()
        self._process()
        self._make_due(self._traces(reminder))
        self._process()
        self.assertEqual(self._traces(reminder, vip).state, "done")
        rejected = self._traces(reminder, regular)
        self.assertEqual(rejected.state, "rejected")
        self.assertFalse(self._mails(reminder, regular))
        participant = self._participants(campaign, regular)
        self.assertEqual(participant.state, "completed", "still in the campaign filter")
        self.assertEqual(reminder.rejected_count, 1)

    def test_goal_completes(self):
        before, at_job, at_sync, plain = self._leads(4, "goal")
        before.priority = "3"
        campaign = self._campaign(tag="goal", goal_domain="[('priority', '=', '3')]")
        welcome, reminder = self._reaction_campaign_steps(campaign)
        campaign.action_start()
        self.assertFalse(
            self._participants(campaign, before), "the goal is already reached"
        )
        at_job.priority = "3"
        self._process()
        participant = self._participants(campaign, at_job)
        self.assertEqual(participant.state, "completed")
        self.assertEqual(participant.exit_reason, "goal")
        self.assertTrue(participant.reached_goal)
        self.assertFalse(self._mails(welcome, at_job), "nothing is sent after the goal")
        self.assertEqual(self._traces(welcome, at_job).state, "canceled")
        # reached between two steps: the sync completes it
        at_sync.priority = "3"
        self._sync()
        participant = self._participants(campaign, at_sync)
        self.assertEqual(participant.state, "completed")
        self.assertEqual(participant.exit_reason, "goal")
        self.assertTrue(participant.reached_goal)
        self.assertEqual(self._traces(reminder, at_sync).state, "canceled")
        self.assertEqual(len(self._mails(welcome, at_sync)), 1)
        self.assertEqual(self._participants(campaign, plain).state, "running")
        self.assertEqual(welcome.goal_count, 1)
        self.assertAlmostEqual(campaign.goal_rate, 200.0 / 3)

    def test_last_step_completes(self):
        lead = self._leads(1, "last")
        campaign = self._campaign(tag="last")
        welcome = self._step(campaign, "Welcome")
        task = self._step(
            campaign, "Task", parent=welcome, action_type="activity", delay=1
        )
        campaign.action_start()
        self._process()
        participant = self._participants(campaign, lead)
        self.assertEqual(participant.state, "running")
        self._make_due(self._traces(task))
        self._process()
        self.assertEqual(participant.state, "completed")
        self.assertEqual(participant.exit_reason, "last_step")
        self.assertTrue(participant.exit_date)
        self.assertFalse(participant.reached_goal)
        self.assertEqual(campaign.completed_count, 1)

    def test_manual_stop(self):
        lead = self._leads(1, "manual")
        campaign = self._campaign(tag="manual")
        welcome, reminder = self._reaction_campaign_steps(campaign)
        campaign.action_start()
        self._process()
        participant = self._participants(campaign, lead)
        participant.action_stop()
        self.assertEqual(participant.state, "stopped")
        self.assertEqual(participant.exit_reason, "manual")
        self.assertEqual(self._traces(reminder, lead).state, "canceled")

    # ------------------------------------------------------------------
    # Send window and frequency cap
    # ------------------------------------------------------------------

    def test_send_window_weekend(self):
        with self._at(SATURDAY_NOON):
            lead = self._leads(1, "window")
            campaign = self._campaign(
                tag="window",
                send_hour_from=9,
                send_hour_to=17,
                send_saturday=False,
                send_sunday=False,
                send_tz="Europe/Brussels",
            )
            welcome = self._step(campaign, "Welcome")
            campaign.action_start()
            self._process()
            trace = self._traces(welcome, lead)
            self.assertEqual(trace.state, "scheduled")
            self.assertEqual(
                trace.schedule_date, MONDAY_0800, "Monday 9:00 in Brussels"
            )
            self.assertFalse(trace.lock_token)
            self.assertTrue(trace.state_message)
            self.assertFalse(self._mails(welcome))
            self.assertEqual(self._process(), 0)
        with self._at(MONDAY_0800 - timedelta(minutes=5)):
            self.assertEqual(self._process(), 0, "still closed at 8:55 in Brussels")
        with self._at(MONDAY_0800 + timedelta(minutes=1)):
            self.assertEqual(self._process(), 1)
            self.assertEqual(trace.state, "done")
            self.assertEqual(len(self._mails(welcome, lead)), 1)

    def test_send_window_recipient_tz(self):
        new_york = self.env["res.partner"].create(
            {"name": "NY", "email": "ny@zone.example.com", "tz": "America/New_York"}
        )
        tokyo = self.env["res.partner"].create(
            {"name": "Tokyo", "email": "tokyo@zone.example.com", "tz": "Asia/Tokyo"}
        )
        with self._at(MONDAY_0800 - timedelta(hours=1)):
            lead_campaign_tz = self.env["crm.lead"].create(
                {"name": "No tz", "email_from": "plain@zone.example.com"}
            )
            lead_ny = self.env["crm.lead"].create(
                {"name": "NY lead", "partner_id": new_york.id}
            )
            lead_tokyo = self.env["crm.lead"].create(
                {"name": "Tokyo lead", "partner_id": tokyo.id}
            )
            self.assertEqual(lead_tokyo.email_from, "tokyo@zone.example.com")
            campaign = self._campaign(
                tag="zone",
                send_hour_from=9,
                send_hour_to=17,
                send_saturday=False,
                send_sunday=False,
                send_tz="Europe/Brussels",
            )
            welcome = self._step(campaign, "Welcome")
            campaign.action_start()
            # Monday 7:00 UTC: 8:00 in Brussels (closed), 16:00 in Tokyo
            # (open), 2:00 in New York (closed)
            self.assertEqual(self._process(), 3)
            self.assertEqual(len(self._mails(welcome, lead_tokyo)), 1)
            self.assertEqual(self._traces(welcome, lead_tokyo).state, "done")
            self.assertEqual(
                self._traces(welcome, lead_campaign_tz).schedule_date, MONDAY_0800
            )
            # 9:00 in New York is 14:00 UTC
            self.assertEqual(
                self._traces(welcome, lead_ny).schedule_date,
                datetime(2026, 1, 5, 14, 0),
            )
        with self._at(datetime(2026, 1, 5, 12, 0)):
            self.assertEqual(self._process(), 1)
            self.assertEqual(len(self._mails(welcome, lead_campaign_tz)), 1)
            self.assertFalse(self._mails(welcome, lead_ny))
        with self._at(datetime(2026, 1, 5, 14, 0)):
            self.assertEqual(self._process(), 1)
            self.assertEqual(len(self._mails(welcome, lead_ny)), 1)

    def test_frequency_cap_across_campaigns(self):
        self.env.company.write({"crm_drip_cap_count": 1, "crm_drip_cap_days": 7})
        lead = self._leads(1, "cap")
        campaign_a = self._campaign(tag="cap", name="Cap A")
        step_a = self._step(campaign_a, "A welcome")
        campaign_b = self._campaign(tag="cap", name="Cap B")
        step_b = self._step(
            campaign_b, "B welcome", mail_template_id=self.template_reminder.id
        )
        self.assertEqual(campaign_a.frequency_cap_count, 1)
        (campaign_a | campaign_b).action_start()
        self._process()
        trace_a, trace_b = self._traces(step_a, lead), self._traces(step_b, lead)
        self.assertEqual(len(self._mails(step_a) | self._mails(step_b)), 1)
        sent, waiting = (
            (trace_a, trace_b) if trace_a.state == "done" else (trace_b, trace_a)
        )
        self.assertEqual(sent.state, "done")
        self.assertEqual(waiting.state, "scheduled")
        self.assertFalse(waiting.lock_token)
        self.assertEqual(
            waiting.schedule_date, sent.done_date + timedelta(days=7, seconds=1)
        )
        self.assertEqual(self._process(), 0)
        # moved early, it still waits for the cap
        self._make_due(waiting)
        self._process()
        self.assertEqual(waiting.state, "scheduled")
        self.assertEqual(
            waiting.schedule_date, sent.done_date + timedelta(days=7, seconds=1)
        )
        # a week later the address is below the cap again
        sent.done_date = fields.Datetime.now() - timedelta(days=8)
        self._make_due(waiting)
        self._process()
        self.assertEqual(waiting.state, "done")
        self.assertEqual(len(self._mails(step_a) | self._mails(step_b)), 2)

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

    # ------------------------------------------------------------------
    # Statistics
    # ------------------------------------------------------------------

    def test_step_statistics(self):
        leads = self._leads(7, "stats")
        opener, clicker, replier, bouncer, unsubscriber, winner, silent = leads
        campaign = self._campaign(tag="stats", goal_domain="[('priority', '=', '3')]")
        welcome = self._step(campaign, "Welcome")
        self._step(
            campaign,
            "No reply",
            parent=welcome,
            trigger="not_replied",
            action_type="activity",
            delay=10,
        )
        campaign.action_start()
        self._process()

        def mailing_trace(lead):
            return self._mailing_traces(self._traces(welcome, lead))

        mailing_trace(opener).set_opened()
        mailing_trace(clicker).set_clicked()
        mailing_trace(replier).set_replied()
        mailing_trace(bouncer).set_bounced()
        self.env["mail.blacklist"].with_context(
            crm_drip_exit_reason="unsubscribed"
        )._add(unsubscriber.email_from)
        winner.priority = "3"
        self._sync()
        welcome.invalidate_recordset()
        self.assertEqual(welcome.done_count, 7)
        self.assertEqual(welcome.sent_count, 7)
        self.assertEqual(welcome.opened_count, 3, "an open, a click, a reply")
        self.assertEqual(welcome.clicked_count, 1)
        self.assertEqual(welcome.replied_count, 1)
        self.assertEqual(welcome.bounced_count, 1)
        self.assertEqual(welcome.unsubscribed_count, 1)
        self.assertEqual(welcome.goal_count, 1)
        self.assertAlmostEqual(welcome.opened_ratio, 300.0 / 7)
        self.assertAlmostEqual(welcome.clicked_ratio, 100.0 / 7)
        self.assertEqual(campaign.participant_count, 7)
        self.assertEqual(campaign.stopped_count, 2, "bounced and unsubscribed")
        self.assertEqual(campaign.completed_count, 2, "the goal, and the reply")
        self.assertEqual(campaign.running_count, 3)
        self.assertEqual(self._participants(campaign, silent).state, "running")
        self.assertAlmostEqual(campaign.goal_rate, 100.0 / 7)
        self.assertEqual(campaign.holdout_goal_rate, 0.0)
        self.assertEqual(campaign.lift, 0.0)

    def test_goal_rate_and_lift(self):
        self._leads(40, "lift")
        campaign = self._campaign(
            tag="lift", holdout_percent=50, goal_domain="[('priority', '=', '3')]"
        )
        self._step(campaign, "Welcome", delay=1)
        campaign.action_start()
        participants = self._participants(campaign)
        holdout = participants.filtered("is_holdout")
        treated = participants - holdout
        # both groups exist (a 1 in 2^39 chance of a false failure)
        self.assertTrue(holdout and treated)
        # every treated record reaches the goal, half of the holdout (rounded up)
        holdout_goal = holdout[: (len(holdout) + 1) // 2]
        winners = self.env["crm.lead"].browse((treated | holdout_goal).mapped("res_id"))
        winners.write({"priority": "3"})
        self._sync()
        self.assertEqual(set((treated | holdout_goal).mapped("reached_goal")), {True})
        self.assertEqual(campaign.participant_count, len(treated))
        self.assertEqual(campaign.holdout_count, len(holdout))
        self.assertAlmostEqual(campaign.goal_rate, 100.0)
        holdout_rate = 100.0 * len(holdout_goal) / len(holdout)
        self.assertAlmostEqual(campaign.holdout_goal_rate, holdout_rate)
        self.assertAlmostEqual(
            campaign.lift, 100.0 * (100.0 - holdout_rate) / holdout_rate
        )

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

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    def test_user_reads_campaigns_but_cannot_change_them(self):
        # a salesperson with "own documents only" sees the participants of
        # the leads they may read (theirs)
        lead = self._leads(1, "access", user_id=self.user_salesman.id)
        campaign = self._campaign(tag="access")
        welcome = self._step(campaign, "Welcome")
        campaign.action_start()
        as_user = campaign.with_user(self.user_salesman)
        self.assertEqual(as_user.read(["name"])[0]["name"], "Campaign access")
        self.assertEqual(as_user.step_ids.mapped("name"), ["Welcome"])
        self.assertEqual(len(as_user.participant_ids), 1)
        self.assertEqual(as_user.participant_count, 1)
        with self.assertRaises(AccessError):
            as_user.write({"name": "Hijacked"})
        with self.assertRaises(AccessError):
            welcome.with_user(self.user_salesman).write({"delay_number": 3})
        with self.assertRaises(AccessError):
            self.Campaign.with_user(self.user_salesman).create(
                {"name": "Mine", "model_id": self.model_lead.id}
            )
        with self.assertRaises(AccessError):
            self._participants(campaign, lead).with_user(self.user_salesman).unlink()
        with self.assertRaises(AccessError):
            self.Campaign.with_user(self.user_internal).search([])
        # a manager does
        campaign.with_user(self.user_manager).write({"name": "Renamed"})
        self.assertEqual(campaign.name, "Renamed")

    def test_multi_company_isolation(self):
        company_b = self.env["res.company"].create({"name": "Drip Company B"})
        campaign_a = self._campaign(tag="companya")
        campaign_b = self._campaign(tag="companyb", company_id=company_b.id)
        step_b = self._step(campaign_b, "B welcome")
        self.assertEqual(campaign_a.company_id, self.company)
        for user in (self.user_salesman, self.user_manager):
            visible = self.Campaign.with_user(user).search(
                [("id", "in", (campaign_a | campaign_b).ids)]
            )
            self.assertEqual(visible, campaign_a, user.name)
            with self.assertRaises(AccessError):
                campaign_b.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                step_b.with_user(user).read(["name"])
        # a user of both companies sees both when both are active
        self.user_manager.write({"company_ids": [Command.link(company_b.id)]})
        visible = (
            self.Campaign.with_user(self.user_manager)
            .with_context(allowed_company_ids=[self.company.id, company_b.id])
            .search([("id", "in", (campaign_a | campaign_b).ids)])
        )
        self.assertEqual(visible, campaign_a | campaign_b)
