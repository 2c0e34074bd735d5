# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import math
import threading
from ast import literal_eval
from collections import defaultdict
from datetime import datetime, timedelta

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, format_datetime
from odoo.tools.mail import mail_header_msgid_re

_logger = logging.getLogger(__name__)

# Leads rescored per statement batch (and per transaction in scheduled jobs).
SCORE_BATCH_SIZE = 10000
# Above this many open leads, a rule change rescores in the background.
SCORE_SYNC_LIMIT = 2000
# Batches one run of the scheduled job handles before it reschedules itself.
SCORE_CRON_MAX_BATCHES = 30
FULL_SINCE_PARAM = "crm_suite.score_full_since"
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
# Messages that count as an interaction with the customer (stale leads,
# collision guard): emails, notes, logged calls, done activities.
INTERACTION_SQL = SQL(
    "(m.message_type IN ('email', 'comment', 'email_outgoing')"
    " OR m.mail_activity_type_id IS NOT NULL)"
)
# SQL condition of an open lead (alias ``l``): active and not won.
OPEN_LEAD_SQL = SQL(
    "l.active AND NOT EXISTS (SELECT 1 FROM crm_stage s"
    " WHERE s.id = l.stage_id AND s.is_won)"
)


def _auto_commit(env):
    return not getattr(threading.current_thread(), "testing", False) and not (
        env.context.get("crm_suite_no_commit")
    )


