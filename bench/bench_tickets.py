#!/usr/bin/env python3
# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Ticket creation benchmark: the cost of SLA policies on ``crm.ticket.create``.

Sets up once (committed, reused): 3 ticket teams (two on the company's
standard calendar, one on a copy of it in New York time), public holidays on
both calendars (``resource.calendar.leaves`` without resource), 200 customers
(SQL, generate_series; a quarter of them "gold"), 3 types, 5 tags and three
SLA policies:

* every team: first response 8 h, resolution 40 h;
* priority High or more: 4 h / 16 h, paused while waiting on the customer;
* type "Bench type 0" for gold customers (a customer filter): 2 h / 8 h.

Then creates the same 10,000 tickets (random team, customer, priority, type,
tags and channel; fixed seed) in batches of 500 with
``env['crm.ticket'].create(vals_list)``, twice:

* A: the three policies active (2 to 6 SLA statuses per ticket);
* B: every SLA policy archived (Odoo's create with our numbering, assignment,
  followers and acknowledgement email only).

Each run is its own transaction, rolled back, on a vacuumed database, after an
untimed warm-up batch. Only the ``create`` calls (and the flush that follows
each) are timed. The acknowledgement email stays on (rendered and queued for
every ticket, as in production); ``--no-ack`` leaves it out of both runs.
Prints both times, tickets/s and the ratio A/B (goal <= 1.5x); ``--profile``
adds where the time of each run goes (cProfile, cumulative).

Run it with ``scripts/bench.sh tickets`` (database ``crm_suite_bench``).
"""

import argparse
import cProfile
import io
import pstats
import random
import time
from datetime import datetime, timedelta
from datetime import time as dtime

from benchlib import odoo_env, vacuum

TEAM_PREFIX = "Bench ticket team "
CUSTOMER_PREFIX = "Bench customer "
SLA_PREFIX = "Bench SLA "


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="crm_suite_bench")
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="repeat A and B (in the order A B, B A, ...) and keep the best of each",
    )
    parser.add_argument(
        "--no-ack",
        action="store_true",
        help="no acknowledgement email (context crm_ticket_no_ack) in either run",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the timed creates of each run and print where time goes",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="drop the generated teams, customers and policies and make them anew",
    )
    return parser.parse_args()


# ------------------------------------------------------------
# Data, created once
# ------------------------------------------------------------


def generate(env, args):
    """Teams, calendars, holidays, customers, types, tags and SLA policies."""
    from odoo import Command

    cr = env.cr
    Team = env["crm.ticket.team"].with_context(active_test=False)
    teams = Team.search([("name", "=like", TEAM_PREFIX + "%")], order="name")
    if teams and not args.rebuild:
        return
    print("Generating data...", flush=True)
    if teams:
        env["crm.ticket"].with_context(active_test=False).search(
            [("team_id", "in", teams.ids)]
        ).unlink()
        env["crm.ticket.sla"].with_context(active_test=False).search(
            [("name", "=like", SLA_PREFIX + "%")]
        ).unlink()
        teams.unlink()
        cr.execute(
            "DELETE FROM res_partner WHERE name LIKE %s", [CUSTOMER_PREFIX + "%"]
        )
        env["resource.calendar.leaves"].search(
            [("name", "=like", "Bench holiday%")]
        ).unlink()
        env.invalidate_all()
    company = env.ref("base.main_company")
    standard = company.resource_calendar_id
    new_york = env["resource.calendar"].search(
        [("name", "=", "Bench New York hours")], limit=1
    ) or standard.copy({"name": "Bench New York hours", "tz": "America/New_York"})
    # public holidays: a day off every 9 days from two weeks back, on both
    # calendars, so that SLA deadlines of the coming weeks step over some
    today = datetime.combine(datetime.utcnow().date(), dtime.min)
    env["resource.calendar.leaves"].create(
        [
            {
                "name": f"Bench holiday {index}",
                "calendar_id": calendar.id,
                "resource_id": False,
                "company_id": company.id,
                "date_from": today + timedelta(days=day),
                "date_to": today + timedelta(days=day, hours=23, minutes=59),
            }
            for index, day in enumerate(range(-14, 120, 9))
            for calendar in (standard, new_york)
        ]
    )
    env["crm.ticket.team"].create(
        [
            {
                "name": f"{TEAM_PREFIX}{index}",
                "company_id": company.id,
                "resource_calendar_id": calendar.id,
            }
            for index, calendar in enumerate((standard, standard, new_york))
        ]
    )
    env.flush_all()
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, active, type, is_company,
            email, company_id, create_date, write_date, lang)
        SELECT %(prefix)s || g, %(prefix)s || g, TRUE, 'contact', FALSE,
               'customer' || g || CASE WHEN g %% 4 = 0 THEN '@gold.example.com'
                                       ELSE '@example.com' END,
               %(company)s, now(), now(), 'en_US'
        FROM generate_series(1, %(n)s) g
        """,
        {"prefix": CUSTOMER_PREFIX, "company": company.id, "n": args.customers},
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE name LIKE %s",
        [CUSTOMER_PREFIX + "%"],
    )
    env.invalidate_all()
    Type = env["crm.ticket.type"]
    types = Type.search([("name", "=like", "Bench type %")]) or Type.create(
        [{"name": f"Bench type {index}"} for index in range(3)]
    )
    Tag = env["crm.ticket.tag"]
    if not Tag.search_count([("name", "=like", "Bench tag %")]):
        Tag.create([{"name": f"Bench tag {index}"} for index in range(5)])
    teams = Team.search([("name", "=like", TEAM_PREFIX + "%")])
    waiting = env.ref("crm_suite.stage_waiting")
    env["crm.ticket.sla"].create(
        [
            {
                "name": f"{SLA_PREFIX}standard",
                "team_ids": [Command.set(teams.ids)],
                "response_hours": 8,
                "resolution_hours": 40,
            },
            {
                "name": f"{SLA_PREFIX}high priority",
                "priority": "2",
                "response_hours": 4,
                "resolution_hours": 16,
                "pause_stage_ids": [Command.link(waiting.id)],
            },
            {
                "name": f"{SLA_PREFIX}gold customers",
                "type_ids": [Command.link(types.sorted("name")[0].id)],
                "partner_domain": "[('email', '=ilike', '%@gold.example.com')]",
                "response_hours": 2,
                "resolution_hours": 8,
            },
        ]
    )
    env.flush_all()
    cr.commit()


