#!/usr/bin/env python3
# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer profitability benchmark: ``compute_period`` against one SQL query.

Sets up once (committed, reused), with SQL (generate_series): 10,000 customers
(companies) and 25,000 posted customer moves of the main company over the last
12 months, one in ten a credit note, each with 4 product lines (100,000
posted invoice lines in all) and its receivable line, due 30 days after its
date, unpaid: rows complete enough for ``account.invoice.report`` and for our
compute (amounts, signed amounts, residuals, parent state, commercial partner).
The generated books are checked once against Odoo's own figure
(``account.invoice.report`` ``price_subtotal``).

Then times, each run rolled back on a vacuumed database, after an untimed
warm-up:

* ours: ``crm.customer.profitability.compute_period(date_from, date_to)`` for
  the last 12 months, every customer (revenue, margin, the four costs,
  payment behaviour, ranks, score and grade; 10,000 records created);
* baseline: one hand-written SQL query summing the same revenue per partner.

Prints both times and the ratio (goal <= 2x), the floor (writing the same
records again with one ``INSERT ... SELECT``, nothing computed), checks that
both give the same revenue to the cent for every customer, then exports the
10,000 records to XLSX with the reports' writer (``ProfitabilityXlsxWriter``,
constant-memory mode) and prints its time and the process's peak memory growth
(tracemalloc peak and ru_maxrss delta; goal flat, under 50 MB).

Run it with ``scripts/bench.sh profitability`` (database ``crm_suite_bench``,
crm_analytics installed there on first use).
"""

import argparse
import cProfile
import io
import os
import pstats
import resource
import tempfile
import time
import tracemalloc
from datetime import date

from benchlib import odoo_env, vacuum
from dateutil.relativedelta import relativedelta

CUSTOMER_PREFIX = "Bench profitability customer "
MOVE_PREFIX = "BPROF/"
LINES_PER_MOVE = 4
TABLES = ("account_move", "account_move_line", "res_partner")


def books_parser(doc, rounds=1):
    """The options of every benchmark on these books (database, size, rounds,
    rebuild); ``doc`` is the benchmark's docstring."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--db", default="crm_suite_bench")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=rounds, help="best of N runs")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="drop the generated customers and moves and make them anew",
    )
    return parser


def parse_args():
    parser = books_parser(__doc__)
    parser.add_argument("--no-xlsx", action="store_true", help="skip the export")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print where compute_period spends its time (cProfile, and SQL time)",
    )
    return parser.parse_args()


# ------------------------------------------------------------
# Data, created once
# ------------------------------------------------------------


def drop_generated(cr):
    cr.execute(
        """
        DELETE FROM account_move_line WHERE move_name LIKE %(p)s;
        DELETE FROM account_move WHERE name LIKE %(p)s;
        DELETE FROM crm_customer_profitability;
        DELETE FROM res_partner WHERE name LIKE %(c)s;
        """,
        {"p": MOVE_PREFIX + "%", "c": CUSTOMER_PREFIX + "%"},
    )


