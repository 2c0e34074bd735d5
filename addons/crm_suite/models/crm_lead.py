# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import math
from ast import literal_eval
from collections import defaultdict
from datetime import datetime, timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, format_datetime, ormcache
from odoo.tools.mail import mail_header_msgid_re

from ..tools import auto_commit

_logger = logging.getLogger(__name__)

# Leads rescored per statement batch (and per transaction in scheduled jobs).
SCORE_BATCH_SIZE = 50000
# Above this many open leads, a rule change rescores in the background.
SCORE_SYNC_LIMIT = 2000
# Batches one run of the scheduled job handles before it reschedules itself.
SCORE_CRON_MAX_BATCHES = 30
FULL_SINCE_PARAM = "crm_suite.score_full_since"
PROGRESS_PARAM = "crm_suite.score_progress"
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
# Lead fields the engine writes (or computes from its lines): reading one of
# them first runs the recomputes pending in the transaction.
SCORE_FIELDS = frozenset(
    {
        "score",
        "score_fit",
        "score_engagement",
        "score_predictive",
        "score_band",
        "score_date",
        "score_hot_date",
        "score_fit_signature",
        "score_line_ids",
        "score_predictive_factors_html",
        "score_arithmetic_html",
    }
)
PENDING_KEY = "crm_suite.score_pending"
COLLISION_KEY = "crm_suite.collision_pending"
# Messages that count as an interaction with the customer (stale leads,
# collision guard): emails, notes, logged calls, done activities.
INTERACTION_SQL = SQL(
    "(m.message_type IN ('email', 'comment', 'email_outgoing')"
    " OR m.mail_activity_type_id IS NOT NULL)"
)


def open_lead_sql(alias="l"):
    """SQL condition of an open lead (active and not won) for ``alias``."""
    table = SQL(alias)
    return SQL(
        "%s.active AND NOT EXISTS (SELECT 1 FROM crm_stage s"
        " WHERE s.id = %s.stage_id AND s.is_won)",
        table,
        table,
    )


OPEN_LEAD_SQL = open_lead_sql()
# A lead (won ones too) whose predictive part is not Odoo's probability:
# Odoo wrote it in SQL, or the lead was won before the addon was installed.
PREDICTIVE_STALE_SQL = SQL(
    "l.active AND l.score_predictive IS DISTINCT FROM COALESCE(l.probability, 0)"
)


