# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A step's figures: its traces by state and its emails' outcomes (one query for
all steps; test participants excluded)."""

from odoo import fields, models
from odoo.tools import SQL


class CrmDripStepStatistics(models.AbstractModel):
    _name = "crm.drip.step.statistics"
    _description = "Drip Step Statistics"

    # statistics (non-test participants)
    scheduled_count = fields.Integer(compute="_compute_statistics")
    done_count = fields.Integer(compute="_compute_statistics", string="Done")
    rejected_count = fields.Integer(compute="_compute_statistics")
    canceled_count = fields.Integer(compute="_compute_statistics")
    error_count = fields.Integer(compute="_compute_statistics")
    failed_count = fields.Integer(
        compute="_compute_statistics",
        string="Failed",
        help="Steps in error, and emails the mail server refused or that " "bounced.",
    )
    sent_count = fields.Integer(compute="_compute_statistics", string="Sent")
    opened_count = fields.Integer(compute="_compute_statistics", string="Opened")
    clicked_count = fields.Integer(compute="_compute_statistics", string="Clicked")
    replied_count = fields.Integer(compute="_compute_statistics", string="Replied")
    bounced_count = fields.Integer(compute="_compute_statistics", string="Bounced")
    unsubscribed_count = fields.Integer(
        compute="_compute_statistics", string="Unsubscribed"
    )
    goal_count = fields.Integer(compute="_compute_statistics", string="Reached Goal")
    opened_ratio = fields.Float(compute="_compute_statistics", string="Opened (%)")
    clicked_ratio = fields.Float(compute="_compute_statistics", string="Clicked (%)")

    def _compute_statistics(self):
        """Every figure of these steps from one query over their traces and
        emails (test participants excluded). Long on purpose: one SQL
        statement lists each figure, then the ratios are derived from them."""
        names = (
            "scheduled_count",
            "done_count",
            "rejected_count",
            "canceled_count",
            "error_count",
            "sent_count",
            "opened_count",
            "clicked_count",
            "replied_count",
            "bounced_count",
            "unsubscribed_count",
            "goal_count",
            "failed_count",
        )
        stats = {}
        ids = [step_id for step_id in self.ids if step_id]
        if ids:
            self.env["crm.drip.trace"].flush_model()
            self.env["crm.drip.participant"].flush_model()
            self.env["mailing.trace"].flush_model()
            self.env.cr.execute(
                SQL(
                    """
                    SELECT t.step_id,
                           count(*) FILTER (WHERE t.state = 'scheduled'),
                           count(*) FILTER (WHERE t.state = 'done'),
                           count(*) FILTER (WHERE t.state = 'rejected'),
                           count(*) FILTER (WHERE t.state = 'canceled'),
                           count(*) FILTER (WHERE t.state = 'error'),
                           count(mt.id) FILTER (WHERE mt.trace_status NOT IN
                                                ('cancel', 'error')),
                           count(mt.id) FILTER (WHERE mt.open_datetime IS NOT NULL
                                                OR mt.trace_status IN ('open', 'reply')
                                                OR mt.links_click_datetime IS NOT NULL),
                           count(mt.id) FILTER (WHERE mt.links_click_datetime
                                                IS NOT NULL),
                           count(mt.id) FILTER (WHERE mt.trace_status = 'reply'
                                                OR mt.reply_datetime IS NOT NULL),
                           count(mt.id) FILTER (WHERE mt.trace_status = 'bounce'),
                           count(*) FILTER (WHERE t.state = 'done'
                                            AND p.exit_reason IN
                                                ('unsubscribed', 'blocklisted')
                                            AND p.exit_date >= t.done_date),
                           count(*) FILTER (WHERE t.state = 'done' AND p.reached_goal),
                           count(*) FILTER (WHERE t.state = 'error'
                                            OR mt.trace_status IN ('error', 'bounce'))
                      FROM crm_drip_trace t
                      JOIN crm_drip_participant p ON p.id = t.participant_id
                      LEFT JOIN mailing_trace mt ON mt.crm_drip_trace_id = t.id
                     WHERE t.step_id = ANY(%s) AND NOT p.is_test
                     GROUP BY t.step_id
                    """,
                    ids,
                )
            )
            stats = {
                row[0]: dict(zip(names, row[1:], strict=True))
                for row in self.env.cr.fetchall()
            }
        for step in self:
            values = stats.get(step.id) or {}
            for name in names:
                step[name] = values.get(name, 0)
            sent = values.get("sent_count", 0)
            step.opened_ratio = (
                100.0 * values.get("opened_count", 0) / sent if sent else 0.0
            )
            step.clicked_ratio = (
                100.0 * values.get("clicked_count", 0) / sent if sent else 0.0
            )
