# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import ScoringCommon


@tagged("post_install", "-at_install")
class TestScoringArithmetic(ScoringCommon):
    def test_fit_rules_sum_and_clamp(self):
        self.Rule.create(
            [
                {
                    "name": "Belgium",
                    "domain": [("country_id", "=", self.belgium.id)],
                    "points": 40,
                },
                {
                    "name": "Big",
                    "domain": "[('expected_revenue', '>=', 1000)]",
                    "points": 50,
                },
                {
                    "name": "No phone",
                    "domain": "[('phone', '=', False)]",
                    "points": -15,
                },
            ]
        )
        lead = self._lead(country_id=self.belgium.id, expected_revenue=5000)
        self.assertEqual(lead.score_fit, 75)
        self.assertEqual(len(lead.score_line_ids), 3)
        self.assertEqual(
            sorted(lead.score_line_ids.mapped("points")), [-15.0, 40.0, 50.0]
        )
        self.assertEqual(set(lead.score_line_ids.mapped("res_model")), {"crm.lead"})
        # 75 fit, 0 engagement, 0 predictive, weights 1/1/1
        self.assertEqual(lead.score, 25)
        self.assertEqual(lead.score_band, "cold")
        # A fit rule follows the lead's fields at once.
        lead.phone = "+32 2 123 45 67"
        self.assertEqual(lead.score_fit, 90)
        self.Rule.create({"name": "More", "domain": "[]", "points": 30})
        self.assertEqual(lead.score_fit, 100, "fit is clamped to 100")
        lead.country_id = self.france
        self.assertEqual(lead.score_fit, 80)
        self.assertNotIn("Belgium", lead.score_line_ids.rule_id.mapped("name"))

    def test_fit_rule_on_a_computed_field(self):
        self.Rule.create(
            {
                "name": "Valid email",
                "domain": "[('email_state', '=', 'correct')]",
                "points": 30,
            }
        )
        lead = self._lead(email_from="not an email")
        self.assertEqual(lead.score_fit, 0)
        lead.email_from = "buyer@example.com"
        self.assertEqual(lead.email_state, "correct")
        self.assertEqual(lead.score_fit, 30, "email_state follows email_from")

    def test_fit_rule_on_contact_fields(self):
        self.Rule.create(
            {
                "name": "Company in Belgium",
                "domain": "[('partner_id.country_id.code', '=', 'BE')]",
                "points": 30,
            }
        )
        lead = self._lead(partner_id=self.partner.id)
        self.assertEqual(lead.score_fit, 0)
        self.partner.country_id = self.belgium
        self.assertEqual(lead.score_fit, 30, "a change on the contact rescores")

    def test_weights_thresholds_and_rounding(self):
        self.team.write(
            {
                "score_weight_fit": 2,
                "score_weight_engagement": 1,
                "score_weight_predictive": 1,
                "score_warm_threshold": 30,
                "score_hot_threshold": 90,
            }
        )
        self.Rule.create({"name": "All", "domain": "[]", "points": 45})
        lead = self._lead(probability=31)
        # (2 x 45 + 1 x 0 + 1 x 31) / 4 = 30.25
        self.assertEqual(lead.score_predictive, 31)
        self.assertEqual(lead.score, 30)
        self.assertEqual(lead.score_band, "warm")
        # Round half to even, like Python: (2 x 45 + 0 + 32) / 4 = 30.5 -> 30
        self._set_probability(lead, 32)
        self.assertEqual(lead.score, round((2 * 45 + 32) / 4))
        # A lead without team uses weights 1 and thresholds 40/70.
        no_team = self._lead(team_id=False, probability=60)
        self.assertEqual(no_team.score, round((45 + 0 + 60) / 3))
        self.assertEqual(no_team.score_band, "cold")
        self._set_probability(no_team, 75)
        self.assertEqual(no_team.score, 40)
        self.assertEqual(no_team.score_band, "warm")
        # Changing a team's weights rescores its leads.
        self.team.score_weight_fit = 1
        self.assertEqual(lead.score, round((45 + 32) / 3))

    def test_team_and_company_scope(self):
        self.Rule.create(
            [
                {
                    "name": "Team only",
                    "domain": "[]",
                    "points": 10,
                    "team_ids": [Command.link(self.team.id)],
                },
                {"name": "Everyone", "domain": "[]", "points": 5, "company_id": False},
            ]
        )
        other_company = self.env["res.company"].create({"name": "Other Co"})
        self.Rule.create(
            {
                "name": "Other company",
                "domain": "[]",
                "points": 20,
                "company_id": other_company.id,
            }
        )
        lead = self._lead()
        other = self._lead(team_id=self.team_other.id)
        self.assertEqual(lead.score_fit, 15)
        self.assertEqual(other.score_fit, 5)
        lead.team_id = self.team_other
        self.assertEqual(lead.score_fit, 5)

    def test_engagement_decay_cap_repeatable(self):
        opened, clicked, replied = self.Rule.create(
            [
                {
                    "name": "Opened",
                    "rule_type": "engagement",
                    "event_type": "email_opened",
                    "points": 8,
                    "decay_days": 10,
                },
                {
                    "name": "Clicked",
                    "rule_type": "engagement",
                    "event_type": "email_clicked",
                    "points": 10,
                    "max_points": 25,
                },
                {
                    "name": "Replied",
                    "rule_type": "engagement",
                    "event_type": "email_replied",
                    "points": 30,
                    "repeatable": False,
                    "decay_days": 20,
                },
            ]
        )
        lead = self._lead()
        self._event("email_opened", days_ago=10, lead=lead, res_id=1)
        self._event("email_opened", days_ago=20, lead=lead, res_id=2)
        self._event("email_opened", days_ago=0, lead=lead, res_id=3)
        # 8 x 0.5 + 8 x 0.25 + 8
        self.assertAlmostEqual(lead.score_engagement, 14.0, places=6)
        for res_id in (11, 12, 13):
            self._event("email_clicked", lead=lead, res_id=res_id)
        self.assertAlmostEqual(lead.score_engagement, 14.0 + 25, places=6)
        self._event("email_replied", days_ago=20, lead=lead, res_id=21)
        self._event("email_replied", days_ago=1, lead=lead, res_id=22)
        # only the first reply counts: 30 x 0.5
        self.assertAlmostEqual(lead.score_engagement, 14.0 + 25 + 15, places=6)
        self.assertEqual(
            len(lead.score_line_ids.filtered(lambda x: x.rule_id == replied)), 1
        )
        self.assertEqual(lead.score, round(54 / 3))
        lines = lead.score_line_ids.filtered(lambda x: x.rule_id == clicked)
        self.assertEqual(len(lines), 3)
        self.assertAlmostEqual(sum(lines.mapped("points_current")), 25)
        self.assertAlmostEqual(
            sum(lead.score_line_ids.mapped("points_current")), lead.score_engagement
        )
        self.assertTrue(all(line.event_id for line in lead.score_line_ids))
        # A rule archived stops counting; a rule created later scores the past.
        opened.action_archive()
        self.assertAlmostEqual(lead.score_engagement, 25 + 15, places=6)
        self.Rule.create(
            {
                "name": "Opened again",
                "rule_type": "engagement",
                "event_type": "email_opened",
                "points": 1,
            }
        )
        self.assertAlmostEqual(lead.score_engagement, 25 + 15 + 3, places=6)

    def test_engagement_clamp_and_negative(self):
        self.Rule.create(
            [
                {
                    "name": "Ticket",
                    "rule_type": "engagement",
                    "event_type": "ticket_opened",
                    "points": -20,
                },
                {
                    "name": "Call",
                    "rule_type": "engagement",
                    "event_type": "activity_done",
                    "points": 60,
                },
            ]
        )
        lead = self._lead()
        self._event("ticket_opened", lead=lead, res_id=1)
        self.assertEqual(lead.score_engagement, 0, "clamped at 0")
        self._event("activity_done", lead=lead, res_id=2)
        self._event("activity_done", lead=lead, res_id=3)
        self.assertEqual(lead.score_engagement, 100, "clamped at 100")

    def test_partner_events_count_for_each_lead_of_the_partner(self):
        self.Rule.create(
            {
                "name": "Opened",
                "rule_type": "engagement",
                "event_type": "email_opened",
                "points": 10,
            }
        )
        lead_a = self._lead(partner_id=self.partner.id)
        lead_b = self._lead(partner_id=self.partner.id)
        opened_at = fields.Datetime.now() - timedelta(hours=1)
        self._event("email_opened", partner=self.partner, res_id=1, date=opened_at)
        self.assertEqual((lead_a.score_engagement, lead_b.score_engagement), (10, 10))
        # An event on lead A happened on lead A only.
        self._event("email_opened", lead=lead_a, res_id=2)
        self.assertEqual((lead_a.score_engagement, lead_b.score_engagement), (20, 10))
        # A lead created later for that contact gets the contact's past events.
        lead_c = self._lead(partner_id=self.partner.id)
        self.assertEqual(lead_c.score_engagement, 10)
        # Recording the same event twice (a hook replayed) counts once.
        self._event("email_opened", partner=self.partner, res_id=1, date=opened_at)
        self.assertEqual(lead_c.score_engagement, 10)

    def test_manual_line_counts_and_survives_recompute(self):
        rule = self.Rule.create(
            {
                "name": "Met at fair",
                "rule_type": "engagement",
                "event_type": "activity_done",
                "points": 12,
                "decay_days": 7,
            }
        )
        lead = self._lead()
        line = self.env["crm.lead.score.line"].create(
            {
                "lead_id": lead.id,
                "rule_id": rule.id,
                "date": fields.Datetime.now() - timedelta(days=7),
            }
        )
        self.assertTrue(line.is_manual)
        self.assertEqual(line.points, 12)
        self.assertAlmostEqual(lead.score_engagement, 6)
        lead.action_recompute_score()
        self.assertTrue(line.exists())
        self.assertAlmostEqual(lead.score_engagement, 6)

    def test_decay_follows_the_daily_job(self):
        self.Rule.create(
            {
                "name": "Opened",
                "rule_type": "engagement",
                "event_type": "email_opened",
                "points": 16,
                "decay_days": 1,
            }
        )
        lead = self._lead()
        self._event("email_opened", days_ago=2, lead=lead, res_id=1)
        self.assertEqual(lead.score_engagement, 4)
        self.assertEqual(lead.score, 1)
        # Two days later, the daily job halves it twice more.
        self.env["ir.config_parameter"].set_param("crm_suite.score_progress", "-")
        self.env["ir.config_parameter"].set_param("crm_suite.score_full_since", False)
        in_two_days = fields.Date.today() + timedelta(days=2)
        self.Lead.with_context(
            crm_suite_score_today=in_two_days
        )._cron_score_recompute()
        lead.invalidate_recordset()
        self.assertEqual(
            lead.with_context(crm_suite_score_today=in_two_days).score_engagement, 1
        )
        self.assertEqual(lead.score, 0, "round(1 / 3): the stored score follows")
        # Run again the same day: nothing left to do.
        done, remaining = self.Lead.with_context(
            crm_suite_score_today=in_two_days
        )._score_recompute_pending()
        self.assertEqual((done, remaining), (0, 0))


