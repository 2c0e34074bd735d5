# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import trigger_cron

SLA_ALERTS_CRON = "crm_suite.ir_cron_crm_ticket_sla_alerts"


class CrmTicketSlaAlertJob(models.AbstractModel):
    """The SLA alerts job: warn the assignee before a deadline, escalate
    after it (inherited by ``crm.ticket.sla.status``, whose cron
    ``_cron_sla_alerts`` it is)."""

    _name = "crm.ticket.sla.alert.job"
    _description = "Ticket SLA Alerts Job"

    @api.model
    def _cron_sla_alerts(self, batch_size=1000):
        """Warn the assignee before a deadline, escalate after it.

        Each status is warned once and escalated once (flags written in the
        same transaction); rows locked by another worker are skipped.
        """
        now = fields.Datetime.now()
        statuses = self._sla_claim_due(now, batch_size)
        to_escalate = statuses.filtered(lambda s: s.deadline < now)
        to_warn = statuses - to_escalate
        activities = self._sla_warning_activities(to_warn)
        to_warn.write({"warned": True})
        activities += self._sla_escalation_activities(to_escalate)
        to_escalate.write({"escalated": True})
        if activities:
            # an SLA alert is the system's, not the user's choice: no collision
            # warning, no notification email per activity
            self.env["mail.activity"].with_context(
                crm_suite_no_collision=True, mail_activity_quick_update=True
            ).create(activities)
        self._sla_escalate_tickets(to_escalate.ticket_id)
        if len(statuses) == batch_size:
            trigger_cron(self.env, SLA_ALERTS_CRON)
        return statuses

    @api.model
    def _sla_claim_due(self, now, batch_size):
        """The running statuses to warn (deadline within the policy's warning
        hours) or to escalate (deadline passed), locked for this worker."""
        self.flush_model()
        self.env["crm.ticket"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT s.id FROM crm_ticket_sla_status s
                  JOIN crm_ticket t ON t.id = s.ticket_id
                  JOIN crm_ticket_sla p ON p.id = s.sla_id
                 WHERE s.reached_date IS NULL AND s.deadline IS NOT NULL
                   AND t.active AND NOT COALESCE(t.is_closed, FALSE)
                   AND ((NOT COALESCE(s.warned, FALSE)
                         AND s.deadline > %(now)s
                         AND s.deadline <= %(now)s
                             + COALESCE(p.warning_hours, 0) * interval '1 hour')
                        OR (NOT COALESCE(s.escalated, FALSE) AND %(failed)s))
                 ORDER BY s.deadline, s.id
                 LIMIT %(limit)s
                 FOR UPDATE OF s SKIP LOCKED
                """,
                now=now,
                failed=self._failed_sql("s", now),
                limit=batch_size,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _sla_activity_vals(self, user, date_deadline, summary):
        self.ensure_one()
        return {
            "res_model_id": self.env["ir.model"]._get_id("crm.ticket"),
            "res_id": self.ticket_id.id,
            "activity_type_id": self.env["ir.model.data"]._xmlid_to_res_id(
                "crm_suite.mail_activity_type_sla_warning"
            ),
            "user_id": user.id,
            "date_deadline": date_deadline,
            "summary": summary,
        }

    def _sla_warning_activities(self, statuses):
        """An activity for the assignee (else the team leader) of each
        status's ticket."""
        targets = dict(self._fields["target"]._description_selection(self.env))
        activities = []
        for status in statuses:
            ticket = status.ticket_id
            user = ticket.user_id or ticket.team_id.user_id
            if user:
                activities.append(
                    status._sla_activity_vals(
                        user,
                        fields.Date.context_today(self, status.deadline),
                        self.env._(
                            "%(target)s due %(policy)s",
                            target=targets[status.target],
                            policy=status.sla_id.name,
                        ),
                    )
                )
        return activities

    def _sla_escalation_activities(self, statuses):
        """An activity for the team leader of each status's ticket."""
        today = fields.Date.context_today(self)
        return [
            status._sla_activity_vals(
                status.ticket_id.team_id.user_id,
                today,
                self.env._("SLA missed: %(policy)s", policy=status.sla_id.name),
            )
            for status in statuses
            if status.ticket_id.team_id.user_id
        ]

    @api.model
    def _sla_escalate_tickets(self, tickets):
        """One priority up (one write per new priority), and a note that
        notifies the team leader on each ticket that has one."""
        for priority, group in tickets.grouped(
            lambda t: str(min(int(t.priority) + 1, 3))
        ).items():
            group.filtered(lambda t, p=priority: t.priority < p).write(
                {"priority": priority}
            )
        body = self.env._(
            "The SLA deadline of this ticket has passed: priority raised, team "
            "leader notified."
        )
        for ticket in tickets.filtered("team_id.user_id"):
            # one post each: message_post notifies one record's leader
            ticket.message_post(
                body=body,
                partner_ids=ticket.team_id.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
