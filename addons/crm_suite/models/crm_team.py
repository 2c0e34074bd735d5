# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engines.scoring import DEFAULT_THRESHOLDS, DEFAULT_WEIGHTS

SCORE_SETTINGS = {
    "score_warm_threshold",
    "score_hot_threshold",
    "score_weight_fit",
    "score_weight_engagement",
    "score_weight_predictive",
}


class CrmTeam(models.Model):
    _inherit = "crm.team"

    score_warm_threshold = fields.Integer(
        string="Warm From",
        default=DEFAULT_THRESHOLDS[0],
        help="A lead whose score reaches this is warm.",
    )
    score_hot_threshold = fields.Integer(
        string="Hot From",
        default=DEFAULT_THRESHOLDS[1],
        help="A lead whose score reaches this is hot (marketing-qualified).",
    )
    score_weight_fit = fields.Float(string="Fit Weight", default=DEFAULT_WEIGHTS[0])
    score_weight_engagement = fields.Float(
        string="Engagement Weight", default=DEFAULT_WEIGHTS[1]
    )
    score_weight_predictive = fields.Float(
        string="Predictive Weight", default=DEFAULT_WEIGHTS[2]
    )
    score_hot_stage_id = fields.Many2one(
        "crm.stage",
        string="Move Hot Leads To",
        domain="['|', ('team_id', '=', False), ('team_id', '=', id)]",
        help="When a lead becomes hot, move it to this stage (never backwards).",
    )
    score_hot_assign = fields.Boolean(
        string="Assign Hot Leads",
        help="When a lead becomes hot, give it to a team member whose assignment "
        "rules (filter and monthly capacity) accept it, unless its salesperson "
        "is already a member.",
    )
    score_hot_activity_type_id = fields.Many2one(
        "mail.activity.type",
        string="Hot Lead Activity",
        default=lambda self: self.env.ref(
            "crm_suite.mail_activity_type_hot_lead", raise_if_not_found=False
        ),
        help="When a lead becomes hot, schedule this activity for its salesperson.",
    )
    score_hot_activity_days = fields.Integer(
        string="Activity Due In (days)",
        default=1,
    )
    score_hot_notify = fields.Boolean(
        string="Notify Salesperson",
        default=True,
        help="When a lead becomes hot, notify its salesperson.",
    )
    collision_days = fields.Integer(
        string="Collision Window (days)",
        default=7,
        help="Warn a salesperson who contacts a customer that a colleague "
        "contacted in the last this many days; 0 turns the warning off.",
    )
    stale_days = fields.Integer(
        string="Stale After (days)",
        default=14,
        help="Schedule an activity for the salesperson when an open lead has had "
        "no interaction for this many days; 0 turns the alert off. A stage can "
        "set its own delay.",
    )

    @api.constrains(
        *SCORE_SETTINGS,
        "collision_days",
        "stale_days",
        "score_hot_activity_days",
    )
    def _check_score_settings(self):
        for team in self:
            if not (0 <= team.score_warm_threshold <= team.score_hot_threshold <= 100):
                raise ValidationError(
                    self.env._(
                        "Team %(team)s: the thresholds must satisfy "
                        "0 ≤ warm (%(warm)s) ≤ hot (%(hot)s) ≤ 100.",
                        team=team.name,
                        warm=team.score_warm_threshold,
                        hot=team.score_hot_threshold,
                    )
                )
            weights = (
                team.score_weight_fit,
                team.score_weight_engagement,
                team.score_weight_predictive,
            )
            if min(weights) < 0 or not sum(weights):
                raise ValidationError(
                    self.env._(
                        "Team %(team)s: scoring weights cannot be negative and at "
                        "least one must be above zero.",
                        team=team.name,
                    )
                )
            if (
                min(team.collision_days, team.stale_days, team.score_hot_activity_days)
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Team %(team)s: a number of days cannot be negative.",
                        team=team.name,
                    )
                )

    @api.model
    def _score_install_defaults(self):
        activity_type = self.env.ref("crm_suite.mail_activity_type_hot_lead")
        self.with_context(active_test=False).search(
            [("score_hot_activity_type_id", "=", False)]
        ).write({"score_hot_activity_type_id": activity_type.id})

    def write(self, vals):
        res = super().write(vals)
        if SCORE_SETTINGS & set(vals):
            leads = self.env["crm.lead"].search(
                [("team_id", "in", self.ids)]
                + self.env["crm.lead"]._score_open_domain()
            )
            leads._score_recompute_or_defer()
        return res