@tagged("post_install", "-at_install")
class TestScoringRules(ScoringCommon):
    def test_invalid_domain_refused_on_save(self):
        for bad in (
            "[('no_such_field', '=', 1)]",
            "[('name', 'like'",
            "[('expected_revenue', '>', 'not a number')]",
            "[('name', 'frobnicate', 'x')]",
            "42",
        ):
            with self.subTest(domain=bad), self.assertRaises(ValidationError):
                self.Rule.create({"name": "Bad", "domain": bad, "points": 1})
        rule = self.Rule.create({"name": "Good", "domain": "[]", "points": 1})
        with self.assertRaises(ValidationError):
            rule.domain = "[('no_such_field', '=', 1)]"
        self.assertEqual(rule.domain, "[]")
        with self.assertRaises(ValidationError):
            self.Rule.create(
                {"name": "No event", "rule_type": "engagement", "points": 1}
            )

    def test_only_sales_managers_change_rules(self):
        rule = self.Rule.create({"name": "Rule", "domain": "[]", "points": 1})
        as_salesman = self.Rule.with_user(self.user_salesman)
        self.assertEqual(as_salesman.browse(rule.id).name, "Rule")
        with self.assertRaises(AccessError):
            as_salesman.create({"name": "Mine", "domain": "[]", "points": 99})
        with self.assertRaises(AccessError):
            as_salesman.browse(rule.id).write({"points": 99})
        with self.assertRaises(AccessError):
            as_salesman.browse(rule.id).unlink()
        with self.assertRaises(AccessError):
            self.Rule.with_user(self.user_portal).browse(rule.id).read(["name"])
        lead = self._lead()
        with self.assertRaises(AccessError):
            self.env["crm.lead.score.line"].with_user(self.user_salesman).create(
                {"lead_id": lead.id, "rule_id": rule.id}
            )
        self.Rule.with_user(self.user_manager).create(
            {"name": "Manager's", "domain": "[]", "points": 5}
        )
        self.assertEqual(lead.score_fit, 6)

    def test_team_settings_validated(self):
        with self.assertRaises(ValidationError):
            self.team.write({"score_warm_threshold": 80, "score_hot_threshold": 60})
        with self.assertRaises(ValidationError):
            self.team.write(
                {
                    "score_weight_fit": 0,
                    "score_weight_engagement": 0,
                    "score_weight_predictive": 0,
                }
            )
        with self.assertRaises(ValidationError):
            self.team.write({"score_weight_fit": -1})

    def test_rule_form_and_live_count(self):
        self._lead(country_id=self.belgium.id)
        self._lead(country_id=self.belgium.id)
        self._lead(country_id=self.france.id)
        expected = self.Lead.search_count(
            [("country_id", "=", self.belgium.id)] + self.Lead._score_open_domain()
        )
        with Form(self.Rule.with_user(self.user_manager)) as form:
            form.name = "Belgium"
            form.domain = f"[('country_id', '=', {self.belgium.id})]"
            form.points = 10
        rule = form.save()
        self.assertEqual(rule.lead_count, expected)
        action = rule.action_view_leads()
        self.assertEqual(self.Lead.search_count(action["domain"]), expected)

    def test_lines_readable_by_salesman_not_portal(self):
        self.Rule.create({"name": "All", "domain": "[]", "points": 10})
        lead = self._lead(user_id=self.user_salesman.id)
        lines = lead.with_user(self.user_salesman).score_line_ids
        self.assertEqual(lines.mapped("points"), [10.0])
        with self.assertRaises(AccessError):
            lead.with_user(self.user_portal).score_line_ids.read(["points"])


