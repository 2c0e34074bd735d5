# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import DripCommon


@tagged("post_install", "-at_install")
class TestCrmDrip(DripCommon):
    """A campaign's configuration, who it enrols, its statistics and who may
    change it."""

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
