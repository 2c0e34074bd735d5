# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The statement that scores a batch of leads (``crm.lead._score_update_leads``),
built from named parts (CTEs) so that each reads on its own: the leads and their
fit flags, the fit lines, the sums per rule and type, the blend and band, the
update. Constants come from ``engines/scoring.py`` (see ``crm_lead_score_sql.py``).
"""

from odoo.tools import SQL

from ..engines import scoring
from .crm_lead_score_sql import LINE_DIFF_CTES, clamp_sql, decayed_points_sql


def fit_terms_sql(predicates):
    """The fit parts of the statement, from ``[(rule, condition)]``: ``flags``
    (one boolean per rule, evaluated once per lead), ``rule_ids`` (the matched
    rules), ``signature`` (their ids as text: a change of points is a rule
    change, which rescores with ``force_fit``) and ``fit_points``."""
    if not predicates:
        return {
            "flags": SQL("'{}'::bool[]"),
            "signature": SQL("'{}'"),
            "rule_ids": SQL("'{}'::int[]"),
            "fit_points": SQL("0::float"),
        }
    numbered = list(enumerate(predicates, start=1))
    rule_ids = SQL(
        "array_remove(ARRAY[%s]::int[], NULL)",
        SQL(", ").join(
            SQL("CASE WHEN f[%s] THEN %s END", index, rule.id)
            for index, (rule, __) in numbered
        ),
    )
    return {
        "flags": SQL(
            "ARRAY[%s]::bool[]", SQL(", ").join(pred for __, pred in predicates)
        ),
        "signature": SQL("(%s)::text", rule_ids),
        "rule_ids": rule_ids,
        "fit_points": SQL(
            "(%s)::float",
            SQL(" + ").join(
                SQL("CASE WHEN f[%s] THEN %s ELSE 0 END", index, rule.points)
                for index, (rule, __) in numbered
            ),
        ),
    }


def _leads_ctes(leads_where, fit):
    """``pre``: the leads with one flag per fit rule; ``fitc``: their matched
    rules' signature and fit points."""
    return SQL(
        """
        pre AS MATERIALIZED (
            SELECT "crm_lead".id, "crm_lead".company_id, "crm_lead".team_id,
                   "crm_lead".probability,
                   "crm_lead".score_fit_signature AS old_sig,
                   %(flags)s AS f
            FROM "crm_lead" WHERE %(leads_where)s
        ),
        fitc AS MATERIALIZED (
            SELECT pre.*, %(signature)s AS sig, %(fit_points)s AS fit_points
            FROM pre
        )
        """,
        leads_where=leads_where,
        **fit,
    )


def _fit_lines_ctes(fit, force_fit, now, audit):
    """The fit lines of the leads whose matches changed (all with
    ``force_fit``) rewritten: ``chg`` ... ``ins``."""
    return SQL(
        """
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
        %(apply_diff)s,
        ins AS (
            INSERT INTO crm_lead_score_line (lead_id, rule_id, rule_type,
                points, date, res_model, res_id, is_manual, company_id,
                create_uid, create_date, write_uid, write_date)
            SELECT lead_id, rule_id, 'fit', points, %(now)s, 'crm.lead',
                   lead_id, FALSE, company_id, %(audit)s
            FROM diff WHERE line_id IS NULL
            ON CONFLICT DO NOTHING
        )
        """,
        rule_ids=fit["rule_ids"],
        apply_diff=LINE_DIFF_CTES,
        force=bool(force_fit),
        now=now,
        audit=audit,
    )


def _sums_ctes(today):
    """``vals`` ... ``per_type``: engagement lines (with decay) and manual
    adjustments summed per rule, capped, then per type (fit rules are
    evaluated on the lead: ``fit_points``)."""
    return SQL(
        """
        vals AS MATERIALIZED (
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
        )
        """,
        value=decayed_points_sql(today),
    )


def _blend_ctes(defaults):
    """``teams`` ... ``fin``: sub-scores clamped, blended with the team's
    weights (``defaults`` for a lead without a team: ``(weights,
    thresholds)``) and banded, as ``scoring.blend`` and ``scoring.band``."""
    (wf, we, wp), (warm, hot) = defaults
    return SQL(
        """
        teams AS (
            SELECT id, score_weight_fit::float AS wf,
                   score_weight_engagement::float AS we,
                   score_weight_predictive::float AS wp,
                   score_warm_threshold AS warm, score_hot_threshold AS hot
            FROM crm_team
            UNION ALL SELECT 0, %(wf)s::float, %(we)s::float, %(wp)s::float,
                             %(warm)s::int, %(hot)s::int
        ),
        sub AS (
            SELECT fitc.id, fitc.sig,
              %(fit)s::float AS fit,
              %(eng)s::float AS eng,
              %(pred)s::float AS pred,
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
            SELECT *, CASE WHEN score >= hot THEN %(band_hot)s
                           WHEN score >= warm THEN %(band_warm)s
                           ELSE %(band_cold)s END AS band
            FROM scored
        )
        """,
        wf=wf,
        we=we,
        wp=wp,
        warm=warm,
        hot=hot,
        fit=clamp_sql(SQL("fitc.fit_points + COALESCE(p.fit, 0)")),
        eng=clamp_sql(SQL("COALESCE(p.eng, 0)")),
        pred=clamp_sql(SQL("COALESCE(fitc.probability, 0)")),
        band_hot=scoring.BAND_HOT,
        band_warm=scoring.BAND_WARM,
        band_cold=scoring.BAND_COLD,
    )


def _update_cte(now):
    """``u``: the leads whose sub-scores, score or band change, updated; the
    crossing into hot decided from the row as it is when updated."""
    return SQL(
        """
        u AS (
            UPDATE crm_lead l SET
                score_fit = fin.fit,
                score_predictive = fin.pred,
                score = fin.score,
                score_band = fin.band,
                score_fit_signature = fin.sig,
                score_hot_date = CASE
                    WHEN fin.band = %(band_hot)s
                     AND l.score_band IS DISTINCT FROM %(band_hot)s
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
        """,
        band_hot=scoring.BAND_HOT,
        now=now,
    )


def update_leads_sql(leads_where, predicates, force_fit, today, now, audit, defaults):
    """The statement of ``crm.lead._score_update_leads``: fit rules, sub-scores,
    score and band of the leads ``leads_where`` selects, in one scan.

    :return: SQL whose one row is (ids of the leads that just became hot,
        highest lead id scored, number of leads scored)
    """
    fit = fit_terms_sql(predicates)
    return SQL(
        "WITH %s SELECT ARRAY(SELECT id FROM u WHERE crossed),"
        " (SELECT max(id) FROM pre), (SELECT count(*) FROM pre)",
        SQL(",").join(
            [
                _leads_ctes(leads_where, fit),
                _fit_lines_ctes(fit, force_fit, now, audit),
                _sums_ctes(today),
                _blend_ctes(defaults),
                _update_cte(now),
            ]
        ),
    )
