# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Figures that agree with each other: two screens (or two parts of one)
never tell a user different stories about the same thing."""

from lxml import etree

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CrmTicketCommonMixin, DripCommon, ScoringCommon


def _arch(env, xmlid):
    view = env.ref(xmlid)
    return etree.fromstring(view.get_combined_arch())


@tagged("post_install", "-at_install")
class TestTicketFigures(CrmTicketCommonMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_ticket()
        # targets far away: nothing fails while the test runs, whatever the hour
        cls.sla = cls.env["crm.ticket.sla"].create(
            {
                "name": "Generous",
                "team_ids": [Command.link(cls.team.id)],
                "response_hours": 400,
                "resolution_hours": 800,
            }
        )
        cls.Report = cls.env["crm.ticket.report"]

    def _row(self, ticket):
        self.Report.invalidate_model()
        return self.Report.search([("ticket_id", "=", ticket.id)])

    def test_sla_success_counts_decided_targets_only(self):
        answered = self._ticket()
        self._agent_answers(answered)
        self.assertTrue(answered.first_response_date)
        # response reached in time, resolution still running and not late:
        # a success, not 50%
        row = self._row(answered)
        self.assertEqual(row.sla_status_count, 2)
        self.assertAlmostEqual(row.sla_success_rate, 100.0)
        self.assertFalse(row.sla_failed)
        # nothing decided yet: no figure rather than 0%
        waiting = self._ticket(name="Nothing decided")
        row = self._row(waiting)
        self.assertEqual(row.sla_status_count, 2)
        self.assertFalse(row.sla_success_rate)
        [(rate, rated)] = self.Report._read_group(
            [("ticket_id", "in", (answered | waiting).ids)],
            aggregates=["sla_success_rate:avg", "sla_success_rate:count"],
        )
        self.assertAlmostEqual(rate, 100.0)
        self.assertEqual(rated, 1)
        # the dashboard shows the same figure, and nothing failed
        self.team.invalidate_recordset()
        self.assertEqual(self.team.failed_ticket_count, 0)
        self.assertAlmostEqual(self.team.sla_success_rate, 100.0)
        self.assertEqual(self.team.sla_rated_ticket_count, 1)
        # as an agent too
        team = self.team.with_user(self.agent_a)
        self.assertAlmostEqual(team.sla_success_rate, 100.0)

    def test_dashboard_zero_failed_is_not_red(self):
        arch = _arch(self.env, "crm_suite.crm_ticket_team_view_kanban")
        [link] = arch.xpath("//a[@name='action_failed_tickets']")
        self.assertNotIn("text-danger", link.get("class") or "")
        self.assertIn("failed_ticket_count", link.get("t-att-class") or "")
        self.assertIn("text-danger", link.get("t-att-class") or "")

    def test_times_of_unanswered_tickets_are_empty(self):
        ticket = self._ticket()
        row = self._row(ticket)
        self.assertFalse(row.is_answered)
        self.assertFalse(row.is_closed)
        arch = _arch(self.env, "crm_suite.crm_ticket_report_view_list")
        [response] = arch.xpath("//field[@name='first_response_hours']")
        [resolution] = arch.xpath("//field[@name='resolution_hours']")
        self.assertEqual(response.get("invisible"), "not is_answered")
        self.assertEqual(resolution.get("invisible"), "not is_closed")
        self._agent_answers(ticket)
        self.assertTrue(self._row(ticket).is_answered)


@tagged("post_install", "-at_install")
class TestScoreExplanation(ScoringCommon):
    def test_engagement_clamp_is_explained(self):
        self.Rule.create(
            {
                "name": "Unsubscribed",
                "rule_type": "engagement",
                "event_type": "email_opened",
                "points": -5,
            }
        )
        lead = self._lead(partner_id=self.partner.id)
        self._event("email_opened", lead=lead)
        lead.invalidate_recordset()
        self.assertEqual(lead.score_line_ids.mapped("points"), [-5])
        self.assertEqual(lead.score_engagement, 0)
        html = str(lead.score_arithmetic_html)
        self.assertIn("as of today: -5, clamped to 0-100", html)

    def test_team_weights_and_thresholds_are_shown(self):
        self.team.write(
            {
                "score_weight_fit": 2,
                "score_weight_engagement": 1,
                "score_weight_predictive": 3,
                "score_warm_threshold": 30,
                "score_hot_threshold": 60,
            }
        )
        self.Rule.create(
            {
                "name": "Belgium",
                "domain": f"[('country_id', '=', {self.belgium.id})]",
                "points": 40,
            }
        )
        lead = self._lead(country_id=self.belgium.id)
        self._set_probability(lead, 50)
        lead.invalidate_recordset()
        # round((2 x 40 + 1 x 0 + 3 x 50) / 6) = round(38.33) = 38: warm
        self.assertEqual(lead.score, 38)
        self.assertEqual(lead.score_band, "warm")
        html = str(lead.score_arithmetic_html)
        self.assertIn("round((2 × 40 + 1 × 0 + 3 × 50) / (2 + 1 + 3)) = 38", html)
        self.assertIn("hot from 60, warm from 30", html)
        self.assertIn("Warm", html)
        self.assertNotIn("dates from its last recompute", html)

    def test_predictive_line_follows_the_probability(self):
        lead = self._lead(partner_id=self.partner.id)
        self._set_probability(lead, 100)
        lead.invalidate_recordset()
        self.assertEqual(lead.score_predictive, 100)
        html = str(lead.score_predictive_factors_html)
        self.assertNotIn("no prediction", html)
        self.assertIn("100%", html)

    def test_won_lead_band_follows_the_arithmetic(self):
        lead = self._lead(partner_id=self.partner.id)
        lead.action_set_won()
        self.assertEqual(lead.score, 33)
        # a lead won before the addon was installed: never scored
        lead.flush_recordset()
        self.env.cr.execute(
            "UPDATE crm_lead SET score = 0, score_predictive = 0 WHERE id = %s",
            (lead.id,),
        )
        lead.invalidate_recordset()
        self.assertIn("dates from its last recompute", str(lead.score_arithmetic_html))
        # the install's (and a rule change's) recompute brings it in line
        self.Lead._score_request_full_recompute()
        lead.invalidate_recordset()
        self.assertEqual(lead.probability, 100)
        # round((0 + 0 + 100) / 3) = 33: cold, as the arithmetic says
        self.assertEqual(lead.score_predictive, 100)
        self.assertEqual(lead.score, 33)
        self.assertEqual(lead.score_band, "cold")
        html = str(lead.score_arithmetic_html)
        self.assertIn("= 33", html)
        self.assertNotIn("dates from its last recompute", html)
        self.assertIn("won", str(lead.score_predictive_factors_html))
        # and the daily job's predictive sync does it too
        self.env.cr.execute(
            "UPDATE crm_lead SET score = 0, score_predictive = 0 WHERE id = %s",
            (lead.id,),
        )
        lead.invalidate_recordset()
        self.Lead.with_context(crm_suite_no_commit=True)._score_sync_predictive()
        lead.invalidate_recordset()
        self.assertEqual((lead.score_predictive, lead.score), (100, 33))


@tagged("post_install", "-at_install")
class TestScoreRuleCount(ScoringCommon):
    def test_engagement_rule_counts_open_leads(self):
        rule = self.Rule.create(
            {
                "name": "Opened",
                "rule_type": "engagement",
                "event_type": "email_opened",
                "points": 5,
            }
        )
        open_lead = self._lead(partner_id=self.partner.id)
        won_lead = self._lead(name="Won")
        self._event("email_opened", lead=open_lead)
        self._event("email_opened", lead=won_lead)
        won_lead.action_set_won()
        self.assertEqual(len(won_lead.score_line_ids), 1)
        rule.invalidate_recordset()
        # the same set as the fit rules': open leads only (demo leads may
        # have lines of the rule too)
        scored = self.env["crm.lead.score.line"].search([("rule_id", "=", rule.id)])
        expected = scored.lead_id.filtered_domain(self.Lead._score_open_domain())
        self.assertIn(open_lead, expected)
        self.assertNotIn(won_lead, expected)
        self.assertEqual(rule.lead_count, len(expected))
        action = rule.action_view_leads()
        self.assertEqual(self.Lead.search(action["domain"]), expected)


@tagged("post_install", "-at_install")
class TestDripMailFailure(DripCommon):
    def test_failed_and_bounced_emails_are_not_done(self):
        leads = self._leads(3, "fail")
        campaign = self._campaign(tag="fail")
        step = self._step(campaign, "Welcome")
        campaign.action_start()
        self._process()
        traces = self._traces(step)
        self.assertEqual(traces.mapped("state"), ["done"] * 3)
        refused, bounced, sent = (
            self._traces(step, lead) for lead in leads.sorted("id")
        )
        # the mail server refuses the first (as mail.mail does on an exception)
        mail = self._mails(step, leads.sorted("id")[0])
        mail._postprocess_sent_message(
            success_pids=[], failure_reason="SMTP refused", failure_type="mail_smtp"
        )
        # the second bounces
        self._mailing_traces(bounced).set_bounced(bounce_message="550 No such user")
        self.env.invalidate_all()
        self.assertTrue(refused.mail_failed)
        self.assertIn("Not sent", refused.mail_failure_reason)
        self.assertTrue(bounced.mail_failed)
        self.assertEqual(bounced.mail_failure_reason, "Bounced: 550 No such user")
        self.assertFalse(sent.mail_failed)
        self.assertEqual(
            self.Trace.search([("step_id", "=", step.id), ("mail_failed", "=", True)]),
            refused | bounced,
        )
        self.assertEqual(step.failed_count, 2)
        self.assertEqual(step.bounced_count, 1)
        arch = _arch(self.env, "crm_suite.crm_drip_trace_view_list")
        [state] = arch.xpath("//field[@name='state']")
        self.assertEqual(
            state.get("decoration-success"), "state == 'done' and not mail_failed"
        )

    def test_stat_buttons_open_what_they_count(self):
        leads = self._leads(4, "stat")
        # (nearly) everyone in the holdout group
        campaign = self._campaign(tag="stat", holdout_percent=99)
        step = self._step(campaign, "Welcome")
        campaign.action_start()
        self._process()
        wizard = self.env["crm.drip.test"].create(
            {"campaign_id": campaign.id, "record_ref": f"crm.lead,{leads[0].id}"}
        )
        self.Participant.browse(wizard.action_launch()["res_id"])
        self.env.invalidate_all()
        for action, count, model in (
            (campaign.action_view_participants(), campaign.participant_count, "p"),
            (campaign.action_view_traces(), campaign.trace_count, "t"),
            (
                step.action_view_traces(),
                sum(
                    step[name]
                    for name in (
                        "scheduled_count",
                        "done_count",
                        "rejected_count",
                        "canceled_count",
                        "error_count",
                    )
                ),
                "t",
            ),
        ):
            Model = self.env[action["res_model"]]
            search = self.env.ref(
                "crm_suite.crm_drip_participant_view_search"
                if model == "p"
                else "crm_suite.crm_drip_trace_view_search"
            )
            arch = etree.fromstring(search.arch)
            domain = list(action["domain"])
            for key, value in action["context"].items():
                if key.startswith("search_default_") and value:
                    [node] = arch.xpath(f"//filter[@name='{key[15:]}']")
                    domain += safe_eval(node.get("domain"))
            self.assertEqual(Model.search_count(domain), count, action["name"])


@tagged("post_install", "-at_install")
class TestCollisionOwnContacts(ScoringCommon):
    def test_own_contacts_never_warn(self):
        lead = self._lead(partner_id=self.partner.id, user_id=self.user_salesman.id)
        other = self._lead(partner_id=self.partner.id, user_id=self.user_salesman.id)
        mine = lead.with_user(self.user_salesman)
        # a note, a done activity, and an email the salesperson sent from
        # their own mailbox (it comes back through the gateway, as OdooBot)
        mine.message_post(
            body="Called", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        mine.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.user_salesman.id
        ).with_user(self.user_salesman).action_feedback(feedback="Done")
        other.with_user(self.env.ref("base.user_root")).message_post(
            body="Re: quote",
            message_type="email",
            author_id=self.user_salesman.partner_id.id,
            subtype_xmlid="mail.mt_comment",
        )
        self.env["bus.bus"].sudo().search([]).unlink()
        mine.message_post(
            body="Again", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.env.cr.precommit.run()
        (lead | other).invalidate_recordset()
        self.assertFalse(mine.collision_warning)
        self.assertFalse(other.with_user(self.user_salesman).collision_warning)
        self.assertFalse(
            self.env["bus.bus"]
            .sudo()
            .search([("message", "ilike", "already in touch")])
        )
        # a colleague sees them all
        self.assertIn(
            self.user_salesman.name,
            lead.with_user(self.user_manager).collision_warning,
        )


@tagged("post_install", "-at_install")
class TestServiceOverviewTour(CrmTicketCommonMixin, HttpCase):
    def test_tour_service_overview(self):
        self._setup_crm_ticket()
        self.team.name = "Figures Team"
        late_team = self.team.copy({"name": "Late Team"})
        self.env["crm.ticket.sla"].create(
            {
                "name": "Generous",
                "team_ids": [Command.link(self.team.id)],
                "response_hours": 400,
                "resolution_hours": 800,
            }
        )
        self.env["crm.ticket.sla"].create(
            {
                "name": "Strict",
                "team_ids": [Command.link(late_team.id)],
                "response_hours": 1,
            }
        )
        self._agent_answers(self._ticket())
        with self._at("2026-01-05 09:00:00"):
            self._ticket(team_id=late_team.id)
        self.start_tour(
            "/odoo/action-crm_suite.crm_ticket_team_action_dashboard",
            "crm_suite_service_overview",
            login="admin",
        )
