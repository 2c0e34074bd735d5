#!/usr/bin/env python3
# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""RFM benchmark: scoring every customer against one SQL query.

Reuses the books of ``bench_profitability`` (made once with SQL
generate_series: 10,000 customers, 25,000 posted customer moves of the last
12 months, one in ten a credit note, 100,000 posted invoice lines).

Times, each run rolled back on a vacuumed database, after an untimed warm-up:

* ours: ``crm.segment.rfm._rfm_compute(company)``: recency, frequency and
  monetary of every customer, their quintiles and groups, written into the
  seven company-dependent ``res.partner`` fields (one statement);
* baseline: one hand-written SQL query computing the same recency, frequency
  and monetary per customer (read only: nothing scored, nothing written).

Prints both times and the ratio (goal <= 2x), and checks that both give the
same three figures for every customer.

Run it with ``scripts/bench.sh rfm``.
"""

import os
import time
from datetime import date, timedelta

import bench_profitability as books
from benchlib import odoo_env, vacuum

TABLES = books.TABLES


def parse_args():
    return books.books_parser(__doc__, rounds=3).parse_args()


BASELINE_SQL = """
    SELECT move.commercial_partner_id,
           %(today)s::date - MAX(move.invoice_date)
               FILTER (WHERE move.move_type = 'out_invoice'),
           COUNT(DISTINCT move.id) FILTER (
               WHERE move.move_type = 'out_invoice'
                 AND move.invoice_date >= %(date_from)s),
           COALESCE(SUM(-line.balance) FILTER (
               WHERE line.display_type = 'product'
                 AND move.invoice_date >= %(date_from)s), 0)
      FROM account_move move
      JOIN account_move_line line ON line.move_id = move.id
     WHERE move.company_id = %(company)s
       AND move.state = 'posted'
       AND move.move_type IN ('out_invoice', 'out_refund')
  GROUP BY move.commercial_partner_id
"""


def baseline(env):
    """(seconds, {partner: (recency, frequency, monetary)})"""
    today = date.today()
    company = env.ref("base.main_company")
    begin = time.perf_counter()
    env.cr.execute(
        BASELINE_SQL,
        {
            "company": company.id,
            "today": today,
            "date_from": today - timedelta(days=365),
        },
    )
    rows = env.cr.fetchall()
    elapsed = time.perf_counter() - begin
    return elapsed, {
        partner: (recency, frequency, round(float(monetary), 2))
        for partner, recency, frequency, monetary in rows
        if recency is not None
    }


def run_ours(env, args):
    """(seconds, {partner: (recency, frequency, monetary)}), rolled back."""
    env.cr.rollback()
    env.invalidate_all()
    vacuum(args.db, TABLES)
    company = env.ref("base.main_company")
    begin = time.perf_counter()
    scored = env["crm.segment.rfm"]._rfm_compute(company)
    env.flush_all()
    elapsed = time.perf_counter() - begin
    env.cr.execute(
        """
        SELECT id, (rfm_recency_days ->> %(key)s)::int,
               (rfm_frequency ->> %(key)s)::int,
               (rfm_monetary ->> %(key)s)::numeric
          FROM res_partner WHERE rfm_group ? %(key)s
        """,
        {"key": str(company.id)},
    )
    figures = {
        pid: (recency, frequency, round(float(monetary), 2))
        for pid, recency, frequency, monetary in env.cr.fetchall()
    }
    assert scored == len(figures)
    env.cr.rollback()
    env.invalidate_all()
    return elapsed, figures


def write_floor(env, ids):
    """Seconds to write seven constant jsonb values into the same customers'
    company-dependent columns, nothing computed: the least any scoring that
    stores company-dependent fields on res.partner can cost."""
    key = str(env.ref("base.main_company").id)
    env.cr.execute(
        "CREATE TEMP TABLE bench_rfm_ids ON COMMIT DROP AS SELECT unnest(%s) AS id",
        [ids],
    )
    begin = time.perf_counter()
    env.cr.execute(
        """
        UPDATE res_partner p
           SET rfm_recency_days = jsonb_build_object(%(k)s, 3),
               rfm_frequency = jsonb_build_object(%(k)s, 3),
               rfm_monetary = jsonb_build_object(%(k)s, 3.5),
               rfm_r = jsonb_build_object(%(k)s, 3),
               rfm_f = jsonb_build_object(%(k)s, 3),
               rfm_m = jsonb_build_object(%(k)s, 3),
               rfm_group = jsonb_build_object(%(k)s, 'loyal')
          FROM bench_rfm_ids t WHERE p.id = t.id
        """,
        {"k": key},
    )
    elapsed = time.perf_counter() - begin
    env.cr.rollback()
    return elapsed


def main():
    args = parse_args()
    with odoo_env(args.db) as env:
        books.generate(env, args)
        print(f"Data: {args.customers} customers, {args.lines} invoice lines")
        run_ours(env, args)  # warm-up
        baseline(env)
        best_ours = best_sql = None
        for _round in range(args.rounds):
            elapsed, figures = run_ours(env, args)
            sql_elapsed, sql_figures = min(
                (baseline(env) for _ in range(3)), key=lambda result: result[0]
            )
            print(
                f"  ours: _rfm_compute {elapsed:.3f} s ({len(figures)} customers"
                f" scored and written); baseline: one SQL query {sql_elapsed:.3f} s"
            )
            best_ours = elapsed if best_ours is None else min(best_ours, elapsed)
            best_sql = sql_elapsed if best_sql is None else min(best_sql, sql_elapsed)
        vacuum(args.db, TABLES)
        floor = min(write_floor(env, list(figures)) for _ in range(3))
        wrong = [p for p, values in sql_figures.items() if figures.get(p) != values]
        print(
            f"recency, frequency, monetary: {len(sql_figures) - len(wrong)} customers"
            f" equal, {len(wrong)} different"
        )
        print()
        print(f"ours: {best_ours:.3f} s; SQL: {best_sql:.3f} s")
        print(f"ratio ours/SQL: {best_ours / best_sql:.1f}x (goal <= 2x)")
        print(
            f"floor: writing the seven company-dependent fields of these customers"
            f" alone (constants, one UPDATE) {floor:.3f} s = {floor / best_sql:.1f}x"
            f" the SQL; scoring them {max(best_ours - floor, 0):.3f} s"
            f" = {max(best_ours - floor, 0) / best_sql:.1f}x"
        )
        os.system("uptime")  # noqa: S605, S607 - the machine's load, for the README


if __name__ == "__main__":
    main()
