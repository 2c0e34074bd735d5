# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Event rules fire once per crossing, again only after leaving and
re-entering; tiers follow the revenue of the last 12 months; the evaluation's
query count does not depend on the number of customers; routing by tier, the
ticket service level and the ``invoice_paid`` scoring event."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..engines.event_rules import crossings, is_inside
from .segments_common import SegmentBooksCommon


@tagged("post_install", "-at_install")
class TestCrmEventRule(SegmentBooksCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.c = cls._customers(3, "Event customer")
        cls._post(
            [(cls.c[0], 10, 5000.0), (cls.c[1], 20, 1500.0), (cls.c[2], 400, 900.0)]
        )
        cls.tag = cls.env["res.partner.category"].create({"name": "Big spender"})
        Tier = cls.env["crm.customer.tier"]
        cls.silver = Tier.create(
            {"name": "Silver", "min_revenue": 1000, "company_id": cls.company_a.id}
        )
        cls.gold = Tier.create(
            {"name": "Gold", "min_revenue": 3000, "company_id": cls.company_a.id}
        )
        cls.rule = cls.env["crm.event.rule"].create(
            {
                "name": "Spent 1,000",
                "company_id": cls.company_a.id,
                "metric": "revenue_12m",
                "operator": ">=",
                "threshold": 1000,
                "action_type": "add_tag",
                "tag_id": cls.tag.id,
            }
        )

    def _firings(self, partner):
        return self.env["crm.event.rule.firing"].search(
            [("rule_id", "=", self.rule.id), ("partner_id", "=", partner.id)]
        )

    def test_engine(self):
        self.assertTrue(is_inside(3.0, "<=", 3))
        self.assertFalse(is_inside(None, ">=", 0))
        self.assertEqual(crossings({1}, {1}), (set(), set()))

    def test_fires_once_per_crossing(self):
        self.assertTrue(self.rule.action_evaluate())
        c = self.c
        self.assertEqual(len(self._firings(c[0])), 1)
        self.assertEqual(len(self._firings(c[1])), 1)
        self.assertFalse(self._firings(c[2]))
        self.assertIn(self.tag, c[0].category_id)
        self.assertIn("Spent 1,000", c[1].message_ids[0].body)
        self.assertEqual(self._firings(c[0]).value, 5000.0)
        # evaluated again, nothing new
        self.rule.action_evaluate()
        self.env["crm.event.rule"]._cron_evaluate()
        self.assertEqual(len(self._firings(c[1])), 1)
        # customer 1 leaves (a credit note), then re-enters: fires again
        self._post([(c[1], 1, 800.0, "out_refund")])
        self.rule.action_evaluate()
        self.assertEqual(len(self._firings(c[1])), 1)
        self.assertFalse(
            self.env["crm.event.rule.member"].search(
                [("rule_id", "=", self.rule.id), ("partner_id", "=", c[1].id)]
            )
        )
        self._post([(c[1], 0, 600.0)])
        self.rule.action_evaluate()
        self.assertEqual(len(self._firings(c[1])), 2)
        self.assertEqual(len(self._firings(c[0])), 1)

    def test_tiers_follow_the_revenue_of_12_months(self):
        self.rule.action_evaluate()
        a = self.company_a
        self.assertEqual(self.c[0].with_company(a).crm_tier_id, self.gold)
        self.assertEqual(self.c[1].with_company(a).crm_tier_id, self.silver)
        self.assertFalse(self.c[2].with_company(a).crm_tier_id)
        self.assertFalse(self.c[0].with_company(self.company_b).crm_tier_id)
        self.assertEqual(self.silver.customer_count, 1)
        self.gold.min_revenue = 6000
        self.env["crm.event.rule"]._cron_evaluate()
        self.assertEqual(self.c[0].with_company(a).crm_tier_id, self.silver)

    def test_set_tier_rule_grants_its_tier_while_inside(self):
        self.env["crm.event.rule"].create(
            {
                "name": "Dormant: gold anyway",
                "company_id": self.company_a.id,
                "metric": "days_since_last_invoice",
                "operator": ">=",
                "threshold": 365,
                "action_type": "set_tier",
                "tier_id": self.gold.id,
            }
        ).action_evaluate()
        self.assertEqual(self.c[2].with_company(self.company_a).crm_tier_id, self.gold)

    def test_ticket_priority_is_the_tiers_service_level(self):
        team = self.env["crm.ticket.team"].create(
            {"name": "Support A", "company_id": self.company_a.id}
        )
        Ticket = self.env["crm.ticket"].with_company(self.company_a)
        gold_ticket = Ticket.create(
            {"name": "Help", "partner_id": self.c[0].id, "team_id": team.id}
        )
        silver_ticket = Ticket.create(
            {"name": "Help too", "partner_id": self.c[1].id, "team_id": team.id}
        )
        self.rule.write(
            {
                "action_type": "ticket_priority",
                "tier_id": self.gold.id,
                "ticket_priority": "2",
            }
        )
        self.rule.action_evaluate()
        self.assertEqual(gold_ticket.priority, "2")
        self.assertEqual(silver_ticket.priority, "0")

    def test_ticket_metrics_and_the_feedback_email(self):
        team = self.env["crm.ticket.team"].create(
            {"name": "Support A", "company_id": self.company_a.id}
        )
        closed = self.env["crm.ticket.stage"].create(
            {"name": "Solved", "is_closed": True, "team_ids": [(6, 0, team.ids)]}
        )
        ticket = (
            self.env["crm.ticket"]
            .with_company(self.company_a)
            .create({"name": "Broken", "partner_id": self.c[2].id, "team_id": team.id})
        )
        template = self.env["mail.template"].create(
            {
                "name": "How did we do?",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "subject": "How did we do, {{ object.name }}?",
                "body_html": "<p>Tell us</p>",
                "email_to": "{{ object.email }}",
            }
        )
        feedback = self.env["crm.event.rule"].create(
            {
                "name": "Ticket closed: feedback request",
                "company_id": self.company_a.id,
                "metric": "ticket_closed",
                "operator": ">=",
                "threshold": 1,
                "action_type": "email",
                "mail_template_id": template.id,
            }
        )
        unhappy = self.env["crm.event.rule"].create(
            {
                "name": "Bad rating: call",
                "company_id": self.company_a.id,
                "metric": "rating_given",
                "operator": "<=",
                "threshold": 2,
                "action_type": "activity",
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            }
        )
        feedback.action_evaluate()
        self.assertFalse(feedback.firing_count)
        ticket.stage_id = closed
        self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.ticket"),
                "res_id": ticket.id,
                "rating": 2,
                "consumed": True,
            }
        )
        feedback.action_evaluate()
        self.assertEqual(feedback.firing_count, 1)
        mail = self.env["mail.mail"].search([("subject", "like", self.c[2].name)])
        self.assertEqual(len(mail), 1)
        self.assertEqual(unhappy.firing_count, 1)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.c[2].id)]
        )
        self.assertEqual(activity.activity_type_id.name, "Call")

    def test_routing_by_customer_tier(self):
        self.rule.action_evaluate()
        default = self.env["crm.ticket.team"].create(
            {"name": "First line", "company_id": self.company_a.id, "sequence": 1}
        )
        vip = self.env["crm.ticket.team"].create(
            {"name": "VIP desk", "company_id": self.company_a.id, "sequence": 50}
        )
        self.env["crm.ticket.routing.rule"].create(
            {
                "name": "Gold customers",
                "company_id": self.company_a.id,
                "team_id": vip.id,
                "tier_ids": [(6, 0, self.gold.ids)],
            }
        )
        Ticket = self.env["crm.ticket"].with_company(self.company_a)
        gold = Ticket.create({"name": "Gold asks", "partner_id": self.c[0].id})
        silver = Ticket.create({"name": "Silver asks", "partner_id": self.c[1].id})
        self.assertEqual(gold.team_id, vip)
        self.assertNotEqual(silver.team_id, vip)
        self.assertTrue(default)

    def test_invoice_paid_is_a_scoring_event(self):
        cron = self.env.ref("crm_analytics.ir_cron_crm_event_rule")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        invoice = self._post([(self.c[1], 1, 100.0)])
        # posting wakes the event rules' job up
        self.assertGreater(Trigger.search_count([("cron_id", "=", cron.id)]), before)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 100.0}).action_create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        event = self.env["crm.score.event"].search(
            [("event_type", "=", "invoice_paid"), ("res_id", "=", invoice.id)]
        )
        self.assertEqual(event.partner_id, self.c[1])
        self.assertEqual(event.company_id, self.company_a)
        self.assertIn(
            "invoice_paid",
            dict(self.env["crm.score.rule"]._fields["event_type"].selection),
        )

    def test_attacks(self):
        # a reader may not evaluate; company B sees no rule, tier or firing of A
        with self.assertRaises(AccessError):
            self.rule.with_user(self.analyst_a).action_evaluate()
        self.rule.action_evaluate()
        for model in ("crm.event.rule", "crm.customer.tier", "crm.event.rule.firing"):
            self.assertFalse(self.env[model].with_user(self.manager_b).search([]))
        with self.assertRaises(AccessError):
            self.rule.with_user(self.manager_b).action_evaluate()


