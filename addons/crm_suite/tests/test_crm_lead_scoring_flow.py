# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models import crm_lead_score_job as crm_lead_module
from .common import ScoringCommon


@tagged("post_install", "-at_install")
class TestScoringHot(ScoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.all_rule = cls.env["crm.score.rule"].create(
            {"name": "Everyone", "domain": "[]", "points": 0}
        )
        cls.team.write(
            {
                "score_weight_fit": 1,
                "score_weight_engagement": 0,
                "score_weight_predictive": 0,
                "score_hot_stage_id": cls.stage_qualified.id,
                "score_hot_activity_type_id": cls.env.ref(
                    "crm_suite.mail_activity_type_hot_lead"
                ).id,
                "score_hot_notify": True,
                "score_hot_assign": True,
                "crm_team_member_ids": [
                    Command.create(
                        {
                            "user_id": cls.user_salesman.id,
                            "assignment_domain": "[('country_id.code', '=', 'BE')]",
                            "assignment_max": 30,
                        }
                    ),
                    Command.create(
                        {
                            "user_id": cls.user_manager.id,
                            "assignment_domain": "[('country_id.code', '=', 'FR')]",
                            "assignment_max": 30,
                        }
                    ),
                ],
            }
        )

    def _activities(self, lead):
        return lead.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("crm_suite.mail_activity_type_hot_lead")
        )

    def test_hot_crossing_runs_team_actions_once(self):
        lead = self._lead(country_id=self.belgium.id, user_id=self.user_admin.id)
        self.assertEqual(lead.score_band, "cold")
        self.all_rule.points = 80
        self.assertEqual(lead.score, 80)
        self.assertEqual(lead.score_band, "hot")
        self.assertTrue(lead.score_hot_date)
        self.assertEqual(lead.stage_id, self.stage_qualified, "moved to the team stage")
        self.assertEqual(lead.user_id, self.user_salesman, "member rules assign it")
        activity = self._activities(lead)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_salesman)
        notes = lead.message_ids.filtered(
            lambda m: self.user_salesman.partner_id in m.notified_partner_ids
        )
        self.assertEqual(len(notes), 1)
        # A plain recompute, or a rise within "hot", fires nothing more.
        lead.action_recompute_score()
        self.all_rule.points = 90
        self.Lead._cron_score_recompute()
        self.assertEqual(len(self._activities(lead)), 1)
        # Dropping out and coming back fires again.
        self.all_rule.points = 50
        self.assertEqual(lead.score_band, "warm")
        self.all_rule.points = 75
        self.assertEqual(lead.score_band, "hot")
        self.assertEqual(len(self._activities(lead)), 2)

    def test_hot_never_moves_stage_backwards_and_respects_capacity(self):
        lead = self._lead(stage_id=self.stage_proposition.id, country_id=self.france.id)
        self.team.crm_team_member_ids.filtered(
            lambda m: m.user_id == self.user_manager
        ).assignment_max = 0
        self.all_rule.points = 80
        self.assertEqual(lead.score_band, "hot")
        self.assertEqual(lead.stage_id, self.stage_proposition)
        self.assertNotEqual(lead.user_id, self.user_manager, "no capacity left")

    def test_member_keeps_the_lead(self):
        lead = self._lead(country_id=self.france.id, user_id=self.user_salesman.id)
        self.all_rule.points = 80
        self.assertEqual(lead.user_id, self.user_salesman)

    def test_won_leads_fire_nothing(self):
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        lead = self._lead(stage_id=won_stage.id, country_id=self.belgium.id)
        self.all_rule.points = 80
        lead.action_recompute_score()
        self.assertFalse(self._activities(lead))


