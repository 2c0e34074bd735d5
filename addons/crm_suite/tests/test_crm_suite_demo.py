# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCrmSuiteDemo(TransactionCase):
    """The demo tells the story of every feature on the first click: leads in
    each band with their engagement lines, a running campaign with real
    statistics, tickets with a conversation, a breached SLA and a rating."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search([("name", "=", "crm_suite")])
        if not module.demo:
            # installed with --without-demo: there is no story to check (our
            # CI installs the demo, so this runs there)
            cls.skipTest(cls, "crm_suite was installed without demo data")

    def _demo_records(self, model):
        ids = (
            self.env["ir.model.data"]
            .search([("module", "=", "crm_suite"), ("model", "=", model)])
            .mapped("res_id")
        )
        return self.env[model].browse(ids).exists()

    def test_leads_in_every_band_with_engagement(self):
        leads = self._demo_records("crm.lead")
        for band in ("hot", "warm", "cold"):
            in_band = leads.filtered(lambda lead, b=band: lead.score_band == b)
            self.assertTrue(in_band, f"no {band} demo lead")
            self.assertTrue(
                in_band.score_line_ids.filtered(
                    lambda line: line.rule_id.rule_type == "engagement"
                ),
                f"no engagement line on the {band} demo leads",
            )
        hot = self.env.ref("crm_suite.lead_demo_hot")
        # the scores are the model's own, from its events: a recompute keeps them
        before = {lead: (lead.score, lead.score_band) for lead in leads}
        leads._score_recompute()
        self.assertEqual(
            before, {lead: (lead.score, lead.score_band) for lead in leads}
        )
        self.assertEqual(hot.score_band, "hot")

    def test_running_campaign_with_statistics(self):
        campaign = self.env.ref("crm_suite.crm_drip_campaign_demo_welcome")
        self.assertEqual(campaign.state, "running")
        steps = campaign.step_ids
        self.assertGreater(sum(steps.mapped("opened_count")), 0)
        self.assertGreater(sum(steps.mapped("clicked_count")), 0)
        self.assertGreater(sum(steps.mapped("bounced_count")), 0)
        reached = steps.filtered(lambda s: s.done_count or s.scheduled_count)
        self.assertGreaterEqual(len(reached), 2, "participants at one step only")
        participants = self.env["crm.drip.participant"].search(
            [("campaign_id", "=", campaign.id)]
        )
        self.assertIn("running", participants.mapped("state"))
        self.assertTrue(participants.filtered("is_holdout"))
        # every email step's traces belong to its mailing (Email Marketing)
        mailing_traces = participants.trace_ids.mailing_trace_ids
        self.assertTrue(mailing_traces)
        for trace in mailing_traces:
            self.assertEqual(
                trace.mass_mailing_id, trace.crm_drip_trace_id.step_id.mailing_id
            )
        # nothing left to send: what is still scheduled is not an email
        pending = participants.trace_ids.filtered(lambda t: t.state == "scheduled")
        self.assertTrue(pending)
        self.assertNotIn("email", pending.mapped("action_type"))

    def test_campaign_job_runs_on_the_demo(self):
        """The due call of the demo becomes an activity; nothing is sent."""
        campaign = self.env.ref("crm_suite.crm_drip_campaign_demo_welcome")
        pending = self.env["crm.drip.trace"].search(
            [("campaign_id", "=", campaign.id), ("state", "=", "scheduled")]
        )
        pending.schedule_date = "2000-01-01 00:00:00"
        mails = self.env["mail.mail"].search_count([])
        self.env["crm.drip.trace"]._cron_process()
        self.assertEqual(set(pending.mapped("state")), {"done"})
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.env["crm.drip.campaign"]._cron_sync_participants()
        self.assertFalse(
            self.env["crm.drip.trace"].search(
                [("campaign_id", "=", campaign.id), ("state", "=", "scheduled")]
            ),
            "the campaign enrolled leads outside its story",
        )

    def test_tickets_tell_the_service_story(self):
        tickets = self._demo_records("crm.ticket")
        self.assertTrue(all(tickets.mapped("description")))
        failed = tickets.sla_status_ids.filtered("failed")
        self.assertTrue(failed, "no breached SLA in the demo")
        self.assertTrue(all(status.state == "failed" for status in failed))
        self.assertTrue(tickets.filtered("rating_ids"))
        comment = self.env.ref("mail.mt_comment")
        public = tickets.message_ids.filtered(
            lambda m: m.subtype_id == comment and m.message_type in ("comment", "email")
        )
        self.assertFalse(comment.internal)
        customers = public.filtered(
            lambda m: m.author_id == tickets.browse(m.res_id).partner_id
        )
        self.assertTrue(customers, "no reply of a customer")
        self.assertTrue(
            (public - customers).author_id.user_ids.filtered(lambda u: not u.share),
            "no public answer of an agent",
        )
        outage = self.env.ref("crm_suite.ticket_demo_outage")
        self.assertTrue(outage.sla_status_ids.filtered("failed"))
        self.assertTrue(outage.first_response_date)
