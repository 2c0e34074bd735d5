# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

TOUCHES = [("first", "First Touch"), ("last", "Last Touch")]


class CrmAttributionReport(models.Model):
    """Leads, hot leads, won leads, revenue, cost and ROI by UTM source,
    medium and campaign, once per touch model (a SQL view read live).

    Every lead (archived and lost ones included) counts once per touch: first
    touch is its own UTM fields; last touch the UTM of the last campaign email
    (a click on a tracked link of a mailing) the lead or its partner clicked
    before it was won (any time when not won), else its own. Revenue: the
    posted revenue (the profitability definition) of the won leads' customers in
    the lead's company, a customer's revenue shared equally among its won leads
    so that it is counted once. Cost: the campaign's and the source's
    ``crm_acquisition_cost`` in the company, each shared equally among the
    company's leads of that campaign or source in the touch."""

    _name = "crm.attribution.report"
    _inherit = ["crm.analytics.report.export"]
    _crm_xlsx_columns = (
        ("touch", 12),
        ("source_id", 20),
        ("medium_id", 16),
        ("campaign_id", 24),
        ("company_id", 18),
        ("lead_count", 9),
        ("hot_count", 9),
        ("won_count", 9),
        ("revenue", 15),
        ("cost", 14),
        ("roi", 10),
    )
    _crm_xlsx_summed = ("lead_count", "hot_count", "won_count", "revenue", "cost")
    _description = "Attribution Analysis"
    _auto = False
    _order = "touch, company_id, source_id, medium_id, campaign_id"
    _depends = {
        "crm.lead": [
            "active",
            "stage_id",
            "partner_id",
            "company_id",
            "source_id",
            "medium_id",
            "campaign_id",
            "score_band",
            "date_closed",
        ],
        "mailing.trace": ["model", "res_id", "links_click_datetime", "mass_mailing_id"],
        "mailing.mailing": ["source_id", "medium_id", "campaign_id"],
        "account.move.line": ["balance", "display_type", "account_id", "company_id"],
        "account.move": ["state", "move_type", "commercial_partner_id"],
        "utm.campaign": ["crm_acquisition_cost"],
        "utm.source": ["crm_acquisition_cost"],
    }

    touch = fields.Selection(TOUCHES, readonly=True)
    source_id = fields.Many2one("utm.source", "Source", readonly=True)
    medium_id = fields.Many2one("utm.medium", "Medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", "Campaign", readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    lead_count = fields.Integer("Leads", readonly=True)
    hot_count = fields.Integer("Hot Leads", readonly=True)
    won_count = fields.Integer("Won", readonly=True)
    revenue = fields.Monetary(
        readonly=True, help="Posted revenue of the won leads' customers."
    )
    cost = fields.Monetary(
        readonly=True, help="Acquisition cost of the campaigns and sources."
    )
    roi = fields.Float(
        "ROI (%)",
        readonly=True,
        aggregator="avg",
        help="(revenue - cost) / cost x 100; 0 without a cost.",
    )

    def _attribution_query(self):
        revenue_lines = self.env["crm.profitability.sql"]._prof_revenue_lines(
            SQL("won.company_id")
        )
        return SQL(
            """
            WITH lead AS (
                SELECT l.id, l.company_id, l.partner_id,
                       partner.commercial_partner_id AS customer_id,
                       l.source_id, l.medium_id, l.campaign_id,
                       l.score_band = 'hot' AS is_hot,
                       l.active AND COALESCE(stage.is_won, FALSE) AS is_won,
                       l.date_closed
                  FROM crm_lead l
             LEFT JOIN crm_stage stage ON stage.id = l.stage_id
             LEFT JOIN res_partner partner ON partner.id = l.partner_id
            ), click AS (
                SELECT lead.id AS lead_id, trace.id AS trace_id,
                       trace.links_click_datetime AS clicked, trace.mass_mailing_id
                  FROM lead
                  JOIN mailing_trace trace
                    ON trace.model = 'crm.lead' AND trace.res_id = lead.id
                 WHERE trace.links_click_datetime IS NOT NULL
             UNION ALL
                SELECT lead.id, trace.id, trace.links_click_datetime,
                       trace.mass_mailing_id
                  FROM lead
                  JOIN mailing_trace trace
                    ON trace.model = 'res.partner' AND trace.res_id = lead.partner_id
                 WHERE trace.links_click_datetime IS NOT NULL
            ), last_click AS (
                SELECT DISTINCT ON (click.lead_id) click.lead_id,
                       mailing.source_id, mailing.medium_id, mailing.campaign_id
                  FROM click
                  JOIN lead ON lead.id = click.lead_id
                  JOIN mailing_mailing mailing ON mailing.id = click.mass_mailing_id
                 WHERE (mailing.campaign_id IS NOT NULL
                        OR mailing.source_id IS NOT NULL
                        OR mailing.medium_id IS NOT NULL)
                   AND (NOT lead.is_won OR lead.date_closed IS NULL
                        OR click.clicked <= lead.date_closed)
              ORDER BY click.lead_id, click.clicked DESC, click.trace_id DESC
            ), won AS (
                SELECT company_id, customer_id, COUNT(*) AS won_leads
                  FROM lead
                 WHERE is_won AND customer_id IS NOT NULL
              GROUP BY company_id, customer_id
            ), won_revenue AS (
                SELECT won.company_id, won.customer_id,
                       SUM(-line.balance) / won.won_leads AS revenue_per_lead
                  FROM won
                  JOIN account_move move
                    ON move.commercial_partner_id = won.customer_id
                  JOIN account_move_line line ON line.move_id = move.id
                 WHERE %(revenue_lines)s
              GROUP BY won.company_id, won.customer_id, won.won_leads
            ), touched AS (
                SELECT lead.*, 'first' AS touch,
                       lead.source_id AS t_source, lead.medium_id AS t_medium,
                       lead.campaign_id AS t_campaign
                  FROM lead
             UNION ALL
                SELECT lead.*, 'last',
                       CASE WHEN lc.lead_id IS NULL THEN lead.source_id
                            ELSE lc.source_id END,
                       CASE WHEN lc.lead_id IS NULL THEN lead.medium_id
                            ELSE lc.medium_id END,
                       CASE WHEN lc.lead_id IS NULL THEN lead.campaign_id
                            ELSE lc.campaign_id END
                  FROM lead
             LEFT JOIN last_click lc ON lc.lead_id = lead.id
            ), per_campaign AS (
                SELECT touch, company_id, t_campaign, COUNT(*) AS leads
                  FROM touched WHERE t_campaign IS NOT NULL
              GROUP BY touch, company_id, t_campaign
            ), per_source AS (
                SELECT touch, company_id, t_source, COUNT(*) AS leads
                  FROM touched WHERE t_source IS NOT NULL
              GROUP BY touch, company_id, t_source
            ), costed AS (
                SELECT touched.touch, touched.company_id, touched.t_source,
                       touched.t_medium, touched.t_campaign, touched.is_hot,
                       touched.is_won,
                       CASE WHEN touched.is_won
                            THEN COALESCE(won_revenue.revenue_per_lead, 0)
                            ELSE 0 END AS revenue,
                       COALESCE((campaign.crm_acquisition_cost
                                 ->> touched.company_id::text)::numeric
                                / per_campaign.leads, 0)
                       + COALESCE((source.crm_acquisition_cost
                                   ->> touched.company_id::text)::numeric
                                  / per_source.leads, 0) AS cost
                  FROM touched
             LEFT JOIN won_revenue
                    ON won_revenue.company_id = touched.company_id
                   AND won_revenue.customer_id = touched.customer_id
             LEFT JOIN utm_campaign campaign ON campaign.id = touched.t_campaign
             LEFT JOIN per_campaign
                    ON per_campaign.touch = touched.touch
                   AND per_campaign.company_id IS NOT DISTINCT FROM touched.company_id
                   AND per_campaign.t_campaign = touched.t_campaign
             LEFT JOIN utm_source source ON source.id = touched.t_source
             LEFT JOIN per_source
                    ON per_source.touch = touched.touch
                   AND per_source.company_id IS NOT DISTINCT FROM touched.company_id
                   AND per_source.t_source = touched.t_source
            )
            SELECT row_number() OVER (
                       ORDER BY touch, company_id, t_source, t_medium, t_campaign
                   ) AS id,
                   touch, company_id,
                   t_source AS source_id, t_medium AS medium_id,
                   t_campaign AS campaign_id,
                   COUNT(*) AS lead_count,
                   COUNT(*) FILTER (WHERE is_hot) AS hot_count,
                   COUNT(*) FILTER (WHERE is_won) AS won_count,
                   SUM(revenue) AS revenue,
                   SUM(cost) AS cost,
                   CASE WHEN SUM(cost) > 0
                        THEN 100.0 * (SUM(revenue) - SUM(cost)) / SUM(cost)
                        ELSE 0 END AS roi
              FROM costed
          GROUP BY touch, company_id, t_source, t_medium, t_campaign
            """,
            revenue_lines=revenue_lines,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._attribution_query(),
            )
        )
