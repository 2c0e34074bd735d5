# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Running a batch of due traces: the checks every step passes first (goal,
blocklist, opt-out, filters, exclusive branches), then the step's action."""

import logging
from collections import defaultdict

from odoo import fields, models
from odoo.tools import SQL

from ..engines.drip_branch import closes_on_run

_logger = logging.getLogger(__name__)


class CrmDripTraceExecution(models.AbstractModel):
    _name = "crm.drip.trace.execution"
    _description = "Drip Trace Execution"

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
        """Run one step for these traces (all of ``step``): the participants
        that may no longer take it leave or are rejected, the others run the
        step's action."""
        live = self._drop_finished(step.campaign_id, now)
        live = live._drop_filtered(step, now) if live else live
        if not live:
            return
        # exclusive branches: running 'not opened' closes 'opened'
        closed = closes_on_run(step.trigger)
        if closed:
            live._cancel_siblings(closed, now)
        if step.action_type == "email":
            live = live._drop_excluded_recipients(step, now)
            live = live._defer_outside_window_and_cap(step, now) if live else live
            if live:
                live._execute_email(step, now)
            return
        if step.action_type == "server_action" and not live._owner_may_run(step, now):
            return
        getattr(live, f"_execute_{step.action_type}")(step, now)
        live._set_done(now)

    def _drop_finished(self, campaign, now):
        """Finish the participants whose record is gone, that reached the
        goal, whose address is blocklisted or (mailing contacts) that opted
        out of every list; returns the traces of the others."""
        record_ids = set(self.participant_id._records().ids)
        gone = self.filtered(lambda t: t.participant_id.res_id not in record_ids)
        if gone:
            gone.participant_id._finish("stopped", "left_domain", now)
        live = self - gone
        # goal reached: the participant completes, its steps stop here
        if campaign.goal_domain and record_ids:
            goal = campaign._parse_domain(campaign.goal_domain)
            # as the campaign's responsible, in its company (not as superuser)
            reached = set(campaign._audience_search(goal, list(record_ids)))
            if reached:
                traces = self.filtered(lambda t: t.participant_id.res_id in reached)
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
        return live

    def _drop_excluded_recipients(self, step, now):
        """Hook for the addons built on crm_suite: before an email step
        sends, finish the participants its email may not reach for a reason
        of their own (e.g. crm_collab's channel consent), with the reason on
        the trace; returns the traces of the others. Here: all of them."""
        del step, now  # for the overrides
        return self

    def _drop_filtered(self, step, now):
        """The campaign's filter, then the step's own (and its ancestors'):
        a record out of the campaign's filter leaves it, one out of the
        step's only is rejected (its branch ends); returns the others."""
        campaign = step.campaign_id
        matching = set(
            campaign._audience_search(
                step._applied_domain(), self.participant_id.mapped("res_id")
            )
        )
        missed = self.filtered(lambda t: t.participant_id.res_id not in matching)
        if not missed:
            return self
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
                "state_message": self.env._("Filtered out by the step's filter."),
                "done_date": now,
                "lock_token": False,
            }
        )
        return self - missed