def ticket_values(env, args):
    """The same tickets for every run (fixed seed)."""
    from odoo import Command

    rnd = random.Random(20260101)
    teams = env["crm.ticket.team"].search(
        [("name", "=like", TEAM_PREFIX + "%")], order="name"
    )
    customers = (
        env["res.partner"]
        .search([("name", "=like", CUSTOMER_PREFIX + "%")], order="id")
        .ids
    )
    types = env["crm.ticket.type"].search([("name", "=like", "Bench type %")]).ids
    tags = env["crm.ticket.tag"].search([("name", "=like", "Bench tag %")]).ids
    channels = ["email", "portal", "web_form", "phone", "api"]
    subjects = [
        "Printer out of toner",
        "Cannot log in",
        "The invoice PDF is empty",
        "Delivery is late",
        "Refund request",
        "The app crashes on start",
    ]
    vals_list = []
    for index in range(args.tickets):
        vals_list.append(
            {
                "name": f"{rnd.choice(subjects)} ({index})",
                "team_id": rnd.choice(teams.ids),
                "partner_id": rnd.choice(customers),
                "priority": rnd.choices("0123", weights=[50, 30, 15, 5])[0],
                "type_id": rnd.choice(types + [False]),
                "tag_ids": [Command.set(rnd.sample(tags, rnd.randint(0, 2)))],
                "channel": rnd.choice(channels),
                "description": f"<p>Bench ticket {index}: what happened.</p>",
            }
        )
    return vals_list


# ------------------------------------------------------------
# Runs
# ------------------------------------------------------------


