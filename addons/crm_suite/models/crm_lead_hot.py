# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from ast import literal_eval
from collections import defaultdict
from datetime import timedelta

from odoo import fields, models
from odoo.osv import expression

from ..engines import assignment


class CrmLeadHot(models.AbstractModel):
    """Crossing into "hot": the team's actions (move the stage, assign a
    salesperson, schedule an activity, notify), once per crossing."""

    _name = "crm.lead.hot"
    _description = "Hot Lead Actions"

    def _score_on_hot(self):
        leads = self.filtered(
            lambda lead: lead.active and not lead.stage_id.is_won and lead.team_id
        ).with_context(crm_suite_score_skip=True)
        if not leads:
            return
        for team, team_leads in leads.grouped("team_id").items():
            stage = team.score_hot_stage_id
            if stage:
                to_move = team_leads.filtered(
                    lambda lead, stage=stage: not lead.stage_id
                    or lead.stage_id.sequence < stage.sequence
                )
                if to_move:
                    to_move.write({"stage_id": stage.id})
            if team.score_hot_assign:
                team_leads._score_assign_hot(team)
            team_leads._score_hot_follow_up(team)
        # Moving the stage changes Odoo's probability: rescore once more (a lead
        # that stays hot does not fire again).
        leads.with_context(crm_suite_score_skip=False)._score_recompute()

    def _score_hot_follow_up(self, team):
        """The activity and the note for each lead's owner (the team's)."""
        today = fields.Date.context_today(self)
        odoobot = self.env.ref("base.partner_root")
        for lead in self:
            owner = lead.user_id or team.user_id
            if team.score_hot_activity_type_id and owner:
                # Scheduled by the suite, not by a person about to call:
                # no collision warning.
                lead.with_context(crm_suite_no_collision=True).activity_schedule(
                    activity_type_id=team.score_hot_activity_type_id.id,
                    summary=self.env._("Hot lead: score %(score)s", score=lead.score),
                    date_deadline=today + timedelta(days=team.score_hot_activity_days),
                    user_id=owner.id,
                )
            if team.score_hot_notify and owner:
                lead.message_post(
                    body=self.env._(
                        "This lead is now hot (score %(score)s, fit %(fit)s, "
                        "engagement %(engagement)s, predictive %(predictive)s%%).",
                        score=lead.score,
                        fit=round(lead.score_fit, 1),
                        engagement=round(lead.score_engagement, 1),
                        predictive=round(lead.score_predictive, 1),
                    ),
                    author_id=odoobot.id,
                    partner_ids=owner.partner_id.ids,
                    subtype_xmlid="mail.mt_note",
                )

    def _score_assign_hot(self, team):
        """Give each lead to a team member whose assignment filter accepts it
        and who has capacity left this month (Odoo's ``crm.team.member``
        ``assignment_domain`` and ``assignment_max``; the choice is
        ``engines.assignment.capacity``). Unlike Odoo's ``_allocate_leads``,
        this takes leads that already have a salesperson (not a member of the
        team) and does not commit. One search per member and one write per
        chosen salesperson, whatever the number of leads."""
        members = team.crm_team_member_ids.filtered(
            lambda m: not m.assignment_optout and m.user_id.active
        )
        if not members:
            return
        member_users = members.user_id
        to_assign = self.filtered(lambda lead: lead.user_id not in member_users)
        if not to_assign:
            return
        accepted = {
            member.id: set(
                self.search(
                    expression.AND(
                        [
                            [("id", "in", to_assign.ids)],
                            literal_eval(member.assignment_domain or "[]"),
                        ]
                    )
                ).ids
            )
            for member in members
        }
        chosen = assignment.capacity(
            {
                member.id: (member.assignment_max, member.lead_month_count)
                for member in members
            },
            [
                (lead.id, {m for m, ids in accepted.items() if lead.id in ids})
                for lead in to_assign
            ],
        )
        by_user = defaultdict(list)
        for lead_id, member_id in chosen.items():
            by_user[members.browse(member_id).user_id.id].append(lead_id)
        for user_id, lead_ids in by_user.items():
            self.browse(lead_ids).write({"user_id": user_id})