@tagged("post_install", "-at_install")
class TestCrmEventRuleQueries(SegmentBooksCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls._customers(60, "Counted customer")
        cls._post([(p, 5, 100.0 * (i + 1)) for i, p in enumerate(cls.customers)])
        cls.tag = cls.env["res.partner.category"].create({"name": "Counted"})
        cls.rule = cls.env["crm.event.rule"].create(
            {
                "name": "Counted",
                "company_id": cls.company_a.id,
                "metric": "revenue_12m",
                "operator": ">=",
                "threshold": 5001,  # 10 customers inside
                "action_type": "add_tag",
                "tag_id": cls.tag.id,
            }
        )
        cls.env["crm.customer.tier"].create(
            {
                "name": "Counted tier",
                "min_revenue": 3000,
                "company_id": cls.company_a.id,
            }
        )

    def _evaluate(self):
        self.env.invalidate_all()
        self.rule.action_evaluate()
        self.env.flush_all()

    def test_query_count_does_not_depend_on_customers(self):
        start = self.env.cr.sql_log_count
        self._evaluate()
        ten = self.env.cr.sql_log_count - start
        self.assertEqual(len(self.tag.partner_ids), 10)
        self.rule.threshold = 1001  # 50 customers inside (the first 10 re-fire)
        self.env.flush_all()
        with self.assertQueryCount(ten):
            self._evaluate()
        self.assertEqual(len(self.tag.partner_ids), 50)
