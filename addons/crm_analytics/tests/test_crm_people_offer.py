# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

ANALYST = "base.group_user,crm_analytics.group_crm_analytics_user"
SALES = "base.group_user,sales_team.group_sale_salesman"


@tagged("post_install", "-at_install")
class TestCrmPeopleAndOffers(AccountTestInvoicingCommon):
    """Salesperson and agent performance with known values, and the
    next-best offer of a customer (one grouped query)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.env.user.groups_id += cls.env.ref(
            "crm_analytics.group_crm_analytics_manager"
        )
        cls.seller = new_test_user(
            cls.env,
            login="people_seller",
            groups=SALES,
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.agent = new_test_user(
            cls.env,
            login="people_agent",
            groups="base.group_user,crm_suite.group_crm_suite_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.analyst = new_test_user(
            cls.env,
            login="people_analyst",
            groups=ANALYST,
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "People team", "company_id": cls.company.id}
        )
        cls.products = {
            key: cls._create_product(name=f"Offer {key}") for key in "XYZWV"
        }

    def _lead(self, name, **vals):
        return (
            self.env["crm.lead"]
            .with_company(self.company)
            .create(
                dict(
                    name=name,
                    type="opportunity",
                    user_id=self.seller.id,
                    team_id=self.team.id,
                    company_id=self.company.id,
                    **vals,
                )
            )
        )

    def test_salesperson_known_values(self):
        won_stage = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        won = self._lead("Won", expected_revenue=5000.0)
        won.write({"stage_id": won_stage.id, "probability": 100})
        lost = self._lead("Lost", expected_revenue=9000.0)
        lost.action_set_lost()
        fresh = self._lead("Fresh", expected_revenue=100.0)
        self._lead("Untouched")
        # created 4 hours ago, answered by email now; "won" answered after 2 hours
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = now() AT TIME ZONE 'UTC'"
            " - interval '4 hours' WHERE id = %s",
            [fresh.id],
        )
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = now() AT TIME ZONE 'UTC'"
            " - interval '2 hours' WHERE id = %s",
            [won.id],
        )
        self.env.invalidate_all()
        fresh.with_user(self.seller).message_post(
            body="Hello", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        # an internal note is not a response
        won.with_user(self.seller).message_post(
            body="Note", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        activity = won.with_user(self.seller).activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.seller.id
        )
        activity.with_user(self.seller).action_done()
        row = (
            self.env["crm.salesperson.report"]
            .with_user(self.analyst)
            .search([("user_id", "=", self.seller.id)])
        )
        self.assertEqual(len(row), 1)
        self.assertEqual(row.team_id, self.team)
        self.assertEqual(row.lead_count, 4)
        self.assertEqual(row.activity_done_count, 1)
        self.assertAlmostEqual(row.win_rate, 50.0)
        self.assertAlmostEqual(row.revenue, 5000.0)
        # fresh: 4 h to its email; won: 2 h to its activity; untouched left out
        self.assertAlmostEqual(row.response_hours, 3.0, delta=0.05)

    def test_agent_reuses_ticket_analysis(self):
        Ticket = self.env["crm.ticket"].with_company(self.company)
        ticket_team = (
            self.env["crm.ticket.team"]
            .sudo()
            .create({"name": "People desk", "company_id": self.company.id})
        )
        customer = self.env["res.partner"].create({"name": "Ticket customer"})
        tickets = Ticket.create(
            [
                {
                    "name": f"T{i}",
                    "team_id": ticket_team.id,
                    "user_id": self.agent.id,
                    "partner_id": customer.id,
                    "company_id": self.company.id,
                }
                for i in range(3)
            ]
        )
        tickets[:2].write({"stage_id": self.env.ref("crm_suite.stage_solved").id})
        for ticket, value in zip(tickets[:2], (4, 1), strict=True):
            self.env["rating.rating"].create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("crm.ticket"),
                    "res_id": ticket.id,
                    "rating": value,
                    "consumed": True,
                    "partner_id": customer.id,
                }
            )
        row = (
            self.env["crm.agent.report"]
            .with_user(self.analyst)
            .search([("user_id", "=", self.agent.id)])
        )
        self.assertEqual((row.ticket_count, row.ticket_closed_count), (3, 2))
        self.assertAlmostEqual(row.csat, 2.5)
        [(rate,)] = self.env["crm.ticket.report"]._read_group(
            [("user_id", "=", self.agent.id)], [], ["sla_success_rate:avg"]
        )
        self.assertAlmostEqual(row.sla_success_rate, rate or 0.0)

    def test_people_reports_refused_outside_analytics(self):
        for model in ("crm.salesperson.report", "crm.agent.report"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.seller).search([])

    def _buy(self, partner, keys, post=True):
        return self.init_invoice(
            "out_invoice",
            partner,
            fields.Date.today() - timedelta(days=3),
            post,
            products=[self.products[k] for k in keys],
        )

    def test_next_offer_most_frequent_first(self):
        Partner = self.env["res.partner"]
        a, b, c, d, e = Partner.create([{"name": f"NBO {k}"} for k in "ABCDE"])
        self._buy(a, "XY")
        self._buy(a, "V", post=False)  # a draft: not bought, not excluded
        self._buy(b, "XZ")
        self._buy(c, "XZW")
        self._buy(d, "YW")
        self._buy(e, "XWV")
        p = self.products
        a_contact = Partner.create({"name": "NBO A contact", "parent_id": a.id})
        seller = a.with_user(self.seller).with_company(self.company)
        # W: C, D and E bought it; Z: B and C; V: E only
        self.assertEqual(
            seller.crm_next_offer_product_ids.ids, [p["W"].id, p["Z"].id, p["V"].id]
        )
        # a contact gets its company's offers
        self.assertEqual(
            a_contact.with_company(self.company).crm_next_offer_product_ids,
            seller.crm_next_offer_product_ids,
        )
        # E already bought X, W and V: Y (A, D) and Z (B, C) are tied, by product
        self.assertEqual(
            e.with_company(self.company).crm_next_offer_product_ids.ids,
            sorted([p["Y"].id, p["Z"].id]),
        )

    def test_next_offer_constant_queries(self):
        Partner = self.env["res.partner"]
        partners = Partner.create([{"name": f"NBO Q{i}"} for i in range(6)])
        for partner, keys in zip(
            partners, ("XY", "XZ", "YW", "ZW", "XV", "VW"), strict=True
        ):
            self._buy(partner, keys)
        one = partners[:1].with_company(self.company)
        many = partners.with_company(self.company)
        self.env.invalidate_all()
        one.fetch(["name", "commercial_partner_id"])
        with self.assertQueryCount(3):
            one.mapped("crm_next_offer_product_ids")
        self.env.invalidate_all()
        many.fetch(["name", "commercial_partner_id"])
        with self.assertQueryCount(3):
            many.mapped("crm_next_offer_product_ids")
