# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import random
import uuid
from collections import defaultdict
from datetime import datetime, timedelta

import pytz
from psycopg2.errors import LockNotAvailable

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import auto_commit
from .crm_drip_privileges import owner_context, server_action_refusal
from .crm_drip_step import EVENT_EFFECTS, EVENT_TRIGGERS, NEGATIVE_TRIGGERS, OPPOSITE

_logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_BATCHES = 20
# first steps scheduled at once from which the tables' statistics are renewed
ANALYZE_MIN_ROWS = 1000

# SQL: the step's delay as an interval ('3 days', '2 weeks'...)
STEP_DELAY_SQL = "((s.delay_number || ' ' || s.delay_unit)::interval)"

# mailing.trace failure -> participant exit
FAILURE_EXITS = {"mail_bl": "blocklisted", "mail_optout": "unsubscribed"}
# mailing.trace statuses of an email that did not reach its recipient
MAIL_FAILED_STATUSES = ("error", "bounce")


class CrmDripTrace(models.Model):
    """One step of one participant: scheduled, then done, rejected (filter),
    canceled (another branch, an exit) or in error.

    A trace of a reaction step ('opened', 'clicked', 'replied', 'bounced') is
    scheduled without a date until the event comes.
    """

    _name = "crm.drip.trace"
    _inherit = ["crm.drip.engine.mixin"]
    _description = "Drip Campaign Trace"
    _order = "schedule_date desc, id desc"
    _rec_name = "step_id"
    # set by the engine only (see crm.drip.engine.mixin); schedule_date stays
    # writable: writing it moves the step in time
    _engine_fields = ("participant_id", "step_id", "campaign_id", "parent_id")

    participant_id = fields.Many2one(
        "crm.drip.participant", required=True, ondelete="cascade", index=True
    )
    step_id = fields.Many2one(
        "crm.drip.step", required=True, ondelete="cascade", index=True
    )
    campaign_id = fields.Many2one("crm.drip.campaign", index=True, readonly=True)
    parent_id = fields.Many2one(
        "crm.drip.trace", string="Previous Step", ondelete="cascade", index=True
    )
    child_ids = fields.One2many("crm.drip.trace", "parent_id")
    trigger = fields.Selection(related="step_id.trigger")
    action_type = fields.Selection(related="step_id.action_type")
    res_id = fields.Many2oneReference(
        related="participant_id.res_id", model_field="model_name"
    )
    model_name = fields.Char(related="participant_id.model_name")
    record_name = fields.Char(related="participant_id.record_name")
    is_test = fields.Boolean(related="participant_id.is_test")
    state = fields.Selection(
        [
            ("scheduled", "Scheduled"),
            ("done", "Done"),
            ("rejected", "Rejected"),
            ("canceled", "Canceled"),
            ("error", "Error"),
        ],
        default="scheduled",
        required=True,
        index=True,
    )
    schedule_date = fields.Datetime(
        string="Scheduled On",
        help="Empty while the step waits for the recipient's reaction.",
    )
    done_date = fields.Datetime(string="Processed On", readonly=True)
    state_message = fields.Char(string="Details", readonly=True)
    # claim of the job processing the trace (committed before anything is sent)
    lock_token = fields.Char(readonly=True, copy=False)
    lock_date = fields.Datetime(readonly=True, copy=False)
    mailing_trace_ids = fields.One2many(
        "mailing.trace", "crm_drip_trace_id", string="Email Traces"
    )
    mailing_trace_status = fields.Selection(
        related="mailing_trace_ids.trace_status", string="Email Status"
    )
    mail_failed = fields.Boolean(
        string="Email Failed",
        compute="_compute_mail_failure",
        search="_search_mail_failed",
        help="The step's email was not delivered: the mail server refused it "
        "or it bounced (the step itself ran: its next steps follow).",
    )
    mail_failure_reason = fields.Char(
        string="Email Failure", compute="_compute_mail_failure"
    )

    @api.depends("mailing_trace_ids.trace_status", "mailing_trace_ids.failure_type")
    def _compute_mail_failure(self):
        # sudo: the email's outcome, which the trace's reader sees as its status
        types = dict(
            self.env["mailing.trace"]
            ._fields["failure_type"]
            ._description_selection(self.env)
        )
        for trace in self:
            failed = trace.sudo().mailing_trace_ids.filtered(
                lambda mt: mt.trace_status in MAIL_FAILED_STATUSES
            )[:1]
            trace.mail_failed = bool(failed)
            if not failed:
                trace.mail_failure_reason = False
                continue
            reason = (
                failed.failure_reason
                or types.get(failed.failure_type)
                or self.env._("no details")
            )
            trace.mail_failure_reason = (
                self.env._("Bounced: %(reason)s", reason=reason)
                if failed.trace_status == "bounce"
                else self.env._("Not sent: %(reason)s", reason=reason)
            )

    def _search_mail_failed(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError("Unsupported search on mail_failed")
        domain = [("mailing_trace_ids.trace_status", "in", list(MAIL_FAILED_STATUSES))]
        return domain if (operator == "=") == value else ["!"] + domain

    def init(self):
        # the job's queue: due traces, in date order
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS crm_drip_trace_due_idx
                ON crm_drip_trace (schedule_date, id)
             WHERE state = 'scheduled' AND lock_token IS NULL;
            CREATE INDEX IF NOT EXISTS crm_drip_trace_claimed_idx
                ON crm_drip_trace (id) WHERE lock_token IS NOT NULL;
            CREATE UNIQUE INDEX IF NOT EXISTS crm_drip_trace_step_uniq
                ON crm_drip_trace (participant_id, step_id);
            """
        )

    # ------------------------------------------------------------------
    # Scheduling
    # ------------------------------------------------------------------

    @api.model
    def _schedule_first_steps(self, participant_ids, campaign_id, now):
        self.env.cr.execute(
            SQL(
                f"""
                INSERT INTO crm_drip_trace (participant_id, step_id, campaign_id,
                    state, schedule_date, create_uid, create_date, write_uid,
                    write_date)
                SELECT p.id, s.id, p.campaign_id, 'scheduled',
                       %(now)s + {STEP_DELAY_SQL}, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM crm_drip_participant p
                  JOIN crm_drip_step s ON s.campaign_id = p.campaign_id
                 WHERE p.id = ANY(%(ids)s) AND NOT p.is_holdout
                   AND s.parent_id IS NULL AND s.campaign_id = %(campaign)s
                ON CONFLICT DO NOTHING
                """,
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
        self.env.cr.execute("ANALYZE crm_drip_participant, crm_drip_trace")

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
                f"""
                INSERT INTO crm_drip_trace (participant_id, step_id, campaign_id,
                    parent_id, state, schedule_date, create_uid, create_date,
                    write_uid, write_date)
                SELECT t.participant_id, s.id, t.campaign_id, t.id, 'scheduled',
                       CASE WHEN s.trigger = ANY(%(event)s) THEN NULL
                            ELSE %(now)s + {STEP_DELAY_SQL} END,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM crm_drip_trace t
                  JOIN crm_drip_step ps ON ps.id = t.step_id
                  JOIN crm_drip_step s ON s.parent_id = t.step_id
                 WHERE t.id = ANY(%(ids)s) AND t.state = 'done'
                   AND ps.action_type != 'split'
                ON CONFLICT DO NOTHING
                """,
                event=event_triggers,
                now=now,
                uid=self.env.uid,
                ids=list(parent_ids),
            )
        )

    @api.model
    def _trigger_process(self, at=None):
        cron = self.env.ref(
            "crm_suite.ir_cron_crm_drip_process", raise_if_not_found=False
        )
        if cron:
            cron._trigger(at)

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
                       state_message = 'participant ' || p.state, write_date = %s
                  FROM crm_drip_participant p
                 WHERE p.id = t.participant_id AND %s
                   AND p.state != 'running' AND t.state = 'scheduled'
                """,
                now,
                where,
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
                   SET state = 'canceled', state_message = 'no reaction',
                       write_date = %(now)s
                  FROM crm_drip_trace parent, crm_drip_campaign c
                 WHERE t.state = 'scheduled' AND t.schedule_date IS NULL
                   AND parent.id = t.parent_id AND c.id = t.campaign_id
                   AND parent.done_date
                       < %(now)s - c.reaction_days * interval '1 day'
                RETURNING t.participant_id
                """,
                now=now,
            )
        )
        participant_ids = {row[0] for row in self.env.cr.fetchall()}
        self._complete_participants(participant_ids, now)
        self.invalidate_model()

    # ------------------------------------------------------------------
    # The job: claim, commit the claim, process, commit
    # ------------------------------------------------------------------

    @api.model
    def _cron_process(self, batch_size=BATCH_SIZE, max_batches=MAX_BATCHES):
        """Run the due steps of running campaigns.

        Each batch is claimed (``lock_token``) and the claim committed before
        anything is sent, then processed and committed with its rows locked.
        Another worker skips claimed and locked rows; a claim left by a worker
        that died is taken back at the next run (its emails, if any were
        committed, mark the trace done instead of being sent again).
        """
        commit = auto_commit(self.env)
        if commit:
            self._read_committed()
        self._recover_claims()
        done = 0
        for __ in range(max_batches):
            if commit:
                self._read_committed()
            token = self._claim(batch_size)
            if not token:
                break
            if commit:
                self._read_committed()  # commits the claim
            done += self._process_claimed(token)
            if commit:
                # the batch is done: its emails and states stand together
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        else:
            # more is due: come back at once rather than at the next interval
            self._trigger_process()
        return done

    @api.model
    def _read_committed(self):
        """Commit, and run the job's next transaction (recovery, claim,
        processing) in READ COMMITTED.

        Odoo's REPEATABLE READ refuses to lock a row another worker changed
        and committed after this transaction's snapshot ("could not serialize
        access due to concurrent update"), which SKIP LOCKED does not avoid:
        with two workers, a claim racing the other's committed claim, or the
        processing of a batch whose claim the other's recovery took back
        between the claim's commit and the lock, failed the whole run. READ
        COMMITTED re-checks such a row instead: claimed by the other worker
        (or no longer ours), it is skipped.
        """
        # the job's transactions are its own (claims must be seen by others)
        self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env.cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")

    @api.model
    def _due_where(self, now):
        # The participant check is a scalar subquery on purpose, not EXISTS:
        # PostgreSQL turns EXISTS into a semi join that, with the statistics
        # of before a large enrolment (few 'running' participants, few
        # 'scheduled' traces), scans every running participant for every
        # due trace (quadratic: 2.4 s per claim at 2,000 participants).
        # A scalar subquery stays a primary key lookup per trace whatever
        # the statistics; no row (or a false one) excludes the trace, as
        # EXISTS did.
        return SQL(
            """
            t.state = 'scheduled' AND t.lock_token IS NULL
            AND t.schedule_date <= %(now)s
            AND (SELECT p.state = 'running' AND NOT p.is_test
                        AND c.state = 'running'
                   FROM crm_drip_participant p
                   JOIN crm_drip_campaign c ON c.id = p.campaign_id
                  WHERE p.id = t.participant_id)
            """,
            now=now,
        )

    @api.model
    def _claim(self, batch_size):
        now = fields.Datetime.now()
        token = uuid.uuid4().hex
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_drip_trace SET lock_token = %(token)s, lock_date = %(now)s
                 WHERE id IN (SELECT t.id FROM crm_drip_trace t
                               WHERE %(due)s
                               ORDER BY t.schedule_date, t.id
                               LIMIT %(limit)s
                               FOR UPDATE OF t SKIP LOCKED)
                RETURNING id
                """,
                token=token,
                now=now,
                due=self._due_where(now),
                limit=batch_size,
            )
        )
        return token if self.env.cr.fetchall() else None

    @api.model
    def _process_claimed(self, token):
        # lock what is still ours: a recovering worker may have taken a claim
        # back between our commit and now (it then is no longer ours)
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM crm_drip_trace
                 WHERE lock_token = %s AND state = 'scheduled'
                 ORDER BY id FOR UPDATE
                """,
                token,
            )
        )
        traces = self.browse([row[0] for row in self.env.cr.fetchall()])
        traces._execute()
        return len(traces)

    @api.model
    def _recover_claims(self):
        """Take back claims whose worker is gone (rows not locked any more).

        A trace whose email exists (stamped on its ``mailing.trace``) was sent
        in a transaction that committed: it is finished as done, never sent
        again. The others return to the queue.
        """
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT t.id, EXISTS (SELECT 1 FROM mailing_trace mt
                                  WHERE mt.crm_drip_trace_id = t.id)
              FROM crm_drip_trace t
             WHERE t.lock_token IS NOT NULL AND t.state = 'scheduled'
               FOR UPDATE OF t SKIP LOCKED
            """
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return
        sent = self.browse([trace_id for trace_id, has_mail in rows if has_mail])
        back = [trace_id for trace_id, has_mail in rows if not has_mail]
        if back:
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_drip_trace SET lock_token = NULL, lock_date = NULL "
                    "WHERE id = ANY(%s)",
                    back,
                )
            )
        _logger.warning(
            "Drip job: took back %s claimed steps (%s already sent)",
            len(rows),
            len(sent),
        )
        self.invalidate_model(["lock_token", "lock_date"])
        if sent:
            now = fields.Datetime.now()
            sent._email_results(now)
            # as after a normal run: a participant with nothing left completes
            self._complete_participants(set(sent.participant_id.ids), now)
        if auto_commit(self.env):
            # the recovered claims are released for every worker
            self.env.cr.commit()  # pylint: disable=invalid-commit

    # ------------------------------------------------------------------
    # Execution
    # ------------------------------------------------------------------

    def _execute(self):
        """Process these traces now, step by step; a step that fails marks
        its traces in error (one by one when the batch fails) and the others
        go on."""
        now = fields.Datetime.now()
        # ids first: uniting recordsets trace by trace is quadratic
        ids_by_step = defaultdict(list)
        for trace in self:
            ids_by_step[trace.step_id].append(trace.id)
        for step, trace_ids in ids_by_step.items():
            traces = self.browse(trace_ids)
            try:
                with self.env.cr.savepoint():
                    traces._execute_step(step, now)
            except Exception as error:  # noqa: BLE001 - isolate the failure
                if len(traces) == 1:
                    traces._set_error(error, now)
                    continue
                for trace in traces:
                    try:
                        with self.env.cr.savepoint():
                            trace._execute_step(step, now)
                    except Exception as single_error:  # noqa: BLE001
                        trace._set_error(single_error, now)
        self.env.flush_all()
        self._complete_participants(set(self.participant_id.ids), now)
        self.invalidate_model()

    def _set_error(self, error, now):
        _logger.warning("Drip step %s failed for traces %s", self.step_id.ids, self.ids)
        self.env.invalidate_all()
        self.write(
            {
                "state": "error",
                "state_message": str(error)[:500],
                "done_date": now,
                "lock_token": False,
            }
        )

    def _execute_step(self, step, now):
        """Run one step for these traces (all of ``step``)."""
        campaign = step.campaign_id
        participants = self.participant_id
        record_ids = set(participants._records().ids)
        by_record = {trace.participant_id.res_id: trace for trace in self}
        gone = self.filtered(lambda t: t.participant_id.res_id not in record_ids)
        if gone:
            gone.participant_id._finish("stopped", "left_domain", now)
        live = self - gone
        ids = list(record_ids)

        # goal reached: the participant completes, its steps stop here
        if campaign.goal_domain and ids:
            goal = campaign._parse_domain(campaign.goal_domain)
            # as the campaign's responsible, in its company (not as superuser)
            reached = campaign._audience_search(goal, ids)
            if reached:
                traces = self.browse([by_record[rid].id for rid in reached])
                traces.participant_id._finish("completed", "goal", now)
                live -= traces
        # blocklisted address: the participant stops
        emails = [
            email for email in live.participant_id.mapped("email_normalized") if email
        ]
        if emails:
            self.env.cr.execute(
                SQL(
                    "SELECT email FROM mail_blacklist WHERE active AND email = ANY(%s)",
                    emails,
                )
            )
            blocked = {row[0] for row in self.env.cr.fetchall()}
            if blocked:
                traces = live.filtered(
                    lambda t: t.participant_id.email_normalized in blocked
                )
                traces.participant_id._finish("stopped", "blocklisted", now)
                live -= traces
        # a mailing contact that opted out of all its lists: unsubscribed
        if live and campaign.model_name == "mailing.contact":
            self.env.cr.execute(
                SQL(
                    "SELECT p.id FROM crm_drip_participant p "
                    "WHERE p.id = ANY(%s) AND %s",
                    live.participant_id.ids,
                    self.env["crm.drip.participant"]._unsubscribed_contacts_sql(),
                )
            )
            unsubscribed = {row[0] for row in self.env.cr.fetchall()}
            if unsubscribed:
                traces = live.filtered(lambda t: t.participant_id.id in unsubscribed)
                traces.participant_id._finish("stopped", "unsubscribed", now)
                live -= traces
        if not live:
            return
        # the campaign's filter, then the step's own (and its ancestors')
        live_ids = live.participant_id.mapped("res_id")
        matching = set(campaign._audience_search(step._applied_domain(), live_ids))
        missed = live.filtered(lambda t: t.participant_id.res_id not in matching)
        if missed:
            in_campaign = set(
                campaign._audience_search(
                    campaign._parse_domain(campaign.domain),
                    missed.participant_id.mapped("res_id"),
                )
            )
            left = missed.filtered(
                lambda t: t.participant_id.res_id not in in_campaign
                and not t.participant_id.is_test
            )
            left.participant_id._finish("stopped", "left_domain", now)
            (missed - left).write(
                {
                    "state": "rejected",
                    "state_message": _("Filtered out by the step's filter."),
                    "done_date": now,
                    "lock_token": False,
                }
            )
            live -= missed
        if not live:
            return
        # exclusive branches: running 'not opened' closes 'opened'
        if step.trigger in NEGATIVE_TRIGGERS:
            live._cancel_siblings(OPPOSITE[step.trigger], now)
        if step.action_type == "email":
            live = live._defer_outside_window_and_cap(step, now)
            if live:
                live._execute_email(step, now)
            return
        if step.action_type == "server_action" and not live._owner_may_run(step, now):
            return
        getattr(live, f"_execute_{step.action_type}")(step, now)
        live._set_done(now)

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
                message=f"exclusive branch: {trigger} closed",
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

    # -- actions ----------------------------------------------------------

    def _records_of(self):
        return self.participant_id._records()

    def _execute_activity(self, step, now):
        records = self._records_of()
        model_id = self.env["ir.model"]._get_id(records._name)
        deadline = fields.Date.context_today(self) + timedelta(days=step.activity_days)
        fallback = step.campaign_id.user_id or self.env.user
        values = []
        for record in records:
            user = step.activity_user_id
            if not user and "user_id" in record._fields:
                user = record.user_id
            values.append(
                {
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "activity_type_id": step.activity_type_id.id,
                    "summary": step.activity_summary or step.name,
                    "note": step.activity_note,
                    "date_deadline": deadline,
                    "user_id": (user or fallback).id,
                }
            )
        # sudo: the job schedules the activity for the assignee
        self.env["mail.activity"].sudo().create(values)

    def _execute_score(self, step, now):
        model = step.campaign_id.model_name
        res_ids = self.participant_id.mapped("res_id")
        Lead = self.env["crm.lead"].sudo()  # sudo: see _record_score_events
        if model == "crm.lead":
            leads = Lead.browse(res_ids).exists()
        elif model == "res.partner":
            leads = Lead.search([("partner_id", "in", res_ids)])
        else:
            return
        trace_by_res = {t.participant_id.res_id: t for t in self}
        lines = []
        for lead in leads:
            key = lead.id if model == "crm.lead" else lead.partner_id.id
            trace = trace_by_res.get(key)
            if not trace:
                continue
            lines.append(
                {
                    "lead_id": lead.id,
                    "rule_id": step.score_rule_id.id,
                    "points": step.score_points,
                    "date": now,
                    "res_model": self._name,
                    "res_id": trace.id,
                    "is_manual": True,
                }
            )
        # sudo: the job books the step's points; a score line's source is set
        # by the engine only (refused to anyone else)
        self.env["crm.lead.score.line"].sudo().create(lines)

    def _owner_may_run(self, step, now):
        """Whether the campaign's owner may still run the step's server
        action; if not, these traces end in error and nothing runs."""
        campaign = step.campaign_id
        reason = server_action_refusal(
            step.server_action_id,
            campaign._owner(),
            campaign.model_name,
            company=campaign.company_id,
        )
        if not reason:
            return True
        self.write(
            {
                "state": "error",
                "state_message": self.env._("Not run: %(reason)s", reason=reason)[:500],
                "done_date": now,
                "lock_token": False,
            }
        )
        return False

    def _execute_server_action(self, step, now):
        """Run the step's server action as the campaign's owner (Odoo then
        checks the action's groups and the owner's rights on the records)."""
        records = self._records_of()
        if not records:
            return
        campaign = step.campaign_id
        owner = campaign._owner()
        step.server_action_id.with_user(owner).with_context(
            **owner_context(campaign, owner),
            active_model=records._name,
            active_ids=records.ids,
            active_id=records[:1].id,
        ).run()

    def _execute_split(self, step, now):
        """Each participant takes one arm, drawn by the arms' shares."""
        arms = step.child_ids
        weights = [max(arm.split_percent, 0.0) for arm in arms]
        if not arms or not sum(weights):
            return
        rng = random.Random()
        values = []
        for trace in self:
            arm = rng.choices(arms, weights=weights)[0]
            values.append(
                {
                    "participant_id": trace.participant_id.id,
                    "step_id": arm.id,
                    "campaign_id": trace.campaign_id.id,
                    "parent_id": trace.id,
                    "state": "scheduled",
                    "schedule_date": now + arm._delay(),
                }
            )
        self.create(values)

    # -- email ------------------------------------------------------------

    def _recipient_tz(self, records, campaign):
        """Time zone of each record (its own, its contact's, the campaign's)."""
        default = campaign.send_tz or "UTC"
        result = {}
        for record in records:
            tz = False
            if "tz" in record._fields:
                tz = record.tz
            if not tz and "partner_id" in record._fields:
                tz = record.partner_id.tz
            result[record.id] = tz or default
        return result

    @api.model
    def _next_window_start(self, campaign, tz_name, now):
        """``now`` if the send window is open in ``tz_name``, else when it
        opens next (UTC, naive)."""
        try:
            tz = pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            tz = pytz.utc
        local = pytz.utc.localize(now).astimezone(tz)
        days = campaign._send_weekdays()
        start_h, end_h = campaign.send_hour_from, campaign.send_hour_to
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            if day.weekday() not in days:
                continue
            midnight = datetime(day.year, day.month, day.day)
            start = tz.localize(midnight + timedelta(hours=start_h))
            end = tz.localize(midnight + timedelta(hours=end_h))
            if offset == 0 and local >= end:
                continue
            if local >= start:
                return now
            return start.astimezone(pytz.utc).replace(tzinfo=None)
        return now

    def _defer_outside_window_and_cap(self, step, now):
        """Traces that may send now; the others wait for the send window or
        for the address to fall below the frequency cap."""
        campaign = step.campaign_id
        later = {}
        # a test participant's steps run when the tester says
        real = self.filtered(lambda t: not t.participant_id.is_test)
        if campaign._has_send_window() and real:
            records = real._records_of()
            tzs = self._recipient_tz(records, campaign)
            cache = {}
            for trace in real:
                tz_name = tzs.get(trace.participant_id.res_id) or "UTC"
                if tz_name not in cache:
                    cache[tz_name] = self._next_window_start(campaign, tz_name, now)
                if cache[tz_name] > now:
                    later[trace.id] = cache[tz_name]
        cap = campaign.company_id.crm_drip_cap_count
        days = campaign.company_id.crm_drip_cap_days or 1
        candidates = real.filtered(
            lambda t: t.id not in later and t.participant_id.email_normalized
        )
        if cap > 0 and candidates:
            self.env.flush_all()
            since = now - timedelta(days=days)
            self.env.cr.execute(
                SQL(
                    """
                    SELECT p.email_normalized,
                           array_agg(t.done_date ORDER BY t.done_date DESC)
                      FROM crm_drip_trace t
                      JOIN crm_drip_step s ON s.id = t.step_id
                      JOIN crm_drip_participant p ON p.id = t.participant_id
                     WHERE s.action_type = 'email' AND t.state = 'done'
                       AND t.done_date > %(since)s AND NOT p.is_test
                       AND p.company_id = %(company)s
                       AND p.email_normalized = ANY(%(emails)s)
                     GROUP BY p.email_normalized
                    """,
                    since=since,
                    company=campaign.company_id.id,
                    emails=list(
                        set(candidates.participant_id.mapped("email_normalized"))
                    ),
                )
            )
            sent = dict(self.env.cr.fetchall())
            for trace in candidates:
                dates = sent.get(trace.participant_id.email_normalized) or []
                if len(dates) >= cap:
                    # free again when the cap-th most recent leaves the period
                    later[trace.id] = dates[cap - 1] + timedelta(days=days, seconds=1)
        if not later:
            return self
        waiting = self.filtered(lambda t: t.id in later)
        for date, traces in _group_by_value(waiting, later).items():
            traces.write(
                {
                    "schedule_date": date,
                    "lock_token": False,
                    "state_message": _(
                        "Waiting for the send window or the frequency cap."
                    ),
                }
            )
        self._trigger_process(sorted(set(later.values()))[:10])
        return self - waiting

    def _execute_email(self, step, now):
        """Send the step's template to these traces' records through Odoo's
        mass mailing composer: one email per record, rendered in its language,
        with tracking, blocklist and unsubscribe links."""
        mailing = step._ensure_mailing()
        records = self._records_of()
        trace_by_res = {t.participant_id.res_id: t.id for t in self}
        # sudo: the composer's bookkeeping (emails, mailing traces) is the
        # campaign job's; the rendering runs as the campaign's owner, as
        # Odoo's mailings render as their user (see mail.compose.message)
        mailing = mailing.sudo()
        template = step.mail_template_id.sudo()
        owner = step.campaign_id._owner()
        render_context = owner_context(step.campaign_id, owner)
        context = dict(
            mailing._get_mass_mailing_context(),
            default_composition_mode="mass_mail",
            mail_composer_force_partners=False,
            crm_drip_trace_by_res=trace_by_res,
            crm_drip_render_uid=owner.id,
            crm_drip_render_company_ids=render_context["allowed_company_ids"],
        )
        # sudo: the owner's composer (composers are their creator's), created by
        # the job; the owner's rights come back for rendering (crm_drip_render_uid)
        Composer = self.env["mail.compose.message"].with_user(owner).sudo()
        values = {
            "composition_mode": "mass_mail",
            "model": records._name,
            "mass_mailing_id": mailing.id,
            "auto_delete": True,
            "auto_delete_keep_log": False,
            "force_send": False,
            "record_name": False,
        }
        if not self._template_is_plain(template):
            # the template has recipients, attachments... of its own: Odoo
            # renders it per record (and per language)
            composer = Composer.with_context(active_ids=records.ids, **context).create(
                dict(values, template_id=template.id)
            )
            composer._action_send_mail(auto_commit=False)
        else:
            # a plain template (subject, body, sender): its translation of
            # each language goes through the body path Odoo's own mailings
            # use, one composer per language (cheaper than the template path)
            langs = (
                template.with_user(owner)
                .with_context(**dict(context, **render_context))
                ._render_lang(records.ids)
            )
            by_lang = defaultdict(list)
            for res_id in records.ids:
                by_lang[langs.get(res_id) or False].append(res_id)
            for lang, res_ids in by_lang.items():
                lang_context = dict(context, active_ids=res_ids)
                if lang:
                    lang_context["lang"] = lang
                translated = template.with_context(lang=lang or self.env.lang)
                composer = Composer.with_context(**lang_context).create(
                    dict(
                        values,
                        subject=translated.subject or step.name,
                        body=translated.body_html or "",
                        email_from=template.email_from or False,
                        mail_server_id=template.mail_server_id.id,
                    )
                )
                composer._action_send_mail(auto_commit=False)
        self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        self._email_results(now)

    @api.model
    def _template_is_plain(self, template):
        """Only a subject, a body and a sender: the record's default
        recipients receive it, nothing else to render per record."""
        return not (
            template.email_to
            or template.partner_to
            or template.email_cc
            or template.reply_to
            or template.attachment_ids
            or template.report_template_ids
            or template.scheduled_date
            or (template.lang and not template._crm_drip_lang_field())
        )

    def _email_results(self, now):
        """Set each email trace's state from its mailing.trace: sent ones are
        done (children scheduled), cancelled ones end their branch."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT crm_drip_trace_id, trace_status, failure_type
                  FROM mailing_trace WHERE crm_drip_trace_id = ANY(%s)
                """,
                self.ids,
            )
        )
        results = {row[0]: (row[1], row[2]) for row in self.env.cr.fetchall()}
        done_ids = []
        # one write per outcome and one exit per reason, not per trace
        failed = defaultdict(list)
        exits = defaultdict(list)
        for trace in self:
            status, failure = results.get(trace.id, (None, None))
            if status in (None, "cancel", "error"):
                state = "canceled" if status == "cancel" else "error"
                failed[(state, failure or "")].append(trace.id)
                if failure in FAILURE_EXITS:
                    exits[FAILURE_EXITS[failure]].append(trace.participant_id.id)
            else:
                done_ids.append(trace.id)
        for (state, failure), trace_ids in failed.items():
            self.browse(trace_ids).write(
                {
                    "state": state,
                    "state_message": failure or _("No email was generated."),
                    "done_date": now,
                    "lock_token": False,
                }
            )
        for reason, participant_ids in exits.items():
            self.env["crm.drip.participant"].browse(participant_ids)._finish(
                "stopped", reason, now
            )
        self.browse(done_ids)._set_done(now)

    def action_execute_now(self):
        """Run scheduled steps now (test mode, or an administrator)."""
        self.check_access("write")
        traces = self.filtered(lambda t: t.state == "scheduled")
        if not traces:
            raise UserError(_("Only scheduled steps can be run."))
        if not self.env.su:
            # who runs a step now must be able to run its server action
            traces.step_id._check_server_action_privileges(self.env.user)
        if traces.filtered(lambda t: t.participant_id.state != "running"):
            raise UserError(_("The participant of this step is no longer running."))
        self.env.flush_all()
        busy = _("The campaign job is processing these steps; try again shortly.")
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    SQL(
                        """
                        SELECT id FROM crm_drip_trace
                         WHERE id = ANY(%s) AND state = 'scheduled'
                           AND lock_token IS NULL
                           FOR UPDATE NOWAIT
                        """,
                        traces.ids,
                    )
                )
                locked = self.browse([row[0] for row in self.env.cr.fetchall()])
        except LockNotAvailable as error:
            raise UserError(busy) from error
        if locked != traces:
            # claimed by the job (committed claim, not locked yet)
            raise UserError(busy)
        # sudo: running a step is the campaign job's work (emails, activities,
        # server actions); the right to do it was checked on the traces above
        locked.sudo()._execute()
        return True

    # ------------------------------------------------------------------
    # Reactions recorded by Odoo's tracking (mailing.trace)
    # ------------------------------------------------------------------

    @api.model
    def _on_mailing_event(self, event, drip_trace_ids):
        """The recipient reacted to the email of these traces: schedule the
        matching reaction steps (dated now + their delay) and cancel the
        opposite branch, in one statement. Steps already decided (a 'not
        opened' that ran) are left alone: branches are exclusive. A
        participant whose last pending step was the canceled branch has
        completed (same statement; a bounce is handled by ``_on_bounce``)."""
        fire, cancel = EVENT_EFFECTS[event]
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                f"""
                WITH changed AS (
                UPDATE crm_drip_trace t SET
                       state = CASE WHEN s.trigger = ANY(%(fire)s) THEN 'scheduled'
                                    ELSE 'canceled' END,
                       schedule_date = CASE WHEN s.trigger = ANY(%(fire)s)
                                            THEN %(now)s + {STEP_DELAY_SQL}
                                            ELSE t.schedule_date END,
                       state_message = CASE WHEN s.trigger = ANY(%(fire)s) THEN NULL
                                            ELSE %(event)s END,
                       write_date = %(now)s
                  FROM crm_drip_step s, crm_drip_participant p
                 WHERE t.parent_id = ANY(%(ids)s) AND s.id = t.step_id
                   AND p.id = t.participant_id AND p.state = 'running'
                   AND t.state = 'scheduled'
                   AND ((s.trigger = ANY(%(fire)s) AND t.schedule_date IS NULL)
                        OR s.trigger = ANY(%(cancel)s))
                RETURNING t.id, t.participant_id, t.schedule_date, t.state
                ),
                completed AS (
                UPDATE crm_drip_participant p
                   SET state = 'completed', exit_reason = 'last_step',
                       exit_date = %(now)s, write_date = %(now)s
                 WHERE %(complete)s AND p.state = 'running' AND NOT p.is_holdout
                   AND p.id IN (SELECT c.participant_id FROM changed c
                                 WHERE c.state = 'canceled')
                   AND NOT EXISTS (
                       SELECT 1 FROM crm_drip_trace o
                        WHERE o.participant_id = p.id AND o.state = 'scheduled'
                          AND o.id NOT IN (SELECT c.id FROM changed c
                                            WHERE c.state = 'canceled'))
                ),
                -- a step due at once wakes the job up (the trigger Odoo's
                -- ir.cron._trigger() would create, in this same statement)
                wake AS (
                INSERT INTO ir_cron_trigger (cron_id, call_at, create_uid,
                    create_date, write_uid, write_date)
                SELECT %(cron)s, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                 WHERE %(cron)s IS NOT NULL AND EXISTS (
                       SELECT 1 FROM changed c
                        WHERE c.state = 'scheduled' AND c.schedule_date <= %(now)s)
                RETURNING id
                )
                SELECT c.participant_id, c.schedule_date,
                       (SELECT count(*) FROM wake)
                  FROM changed c
                """,
                fire=list(fire),
                cancel=list(cancel),
                now=now,
                event=f"{event} received",
                ids=list(drip_trace_ids),
                complete=event != "bounce",
                cron=self.env["ir.model.data"]._xmlid_to_res_id(
                    "crm_suite.ir_cron_crm_drip_process", raise_if_not_found=False
                )
                or None,
                uid=self.env.uid,
            )
        )
        rows = self.env.cr.fetchall()
        if rows and rows[0][2]:
            # wake the cron workers after commit, as ir.cron._trigger() does
            self.env.cr.postcommit.add(self.env["ir.cron"]._notifydb)
        if event == "bounce":
            self._on_bounce(drip_trace_ids, now)
        if rows:
            self.invalidate_model(["state", "schedule_date", "state_message"])
            self.env["crm.drip.participant"].invalidate_model(
                ["state", "exit_reason", "exit_date"]
            )

    @api.model
    def _on_bounce(self, drip_trace_ids, now):
        """A bounce stops the participant unless the email has 'bounced'
        steps to run (it then stops after them)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT parent.participant_id
                  FROM crm_drip_trace parent
                 WHERE parent.id = ANY(%s) AND NOT EXISTS (
                       SELECT 1 FROM crm_drip_trace t
                         JOIN crm_drip_step s ON s.id = t.step_id
                        WHERE t.parent_id = parent.id AND s.trigger = 'bounced'
                          AND t.state = 'scheduled')
                """,
                list(drip_trace_ids),
            )
        )
        participants = self.env["crm.drip.participant"].browse(
            [row[0] for row in self.env.cr.fetchall()]
        )
        participants._finish("stopped", "bounced", now)
        self._trigger_process()


def _group_by_value(records, values):
    groups = defaultdict(lambda: records.browse())
    for record in records:
        groups[values[record.id]] |= record
    return groups
