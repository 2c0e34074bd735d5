# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A campaign's figures: participants by state, goal rates and lift (one query
for all campaigns)."""

from odoo import fields, models
from odoo.tools import SQL


class CrmDripCampaignStatistics(models.AbstractModel):
    _name = "crm.drip.campaign.statistics"
    _description = "Drip Campaign Statistics"

    participant_count = fields.Integer(compute="_compute_statistics")
    running_count = fields.Integer(compute="_compute_statistics")
    completed_count = fields.Integer(compute="_compute_statistics")
    stopped_count = fields.Integer(compute="_compute_statistics")
    holdout_count = fields.Integer(compute="_compute_statistics")
    goal_rate = fields.Float(
        compute="_compute_statistics",
        string="Goal Rate (%)",
        help="Participants (holdout excluded) who reached the goal.",
    )
    holdout_goal_rate = fields.Float(
        compute="_compute_statistics", string="Holdout Goal Rate (%)"
    )
    lift = fields.Float(
        compute="_compute_statistics",
        string="Lift (%)",
        help="How much more often participants reached the goal than the "
        "holdout group: (goal rate - holdout goal rate) / holdout goal rate.",
    )
    trace_count = fields.Integer(compute="_compute_statistics")

    def _compute_statistics(self):
        """Every figure of these campaigns from one query (test participants
        excluded). Long on purpose: one SQL statement lists each figure, then
        the rates are derived from them."""
        stats = {
            campaign.id: dict.fromkeys(
                (
                    "participant_count",
                    "running_count",
                    "completed_count",
                    "stopped_count",
                    "holdout_count",
                    "goal",
                    "goal_holdout",
                    "trace_count",
                ),
                0,
            )
            for campaign in self
        }
        if self.ids:
            self.env["crm.drip.participant"].flush_model()
            self.env["crm.drip.trace"].flush_model(["participant_id"])
            self.env.cr.execute(
                SQL(
                    """
                    SELECT p.campaign_id,
                           count(*) FILTER (WHERE NOT p.is_holdout),
                           count(*) FILTER (WHERE p.state = 'running'),
                           count(*) FILTER (WHERE p.state = 'completed'),
                           count(*) FILTER (WHERE p.state = 'stopped'),
                           count(*) FILTER (WHERE p.is_holdout),
                           count(*) FILTER (WHERE p.reached_goal AND NOT p.is_holdout),
                           count(*) FILTER (WHERE p.reached_goal AND p.is_holdout),
                           (SELECT count(*) FROM crm_drip_trace t
                              JOIN crm_drip_participant tp ON tp.id = t.participant_id
                             WHERE tp.campaign_id = p.campaign_id AND NOT tp.is_test)
                      FROM crm_drip_participant p
                     WHERE p.campaign_id = ANY(%s) AND NOT p.is_test
                     GROUP BY p.campaign_id
                    """,
                    self.ids,
                )
            )
            for row in self.env.cr.fetchall():
                stats[row[0]].update(
                    participant_count=row[1],
                    running_count=row[2],
                    completed_count=row[3],
                    stopped_count=row[4],
                    holdout_count=row[5],
                    goal=row[6],
                    goal_holdout=row[7],
                    trace_count=row[8],
                )
        for campaign in self:
            values = stats.get(campaign.id) or stats[campaign._origin.id]
            campaign.participant_count = values["participant_count"]
            campaign.running_count = values["running_count"]
            campaign.completed_count = values["completed_count"]
            campaign.stopped_count = values["stopped_count"]
            campaign.holdout_count = values["holdout_count"]
            campaign.trace_count = values["trace_count"]
            rate = (
                100.0 * values["goal"] / values["participant_count"]
                if values["participant_count"]
                else 0.0
            )
            holdout_rate = (
                100.0 * values["goal_holdout"] / values["holdout_count"]
                if values["holdout_count"]
                else 0.0
            )
            campaign.goal_rate = rate
            campaign.holdout_goal_rate = holdout_rate
            campaign.lift = (
                100.0 * (rate - holdout_rate) / holdout_rate if holdout_rate else 0.0
            )