@tagged("post_install", "-at_install")
class TestScoringEngine(ScoringCommon):
    def test_incremental_rescore_costs_the_same_for_1_and_500_leads(self):
        self.Rule.create(
            [
                {
                    "name": "BE",
                    "domain": f"[('country_id', '=', {self.belgium.id})]",
                    "points": 10,
                },
                {
                    "name": "Revenue",
                    "domain": "[('expected_revenue', '>', 10)]",
                    "points": 20,
                },
                {
                    "name": "Opened",
                    "rule_type": "engagement",
                    "event_type": "email_opened",
                    "points": 5,
                    "decay_days": 3,
                },
            ]
        )
        leads = self.Lead.create(
            [
                {
                    "name": f"L{i}",
                    "team_id": self.team.id,
                    "stage_id": self.stage_new.id,
                    "country_id": self.belgium.id,
                    "expected_revenue": i,
                }
                for i in range(500)
            ]
        )
        self.env["crm.score.event"]._record(
            [
                {
                    "event_type": "email_opened",
                    "lead_id": lead.id,
                    "res_model": "crm.lead",
                    "res_id": lead.id,
                }
                for lead in leads
            ]
        )
        one = leads[:1]
        leads._score_recompute()  # warm: both runs below find the same state

        def queries(records):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            records._score_recompute()
            return self.cr.sql_log_count - before

        self.assertEqual(queries(one), queries(leads))
        # rules (search, read, teams, companies) + engagement lines + stale
        # lines + one statement for fit rules, scores and bands
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(7, flush=False):
            one._score_recompute()
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(7, flush=False):
            leads._score_recompute()
        self.assertEqual(leads[0].score_fit, 10)
        self.assertEqual(leads[-1].score_fit, 30)
        self.assertEqual(leads[-1].score_engagement, 5)

    def test_score_follows_odoo_predictive_sql_update(self):
        lead = self._lead(probability=10)
        self.assertEqual(lead.score_predictive, 10)
        # Odoo's batch update writes probability in SQL (no compute runs);
        # simulate its UPDATE, then run the override's sync.
        self.env.cr.execute(
            "UPDATE crm_lead SET probability = 70, automated_probability = 70"
            " WHERE id = %s",
            (lead.id,),
        )
        self.Lead._score_sync_predictive()
        self.assertEqual(lead.score_predictive, 70)
        self.assertEqual(lead.score, round(70 / 3))

    def test_real_pls_update_refreshes_scores(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "crm.pls_start_date", "2000-01-01"
        )
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        history = self.Lead.create(
            [
                {
                    "name": f"H{i}",
                    "team_id": self.team.id,
                    "stage_id": self.stage_new.id,
                    "email_from": "ok@example.com" if i % 2 else "bad",
                }
                for i in range(12)
            ]
        )
        history[:6].write({"stage_id": won_stage.id})
        history[6:].action_set_lost()
        lead = self._lead(email_from="ok@example.com")
        self.env.cr.execute(
            "UPDATE crm_lead SET probability = NULL, automated_probability = NULL"
            " WHERE id = %s",
            (lead.id,),
        )
        self.env.invalidate_all()
        self.Lead._cron_update_automated_probabilities()
        lead.invalidate_recordset()
        self.assertTrue(lead.probability)
        self.assertEqual(lead.score_predictive, lead.probability)
        # "Why this score?": the factors rebuild Odoo's probability exactly.
        breakdown = lead._score_predictive_breakdown()[lead.id]
        odds = breakdown["prior_odds"] * math.prod(
            f["ratio"] for f in breakdown["factors"]
        )
        self.assertAlmostEqual(100 * odds / (1 + odds), lead.probability, delta=0.01)
        factors = lead.get_score_predictive_factors()[lead.id]
        self.assertTrue(factors)
        self.assertIn(factors[0]["field"], {f["field"] for f in breakdown["factors"]})
        self.assertIn("o_crm_suite_factors", lead.score_predictive_factors_html)

    def test_full_recompute_resumes_after_a_crash(self):
        self.Rule.create({"name": "All", "domain": "[]", "points": 10})
        leads = self.Lead.create(
            [{"name": f"R{i}", "stage_id": self.stage_new.id} for i in range(5)]
        )
        self.Lead._score_flush_pending()  # scored as the transaction would commit
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET score_fit = 0 WHERE id = ANY(%s)", (leads.ids,)
        )
        self.env.invalidate_all()
        # A run saved its progress up to the third lead, then crashed.
        run = "2026-01-01 00:00:00"
        self.env["ir.config_parameter"].set_param(
            "crm_suite.score_progress", f"{run}|{leads[2].id}"
        )
        done, remaining = self.Lead._score_recompute_pending(run)
        self.assertEqual(remaining, 0)
        self.assertGreaterEqual(done, 2)
        self.assertEqual(leads[:3].mapped("score_fit"), [0, 0, 0], "not redone")
        self.assertEqual(leads[3:].mapped("score_fit"), [10, 10])
        self.assertEqual(self.Lead._score_recompute_pending(run), (0, 0))
        # A new run (the next day, or a rule change) starts from the first lead.
        self.Lead._score_recompute_pending("2026-01-02 00:00:00")
        self.assertEqual(set(leads.mapped("score_fit")), {10})

    def test_second_worker_leaves_while_the_first_runs(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            cr_a.execute(
                "SELECT value FROM ir_config_parameter WHERE key = %s",
                ("crm_suite.score_progress",),
            )
            existed = cr_a.fetchone()
            if not existed:
                cr_a.execute(
                    "INSERT INTO ir_config_parameter (key, value) VALUES (%s, '')",
                    ("crm_suite.score_progress",),
                )
                cr_a.commit()
            try:
                cr_b.execute("SET lock_timeout = '5s'")
                # Worker A is in the middle of a batch.
                cr_a.execute(
                    "SELECT value FROM ir_config_parameter WHERE key = %s FOR UPDATE",
                    ("crm_suite.score_progress",),
                )
                env_b = api.Environment(cr_b, SUPERUSER_ID, {})
                result = env_b["crm.lead"]._score_recompute_pending("2026-01-03")
                self.assertEqual(result, (0, None), "B leaves without waiting")
                cr_b.rollback()
            finally:
                cr_a.rollback()
                if not existed:
                    cr_a.execute(
                        "DELETE FROM ir_config_parameter WHERE key = %s",
                        ("crm_suite.score_progress",),
                    )
                    cr_a.commit()


@tagged("post_install", "-at_install")
class TestScoringEvents(ScoringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["crm.score.rule"].create(
            [
                {
                    "name": "Opened",
                    "rule_type": "engagement",
                    "event_type": "email_opened",
                    "points": 5,
                },
                {
                    "name": "Clicked",
                    "rule_type": "engagement",
                    "event_type": "email_clicked",
                    "points": 7,
                },
                {
                    "name": "Replied",
                    "rule_type": "engagement",
                    "event_type": "email_replied",
                    "points": 11,
                },
                {
                    "name": "Done",
                    "rule_type": "engagement",
                    "event_type": "activity_done",
                    "points": 13,
                },
            ]
        )

    def _trace(self, record, **vals):
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Hello",
                "body_html": "<p>Hi</p>",
                "mailing_model_id": self.env["ir.model"]._get_id(record._name),
            }
        )
        return self.env["mailing.trace"].create(
            dict(
                {
                    "model": record._name,
                    "res_id": record.id,
                    "mass_mailing_id": mailing.id,
                    "trace_status": "sent",
                    "email": "x@example.com",
                },
                **vals,
            )
        )

    def test_mailing_trace_open_click_reply(self):
        lead = self._lead(partner_id=self.partner.id)
        trace = self._trace(lead)
        self.assertEqual(lead.score_engagement, 0)
        trace.set_opened()
        self.assertEqual(lead.score_engagement, 5)
        trace.set_opened()
        self.assertEqual(lead.score_engagement, 5, "opened once")
        trace.set_clicked()
        self.assertEqual(lead.score_engagement, 12)
        partner_trace = self._trace(self.partner)
        partner_trace.set_replied()
        self.assertEqual(lead.score_engagement, 23, "a reply from the contact counts")
        line = lead.score_line_ids.filtered(lambda x: x.rule_id.name == "Replied")
        self.assertEqual(
            (line.res_model, line.res_id), ("mailing.trace", partner_trace.id)
        )

    def test_trace_dated_in_the_past(self):
        self.env["crm.score.rule"].search([("name", "=", "Opened")]).decay_days = 5
        lead = self._lead()
        self._trace(
            lead,
            trace_status="open",
            open_datetime=fields.Datetime.now() - timedelta(days=10),
        )
        self.assertAlmostEqual(lead.score_engagement, 1.25)

    def test_activity_done(self):
        lead = self._lead(user_id=self.user_salesman.id)
        activity = lead.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.user_salesman.id
        )
        activity.with_user(self.user_salesman).action_feedback(feedback="Talked")
        self.assertEqual(lead.score_engagement, 13)
        line = lead.score_line_ids
        self.assertEqual(line.res_model, "mail.message")
        self.assertIn("Talked", self.env["mail.message"].browse(line.res_id).body)

    def test_open_a_line_source(self):
        lead = self._lead(user_id=self.user_salesman.id)
        trace = self._trace(
            lead, trace_status="open", open_datetime=fields.Datetime.now()
        )
        line = lead.score_line_ids
        action = line.action_open_source()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("mailing.trace", trace.id)
        )
        # A salesperson cannot open a mailing trace: refused, not opened.
        with self.assertRaises(AccessError):
            line.with_user(self.user_salesman).action_open_source()
        trace.unlink()
        with self.assertRaises(UserError):
            line.action_open_source()

    def test_two_activities_done_at_once_are_two_events(self):
        lead = self._lead(partner_id=self.partner.id)
        activities = lead.activity_schedule(
            "mail.mail_activity_data_call"
        ) | lead.activity_schedule("mail.mail_activity_data_todo")
        activities.action_feedback(feedback="Both done")
        self.assertEqual(lead.score_engagement, 26)
        self.assertEqual(len(lead.score_line_ids), 2)

    @mute_logger("odoo.addons.mail.models.mail_thread")
    def test_reply_through_the_mail_gateway(self):
        lead = self._lead(partner_id=self.partner.id, email_from="acme@example.com")
        message = lead.message_post(
            body="Our offer", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        raw = (
            "Return-Path: <acme@example.com>\r\n"
            "From: Acme <acme@example.com>\r\n"
            "To: sales@example.com\r\n"
            "Subject: Re: offer\r\n"
            "Message-ID: <reply-1@example.com>\r\n"
            f"In-Reply-To: {message.message_id}\r\n"
            f"References: {message.message_id}\r\n"
            "Date: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "Thanks, tell me more\r\n"
        )
        thread_id = self.env["mail.thread"].sudo().message_process("crm.lead", raw)
        self.assertEqual(thread_id, lead.id)
        self.assertEqual(lead.score_engagement, 11)


@tagged("post_install", "-at_install")
class TestScoringDeferred(ScoringCommon):
    def test_writes_in_a_loop_rescore_once(self):
        """Writing leads one by one (as Odoo's assignment does) queues them; they
        are rescored once, when a score is read or the transaction commits."""
        self.Rule.create(
            {"name": "Team", "domain": "[('team_id', '!=', False)]", "points": 30}
        )
        leads = self.Lead.create([{"name": f"D{i}"} for i in range(20)])
        self.Lead._score_flush_pending()
        self.env.flush_all()
        Lead = type(self.Lead)
        with patch.object(
            Lead, "_score_run", autospec=True, wraps=Lead._score_run
        ) as run:
            for lead in leads:
                lead.write({"team_id": self.team.id})
                self.env.flush_all()
            self.assertEqual(run.call_count, 0, "nothing rescored while writing")
            # The scores are fresh when read, through one recompute of all 20.
            self.assertEqual(set(leads.mapped("score_fit")), {30})
            self.assertEqual(run.call_count, 1)
            self.assertEqual(len(run.call_args.kwargs["ids"]), 20)
        self.assertFalse(self.env.cr.precommit.data.get("crm_suite.score_pending"))


@tagged("post_install", "-at_install")
class TestPredictiveFactorsInput(ScoringCommon):
    def test_bad_limit_is_refused_clearly(self):
        lead = self._lead()
        with self.assertRaises(UserError):
            lead.get_score_predictive_factors(limit="many")
        self.assertEqual(lead.get_score_predictive_factors(limit=0), {lead.id: []})
        with self.assertRaises(AccessError):
            lead.with_user(self.user_portal).get_score_predictive_factors()


@tagged("post_install", "-at_install")
class TestScoringBackgroundRebuild(ScoringCommon):
    def test_rule_change_on_a_large_database_rebuilds_in_the_background(self):
        """Above the synchronous limit a rule change only requests a rebuild;
        the scheduled job then writes every line and clears the request."""
        self.Rule.create(
            {
                "name": "Opened",
                "rule_type": "engagement",
                "event_type": "email_opened",
                "points": 4,
            }
        )
        lead = self._lead()
        self._event("email_opened", lead=lead, res_id=1)
        self.assertEqual(lead.score_engagement, 4)
        cron = self.env.ref("crm_suite.ir_cron_crm_lead_score")
        Param = self.env["ir.config_parameter"]
        with patch.object(crm_lead_module, "SCORE_SYNC_LIMIT", 0):
            self.Rule.create({"name": "All", "domain": "[]", "points": 12})
        self.assertEqual(lead.score_fit, 0, "not rescored in the saving transaction")
        self.assertTrue(Param.get_param("crm_suite.score_full_since"))
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        )
        # Lines lost meanwhile (a crash, a bulk SQL fix) are rebuilt too.
        self.env.cr.execute(
            "DELETE FROM crm_lead_score_line WHERE lead_id = %s", (lead.id,)
        )
        self.env.invalidate_all()
        self.Lead._cron_score_recompute()
        self.assertEqual(lead.score_fit, 12)
        self.assertEqual(lead.score_engagement, 4)
        self.assertEqual(len(lead.score_line_ids), 2)
        self.assertTrue(all(line.source_name for line in lead.score_line_ids))
        self.assertFalse(Param.get_param("crm_suite.score_full_since"))
