# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


from odoo.tests import tagged

from .common import DripCommon


@tagged("post_install", "-at_install")
class TestCrmDripExits(DripCommon):
    """How a participant leaves a campaign: blocklist, domain, filter, goal,
    last step, manual stop."""

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
