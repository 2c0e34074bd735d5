# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``compute_period``: the profitability records of one company and period,
from a fixed number of grouped queries (``crm.profitability.sql``) and the pure
ranking arithmetic (``engines/profitability.py``)."""

import json
from functools import partial

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_round

from ..engines import profitability as engine

ANALYTICS_USER = "crm_analytics.group_crm_analytics_user"


class CrmProfitabilityCompute(models.AbstractModel):
    _name = "crm.profitability.compute"
    _inherit = ["crm.profitability.sql"]
    _description = "Profitability: the computation"

    @api.model
    def compute_period(self, date_from, date_to, company_id=False):
        """Create or refresh the records of ``date_from``..``date_to`` for every
        customer of the company (the current one when not given) with revenue, an
        invoice or an overdue amount, and return their ids.

        Callable over RPC by CRM Analytics users, for a company they are allowed
        in (``res.users.company_ids``), and by the superuser (jobs, scripts);
        anyone else gets an AccessError. The
        records are then written as superuser (analytics users only read them).
        """
        if not self.env.su and not self.env.user.has_group(ANALYTICS_USER):
            raise AccessError(
                self.env._("Only CRM Analytics users may compute profitability.")
            )
        company = self._prof_company(company_id)
        date_from, date_to = self._prof_dates(date_from, date_to)
        # sudo: the caller's right was checked above; the records, the accounting
        # and the costs they are made of are read and written as one whole
        # (on the records' model: called on this abstract mixin over RPC, the
        # insert would fail half-way)
        profitability = self.env["crm.customer.profitability"].sudo()
        records = profitability._compute_records(company, date_from, date_to)
        return records.ids

    @api.model
    def _prof_company(self, company_id):
        if not company_id:
            return self.env.company
        if isinstance(company_id, models.BaseModel):
            company_id = company_id.id
        if not isinstance(company_id, int) or isinstance(company_id, bool):
            raise UserError(self.env._("The company must be given by its id."))
        if not self.env.su and company_id not in self.env.user.company_ids.ids:
            raise AccessError(
                self.env._(
                    "You are not allowed to compute profitability for this company."
                )
            )
        return self.env["res.company"].browse(company_id)

    @api.model
    def _prof_dates(self, date_from, date_to):
        try:
            date_from = fields.Date.to_date(date_from)
            date_to = fields.Date.to_date(date_to)
        except (TypeError, ValueError) as error:
            raise UserError(
                self.env._("Dates are written YYYY-MM-DD: %(error)s", error=error)
            ) from error
        if not date_from or not date_to:
            raise UserError(self.env._("A period needs a start and an end date."))
        if date_from > date_to:
            raise ValidationError(
                self.env._(
                    "The period starts (%(date_from)s) after it ends (%(date_to)s).",
                    date_from=date_from,
                    date_to=date_to,
                )
            )
        return date_from, date_to

    def _compute_records(self, company, date_from, date_to, daily=False):
        """Replace the records of that period (or, ``daily``, the daily job's
        previous records) of ``company`` by freshly computed ones."""
        self.env.flush_all()
        today = fields.Date.today()
        rows = self._prof_rows(company, date_from, date_to, today)
        profile = self.env["crm.profitability.profile"]._get_for_company(company)
        self._prof_rank(rows, profile)
        for row in rows:
            row.update(
                company_id=company.id,
                date_from=date_from,
                date_to=date_to,
                is_daily=daily,
                profile_id=profile.id,
            )
        return self._prof_replace(company, date_from, date_to, daily, rows)

    def _prof_replace(self, company, date_from, date_to, daily, rows):
        """Delete the period's (or the daily job's) records and insert ``rows``,
        two statements whatever their number (10,000 customers must not mean
        10,000 ORM creates). Nothing references these computed records, so a
        plain DELETE loses nothing; the ORM caches are invalidated after."""
        period = (
            SQL("TRUE")
            if daily
            else SQL("date_from = %s AND date_to = %s", date_from, date_to)
        )
        self.env.cr.execute(
            SQL(
                "DELETE FROM crm_customer_profitability"
                " WHERE company_id = %s AND is_daily = %s AND %s",
                company.id,
                daily,
                period,
            )
        )
        ids = []
        if rows:
            names = sorted(rows[0])
            columns = SQL(", ").join(SQL.identifier(name) for name in names)
            typed = SQL(", ").join(
                SQL(
                    "%s %s",
                    SQL.identifier(name),
                    SQL(self._fields[name].column_type[1]),
                )
                for name in names
            )
            flags = {n for n in names if self._fields[n].type == "boolean"}
            payload = json.dumps(
                [
                    {
                        n: bool(row[n]) if n in flags else _json_value(row[n])
                        for n in names
                    }
                    for row in rows
                ]
            )
            self.env.cr.execute(
                SQL(
                    """
                INSERT INTO crm_customer_profitability
                       (%(columns)s, currency_id, create_uid, create_date,
                        write_uid, write_date)
                SELECT %(columns)s, %(currency)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM jsonb_to_recordset(%(payload)s::jsonb) AS row(%(typed)s)
             RETURNING id
                    """,
                    columns=columns,
                    typed=typed,
                    currency=company.currency_id.id,
                    uid=self.env.uid,
                    now=fields.Datetime.now(),
                    payload=payload,
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["crm.customer.profitability"].invalidate_model()
        self.env["res.partner"].invalidate_model(["crm_profitability_ids"])
        return self.browse(ids)

    def _prof_rows(self, company, date_from, date_to, today):
        """One dict of figures per customer (see FEATURES.md for each)."""
        sales = {
            r["partner_id"]: r for r in self._prof_sales(company, date_from, date_to)
        }
        moves = {
            r["partner_id"]: r
            for r in self._prof_moves(company, date_from, date_to, today)
        }
        partner_ids = set(sales) | {
            pid
            for pid, r in moves.items()
            if r["invoice_count"]
            or company.currency_id.compare_amounts(r["overdue_amount"], 0)
        }
        if not partner_ids:
            return []
        acquisition = {
            r["partner_id"]: r["cost_acquisition"]
            for r in self._prof_acquisition(company, date_from, date_to)
        }
        marketing = {
            r["partner_id"]: r for r in self._prof_marketing(date_from, date_to)
        }
        tickets = {
            r["partner_id"]: r["tickets"]
            for r in self._prof_tickets(company, date_from, date_to)
        }
        partners = {r["partner_id"]: r for r in self._prof_partners(partner_ids)}
        rates = {
            "email": company.crm_cost_per_email,
            "ticket": company.crm_cost_per_ticket,
            "delinquency": company.crm_delinquency_daily_rate,
        }
        return [
            self._prof_row(
                pid,
                sales.get(pid, {}),
                moves.get(pid, {}),
                {
                    "acquisition": float(acquisition.get(pid) or 0.0),
                    "marketing": marketing.get(pid, {}),
                    "tickets": tickets.get(pid, 0),
                },
                partners.get(pid, {}),
                rates,
                date_to,
                partial(float_round, precision_rounding=company.currency_id.rounding),
            )
            for pid in sorted(partner_ids)
        ]

    @api.model
    def _prof_row(self, pid, sale, move, usage, partner, rates, date_to, money):
        """The figures of one customer; ``money`` rounds to the company currency
        (ranks compare the rounded amounts the records store)."""
        revenue = money(float(sale.get("revenue") or 0.0))
        margin = money(float(sale.get("margin") or 0.0))
        invoice_count = move.get("invoice_count") or 0
        paid = move.get("paid_count") or 0
        on_time = move.get("on_time_count") or 0
        days_late = (move.get("days_late_total") or 0) / paid if paid else 0.0
        marketing = usage["marketing"]
        costs = {
            "cost_acquisition": money(usage["acquisition"]),
            "cost_marketing": money(
                (marketing.get("emails") or 0) * rates["email"]
                + float(marketing.get("budget") or 0.0)
            ),
            "cost_support": money(usage["tickets"] * rates["ticket"]),
            "cost_delinquency": money(
                max(0.0, float(move.get("overdue_days") or 0.0) * rates["delinquency"])
            ),
        }
        cost_total = money(sum(costs.values()))
        profit = money(margin - cost_total)
        # the first customer invoice ever (any company), see _prof_partners
        since = partner.get("customer_since")
        return dict(
            costs,
            partner_id=pid,
            user_id=partner.get("user_id"),
            team_id=partner.get("team_id"),
            revenue=revenue,
            margin=margin,
            cost_total=cost_total,
            profit=profit,
            margin_percent=100.0 * profit / revenue if revenue else 0.0,
            invoice_count=invoice_count,
            average_invoice=money(revenue / invoice_count) if invoice_count else 0.0,
            overdue_amount=money(float(move.get("overdue_amount") or 0.0)),
            average_days_late=days_late,
            paid_invoice_count=paid,
            on_time_count=on_time,
            payment_score=engine.payment_score(paid, on_time, days_late),
            customer_since=since,
            lifetime_days=max(0, (date_to - since).days) if since else 0,
        )

    @api.model
    def _prof_rank(self, rows, profile):
        """Ranks, score and grade of every row, among these rows only."""
        factors = [
            {
                "revenue": row["revenue"],
                "profit": row["profit"],
                "payment": row["payment_score"],
                "lifetime": row["lifetime_days"],
                "average_invoice": row["average_invoice"],
                "cost": row["cost_total"],
            }
            for row in rows
        ]
        for row, (ranks, score, grade) in zip(
            rows,
            engine.score_rows(factors, profile._prof_weights(), profile._prof_limits()),
            strict=True,
        ):
            row.update({f"rank_{key}": rank for key, rank in ranks.items()})
            row.update(score=score, grade=grade)


def _json_value(value):
    """A row's value for jsonb_to_recordset: dates as ISO text, False as null."""
    if value is False or value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
