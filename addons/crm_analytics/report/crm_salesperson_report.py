# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class CrmSalespersonReport(models.Model):
    """Per salesperson, sales team and company (a SQL view read live): the
    activities they marked done on leads, their average response time to the
    leads assigned to them, their win rate and won revenue.

    - ``activity_done_count``: done activities (Odoo posts one message with the
      activity type per activity done) on leads of the team, by the user.
    - ``response_hours``: per lead of the user, hours from its creation to the
      first of: an activity scheduled on it, an activity done on it, or an email
      or comment (not an internal note) an internal user wrote on it; averaged
      over the leads that got one.
    - ``win_rate``: won / (won + lost) x 100 of the user's leads (lost: archived
      with a probability of 0); 0 when none is decided.
    - ``revenue``: expected revenue of the user's won opportunities."""

    _name = "crm.salesperson.report"
    _inherit = ["crm.analytics.report.export"]
    _crm_xlsx_columns = (
        ("user_id", 22),
        ("team_id", 18),
        ("company_id", 18),
        ("lead_count", 9),
        ("activity_done_count", 10),
        ("response_hours", 12),
        ("won_count", 9),
        ("lost_count", 9),
        ("win_rate", 10),
        ("revenue", 15),
    )
    _crm_xlsx_summed = ("lead_count", "activity_done_count", "won_count", "revenue")
    _description = "Salesperson Performance"
    _auto = False
    _order = "user_id, team_id"
    _depends = {
        "crm.lead": [
            "user_id",
            "team_id",
            "company_id",
            "active",
            "probability",
            "stage_id",
            "expected_revenue",
        ],
        "mail.message": [
            "model",
            "res_id",
            "date",
            "author_id",
            "message_type",
            "subtype_id",
            "mail_activity_type_id",
        ],
        "mail.activity": ["res_model", "res_id", "create_date"],
    }

    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    lead_count = fields.Integer("Leads", readonly=True)
    won_count = fields.Integer("Won", readonly=True)
    lost_count = fields.Integer("Lost", readonly=True)
    activity_done_count = fields.Integer("Activities Done", readonly=True)
    response_hours = fields.Float(
        "Response Time (Hours)",
        readonly=True,
        aggregator="avg",
        help="Average hours from a lead's creation to its first activity or email.",
    )
    win_rate = fields.Float(
        "Win Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Won / (won + lost) x 100.",
    )
    revenue = fields.Monetary(
        readonly=True, help="Expected revenue of the won opportunities."
    )

    def _salesperson_query(self):
        return SQL(
            """
            WITH internal_author AS (
                SELECT DISTINCT ON (partner_id) partner_id, id AS user_id
                  FROM res_users
                 WHERE NOT share
              ORDER BY partner_id, active DESC, id
            ), lead AS (
                SELECT l.id, l.user_id, l.team_id, l.company_id, l.create_date,
                       l.active AND COALESCE(stage.is_won, FALSE) AS is_won,
                       NOT l.active AND COALESCE(l.probability, 0) = 0 AS is_lost,
                       COALESCE(l.expected_revenue, 0) AS expected_revenue
                  FROM crm_lead l
             LEFT JOIN crm_stage stage ON stage.id = l.stage_id
            ), touch AS (
                SELECT activity.res_id AS lead_id, activity.create_date AS touched
                  FROM mail_activity activity
                 WHERE activity.res_model = 'crm.lead'
             UNION ALL
                SELECT message.res_id, message.date
                  FROM mail_message message
             LEFT JOIN mail_message_subtype subtype ON subtype.id = message.subtype_id
                  JOIN internal_author author ON author.partner_id = message.author_id
                 WHERE message.model = 'crm.lead'
                   AND (message.mail_activity_type_id IS NOT NULL
                        OR (message.message_type
                                IN ('email', 'comment', 'email_outgoing')
                            AND NOT COALESCE(subtype.internal, FALSE)))
            ), response AS (
                SELECT lead.id AS lead_id,
                       EXTRACT(EPOCH FROM MIN(touch.touched) - lead.create_date)
                           / 3600.0 AS hours
                  FROM lead
                  JOIN touch ON touch.lead_id = lead.id
                            AND touch.touched >= lead.create_date
              GROUP BY lead.id, lead.create_date
            ), fact AS (
                SELECT lead.user_id, lead.team_id, lead.company_id,
                       1 AS leads, lead.is_won::int AS won, lead.is_lost::int AS lost,
                       CASE WHEN lead.is_won THEN lead.expected_revenue ELSE 0 END
                           AS revenue,
                       response.hours, 0 AS activities
                  FROM lead
             LEFT JOIN response ON response.lead_id = lead.id
                 WHERE lead.user_id IS NOT NULL
             UNION ALL
                SELECT author.user_id, lead.team_id, lead.company_id,
                       0, 0, 0, 0, NULL, 1
                  FROM mail_message message
                  JOIN internal_author author ON author.partner_id = message.author_id
                  JOIN lead ON lead.id = message.res_id
                 WHERE message.model = 'crm.lead'
                   AND message.mail_activity_type_id IS NOT NULL
            )
            SELECT row_number() OVER (ORDER BY user_id, team_id, company_id) AS id,
                   user_id, team_id, company_id,
                   SUM(leads) AS lead_count,
                   SUM(won) AS won_count,
                   SUM(lost) AS lost_count,
                   SUM(activities) AS activity_done_count,
                   AVG(hours) AS response_hours,
                   CASE WHEN SUM(won) + SUM(lost) > 0
                        THEN 100.0 * SUM(won) / (SUM(won) + SUM(lost))
                        ELSE 0 END AS win_rate,
                   SUM(revenue) AS revenue
              FROM fact
          GROUP BY user_id, team_id, company_id
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._salesperson_query(),
            )
        )
