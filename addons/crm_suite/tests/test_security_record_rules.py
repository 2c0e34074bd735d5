# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Record rules by owner and company, and searches of user-written filters
run with the rights of the person the feature acts for (issue 11)."""

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import CrmSuiteFixturesMixin


@tagged("post_install", "-at_install")
class TestSecurityRecordRules(CrmSuiteFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._quiet_env()
        cls._setup_crm_suite_users()
        cls._own_score_rules_only()
        cls._own_campaigns_only()
        cls.company_a = cls.env.ref("base.main_company")
        cls.company_b = cls._new_company("Company B (rules)")
        cls._create_role_users(
            {
                # "own documents only"
                "seller_1": (
                    "crm_suite_rules_seller_1",
                    "Seller One",
                    "base.group_user,crm_suite.group_crm_suite_user",
                ),
                "seller_2": (
                    "crm_suite_rules_seller_2",
                    "Seller Two",
                    "base.group_user,crm_suite.group_crm_suite_user",
                ),
                # a Sales Administrator of company A only
                "admin_a": (
                    "crm_suite_rules_admin_a",
                    "Admin A",
                    "base.group_user,crm_suite.group_crm_suite_manager",
                ),
            }
        )
        cls.admin_b = cls.env["res.users"].create(
            {
                "name": "Admin B",
                "login": "crm_suite_rules_admin_b",
                "email": "admin.b@example.com",
                "company_id": cls.company_b.id,
                "company_ids": [(6, 0, cls.company_b.ids)],
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            cls.env.ref("base.group_user").id,
                            cls.env.ref("crm_suite.group_crm_suite_manager").id,
                        ],
                    )
                ],
            }
        )
        cls.partner_1, cls.partner_2, cls.partner_b = cls.env["res.partner"].create(
            [
                {"name": "Customer One", "email": "one@rules.example.com"},
                {"name": "Customer Two", "email": "two@rules.example.com"},
                {
                    "name": "Customer B",
                    "email": "b@rules.example.com",
                    "company_id": cls.company_b.id,
                },
            ]
        )
        Lead = cls.env["crm.lead"]
        cls.lead_1 = Lead.create(
            {
                "name": "Rules lead one",
                "email_from": "one@rules.example.com",
                "user_id": cls.seller_1.id,
                "partner_id": cls.partner_1.id,
                "company_id": cls.company_a.id,
            }
        )
        cls.lead_2 = Lead.create(
            {
                "name": "Rules lead two",
                "email_from": "two@rules.example.com",
                "user_id": cls.seller_2.id,
                "partner_id": cls.partner_2.id,
                "company_id": cls.company_a.id,
            }
        )
        cls.lead_b = Lead.create(
            {
                "name": "Rules lead B",
                "email_from": "b@rules.example.com",
                "partner_id": cls.partner_b.id,
                "company_id": cls.company_b.id,
                "user_id": False,
            }
        )
        cls.model_lead = cls.env["ir.model"]._get("crm.lead")
        cls.model_partner = cls.env["ir.model"]._get("res.partner")

    # ------------------------------------------------------------------
    # Counts of scoring rules
    # ------------------------------------------------------------------

    def test_lead_count_is_no_oracle_over_other_companies(self):
        """A rule for every company counts, for a company A administrator,
        the leads of company A only; a salesperson counts their own."""
        rule = (
            self.env["crm.score.rule"]
            .with_user(self.admin_a)
            .create(
                {
                    "name": "Probe",
                    "domain": "[('email_from', 'ilike', '@rules.example.com')]",
                    "points": 1,
                    "company_id": False,
                }
            )
        )
        self.assertEqual(rule.with_user(self.admin_a).lead_count, 2)
        self.assertEqual(rule.with_user(self.admin_b).lead_count, 1)
        self.assertEqual(rule.with_user(self.seller_1).lead_count, 1)
        # the engine (superuser) still scores every company's leads
        self.assertEqual(rule.sudo().lead_count, 3)
        team = self.env["crm.team"].create({"name": "Rules team", "company_id": False})
        (self.lead_1 | self.lead_2 | self.lead_b).team_id = team
        engagement = self.env["crm.score.rule"].create(
            {
                "name": "Opens",
                "rule_type": "engagement",
                "event_type": "email_opened",
                "points": 5,
                "company_id": False,
                "team_ids": [(6, 0, team.ids)],
            }
        )
        self.env["crm.score.event"]._record(
            [
                {
                    "event_type": "email_opened",
                    "lead_id": lead.id,
                    "res_model": "crm.lead",
                    "res_id": lead.id,
                }
                for lead in (self.lead_1, self.lead_2, self.lead_b)
            ]
        )
        (self.lead_1 | self.lead_2 | self.lead_b)._score_recompute()
        engagement.invalidate_recordset(["lead_count"])
        self.assertEqual(engagement.with_user(self.admin_a).lead_count, 2)
        self.assertEqual(engagement.with_user(self.seller_1).lead_count, 1)
        self.assertEqual(engagement.sudo().lead_count, 3)

    # ------------------------------------------------------------------
    # Score lines and events
    # ------------------------------------------------------------------

    def test_salespeople_see_score_lines_of_their_leads_only(self):
        self.env["crm.score.rule"].create(
            {"name": "Everyone", "domain": "[]", "points": 3, "company_id": False}
        )
        (self.lead_1 | self.lead_2 | self.lead_b)._score_recompute()
        Line = self.env["crm.lead.score.line"]
        line_2 = Line.search([("lead_id", "=", self.lead_2.id)])
        self.assertTrue(line_2)
        seen = Line.with_user(self.seller_1).search([]).lead_id
        self.assertIn(self.lead_1, seen)
        self.assertNotIn(self.lead_2, seen)
        self.assertNotIn(self.lead_b, seen)
        with self.assertRaises(AccessError):
            line_2.with_user(self.seller_1).read(["points"])
        self.assertEqual(
            Line.with_user(self.seller_2).search([]).lead_id & self.lead_1,
            self.env["crm.lead"],
        )
        # all documents (the administrator): every lead of their company
        seen = Line.with_user(self.admin_a).search([]).lead_id
        self.assertTrue(self.lead_1 | self.lead_2 <= seen)
        self.assertNotIn(self.lead_b, seen)

    def test_score_events_carry_their_company_and_follow_leads(self):
        self.assertTrue(self.env["crm.score.event"]._fields["company_id"].required)
        lonely = self.env["res.partner"].create({"name": "No lead, no company"})
        Event = self.env["crm.score.event"]
        Event._record(
            [
                {
                    "event_type": "email_opened",
                    "lead_id": lead.id,
                    "res_model": "crm.lead",
                    "res_id": lead.id,
                }
                for lead in (self.lead_1, self.lead_2, self.lead_b)
            ]
            + [
                {
                    "event_type": "email_clicked",
                    "partner_id": partner.id,
                    "res_model": "res.partner",
                    "res_id": partner.id,
                }
                for partner in (self.partner_1, self.partner_2, self.partner_b, lonely)
            ]
        )
        events = Event.search(
            [
                "|",
                ("lead_id", "in", (self.lead_1 | self.lead_2 | self.lead_b).ids),
                (
                    "partner_id",
                    "in",
                    (self.partner_1 | self.partner_2 | self.partner_b | lonely).ids,
                ),
            ]
        )
        self.assertEqual(len(events), 7)
        by_source = {(e.lead_id or e.partner_id): e.company_id for e in events}
        self.assertEqual(by_source[self.lead_1], self.company_a)
        self.assertEqual(by_source[self.lead_b], self.company_b)
        self.assertEqual(by_source[self.partner_b], self.company_b)
        self.assertEqual(by_source[lonely], self.env.company)
        self.assertTrue(all(events.mapped("company_id")))

        seen = Event.with_user(self.seller_1).search([("id", "in", events.ids)])
        self.assertEqual(
            {(e.lead_id or e.partner_id) for e in seen},
            {self.lead_1, self.partner_1},
        )
        with self.assertRaises(AccessError):
            events.filtered(lambda e: e.lead_id == self.lead_2).with_user(
                self.seller_1
            ).read(["event_type"])
        # company B's events stay in company B
        seen = Event.with_user(self.admin_a).search([("id", "in", events.ids)])
        self.assertFalse(seen.filtered(lambda e: e.company_id == self.company_b))
        self.assertEqual(len(seen), 5)
        seen = Event.with_user(self.admin_b).search([("id", "in", events.ids)])
        self.assertEqual(
            {(e.lead_id or e.partner_id) for e in seen}, {self.lead_b, self.partner_b}
        )

    # ------------------------------------------------------------------
    # Drip audiences, participants and traces
    # ------------------------------------------------------------------

    def _running_campaign(self, model=None, **values):
        model = model or self.model_lead
        email = "email" if model == self.model_partner else "email_from"
        return self._running_activity_campaign(
            "Rules campaign",
            f"[('{email}', 'ilike', '@rules.example.com')]",
            model=model,
            **values,
        )

    def test_drip_audience_stays_in_the_campaign_company(self):
        """Run as superuser (the cron), a campaign of company A enrols the
        records of company A (and shared ones), never those of company B."""
        campaign = self._running_campaign()
        unassigned = self.env["crm.lead"].create(
            {"name": "Shared", "email_from": "shared@rules.example.com"}
        )
        unassigned.company_id = False
        self.env["crm.drip.campaign"]._cron_sync_participants()
        enrolled = campaign.participant_ids.lead_id
        self.assertEqual(enrolled, self.lead_1 | self.lead_2 | unassigned)
        # contacts too
        campaign_partner = self._running_campaign(model=self.model_partner)
        campaign_partner._sync_participants()
        self.assertEqual(
            set(campaign_partner.participant_ids.mapped("res_id")),
            {self.partner_1.id, self.partner_2.id},
        )
        # a lead moved to company B leaves at the next sync
        self.lead_2.write({"company_id": self.company_b.id, "user_id": False})
        campaign._sync_participants()
        stopped = campaign.participant_ids.filtered(lambda p: p.state == "stopped")
        self.assertEqual(stopped.lead_id, self.lead_2)

    def test_drip_audience_has_the_rights_of_the_responsible(self):
        """The audience is what the campaign's responsible may read: a
        salesperson's campaign enrols their leads, not a colleague's."""
        campaign = self._running_campaign(user_id=self.seller_1.id)
        self.env["crm.drip.campaign"]._cron_sync_participants()
        self.assertEqual(campaign.participant_ids.lead_id, self.lead_1)
        # a responsible outside the campaign's company: nobody is enrolled
        campaign_b = self._running_campaign(user_id=self.admin_b.id)
        with self.assertRaises(UserError):
            campaign_b._sync_participants()
        with mute_logger("odoo.addons.crm_suite.models.crm_drip_campaign"):
            self.env["crm.drip.campaign"]._cron_sync_participants()
        self.assertFalse(campaign_b.participant_ids)

    def test_salespeople_see_participants_of_their_leads_only(self):
        campaign = self._running_campaign()
        campaign._sync_participants()
        campaign_partner = self._running_campaign(model=self.model_partner)
        campaign_partner._sync_participants()
        Participant = self.env["crm.drip.participant"]
        everyone = Participant.search(
            [("campaign_id", "in", (campaign | campaign_partner).ids)]
        )
        self.assertEqual(len(everyone), 4)
        seen = Participant.with_user(self.seller_1).search([("id", "in", everyone.ids)])
        self.assertEqual(seen.lead_id, self.lead_1)
        self.assertEqual(len(seen), 1)
        other = everyone.filtered(lambda p: p.lead_id == self.lead_2)
        with self.assertRaises(AccessError):
            other.with_user(self.seller_1).read(["state"])
        Trace = self.env["crm.drip.trace"]
        traces = Trace.search([("participant_id", "in", everyone.ids)])
        self.assertEqual(len(traces), 4)
        seen_traces = Trace.with_user(self.seller_1).search([("id", "in", traces.ids)])
        self.assertEqual(seen_traces.participant_id, seen)
        # the administrator sees them all
        self.assertEqual(
            Participant.with_user(self.admin_a).search([("id", "in", everyone.ids)]),
            everyone,
        )
        self.assertEqual(
            fields.first(seen).with_user(self.seller_1).record_name, self.lead_1.name
        )
