# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class CrmRevenueForecastChart(models.Model):
    """The forecast records as two series, forecast and actual, one row per
    month and series (a SQL view over ``crm.revenue.forecast``), so that one
    graph draws the forecast against the actual revenue (Odoo's graph view
    draws one measure at a time)."""

    _name = "crm.revenue.forecast.chart"
    _description = "Revenue Forecast vs Actual"
    _auto = False
    _order = "date, series"
    _depends = {
        "crm.revenue.forecast": [
            "company_id",
            "date",
            "amount",
            "actual",
            "is_backtest",
        ],
    }

    company_id = fields.Many2one("res.company", "Company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date("Month", readonly=True)
    series = fields.Selection(
        [("forecast", "Forecast"), ("actual", "Actual")], readonly=True
    )
    is_backtest = fields.Boolean("Backtest", readonly=True)
    value = fields.Monetary("Revenue", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %s AS (
                    SELECT f.id * 2 AS id, f.company_id, f.date, 'forecast' AS series,
                           f.is_backtest, f.amount AS value
                      FROM crm_revenue_forecast f
                 UNION ALL
                    SELECT f.id * 2 + 1, f.company_id, f.date, 'actual',
                           f.is_backtest, f.actual
                      FROM crm_revenue_forecast f
                     WHERE f.is_backtest
                )
                """,
                SQL.identifier(self._table),
            )
        )
