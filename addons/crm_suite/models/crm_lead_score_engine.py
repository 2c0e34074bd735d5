# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo import api, models
from odoo.tools import SQL

from . import crm_lead_score_job as job
from .crm_lead_score_sql import (
    drop_stale_lines_sql,
    engagement_raw_sql,
    open_lead_sql,
    sync_engagement_lines_sql,
)
from .crm_lead_score_update_sql import update_leads_sql

# precommit data: ids of the leads to rescore before the transaction commits
PENDING_KEY = "crm_suite.score_pending"


class CrmLeadScoreEngine(models.AbstractModel):
    """The scoring engine of ``crm.lead``: the incremental queue (rescore before
    commit, or as soon as a score is read) and the set-based recompute of a
    batch of leads (the statements are in ``crm_lead_score_sql.py`` and
    ``crm_lead_score_update_sql.py``)."""

    _name = "crm.lead.score.engine"
    _description = "Lead Scoring Engine"

    # ------------------------------------------------------------------
    # The queue: one set-based recompute per transaction
    # ------------------------------------------------------------------
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
        self.env["crm.lead"].invalidate_model(
            list(self._score_field_names()), flush=False
        )

    @api.model
    def _score_has_pending(self):
        return bool(self.env.cr.precommit.data.get(PENDING_KEY))

    @api.model
    def _score_flush_pending(self):
        pending = self.env.cr.precommit.data.pop(PENDING_KEY, None)
        if pending:
            self.browse(sorted(pending))._score_recompute()

    # ------------------------------------------------------------------
    # The recompute of a batch
    # ------------------------------------------------------------------
    @api.model
    def _score_team_defaults(self):
        """((wf, we, wp), (warm, hot)) of a lead without a team: the sales
        team fields' own defaults (``engines.scoring`` defines them)."""
        Team = self.env["crm.team"]

        def default(name):
            return Team._fields[name].default(Team)

        return (
            (
                default("score_weight_fit"),
                default("score_weight_engagement"),
                default("score_weight_predictive"),
            ),
            (default("score_warm_threshold"), default("score_hot_threshold")),
        )

    def _score_engagement_raw(self):
        """{lead id: engagement points as of today}: each line faded by its
        rule's half-life (whole days), each rule's total capped, not clamped
        yet (a lead without engagement line is left out)."""
        ids = [lead_id for lead_id in self.ids if lead_id]
        if not ids:
            return {}
        if self._score_has_pending():
            self._score_flush_pending()
        self.env["crm.lead.score.line"].flush_model()
        self.env["crm.score.rule"].flush_model()
        self.env.cr.execute(engagement_raw_sql(ids, self._score_today()))
        return dict(self.env.cr.fetchall())

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
        rules = env["crm.score.rule"].search([("active", "=", True)])
        fit_rules = rules.filtered(lambda r: r.rule_type == "fit")
        engagement_rules = rules - fit_rules
        audit = SQL("%(uid)s, %(now)s, %(uid)s, %(now)s", uid=env.uid or None, now=now)

        # 1. Engagement lines from the events on the lead or on its contact.
        if engagement and ids:
            self._score_sync_engagement_lines(env, ids, engagement_rules, audit)
            # Engine lines whose rule no longer applies (archived, type changed).
            self._score_drop_stale_lines(env, ids, rules, fit_rules, engagement_rules)
            if len(ids) > job.SCORE_SYNC_LIMIT:
                # A big batch may have changed the lines table a lot: keep the
                # planner's statistics true for the statement below.
                env.cr.execute("ANALYZE crm_lead_score_line")

        # 2. Fit rules, sub-scores, score and band in one statement (see
        # _score_update_leads), as FEATURES.md's arithmetic says.
        hot_ids, last_id, count = self._score_update_leads(
            env,
            fit_rules,
            self._score_today(),
            now,
            audit,
            force_fit=engagement,
            ids=ids,
            after=after,
        )
        env["crm.lead"].invalidate_model(list(self._score_field_names()), flush=False)
        env["crm.lead.score.line"].invalidate_model(flush=False)
        if hot_ids:
            leads.browse(hot_ids)._score_on_hot()
        return last_id, count

    def _score_sync_engagement_lines(self, env, ids, engagement_rules, audit):
        env.cr.execute(sync_engagement_lines_sql(ids, engagement_rules.ids, audit))

    def _score_drop_stale_lines(self, env, ids, rules, fit_rules, engagement_rules):
        env.cr.execute(
            drop_stale_lines_sql(ids, rules.ids, engagement_rules.ids, fit_rules.ids)
        )

    def _score_update_leads(
        self, env, fit_rules, today, now, audit, force_fit, ids=None, after=None
    ):
        """One statement, one scan of the leads (``update_leads_sql``):

        * each fit rule's filter is evaluated once per lead (array ``f``);
        * a signature of the matched rules is compared with the one stored on
          the lead: only leads whose matches changed (or all of them, with
          ``force_fit``) get their fit lines rewritten;
        * engagement lines (with decay) and manual lines are summed per rule,
          capped, then per type;
        * the leads whose sub-scores, score or band change are updated.

        Decay counts whole days; round() on double precision rounds half to
        even, as Python's round() does (``engines.scoring.blend``).

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
                open_lead_sql("crm_lead"),
                after,
                job.SCORE_BATCH_SIZE,
            )
        env.cr.execute(
            update_leads_sql(
                leads_where,
                self._score_fit_predicates(fit_rules),
                force_fit,
                today,
                now,
                audit,
                self._score_team_defaults(),
            )
        )
        return env.cr.fetchone()
