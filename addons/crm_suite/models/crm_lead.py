# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``crm.lead`` in CRM Suite: the score fields, their computes and the hooks
that queue a rescore. Each concern has its own file (an ``AbstractModel`` mixin
this class inherits): the engine (``crm_lead_score_engine.py``, its SQL in
``crm_lead_score_sql.py`` and ``crm_lead_score_update_sql.py``), the full
recompute job (``crm_lead_score_job.py``), the explanation
(``crm_lead_score_explain.py``), Odoo's predictive factors
(``crm_lead_predictive.py``), hot-lead actions (``crm_lead_hot.py``), the
collision guard (``crm_lead_collision.py``) and stale-lead alerts
(``crm_lead_stale_job.py``)."""

import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools import SQL, ormcache
from odoo.tools.mail import mail_header_msgid_re

from ..engines import scoring

_logger = logging.getLogger(__name__)

# Lead fields that change a score whatever the rules read.
SCORE_BASE_FIELDS = {
    "partner_id",
    "team_id",
    "company_id",
    "stage_id",
    "active",
    "probability",
    "automated_probability",
    "type",
}


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = [
        "crm.lead",
        "crm.lead.score.engine",
        "crm.lead.score.job",
        "crm.lead.score.explain",
        "crm.lead.predictive",
        "crm.lead.hot",
        "crm.lead.collision",
        "crm.lead.stale.job",
    ]

    score = fields.Integer(
        prefetch="crm_suite_score",
        readonly=True,
        default=0,
        copy=False,
        aggregator="avg",
        help="Blend of fit, engagement and predictive scores with the sales "
        "team's weights (0-100).",
    )
    score_fit = fields.Float(
        prefetch="crm_suite_score",
        string="Fit Score",
        readonly=True,
        default=0,
        copy=False,
        aggregator="avg",
        help="Points of the fit rules the lead matches (0-100).",
    )
    score_engagement = fields.Float(
        string="Engagement Score",
        compute="_compute_score_engagement",
        help="Points of the lead's events, faded by each rule's half-life (0-100), "
        "as of today. The stored score uses its value at the last recompute "
        "(events, changes and the daily job).",
    )
    score_predictive = fields.Float(
        prefetch="crm_suite_score",
        string="Predictive Score",
        readonly=True,
        default=0,
        copy=False,
        aggregator="avg",
        help="Odoo's predicted probability when the score was last computed.",
    )
    score_band = fields.Selection(
        [
            (scoring.BAND_COLD, "Cold"),
            (scoring.BAND_WARM, "Warm"),
            (scoring.BAND_HOT, "Hot"),
        ],
        prefetch="crm_suite_score",
        readonly=True,
        copy=False,
        default=scoring.BAND_COLD,
    )
    score_date = fields.Datetime(
        prefetch="crm_suite_score",
        string="Score Changed On",
        readonly=True,
        copy=False,
        help="When the score or one of its parts last changed.",
    )
    score_fit_signature = fields.Char(
        prefetch="crm_suite_score",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="Technical: the fit rules the lead matched at its last recompute.",
    )
    score_hot_date = fields.Datetime(
        prefetch="crm_suite_score",
        string="Hot Since",
        readonly=True,
        copy=False,
        help="When the lead last became hot.",
    )
    score_line_ids = fields.One2many(
        "crm.lead.score.line", "lead_id", string="Score Lines", copy=False
    )
    score_predictive_factors_html = fields.Html(
        string="Predictive Factors",
        compute="_compute_score_predictive_factors_html",
        sanitize=False,
    )
    score_arithmetic_html = fields.Html(
        string="Score Arithmetic",
        compute="_compute_score_arithmetic_html",
        sanitize=False,
    )
    collision_warning = fields.Char(compute="_compute_collision_warning")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _score_open_domain(self):
        """Open leads: active and not won (``crm_lead_score_sql.open_lead_sql``
        in SQL)."""
        return [
            ("active", "=", True),
            "|",
            ("stage_id", "=", False),
            ("stage_id.is_won", "=", False),
        ]

    @api.model
    def _score_today(self):
        """The day decay is counted to: today in UTC (a context key lets tests
        and the benchmark look at another day)."""
        return self.env.context.get("crm_suite_score_today") or fields.Date.today()

    @ormcache()
    def _score_relevant_fields(self):
        """(lead fields, contact fields) whose change rescores a lead; cached
        until a rule changes."""
        # sudo: which fields matter does not depend on who writes the lead
        rules = (
            self.env["crm.score.rule"]
            .sudo()
            .search([("rule_type", "=", "fit"), ("active", "=", True)])
        )
        lead_fields, partner_fields = rules._get_domain_fields()
        # A filter on a computed field (email_state, country_id...) changes when
        # the fields it depends on are written: those count too.
        relevant = set(SCORE_BASE_FIELDS | lead_fields)
        for name in lead_fields:
            field = self._fields.get(name)
            if field is not None and field.compute:
                relevant.update(
                    path.split(".")[0] for path in self.pool.field_depends[field]
                )
        return frozenset(relevant), frozenset(partner_fields)

    @api.model
    def _score_field_names(self):
        """Lead fields the engine writes (or computes from its lines): reading
        one of them first runs the recomputes pending in the transaction. They
        are this class's fields named ``score`` or ``score_*``."""
        return SCORE_FIELDS

    def _score_fit_predicates(self, fit_rules):
        """[(rule, SQL condition over "crm_lead")] for the fit rules: the
        rule's filter and scope (a subquery when the filter needs a join)."""
        Lead = fit_rules.env["crm.lead"].with_context(active_test=False)
        result = []
        for rule in fit_rules.sorted("id"):
            try:
                domain = rule._get_lead_domain()
            except Exception:  # noqa: BLE001 - refused on save; never block scoring
                _logger.warning("Scoring rule %s has an invalid filter", rule.id)
                continue
            try:
                # as superuser for the scoring engine; as the user (their
                # record rules and field rights) for a count they look at
                query = Lead._search(expression.AND([domain, rule._get_scope_domain()]))
            except AccessError:
                continue
            if query.is_empty():
                continue
            if query._joins or query.table != "crm_lead":
                predicate = SQL('"crm_lead".id IN %s', query.subselect())
            else:
                predicate = query.where_clause or SQL("TRUE")
            result.append((rule, SQL("COALESCE((%s), FALSE)", predicate)))
        return result

    @api.depends("score_line_ids.points", "score_line_ids.date")
    def _compute_score_engagement(self):
        """Engagement points as of today, clamped to 0-100."""
        totals = self._score_engagement_raw()
        for lead in self:
            lead.score_engagement = scoring.clamp(totals.get(lead.id))

    @api.depends(
        "score",
        "score_band",
        "score_fit",
        "score_engagement",
        "score_predictive",
        "probability",
        "team_id.score_weight_fit",
        "team_id.score_weight_engagement",
        "team_id.score_weight_predictive",
        "team_id.score_warm_threshold",
        "team_id.score_hot_threshold",
    )
    def _compute_score_arithmetic_html(self):
        totals = self._score_engagement_raw()
        for lead in self:
            lead.score_arithmetic_html = lead._score_arithmetic_html(
                totals.get(lead.id) or 0.0
            )

    @api.depends(
        "probability", "is_automated_probability", "stage_id", "team_id", "tag_ids"
    )
    def _compute_score_predictive_factors_html(self):
        real = self.filtered("id")
        factors = real.get_score_predictive_factors() if real else {}
        for lead in self:
            rows = factors.get(lead.id)
            lead.score_predictive_factors_html = (
                lead._score_predictive_factors_table(rows)
                if rows
                else lead._score_predictive_missing_html()
            )

    @api.depends("partner_id", "team_id.collision_days")
    @api.depends_context("uid")
    def _compute_collision_warning(self):
        warnings = self._collision_warnings(self.env.user)
        for lead in self:
            lead.collision_warning = warnings.get(lead, False)

    # ------------------------------------------------------------------
    # CRUD hooks: incremental recompute
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads._score_recompute_later()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if self and not self.env.context.get("crm_suite_score_skip"):
            lead_fields, __ = self._score_relevant_fields()
            if lead_fields & set(vals):
                self._score_recompute_later()
        return res

    # A queued rescore (``_score_recompute_later``) must run before a score is
    # read or searched in the same transaction (a form saved and read back in
    # one call, a search on ``score_band`` after a write), yet not on every
    # flush: flows that write and flush lead after lead would rescore each
    # time (TestScoringDeferred.test_writes_in_a_loop_rescore_once). Odoo's own
    # mechanism for that, a stored computed field marked to compute, is
    # recomputed by every ``flush_all()``; reading goes through ``fetch()`` and
    # searching, grouping and ordering through ``flush_model(fnames)`` with the
    # fields they read, so these two are the only places that see both. What
    # breaks without them: TestScorePendingReads and the scoring tests that
    # read a score right after a change.
    def fetch(self, field_names=None):
        if self._score_has_pending() and (
            field_names is None or SCORE_FIELDS.intersection(field_names)
        ):
            self._score_flush_pending()
        return super().fetch(field_names)

    def flush_model(self, fnames=None):
        res = super().flush_model(fnames)
        # Not on a plain flush (fnames None): see fetch() above.
        if (
            fnames is not None
            and self._score_has_pending()
            and SCORE_FIELDS.intersection(fnames)
        ):
            self._score_flush_pending()
        return res

    def action_recompute_score(self):
        """Rescore these leads now (any lead, open or not)."""
        self.check_access("write")
        for batch in self._score_batches():
            batch._score_recompute()
        return True

    def _update_automated_probabilities(self):
        # Odoo writes `probability` with raw SQL and no compute runs: rescore
        # the leads whose probability no longer matches their score.
        res = super()._update_automated_probabilities()
        if not self.env.context.get("crm_suite_no_score_sync"):
            self._score_sync_predictive()
        return res

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        user = self.env.user
        if (
            msg_vals.get("message_type") in ("comment", "email")
            and message.author_id == user.partner_id
        ):
            self._collision_warn_later(user)
        return res

    def message_update(self, msg_dict, update_vals=None):
        # A reply that reaches the lead through the mail gateway; replies to a
        # mass mailing are counted on their mailing trace instead.
        res = super().message_update(msg_dict, update_vals=update_vals)
        references = (msg_dict.get("references") or "") + (
            msg_dict.get("in_reply_to") or ""
        )
        msg_ids = mail_header_msgid_re.findall(references)
        # sudo: mailing traces are marketing data; only their existence is used
        from_mailing = msg_ids and self.env["mailing.trace"].sudo().search_count(
            [("message_id", "in", msg_ids)], limit=1
        )
        if not from_mailing:
            date = msg_dict.get("date") or fields.Datetime.now()
            self.env["crm.score.event"]._record(
                [
                    {
                        "event_type": "email_replied",
                        "lead_id": lead.id,
                        "date": fields.Datetime.to_datetime(date),
                        "res_model": "crm.lead",
                        "res_id": lead.id,
                        "company_id": lead.company_id.id,
                    }
                    for lead in self
                ]
            )
        return res


SCORE_FIELDS = frozenset(
    name
    for name, value in vars(CrmLead).items()
    if isinstance(value, fields.Field)
    and (name == "score" or name.startswith("score_"))
)
