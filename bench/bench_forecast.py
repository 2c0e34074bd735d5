#!/usr/bin/env python3
# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Revenue forecast benchmark: ``crm.revenue.forecast.action_compute`` against
one SQL query summing the same monthly revenue.

Data: the profitability benchmark's books (``bench_profitability.generate``,
SQL only: 10,000 customers, 100,000 posted invoice lines of the main company
over the last 12 months), made once and reused. Times, each run rolled back
after an untimed warm-up:

* ours: ``action_compute()`` for the main company (the monthly revenue query,
  six backtest fits and one forecast fit, 12 records replaced);
* baseline: the hand-written monthly ``SUM(-balance)`` of the same lines.

Prints both times and the ratio (goal <= 2x), and checks that the backtest
months' actuals equal the baseline's months to the cent. Then times the pure
engine alone on a 60-month series (Holt-Winters grid search).

Run it with ``scripts/bench.sh forecast``.
"""

import time
from datetime import date

from bench_profitability import TABLES, books_parser, generate
from benchlib import odoo_env, vacuum

BASELINE_SQL = """
    SELECT date_trunc('month', move.invoice_date)::date, SUM(-line.balance)
      FROM account_move_line line
      JOIN account_move move ON move.id = line.move_id
     WHERE move.company_id = %(company)s
       AND move.state = 'posted'
       AND move.move_type IN ('out_invoice', 'out_refund')
       AND line.display_type = 'product'
       AND move.invoice_date < %(month)s
  GROUP BY 1
"""


def parse_args():
    return books_parser(__doc__, rounds=3).parse_args()


def baseline(env, company):
    begin = time.perf_counter()
    env.cr.execute(
        BASELINE_SQL, {"company": company.id, "month": date.today().replace(day=1)}
    )
    rows = dict(env.cr.fetchall())
    return time.perf_counter() - begin, rows


def ours(env, company):
    Forecast = env["crm.revenue.forecast"]
    begin = time.perf_counter()
    Forecast.action_compute(company.id)
    env.flush_all()
    elapsed = time.perf_counter() - begin
    records = Forecast.search([("company_id", "=", company.id)])
    actuals = {r.date: r.actual for r in records if r.is_backtest}
    env.cr.rollback()
    env.invalidate_all()
    return elapsed, actuals


def main():
    args = parse_args()
    with odoo_env(args.db) as env:
        generate(env, args)
        vacuum(args.db, TABLES)
        company = env.ref("base.main_company")
        ours(env, company)  # warm-up
        baseline(env, company)
        ours_times, base_times = [], []
        actuals = months = None
        for _round in range(args.rounds):
            elapsed, actuals = ours(env, company)
            ours_times.append(elapsed)
            elapsed, months = baseline(env, company)
            base_times.append(elapsed)
        for month, actual in actuals.items():
            assert round(actual - float(months.get(month, 0.0)), 2) == 0, month
        best_ours, best_base = min(ours_times), min(base_times)
        print(f"action_compute: {best_ours * 1000:.1f} ms (best of {args.rounds})")
        print(f"baseline SQL:   {best_base * 1000:.1f} ms")
        print(f"ratio: {best_ours / best_base:.2f}x (goal <= 2x)")
        print("backtest actuals equal the baseline's months")
        from odoo.addons.crm_analytics.engines import forecast as engine

        series = [1000.0 + 10 * t + (t % 12) * 25.0 for t in range(60)]
        begin = time.perf_counter()
        engine.forecast(series, 6)
        print(
            f"engine alone, 60 months, Holt-Winters grid: "
            f"{(time.perf_counter() - begin) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
