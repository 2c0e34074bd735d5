# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The reminder job of handoffs (inherited by ``crm.handoff``, whose cron
``_cron_remind`` it is): a message to the receiver before the due date."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_datetime

from odoo.addons.crm_suite.tools import auto_commit, get_positive_param, trigger_cron

REMIND_CRON = "crm_collab.ir_cron_crm_handoff_remind"
REMIND_HOURS_PARAM = "crm_collab.handoff_reminder_hours"
DEFAULT_REMIND_HOURS = 24


class CrmHandoffJob(models.AbstractModel):
    _name = "crm.handoff.job"
    _description = "Handoff Reminder Job"

    @api.model
    def _cron_remind(self, batch_size=500):
        """Remind the receivers of open handoffs due within the reminder
        delay (system parameter ``crm_collab.handoff_reminder_hours``, 24 by
        default), once each: a handoff reminded keeps its ``reminder_date``.
        Batches of ``batch_size``, rows locked with SKIP LOCKED (two workers
        never remind twice), a commit after each batch outside tests."""
        hours = get_positive_param(self.env, REMIND_HOURS_PARAM, DEFAULT_REMIND_HOURS)
        now = fields.Datetime.now()
        handoffs = self._remind_claim(now + timedelta(hours=hours), batch_size)
        if not handoffs:
            return 0
        handoffs._remind(now)
        if len(handoffs) == batch_size:
            trigger_cron(self.env, REMIND_CRON)
        if auto_commit(self.env):
            # the reminded handoffs are recorded before the next batch
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return len(handoffs)

    @api.model
    def _remind_claim(self, limit, batch_size):
        self.env["crm.handoff"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM crm_handoff
                 WHERE state IN ('proposed', 'accepted')
                   AND reminder_date IS NULL
                   AND date_due IS NOT NULL AND date_due <= %s
                 ORDER BY date_due, id
                 LIMIT %s
                 FOR UPDATE SKIP LOCKED
                """,
                limit,
                batch_size,
            )
        )
        # sudo: the job reminds every company's receivers
        return (
            self.env["crm.handoff"]
            .sudo()
            .browse([row[0] for row in self.env.cr.fetchall()])
        )

    def _remind(self, now):
        odoobot = self.env.ref("base.partner_root")
        for handoff in self:
            receiver = handoff._receiver_user()
            # in the receiver's language and time zone
            handoff = handoff.with_context(lang=receiver.lang or self.env.lang)
            handoff.message_post(
                body=handoff.env._(
                    "Reminder: this handoff is due on %(date)s.",
                    date=format_datetime(handoff.env, handoff.date_due, tz=receiver.tz),
                ),
                author_id=odoobot.id,
                partner_ids=receiver.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )
        self.with_context(crm_handoff_transition=True).write({"reminder_date": now})
