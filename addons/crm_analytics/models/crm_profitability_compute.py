# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``compute_period``: the profitability records of one company and period,
written by one DELETE and one ``INSERT ... SELECT`` whose CTEs are the grouped
queries of ``crm.profitability.sql``: every figure, rank, score and grade is
computed in PostgreSQL, none per row in Python (10,000 customers must not mean
10,000 Python rows). The SQL mirrors the reference arithmetic of
``engines/profitability.py`` operation for operation (same float operations in
the same order, amounts rounded to the currency as the ORM does), and the tests
recompute every rank, score and grade with the engine from the stored figures."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

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
        previous records) of ``company`` by freshly computed ones: two
        statements whatever the number of customers. Nothing references these
        computed records, so a plain DELETE loses nothing; the ORM caches are
        invalidated after."""
        self.env.flush_all()
        profile = self.env["crm.profitability.profile"]._get_for_company(company)
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
        # without JIT for this statement: its grouped CTEs defeat the planner's
        # row estimates (no statistics on their outputs), the inflated cost turns
        # JIT on, and compiling its ~300 expressions took 3-8 s on the benchmark
        # against 0.5 s for the statement itself; the setting is put back after
        self.env.cr.execute(
            "SELECT current_setting('jit'), set_config('jit', 'off', true)"
        )
        jit = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            self._prof_insert(company, date_from, date_to, daily, profile)
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute(SQL("SELECT set_config('jit', %s, true)", jit))
        self.env["crm.customer.profitability"].invalidate_model()
        self.env["res.partner"].invalidate_model(["crm_profitability_ids"])
        return self.browse(ids)

    def _prof_insert(self, company, date_from, date_to, daily, profile):
        """``INSERT ... SELECT ... RETURNING id`` of the period's records, in
        customer order (see FEATURES.md for each figure). Ranks, score and grade
        follow ``engines/profitability.py``: the SQL below is its operations."""
        rounding = company.currency_id.rounding

        def money(expression):
            """``expression`` rounded to the company currency in numeric, as the
            ORM's Monetary column stores it (float_round: half away from zero)."""
            return SQL(
                "ROUND((%s)::numeric / %s::numeric) * %s::numeric",
                expression,
                rounding,
                rounding,
            )

        figures = SQL(
            """
            SELECT partner.id AS partner_id, partner.user_id,
                   users.sale_team_id AS team_id,
                   %(revenue)s AS revenue,
                   %(margin)s AS margin,
                   COALESCE(moves.invoice_count, 0) AS invoice_count,
                   %(overdue)s AS overdue_amount,
                   COALESCE(moves.paid_count, 0) AS paid_invoice_count,
                   COALESCE(moves.on_time_count, 0) AS on_time_count,
                   CASE WHEN moves.paid_count > 0
                        THEN moves.days_late_total::float8 / moves.paid_count
                        ELSE 0.0::float8 END AS average_days_late,
                   first_invoice.customer_since,
                   CASE WHEN first_invoice.customer_since IS NULL THEN 0
                        ELSE GREATEST(
                            0, %(date_to)s::date - first_invoice.customer_since)
                   END AS lifetime_days,
                   %(acquisition)s AS cost_acquisition,
                   %(marketing)s AS cost_marketing,
                   %(support)s AS cost_support,
                   %(delinquency)s AS cost_delinquency
              FROM sales
         FULL JOIN moves ON moves.partner_id = sales.partner_id
              JOIN res_partner partner
                ON partner.id = COALESCE(sales.partner_id, moves.partner_id)
         LEFT JOIN res_users users ON users.id = partner.user_id
         LEFT JOIN first_invoice ON first_invoice.partner_id = partner.id
         LEFT JOIN acquisition ON acquisition.partner_id = partner.id
         LEFT JOIN marketing ON marketing.partner_id = partner.id
         LEFT JOIN tickets ON tickets.partner_id = partner.id
             WHERE sales.partner_id IS NOT NULL
                OR moves.invoice_count > 0
                OR %(overdue)s <> 0
            """,
            revenue=money(SQL("COALESCE(sales.revenue, 0)")),
            margin=money(SQL("COALESCE(sales.margin, 0)")),
            overdue=money(SQL("COALESCE(moves.overdue_amount, 0)")),
            date_to=date_to,
            acquisition=money(SQL("COALESCE(acquisition.cost_acquisition, 0)")),
            marketing=money(
                SQL(
                    "COALESCE(marketing.emails, 0) * %s::numeric"
                    " + COALESCE(marketing.budget, 0)",
                    company.crm_cost_per_email,
                )
            ),
            support=money(
                SQL(
                    "COALESCE(tickets.tickets, 0) * %s::numeric",
                    company.crm_cost_per_ticket,
                )
            ),
            delinquency=money(
                SQL(
                    "GREATEST(0, COALESCE(moves.overdue_days, 0) * %s::numeric)",
                    company.crm_delinquency_daily_rate,
                )
            ),
        )
        return SQL(
            """
            WITH sales AS (%(sales)s), moves AS (%(moves)s),
                 -- customer_since: the first posted customer invoice ever, in
                 -- any company (FEATURES.md)
                 first_invoice AS (
                     SELECT commercial_partner_id AS partner_id,
                            MIN(invoice_date) AS customer_since
                       FROM account_move
                      WHERE state = 'posted' AND move_type = 'out_invoice'
                        AND commercial_partner_id IS NOT NULL
                   GROUP BY commercial_partner_id
                 ),
                 acquisition AS (%(acquisition)s), marketing AS (%(marketing)s),
                 tickets AS (%(tickets)s),
                 figures AS (%(figures)s),
                 totals AS (
                     SELECT figures.*,
                            cost_acquisition + cost_marketing + cost_support
                                + cost_delinquency AS cost_total
                       FROM figures
                 ),
                 factors AS (
                     SELECT totals.*,
                            margin - cost_total AS profit,
                            CASE WHEN invoice_count > 0
                                 THEN %(average)s ELSE 0 END AS average_invoice,
                            CASE WHEN paid_invoice_count = 0 THEN 100.0::float8
                                 ELSE LEAST(100.0::float8, GREATEST(0.0::float8,
                                      100.0::float8 * on_time_count
                                      / paid_invoice_count - average_days_late))
                            END AS payment_score
                       FROM totals
                 ),
                 ranks AS (
                     -- the factors alone: the windows sort narrow rows
                     SELECT partner_id, %(ranks)s FROM factors
                 ),
                 ranked AS (
                     SELECT factors.*, %(rank_names)s,
                            CASE WHEN revenue <> 0
                                 THEN 100.0::float8 * profit::float8 / revenue::float8
                                 ELSE 0.0::float8 END AS margin_percent
                       FROM factors JOIN ranks USING (partner_id)
                 ),
                 scored AS (
                     SELECT ranked.*, %(score)s AS score FROM ranked
                 )
            INSERT INTO crm_customer_profitability
                   (%(columns)s, score, grade, company_id, currency_id, date_from,
                    date_to, is_daily, profile_id, create_uid, create_date,
                    write_uid, write_date)
            SELECT %(columns)s, score, %(grade)s, %(company)s, %(currency)s,
                   %(date_from)s, %(date_to)s, %(daily)s, %(profile)s,
                   %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM scored
          ORDER BY partner_id
         RETURNING id
            """,
            sales=self._prof_sales(company, date_from, date_to),
            moves=self._prof_moves(company, date_from, date_to, fields.Date.today()),
            acquisition=self._prof_acquisition(company, date_from, date_to),
            marketing=self._prof_marketing(date_from, date_to),
            tickets=self._prof_tickets(company, date_from, date_to),
            figures=figures,
            average=money(SQL("revenue / invoice_count")),
            ranks=self._prof_rank_columns(),
            rank_names=SQL(", ").join(
                SQL.identifier("ranks", f"rank_{key}") for key, _h in engine.FACTORS
            ),
            score=self._prof_score(profile),
            columns=SQL(", ").join(map(SQL.identifier, COLUMNS)),
            grade=self._prof_grade(profile),
            company=company.id,
            currency=company.currency_id.id,
            date_from=date_from,
            date_to=date_to,
            daily=daily,
            profile=profile.id,
            uid=self.env.uid,
            now=fields.Datetime.now(),
        )

    @api.model
    def _prof_rank_columns(self):
        """``rank_<factor>`` of engine.cume_dist_ranks: ``100.0 * n / count`` with
        n the rows at or below the value (higher is better) or at or above it
        (lower is better), peers included, as the engine's bisect does."""
        return SQL(", ").join(
            SQL(
                "100.0::float8 * count(*) OVER (ORDER BY %s %s)"
                " / count(*) OVER () AS %s",
                SQL.identifier(FACTOR_COLUMNS[key]),
                SQL("ASC" if higher else "DESC"),
                SQL.identifier(f"rank_{key}"),
            )
            for key, higher in engine.FACTORS
        )

    @api.model
    def _prof_score(self, profile):
        """engine.weighted_score: ``round(sum(w x rank) / sum(w))`` summed left to
        right in the engine's factor order, PostgreSQL's round(float8) rounding
        half to even as Python's round() does; 0 without weights."""
        weights = profile._prof_weights()
        total = SQL(" + ").join(
            SQL("%s::float8", weights.get(key, 0.0) or 0.0)
            for key, _higher in engine.FACTORS
        )
        points = SQL(" + ").join(
            SQL(
                "%s::float8 * %s",
                weights.get(key, 0.0) or 0.0,
                SQL.identifier(f"rank_{key}"),
            )
            for key, _higher in engine.FACTORS
        )
        return SQL(
            "CASE WHEN (%s) <= 0 THEN 0 ELSE round((%s) / (%s))::integer END",
            total,
            points,
            total,
        )

    @api.model
    def _prof_grade(self, profile):
        """engine.grade_for: the first grade whose limit the score reaches."""
        whens = SQL(" ").join(
            SQL("WHEN score >= %s::float8 THEN %s", limit, grade)
            for grade, limit in zip(engine.GRADES, profile._prof_limits(), strict=True)
        )
        return SQL("CASE %s ELSE %s END", whens, engine.LOWEST_GRADE)


# the figures of a row, as the INSERT names them
COLUMNS = (
    "partner_id",
    "user_id",
    "team_id",
    "revenue",
    "margin",
    "cost_acquisition",
    "cost_marketing",
    "cost_support",
    "cost_delinquency",
    "cost_total",
    "profit",
    "margin_percent",
    "invoice_count",
    "average_invoice",
    "overdue_amount",
    "average_days_late",
    "paid_invoice_count",
    "on_time_count",
    "payment_score",
    "customer_since",
    "lifetime_days",
    "rank_revenue",
    "rank_profit",
    "rank_payment",
    "rank_lifetime",
    "rank_average_invoice",
    "rank_cost",
)
# the column each factor of engine.FACTORS ranks
FACTOR_COLUMNS = {
    "revenue": "revenue",
    "profit": "profit",
    "payment": "payment_score",
    "lifetime": "lifetime_days",
    "average_invoice": "average_invoice",
    "cost": "cost_total",
}
