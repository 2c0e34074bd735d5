# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL


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

    def _get_seen_list(self):
        """While the drip job sends a batch, only the batch's addresses can
        be seen again: look them up (through the running participants with
        the same address in the campaign) instead of reading every address
        the step ever reached, at each batch of 50."""
        batch = self.env.context.get("crm_drip_seen_trace_ids")
        if not (self.crm_drip_step_id and batch is not None):
            return super()._get_seen_list()
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """
                SELECT mt.email
                  FROM crm_drip_trace cur
                  JOIN crm_drip_participant cp ON cp.id = cur.participant_id
                  JOIN crm_drip_participant p
                    ON p.campaign_id = cp.campaign_id
                   AND p.email_normalized = cp.email_normalized
                   AND p.state = 'running'
                  JOIN crm_drip_trace dt
                    ON dt.participant_id = p.id AND dt.step_id = cur.step_id
                  JOIN mailing_trace mt ON mt.crm_drip_trace_id = dt.id
                 WHERE cur.id = ANY(%(batch)s) AND mt.mass_mailing_id = %(mailing)s
                   AND mt.email IS NOT NULL
                """,
                batch=list(batch),
                mailing=self.id,
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}
