# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Scheduling of a participant's steps (set-based SQL): first steps, next steps,
cancellations, completion, dormant reaction steps."""

from odoo import api, fields, models
from odoo.tools import SQL

from ..engines.drip_branch import EVENT_TRIGGERS
from ..tools import trigger_cron
from .crm_drip_sql import STEP_DELAY_SQL

# first steps scheduled at once from which the tables' statistics are renewed
ANALYZE_MIN_ROWS = 1000


class CrmDripTraceSchedule(models.AbstractModel):
    _name = "crm.drip.trace.schedule"
    _description = "Drip Trace Scheduling"

    @api.model
    def _schedule_first_steps(self, participant_ids, campaign_id, now):
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_drip_trace (participant_id, step_id, campaign_id,
                    state, schedule_date, create_uid, create_date, write_uid,
                    write_date)
                SELECT p.id, s.id, p.campaign_id, 'scheduled',
                       %(now)s + %(delay)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM crm_drip_participant p
                  JOIN crm_drip_step s ON s.campaign_id = p.campaign_id
                 WHERE p.id = ANY(%(ids)s) AND NOT p.is_holdout
                   AND s.parent_id IS NULL AND s.campaign_id = %(campaign)s
                ON CONFLICT DO NOTHING
                """,
                delay=STEP_DELAY_SQL,
                now=now,
                uid=self.env.uid,
                ids=list(participant_ids),
                campaign=campaign_id,
            )
        )
        if self.env.cr.rowcount >= ANALYZE_MIN_ROWS:
            self._analyze_tables()

    @api.model
    def _analyze_tables(self):
        """Refresh the planner's statistics of the drip tables after a large
        enrolment. The job runs right after it (triggered), before autovacuum
        notices thousands of new 'running' participants and 'scheduled'
        steps: planned with the old statistics, its joins on these tables
        (and Odoo's seen-list query of the step's mailing) turn quadratic.
        ANALYZE (in this transaction: it sees the new rows) blocks no reads
        nor writes; without the rights it only warns."""
        self.env.cr.execute(
            SQL(
                "ANALYZE %s, %s",
                SQL.identifier(self.env["crm.drip.participant"]._table),
                SQL.identifier(self._table),
            )
        )

    @api.model
    def _schedule_children(self, parent_ids, now):
        """Create the next steps of processed traces: dated ones (after the
        parent, 'not ...' within the delay) and reaction ones without date.
        Split steps choose one arm per participant instead."""
        if not parent_ids:
            return
        event_triggers = list(EVENT_TRIGGERS)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_drip_trace (participant_id, step_id, campaign_id,
                    parent_id, state, schedule_date, create_uid, create_date,
                    write_uid, write_date)
                SELECT t.participant_id, s.id, t.campaign_id, t.id, 'scheduled',
                       CASE WHEN s.trigger = ANY(%(event)s) THEN NULL
                            ELSE %(now)s + %(delay)s END,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM crm_drip_trace t
                  JOIN crm_drip_step ps ON ps.id = t.step_id
                  JOIN crm_drip_step s ON s.parent_id = t.step_id
                 WHERE t.id = ANY(%(ids)s) AND t.state = 'done'
                   AND ps.action_type != 'split'
                ON CONFLICT DO NOTHING
                """,
                delay=STEP_DELAY_SQL,
                event=event_triggers,
                now=now,
                uid=self.env.uid,
                ids=list(parent_ids),
            )
        )

    @api.model
    def _trigger_process(self, at=None):
        """Wake the campaign job up at ``at`` (now when omitted)."""
        trigger_cron(self.env, "crm_suite.ir_cron_crm_drip_process", at)

    @api.model
    def _cancel_pending_of_finished(self, campaign_ids, now, participant_ids=None):
        """Cancel the scheduled steps of participants that are no longer
        running."""
        where = SQL("p.campaign_id = ANY(%s)", list(campaign_ids))
        if participant_ids is not None:
            where = SQL("p.id = ANY(%s)", list(participant_ids))
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_drip_trace t
                   SET state = 'canceled', lock_token = NULL,
                       state_message = CASE WHEN p.state = 'completed'
                                            THEN %(completed)s ELSE %(stopped)s END,
                       write_date = %(now)s
                  FROM crm_drip_participant p
                 WHERE p.id = t.participant_id AND %(where)s
                   AND p.state != 'running' AND t.state = 'scheduled'
                """,
                completed=self.env._("participant completed"),
                stopped=self.env._("participant stopped"),
                now=now,
                where=where,
            )
        )
        self.invalidate_model(["state", "state_message", "lock_token"])

    @api.model
    def _complete_participants(self, participant_ids, now):
        """Participants with nothing left to run have completed (or stopped,
        when their last branch was the bounce one)."""
        if not participant_ids:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_drip_participant p
                   SET state = CASE WHEN b.bounced THEN 'stopped' ELSE 'completed' END,
                       exit_reason = CASE WHEN b.bounced THEN 'bounced'
                                          ELSE 'last_step' END,
                       exit_date = %(now)s, write_date = %(now)s
                  FROM (
                       SELECT p2.id, EXISTS (
                              SELECT 1 FROM crm_drip_trace bt
                                JOIN crm_drip_step bs ON bs.id = bt.step_id
                               WHERE bt.participant_id = p2.id
                                 AND bs.trigger = 'bounced' AND bt.state = 'done'
                              ) AS bounced
                         FROM crm_drip_participant p2
                        WHERE p2.id = ANY(%(ids)s)
                       ) b
                 WHERE p.id = b.id AND p.id = ANY(%(ids)s)
                   AND p.state = 'running' AND NOT p.is_holdout
                   -- NOT IN over these participants' scheduled steps (one
                   -- hashed lookup), not NOT EXISTS: with the statistics of
                   -- before a large enrolment, PostgreSQL turns NOT EXISTS
                   -- into an anti join scanning every scheduled step for
                   -- every participant (seconds per batch of 500)
                   AND p.id NOT IN (
                       SELECT t.participant_id FROM crm_drip_trace t
                        WHERE t.participant_id = ANY(%(ids)s)
                          AND t.state = 'scheduled')
                """,
                now=now,
                ids=list(participant_ids),
            )
        )
        self.env["crm.drip.participant"].invalidate_model(
            ["state", "exit_reason", "exit_date"]
        )

    @api.model
    def _expire_dormant(self):
        """Reaction steps whose event did not come within the campaign's
        reaction window are canceled; their participants may complete."""
        now = fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_drip_trace t
                   SET state = 'canceled', state_message = %(message)s,
                       write_date = %(now)s
                  FROM crm_drip_trace parent, crm_drip_campaign c
                 WHERE t.state = 'scheduled' AND t.schedule_date IS NULL
                   AND parent.id = t.parent_id AND c.id = t.campaign_id
                   AND parent.done_date
                       < %(now)s - c.reaction_days * interval '1 day'
                RETURNING t.participant_id
                """,
                message=self.env._("no reaction"),
                now=now,
            )
        )
        participant_ids = {row[0] for row in self.env.cr.fetchall()}
        self._complete_participants(participant_ids, now)
        self.invalidate_model()

    def _cancel_siblings(self, trigger, now):
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_drip_trace t SET state = 'canceled',
                       state_message = %(message)s, write_date = %(now)s
                  FROM crm_drip_step s
                 WHERE s.id = t.step_id AND s.trigger = %(trigger)s
                   AND t.parent_id = ANY(%(parents)s) AND t.state = 'scheduled'
                """,
                message=self.env._(
                    "exclusive branch: %(trigger)s closed", trigger=trigger
                ),
                now=now,
                trigger=trigger,
                parents=self.parent_id.ids,
            )
        )

    def _set_done(self, now, message=False):
        if not self:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_drip_trace SET state = 'done', done_date = %(now)s,
                       lock_token = NULL, state_message = %(message)s,
                       write_date = %(now)s
                 WHERE id = ANY(%(ids)s)
                """,
                now=now,
                message=message or None,
                ids=self.ids,
            )
        )
        self.invalidate_recordset(["state", "done_date", "lock_token", "state_message"])
        self._schedule_children(self.ids, now)
        self._record_score_events(now)
        self._trigger_process()

    def _record_score_events(self, now):
        model = self[:1].participant_id.model_name
        if model not in ("crm.lead", "res.partner") or self[:1].is_test:
            return
        target = "lead_id" if model == "crm.lead" else "partner_id"
        # the record of each trace in one query (not two fields read per trace)
        self.env.cr.execute(
            SQL(
                """
                SELECT t.id, p.res_id FROM crm_drip_trace t
                  JOIN crm_drip_participant p ON p.id = t.participant_id
                 WHERE t.id = ANY(%s)
                """,
                self.ids,
            )
        )
        res_by_trace = dict(self.env.cr.fetchall())
        # sudo: scoring events are recorded whatever the job's user may read
        self.env["crm.score.event"].sudo()._record(
            [
                {
                    "event_type": "drip_step_done",
                    target: res_by_trace.get(trace_id),
                    "date": now,
                    "res_model": self._name,
                    "res_id": trace_id,
                }
                for trace_id in self.ids
            ]
        )
