# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Records of the engines made by hand over RPC (issue 11, review 3 and 4):
manual score lines and drip participants/traces name no record of another
model or company, and show names with the reader's rights."""

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import CrmSuiteFixturesMixin

# AccessError is a UserError: either refusal
REFUSED = UserError


@tagged("post_install", "-at_install")
class TestSecurityManualRecords(CrmSuiteFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._quiet_env()
        cls._own_score_rules_only()
        cls._own_campaigns_only()
        cls.company_a = cls.env.ref("base.main_company")
        cls.company_b = cls._new_company("Company B (manual)")
        user = cls._new_company_user
        # a Sales Administrator of company A, not a Settings administrator
        cls.sales_admin = user(
            "crm_suite_manual_sa",
            "base.group_user,sales_team.group_sale_manager",
            cls.company_a,
        )
        # the same, in companies A and B
        cls.sales_admin_ab = user(
            "crm_suite_manual_sa_ab",
            "base.group_user,sales_team.group_sale_manager",
            cls.company_a | cls.company_b,
        )
        # CRM Suite administrators of company A, and of company B only
        cls.manager_a = user(
            "crm_suite_manual_cm",
            "base.group_user,crm_suite.group_crm_suite_manager",
            cls.company_a,
        )
        cls.manager_b = user(
            "crm_suite_manual_cmb",
            "base.group_user,crm_suite.group_crm_suite_manager",
            cls.company_b,
        )
        for attacker in (cls.sales_admin, cls.manager_b):
            assert not attacker.has_group("base.group_system")
        Lead = cls.env["crm.lead"]
        cls.lead_a = Lead.create(
            {
                "name": "Manual lead A",
                "email_from": "a@manual.example.com",
                "company_id": cls.company_a.id,
                "user_id": False,
            }
        )
        cls.lead_b = Lead.create(
            {
                "name": "Manual lead B SECRET",
                "email_from": "b@manual.example.com",
                "company_id": cls.company_b.id,
                "user_id": False,
            }
        )
        cls.partner_b = cls.env["res.partner"].create(
            {"name": "Customer B SECRET", "company_id": cls.company_b.id}
        )
        cls.param = cls.env["ir.config_parameter"].search(
            [("key", "=", "database.secret")]
        )
        cls.rule = cls.env["crm.score.rule"].create(
            {
                "name": "Met at a fair",
                "rule_type": "engagement",
                "event_type": "activity_done",
                "points": 10,
                "company_id": False,
            }
        )
        cls.rule_b = cls.env["crm.score.rule"].create(
            {
                "name": "B's fair",
                "rule_type": "engagement",
                "event_type": "activity_done",
                "points": 10,
                "company_id": cls.company_b.id,
            }
        )

    # ------------------------------------------------------------------
    # Manual score lines
    # ------------------------------------------------------------------

    def _line_as(self, user, lead, **values):
        return (
            self.env["crm.lead.score.line"]
            .with_user(user)
            .create({"lead_id": lead.id, "rule_id": self.rule.id, **values})
        )

    def test_manual_line_names_no_record_of_another_model_or_company(self):
        """A Sales Administrator may not point a manual line at any record
        to read its name (other company's lead, contact, system parameter)."""
        for record in (self.lead_b, self.partner_b, self.param, self.company_b):
            with self.subTest(model=record._name), self.assertRaises(UserError):
                line = self._line_as(
                    self.sales_admin,
                    self.lead_a,
                    points=0,
                    res_model=record._name,
                    res_id=record.id,
                )
                # before the fix: the record's name, read as superuser
                line.read(["source_name"])
        own = self._line_as(self.sales_admin, self.lead_a)
        for values in (
            {"res_model": "crm.lead", "res_id": self.lead_b.id},
            {"res_id": self.lead_b.id},
            {"is_manual": False},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                own.write(values)

    def test_source_name_is_read_with_the_readers_rights(self):
        """The engine's lines (whatever they point to) show a source the
        reader may not read by its kind only, never its name."""
        Line = self.env["crm.lead.score.line"]
        lines = Line.create(
            [
                {
                    "lead_id": self.lead_a.id,
                    "rule_id": self.rule.id,
                    "res_model": record._name,
                    "res_id": record.id,
                }
                for record in (self.lead_a, self.lead_b, self.partner_b, self.param)
            ]
        )
        names = {
            line.res_model + str(line.res_id): line.source_name
            for line in lines.with_user(self.sales_admin)
        }
        self.assertEqual(names[f"crm.lead{self.lead_a.id}"], self.lead_a.name)
        shown = " ".join(names.values())
        self.assertNotIn("SECRET", shown)
        self.assertNotIn("database.secret", shown)
        self.assertEqual(
            names[f"crm.lead{self.lead_b.id}"],
            self.env["ir.model"]._get("crm.lead").name,
        )
        # as superuser: the names
        self.assertIn(self.lead_b.name, lines.mapped("source_name"))
        # also when read through the lead's form
        data = self.lead_a.with_user(self.sales_admin).web_read(
            {"score_line_ids": {"fields": {"source_name": {}}}}
        )
        self.assertNotIn(
            "SECRET", " ".join(v["source_name"] for v in data[0]["score_line_ids"])
        )

    def test_manual_line_stays_in_the_leads_company(self):
        """`company_id: False` no longer passes the company rule: the line
        is the lead's, and the lead must be one the user may change."""
        with self.assertRaises(AccessError):
            self._line_as(self.sales_admin, self.lead_b, points=60, company_id=False)
        with self.assertRaises(AccessError):
            self._line_as(self.manager_b, self.lead_a, points=60, company_id=False)
        self.assertEqual(self.lead_b.score_engagement, 0)
        self.assertEqual(self.lead_a.score_engagement, 0)
        line = self._line_as(self.sales_admin, self.lead_a, company_id=False)
        self.assertEqual(line.company_id, self.company_a)
        line.write({"company_id": self.company_b.id})
        self.assertEqual(line.company_id, self.company_a)
        with self.assertRaises(AccessError):
            line.write({"lead_id": self.lead_b.id})
        # a rule of another company than the lead's
        with self.assertRaises(UserError):
            self.env["crm.lead.score.line"].with_user(self.sales_admin_ab).create(
                {"lead_id": self.lead_a.id, "rule_id": self.rule_b.id}
            )
        with self.assertRaises(UserError):
            line.with_user(self.sales_admin_ab).write({"rule_id": self.rule_b.id})
        # company B's manager cannot touch it either
        with self.assertRaises(AccessError):
            line.with_user(self.manager_b).write({"points": 99})
        with self.assertRaises(AccessError):
            line.with_user(self.manager_b).unlink()

    def test_manual_adjustment_keeps_working_for_the_sales_manager(self):
        line = self._line_as(self.sales_admin, self.lead_a, points=12)
        self.assertTrue(line.is_manual)
        self.assertEqual(self.lead_a.score_engagement, 12)
        self.lead_a.with_user(self.sales_admin).action_recompute_score()
        self.assertTrue(line.exists())
        self.assertEqual(self.lead_a.score_engagement, 12)
        line.write({"points": 5, "date": fields.Datetime.now()})
        self.assertEqual(self.lead_a.score_engagement, 5)
        self.assertEqual(line.source_name, False)
        line_b = self._line_as(self.manager_b, self.lead_b, points=3)
        self.assertEqual(line_b.company_id, self.company_b)
        self.assertEqual(self.lead_b.score_engagement, 3)
        line.unlink()
        self.assertEqual(self.lead_a.score_engagement, 0)

    # ------------------------------------------------------------------
    # Drip participants and traces
    # ------------------------------------------------------------------

    def _campaign(self, user=None):
        return self._running_activity_campaign(
            "Manual campaign",
            "[('email_from', 'ilike', '@manual.example.com')]",
            user_id=(user or self.manager_a).id,
        )

    def test_managers_create_no_participant_nor_trace(self):
        campaign = self._campaign()
        Participant = self.env["crm.drip.participant"]
        for user, values in (
            # company A's manager, on company B's lead
            (
                self.manager_a,
                {
                    "model_name": "crm.lead",
                    "res_id": self.lead_b.id,
                    "company_id": self.company_a.id,
                },
            ),
            (
                self.manager_a,
                {
                    "model_name": "res.partner",
                    "res_id": self.partner_b.id,
                    "company_id": self.company_a.id,
                },
            ),
            # company B's manager, on company A's campaign
            (
                self.manager_b,
                {
                    "model_name": "crm.lead",
                    "res_id": self.lead_a.id,
                    "company_id": self.company_b.id,
                },
            ),
        ):
            with self.subTest(user=user.login, values=values):
                with self.assertRaises(REFUSED):
                    participant = Participant.with_user(user).create(
                        {"campaign_id": campaign.id, **values}
                    )
                    # before the fix: the record's name, read as superuser
                    participant.read(["record_name", "campaign_id"])
        self.assertFalse(campaign.participant_ids)
        campaign._sync_participants()
        participant = campaign.participant_ids
        self.assertEqual(participant.lead_id, self.lead_a)
        with self.assertRaises(REFUSED):
            self.env["crm.drip.trace"].with_user(self.manager_a).create(
                {
                    "participant_id": participant.id,
                    "step_id": campaign.step_ids.id,
                    "campaign_id": campaign.id,
                }
            )

    def test_identity_of_participants_and_traces_is_the_engines(self):
        campaign = self._campaign()
        campaign._sync_participants()
        participant = campaign.participant_ids.with_user(self.manager_a)
        trace = participant.trace_ids
        self.assertEqual(len(trace), 1)
        other = self._campaign()
        for values in (
            {"res_id": self.lead_b.id},
            {"model_name": "res.partner"},
            {"campaign_id": other.id},
            {"company_id": self.company_b.id},
            {"lead_id": self.lead_b.id},
            {"email_normalized": "b@manual.example.com"},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                participant.write(values)
        for values in (
            {"participant_id": other.participant_ids.id or participant.id},
            {"step_id": other.step_ids.id},
            {"campaign_id": other.id},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                trace.write(values)
        self.assertEqual(participant.res_id, self.lead_a.id)
        self.assertEqual(trace.step_id, campaign.step_ids)
        # what managers do stays: move a step in time, stop a participant
        soon = fields.Datetime.now()
        trace.write({"schedule_date": soon})
        self.assertEqual(trace.schedule_date, soon)
        self.assertIs(participant.action_stop(), True)
        self.assertEqual(participant.state, "stopped")
        self.assertEqual(trace.state, "canceled")

    def test_participants_follow_their_campaigns_company(self):
        """Even a participant written with another company (by the engine,
        or before this fix) stays within its campaign's company."""
        campaign = self._campaign()
        participant = self.env["crm.drip.participant"].create(
            {
                "campaign_id": campaign.id,
                "company_id": self.company_b.id,
                "model_name": "crm.lead",
                "res_id": self.lead_a.id,
            }
        )
        self.assertEqual(participant.company_id, self.company_a)
        self.env.cr.execute(
            "UPDATE crm_drip_participant SET company_id = %s WHERE id = %s",
            (self.company_b.id, participant.id),
        )
        self.env.invalidate_all()
        self.assertFalse(
            self.env["crm.drip.participant"]
            .with_user(self.manager_b)
            .search([("id", "=", participant.id)])
        )
        with self.assertRaises(AccessError):
            participant.with_user(self.manager_b).read(["record_name"])

    def test_record_name_is_read_with_the_readers_rights(self):
        """A participant on a record the reader may not read (one enrolled
        before this fix, a record moved to another company) shows no name,
        nor through its traces."""
        campaign = self._campaign()
        participant = self.env["crm.drip.participant"].create(
            {
                "campaign_id": campaign.id,
                "model_name": "crm.lead",
                "res_id": self.lead_b.id,
            }
        )
        trace = self.env["crm.drip.trace"].create(
            {
                "participant_id": participant.id,
                "step_id": campaign.step_ids.id,
                "campaign_id": campaign.id,
            }
        )
        self.assertEqual(participant.record_name, self.lead_b.name)
        as_manager = participant.with_user(self.manager_a)
        self.assertEqual(as_manager.record_name, f"Restricted record #{self.lead_b.id}")
        self.assertEqual(as_manager.display_name, as_manager.record_name)
        read = trace.with_user(self.manager_a).read(["record_name", "participant_id"])
        shown = f"{read[0]['record_name']} {read[0]['participant_id'][1]}"
        self.assertNotIn("SECRET", shown)

    def test_test_wizard_still_enrols_for_a_manager(self):
        campaign = self._campaign()
        wizard = (
            self.env["crm.drip.test"]
            .with_user(self.manager_a)
            .create(
                {
                    "campaign_id": campaign.id,
                    "record_ref": f"crm.lead,{self.lead_a.id}",
                }
            )
        )
        action = wizard.action_launch()
        participant = self.env["crm.drip.participant"].browse(action["res_id"])
        self.assertTrue(participant.is_test)
        self.assertEqual(participant.company_id, self.company_a)
        self.assertEqual(
            participant.with_user(self.manager_a).record_name, self.lead_a.name
        )
        self.assertEqual(len(participant.trace_ids), 1)
        participant.trace_ids.with_user(self.manager_a).action_execute_now()
        self.assertEqual(participant.trace_ids.state, "done")
        # not on another company's lead
        with self.assertRaises(REFUSED):
            self.env["crm.drip.test"].with_user(self.manager_a).create(
                {
                    "campaign_id": campaign.id,
                    "record_ref": f"crm.lead,{self.lead_b.id}",
                }
            ).action_launch()