def generate(env, args):
    """Customers, moves and lines (SQL), unless they are there already."""
    cr = env.cr
    cr.execute(
        "SELECT count(*) FROM account_move WHERE name LIKE %s", [MOVE_PREFIX + "%"]
    )
    moves = args.lines // LINES_PER_MOVE
    if cr.fetchone()[0] == moves and not args.rebuild:
        return
    print("Generating data...", flush=True)
    drop_generated(cr)
    company = env.ref("base.main_company")
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    receivable = env["account.account"].search(
        [
            ("account_type", "=", "asset_receivable"),
            ("company_ids", "in", company.id),
        ],
        limit=1,
    )
    income = journal.default_account_id
    product = env["product.product"].search(
        [("default_code", "=", "BENCH-PROF")], limit=1
    ) or env["product.product"].create(
        {
            "name": "Bench profitability product",
            "default_code": "BENCH-PROF",
            "type": "service",
            "standard_price": 10.0,
        }
    )
    env.flush_all()
    params = {
        "prefix": CUSTOMER_PREFIX,
        "move_prefix": MOVE_PREFIX,
        "company": company.id,
        "currency": company.currency_id.id,
        "journal": journal.id,
        "receivable": receivable.id,
        "income": income.id,
        "product": product.id,
        "uom": product.uom_id.id,
        "customers": args.customers,
        "moves": moves,
        "per_move": LINES_PER_MOVE,
        "today": date.today(),
    }
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, active, type, is_company,
            email, company_id, create_date, write_date, lang, customer_rank,
            autopost_bills)
        SELECT %(prefix)s || g, %(prefix)s || g, TRUE, 'contact', TRUE,
               'bench.customer' || g || '@example.com', NULL, now(), now(), 'en_US', 1,
               'ask'
          FROM generate_series(1, %(customers)s) g;
        UPDATE res_partner SET commercial_partner_id = id
         WHERE name LIKE %(prefix)s || '%%';

        CREATE TEMP TABLE bench_customer ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY id) - 1 AS k, id
          FROM res_partner WHERE name LIKE %(prefix)s || '%%';

        -- moves: one in ten a credit note, dates spread over the last 12 months
        INSERT INTO account_move (name, journal_id, company_id, currency_id, move_type,
            state, date, invoice_date, invoice_date_due, partner_id,
            commercial_partner_id, payment_state, auto_post, sequence_prefix,
            sequence_number, create_date, write_date, create_uid, write_uid)
        SELECT %(move_prefix)s || g, %(journal)s, %(company)s, %(currency)s,
               CASE WHEN g %% 10 = 0 THEN 'out_refund' ELSE 'out_invoice' END,
               'posted', day, day, day + 30, customer.id, customer.id, 'not_paid',
               'no', %(move_prefix)s, g, now(), now(), 1, 1
          FROM generate_series(1, %(moves)s) g
          JOIN bench_customer customer ON customer.k = g %% %(customers)s
         CROSS JOIN LATERAL (SELECT %(today)s::date - ((g * 37) %% 365) AS day) d;

        -- product lines: quantity 1-9, unit price 10.00-999.99
        INSERT INTO account_move_line (move_id, move_name, journal_id, company_id,
            company_currency_id, currency_id, account_id, partner_id, date,
            invoice_date, parent_state, display_type, product_id, product_uom_id,
            name, quantity, price_unit, price_subtotal, price_total, balance,
            amount_currency, debit, credit, amount_residual,
            amount_residual_currency, reconciled, sequence, create_date,
            write_date, create_uid, write_uid)
        SELECT move.id, move.name, move.journal_id, move.company_id, move.currency_id,
               move.currency_id, %(income)s, move.partner_id, move.date,
               move.invoice_date, 'posted', 'product', %(product)s, %(uom)s,
               'Bench line', v.qty, v.price, v.qty * v.price, v.qty * v.price,
               v.sign * v.qty * v.price, v.sign * v.qty * v.price,
               GREATEST(v.sign * v.qty * v.price, 0),
               GREATEST(-v.sign * v.qty * v.price, 0),
               0, 0, FALSE, 10 + j, now(), now(), 1, 1
          FROM account_move move
         CROSS JOIN generate_series(1, %(per_move)s) j
         CROSS JOIN LATERAL (
               SELECT 1 + (move.id + j) %% 9 AS qty,
                      (1000 + (move.id * 13 + j * 7919) %% 99000) / 100.0 AS price,
                      CASE WHEN move.move_type = 'out_refund' THEN 1 ELSE -1 END AS sign
               ) v
         WHERE move.name LIKE %(move_prefix)s || '%%';

        -- the receivable line of each move, open
        INSERT INTO account_move_line (move_id, move_name, journal_id, company_id,
            company_currency_id, currency_id, account_id, partner_id, date,
            invoice_date, parent_state, display_type, name, balance, amount_currency,
            debit, credit, amount_residual, amount_residual_currency, reconciled,
            date_maturity, sequence, create_date, write_date, create_uid, write_uid)
        SELECT move.id, move.name, move.journal_id, move.company_id, move.currency_id,
               move.currency_id, %(receivable)s, move.partner_id, move.date,
               move.invoice_date, 'posted', 'payment_term', '', -s.total, -s.total,
               GREATEST(-s.total, 0), GREATEST(s.total, 0), -s.total, -s.total, FALSE,
               move.invoice_date_due, 100, now(), now(), 1, 1
          FROM account_move move
          JOIN (SELECT move_id, SUM(balance) AS total FROM account_move_line
                 WHERE move_name LIKE %(move_prefix)s || '%%' GROUP BY move_id) s
            ON s.move_id = move.id;

        -- the moves' totals from their lines
        UPDATE account_move move
           SET amount_untaxed = s.untaxed, amount_total = s.untaxed,
               amount_residual = s.untaxed, amount_tax = 0, amount_tax_signed = 0,
               amount_untaxed_signed = s.signed, amount_total_signed = s.signed,
               amount_untaxed_in_currency_signed = s.signed,
               amount_total_in_currency_signed = s.signed,
               amount_residual_signed = s.signed
          FROM (SELECT move_id, SUM(ABS(balance)) AS untaxed, SUM(-balance) AS signed
                  FROM account_move_line
                 WHERE move_name LIKE %(move_prefix)s || '%%'
                   AND display_type = 'product'
              GROUP BY move_id) s
         WHERE s.move_id = move.id;
        """,
        params,
    )
    env.invalidate_all()
    cr.commit()
    vacuum(args.db, TABLES)
    check_books(env)


def period():
    date_to = date.today()
    return date_to - relativedelta(months=12), date_to


def check_books(env):
    """The generated books give Odoo's own figure (account.invoice.report)."""
    date_from, date_to = period()
    company = env.ref("base.main_company")
    Report = env["account.invoice.report"].with_context(
        allowed_company_ids=[company.id]
    )
    ((odoo_total,),) = Report._read_group(
        [
            ("company_id", "=", company.id),
            ("state", "=", "posted"),
            ("partner_id.name", "=like", CUSTOMER_PREFIX + "%"),
            ("invoice_date", ">=", date_from),
            ("invoice_date", "<=", date_to),
        ],
        [],
        ["price_subtotal:sum"],
    )
    ours = sum(baseline(env)[1].values())
    print(f"  Odoo's invoice analysis: {odoo_total:,.2f}; our SQL: {ours:,.2f}")
    assert round(odoo_total - ours, 2) == 0, "generated books inconsistent"


