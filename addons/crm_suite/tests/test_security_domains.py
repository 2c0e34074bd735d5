# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Domains written by users are data, not code: the attacks of issue 11 on
scoring rules, drip campaigns and steps and SLA customer filters."""

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from ..models.crm_suite_domain import DomainError, eval_domain
from .common import CrmSuiteUsersMixin

MARKER = "PWNED-crm-suite-domain"


@tagged("post_install", "-at_install")
class TestDomainsAreData(CrmSuiteUsersMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls._setup_crm_suite_users()
        cls._create_role_users(
            {
                # a Sales Administrator, not a system administrator
                "sales_admin": (
                    "crm_suite_sales_admin",
                    "Sara Sales Admin",
                    "base.group_user,sales_team.group_sale_manager",
                ),
            }
        )
        cls.group_system = cls.env.ref("base.group_system")
        cls.secret = cls.env["ir.config_parameter"].sudo().get_param("database.secret")
        cls.model_lead = cls.env["ir.model"]._get("crm.lead")
        cls.attacks = [
            # become a system administrator
            "[('id', '=', user.write({'groups_id': [(4, %d)]}))]" % cls.group_system.id,
            "[('id', '!=', user.sudo().write({'groups_id': [(4, %d)]}))]"
            % cls.group_system.id,
            # leave a trace of running code
            f"[('id', '=', user.env['res.partner'].create({{'name': '{MARKER}'}}).id)]",
            # read the database secret (through the error message or a count)
            "[('name', '=', user.env['ir.config_parameter'].get_param("
            "'database.secret'))]",
            "[('name', '=', env['ir.config_parameter'].get_param('database.secret'))]",
            "[('name', '=', user.sudo().env.cr.dbname)]",
            # escape the sandbox
            "[('name', '=', ().__class__.__base__.__subclasses__())]",
            "[('name', '=', context_today().__class__.__name__)]",
            "[('name', '=', datetime.datetime.now().__reduce__())]",
            "[('name', '=', str(1))]",
            "[('id', 'in', [c for c in company_ids])]",
            "[('name', '=', (lambda: 1)())]",
            "[('name', '=', 'x' * 10 ** 9)]",
            "[('name', '=', datetime.sys)]",
            "[('name', '=', context_today().strftime.__self__)]",
        ]

    def _assert_no_privilege_gained(self, user):
        user.invalidate_recordset()
        self.assertNotIn(self.group_system, user.groups_id)
        self.assertFalse(user.has_group("base.group_system"))
        self.assertFalse(
            self.env["res.partner"]
            .with_context(active_test=False)
            .search_count([("name", "=", MARKER)])
        )

    def _stored_attack(self):
        """A filter that makes the Sales Administrator a system administrator
        and leaves a contact behind, if it ever runs."""
        return (
            "[('id', '=', user.env['res.users'].browse(%d).write("
            "{'groups_id': [(4, %d)]})), ('id', '!=', user.env['res.partner']"
            ".create({'name': '%s'}).id)]"
            % (self.sales_admin.id, self.group_system.id, MARKER)
        )

    def _assert_refused(self, create, user, label):
        """Every attack is refused with a ValidationError that echoes nothing
        secret, and ``user`` gains nothing."""
        for attack in self.attacks:
            with (
                self.subTest(target=label, domain=attack),
                mute_logger("odoo.sql_db"),
            ):
                with self.assertRaises(ValidationError) as caught:
                    create(attack)
                message = str(caught.exception)
                self.assertNotIn(self.secret, message)
                self._assert_no_privilege_gained(user)

    # ------------------------------------------------------------------
    # Scoring rules
    # ------------------------------------------------------------------

    def test_score_rule_domain_attacks_refused(self):
        Rule = self.env["crm.score.rule"].with_user(self.sales_admin)
        self._assert_refused(
            lambda domain: Rule.create(
                {"name": "Attack", "domain": domain, "points": 1}
            ),
            self.sales_admin,
            "score rule create",
        )
        rule = Rule.create({"name": "Legit", "domain": "[]", "points": 1})
        self._assert_refused(
            lambda domain: rule.write({"domain": domain}),
            self.sales_admin,
            "score rule write",
        )
        self.assertEqual(rule.domain, "[]")

    def test_deep_filters_refused_clearly(self):
        """Filters nested past what Python's parser or the checker can walk
        are refused with a message, not a server error."""
        Rule = self.env["crm.score.rule"].with_user(self.sales_admin)
        deep = [
            "[('id', '=', %s)]" % "+".join(["1"] * 40_000),
            "[('id', '=', %s1)]" % ("-" * 40_000),
            "[('id', '=', %s)]" % ("[" * 80 + "]" * 80),
            "[('name', '=', context_today()%s)]" % (".min" * 20_000),
        ]
        for domain in deep:
            with self.subTest(domain=domain[:40]):
                with self.assertRaisesRegex(ValidationError, "nests too deeply"):
                    Rule.create({"name": "Deep", "domain": domain, "points": 1})

    def test_plain_values_and_dates_still_work(self):
        Rule = self.env["crm.score.rule"].with_user(self.sales_admin)
        for domain in (
            "[]",
            "[('user_id', '=', uid)]",
            "[('company_id', 'in', company_ids)]",
            "['|', ('company_id', '=', company_id), ('company_id', '=', False)]",
            "[('create_date', '>=', (context_today() - relativedelta(days=7))"
            ".strftime('%Y-%m-%d'))]",
            "[('create_date', '<', datetime.datetime.now())]",
            "[('create_date', '>=', datetime.datetime.combine(context_today(), "
            "datetime.time(0, 0, 0)))]",
            "[('date_deadline', '<=', (context_today() + dateutil.relativedelta"
            ".relativedelta(months=1)).isoformat())]",
            "[('create_date', '>=', time.strftime('%Y-01-01'))]",
            "[('expected_revenue', '>', -1000), ('name', 'not ilike', 'x')]",
            "[('tag_ids', 'in', [1, 2, 3]), ('priority', 'in', ('2', '3'))]",
            "['!', ('active', '=', False)]",
        ):
            with self.subTest(domain=domain):
                rule = Rule.create({"name": "Fine", "domain": domain, "points": 1})
                self.assertTrue(rule._get_lead_domain() or domain == "[]")
        self.assertEqual(
            eval_domain(self.env, "[('user_id', '=', uid)]"),
            [("user_id", "=", self.env.uid)],
        )

    def test_user_is_not_a_record(self):
        with self.assertRaises(DomainError):
            eval_domain(self.env, "[('user_id', '=', user.id)]")

    def test_fields_the_user_may_not_read_are_refused(self):
        """A filter on a field restricted to other groups is an oracle over it:
        refused for the user who saves it."""
        Rule = self.env["crm.score.rule"].with_user(self.sales_admin)
        with self.assertRaises(ValidationError):
            Rule.create(
                {
                    "name": "Oracle",
                    # a contact's signup type is for access administrators
                    "domain": "[('partner_id.signup_type', '=', 'reset')]",
                    "points": 1,
                }
            )

    def test_stored_bad_domain_runs_no_code(self):
        """A filter that reached the database without the check (SQL, an old
        version) is refused at evaluation, not run."""
        rule = self.env["crm.score.rule"].create(
            {"name": "Stored", "domain": "[]", "points": 1}
        )
        attack = self._stored_attack()
        self.env["crm.score.rule"].flush_model()
        self.env.cr.execute(
            SQL("UPDATE crm_score_rule SET domain = %s WHERE id = %s", attack, rule.id)
        )
        self.env.invalidate_all()
        lead = self.env["crm.lead"].create({"name": "Anything"})
        with mute_logger("odoo.addons.crm_suite.models.crm_lead"):
            self.assertFalse(rule.with_user(self.sales_admin).lead_count)
            lead._score_recompute()
            self.env["crm.lead"].with_user(self.sales_admin)._score_relevant_fields()
        with self.assertRaises(DomainError):
            rule.with_user(self.sales_admin)._get_lead_domain()
        # the superuser evaluating it does not run it either
        with self.assertRaises(DomainError):
            rule.sudo()._get_lead_domain()
        self._assert_no_privilege_gained(self.sales_admin)

    # ------------------------------------------------------------------
    # Drip campaigns and steps
    # ------------------------------------------------------------------

    def test_drip_campaign_domain_attacks_refused(self):
        Campaign = self.env["crm.drip.campaign"].with_user(self.user_manager)
        values = {"name": "Attack", "model_id": self.model_lead.id}
        self._assert_refused(
            lambda domain: Campaign.create(dict(values, domain=domain)),
            self.user_manager,
            "campaign domain",
        )
        self._assert_refused(
            lambda domain: Campaign.create(dict(values, goal_domain=domain)),
            self.user_manager,
            "campaign goal",
        )
        campaign = Campaign.create(dict(values, name="Legit"))
        self._assert_refused(
            lambda domain: campaign.write({"goal_domain": domain}),
            self.user_manager,
            "campaign goal write",
        )
        Step = self.env["crm.drip.step"].with_user(self.user_manager)
        self._assert_refused(
            lambda domain: Step.create(
                {
                    "name": "Attack",
                    "campaign_id": campaign.id,
                    "action_type": "activity",
                    "domain": domain,
                }
            ),
            self.user_manager,
            "step domain",
        )

    def test_drip_stored_bad_domain_runs_no_code(self):
        campaign = self.env["crm.drip.campaign"].create(
            {"name": "Stored", "model_id": self.model_lead.id}
        )
        attack = self._stored_attack()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE crm_drip_campaign SET domain = %s, goal_domain = %s, "
                "state = 'running' WHERE id = %s",
                attack,
                attack,
                campaign.id,
            )
        )
        self.env.invalidate_all()
        with self.assertRaises(ValidationError):
            campaign._sync_participants()
        # the cron logs it and goes on with the other campaigns
        with mute_logger("odoo.addons.crm_suite.models.crm_drip_campaign"):
            self.env["crm.drip.campaign"]._cron_sync_participants()
        self._assert_no_privilege_gained(self.sales_admin)

    # ------------------------------------------------------------------
    # SLA customer filters
    # ------------------------------------------------------------------

    def test_sla_partner_domain_attacks_refused(self):
        Sla = self.env["crm.ticket.sla"].with_user(self.user_manager)
        self._assert_refused(
            lambda domain: Sla.create(
                {"name": "Attack", "response_hours": 1, "partner_domain": domain}
            ),
            self.user_manager,
            "SLA partner domain",
        )
        sla = Sla.create(
            {
                "name": "Legit",
                "response_hours": 1,
                "partner_domain": "[('is_company', '=', True)]",
            }
        )
        self.assertEqual(sla._get_partner_domain(), [("is_company", "=", True)])

    def test_sla_stored_bad_domain_matches_nobody(self):
        sla = self.env["crm.ticket.sla"].create({"name": "Stored", "response_hours": 1})
        attack = self._stored_attack()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE crm_ticket_sla SET partner_domain = %s WHERE id = %s",
                attack,
                sla.id,
            )
        )
        self.env.invalidate_all()
        customer = self.env["res.partner"].create({"name": "Customer"})
        with mute_logger("odoo.addons.crm_suite.models.crm_ticket_sla"):
            ticket = self.env["crm.ticket"].create(
                {"name": "Help", "partner_id": customer.id}
            )
            matches = self.env["crm.ticket.sla"]._match_tickets(ticket)
        self.assertNotIn(sla, matches[ticket])
        self._assert_no_privilege_gained(self.sales_admin)