def decayed_points_sql(today):
    """A line's points as of ``today`` (alias ``s`` the line, ``r`` its rule):
    ``points x 0.5^(age_in_days / decay_days)`` for engagement rules with a
    half-life, whole days, never above the original points."""
    return SQL(
        "CASE WHEN r.rule_type = 'engagement' AND r.decay_days > 0"
        " THEN s.points * power(0.5, GREATEST(%s::date - s.date::date, 0)"
        " / r.decay_days::float) ELSE s.points END",
        today,
    )


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.lead.score.explain"]

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
        [("cold", "Cold"), ("warm", "Warm"), ("hot", "Hot")],
        prefetch="crm_suite_score",
        readonly=True,
        copy=False,
        default="cold",
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

    def _score_engagement_raw(self):
        """{lead id: engagement points as of today}: each line faded by its
        rule's half-life (whole days), each rule's total capped, not clamped
        yet (a lead without engagement line is left out)."""
        ids = [lead_id for lead_id in self.ids if lead_id]
        if not ids:
            return {}
        if self.env.cr.precommit.data.get(PENDING_KEY):
            self._score_flush_pending()
        self.env["crm.lead.score.line"].flush_model()
        self.env["crm.score.rule"].flush_model()
        today = self._score_today()
        self.env.cr.execute(
            SQL(
                """
                SELECT lead_id, SUM(points) FROM (
                    SELECT s.lead_id,
                      CASE WHEN r.max_points > 0
                        THEN LEAST(GREATEST(SUM(%(value)s), -r.max_points),
                                   r.max_points)
                        ELSE SUM(%(value)s) END AS points
                    FROM crm_lead_score_line s
                    JOIN crm_score_rule r ON r.id = s.rule_id AND r.active
                    WHERE s.lead_id = ANY(%(ids)s) AND r.rule_type = 'engagement'
                    GROUP BY s.lead_id, r.id
                ) per_rule GROUP BY lead_id
                """,
                value=decayed_points_sql(today),
                ids=ids,
            )
        )
        return dict(self.env.cr.fetchall())

    @api.depends("score_line_ids.points", "score_line_ids.date")
    def _compute_score_engagement(self):
        """Engagement points as of today, clamped to 0-100."""
        totals = self._score_engagement_raw()
        for lead in self:
            lead.score_engagement = min(max(totals.get(lead.id) or 0.0, 0.0), 100.0)

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

    def _score_recompute_later(self):
        """Rescore these leads before the transaction commits, or as soon as a
        score is read, whichever comes first: a flow that writes leads one by
        one (assignment, conversion, imports) pays one set-based recompute,
        not one per write."""
        if not self or self.env.context.get("crm_suite_score_skip"):
            return
        data = self.env.cr.precommit.data
        pending = data.get(PENDING_KEY)
        if pending is None:
            pending = data[PENDING_KEY] = set()
            # sudo: the queued leads are rescored whoever changed them
            self.env.cr.precommit.add(self.sudo()._score_flush_pending)
        pending.update(self._ids)
        self.env["crm.lead"].invalidate_model(list(SCORE_FIELDS), flush=False)

    @api.model
    def _score_flush_pending(self):
        pending = self.env.cr.precommit.data.pop(PENDING_KEY, None)
        if pending:
            self.browse(sorted(pending))._score_recompute()

    def fetch(self, field_names=None):
        if self.env.cr.precommit.data.get(PENDING_KEY) and (
            field_names is None or SCORE_FIELDS.intersection(field_names)
        ):
            self._score_flush_pending()
        return super().fetch(field_names)

    def flush_model(self, fnames=None):
        res = super().flush_model(fnames)
        # Not on a plain flush (fnames None): flows that write and flush lead
        # after lead would rescore each time.
        if (
            fnames is not None
            and self.env.cr.precommit.data.get(PENDING_KEY)
            and SCORE_FIELDS.intersection(fnames)
        ):
            self._score_flush_pending()
        return res

    # ------------------------------------------------------------------
    # Scoring engine
    # ------------------------------------------------------------------
    def action_recompute_score(self):
        """Rescore these leads now (any lead, open or not)."""
        self.check_access("write")
        for batch in self._score_batches():
            batch._score_recompute()
        return True

    def _score_batches(self, size=SCORE_BATCH_SIZE):
        for start in range(0, len(self.ids), size):
            yield self.browse(self.ids[start : start + size])

    def _score_recompute_or_defer(self):
        """Rescore now when few, else let the scheduled job do it."""
        if len(self) <= SCORE_SYNC_LIMIT:
            self._score_recompute_later()
        elif self:
            # sudo: the background rescore covers every lead, not the user's own
            self.sudo()._score_request_full_recompute()

    @api.model
    def _score_request_full_recompute(self):
        """Rules changed: every open lead must be rescored. Small databases
        are rescored at once, large ones by the scheduled job (in batches)."""
        # sudo: a rule change rescores every open lead, whoever made it
        Lead = self.sudo()
        leads = Lead.search(self._score_open_domain())
        if len(leads) <= SCORE_SYNC_LIMIT:
            # won leads keep the score they had when won, unless it never
            # followed their probability (won before the addon came)
            self.env.flush_all()
            self.env.cr.execute(
                SQL("SELECT l.id FROM crm_lead l WHERE %s", PREDICTIVE_STALE_SQL)
            )
            stale = Lead.browse(row[0] for row in self.env.cr.fetchall())
            (leads | stale)._score_recompute()
            return
        # sudo: the request is a technical parameter; any rule change sets it
        self.env["ir.config_parameter"].sudo().set_param(
            FULL_SINCE_PARAM, datetime.now().isoformat(" ")
        )
        self.env.ref("crm_suite.ir_cron_crm_lead_score")._trigger()

    @api.model
    def _score_run_key(self):
        """The full recompute due now: ``(key, rebuild)``. A rule change on a
        large database requests a rebuild of every line; otherwise today's
        daily run re-evaluates fit rules, decay and Odoo's probability."""
        # sudo: a technical parameter, read by the scheduled job
        requested = self.env["ir.config_parameter"].sudo().get_param(FULL_SINCE_PARAM)
        if requested:
            return f"rebuild {requested}", True
        return f"daily {fields.Date.today()}", False

    @api.model
    def _score_recompute_pending(
        self, run_key=None, rebuild=True, max_batches=None, commit=False
    ):
        """Rescore every open lead once for the run ``run_key``, in batches of
        ascending ids.

        The run's progress (its key and the last id done) is kept in the
        ``crm_suite.score_progress`` parameter and saved with each batch, so a
        run that stops half way (crash, time limit) resumes after the last
        batch it saved. A worker takes the progress row with SKIP LOCKED: a
        second worker running at the same time leaves at once instead of
        doing the same batch twice; within a batch, leads locked by a user's
        transaction are skipped (they are rescored by that transaction).

        :return: (leads rescored, open leads still to do)
        """
        if not run_key:
            run_key, rebuild = self._score_run_key()
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            SQL(
                "INSERT INTO ir_config_parameter (key, value, create_date, write_date)"
                " VALUES (%s, '-', now(), now()) ON CONFLICT (key) DO NOTHING",
                PROGRESS_PARAM,
            )
        )
        done = batches = 0
        last_id = 0
        while max_batches is None or batches < max_batches:
            cr.execute(
                SQL(
                    "SELECT value FROM ir_config_parameter WHERE key = %s"
                    " FOR UPDATE SKIP LOCKED",
                    PROGRESS_PARAM,
                )
            )
            row = cr.fetchone()
            if row is None:
                _logger.info("Lead scoring: another worker is rescoring; leaving")
                return done, None
            key, __, last = (row[0] or "").rpartition("|")
            last_id = int(last) if key == run_key and last.lstrip("-").isdigit() else 0
            if last_id < 0:
                break  # this run is complete
            self.env.flush_all()
            # Hash joins over a whole batch beat index probes; give them memory.
            cr.execute("SET LOCAL work_mem = '64MB'")
            if rebuild:
                cr.execute(
                    SQL(
                        """
                        SELECT l.id FROM crm_lead l
                        WHERE %(open)s AND l.id > %(last)s
                        ORDER BY l.id LIMIT %(limit)s
                        FOR UPDATE OF l SKIP LOCKED
                        """,
                        open=OPEN_LEAD_SQL,
                        last=last_id,
                        limit=SCORE_BATCH_SIZE,
                    )
                )
                ids = [r[0] for r in cr.fetchall()]
                count = len(ids)
                if ids:
                    self._score_run(ids=ids, engagement=True)
                    last_id = ids[-1]
            else:
                batch_last, count = self._score_run(after=last_id, engagement=False)
                last_id = batch_last or last_id
            if count:
                done += count
                batches += 1
            if count < SCORE_BATCH_SIZE:
                last_id = -1  # a short batch is the last one
            cr.execute(
                SQL(
                    "UPDATE ir_config_parameter SET value = %s WHERE key = %s",
                    f"{run_key}|{last_id}",
                    PROGRESS_PARAM,
                )
            )
            if commit:
                cr.commit()  # pylint: disable=invalid-commit
            if last_id < 0:
                break
        self.env["ir.config_parameter"].invalidate_model(["value"])
        if last_id < 0:
            if run_key.startswith("rebuild "):
                # sudo: the rebuild request is a technical parameter
                Param = self.env["ir.config_parameter"].sudo()
                if f"rebuild {Param.get_param(FULL_SINCE_PARAM)}" == run_key:
                    Param.set_param(FULL_SINCE_PARAM, False)
            return done, 0
        cr.execute(
            SQL(
                "SELECT count(*) FROM crm_lead l WHERE %s AND l.id > %s",
                OPEN_LEAD_SQL,
                last_id,
            )
        )
        return done, cr.fetchone()[0]

    @api.model
    def _cron_score_recompute(self):
        """Daily: fade engagement points, follow Odoo's predictive updates and
        apply rule changes, in batches that each commit."""
        done, remaining = self._score_recompute_pending(
            max_batches=SCORE_CRON_MAX_BATCHES, commit=auto_commit(self.env)
        )
        _logger.info("Lead scoring: %d leads rescored, %s to go", done, remaining)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining or 0)

    def _update_automated_probabilities(self):
        # Odoo writes `probability` with raw SQL and no compute runs: rescore
        # the leads whose probability no longer matches their score.
        res = super()._update_automated_probabilities()
        if not self.env.context.get("crm_suite_no_score_sync"):
            self._score_sync_predictive()
        return res

    @api.model
    def _score_sync_predictive(self):
        cr = self.env.cr
        commit = auto_commit(self.env)
        seen = set()
        while True:
            self.env.flush_all()
            cr.execute(
                SQL(
                    """
                    SELECT l.id FROM crm_lead l
                    WHERE %s
                    ORDER BY l.id LIMIT %s
                    FOR UPDATE OF l SKIP LOCKED
                    """,
                    PREDICTIVE_STALE_SQL,
                    SCORE_BATCH_SIZE,
                )
            )
            ids = [row[0] for row in cr.fetchall() if row[0] not in seen]
            if not ids:
                return
            seen.update(ids)
            # sudo: follows Odoo's own update, which covers every lead
            self.sudo().browse(ids)._score_recompute(engagement=False)
            if commit:
                cr.commit()  # pylint: disable=invalid-commit

    def _score_recompute(self, engagement=True):
        """Recompute the score of these leads with four queries, whatever
        their number and the number of rules (plus those loading the rules).

        With ``engagement=False`` the engagement lines are taken as they are
        (they follow events as they arrive, and engagement rule changes
        rebuild them): the daily job only re-evaluates fit rules, decay and
        Odoo's probability.

        Fit lines follow the rules' filters (all evaluated in one scan of the
        leads); engagement lines follow the recorded events; manual lines are
        kept. Then the sub-scores, score and band of the leads whose values
        changed are updated in one statement, and leads that just became hot
        run their team's actions. Rows are written only when they change.

        Concurrency: the final UPDATE decides a crossing into "hot" from the
        row as it is when updated; two transactions scoring the same lead
        cannot both see it cross (Odoo's REPEATABLE READ isolation makes the
        later one fail with a serialization error and retry).
        """
        if not self or self.env.context.get("crm_suite_score_skip"):
            return
        pending = self.env.cr.precommit.data.get(PENDING_KEY)
        if pending:
            pending.difference_update(self._ids)
        self._score_run(ids=list(self._ids), engagement=engagement)

    @api.model
    def _score_run(self, ids=None, after=None, engagement=True):
        """Score the leads ``ids``, or the next batch of open leads after the
        id ``after`` (see ``_score_update_leads``).

        :return: (highest lead id scored, number of leads scored)
        """
        # sudo: a score is the same whoever triggers its recompute (a portal
        # reply, a tracking pixel, a scheduled job); rules see every lead.
        leads = self.sudo().with_context(active_test=False)
        env = leads.env
        env.flush_all()
        now = datetime.now()
        today = self._score_today()
        rules = env["crm.score.rule"].search([("active", "=", True)])
        fit_rules = rules.filtered(lambda r: r.rule_type == "fit")
        engagement_rules = rules - fit_rules
        audit = SQL("%(uid)s, %(now)s, %(uid)s, %(now)s", uid=env.uid or None, now=now)

        # 1. Engagement lines from the events on the lead or on its contact.
        if engagement and ids:
            self._score_sync_engagement_lines(env, ids, engagement_rules, audit)
            # Engine lines whose rule no longer applies (archived, type changed).
            self._score_drop_stale_lines(env, ids, rules, fit_rules, engagement_rules)
            if len(ids) > SCORE_SYNC_LIMIT:
                # A big batch may have changed the lines table a lot: keep the
                # planner's statistics true for the statement below.
                env.cr.execute("ANALYZE crm_lead_score_line")

        # 2. Fit rules, sub-scores, score and band in one statement (see
        # _score_update_leads), as FEATURES.md's arithmetic says.
        hot_ids, last_id, count = self._score_update_leads(
            env,
            fit_rules,
            today,
            now,
            audit,
            force_fit=engagement,
            ids=ids,
            after=after,
        )
        env["crm.lead"].invalidate_model(
            [
                "score",
                "score_fit",
                "score_predictive",
                "score_band",
                "score_date",
                "score_hot_date",
                "score_fit_signature",
                "score_line_ids",
                "score_engagement",
            ],
            flush=False,
        )
        env["crm.lead.score.line"].invalidate_model(flush=False)
        if hot_ids:
            leads.browse(hot_ids)._score_on_hot()
        return last_id, count

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

    def _score_sync_engagement_lines(self, env, ids, engagement_rules, audit):
        cr = env.cr
        cr.execute(
            SQL(
                """
                WITH leads AS (
                    SELECT id, partner_id, team_id, company_id FROM crm_lead
                    WHERE id = ANY(%(ids)s)
                ),
                rules AS MATERIALIZED (
                    SELECT r.id, r.event_type, r.points, r.repeatable, r.company_id,
                           ARRAY(SELECT t.team_id FROM crm_score_rule_crm_team_rel t
                                 WHERE t.rule_id = r.id) AS team_ids
                    FROM crm_score_rule r WHERE r.id = ANY(%(rule_ids)s)
                ),
                ev AS (
                    SELECT l.id AS lead_id, e.id AS event_id, e.event_type, e.date,
                           e.res_model, e.res_id, l.team_id, l.company_id
                    FROM leads l JOIN crm_score_event e ON e.lead_id = l.id
                    UNION ALL
                    SELECT l.id, e.id, e.event_type, e.date, e.res_model, e.res_id,
                           l.team_id, l.company_id
                    FROM leads l JOIN crm_score_event e
                      ON e.partner_id = l.partner_id AND e.lead_id IS NULL
                ),
                ranked AS (
                    SELECT ev.*, r.id AS rule_id, r.points, r.repeatable,
                           row_number() OVER (PARTITION BY ev.lead_id, r.id
                                              ORDER BY ev.date, ev.event_id) AS rank
                    FROM ev JOIN rules r ON r.event_type = ev.event_type
                    WHERE (r.company_id IS NULL OR ev.company_id IS NULL
                           OR r.company_id = ev.company_id)
                      AND (cardinality(r.team_ids) = 0 OR ev.team_id = ANY(r.team_ids))
                ),
                wanted AS (SELECT * FROM ranked WHERE repeatable OR rank = 1),
                cur AS (
                    SELECT s.id, s.lead_id, s.rule_id, s.event_id, s.points
                    FROM crm_lead_score_line s
                    WHERE s.lead_id = ANY(%(ids)s) AND s.event_id IS NOT NULL
                      AND NOT s.is_manual
                ),
                -- a full join is planned as a hash or merge join, whatever the
                -- (often wrong) row estimates of the CTEs above
                diff AS (
                    SELECT w.*, cur.id AS line_id, cur.points AS line_points
                    FROM wanted w FULL JOIN cur
                      ON cur.lead_id = w.lead_id AND cur.rule_id = w.rule_id
                     AND cur.event_id = w.event_id
                ),
                del AS (
                    DELETE FROM crm_lead_score_line s USING diff
                    WHERE s.id = diff.line_id AND diff.lead_id IS NULL
                ),
                upd AS (
                    UPDATE crm_lead_score_line s SET points = diff.points
                    FROM diff
                    WHERE s.id = diff.line_id AND diff.lead_id IS NOT NULL
                      AND diff.line_points <> diff.points
                )
                INSERT INTO crm_lead_score_line (lead_id, rule_id, rule_type, points,
                    date, event_id, res_model, res_id, is_manual, company_id,
                    create_uid, create_date, write_uid, write_date)
                SELECT lead_id, rule_id, 'engagement', points, date, event_id,
                       res_model, res_id, FALSE, company_id, %(audit)s
                FROM diff WHERE line_id IS NULL
                ON CONFLICT DO NOTHING
                """,
                ids=ids,
                rule_ids=engagement_rules.ids,
                audit=audit,
            )
        )

    def _score_drop_stale_lines(self, env, ids, rules, fit_rules, engagement_rules):
        env.cr.execute(
            SQL(
                """
                DELETE FROM crm_lead_score_line s
                WHERE s.lead_id = ANY(%(ids)s) AND NOT s.is_manual
                  AND (s.rule_id <> ALL(%(rule_ids)s)
                       OR (s.event_id IS NULL AND s.rule_id = ANY(%(eng)s))
                       OR (s.event_id IS NOT NULL AND s.rule_id = ANY(%(fit)s)))
                """,
                ids=ids,
                rule_ids=rules.ids,
                eng=engagement_rules.ids,
                fit=fit_rules.ids,
            )
        )

    def _score_update_leads(
        self, env, fit_rules, today, now, audit, force_fit, ids=None, after=None
    ):
        """One statement, one scan of the leads:

        * each fit rule's filter is evaluated once per lead (array ``f``);
        * a signature of the matched rules is compared with the one stored on
          the lead: only leads whose matches changed (or all of them, with
          ``force_fit``) get their fit lines rewritten;
        * engagement lines (with decay) and manual lines are summed per rule,
          capped, then per type;
        * the leads whose sub-scores, score or band change are updated.

        Decay counts whole days; round() on double precision rounds half to
        even, as Python's round() does.

        The leads are ``ids``, or (for the full recompute) the next batch of
        open leads after the id ``after``, locked with SKIP LOCKED.

        :return: (ids of the leads that just became hot, highest lead id
            scored, number of leads scored)
        """
        if ids is not None:
            leads_where = SQL('"crm_lead".id = ANY(%s)', list(ids))
        else:
            leads_where = SQL(
                '%s AND "crm_lead".id > %s ORDER BY "crm_lead".id LIMIT %s'
                " FOR UPDATE SKIP LOCKED",
                open_lead_sql('"crm_lead"'),
                after,
                SCORE_BATCH_SIZE,
            )
        predicates = self._score_fit_predicates(fit_rules)
        if predicates:
            flags = SQL(
                "ARRAY[%s]::bool[]", SQL(", ").join(pred for __, pred in predicates)
            )

            def each(template):
                return SQL(", ").join(
                    SQL(template, index=index, rule=rule.id, points=rule.points)
                    for index, (rule, __) in enumerate(predicates, start=1)
                )

            rule_ids = SQL(
                "array_remove(ARRAY[%s]::int[], NULL)",
                each("CASE WHEN f[%(index)s] THEN %(rule)s END"),
            )
            # The matched rules' ids; a change of points is a rule change,
            # which rescores with ``force_fit``.
            signature = SQL("(%s)::text", rule_ids)
            fit_points = SQL(
                "(%s)::float",
                SQL(" + ").join(
                    SQL("CASE WHEN f[%s] THEN %s ELSE 0 END", index, rule.points)
                    for index, (rule, __) in enumerate(predicates, start=1)
                ),
            )
        else:
            flags = SQL("'{}'::bool[]")
            signature = SQL("'{}'")
            rule_ids = SQL("'{}'::int[]")
            fit_points = SQL("0::float")
        env.cr.execute(
            SQL(
                """
                WITH pre AS MATERIALIZED (
                    SELECT "crm_lead".id, "crm_lead".company_id, "crm_lead".team_id,
                           "crm_lead".probability,
                           "crm_lead".score_fit_signature AS old_sig,
                           %(flags)s AS f
                    FROM "crm_lead" WHERE %(leads_where)s
                ),
                fitc AS MATERIALIZED (
                    SELECT pre.*, %(signature)s AS sig, %(fit_points)s AS fit_points
                    FROM pre
                ),
                chg AS (
                    SELECT id AS lead_id, company_id, %(rule_ids)s AS rule_ids
                    FROM fitc WHERE %(force)s OR old_sig IS DISTINCT FROM sig
                ),
                m AS (
                    SELECT m.lead_id, m.rule_id, r.points, m.company_id
                    FROM (SELECT lead_id, company_id, unnest(rule_ids) AS rule_id
                          FROM chg) m
                    JOIN crm_score_rule r ON r.id = m.rule_id
                ),
                cur AS (
                    SELECT s.id, s.lead_id, s.rule_id, s.points
                    FROM crm_lead_score_line s JOIN chg ON chg.lead_id = s.lead_id
                    WHERE s.event_id IS NULL AND NOT s.is_manual
                ),
                diff AS (
                    SELECT m.lead_id, m.rule_id, m.points, m.company_id,
                           cur.id AS line_id, cur.points AS line_points
                    FROM m FULL JOIN cur
                      ON cur.lead_id = m.lead_id AND cur.rule_id = m.rule_id
                ),
                del AS (
                    DELETE FROM crm_lead_score_line s USING diff
                    WHERE s.id = diff.line_id AND diff.lead_id IS NULL
                ),
                upd AS (
                    UPDATE crm_lead_score_line s SET points = diff.points
                    FROM diff
                    WHERE s.id = diff.line_id AND diff.lead_id IS NOT NULL
                      AND diff.line_points <> diff.points
                ),
                ins AS (
                    INSERT INTO crm_lead_score_line (lead_id, rule_id, rule_type,
                        points, date, res_model, res_id, is_manual, company_id,
                        create_uid, create_date, write_uid, write_date)
                    SELECT lead_id, rule_id, 'fit', points, %(now)s, 'crm.lead',
                           lead_id, FALSE, company_id, %(audit)s
                    FROM diff WHERE line_id IS NULL
                    ON CONFLICT DO NOTHING
                ),
                vals AS MATERIALIZED (
                    -- engagement lines (with decay) and manual adjustments;
                    -- fit rules are evaluated on the lead (fit_points)
                    SELECT s.lead_id, s.rule_id, r.rule_type, r.max_points,
                           %(value)s AS points
                    FROM crm_lead_score_line s
                    JOIN crm_score_rule r ON r.id = s.rule_id AND r.active
                    WHERE s.lead_id IN (SELECT id FROM pre)
                      AND (s.is_manual OR s.event_id IS NOT NULL)
                ),
                per_rule AS (
                    -- a rule's cap applies to its total on the lead
                    SELECT lead_id, rule_type,
                      LEAST(GREATEST(SUM(points), -max_points), max_points) AS points
                    FROM vals WHERE max_points > 0
                    GROUP BY lead_id, rule_id, rule_type, max_points
                    UNION ALL
                    SELECT lead_id, rule_type, points
                    FROM vals WHERE NOT max_points > 0 OR max_points IS NULL
                ),
                per_type AS (
                    SELECT lead_id,
                      SUM(points) FILTER (WHERE rule_type = 'fit') AS fit,
                      SUM(points) FILTER (WHERE rule_type = 'engagement') AS eng
                    FROM per_rule GROUP BY lead_id
                ),
                teams AS (
                    SELECT id, score_weight_fit::float AS wf,
                           score_weight_engagement::float AS we,
                           score_weight_predictive::float AS wp,
                           score_warm_threshold AS warm, score_hot_threshold AS hot
                    FROM crm_team
                    UNION ALL SELECT 0, 1, 1, 1, 40, 70
                ),
                sub AS (
                    SELECT fitc.id, fitc.sig,
                      LEAST(GREATEST(fitc.fit_points + COALESCE(p.fit, 0), 0),
                            100)::float AS fit,
                      LEAST(GREATEST(COALESCE(p.eng, 0), 0), 100)::float AS eng,
                      LEAST(GREATEST(COALESCE(fitc.probability, 0), 0), 100)::float
                          AS pred,
                      t.wf, t.we, t.wp, t.warm, t.hot
                    FROM fitc
                    LEFT JOIN per_type p ON p.lead_id = fitc.id
                    JOIN teams t ON t.id = COALESCE(fitc.team_id, 0)
                ),
                scored AS (
                    SELECT *, (CASE WHEN wf + we + wp > 0
                        THEN round((wf * fit + we * eng + wp * pred) / (wf + we + wp))
                        ELSE 0 END)::int AS score
                    FROM sub
                ),
                fin AS MATERIALIZED (
                    SELECT *, CASE WHEN score >= hot THEN 'hot'
                                   WHEN score >= warm THEN 'warm'
                                   ELSE 'cold' END AS band
                    FROM scored
                ),
                u AS (
                    UPDATE crm_lead l SET
                        score_fit = fin.fit,
                        score_predictive = fin.pred,
                        score = fin.score,
                        score_band = fin.band,
                        score_fit_signature = fin.sig,
                        score_hot_date = CASE
                            WHEN fin.band = 'hot'
                             AND l.score_band IS DISTINCT FROM 'hot'
                            THEN %(now)s ELSE l.score_hot_date END,
                        score_date = %(now)s
                    FROM fin
                    WHERE l.id = fin.id
                      AND (l.score_fit, l.score_predictive,
                           l.score, l.score_band, l.score_fit_signature)
                          IS DISTINCT FROM
                          (fin.fit, fin.pred, fin.score, fin.band, fin.sig)
                    RETURNING l.id, l.score_hot_date = %(now)s AS crossed
                )
                SELECT ARRAY(SELECT id FROM u WHERE crossed),
                       (SELECT max(id) FROM pre), (SELECT count(*) FROM pre)
                """,
                flags=flags,
                signature=signature,
                rule_ids=rule_ids,
                fit_points=fit_points,
                force=bool(force_fit),
                leads_where=leads_where,
                value=decayed_points_sql(today),
                now=now,
                audit=audit,
            )
        )
        return env.cr.fetchone()

    # ------------------------------------------------------------------
    # Crossing into "hot": the team's actions, once per crossing
    # ------------------------------------------------------------------
    def _score_on_hot(self):
        leads = self.filtered(
            lambda lead: lead.active and not lead.stage_id.is_won and lead.team_id
        ).with_context(crm_suite_score_skip=True)
        if not leads:
            return
        today = fields.Date.context_today(self)
        odoobot = self.env.ref("base.partner_root")
        for team, team_leads in leads.grouped("team_id").items():
            stage = team.score_hot_stage_id
            if stage:
                to_move = team_leads.filtered(
                    lambda lead, stage=stage: not lead.stage_id
                    or lead.stage_id.sequence < stage.sequence
                )
                if to_move:
                    to_move.write({"stage_id": stage.id})
            if team.score_hot_assign:
                team_leads._score_assign_hot(team)
            for lead in team_leads:
                owner = lead.user_id or team.user_id
                if team.score_hot_activity_type_id and owner:
                    # Scheduled by the suite, not by a person about to call:
                    # no collision warning.
                    lead.with_context(crm_suite_no_collision=True).activity_schedule(
                        activity_type_id=team.score_hot_activity_type_id.id,
                        summary=_("Hot lead: score %(score)s", score=lead.score),
                        date_deadline=today
                        + timedelta(days=team.score_hot_activity_days),
                        user_id=owner.id,
                    )
                if team.score_hot_notify and owner:
                    lead.message_post(
                        body=_(
                            "This lead is now hot (score %(score)s, fit %(fit)s, "
                            "engagement %(engagement)s, predictive %(predictive)s%%).",
                            score=lead.score,
                            fit=round(lead.score_fit, 1),
                            engagement=round(lead.score_engagement, 1),
                            predictive=round(lead.score_predictive, 1),
                        ),
                        author_id=odoobot.id,
                        partner_ids=owner.partner_id.ids,
                        subtype_xmlid="mail.mt_note",
                    )
        # Moving the stage changes Odoo's probability: rescore once more (a lead
        # that stays hot does not fire again).
        leads.with_context(crm_suite_score_skip=False)._score_recompute()

    def _score_assign_hot(self, team):
        """Give each lead to a team member whose assignment filter accepts it
        and who has capacity left this month (Odoo's ``crm.team.member``
        ``assignment_domain`` and ``assignment_max``). Unlike Odoo's
        ``_allocate_leads``, this takes leads that already have a salesperson
        (not a member of the team) and does not commit."""
        members = team.crm_team_member_ids.filtered(
            lambda m: not m.assignment_optout and m.user_id.active
        )
        if not members:
            return
        member_users = members.user_id
        load = {member.id: member.lead_month_count for member in members}
        to_assign = self.filtered(lambda lead: lead.user_id not in member_users)
        if not to_assign:
            return
        # One search per member (not per lead and member): the leads its
        # assignment filter accepts.
        accepted = {
            member.id: set(
                self.search(
                    expression.AND(
                        [
                            [("id", "in", to_assign.ids)],
                            literal_eval(member.assignment_domain or "[]"),
                        ]
                    )
                ).ids
            )
            for member in members
        }
        for lead in to_assign:
            candidates = [
                (-(member.assignment_max - load[member.id]), load[member.id], member.id)
                for member in members
                if lead.id in accepted[member.id]
                and member.assignment_max - load[member.id] > 0
            ]
            if not candidates:
                continue
            member = members.browse(min(candidates)[2])
            load[member.id] += 1
            lead.write({"user_id": member.user_id.id})

    # ------------------------------------------------------------------
    # "Why this score?": the factors behind Odoo's predicted probability
    # ------------------------------------------------------------------
    def _score_predictive_breakdown(self):
        """Rebuild, for each lead, the likelihood ratio of every variable
        behind Odoo's naive-Bayes probability, from crm.lead.scoring.frequency.

        The probability Odoo stores is ``odds / (1 + odds)`` with
        ``odds = prior_odds x product(ratio)``; this returns those terms.

        :return: {lead_id: {"prior_odds": float, "factors": [{"field",
            "value", "won", "lost", "ratio"}...]}} (a lead Odoo cannot score,
            e.g. without stage, a won stage or a team without both outcomes,
            is left out)
        """
        # sudo: Odoo's frequency table is readable by no user role; the ratios
        # only explain a probability the user already sees on the lead.
        Lead = self.sudo()
        if not self.ids:
            return {}
        lead_values = Lead._pls_get_lead_pls_values(domain=[("id", "in", self.ids)])
        variables = sorted(
            {field for values in lead_values.values() for field, __ in values["values"]}
        )
        frequencies = (
            self.env["crm.lead.scoring.frequency"]
            .sudo()
            .search_read(
                [("variable", "in", variables)],
                ["variable", "value", "won_count", "lost_count", "team_id"],
            )
        )
        tables = defaultdict(
            lambda: defaultdict(lambda: {"won_total": 0.0, "lost_total": 0.0})
        )
        for freq in frequencies:
            field, value = freq["variable"], freq["value"]
            if field == "tag_id" and freq["won_count"] + freq["lost_count"] < 50:
                continue  # Odoo ignores tags seen fewer than 50 times
            team_keys = [-1] + ([freq["team_id"][0]] if freq["team_id"] else [])
            for key in team_keys:
                entry = tables[key][field].setdefault(value, {"won": 0.0, "lost": 0.0})
                entry["won"] += freq["won_count"]
                entry["lost"] += freq["lost_count"]
                tables[key][field]["won_total"] += freq["won_count"]
                tables[key][field]["lost_total"] += freq["lost_count"]
        totals = {
            key: Lead._pls_get_won_lost_total_count(table)
            for key, table in tables.items()
        }
        won_stages = set(self.env["crm.stage"].search([("is_won", "=", True)]).ids)
        result = {}
        for lead_id, values in lead_values.items():
            pairs = values["values"]
            stage = dict(pairs).get("stage_id")
            if not stage or stage in won_stages:
                continue
            key = values["team_id"] if values["team_id"] in tables else -1
            team_won, team_lost, __ = totals.get(key, (0, 0, 0))
            if not team_won or not team_lost:
                continue
            factors = []
            for field, value in pairs:
                field_table = tables[key].get(field)
                entry = field_table and field_table.get(str(value))
                if not isinstance(entry, dict):
                    continue
                total_won = (
                    team_won if field == "stage_id" else field_table["won_total"]
                )
                total_lost = (
                    team_lost if field == "stage_id" else field_table["lost_total"]
                )
                if not total_won or not total_lost:
                    continue
                ratio = (entry["won"] / total_won) / (entry["lost"] / total_lost)
                factors.append(
                    {
                        "field": field,
                        "value": value,
                        "won": entry["won"],
                        "lost": entry["lost"],
                        "ratio": ratio,
                    }
                )
            result[lead_id] = {"prior_odds": team_won / team_lost, "factors": factors}
        return result

    def _score_factor_label(self, field, value):
        field_name = "tag_ids" if field == "tag_id" else field
        model_field = self._fields.get(field_name)
        label = (
            model_field.get_description(self.env)["string"] if model_field else field
        )
        if model_field is None:
            return label, str(value)
        if model_field.type in ("many2one", "many2many"):
            # sudo: only the name of a stage, country, tag... the lead refers to
            record = (
                self.env[model_field.comodel_name].sudo().browse(int(value)).exists()
            )
            return label, record.display_name if record else str(value)
        if model_field.type == "selection":
            selection = dict(model_field._description_selection(self.env))
            return label, selection.get(value, str(value))
        return label, str(value)

    def get_score_predictive_factors(self, limit=5):
        """The top factors behind each lead's predicted probability, strongest
        first: ``{lead_id: [{"field", "label", "value", "ratio"}...]}``."""
        self.check_access("read")
        try:
            limit = max(int(limit), 0)
        except (TypeError, ValueError) as error:
            raise UserError(
                _(
                    "The number of factors must be a whole number, not %(value)s.",
                    value=limit,
                )
            ) from error
        breakdown = self._score_predictive_breakdown()
        result = {}
        for lead in self:
            factors = breakdown.get(lead.id, {}).get("factors", [])
            factors = sorted(factors, key=lambda f: -abs(math.log(f["ratio"] or 1e-9)))
            rows = []
            for factor in factors[:limit]:
                label, value = lead._score_factor_label(
                    factor["field"], factor["value"]
                )
                rows.append(
                    {
                        "field": factor["field"],
                        "label": label,
                        "value": value,
                        "ratio": round(factor["ratio"], 4),
                    }
                )
            result[lead.id] = rows
        return result

    @api.depends(
        "probability", "is_automated_probability", "stage_id", "team_id", "tag_ids"
    )
    def _compute_score_predictive_factors_html(self):
        real = self.filtered("id")
        factors = real.get_score_predictive_factors() if real else {}
        for lead in self:
            rows = factors.get(lead.id)
            if not rows:
                lead.score_predictive_factors_html = (
                    lead._score_predictive_missing_html()
                )
                continue
            body = Markup("").join(
                Markup("<tr><td>%s</td><td>%s</td><td class='text-end %s'>%s</td></tr>")
                % (
                    row["label"],
                    row["value"],
                    "text-success" if row["ratio"] >= 1 else "text-danger",
                    lead.env._(
                        "×%(ratio)s more likely to win", ratio=round(row["ratio"], 2)
                    )
                    if row["ratio"] >= 1
                    else lead.env._(
                        "×%(ratio)s more likely to lose",
                        ratio=round(1 / row["ratio"], 2),
                    ),
                )
                for row in rows
            )
            lead.score_predictive_factors_html = (
                lead._score_predictive_summary_html()
                + Markup(
                    "<table class='table table-sm o_crm_suite_factors'><thead><tr>"
                    "<th>%s</th><th>%s</th><th class='text-end'>%s</th></tr></thead>"
                    "<tbody>%s</tbody></table>"
                )
                % (_("Factor"), _("Value"), _("Effect"), body)
            )

    # ------------------------------------------------------------------
    # Collision guard
    # ------------------------------------------------------------------
    @api.model
    def _collision_last_contact(self, partner, user, days):
        """The latest interaction of another internal user with ``partner``'s
        company (its leads or its contacts) in the last ``days`` days.

        :return: dict(user=res.users, date=datetime) or None
        """
        if not partner or days <= 0:
            return None
        commercial = partner.commercial_partner_id
        since = fields.Datetime.now() - timedelta(days=days)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH contacts AS (
                    SELECT id FROM res_partner WHERE commercial_partner_id = %(cp)s
                )
                SELECT u.id, m.date FROM mail_message m
                JOIN res_users u ON u.partner_id = m.author_id
                WHERE m.date >= %(since)s AND %(interaction)s
                  AND u.id != %(uid)s AND u.active AND NOT u.share
                  AND ((m.model = 'res.partner'
                        AND m.res_id IN (SELECT id FROM contacts))
                    OR (m.model = 'crm.lead' AND m.res_id IN (
                        SELECT id FROM crm_lead
                        WHERE partner_id IN (SELECT id FROM contacts))))
                ORDER BY m.date DESC LIMIT 1
                """,
                cp=commercial.id,
                since=since,
                interaction=INTERACTION_SQL,
                uid=user.id,
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            return None
        return {"user": self.env["res.users"].browse(row[0]), "date": row[1]}

    def _collision_message(self, contact, partner):
        return _(
            "%(user)s contacted %(customer)s on %(date)s.",
            # sudo: a colleague's name, which every internal user may see
            user=contact["user"].sudo().name,
            customer=partner.commercial_partner_id.display_name,
            date=format_datetime(self.env, contact["date"]),
        )

    @api.depends("partner_id", "team_id.collision_days")
    @api.depends_context("uid")
    def _compute_collision_warning(self):
        for lead in self:
            contact = lead._collision_last_contact(
                lead.partner_id, self.env.user, lead.team_id.collision_days
            )
            lead.collision_warning = (
                lead._collision_message(contact, lead.partner_id) if contact else False
            )

    def _collision_warn(self, user):
        """Warn ``user`` (a browser notification) for each lead whose customer
        a colleague contacted within the team's window; return the warnings."""
        warnings = []
        for lead in self:
            contact = self._collision_last_contact(
                lead.partner_id, user, lead.team_id.collision_days
            )
            if contact:
                warnings.append(lead._collision_message(contact, lead.partner_id))
        if warnings:
            user._bus_send(
                "simple_notification",
                {
                    "type": "warning",
                    "title": _("A colleague is already in touch"),
                    "message": "\n".join(warnings),
                    "sticky": False,
                },
            )
        return warnings

    def _collision_warn_later(self, user):
        """Warn ``user`` about these leads' customers when the transaction
        commits (one check per lead, whatever was posted or scheduled)."""
        leads = self.filtered(
            lambda lead: lead.partner_id and lead.team_id.collision_days
        )
        if not leads or user.share:
            return
        data = self.env.cr.precommit.data
        pending = data.get(COLLISION_KEY)
        if pending is None:
            pending = data[COLLISION_KEY] = defaultdict(set)
            # sudo: the check reads colleagues' messages, not only the user's
            self.env.cr.precommit.add(self.sudo()._collision_flush_pending)
        pending[user.id].update(leads.ids)

    @api.model
    def _collision_flush_pending(self):
        pending = self.env.cr.precommit.data.pop(COLLISION_KEY, None) or {}
        for user_id, lead_ids in pending.items():
            self.browse(sorted(lead_ids)).exists()._collision_warn(
                self.env["res.users"].browse(user_id)
            )

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

    # ------------------------------------------------------------------
    # Stale-lead alerts
    # ------------------------------------------------------------------
    @api.model
    def _cron_stale_lead_alerts(self):
        """Schedule a "stale lead" activity for the salesperson of each open
        lead without interaction for its stage's (else team's) delay. Leads
        that already have one are skipped; rows are locked with SKIP LOCKED."""
        activity_type = self.env.ref(
            "crm_suite.mail_activity_type_stale_lead", raise_if_not_found=False
        )
        if not activity_type:
            return 0
        self.env.flush_all()
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                WITH cfg AS (
                    SELECT l.id, l.user_id, l.partner_id, l.create_date,
                      COALESCE(NULLIF(s.stale_days, 0), t.stale_days, 0) AS days
                    FROM crm_lead l
                    LEFT JOIN crm_stage s ON s.id = l.stage_id
                    LEFT JOIN crm_team t ON t.id = l.team_id
                    WHERE %(open)s AND l.user_id IS NOT NULL
                ),
                last AS (
                    SELECT c.id, c.user_id, c.days, GREATEST(c.create_date,
                      (SELECT max(m.date) FROM mail_message m
                       WHERE m.model = 'crm.lead' AND m.res_id = c.id
                         AND m.author_id IS DISTINCT FROM %(bot)s AND %(interaction)s),
                      (SELECT max(m.date) FROM mail_message m
                       WHERE m.model = 'res.partner' AND m.res_id = c.partner_id
                         AND m.author_id IS DISTINCT FROM %(bot)s AND %(interaction)s)
                    ) AS last_date
                    FROM cfg c WHERE c.days > 0
                )
                SELECT l.id, last.user_id, last.days, last.last_date
                FROM crm_lead l JOIN last ON last.id = l.id
                WHERE last.last_date < %(now)s - make_interval(days => last.days)
                  AND NOT EXISTS (
                    SELECT 1 FROM mail_activity a
                    WHERE a.res_model = 'crm.lead' AND a.res_id = l.id
                      AND a.activity_type_id = %(type)s AND a.active)
                ORDER BY l.id
                FOR UPDATE OF l SKIP LOCKED
                """,
                open=OPEN_LEAD_SQL,
                bot=self.env.ref("base.partner_root").id,
                interaction=INTERACTION_SQL,
                now=now,
                type=activity_type.id,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return 0
        model_id = self.env["ir.model"]._get_id("crm.lead")
        today = fields.Date.context_today(self)
        # sudo: the job creates activities for other users' leads
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True, crm_suite_no_collision=True
        ).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": lead_id,
                    "activity_type_id": activity_type.id,
                    "user_id": user_id,
                    "date_deadline": today,
                    "summary": self.env._(
                        "No interaction for %(days)s days (last: %(date)s)",
                        days=(now - last_date).days,
                        date=fields.Date.to_string(last_date.date()),
                    ),
                }
                for lead_id, user_id, __, last_date in rows
            ]
        )
        return len(rows)
