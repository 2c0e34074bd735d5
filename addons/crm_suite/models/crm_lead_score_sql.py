# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The lead scoring's SQL: plain functions that build the set-based statements
of the engine (``crm_lead_score_engine.py``) and the conditions the jobs share.

The arithmetic is FEATURES.md's, defined once in ``engines/scoring.py``: the
clamp bounds, the half-life base, the band names and the weights and thresholds
of a lead without a team are passed from there (and from the sales team's
field defaults) as query parameters, never written here as literals.
"""

from odoo.tools import SQL

from ..engines import scoring

# Messages that count as an interaction with the customer (stale leads,
# collision guard): emails, notes, logged calls, done activities.
INTERACTION_SQL = SQL(
    "(m.message_type IN ('email', 'comment', 'email_outgoing')"
    " OR m.mail_activity_type_id IS NOT NULL)"
)


def open_lead_sql(alias="l"):
    """SQL condition of an open lead (active and not won) for the table or
    alias ``alias`` (a name, quoted here): the same rule as the domain
    ``crm.lead._score_open_domain()``, for statements over many leads."""
    table = SQL.identifier(alias)
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


# The engine's lines follow a ``diff`` CTE (the wanted rows FULL JOIN the
# current lines, ``line_id``/``line_points`` from the lines): lines no longer
# wanted are deleted, changed points updated; the caller inserts the new ones.
LINE_DIFF_CTES = SQL(
    """
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
    """
)


def clamp_sql(value):
    """``value`` clamped to the score range of the engine."""
    return SQL(
        "LEAST(GREATEST(%s, %s), %s)", value, scoring.SCORE_MIN, scoring.SCORE_MAX
    )


def decayed_points_sql(today):
    """A line's points as of ``today`` (alias ``s`` the line, ``r`` its rule):
    ``points x 0.5^(age_in_days / decay_days)`` for engagement rules with a
    half-life, whole days, never above the original points
    (``scoring.decay_factor``)."""
    return SQL(
        "CASE WHEN r.rule_type = 'engagement' AND r.decay_days > 0"
        " THEN s.points * power(%s, GREATEST(%s::date - s.date::date, 0)"
        " / r.decay_days::float) ELSE s.points END",
        scoring.DECAY_BASE,
        today,
    )


def engagement_raw_sql(ids, today):
    """(lead id, engagement points as of ``today``) of the leads ``ids``: each
    rule's total capped (``scoring.cap_total``), not clamped."""
    return SQL(
        """
        SELECT lead_id, SUM(points) FROM (
            SELECT s.lead_id,
              CASE WHEN r.max_points > 0
                THEN LEAST(GREATEST(SUM(%(value)s), -r.max_points), r.max_points)
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


def sync_engagement_lines_sql(ids, rule_ids, audit):
    """One statement: the engine's engagement lines of the leads ``ids`` follow
    the events on the lead or on its contact (inserted, updated, deleted).
    Longer than 60 lines: it is one SQL statement, read top to bottom."""
    return SQL(
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
        %(apply_diff)s
        INSERT INTO crm_lead_score_line (lead_id, rule_id, rule_type, points,
            date, event_id, res_model, res_id, is_manual, company_id,
            create_uid, create_date, write_uid, write_date)
        SELECT lead_id, rule_id, 'engagement', points, date, event_id,
               res_model, res_id, FALSE, company_id, %(audit)s
        FROM diff WHERE line_id IS NULL
        ON CONFLICT DO NOTHING
        """,
        ids=ids,
        rule_ids=rule_ids,
        audit=audit,
        apply_diff=LINE_DIFF_CTES,
    )


def drop_stale_lines_sql(ids, rule_ids, engagement_ids, fit_ids):
    """Engine lines of the leads ``ids`` whose rule no longer applies (archived,
    or its type changed)."""
    return SQL(
        """
        DELETE FROM crm_lead_score_line s
        WHERE s.lead_id = ANY(%(ids)s) AND NOT s.is_manual
          AND (s.rule_id <> ALL(%(rule_ids)s)
               OR (s.event_id IS NULL AND s.rule_id = ANY(%(eng)s))
               OR (s.event_id IS NOT NULL AND s.rule_id = ANY(%(fit)s)))
        """,
        ids=ids,
        rule_ids=rule_ids,
        eng=engagement_ids,
        fit=fit_ids,
    )
