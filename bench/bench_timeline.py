#!/usr/bin/env python3
# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customer timeline benchmark: the 360 screen's first page against plain SQL.

Sets up once (committed, reused), with SQL (generate_series): one customer
company and 3 contacts with 10,000 interactions (two leads, one of the
benchmark's salesperson and one of a colleague, carrying 3,500 and 1,500
emails and notes and 1,000 activities done; 1,500 notes and emails on the
partner itself; 1,000 tickets, half of them closed; 500 campaign emails sent
and opened), and 200 other customers with 100 messages each as the
rest of the database (20,000 messages), in a database of at least
``--partners`` partners (100,000: the sources' rules must not read them all).

Then times, after an untimed warm-up, best of ``--rounds`` (each with a cold
ORM cache):

* ours: ``crm.interaction.get_timeline(partner_id)`` as the 360 screen calls
  it (the first page, 80 items, the contacts' and users' names), as the
  salesperson restricted to their own leads (the access rules applied);
* baseline: ``SELECT ... FROM crm_interaction WHERE partner_id = %s ORDER BY
  date DESC LIMIT 80`` (the same view, no rights, no names), and a stricter
  one selecting the ids only;
* for the README's choice, the same plain query on a stored copy of the feed
  (a table with an index on ``(partner_id, date DESC)``), i.e. what a stored
  feed would read, and the cost of keeping such a table: inserting 10,000
  rows into it.

Prints the times, the ratio ours/baseline (goal <= 2x) and the queries of a
page. Run it with ``scripts/bench.sh timeline`` (installs crm_collab on the
bench database first).
"""

import argparse
import os
import time

from benchlib import odoo_env, vacuum

CUSTOMER = "Bench timeline customer"
OTHER_PREFIX = "Bench timeline other "
SALESPERSON = "bench_timeline_seller"
COLLEAGUE = "bench_timeline_colleague"
TABLES = ("mail_message", "crm_ticket", "mailing_trace", "res_partner", "crm_lead")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="crm_suite_bench")
    parser.add_argument("--rounds", type=int, default=20, help="best of N runs")
    parser.add_argument(
        "--partners",
        type=int,
        default=100_000,
        help="partners in the database at least (SQL, generate_series)",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="drop the generated data and make it anew",
    )
    return parser.parse_args()


# ------------------------------------------------------------
# Data, created once
# ------------------------------------------------------------


def generate(env, args):
    cr = env.cr
    Partner = env["res.partner"]
    customer = Partner.search([("name", "=", CUSTOMER)], limit=1)
    if customer and not args.rebuild:
        return customer
    print("Generating data...", flush=True)
    if customer:
        cr.execute(
            """DELETE FROM mail_message WHERE author_id IN (
                   SELECT id FROM res_partner WHERE commercial_partner_id = %(c)s
                   OR name LIKE %(o)s)
               OR (model = 'res.partner' AND res_id IN (SELECT id FROM res_partner
                   WHERE commercial_partner_id = %(c)s OR name LIKE %(o)s))""",
            {"c": customer.id, "o": OTHER_PREFIX + "%"},
        )
        env["crm.lead"].with_context(active_test=False).search(
            [("partner_id.commercial_partner_id", "=", customer.id)]
        ).unlink()
        env["crm.ticket"].with_context(active_test=False).search(
            [("commercial_partner_id", "=", customer.id)]
        ).unlink()
        cr.execute(
            "DELETE FROM res_partner WHERE commercial_partner_id = %s OR name LIKE %s",
            [customer.id, OTHER_PREFIX + "%"],
        )
        env.invalidate_all()
    users = env["res.users"].with_context(active_test=False)
    groups = [
        env.ref("base.group_user").id,
        env.ref("sales_team.group_sale_salesman").id,
        env.ref("crm_suite.group_crm_suite_user").id,
    ]
    for login in (SALESPERSON, COLLEAGUE):
        if not users.search([("login", "=", login)]):
            users.create({"name": login, "login": login, "groups_id": [(6, 0, groups)]})
    seller = users.search([("login", "=", SALESPERSON)])
    colleague = users.search([("login", "=", COLLEAGUE)])
    customer = Partner.create({"name": CUSTOMER, "is_company": True})
    contacts = Partner.create(
        [
            {
                "name": f"{CUSTOMER} contact {i}",
                "parent_id": customer.id,
                "email": f"contact{i}@timeline.example.com",
            }
            for i in range(3)
        ]
    )
    leads = env["crm.lead"].create(
        [
            {
                "name": "Bench lead (own)",
                "partner_id": contacts[0].id,
                "user_id": seller.id,
            },
            {
                "name": "Bench lead (colleague)",
                "partner_id": contacts[1].id,
                "user_id": colleague.id,
            },
        ]
    )
    team = env["crm.ticket.team"].search([], limit=1) or env["crm.ticket.team"].create(
        {"name": "Bench timeline team"}
    )
    stage_closed = env["crm.ticket.stage"].search([("is_closed", "=", True)], limit=1)
    stage_open = env["crm.ticket.stage"].search([("is_closed", "=", False)], limit=1)
    env.flush_all()
    note = env.ref("mail.mt_note").id
    comment = env.ref("mail.mt_comment").id
    call = env.ref("mail.mail_activity_data_call").id
    messages = """
        INSERT INTO mail_message (model, res_id, message_type, subtype_id,
            mail_activity_type_id, author_id, body, subject, date, create_uid,
            write_uid, create_date, write_date)
        SELECT %(model)s, %(res_id)s,
               CASE WHEN g %% 3 = 0 THEN 'email' ELSE 'comment' END,
               CASE WHEN g %% 3 = 1 THEN %(note)s ELSE %(comment)s END,
               CASE WHEN %(activities)s THEN %(call)s END,
               CASE WHEN g %% 3 = 0 THEN %(contact)s ELSE %(author)s END,
               '<p>Bench message ' || g || ': the customer asks about the offer,'
               || ' the delivery date and the discount.</p>', NULL,
               now() - (g || ' minutes')::interval * 7, %(uid)s, %(uid)s, now(), now()
        FROM generate_series(1, %(n)s) g
    """
    author = seller.partner_id.id
    for model, res_id, contact, count, activities in (
        ("crm.lead", leads[0].id, contacts[0].id, 3_500, False),
        ("crm.lead", leads[1].id, contacts[1].id, 1_500, False),
        ("crm.lead", leads[0].id, contacts[0].id, 1_000, True),
        ("res.partner", customer.id, contacts[2].id, 1_500, False),
    ):
        cr.execute(
            messages,
            {
                "model": model,
                "res_id": res_id,
                "note": note,
                "comment": comment,
                "activities": activities,
                "call": call,
                "contact": contact,
                "author": author,
                "uid": seller.id,
                "n": count,
            },
        )
    # 1,000 tickets (500 closed: 1,500 interactions), 500 traces sent and opened
    cr.execute(
        """INSERT INTO crm_ticket (number, name, partner_id, commercial_partner_id,
               team_id, stage_id, company_id, user_id, active, priority, channel,
               close_date, create_date, write_date, create_uid, write_uid)
           SELECT 'BTL-' || g, 'Bench ticket ' || g, %(contact)s, %(customer)s,
               %(team)s, CASE WHEN g %% 2 = 0 THEN %(closed)s ELSE %(open)s END,
               %(company)s, %(uid)s, TRUE, '1', 'email',
               CASE WHEN g %% 2 = 0 THEN now() - (g || ' hours')::interval END,
               now() - (g || ' hours')::interval - interval '3 days', now(), %(uid)s,
               %(uid)s
           FROM generate_series(1, 1000) g""",
        {
            "contact": contacts[2].id,
            "customer": customer.id,
            "team": team.id,
            "closed": stage_closed.id,
            "open": stage_open.id,
            "company": env.company.id,
            "uid": seller.id,
        },
    )
    cr.execute(
        """INSERT INTO mailing_trace (trace_type, model, res_id, email, trace_status,
               sent_datetime, open_datetime, create_date, write_date)
           SELECT 'mail', 'crm.lead', %(lead)s, 'contact0@timeline.example.com',
               'sent', now() - (g || ' hours')::interval,
               now() - (g || ' hours')::interval + interval '1 hour', now(), now()
           FROM generate_series(1, 500) g""",
        {"lead": leads[0].id},
    )
    # the rest of the database: 200 customers, 100 messages each
    others = Partner.create(
        [{"name": f"{OTHER_PREFIX}{i}", "is_company": True} for i in range(200)]
    )
    env.flush_all()
    cr.execute(
        """INSERT INTO mail_message (model, res_id, message_type, subtype_id, body,
               date, create_uid, write_uid, create_date, write_date)
           SELECT 'res.partner', other, 'comment', %(note)s, '<p>Other</p>',
               now() - (g || ' minutes')::interval, 1, 1, now(), now()
           FROM unnest(%(others)s) other, generate_series(1, 100) g""",
        {"others": others.ids, "note": note},
    )
    # a database of some size: the access rules must not read every partner
    cr.execute("SELECT count(*) FROM res_partner")
    missing = args.partners - cr.fetchone()[0]
    if missing > 0:
        cr.execute(
            """INSERT INTO res_partner (name, complete_name, type, autopost_bills,
                   active, company_id, is_company, create_date, write_date)
               SELECT %(prefix)s || 'bulk ' || g, %(prefix)s || 'bulk ' || g,
                   'contact', 'ask', TRUE, %(company)s, TRUE, now(), now()
               FROM generate_series(1, %(n)s) g""",
            {"prefix": OTHER_PREFIX, "company": env.company.id, "n": missing},
        )
        cr.execute(
            "UPDATE res_partner SET commercial_partner_id = id"
            " WHERE commercial_partner_id IS NULL"
        )
    env.invalidate_all()
    cr.commit()
    return customer


# ------------------------------------------------------------
# Runs
# ------------------------------------------------------------

BASELINE = """
    SELECT id, date, channel, direction, summary, res_model, res_id, contact_id,
           user_id
    FROM crm_interaction WHERE partner_id = %s ORDER BY date DESC, id DESC LIMIT 80
"""


IDS_ONLY = """
    SELECT id FROM crm_interaction WHERE partner_id = %s
    ORDER BY date DESC, id DESC LIMIT 80
"""


def best_of(rounds, function):
    best = None
    result = None
    for _round in range(rounds):
        begin = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - begin
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def main():
    args = parse_args()
    with odoo_env(args.db) as env:
        customer = generate(env, args)
        vacuum(args.db, TABLES)
        cr = env.cr
        seller = env["res.users"].search([("login", "=", SALESPERSON)])
        Interaction = env["crm.interaction"].with_user(seller)
        cr.execute(
            "SELECT count(*) FROM crm_interaction WHERE partner_id = %s", [customer.id]
        )
        total = cr.fetchone()[0]
        visible = Interaction.search_count([("partner_id", "=", customer.id)])
        cr.execute("SELECT count(*) FROM res_partner")
        partners = cr.fetchone()[0]
        print(
            f"Data: {total} interactions of one customer ({visible} readable by the"
            f" salesperson restricted to own leads), {partners} partners",
            flush=True,
        )

        def ours():
            env.invalidate_all()
            return Interaction.get_timeline(customer.id)

        def baseline():
            cr.execute(BASELINE, [customer.id])
            return cr.fetchall()

        def ids_only():
            cr.execute(IDS_ONLY, [customer.id])
            return cr.fetchall()

        # warm-up (untimed): registry caches, first plans
        ours()
        baseline()
        ids_only()
        queries_before = cr.sql_log_count
        page = ours()
        queries = cr.sql_log_count - queries_before
        ours_time, page = best_of(args.rounds, ours)
        base_time, rows = best_of(args.rounds, baseline)
        ids_time, _ids = best_of(args.rounds, ids_only)
        print(
            f"  ours: get_timeline, first page {ours_time * 1000:.1f} ms"
            f" ({len(page['items'])} items, {queries} queries)"
        )
        print(
            f"  baseline: plain SQL on the view {base_time * 1000:.1f} ms"
            f" ({len(rows)} rows)"
        )
        print(
            f"  stricter baseline: the same plain SQL, ids only (no column computed"
            f" for the rows it skips) {ids_time * 1000:.1f} ms"
        )

        # what a stored feed would read, and what keeping it would cost
        cr.execute("CREATE TEMP TABLE bench_feed AS SELECT * FROM crm_interaction")
        cr.execute("CREATE INDEX ON bench_feed (partner_id, date DESC, id DESC)")
        cr.execute("ANALYZE bench_feed")
        stored_sql = BASELINE.replace("crm_interaction", "bench_feed")

        def stored():
            cr.execute(stored_sql, [customer.id])
            return cr.fetchall()

        stored()
        stored_time, _rows = best_of(args.rounds, stored)
        cr.execute("CREATE TEMP TABLE bench_feed_copy (LIKE bench_feed INCLUDING ALL)")
        begin = time.perf_counter()
        cr.execute(
            "INSERT INTO bench_feed_copy"
            " SELECT * FROM bench_feed WHERE partner_id = %s",
            [customer.id],
        )
        insert_time = time.perf_counter() - begin
        cr.rollback()
        print(
            f"  stored feed (indexed table): plain SQL {stored_time * 1000:.2f} ms;"
            f" writing the customer's {total} rows into it {insert_time * 1000:.0f} ms"
        )
        print()
        print(f"ours: {ours_time * 1000:.1f} ms; SQL: {base_time * 1000:.1f} ms")
        print(f"ratio ours/SQL: {ours_time / base_time:.2f}x (goal <= 2x)")
        print(f"ratio ours/SQL ids only: {ours_time / ids_time:.2f}x")
        os.system("uptime")  # noqa: S605, S607 - the machine's load, for the README


if __name__ == "__main__":
    main()
