# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The executors of the steps' actions (activity, score, server action, A/B
split; the email's is in crm_drip_step_email.py): ``_execute_<action_type>``
on the traces of one step."""

import random
from datetime import timedelta

from odoo import fields, models

from ..engines.ab_split import draw_arms
from .crm_drip_privileges import owner_context, server_action_refusal


class CrmDripStepActions(models.AbstractModel):
    _name = "crm.drip.step.actions"
    _description = "Drip Step Actions"

    def _records_of(self):
        return self.participant_id._records()

    def _execute_activity(self, step, now):
        records = self._records_of()
        model_id = self.env["ir.model"]._get_id(records._name)
        deadline = fields.Date.context_today(self) + timedelta(days=step.activity_days)
        fallback = step.campaign_id.user_id or self.env.user
        values = []
        for record in records:
            user = step.activity_user_id
            if not user and "user_id" in record._fields:
                user = record.user_id
            values.append(
                {
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "activity_type_id": step.activity_type_id.id,
                    "summary": step.activity_summary or step.name,
                    "note": step.activity_note,
                    "date_deadline": deadline,
                    "user_id": (user or fallback).id,
                }
            )
        # sudo: the job schedules the activity for the assignee
        self.env["mail.activity"].sudo().create(values)

    def _execute_score(self, step, now):
        model = step.campaign_id.model_name
        res_ids = self.participant_id.mapped("res_id")
        Lead = self.env["crm.lead"].sudo()  # sudo: see _record_score_events
        if model == "crm.lead":
            leads = Lead.browse(res_ids).exists()
        elif model == "res.partner":
            leads = Lead.search([("partner_id", "in", res_ids)])
        else:
            return
        trace_by_res = {t.participant_id.res_id: t for t in self}
        lines = []
        for lead in leads:
            key = lead.id if model == "crm.lead" else lead.partner_id.id
            trace = trace_by_res.get(key)
            if not trace:
                continue
            lines.append(
                {
                    "lead_id": lead.id,
                    "rule_id": step.score_rule_id.id,
                    "points": step.score_points,
                    "date": now,
                    "res_model": self._name,
                    "res_id": trace.id,
                    "is_manual": True,
                }
            )
        # sudo: the job books the step's points; a score line's source is set
        # by the engine only (refused to anyone else)
        self.env["crm.lead.score.line"].sudo().create(lines)

    def _owner_may_run(self, step, now):
        """Whether the campaign's owner may still run the step's server
        action; if not, these traces end in error and nothing runs."""
        campaign = step.campaign_id
        reason = server_action_refusal(
            step.server_action_id,
            campaign._owner(),
            campaign.model_name,
            company=campaign.company_id,
        )
        if not reason:
            return True
        self.write(
            {
                "state": "error",
                "state_message": self.env._("Not run: %(reason)s", reason=reason)[:500],
                "done_date": now,
                "lock_token": False,
            }
        )
        return False

    def _execute_server_action(self, step, now):
        """Run the step's server action as the campaign's owner (Odoo then
        checks the action's groups and the owner's rights on the records)."""
        records = self._records_of()
        if not records:
            return
        campaign = step.campaign_id
        owner = campaign._owner()
        step.server_action_id.with_user(owner).with_context(
            **owner_context(campaign, owner),
            active_model=records._name,
            active_ids=records.ids,
            active_id=records[:1].id,
        ).run()

    def _execute_split(self, step, now):
        """Each participant takes one arm, drawn by the arms' shares."""
        arms = step.child_ids
        draws = draw_arms(arms.mapped("split_percent"), len(self), random.Random())
        if not draws:
            return
        self.create(
            [
                {
                    "participant_id": trace.participant_id.id,
                    "step_id": arms[index].id,
                    "campaign_id": trace.campaign_id.id,
                    "parent_id": trace.id,
                    "state": "scheduled",
                    "schedule_date": now + arms[index]._delay(),
                }
                for trace, index in zip(self, draws, strict=True)
            ]
        )
