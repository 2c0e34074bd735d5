# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import datetime

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import auto_commit, trigger_cron
from .crm_lead_score_sql import OPEN_LEAD_SQL, PREDICTIVE_STALE_SQL

_logger = logging.getLogger(__name__)

# Leads rescored per statement batch (and per transaction in scheduled jobs).
SCORE_BATCH_SIZE = 50000
# Above this many open leads, a rule change rescores in the background.
SCORE_SYNC_LIMIT = 2000
# Batches one run of the scheduled job handles before it reschedules itself.
SCORE_CRON_MAX_BATCHES = 30
FULL_SINCE_PARAM = "crm_suite.score_full_since"
PROGRESS_PARAM = "crm_suite.score_progress"
SCORE_CRON = "crm_suite.ir_cron_crm_lead_score"


class CrmLeadScoreJob(models.AbstractModel):
    """The full recompute of lead scores: the daily job (decay, fit rules,
    Odoo's probability), the background rebuild after a rule change on a large
    database, and the follow-up of Odoo's predictive update. Its scheduled
    action stays on ``crm.lead`` (``_cron_score_recompute``)."""

    _name = "crm.lead.score.job"
    _description = "Lead Scoring Job"

    # ------------------------------------------------------------------
    # Requests
    # ------------------------------------------------------------------
    def _score_batches(self, size=None):
        size = size or SCORE_BATCH_SIZE
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
        trigger_cron(self.env, SCORE_CRON)

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

    # ------------------------------------------------------------------
    # The resumable run
    # ------------------------------------------------------------------
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
        self.env.flush_all()
        self._score_progress_init()
        done = batches = 0
        last_id = 0
        while max_batches is None or batches < max_batches:
            last_id = self._score_progress_claim(run_key)
            if last_id is None:
                _logger.info("Lead scoring: another worker is rescoring; leaving")
                return done, None
            if last_id < 0:
                break  # this run is complete
            count, last_id = self._score_job_batch(last_id, rebuild)
            if count:
                done += count
                batches += 1
            if count < SCORE_BATCH_SIZE:
                last_id = -1  # a short batch is the last one
            self._score_progress_save(run_key, last_id)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if last_id < 0:
                break
        self.env["ir.config_parameter"].invalidate_model(["value"])
        if last_id < 0:
            self._score_progress_done(run_key)
            return done, 0
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM crm_lead l WHERE %s AND l.id > %s",
                OPEN_LEAD_SQL,
                last_id,
            )
        )
        return done, self.env.cr.fetchone()[0]

    @api.model
    def _score_job_batch(self, last_id, rebuild):
        """Score the next batch of open leads after ``last_id``.

        :return: (leads scored, the last id done)
        """
        cr = self.env.cr
        self.env.flush_all()
        # Hash joins over a whole batch beat index probes; give them memory.
        cr.execute("SET LOCAL work_mem = '64MB'")
        if not rebuild:
            batch_last, count = self._score_run(after=last_id, engagement=False)
            return count, batch_last or last_id
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
        if ids:
            self._score_run(ids=ids, engagement=True)
            last_id = ids[-1]
        return len(ids), last_id

    @api.model
    def _score_progress_init(self):
        self.env.cr.execute(
            SQL(
                "INSERT INTO ir_config_parameter (key, value, create_date, write_date)"
                " VALUES (%s, '-', now(), now()) ON CONFLICT (key) DO NOTHING",
                PROGRESS_PARAM,
            )
        )

    @api.model
    def _score_progress_claim(self, run_key):
        """Lock the progress row (SKIP LOCKED): the last id done by the run
        ``run_key`` (0 for a new run, -1 when complete), None when another
        worker holds it."""
        self.env.cr.execute(
            SQL(
                "SELECT value FROM ir_config_parameter WHERE key = %s"
                " FOR UPDATE SKIP LOCKED",
                PROGRESS_PARAM,
            )
        )
        row = self.env.cr.fetchone()
        if row is None:
            return None
        key, __, last = (row[0] or "").rpartition("|")
        return int(last) if key == run_key and last.lstrip("-").isdigit() else 0

    @api.model
    def _score_progress_save(self, run_key, last_id):
        self.env.cr.execute(
            SQL(
                "UPDATE ir_config_parameter SET value = %s WHERE key = %s",
                f"{run_key}|{last_id}",
                PROGRESS_PARAM,
            )
        )

    @api.model
    def _score_progress_done(self, run_key):
        """A complete rebuild clears its request (unless a newer one came)."""
        if run_key.startswith("rebuild "):
            # sudo: the rebuild request is a technical parameter
            Param = self.env["ir.config_parameter"].sudo()
            if f"rebuild {Param.get_param(FULL_SINCE_PARAM)}" == run_key:
                Param.set_param(FULL_SINCE_PARAM, False)

    # ------------------------------------------------------------------
    # Scheduled action and Odoo's predictive update
    # ------------------------------------------------------------------
    @api.model
    def _cron_score_recompute(self):
        """Daily: fade engagement points, follow Odoo's predictive updates and
        apply rule changes, in batches that each commit."""
        done, remaining = self._score_recompute_pending(
            max_batches=SCORE_CRON_MAX_BATCHES, commit=auto_commit(self.env)
        )
        _logger.info("Lead scoring: %d leads rescored, %s to go", done, remaining)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining or 0)

    @api.model
    def _score_sync_predictive(self):
        """Rescore the leads whose predictive part no longer follows Odoo's
        probability (Odoo writes it in SQL), in batches that each commit."""
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
