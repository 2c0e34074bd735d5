# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who receives a handoff and the receiver's activity (inherited by
``crm.handoff``)."""

from odoo import fields, models


class CrmHandoffReceiver(models.AbstractModel):
    _name = "crm.handoff.receiver"
    _description = "Handoff Receiver"

    def _may_receive(self, user):
        """``user`` is the receiver: the handoff's user, or the leader or a
        member of its receiving team."""
        self.ensure_one()
        # sudo: team memberships decide who receives, whatever the reader
        # may read of the teams
        handoff = self.sudo()
        return bool(
            user == handoff.to_user_id
            or (
                handoff.to_team_id
                and user in (handoff.to_team_id.user_id | handoff.to_team_id.member_ids)
            )
            or (
                handoff.to_ticket_team_id
                and user
                in (
                    handoff.to_ticket_team_id.user_id
                    | handoff.to_ticket_team_id.member_ids
                )
            )
        )

    def _receiver_user(self):
        """Who gets the activity: the user, else the receiving team's leader."""
        self.ensure_one()
        return (
            self.to_user_id or self.to_team_id.user_id or self.to_ticket_team_id.user_id
        )

    def _schedule_receiver_activity(self):
        """One activity per handoff for its receiver, in one create."""
        activity_type = self.env.ref(
            "crm_collab.mail_activity_type_handoff", raise_if_not_found=False
        )
        if not activity_type:
            return
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        values = []
        for handoff in self:
            user = handoff._receiver_user()
            if not user:
                continue
            values.append(
                {
                    "res_model_id": model_id,
                    "res_id": handoff.id,
                    "activity_type_id": activity_type.id,
                    "summary": handoff.name,
                    "note": handoff.note or False,
                    "user_id": user.id,
                    "date_deadline": handoff.date_due
                    and fields.Date.context_today(self, handoff.date_due)
                    or today,
                }
            )
        if values:
            # sudo: the activity is the receiver's, scheduled by the sender
            # (who may not schedule activities for others on every model)
            self.env["mail.activity"].sudo().create(values)

    def _close_receiver_activities(self):
        activity_type = self.env.ref(
            "crm_collab.mail_activity_type_handoff", raise_if_not_found=False
        )
        activities = self.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type
        )
        if activities:
            # sudo: the receiver's activity may be assigned to the team leader
            activities.sudo().action_feedback()
