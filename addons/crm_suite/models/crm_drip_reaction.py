# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reactions to a drip email recorded by Odoo's tracking (``mailing.trace``):
an open, a click, a reply or a bounce fires its branch and cancels the other."""

from odoo import api, fields, models
from odoo.tools import SQL

from ..engines.drip_branch import EVENT_EFFECTS
from .crm_drip_sql import STEP_DELAY_SQL


class CrmDripReaction(models.AbstractModel):
    _name = "crm.drip.reaction"
    _description = "Drip Email Reactions"

    @api.model
    def _on_mailing_event(self, event, drip_trace_ids):
        """The recipient reacted to the email of these traces: schedule the
        matching reaction steps (dated now + their delay) and cancel the
        opposite branch, in one statement. Steps already decided (a 'not
        opened' that ran) are left alone: branches are exclusive. A
        participant whose last pending step was the canceled branch has
        completed (same statement; a bounce is handled by ``_on_bounce``).

        Long on purpose: it is one SQL statement (the tracking pixel and
        links pay one query per event), whose text is most of the method."""
        fire, cancel = EVENT_EFFECTS[event]
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                WITH changed AS (
                UPDATE crm_drip_trace t SET
                       state = CASE WHEN s.trigger = ANY(%(fire)s) THEN 'scheduled'
                                    ELSE 'canceled' END,
                       schedule_date = CASE WHEN s.trigger = ANY(%(fire)s)
                                            THEN %(now)s + %(delay)s
                                            ELSE t.schedule_date END,
                       state_message = CASE WHEN s.trigger = ANY(%(fire)s) THEN NULL
                                            ELSE %(event)s END,
                       write_date = %(now)s
                  FROM crm_drip_step s, crm_drip_participant p
                 WHERE t.parent_id = ANY(%(ids)s) AND s.id = t.step_id
                   AND p.id = t.participant_id AND p.state = 'running'
                   AND t.state = 'scheduled'
                   AND ((s.trigger = ANY(%(fire)s) AND t.schedule_date IS NULL)
                        OR s.trigger = ANY(%(cancel)s))
                RETURNING t.id, t.participant_id, t.schedule_date, t.state
                ),
                completed AS (
                UPDATE crm_drip_participant p
                   SET state = 'completed', exit_reason = 'last_step',
                       exit_date = %(now)s, write_date = %(now)s
                 WHERE %(complete)s AND p.state = 'running' AND NOT p.is_holdout
                   AND p.id IN (SELECT c.participant_id FROM changed c
                                 WHERE c.state = 'canceled')
                   AND NOT EXISTS (
                       SELECT 1 FROM crm_drip_trace o
                        WHERE o.participant_id = p.id AND o.state = 'scheduled'
                          AND o.id NOT IN (SELECT c.id FROM changed c
                                            WHERE c.state = 'canceled'))
                )
                -- whether a step became due at once: the job is then woken up
                SELECT count(*),
                       COALESCE(bool_or(c.state = 'scheduled'
                                        AND c.schedule_date <= %(now)s), FALSE)
                  FROM changed c
                """,
                delay=STEP_DELAY_SQL,
                fire=list(fire),
                cancel=list(cancel),
                now=now,
                # stored as the writing env's language renders it (see the
                # state_message field)
                event=self._reaction_message(event),
                ids=list(drip_trace_ids),
                complete=event != "bounce",
            )
        )
        changed, due_now = self.env.cr.fetchone()
        if due_now:
            # a reaction step without delay: the job runs it at once
            self._trigger_process()
        if event == "bounce":
            self._on_bounce(drip_trace_ids, now)
        if changed:
            self.invalidate_model(["state", "schedule_date", "state_message"])
            self.env["crm.drip.participant"].invalidate_model(
                ["state", "exit_reason", "exit_date"]
            )

    @api.model
    def _reaction_message(self, event):
        """What a reaction step canceled by ``event`` says, in the writing
        env's language (one full sentence per event, so a translation can
        put the words in its own order)."""
        messages = {
            "open": self.env._("open received"),
            "click": self.env._("click received"),
            "reply": self.env._("reply received"),
            "bounce": self.env._("bounce received"),
        }
        return messages.get(event) or self.env._("%(event)s received", event=event)

    def _on_bounce(self, drip_trace_ids, now):
        """A bounce stops the participant unless the email has 'bounced'
        steps to run (it then stops after them)."""
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT parent.participant_id
                  FROM crm_drip_trace parent
                 WHERE parent.id = ANY(%s) AND NOT EXISTS (
                       SELECT 1 FROM crm_drip_trace t
                         JOIN crm_drip_step s ON s.id = t.step_id
                        WHERE t.parent_id = parent.id AND s.trigger = 'bounced'
                          AND t.state = 'scheduled')
                """,
                list(drip_trace_ids),
            )
        )
        participants = self.env["crm.drip.participant"].browse(
            [row[0] for row in self.env.cr.fetchall()]
        )
        participants._finish("stopped", "bounced", now)
        self._trigger_process()