# ------------------------------------------------------------
# Runs
# ------------------------------------------------------------

BASELINE_SQL = """
    SELECT move.commercial_partner_id, SUM(-line.balance)
      FROM account_move_line line
      JOIN account_move move ON move.id = line.move_id
     WHERE move.company_id = %(company)s
       AND move.state = 'posted'
       AND move.move_type IN ('out_invoice', 'out_refund')
       AND line.display_type = 'product'
       AND move.invoice_date BETWEEN %(date_from)s AND %(date_to)s
  GROUP BY move.commercial_partner_id
"""


def baseline(env):
    """The hand-written query: revenue per partner. (seconds, {partner: revenue})"""
    date_from, date_to = period()
    company = env.ref("base.main_company")
    begin = time.perf_counter()
    env.cr.execute(
        BASELINE_SQL,
        {"company": company.id, "date_from": date_from, "date_to": date_to},
    )
    rows = env.cr.fetchall()
    elapsed = time.perf_counter() - begin
    return elapsed, {partner: float(revenue) for partner, revenue in rows}


def ours(env):
    """compute_period for every customer, flushed. (seconds, ids)"""
    date_from, date_to = period()
    begin = time.perf_counter()
    ids = env["crm.customer.profitability"].compute_period(date_from, date_to)
    env.flush_all()
    return time.perf_counter() - begin, ids


def run_ours(env, args, profile=False):
    env.cr.rollback()
    env.invalidate_all()
    vacuum(args.db, TABLES + ("crm_customer_profitability",))
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    elapsed, ids = ours(env)
    if profiler:
        profiler.disable()
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("cumulative").print_stats(35)
        print(stream.getvalue())
    records = env["crm.customer.profitability"].browse(ids)
    revenue = {rec.partner_id.id: rec.revenue for rec in records}
    floor = write_floor(env, ids)
    env.cr.rollback()
    env.invalidate_all()
    return elapsed, revenue, floor


def write_floor(env, ids):
    """Seconds to write the same records again, nothing computed: one
    ``INSERT ... SELECT`` copying them (as another period, so the unique
    constraint holds), with the table's foreign keys and indexes. The least any
    compute_period that stores its records can cost."""
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = 'crm_customer_profitability' AND column_name <> 'id'"
    )
    columns = [name for (name,) in env.cr.fetchall()]
    values = ", ".join(
        "date_to - 1" if name == "date_to" else f'"{name}"' for name in columns
    )
    begin = time.perf_counter()
    env.cr.execute(
        f"INSERT INTO crm_customer_profitability ({', '.join(columns)})"  # noqa: S608
        f" SELECT {values} FROM crm_customer_profitability WHERE id = ANY(%s)",
        [list(ids)],
    )
    return time.perf_counter() - begin


# ------------------------------------------------------------
# XLSX export (the reports' writer, merged from i14-reports)
# ------------------------------------------------------------