class CrmLead(models.Model):
    _inherit = "crm.lead"

    score = fields.Integer(
        readonly=True,
        default=0,
        copy=False,
        index=True,
        aggregator="avg",
        help="Blend of fit, engagement and predictive scores with the sales "
        "team's weights (0-100).",
    )
    score_fit = fields.Float(
        string="Fit Score",
        readonly=True,
        default=0,
        copy=False,
        aggregator="avg",
        help="Points of the fit rules the lead matches (0-100).",
    )
    score_engagement = fields.Float(
        string="Engagement Score",
        readonly=True,
        default=0,
        copy=False,
        aggregator="avg",
        help="Points of the lead's events, faded by each rule's half-life (0-100).",
    )
    score_predictive = fields.Float(
        string="Predictive Score",
        readonly=True,
        default=0,
        copy=False,
        aggregator="avg",
        help="Odoo's predicted probability when the score was last computed.",
    )
    score_band = fields.Selection(
        [("cold", "Cold"), ("warm", "Warm"), ("hot", "Hot")],
        string="Score Band",
        readonly=True,
        copy=False,
        default="cold",
        index=True,
    )
    score_date = fields.Datetime(
        string="Scored On", readonly=True, copy=False, index=True
    )
    score_hot_date = fields.Datetime(
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

    def _score_relevant_fields(self):
        rules = (
            self.env["crm.score.rule"]
            .sudo()
            .search([("rule_type", "=", "fit"), ("active", "=", True)])
        )
        lead_fields, partner_fields = rules._get_domain_fields()
        return SCORE_BASE_FIELDS | lead_fields, partner_fields

    # ------------------------------------------------------------------
    # CRUD hooks: incremental recompute
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        if not self.env.context.get("crm_suite_score_skip"):
            leads._score_recompute()
        return leads

    def write(self, vals):
        res = super().write(vals)
        if self and not self.env.context.get("crm_suite_score_skip"):
            lead_fields, __ = self._score_relevant_fields()
            if lead_fields & set(vals):
                self._score_recompute()
        return res

    # ------------------------------------------------------------------
    # Scoring engine
    # ------------------------------------------------------------------
    def action_recompute_score(self):
        """Rescore these leads now (any lead, open or not)."""
        self.check_access("read")
        for batch in self._score_batches():
            batch._score_recompute()
        return True

    def _score_batches(self, size=SCORE_BATCH_SIZE):
        for start in range(0, len(self.ids), size):
            yield self.browse(self.ids[start : start + size])

    def _score_recompute_or_defer(self):
        """Rescore now when few, else let the scheduled job do it."""
        if len(self) <= SCORE_SYNC_LIMIT:
            self._score_recompute()
        elif self:
            self.sudo()._score_request_full_recompute()

    @api.model
    def _score_request_full_recompute(self):
        """Rules changed: every open lead must be rescored. Small databases
        are rescored at once, large ones by the scheduled job (in batches)."""
        # Microseconds matter: leads scored earlier in the same second are due.
        now = datetime.now()
        # sudo: the marker is a technical parameter; any rule change sets it
        self.env["ir.config_parameter"].sudo().set_param(
            FULL_SINCE_PARAM, now.isoformat(" ")
        )
        Lead = self.sudo()
        if Lead.search_count(self._score_open_domain()) <= SCORE_SYNC_LIMIT:
            Lead._score_recompute_pending(now)
        else:
            self.env.ref("crm_suite.ir_cron_crm_lead_score")._trigger()

    def _score_recompute_pending(self, since, max_batches=None, commit=False):
        """Rescore open leads last scored before ``since``, in batches of rows
        locked with SKIP LOCKED: two workers share the work, and a run that
        stops half way resumes with the leads it had not done.

        :return: (leads rescored, leads still to do)
        """
        cr = self.env.cr
        done = batches = 0
        while max_batches is None or batches < max_batches:
            self.env.flush_all()
            cr.execute(
                SQL(
                    """
                    SELECT l.id FROM crm_lead l
                    WHERE %(open)s AND (l.score_date IS NULL OR l.score_date < %(since)s)
                    ORDER BY l.id
                    LIMIT %(limit)s
                    FOR UPDATE OF l SKIP LOCKED
                    """,
                    open=OPEN_LEAD_SQL,
                    since=since,
                    limit=SCORE_BATCH_SIZE,
                )
            )
            ids = [row[0] for row in cr.fetchall()]
            if not ids:
                break
            self.sudo().browse(ids)._score_recompute(locked=True)
            done += len(ids)
            batches += 1
            if commit:
                cr.commit()  # pylint: disable=invalid-commit
        cr.execute(
            SQL(
                "SELECT count(*) FROM crm_lead l WHERE %s"
                " AND (l.score_date IS NULL OR l.score_date < %s)",
                OPEN_LEAD_SQL,
                since,
            )
        )
        return done, cr.fetchone()[0]

    @api.model
    def _cron_score_recompute(self):
        """Daily: fade engagement points, follow Odoo's predictive updates and
        apply rule changes, in batches that each commit."""
        today = fields.Datetime.to_datetime(fields.Date.today())
        requested = self.env["ir.config_parameter"].sudo().get_param(FULL_SINCE_PARAM)
        try:
            since = max(today, datetime.fromisoformat(requested))
        except (TypeError, ValueError):
            since = today
        done, remaining = self._score_recompute_pending(
            since,
            max_batches=SCORE_CRON_MAX_BATCHES,
            commit=_auto_commit(self.env),
        )
        _logger.info("Lead scoring: %d leads rescored, %d to go", done, remaining)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

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
        commit = _auto_commit(self.env)
        while True:
            self.env.flush_all()
            cr.execute(
                SQL(
                    """
                    SELECT l.id FROM crm_lead l
                    WHERE %s AND l.score_predictive IS DISTINCT FROM
                          COALESCE(l.probability, 0)
                    ORDER BY l.id LIMIT %s
                    FOR UPDATE OF l SKIP LOCKED
                    """,
                    OPEN_LEAD_SQL,
                    SCORE_BATCH_SIZE,
                )
            )
            ids = [row[0] for row in cr.fetchall()]
            if not ids:
                return
            self.sudo().browse(ids)._score_recompute(locked=True)
            if commit:
                cr.commit()  # pylint: disable=invalid-commit

    def _score_recompute(self, locked=False):
        """Recompute the score of these leads with a fixed number of queries,
        whatever their number: one per fit rule, and four more.

        Fit lines follow the rules' filters; engagement lines follow the
        recorded events; manual lines are kept. Then the lead's sub-scores,
        score and band are updated in one statement, and leads that just
        became hot run their team's actions.
        """
        if not self or self.env.context.get("crm_suite_score_skip"):
            return
        # sudo: a score is the same whoever triggers its recompute (a portal
        # reply, a tracking pixel, a scheduled job); rules see every lead.
        leads = self.sudo().with_context(active_test=False)
        env = leads.env
        cr = env.cr
        env.flush_all()
        ids = list(leads._ids)
        now = datetime.now()
        if not locked:
            # Serialize with a concurrent recompute of the same leads, so a
            # crossing into "hot" is seen (and acted on) only once.
            cr.execute(
                SQL(
                    "SELECT id FROM crm_lead WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                    ids,
                )
            )
        cr.execute(
            SQL("SELECT id, score_band FROM crm_lead WHERE id = ANY(%s)", ids)
        )
        old_bands = dict(cr.fetchall())
        rules = env["crm.score.rule"].search([("active", "=", True)])
        fit_rules = rules.filtered(lambda r: r.rule_type == "fit")
        engagement_rules = rules - fit_rules
        audit = SQL(
            "%(uid)s, %(now)s, %(uid)s, %(now)s", uid=env.uid or None, now=now
        )

        # 1. Fit lines: one statement per rule keeps its lines in step.
        Lead = env["crm.lead"]
        for rule in fit_rules:
            try:
                domain = rule._get_lead_domain()
            except Exception:  # noqa: BLE001 - refused on save; never block scoring
                _logger.warning("Scoring rule %s has an invalid filter", rule.id)
                continue
            query = Lead._search(
                expression.AND([domain, rule._get_scope_domain(), [("id", "in", ids)]])
            )
            cr.execute(
                SQL(
                    """
                    WITH m AS (%(matching)s),
                    del AS (
                        DELETE FROM crm_lead_score_line s
                        WHERE s.rule_id = %(rule)s AND NOT s.is_manual
                          AND s.lead_id = ANY(%(ids)s)
                          AND s.lead_id NOT IN (SELECT id FROM m)
                    )
                    INSERT INTO crm_lead_score_line (lead_id, rule_id, rule_type,
                        points, date, res_model, res_id, is_manual, company_id,
                        create_uid, create_date, write_uid, write_date)
                    SELECT l.id, %(rule)s, 'fit', %(points)s, %(now)s, 'crm.lead',
                           l.id, FALSE, l.company_id, %(audit)s
                    FROM crm_lead l WHERE l.id IN (SELECT id FROM m)
                    ON CONFLICT (lead_id, rule_id, COALESCE(event_id, 0))
                        WHERE NOT is_manual
                    DO UPDATE SET points = EXCLUDED.points
                    WHERE crm_lead_score_line.points IS DISTINCT FROM EXCLUDED.points
                    """,
                    matching=query.subselect(),
                    rule=rule.id,
                    ids=ids,
                    points=rule.points,
                    now=now,
                    audit=audit,
                )
            )

        # 2. Engagement lines from the events on the lead or on its contact.
        cr.execute(
            SQL(
                """
                WITH leads AS (
                    SELECT id, partner_id, team_id, company_id FROM crm_lead
                    WHERE id = ANY(%(ids)s)
                ),
                rules AS (
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
                del AS (
                    DELETE FROM crm_lead_score_line s
                    WHERE s.lead_id = ANY(%(ids)s) AND NOT s.is_manual
                      AND s.event_id IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM wanted w
                                      WHERE w.lead_id = s.lead_id
                                        AND w.rule_id = s.rule_id
                                        AND w.event_id = s.event_id)
                )
                INSERT INTO crm_lead_score_line (lead_id, rule_id, rule_type, points,
                    date, event_id, res_model, res_id, is_manual, company_id,
                    create_uid, create_date, write_uid, write_date)
                SELECT lead_id, rule_id, 'engagement', points, date, event_id,
                       res_model, res_id, FALSE, company_id, %(audit)s
                FROM wanted
                ON CONFLICT (lead_id, rule_id, COALESCE(event_id, 0))
                    WHERE NOT is_manual
                DO UPDATE SET points = EXCLUDED.points
                WHERE crm_lead_score_line.points IS DISTINCT FROM EXCLUDED.points
                """,
                ids=ids,
                rule_ids=engagement_rules.ids,
                audit=audit,
            )
        )

        # 3. Lines of rules that no longer apply (archived, type changed).
        cr.execute(
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

        # 4. Sub-scores, score and band, as FEATURES.md's arithmetic says.
        # Decay counts whole days; round() on double precision rounds half to
        # even, as Python's round() does.
        cr.execute(
            SQL(
                """
                WITH per_rule AS (
                    SELECT s.lead_id, r.rule_type, r.max_points,
                           SUM(CASE WHEN r.rule_type = 'engagement' AND r.decay_days > 0
                               THEN s.points * power(0.5,
                                   GREATEST(%(today)s::date - s.date::date, 0)
                                   / r.decay_days::float)
                               ELSE s.points END) AS points
                    FROM crm_lead_score_line s
                    JOIN crm_score_rule r ON r.id = s.rule_id AND r.active
                    WHERE s.lead_id = ANY(%(ids)s)
                    GROUP BY s.lead_id, r.id
                ),
                per_type AS (
                    SELECT lead_id,
                      SUM(CASE WHEN max_points > 0
                          THEN LEAST(GREATEST(points, -max_points), max_points)
                          ELSE points END) FILTER (WHERE rule_type = 'fit') AS fit,
                      SUM(CASE WHEN max_points > 0
                          THEN LEAST(GREATEST(points, -max_points), max_points)
                          ELSE points END) FILTER (WHERE rule_type = 'engagement') AS eng
                    FROM per_rule GROUP BY lead_id
                ),
                sub AS (
                    SELECT l.id,
                      LEAST(GREATEST(COALESCE(p.fit, 0), 0), 100)::float AS fit,
                      LEAST(GREATEST(COALESCE(p.eng, 0), 0), 100)::float AS eng,
                      LEAST(GREATEST(COALESCE(l.probability, 0), 0), 100)::float AS pred,
                      COALESCE(t.score_weight_fit, 1)::float AS wf,
                      COALESCE(t.score_weight_engagement, 1)::float AS we,
                      COALESCE(t.score_weight_predictive, 1)::float AS wp,
                      COALESCE(t.score_warm_threshold, 40) AS warm,
                      COALESCE(t.score_hot_threshold, 70) AS hot
                    FROM crm_lead l
                    LEFT JOIN per_type p ON p.lead_id = l.id
                    LEFT JOIN crm_team t ON t.id = l.team_id
                    WHERE l.id = ANY(%(ids)s)
                ),
                fin AS (
                    SELECT id, fit, eng, pred, warm, hot,
                      CASE WHEN wf + we + wp > 0
                        THEN round((wf * fit + we * eng + wp * pred) / (wf + we + wp))
                        ELSE 0 END::int AS score
                    FROM sub
                )
                UPDATE crm_lead l SET
                    score_fit = fin.fit,
                    score_engagement = fin.eng,
                    score_predictive = fin.pred,
                    score = fin.score,
                    score_band = CASE WHEN fin.score >= fin.hot THEN 'hot'
                                      WHEN fin.score >= fin.warm THEN 'warm'
                                      ELSE 'cold' END,
                    score_hot_date = CASE
                        WHEN fin.score >= fin.hot AND l.score_band IS DISTINCT FROM 'hot'
                        THEN %(now)s ELSE l.score_hot_date END,
                    score_date = %(now)s
                FROM fin WHERE l.id = fin.id
                RETURNING l.id, l.score_band
                """,
                ids=ids,
                today=fields.Date.today(),
                now=now,
            )
        )
        new_bands = dict(cr.fetchall())
        env["crm.lead"].invalidate_model(
            [
                "score",
                "score_fit",
                "score_engagement",
                "score_predictive",
                "score_band",
                "score_date",
                "score_hot_date",
                "score_line_ids",
            ]
        )
        env["crm.lead.score.line"].invalidate_model()
        hot_ids = [
            lead_id
            for lead_id, band in new_bands.items()
            if band == "hot" and old_bands.get(lead_id) != "hot"
        ]
        if hot_ids:
            leads.browse(hot_ids)._score_on_hot()

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
                    lead.activity_schedule(
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
        for lead in self:
            if lead.user_id in member_users:
                continue
            candidates = []
            for member in members:
                domain = expression.AND(
                    [
                        [("id", "=", lead.id)],
                        literal_eval(member.assignment_domain or "[]"),
                    ]
                )
                if not self.search_count(domain):
                    continue
                capacity = member.assignment_max - load[member.id]
                if capacity > 0:
                    candidates.append((-capacity, load[member.id], member.id, member))
            if not candidates:
                continue
            member = min(candidates)[3]
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
                total_won = team_won if field == "stage_id" else field_table["won_total"]
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
        label = model_field.get_description(self.env)["string"] if model_field else field
        if model_field is None:
            return label, str(value)
        if model_field.type in ("many2one", "many2many"):
            record = self.env[model_field.comodel_name].sudo().browse(int(value)).exists()
            return label, record.display_name if record else str(value)
        if model_field.type == "selection":
            selection = dict(model_field._description_selection(self.env))
            return label, selection.get(value, str(value))
        return label, str(value)

    def get_score_predictive_factors(self, limit=5):
        """The top factors behind each lead's predicted probability, strongest
        first: ``{lead_id: [{"field", "label", "value", "ratio"}...]}``."""
        self.check_access("read")
        breakdown = self._score_predictive_breakdown()
        result = {}
        for lead in self:
            factors = breakdown.get(lead.id, {}).get("factors", [])
            factors = sorted(factors, key=lambda f: -abs(math.log(f["ratio"] or 1e-9)))
            rows = []
            for factor in factors[:limit]:
                label, value = lead._score_factor_label(factor["field"], factor["value"])
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

    @api.depends("probability", "stage_id", "team_id", "tag_ids")
    def _compute_score_predictive_factors_html(self):
        real = self.filtered("id")
        factors = real.get_score_predictive_factors() if real else {}
        for lead in self:
            rows = factors.get(lead.id)
            if not rows:
                lead.score_predictive_factors_html = Markup("<p>%s</p>") % _(
                    "Odoo has no prediction for this lead yet (it needs won and "
                    "lost leads in its team, and a stage)."
                )
                continue
            body = Markup("").join(
                Markup(
                    "<tr><td>%s</td><td>%s</td><td class='text-end %s'>%s</td></tr>"
                )
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
            lead.score_predictive_factors_html = Markup(
                "<table class='table table-sm o_crm_suite_factors'><thead><tr>"
                "<th>%s</th><th>%s</th><th class='text-end'>%s</th></tr></thead>"
                "<tbody>%s</tbody></table>"
            ) % (_("Factor"), _("Value"), _("Effect"), body)

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
                  AND ((m.model = 'res.partner' AND m.res_id IN (SELECT id FROM contacts))
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

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        user = self.env.user
        if not user.share and msg_vals.get("message_type") in ("comment", "email"):
            if not self.env.context.get("mail_create_nolog") and message.author_id == (
                user.partner_id
            ):
                self._collision_warn(user)
        return res

    def message_update(self, msg_dict, update_vals=None):
        # A reply that reaches the lead through the mail gateway; replies to a
        # mass mailing are counted on their mailing trace instead.
        res = super().message_update(msg_dict, update_vals=update_vals)
        references = (msg_dict.get("references") or "") + (
            msg_dict.get("in_reply_to") or ""
        )
        msg_ids = mail_header_msgid_re.findall(references)
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
            mail_activity_quick_update=True
        ).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": lead_id,
                    "activity_type_id": activity_type.id,
                    "user_id": user_id,
                    "date_deadline": today,
                    "summary": _(
                        "No interaction for %(days)s days (last: %(date)s)",
                        days=(now - last_date).days,
                        date=fields.Date.to_string(last_date.date()),
                    ),
                }
                for lead_id, user_id, __, last_date in rows
            ]
        )
        return len(rows)
