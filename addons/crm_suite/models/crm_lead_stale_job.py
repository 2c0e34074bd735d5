# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .crm_lead_score_sql import INTERACTION_SQL, OPEN_LEAD_SQL


class CrmLeadStaleJob(models.AbstractModel):
    """Stale-lead alerts: an activity for the salesperson of an open lead
    without interaction for its stage's (else team's) delay. The scheduled
    action stays on ``crm.lead`` (``_cron_stale_lead_alerts``)."""

    _name = "crm.lead.stale.job"
    _description = "Stale Lead Alerts"

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
        now = fields.Datetime.now()
        rows = self._stale_lead_rows(activity_type, now)
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

    @api.model
    def _stale_lead_rows(self, activity_type, now):
        """(lead id, salesperson, delay, last interaction) of the stale open
        leads without a pending ``activity_type`` activity, locked."""
        self.env.flush_all()
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
        return self.env.cr.fetchall()
