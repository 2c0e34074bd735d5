# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Revenue forecast per month and company from the posted revenue history
(``engines/forecast.py``), with its own backtest: one record per each of the
last 6 complete months, forecast only from the months before it."""

import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.crm_suite.tools import auto_commit

from ..engines import forecast as engine

_logger = logging.getLogger(__name__)
BACKTEST_MONTHS = 6
HORIZON_MONTHS = 6
# at most this many months of history feed a forecast
HISTORY_MONTHS = 60
# first key of the two-key advisory lock taken per company (second: company id)
LOCK_KEY = 1_401_017
METHODS = [
    (engine.METHOD_HW, "Holt-Winters (trend and seasonality)"),
    (engine.METHOD_TREND, "Trend only (less than two years of history)"),
    (engine.METHOD_MEAN, "Mean (less than six months of history)"),
    (engine.METHOD_NONE, "No history"),
]


class CrmRevenueForecast(models.Model):
    _name = "crm.revenue.forecast"
    _description = "Revenue Forecast"
    _order = "company_id, date"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", "Company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(
        "Month", required=True, readonly=True, help="The first day of the month."
    )
    amount = fields.Monetary(
        "Forecast", readonly=True, help="Forecast posted revenue of the month."
    )
    actual = fields.Monetary(
        readonly=True,
        help="Posted revenue of the month (complete months only).",
    )
    is_backtest = fields.Boolean(
        "Backtest",
        readonly=True,
        help="A past month forecast only from the months before it, to measure "
        "the forecast's error against what was actually invoiced.",
    )
    method = fields.Selection(METHODS, readonly=True)
    error_percent = fields.Float(
        "Error (%)",
        readonly=True,
        aggregator="avg",
        help="|actual - forecast| / |actual| of a backtest month; empty when the "
        "actual is 0 (such a month is left out of the backtest error).",
    )

    _sql_constraints = [
        (
            "company_month_unique",
            "UNIQUE (company_id, date)",
            "A company has one forecast per month.",
        )
    ]

    # -- public API -----------------------------------------------------------

    @api.model
    def _forecast_company(self, company_id):
        """The company asked for (the current one by default), refused when the
        user may not work in it."""
        company = self.env["res.company"].browse(company_id or self.env.company.id)
        if not company.exists():
            raise UserError(self.env._("This company does not exist."))
        if company not in self.env.user.company_ids and not self.env.su:
            raise AccessError(
                self.env._(
                    "You may not forecast the revenue of %(company)s.",
                    company=company.sudo().name,
                )
            )
        return company

    @api.model
    def action_compute(self, company_id=False):
        """Replace the company's forecast records: the backtest months and the
        months ahead. CRM Analytics administrators only."""
        self.check_access("create")
        self.check_access("unlink")
        company = self._forecast_company(company_id)
        self._forecast_lock(company, wait=True)
        # sudo: the history is summed from posted invoices, which an analytics
        # administrator may not read line by line; the rights were checked above
        self.sudo()._forecast_replace(company)
        return True

    def action_compute_now(self):
        """The list's button: the current company."""
        return self.action_compute(self.env.company.id)

    @api.model
    def get_backtest_error(self, company_id=False):
        """The MAPE (percent) of the company's stored backtest months, as the
        user may read them: the mean of |actual - amount| / |actual| x 100 over
        the backtest months whose actual is not 0 (a month without revenue has
        no percentage error and is left out); False when no month is left."""
        self.check_access("read")
        company = self._forecast_company(company_id)
        records = self.search(
            [("company_id", "=", company.id), ("is_backtest", "=", True)]
        )
        error = engine.mape([(r.actual, r.amount) for r in records])
        return False if error is None else error

    # -- the computation --------------------------------------------------------

    @api.model
    def _forecast_lock(self, company, wait=False):
        """The company's forecast lock for this transaction (two workers never
        replace the same records at once)."""
        if wait:
            self.env.cr.execute(
                SQL("SELECT pg_advisory_xact_lock(%s, %s)", LOCK_KEY, company.id)
            )
            return True
        self.env.cr.execute(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", LOCK_KEY, company.id)
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _forecast_monthly_revenue(self, company, date_from, date_to):
        """{first day of month: posted revenue} of the company between the two
        dates (the profitability revenue definition), in one grouped query."""
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model()
        revenue_lines = self.env["crm.profitability.sql"]._prof_revenue_lines(
            company, date_from, date_to
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT date_trunc('month', move.invoice_date)::date,
                       SUM(-line.balance)
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                 WHERE %s
              GROUP BY 1
                """,
                revenue_lines,
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _forecast_values(self, company, today=None):
        """The records' values: the backtest months (each forecast from the
        months before it only) and the ``HORIZON_MONTHS`` ahead, from the
        current month on."""
        today = today or fields.Date.context_today(self)
        this_month = today.replace(day=1)
        first = this_month - relativedelta(months=HISTORY_MONTHS)
        revenue = self._forecast_monthly_revenue(
            company, first, this_month - relativedelta(days=1)
        )
        start = min(revenue, default=this_month)
        months = []
        month = start
        while month < this_month:
            months.append(month)
            month += relativedelta(months=1)
        series = [float(revenue.get(m, 0.0)) for m in months]
        vals_list = []
        for back in range(BACKTEST_MONTHS, 0, -1):
            month = this_month - relativedelta(months=back)
            cut = months.index(month) if month in months else 0
            predicted, method = engine.forecast(series[:cut], 1)
            actual = float(revenue.get(month, 0.0))
            amount = self._forecast_amount(company, predicted[0])
            vals_list.append(
                {
                    "company_id": company.id,
                    "date": month,
                    "amount": amount,
                    "actual": actual,
                    "is_backtest": True,
                    "method": method,
                    "error_percent": 100.0 * abs(actual - amount) / abs(actual)
                    if actual
                    else False,
                }
            )
        predicted, method = engine.forecast(series, HORIZON_MONTHS)
        for step, value in enumerate(predicted):
            vals_list.append(
                {
                    "company_id": company.id,
                    "date": this_month + relativedelta(months=step),
                    "amount": self._forecast_amount(company, value),
                    "actual": 0.0,
                    "is_backtest": False,
                    "method": method,
                }
            )
        return vals_list

    @api.model
    def _forecast_amount(self, company, value):
        """A forecast amount: rounded to the currency, never below 0 (a falling
        trend extrapolated far would promise negative revenue)."""
        return company.currency_id.round(max(0.0, value))

    @api.model
    def _forecast_replace(self, company, today=None):
        vals_list = self._forecast_values(company, today)
        self.search([("company_id", "=", company.id)]).unlink()
        return self.create(vals_list)

    @api.model
    def _cron_compute(self):
        """Every company in turn, one transaction each (committed outside
        tests); a company another worker holds is left to it. Idempotent: a
        rerun replaces the same records."""
        # sudo: a scheduled job, for every company
        forecasts = self.sudo()
        for company in self.env["res.company"].sudo().search([], order="id"):
            if not self._forecast_lock(company):
                _logger.info("Forecast of %s: another worker has it", company.name)
                continue
            forecasts._forecast_replace(company)
            if auto_commit(self.env):
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True
