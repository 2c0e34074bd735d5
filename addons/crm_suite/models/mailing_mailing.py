# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailingMailing(models.Model):
    """The technical mailing of a drip step: archived, never queued, no KPI
    digest, filtered out of Email Marketing's views."""

    _inherit = "mailing.mailing"

    crm_drip_step_id = fields.Many2one(
        "crm.drip.step",
        string="Drip Campaign Step",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
    )

    def _get_seen_list_extra(self):
        """Odoo refuses a second email of one mailing to an address. For a
        drip step only the running participations count: a re-enrolled
        record receives the step again, two running ones never."""
        join, where = super()._get_seen_list_extra()
        if self.crm_drip_step_id:
            join += """
                JOIN crm_drip_trace crm_dt ON crm_dt.id = s.crm_drip_trace_id
                JOIN crm_drip_participant crm_dp ON crm_dp.id = crm_dt.participant_id
            """
            where += " AND crm_dp.state = 'running' "
        return join, where
