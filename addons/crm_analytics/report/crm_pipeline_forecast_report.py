# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class CrmPipelineForecastReport(models.Model):
    """The open opportunities by month of expected closing: one row per
    opportunity (a SQL view read live), its expected revenue and the same
    weighted by its probability."""

    _name = "crm.pipeline.forecast.report"
    _description = "Pipeline Forecast"
    _auto = False
    _rec_name = "lead_id"
    _order = "date, id"
    _depends = {
        "crm.lead": [
            "type",
            "active",
            "stage_id",
            "date_deadline",
            "team_id",
            "user_id",
            "company_id",
            "expected_revenue",
            "probability",
        ],
        "crm.stage": ["is_won"],
    }

    lead_id = fields.Many2one("crm.lead", "Opportunity", readonly=True)
    date = fields.Date(
        "Expected Closing Month",
        readonly=True,
        help="The first day of the month of the opportunity's expected closing.",
    )
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    stage_id = fields.Many2one("crm.stage", "Stage", readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    probability = fields.Float(readonly=True, aggregator="avg")
    expected_revenue = fields.Monetary(readonly=True)
    weighted_revenue = fields.Monetary(
        readonly=True,
        help="Expected revenue x probability / 100.",
    )
    opportunity_count = fields.Integer("Opportunities", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT lead.id AS id,
                           lead.id AS lead_id,
                           date_trunc('month', lead.date_deadline)::date AS date,
                           lead.team_id,
                           lead.user_id,
                           lead.stage_id,
                           lead.company_id,
                           lead.probability,
                           COALESCE(lead.expected_revenue, 0) AS expected_revenue,
                           COALESCE(lead.expected_revenue, 0)
                               * COALESCE(lead.probability, 0) / 100.0
                               AS weighted_revenue,
                           1 AS opportunity_count
                      FROM crm_lead lead
                 LEFT JOIN crm_stage stage ON stage.id = lead.stage_id
                     WHERE lead.type = 'opportunity'
                       AND lead.active
                       AND NOT COALESCE(stage.is_won, FALSE)
                )
                """,
                SQL.identifier(self._table),
            )
        )
