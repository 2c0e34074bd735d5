# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .crm_profitability_profile import GRADES

ANALYTICS_USER = "crm_analytics.group_crm_analytics_user"
DASHBOARD_ROWS = 5
TREND_MONTHS = 12
CUSTOMER_FIELDS = (
    "partner_id",
    "grade",
    "score",
    "revenue",
    "profit",
    "overdue_amount",
    "average_days_late",
)


class CrmCustomerProfitabilityDashboard(models.AbstractModel):
    """What the manager dashboard (the first screen of CRM Analytics) shows,
    in one call: the latest daily period of a company, its best and worst
    customers by profit, the grade mix, the overdue and the posted revenue of
    the last 12 months. Everything is read as the user, so record rules and
    access rights apply; a handful of queries whatever the number of customers.
    ``crm.customer.profitability`` inherits it."""

    _name = "crm.customer.profitability.dashboard"
    _description = "Customer Profitability Dashboard"

    @api.model
    def _dashboard_company(self, company_id=False):
        """The company asked for, which must be one the user works in."""
        if not company_id:
            return self.env.company
        if company_id not in self.env.user.company_ids.ids:
            raise AccessError(
                self.env._("You are not allowed to read the figures of this company.")
            )
        return self.env["res.company"].browse(company_id)

    @api.model
    def _dashboard_period(self, company):
        """(date_from, date_to, is_daily) of the period to show: the latest
        daily period, else the latest period computed; None when none is."""
        latest = self.search_fetch(
            [("company_id", "=", company.id)],
            ["date_from", "date_to", "is_daily"],
            order="is_daily desc, date_to desc, date_from, id desc",
            limit=1,
        )
        if not latest:
            return None
        return latest.date_from, latest.date_to, latest.is_daily

    @api.model
    def _dashboard_rows(self, domain, order, limit=DASHBOARD_ROWS):
        records = self.search_fetch(domain, CUSTOMER_FIELDS, order=order, limit=limit)
        return [
            {
                "id": record.id,
                "partner_id": record.partner_id.id,
                "partner_name": record.partner_id.display_name,
                "grade": record.grade or "",
                "score": record.score,
                "revenue": record.revenue,
                "profit": record.profit,
                "overdue_amount": record.overdue_amount,
                "average_days_late": record.average_days_late,
            }
            for record in records
        ]

    @api.model
    def _dashboard_revenue_trend(self, company, today):
        """Posted revenue per month of the last 12 months (this one included),
        Odoo's own invoice analysis figure in the company currency; None when
        the user may not read invoices."""
        Report = self.env["account.invoice.report"].with_context(
            allowed_company_ids=[company.id]
        )
        if not Report.has_access("read"):
            return None
        first = today.replace(day=1) - relativedelta(months=TREND_MONTHS - 1)
        groups = Report._read_group(
            [
                ("company_id", "=", company.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("invoice_date", ">=", first),
                ("invoice_date", "<=", today),
            ],
            ["invoice_date:month"],
            ["price_subtotal:sum"],
        )
        by_month = {month.replace(day=1): amount for month, amount in groups}
        trend = []
        for index in range(TREND_MONTHS):
            month = first + relativedelta(months=index)
            trend.append(
                {
                    "date_from": fields.Date.to_string(month),
                    "date_to": fields.Date.to_string(
                        month + relativedelta(months=1, days=-1)
                    ),
                    "revenue": company.currency_id.round(by_month.get(month, 0.0)),
                }
            )
        return trend

    @api.model
    def get_dashboard_data(self, company_id=False):
        """Everything the dashboard shows, for ``company_id`` (the current
        company when not given). ``empty`` is set when nothing was computed
        for the company yet (then only ``can_compute`` and the trend follow)."""
        company = self._dashboard_company(company_id)
        today = fields.Date.context_today(self)
        data = {
            "company_id": company.id,
            "company_name": company.name,
            "currency_id": company.currency_id.id,
            "can_compute": self.env.su or self.env.user.has_group(ANALYTICS_USER),
            "revenue_trend": self._dashboard_revenue_trend(company, today),
        }
        period = self._dashboard_period(company)
        if period is None:
            data["empty"] = True
            return data
        date_from, date_to, is_daily = period
        domain = [
            ("company_id", "=", company.id),
            ("date_from", "=", date_from),
            ("date_to", "=", date_to),
            ("is_daily", "=", is_daily),
        ]
        grades = dict(
            self._read_group(domain, ["grade"], ["__count"]),
        )
        ((count, revenue, profit, overdue),) = self._read_group(
            domain,
            [],
            ["__count", "revenue:sum", "profit:sum", "overdue_amount:sum"],
        )
        overdue_domain = domain + [("overdue_amount", ">", 0)]
        data.update(
            empty=False,
            date_from=fields.Date.to_string(date_from),
            date_to=fields.Date.to_string(date_to),
            is_daily=is_daily,
            domain=domain,
            customer_count=count,
            total_revenue=revenue,
            total_profit=profit,
            total_overdue=overdue,
            top=self._dashboard_rows(domain, "profit desc, revenue desc, id"),
            bottom=self._dashboard_rows(domain, "profit, revenue, id"),
            most_overdue=self._dashboard_rows(
                overdue_domain, "overdue_amount desc, average_days_late desc, id"
            ),
            grade_mix=[
                {"grade": grade, "count": grades.get(grade, 0)}
                for grade, _label in GRADES
            ],
        )
        return data

    @api.model
    def action_dashboard_compute(self, company_id=False):
        """The dashboard's "Compute now": the daily period of the company (the
        last 12 months), recomputed as the daily job does, so the dashboard
        shows it at once. Same rights as ``compute_period``: a CRM Analytics
        user, for a company they work in."""
        if not self.env.su and not self.env.user.has_group(ANALYTICS_USER):
            raise AccessError(
                self.env._("Only CRM Analytics users may compute profitability.")
            )
        company = self._dashboard_company(company_id)
        if not self._daily_try_lock(company):
            # the daily job (or another "Compute now") is replacing these very
            # records: a second DELETE + INSERT would collide with it
            raise UserError(
                self.env._(
                    "The profitability of %(company)s is being computed right "
                    "now; try again in a moment.",
                    company=company.name,
                )
            )
        date_from, date_to = self._daily_period()
        # sudo: the caller's right and company were checked above, as
        # compute_period does; the daily records and grades are the job's
        profitability = self.sudo()
        records = profitability._compute_records(
            company, date_from, date_to, daily=True
        )
        profitability._write_grades(company, records)
        return True
