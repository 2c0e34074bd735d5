# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import models


class CrmDripTrace(models.Model):
    _inherit = "crm.drip.trace"

    def _drop_excluded_recipients(self, step, now):
        """Before an email step sends: a contact (or a lead's contact)
        without email consent leaves the campaign as a blocklisted one does;
        its trace is cancelled with the reason."""
        live = super()._drop_excluded_recipients(step, now)
        if not live:
            return live
        company = step.campaign_id.company_id or self.env.company
        refusals = self.env["res.partner"]._crm_email_refusals(
            live.participant_id._records(), company
        )
        if not refusals:
            return live
        by_reason = defaultdict(list)
        for trace in live:
            reason = refusals.get(trace.participant_id.res_id)
            if reason:
                by_reason[reason].append(trace.id)
        stopped = self.browse()
        for reason, trace_ids in by_reason.items():
            traces = self.browse(trace_ids)
            traces.write(
                {
                    "state": "canceled",
                    "state_message": reason,
                    "done_date": now,
                    "lock_token": False,
                }
            )
            stopped |= traces
        stopped.participant_id._finish("stopped", "no_consent", now)
        return live - stopped
