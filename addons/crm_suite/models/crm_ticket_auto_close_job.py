# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import trigger_cron

AUTO_CLOSE_CRON = "crm_suite.ir_cron_crm_ticket_auto_close"


class CrmTicketAutoCloseJob(models.AbstractModel):
    """The auto-close job: warn, then close, tickets waiting on the customer
    for too long (inherited by ``crm.ticket``, whose cron
    ``_cron_auto_close`` it is)."""

    _name = "crm.ticket.auto.close.job"
    _description = "Ticket Auto-close Job"

    auto_close_warning_date = fields.Datetime(
        copy=False, readonly=True, groups="base.group_user"
    )

    @api.model
    def _cron_auto_close(self, batch_size=500):
        """Warn, then close, tickets waiting on the customer for too long.

        The agent spoke last and the customer has been silent for the team's
        delay: first a warning (once), then the closing. Locked rows are
        skipped, so two workers never act on the same ticket.
        """
        now = fields.Datetime.now()
        teams = self.env["crm.ticket.team"].search([("auto_close_days", ">", 0)])
        for team in teams:
            tickets = self._auto_close_claim(team, now, batch_size)
            close_before = now - timedelta(days=team.auto_close_days)
            to_close = tickets.filtered(
                lambda t, limit=close_before: t.auto_close_warning_date
                and t.last_agent_message_date < limit
            )
            to_warn = tickets.filtered(lambda t: not t.auto_close_warning_date)
            to_warn._auto_close_warn(now)
            if len(tickets) == batch_size:
                trigger_cron(self.env, AUTO_CLOSE_CRON)
            to_close._auto_close_close(team)

    @api.model
    def _auto_close_claim(self, team, now, batch_size):
        """The team's tickets whose agent spoke last before the warning delay,
        locked for this worker."""
        warn_before = now - timedelta(
            days=max(team.auto_close_days - team.auto_close_warning_days, 0)
        )
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT t.id FROM crm_ticket t
                 WHERE t.team_id = %s AND t.active
                   AND NOT COALESCE(t.is_closed, FALSE)
                   AND t.last_agent_message_date IS NOT NULL
                   AND t.last_agent_message_date
                       > COALESCE(t.last_customer_message_date, '1970-01-01')
                   AND t.last_agent_message_date < %s
                 ORDER BY t.id LIMIT %s
                 FOR UPDATE SKIP LOCKED
                """,
                team.id,
                warn_before,
                batch_size,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _auto_close_warn(self, now):
        """The warning email to each ticket's customer (rendered in batch)."""
        if not self:
            return
        template = self.env.ref("crm_suite.mail_template_ticket_auto_close_warning")
        self.with_context(crm_ticket_system_message=True).message_post_with_source(
            template, subtype_xmlid="mail.mt_comment"
        )
        # a system message: the agent's last message date stays
        self.write({"auto_close_warning_date": now})

    def _auto_close_close(self, team):
        """Close the tickets (one stage write) and log why on each, in one
        batch of internal notes."""
        if not self:
            return
        self.action_close()
        body = self.env._(
            "Closed automatically: no reply from the customer for %(days)s days.",
            days=team.auto_close_days,
        )
        self._message_log_batch(dict.fromkeys(self.ids, body))
