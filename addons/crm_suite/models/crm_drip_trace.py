# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The drip trace: one step of one participant (fields, states, its email's
outcome, running it by hand). What acts on traces lives in the mixins this
model inherits, one concern per file:

- ``crm_drip_schedule.py``: scheduling SQL (first and next steps, cancels,
  completion, dormant reaction steps);
- ``crm_drip_job.py``: the campaign job (claim, commit, process, recover);
- ``crm_drip_execution.py``: the checks of a due step, then its action;
- ``crm_drip_step_actions.py``, ``crm_drip_step_email.py``: the executors;
- ``crm_drip_send_limits.py``: send window and frequency cap;
- ``crm_drip_reaction.py``: opens, clicks, replies and bounces.
"""

from psycopg2.errors import LockNotAvailable

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# mailing.trace statuses of an email that did not reach its recipient
MAIL_FAILED_STATUSES = ("error", "bounce")


class CrmDripTrace(models.Model):
    """One step of one participant: scheduled, then done, rejected (filter),
    canceled (another branch, an exit) or in error.

    A trace of a reaction step ('opened', 'clicked', 'replied', 'bounced') is
    scheduled without a date until the event comes.
    """

    _name = "crm.drip.trace"
    _inherit = [
        "crm.drip.engine.mixin",
        "crm.drip.trace.schedule",
        "crm.drip.job",
        "crm.drip.trace.execution",
        "crm.drip.step.actions",
        "crm.drip.step.email",
        "crm.drip.send.limits",
        "crm.drip.reaction",
    ]
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
    # Written by the engine, translated when written: the text is stored in
    # the language of the environment that writes it (the job's, or the
    # tracking request's), as Odoo stores a chatter message.
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

    def action_execute_now(self):
        """Run scheduled steps now (test mode, or an administrator)."""
        self.check_access("write")
        traces = self.filtered(lambda t: t.state == "scheduled")
        if not traces:
            raise UserError(self.env._("Only scheduled steps can be run."))
        if not self.env.su:
            # who runs a step now must be able to run its server action
            traces.step_id._check_server_action_privileges(self.env.user)
        if traces.filtered(lambda t: t.participant_id.state != "running"):
            raise UserError(
                self.env._("The participant of this step is no longer running.")
            )
        self.env.flush_all()
        busy = self.env._(
            "The campaign job is processing these steps; try again shortly."
        )
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