def set_policies(env, active):
    """Run A: the bench policies only; run B: no policy at all."""
    Sla = env["crm.ticket.sla"].with_context(active_test=False)
    Sla.search([]).write({"active": False})
    if active:
        Sla.search([("name", "=like", SLA_PREFIX + "%")]).write({"active": True})
    env.flush_all()


def create_tickets(env, vals_list, batch, profiler=None):
    """Create the tickets batch by batch; return the seconds spent creating."""
    Ticket = env["crm.ticket"]
    elapsed = 0.0
    for start in range(0, len(vals_list), batch):
        chunk = [dict(vals) for vals in vals_list[start : start + batch]]
        if profiler:
            profiler.enable()
        begin = time.perf_counter()
        Ticket.create(chunk)
        env.flush_all()
        elapsed += time.perf_counter() - begin
        if profiler:
            profiler.disable()
        env.invalidate_all()
    return elapsed


def run(env, args, label, with_sla, vals_list):
    """One run in its own transaction, rolled back at the end."""
    cr = env.cr
    cr.rollback()
    env.invalidate_all()
    vacuum(args.db)
    set_policies(env, with_sla)
    profiler = cProfile.Profile() if args.profile else None
    elapsed = create_tickets(env, vals_list, args.batch, profiler)
    stats = {}
    for key, query in (
        ("tickets", "SELECT count(*) FROM crm_ticket"),
        ("statuses", "SELECT count(*) FROM crm_ticket_sla_status"),
        ("mails", "SELECT count(*) FROM mail_mail WHERE state = 'outgoing'"),
    ):
        cr.execute(query)
        stats[key] = cr.fetchone()[0]
    cr.rollback()
    env.invalidate_all()
    print(
        f"  {label}: {elapsed:.2f} s, {len(vals_list) / elapsed:.0f} tickets/s"
        f" ({stats['statuses']} SLA statuses, {stats['mails']} queued emails"
        f" in the database)",
        flush=True,
    )
    if profiler:
        print_profile(label, profiler)
    return elapsed


def print_profile(label, profiler):
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative").print_stats(30)
    stream.write("\n-- SLA and working time only --\n")
    stats.print_stats(r"crm_ticket_sla|working_time|resource_calendar|_match", 25)
    stream.write("\n-- what the SLA sync calls --\n")
    stats.print_callees(r"_sla_sync")
    print(f"\n==== profile of {label} ====")
    print(stream.getvalue())


def main():
    args = parse_args()
    context = {"crm_ticket_no_ack": True} if args.no_ack else {}
    with odoo_env(args.db, context) as env:
        cr = env.cr
        generate(env, args)
        vals_list = ticket_values(env, args)
        print(
            f"Data: {len(vals_list)} tickets in batches of {args.batch}, 3 teams,"
            f" {args.customers} customers, acknowledgement email"
            f" {'off' if args.no_ack else 'on'}",
            flush=True,
        )
        # warm-up (untimed): registry caches, compiled templates, first queries
        set_policies(env, True)
        create_tickets(env, vals_list[: args.batch], args.batch)
        cr.rollback()
        env.invalidate_all()

        print("Timing (each run rolled back):", flush=True)
        best = {"A": None, "B": None}
        for round_ in range(args.rounds):
            order = ("A", "B") if round_ % 2 == 0 else ("B", "A")
            for name in order:
                label = "A, three SLA policies" if name == "A" else "B, no SLA policy"
                elapsed = run(env, args, label, name == "A", vals_list)
                if best[name] is None or elapsed < best[name]:
                    best[name] = elapsed
        with_sla, without = best["A"], best["B"]
        print()
        print(
            f"A (3 SLA policies): {with_sla:.2f} s,"
            f" {len(vals_list) / with_sla:.0f} tickets/s"
        )
        print(
            f"B (no SLA policy):  {without:.2f} s,"
            f" {len(vals_list) / without:.0f} tickets/s"
        )
        print(f"ratio A/B: {with_sla / without:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main()
