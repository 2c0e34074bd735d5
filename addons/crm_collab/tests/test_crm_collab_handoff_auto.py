# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged

from odoo.addons.crm_suite.tests.common import ScoringCommon


@tagged("post_install", "-at_install")
class TestCrmCollabHandoffAuto(ScoringCommon):
    """The automatic handoffs, each once per event: a lead turning hot
    (team switch), an opportunity won (company's onboarding team)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Handoff = cls.env["crm.handoff"]
        cls.all_rule = cls.env["crm.score.rule"].create(
            {"name": "Everyone", "domain": "[]", "points": 0}
        )
        weights = {
            "score_weight_fit": 1,
            "score_weight_engagement": 0,
            "score_weight_predictive": 0,
        }
        cls.team.write(dict(weights, crm_handoff_on_hot=True))
        cls.team_other.write(dict(weights, crm_handoff_on_hot=False))
        cls.onboarding = cls.env["crm.ticket.team"].create(
            {
                "name": "Onboarding",
                "user_id": cls.user_manager.id,
                "member_ids": [Command.set(cls.user_salesman.ids)],
            }
        )
        cls.env.company.crm_handoff_won_team_id = cls.onboarding
        cls.won_stage = cls.env["crm.stage"].create(
            {"name": "S Won", "sequence": 1010, "is_won": True}
        )

    def _handoffs(self, leads, trigger):
        return self.Handoff.search(
            [
                ("res_model", "=", "crm.lead"),
                ("res_id", "in", leads.ids),
                ("trigger", "=", trigger),
            ]
        )

    def test_hot_lead_once(self):
        lead = self._lead(user_id=self.user_salesman.id, partner_id=self.partner.id)
        quiet = self._lead(team_id=self.team_other.id)
        self.assertFalse(self._handoffs(lead | quiet, "hot"))
        self.all_rule.points = 80
        self.assertEqual(lead.score_band, "hot")
        self.assertEqual(quiet.score_band, "hot")
        handoff = self._handoffs(lead, "hot")
        self.assertEqual(len(handoff), 1)
        self.assertEqual(handoff.to_team_id, self.team)
        self.assertEqual(handoff.to_user_id, self.user_salesman)
        self.assertEqual(handoff.partner_id, self.partner)
        self.assertEqual(handoff.state, "proposed")
        self.assertTrue(handoff.date_due)
        self.assertEqual(handoff.activity_ids.user_id, self.user_salesman)
        self.assertFalse(self._handoffs(quiet, "hot"), "the team's switch is off")
        # the job reruns, the band flips back and forth: still one
        lead.action_recompute_score()
        self.Lead._cron_score_recompute()
        self.all_rule.points = 50
        self.assertEqual(lead.score_band, "warm")
        self.all_rule.points = 75
        self.assertEqual(lead.score_band, "hot")
        self.Lead._cron_score_recompute()
        self.assertEqual(len(self._handoffs(lead, "hot")), 1)

    def test_band_written_through_the_orm(self):
        lead = self._lead()
        lead.write({"score_band": "hot"})
        self.assertEqual(len(self._handoffs(lead, "hot")), 1)
        lead.write({"score_band": "warm"})
        lead.write({"score_band": "hot"})
        self.assertEqual(len(self._handoffs(lead, "hot")), 1)

    def test_hot_leads_in_batch(self):
        leads = self.Lead.create(
            [
                {"name": f"Batch {i}", "team_id": self.team.id, "user_id": False}
                for i in range(5)
            ]
        )
        self._set_probability(leads, 0)
        self.all_rule.points = 80
        self.assertEqual(set(leads.mapped("score_band")), {"hot"})
        handoffs = self._handoffs(leads, "hot")
        self.assertEqual(len(handoffs), 5)
        self.assertEqual(handoffs.to_team_id, self.team)
        self.assertFalse(handoffs.to_user_id, "no salesperson, the team receives it")

    def test_won_opportunity_once(self):
        opportunity = self._lead(
            type="opportunity",
            partner_id=self.partner.id,
            user_id=self.user_salesman.id,
        )
        self.assertIs(opportunity.action_set_won(), True)
        handoff = self._handoffs(opportunity, "won")
        self.assertEqual(len(handoff), 1)
        self.assertEqual(handoff.to_ticket_team_id, self.onboarding)
        self.assertFalse(handoff.to_team_id)
        self.assertEqual(handoff.from_team_id, self.team)
        self.assertEqual(handoff.from_user_id, self.user_salesman)
        self.assertEqual(handoff.partner_id, self.partner)
        self.assertEqual(handoff.activity_ids.user_id, self.user_manager, "leader")
        # won again (another won stage, reopened and won): still one
        opportunity.stage_id = self.won_stage
        opportunity.stage_id = self.stage_new
        opportunity.action_set_won()
        self.assertEqual(len(self._handoffs(opportunity, "won")), 1)
        # created won: handed off too; the receiver takes it
        created = self.Lead.create(
            {"name": "Signed", "type": "opportunity", "stage_id": self.won_stage.id}
        )
        created_handoff = self._handoffs(created, "won")
        self.assertEqual(len(created_handoff), 1)
        self.assertIs(
            created_handoff.with_user(self.user_salesman).action_accept(), True
        )

    def test_no_onboarding_team_no_handoff(self):
        self.env.company.crm_handoff_won_team_id = False
        opportunity = self._lead(type="opportunity")
        opportunity.action_set_won()
        self.assertFalse(self._handoffs(opportunity, "won"))

    def test_hot_handoffs_are_set_based(self):
        """The cost of creating the hot handoffs does not grow with the
        number of leads."""

        def cost(count):
            leads = self.Lead.create(
                [
                    {"name": f"Cost {count} {i}", "team_id": self.team.id}
                    for i in range(count)
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            handoffs = self.Handoff._create_for_hot_leads(leads)
            self.env.flush_all()
            self.assertEqual(len(handoffs), count)
            return self.env.cr.sql_log_count - before

        cost(2)  # caches (models, activity type) warmed
        self.assertEqual(cost(3), cost(12))
