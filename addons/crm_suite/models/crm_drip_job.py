# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The campaign job of ``crm.drip.trace`` (cron ``ir_cron_crm_drip_process``):
claim a batch, commit the claim, process it, commit; take back the claims of a
worker that died."""

import logging
import uuid

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import auto_commit

_logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_BATCHES = 20


class CrmDripJob(models.AbstractModel):
    _name = "crm.drip.job"
    _description = "Drip Campaign Job"

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