def xlsx_writer():
    """The reports' XLSX writer (``report/crm_profitability_xlsx.py``), or None
    when it is not installed: ``ProfitabilityXlsxWriter(env, path)
    .write_rows(ordered_ids)``, the code the download route runs."""
    try:
        from odoo.addons.crm_analytics.report.crm_profitability_xlsx import (
            ProfitabilityXlsxWriter,
        )
    except ImportError:
        return None
    return ProfitabilityXlsxWriter


def export_once(env, writer, ids, trace=True):
    """One export of ``ids``: (seconds, file bytes, tracemalloc peak, RSS growth)."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    env.invalidate_all()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    begin = time.perf_counter()
    writer(env(context=dict(env.context, lang="en_US")), path).write_rows(ids)
    elapsed = time.perf_counter() - begin
    peak = 0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    size = os.path.getsize(path)
    os.unlink(path)
    return elapsed, size, peak, rss_growth * 1024


def measure_xlsx(env):
    """Compute the period (committed, so the export reads real rows), export
    1,000 then every record of it; print time, file size and memory growth
    (flat: the same peak whatever the number of rows)."""
    writer = xlsx_writer()
    if writer is None:
        print("XLSX export: not measured (the reports' writer is not merged yet)")
        return
    date_from, date_to = period()
    Profitability = env["crm.customer.profitability"]
    ids = Profitability.compute_period(date_from, date_to)
    env.cr.commit()
    ordered = Profitability.search([("id", "in", ids)]).ids
    for count in (1000, len(ordered)):
        elapsed, size, peak, rss = export_once(env, writer, ordered[:count])
        print(
            f"XLSX export of {count} rows (traced): {elapsed:.2f} s,"
            f" {size / 1e6:.2f} MB file,"
            f" Python peak allocations {peak / 1e6:.1f} MB (tracemalloc),"
            f" peak RSS growth {rss / 1e6:.1f} MB (ru_maxrss)"
        )
    print("(goal: flat, < 50 MB growth)")
    elapsed, _size, _peak, rss = export_once(env, writer, ordered, trace=False)
    print(f"XLSX export of {len(ordered)} rows without tracemalloc: {elapsed:.2f} s")


def main():
    args = parse_args()
    with odoo_env(args.db) as env:
        generate(env, args)
        env.cr.execute(
            "SELECT count(*) FROM account_move_line WHERE move_name LIKE %s"
            " AND display_type = 'product'",
            [MOVE_PREFIX + "%"],
        )
        lines = env.cr.fetchone()[0]
        print(
            f"Data: {args.customers} customers, {lines} posted invoice lines",
            flush=True,
        )
        # warm-up (untimed): registry caches, first plans
        run_ours(env, args)
        baseline(env)
        print("Timing (compute_period rolled back after each run):", flush=True)
        best_ours = best_sql = best_floor = None
        for _round in range(args.rounds):
            elapsed, revenue, floor = run_ours(env, args, profile=args.profile)
            print(
                f"  ours: compute_period {elapsed:.2f} s ({len(revenue)} records;"
                f" writing them alone: {floor:.2f} s)"
            )
            best_ours = elapsed if best_ours is None else min(best_ours, elapsed)
            best_floor = floor if best_floor is None else min(best_floor, floor)
            sql_elapsed, sql_revenue = min(
                (baseline(env) for _ in range(3)), key=lambda result: result[0]
            )
            print(
                f"  baseline: one SQL query {sql_elapsed:.3f} s"
                f" ({len(sql_revenue)} rows)"
            )
            best_sql = sql_elapsed if best_sql is None else min(best_sql, sql_elapsed)
        wrong = [
            partner
            for partner, amount in sql_revenue.items()
            if round(revenue.get(partner, 0.0) - amount, 2)
        ]
        print(
            f"revenue per customer: {len(sql_revenue) - len(wrong)} equal to the cent,"
            f" {len(wrong)} different"
        )
        print()
        print(f"ours: {best_ours:.2f} s; SQL: {best_sql:.3f} s")
        print(f"ratio ours/SQL: {best_ours / best_sql:.1f}x (goal <= 2x)")
        print(
            f"floor: writing the {len(revenue)} records alone (one INSERT ... SELECT"
            f" of the same rows) {best_floor:.2f} s = {best_floor / best_sql:.1f}x"
            f" the SQL; computing them {max(best_ours - best_floor, 0):.2f} s"
            f" = {max(best_ours - best_floor, 0) / best_sql:.1f}x"
        )
        os.system("uptime")  # noqa: S605, S607 - the machine's load, for the README
        if not args.no_xlsx:
            measure_xlsx(env)


if __name__ == "__main__":
    main()
