# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL, formatLang

from .crm_lead_score_sql import open_lead_sql
from .crm_suite_domain import (
    DomainError,
    domain_eval_context,
    eval_domain,
    validate_domain,
)

ENGAGEMENT_EVENTS = [
    ("email_opened", "Email opened"),
    ("email_clicked", "Email clicked"),
    ("email_replied", "Email replied"),
    ("drip_step_done", "Drip step done"),
    ("ticket_opened", "Ticket opened"),
    ("activity_done", "Activity done"),
]


class CrmScoreRule(models.Model):
    _name = "crm.score.rule"
    _description = "Lead Scoring Rule"
    _order = "rule_type, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    rule_type = fields.Selection(
        [("fit", "Fit"), ("engagement", "Engagement")],
        string="Type",
        required=True,
        default="fit",
        help="Fit: points when the lead (or its contact) matches a filter.\n"
        "Engagement: points each time the lead or its contact does something.",
    )
    domain = fields.Char(
        string="Filter",
        default="[]",
        help="Leads that match this filter earn the points (fit rules).",
    )
    event_type = fields.Selection(
        ENGAGEMENT_EVENTS,
        string="Event",
        help="The event that earns the points (engagement rules).",
    )
    points = fields.Float(
        required=True,
        default=10.0,
        help="Points earned; a negative number lowers the score.",
    )
    max_points = fields.Float(
        string="Cap",
        help="Most points (in absolute value) this rule can give one lead; "
        "0 means no cap.",
    )
    repeatable = fields.Boolean(
        default=True,
        help="Each event earns the points; when unchecked, only the first event does.",
    )
    decay_days = fields.Float(
        string="Half-life (days)",
        help="Engagement points halve every this many days; 0 means they never fade.",
    )
    # cap and half-life as a reader sees them: they apply to engagement rules only
    max_points_display = fields.Char(
        string="Points Cap", compute="_compute_display_limits"
    )
    decay_days_display = fields.Char(
        string="Half-life", compute="_compute_display_limits"
    )
    team_ids = fields.Many2many(
        "crm.team",
        "crm_score_rule_crm_team_rel",
        "rule_id",
        "team_id",
        string="Sales Teams",
        help="Leads of these teams only; empty means every team.",
    )
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        help="Leads of this company only (and leads without a company); "
        "empty means every company.",
    )
    description = fields.Text()
    lead_count = fields.Integer(
        string="Open Leads Now",
        compute="_compute_lead_count",
        help="Open leads (not won, not archived) of the rule's teams and company "
        "that this rule gives points to right now, among those you may read. "
        "The filter editor counts every lead its filter matches: won leads and "
        "other teams' leads too.",
    )

    _sql_constraints = [
        (
            "max_points_positive",
            "CHECK(max_points >= 0)",
            "The cap of a scoring rule cannot be negative.",
        ),
        (
            "decay_days_positive",
            "CHECK(decay_days >= 0)",
            "The half-life of a scoring rule cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------
    # Domain helpers
    # ------------------------------------------------------------------
    @api.model
    def _domain_eval_context(self):
        """Plain values only (no record, no environment): see crm_suite_domain."""
        return domain_eval_context(self.env)

    def _get_lead_domain(self):
        """The rule's filter as a domain on crm.lead (raises on a bad filter).

        The text is checked to be a plain literal each time, so a filter that
        reached the database without the save-time check runs no code.
        """
        self.ensure_one()
        return eval_domain(self.env, self.domain or "[]")

    def _get_scope_domain(self):
        """Domain of the leads this rule applies to (teams and company)."""
        self.ensure_one()
        domain = []
        if self.team_ids:
            domain.append(("team_id", "in", self.team_ids.ids))
        if self.company_id:
            domain.append(("company_id", "in", [False, self.company_id.id]))
        return domain

    def _get_domain_fields(self):
        """Field names of crm.lead (and of res.partner through ``partner_id``)
        that the fit rules' filters read: a change to one of them rescores."""
        lead_fields, partner_fields = set(), set()
        for rule in self.filtered(lambda r: r.rule_type == "fit"):
            try:
                domain = rule._get_lead_domain()
            except Exception:  # noqa: BLE001 - a broken rule is refused on save
                continue
            for leaf in domain:
                if not expression.is_leaf(leaf) or leaf in (
                    expression.TRUE_LEAF,
                    expression.FALSE_LEAF,
                ):
                    continue
                path = str(leaf[0]).split(".")
                lead_fields.add(path[0])
                if path[0] in ("partner_id", "commercial_partner_id") and len(path) > 1:
                    partner_fields.add(path[1])
        return lead_fields, partner_fields

    @api.constrains("rule_type", "domain", "event_type")
    def _check_rule(self):
        for rule in self:
            if rule.rule_type == "engagement" and not rule.event_type:
                raise ValidationError(
                    self.env._(
                        "The engagement rule “%(rule)s” needs an event.", rule=rule.name
                    )
                )
            if rule.rule_type != "fit":
                continue
            try:
                # As the user who saves it: fields they may not read are refused.
                validate_domain(self.env, rule.domain or "[]", "crm.lead")
            except DomainError as error:
                raise ValidationError(
                    self.env._(
                        "The filter of the scoring rule “%(rule)s” is not valid: "
                        "%(error)s",
                        rule=rule.name,
                        error=error,
                    )
                ) from None

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_lead_count(self):
        counts = {}
        saved = self.filtered(lambda r: isinstance(r.id, int))
        # With the rights and companies of the user who looks: the count is
        # never an oracle over leads they may not read (other companies,
        # others' leads).
        fit_rules = saved.filtered(lambda r: r.rule_type == "fit")
        predicates = self.env["crm.lead"]._score_fit_predicates(fit_rules)
        if predicates:
            # Every fit rule counted in one scan of the open leads.
            self.env["crm.lead"].flush_model()
            self.env.cr.execute(
                SQL(
                    """
                    SELECT rule_id, count(*) FROM (
                        SELECT unnest(array_remove(ARRAY[%s]::int[], NULL)) AS rule_id
                        FROM "crm_lead" WHERE %s
                    ) matches GROUP BY rule_id
                    """,
                    SQL(", ").join(
                        SQL("CASE WHEN %s THEN %s END", pred, rule.id)
                        for rule, pred in predicates
                    ),
                    open_lead_sql("crm_lead"),
                )
            )
            counts.update(self.env.cr.fetchall())
        engagement = saved - fit_rules
        if engagement:
            # as above, the lines (and leads) the user may read
            groups = self.env["crm.lead.score.line"]._read_group(
                [
                    ("rule_id", "in", engagement.ids),
                    (
                        "lead_id",
                        "in",
                        self.env["crm.lead"]._search(
                            self.env["crm.lead"]._score_open_domain()
                        ),
                    ),
                ],
                ["rule_id"],
                ["lead_id:count_distinct"],
            )
            counts.update({rule.id: count for rule, count in groups})
        for rule in self:
            rule.lead_count = counts.get(rule.id, 0)

    # ------------------------------------------------------------------
    # CRUD: a rule change rescores the open leads
    # ------------------------------------------------------------------
    @api.depends("rule_type", "max_points", "decay_days")
    def _compute_display_limits(self):
        not_applicable = self.env._("Not applicable")
        for rule in self:
            if rule.rule_type != "engagement":
                rule.max_points_display = rule.decay_days_display = not_applicable
                continue
            rule.max_points_display = (
                formatLang(self.env, rule.max_points, digits=2)
                if rule.max_points
                else self.env._("No cap")
            )
            rule.decay_days_display = (
                formatLang(self.env, rule.decay_days, digits=2)
                if rule.decay_days
                else self.env._("Never fades")
            )

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules._rescore_after_change()
        return rules

    def write(self, vals):
        res = super().write(vals)
        if set(vals) - {"name", "description", "sequence"}:
            self._rescore_after_change()
        return res

    def unlink(self):
        res = super().unlink()
        self._rescore_after_change()
        return res

    def _rescore_after_change(self):
        self.env.registry.clear_cache()  # crm.lead._score_relevant_fields
        self.env["crm.lead"]._score_request_full_recompute()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_view_leads(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_all_leads")
        if self.rule_type == "fit":
            domain = expression.AND(
                [
                    self._get_lead_domain(),
                    self._get_scope_domain(),
                    self.env["crm.lead"]._score_open_domain(),
                ]
            )
        else:
            domain = expression.AND(
                [
                    [("score_line_ids.rule_id", "=", self.id)],
                    self.env["crm.lead"]._score_open_domain(),
                ]
            )
        action.update(
            {
                "name": self.env._("Leads scored by %(rule)s", rule=self.name),
                "domain": domain,
                "context": {"active_test": True},
            }
        )
        return action
