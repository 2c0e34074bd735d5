# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class CrmAgentReport(models.Model):
    """Per agent, ticket team and company (a SQL view read live), from
    crm_suite's Ticket Analysis query (its one SLA success definition and its
    ratings, not a copy): tickets closed, SLA success and CSAT."""

    _name = "crm.agent.report"
    _inherit = ["crm.analytics.report.export"]
    _crm_xlsx_columns = (
        ("user_id", 22),
        ("team_id", 18),
        ("company_id", 18),
        ("ticket_count", 9),
        ("ticket_closed_count", 10),
        ("sla_success_rate", 12),
        ("csat", 8),
    )
    _crm_xlsx_summed = ("ticket_count", "ticket_closed_count")
    _description = "Agent Performance"
    _auto = False
    _order = "user_id, team_id"
    _depends = {
        "crm.ticket": ["user_id", "team_id", "company_id", "is_closed", "active"],
        "crm.ticket.sla.status": ["ticket_id", "reached_date", "deadline"],
        "rating.rating": ["res_model", "res_id", "rating", "consumed"],
    }

    user_id = fields.Many2one("res.users", "Agent", readonly=True)
    team_id = fields.Many2one("crm.ticket.team", "Ticket Team", readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    ticket_count = fields.Integer("Tickets", readonly=True)
    ticket_closed_count = fields.Integer("Tickets Closed", readonly=True)
    sla_success_rate = fields.Float(
        "SLA Success (%)",
        readonly=True,
        aggregator="avg",
        help="The Ticket Analysis' SLA success averaged over the agent's tickets "
        "that have a decided target.",
    )
    csat = fields.Float(
        "CSAT",
        readonly=True,
        aggregator="avg",
        help="Average customer rating (0-5) of the agent's rated tickets.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT row_number() OVER (ORDER BY user_id, team_id, company_id)
                               AS id,
                           user_id, team_id, company_id,
                           COUNT(*) AS ticket_count,
                           COUNT(*) FILTER (WHERE is_closed) AS ticket_closed_count,
                           AVG(sla_success_rate) AS sla_success_rate,
                           AVG(rating_avg) AS csat
                      FROM (%s) ticket
                     WHERE user_id IS NOT NULL
                  GROUP BY user_id, team_id, company_id
                )
                """,
                SQL.identifier(self._table),
                self.env["crm.ticket.report"]._view_query(),
            )
        )
