# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import CrmInteractionCommon


@tagged("post_install", "-at_install")
class TestCrmInteractionAccess(CrmInteractionCommon, TransactionCase):
    """A user reads the interactions of the sources they may read, nothing
    more; the attacks go through search, read and the 360 screen's RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_timeline()
        cls.company_b = cls._new_company("Timeline Company B")
        agent = "base.group_user,crm_suite.group_crm_suite_user"
        cls.agent_a = cls._new_company_user("timeline_agent_a", agent, cls.company)
        cls.agent_ab = cls._new_company_user(
            "timeline_agent_ab", agent, cls.company | cls.company_b
        )
        cls.team_b = cls.env["crm.ticket.team"].create(
            {"name": "Support B", "company_id": cls.company_b.id}
        )
        cls.ticket_b = cls.env["crm.ticket"].create(
            {
                "name": "Invoice in company B",
                "partner_id": cls.gina.id,
                "team_id": cls.team_b.id,
                "company_id": cls.company_b.id,
            }
        )
        cls.lead_company_b = cls.env["crm.lead"].create(
            {
                "name": "Globex in B",
                "partner_id": cls.gina.id,
                # unassigned: salespeople see it, in its company only
                "user_id": False,
                "company_id": cls.company_b.id,
            }
        )
        cls.note_partner = cls._note(cls, cls.globex, "About Globex")
        cls.note_a = cls._note(cls, cls.lead_a, "Lead A: budget 40k")
        cls.note_b = cls._note(cls, cls.lead_b, "Lead B: secret discount")
        cls.note_ticket_b = cls._note(cls, cls.ticket_b, "Ticket B: refund approved")
        cls.note_lead_company_b = cls._note(cls, cls.lead_company_b, "B only")

    def _summaries(self, user):
        return set(self._feed(user=user).mapped("summary"))

    def _interaction_of(self, message):
        return self.env["crm.interaction"].search([("source_id", "=", message.id)])

    def test_salesperson_sees_own_leads_only(self):
        self.assertEqual(
            self._summaries(self.seller_a), {"About Globex", "Lead A: budget 40k"}
        )
        self.assertEqual(
            self._summaries(self.seller_b), {"About Globex", "Lead B: secret discount"}
        )
        forbidden = self._interaction_of(self.note_b)
        self.assertTrue(forbidden)
        with self.assertRaises(AccessError):
            forbidden.with_user(self.seller_a).read(["summary"])
        with self.assertRaises(AccessError):
            forbidden.with_user(self.seller_a).action_open_source()
        # not through a domain on it, a count or a group either
        Interaction = self.env["crm.interaction"].with_user(self.seller_a)
        self.assertFalse(Interaction.search([("id", "=", forbidden.id)]))
        self.assertFalse(Interaction.search_count([("res_id", "=", self.lead_b.id)]))
        groups = Interaction._read_group(
            [("partner_id", "=", self.globex.id)], ["res_model"], ["__count"]
        )
        self.assertEqual(
            dict((model, count) for model, count in groups),
            {"crm.lead": 1, "res.partner": 1},
        )
        # the list view and search_read over RPC
        rows = Interaction.search_read(
            [("partner_id", "=", self.globex.id)], ["summary", "channel"]
        )
        self.assertEqual(
            {row["summary"] for row in rows}, {"About Globex", "Lead A: budget 40k"}
        )
        listed = Interaction.web_search_read(
            [("partner_id", "=", self.globex.id)],
            {"summary": {}, "partner_id": {"fields": {"display_name": {}}}},
            limit=80,
        )
        self.assertEqual(listed["length"], 2)
        page = Interaction.get_timeline(self.globex.id)
        self.assertEqual(
            {item["summary"] for item in page["items"]},
            {"About Globex", "Lead A: budget 40k"},
        )

    def test_companies_and_ticket_notes(self):
        """The internal note on a ticket of company B stays in company B."""
        self.assertNotIn("Ticket B: refund approved", self._summaries(self.agent_a))
        self.assertNotIn("B only", self._summaries(self.agent_a))
        self.assertIn("About Globex", self._summaries(self.agent_a))
        both = self._summaries(self.agent_ab)
        self.assertIn("Ticket B: refund approved", both)
        self.assertIn("B only", both)
        with self.assertRaises(AccessError):
            self._interaction_of(self.note_ticket_b).with_user(self.agent_a).read(
                ["summary"]
            )

    def test_internal_user_without_group(self):
        """Any employee reads the feed of what they may read, without a
        CRM Collaboration role: a partner's notes, not the leads' ones."""
        self.assertFalse(
            self.user_internal.has_group("crm_collab.group_crm_collab_user")
        )
        self.assertEqual(self._summaries(self.user_internal), {"About Globex"})
        data = (
            self.env["crm.interaction"]
            .with_user(self.user_internal)
            .get_customer_360(self.globex.id)
        )
        # figures of what they may not read are not computed for them
        self.assertIsNone(data["figures"]["open_leads"])
        self.assertIsNone(data["figures"]["revenue_12m"])

    def test_portal_user_denied(self):
        portal = self._new_portal_user_of(self.gina)
        Interaction = self.env["crm.interaction"].with_user(portal)
        with self.assertRaises(AccessError):
            Interaction.search([])
        with self.assertRaises(AccessError):
            Interaction.get_customer_360(self.globex.id)
        with self.assertRaises(AccessError):
            Interaction.get_timeline(self.globex.id)
        with self.assertRaises(AccessError):
            self._interaction_of(self.note_partner).with_user(portal).read(["summary"])

    def test_feed_is_read_only(self):
        interaction = self._interaction_of(self.note_a).with_user(self.seller_a)
        with self.assertRaises(AccessError):
            interaction.write({"summary": "changed"})
        with self.assertRaises(AccessError):
            interaction.unlink()

    def _new_portal_user_of(self, partner):
        user = self.env["res.users"].create(
            {
                "name": "Gina Portal",
                "login": "timeline_gina_portal",
                "partner_id": partner.id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        return user