@tagged("post_install", "-at_install")
class TestScoringMultiCompany(ScoringCommon):
    def test_other_company_sees_neither_rules_nor_lines(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        user_b = self.env["res.users"].create(
            {
                "name": "Bea B",
                "login": "crm_suite_bea_b",
                "company_id": company_b.id,
                "company_ids": [Command.set(company_b.ids)],
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref("base.group_user").id,
                            self.env.ref("crm_suite.group_crm_suite_manager").id,
                        ]
                    )
                ],
            }
        )
        rule_a = self.Rule.create(
            {
                "name": "A only",
                "domain": "[]",
                "points": 10,
                "company_id": self.company.id,
            }
        )
        lead_a = self._lead(company_id=self.company.id)
        self.assertEqual(lead_a.score_fit, 10)
        Rule_b = self.Rule.with_user(user_b)
        self.assertNotIn(rule_a, Rule_b.search([]))
        lines_b = self.env["crm.lead.score.line"].with_user(user_b)
        self.assertFalse(lines_b.search([("lead_id", "=", lead_a.id)]))
        # Company B's rule scores company B's leads only.
        rule_b = Rule_b.create({"name": "B only", "domain": "[]", "points": 7})
        self.assertEqual(rule_b.company_id, company_b)
        lead_b = self._lead(company_id=company_b.id)
        self.assertEqual((lead_a.score_fit, lead_b.score_fit), (10, 7))
