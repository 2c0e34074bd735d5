# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""When an email step may send: the campaign's send window in the recipient's
time zone and the company's frequency cap."""

from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

from ..engines.frequency_cap import cap_free_at
from ..engines.send_window import next_window_start


class CrmDripSendLimits(models.AbstractModel):
    _name = "crm.drip.send.limits"
    _description = "Drip Send Window and Frequency Cap"

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
        return next_window_start(
            now,
            tz_name,
            campaign._send_weekdays(),
            campaign.send_hour_from,
            campaign.send_hour_to,
        )

    def _defer_outside_window_and_cap(self, step, now):
        """Traces that may send now; the others wait for the send window or
        for the address to fall below the frequency cap."""
        campaign = step.campaign_id
        # a test participant's steps run when the tester says
        real = self.filtered(lambda t: not t.participant_id.is_test)
        later = real._window_waits(campaign, now)
        candidates = real.filtered(
            lambda t: t.id not in later and t.participant_id.email_normalized
        )
        later.update(candidates._cap_waits(campaign.company_id, now))
        if not later:
            return self
        self._postpone(later, now)
        self._trigger_process(sorted(set(later.values()))[:10])
        return self.filtered(lambda t: t.id not in later)

    def _window_waits(self, campaign, now):
        """{trace id: when the send window opens} of the traces outside it."""
        if not self or not campaign._has_send_window():
            return {}
        tzs = self._recipient_tz(self._records_of(), campaign)
        later, cache = {}, {}
        for trace in self:
            tz_name = tzs.get(trace.participant_id.res_id) or "UTC"
            if tz_name not in cache:
                cache[tz_name] = self._next_window_start(campaign, tz_name, now)
            if cache[tz_name] > now:
                later[trace.id] = cache[tz_name]
        return later

    def _cap_waits(self, company, now):
        """{trace id: when its address is below the cap again} of the traces
        whose address reached the company's frequency cap."""
        cap = company.crm_drip_cap_count
        days = company.crm_drip_cap_days or 1
        if cap <= 0 or not self:
            return {}
        self.env.flush_all()
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
                since=now - timedelta(days=days),
                company=company.id,
                emails=list(set(self.participant_id.mapped("email_normalized"))),
            )
        )
        sent = dict(self.env.cr.fetchall())
        later = {}
        for trace in self:
            dates = sent.get(trace.participant_id.email_normalized) or []
            free_at = cap_free_at(dates, cap, days)
            if free_at:
                later[trace.id] = free_at
        return later

    def _postpone(self, dates, now):
        """Move the traces of ``dates`` ({trace id: date}) to their date, in
        one statement (each address may have its own date under the cap)."""
        self.env.flush_all()
        ids = list(dates)
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_drip_trace t
                   SET schedule_date = d.date, lock_token = NULL,
                       state_message = %(message)s,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM unnest(%(ids)s::int[], %(dates)s::timestamp[]) AS d(id, date)
                 WHERE t.id = d.id
                """,
                message=self.env._("Waiting for the send window or the frequency cap."),
                uid=self.env.uid,
                now=now,
                ids=ids,
                dates=[dates[trace_id] for trace_id in ids],
            )
        )
        self.browse(ids).invalidate_recordset(
            ["schedule_date", "lock_token", "state_message", "write_uid", "write_date"]
        )
