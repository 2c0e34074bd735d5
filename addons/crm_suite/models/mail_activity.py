# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    @api.model_create_multi
    def create(self, vals_list):
        activities = super().create(vals_list)
        user = self.env.user
        if not user.share and not self.env.context.get("crm_suite_no_collision"):
            # Collision guard: scheduling a contact with a customer a colleague
            # contacted lately warns the user.
            leads = self.env["crm.lead"].browse(
                [a.res_id for a in activities if a.res_model == "crm.lead"]
            )
            leads.exists()._collision_warn_later(user)
        return activities

    def _action_done(self, feedback=False, attachment_ids=None):
        targets = [
            (activity.res_model, activity.res_id)
            for activity in self
            if activity.res_model in ("crm.lead", "res.partner") and activity.res_id
        ]
        messages, next_activities = super()._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )
        if targets:
            # The "done" message of each activity is the event's source record
            # (two activities done at once on one lead are two events).
            by_target = defaultdict(list)
            for message in messages:
                by_target[(message.model, message.res_id)].append(message)
            events = []
            for model, res_id in targets:
                if not by_target[(model, res_id)]:
                    continue
                message = by_target[(model, res_id)].pop(0)
                events.append(
                    {
                        "event_type": "activity_done",
                        "lead_id" if model == "crm.lead" else "partner_id": res_id,
                        "date": message.date,
                        "res_model": "mail.message",
                        "res_id": message.id,
                    }
                )
            # sudo: the assignee may mark done an activity on a lead they
            # cannot write; the event only feeds the score.
            self.env["crm.score.event"].sudo()._record(events)
        return messages, next_activities
