# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The campaigns' sync job (cron ``ir_cron_crm_drip_sync`` on
``crm.drip.campaign``): exits, goal completions and enrolments, set-based."""

import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools import auto_commit
from .crm_drip_sql import contact_opted_out_sql

_logger = logging.getLogger(__name__)


class CrmDripSyncJob(models.AbstractModel):
    _name = "crm.drip.sync.job"
    _description = "Drip Campaign Sync Job"

    @api.model
    def _cron_sync_participants(self):
        campaigns = self.search([("state", "=", "running")])
        for index, campaign in enumerate(campaigns, start=1):
            try:
                with self.env.cr.savepoint():
                    campaign._sync_participants()
            except UserError as error:
                # its responsible may not act for it: the others still sync
                _logger.warning("Drip campaign %s not synced: %s", campaign.id, error)
            if auto_commit(self.env):
                # one campaign at a time: a long sync keeps what it did
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env["ir.cron"]._notify_progress(
                done=index, remaining=len(campaigns) - index
            )
        self.env["crm.drip.trace"]._expire_dormant()

    def _sync_participants(self):
        """Exit, complete and enrol participants of running campaigns.

        Every statement is set-based; running it twice (or in two workers at
        once) enrols nobody twice: a unique index guards a running
        participant per record.
        """
        now = fields.Datetime.now()
        self.env.flush_all()
        created = self.env["crm.drip.participant"]
        for campaign in self.filtered(lambda c: c.state == "running"):
            # serialize syncs of one campaign (two workers at once)
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM crm_drip_campaign WHERE id = %s FOR NO KEY UPDATE",
                    campaign.id,
                )
            )
            campaign._sync_exits(now)
            created |= campaign._sync_enrol(now)
            campaign.last_sync_date = now
        self.env["crm.drip.participant"].invalidate_model()
        self.env["crm.drip.trace"].invalidate_model()
        if created:
            self.env["crm.drip.trace"]._trigger_process(now)
        return created

    def _sync_exits(self, now):
        """Stop participants that left the filter or are blocklisted, complete
        those that reached the goal; their pending steps are canceled."""
        self.ensure_one()
        domain = self._parse_domain(self.domain)
        if self.goal_domain:
            self._sync_goal_exits(now)
        self._sync_left_exits(domain, now)
        if self.model_name == "mailing.contact":
            self._sync_unsubscribed_exits(now)
        if self.allow_reenrollment:
            # a finished participant whose record no longer matches may
            # enter again when it matches anew
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE crm_drip_participant p SET can_reenroll = TRUE
                     WHERE p.campaign_id = %(campaign)s AND p.state != 'running'
                       AND NOT p.can_reenroll AND NOT p.is_test
                       AND p.res_id NOT IN %(records)s
                    """,
                    campaign=self.id,
                    records=self._records_query(domain),
                )
            )
        self.env["crm.drip.trace"]._cancel_pending_of_finished(self.ids, now)

    def _sync_goal_exits(self, now):
        """Participants whose record reached the goal complete."""
        goal = self._parse_domain(self.goal_domain)
        self.env.cr.execute(
            SQL(
                """
                    UPDATE crm_drip_participant p
                       SET state = 'completed', reached_goal = TRUE,
                           exit_date = %(now)s, exit_reason = 'goal',
                           write_date = %(now)s
                     WHERE p.campaign_id = %(campaign)s AND p.state = 'running'
                       AND p.res_id IN %(goal)s
                    """,
                now=now,
                campaign=self.id,
                goal=self._records_query(goal),
            )
        )

    def _sync_left_exits(self, domain, now):
        """Participants whose record left the filter, or whose address is
        blocklisted, stop."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_drip_participant p
                   SET state = 'stopped', exit_date = %(now)s,
                       exit_reason = CASE
                           WHEN bl.id IS NOT NULL THEN 'blocklisted'
                           ELSE 'left_domain' END,
                       write_date = %(now)s
                  FROM crm_drip_participant p2
                  LEFT JOIN mail_blacklist bl
                    ON bl.email = p2.email_normalized AND bl.active
                 WHERE p2.id = p.id AND p.campaign_id = %(campaign)s
                   AND p.state = 'running' AND NOT p.is_test
                   AND (bl.id IS NOT NULL OR p.res_id NOT IN %(records)s)
                """,
                now=now,
                campaign=self.id,
                records=self._records_query(domain),
            )
        )

    def _sync_unsubscribed_exits(self, now):
        """Mailing contacts that opted out of every mailing list stop."""
        self.env.cr.execute(
            SQL(
                """
                    UPDATE crm_drip_participant p
                       SET state = 'stopped', exit_date = %(now)s,
                           exit_reason = 'unsubscribed', write_date = %(now)s
                     WHERE p.campaign_id = %(campaign)s AND p.state = 'running'
                       AND NOT p.is_test AND %(unsubscribed)s
                    """,
                now=now,
                campaign=self.id,
                unsubscribed=self.env[
                    "crm.drip.participant"
                ]._unsubscribed_contacts_sql(),
            )
        )

    def _sync_enrol(self, now):
        """Enrol matching records (dedup on email) and schedule their first
        steps. Returns the new participants.

        Long on purpose: the enrolment is one INSERT ... SELECT (idempotent
        under two workers), whose text is most of the method."""
        self.ensure_one()
        cr = self.env.cr
        domain = self._parse_domain(self.domain)
        if self.goal_domain:
            # a record that already reached the goal does not enter
            domain = expression.AND(
                [domain, ["!"] + self._parse_domain(self.goal_domain)]
            )
        table = self.env[self.model_name]._table
        cr.execute(
            SQL(
                """
                INSERT INTO crm_drip_participant (
                    campaign_id, model_name, res_id, email_normalized, state,
                    is_holdout, is_test, reached_goal, can_reenroll, enrol_date,
                    company_id, lead_id, create_uid, create_date, write_uid,
                    write_date)
                SELECT %(campaign)s, %(model)s, r.id, r.email_normalized,
                       'running', random() * 100 < %(holdout)s, FALSE, FALSE,
                       FALSE, %(now)s, %(company)s, %(lead)s, %(uid)s, %(now)s,
                       %(uid)s, %(now)s
                  FROM (
                        SELECT DISTINCT ON (COALESCE(t.email_normalized, t.id::text))
                               t.id, t.email_normalized
                          FROM %(table)s t
                         WHERE t.id IN %(records)s
                         ORDER BY COALESCE(t.email_normalized, t.id::text), t.id
                       ) r
                 WHERE NOT EXISTS (
                        SELECT 1 FROM crm_drip_participant p
                         WHERE p.campaign_id = %(campaign)s AND NOT p.is_test
                           AND (p.res_id = r.id
                                OR p.email_normalized = r.email_normalized)
                           AND (p.state = 'running' OR NOT p.can_reenroll))
                   AND NOT EXISTS (
                        SELECT 1 FROM mail_blacklist bl
                         WHERE bl.email = r.email_normalized AND bl.active)
                   AND %(subscribed)s
                ON CONFLICT DO NOTHING
                RETURNING id
                """,
                campaign=self.id,
                model=self.model_name,
                holdout=self.holdout_percent,
                now=now,
                company=self.company_id.id,
                lead=SQL("r.id") if self.model_name == "crm.lead" else None,
                uid=self.env.uid,
                table=SQL.identifier(table),
                records=self._records_query(domain),
                # a mailing contact that opted out of all its lists stays out
                subscribed=SQL("NOT %s", contact_opted_out_sql(SQL("r.id")))
                if self.model_name == "mailing.contact"
                else SQL("TRUE"),
            )
        )
        participants = self.env["crm.drip.participant"].browse(
            [row[0] for row in cr.fetchall()]
        )
        if participants:
            self._sync_after_enrol(participants, now)
        return participants

    def _sync_after_enrol(self, participants, now):
        """The earlier participations of the new participants' records are
        over for good; the new ones' first steps are scheduled."""
        cr = self.env.cr
        # the earlier participations of these records are over for good
        cr.execute(
            SQL(
                """
                UPDATE crm_drip_participant old SET can_reenroll = FALSE
                  FROM crm_drip_participant new
                 WHERE new.id = ANY(%(new)s) AND old.id != new.id
                   AND old.campaign_id = new.campaign_id
                   AND old.res_id = new.res_id AND old.can_reenroll
                """,
                new=participants.ids,
            )
        )
        self.env["crm.drip.trace"]._schedule_first_steps(participants.ids, self.id, now)
        _logger.info(
            "Drip campaign %s: %s participants enrolled", self.id, len(participants)
        )
