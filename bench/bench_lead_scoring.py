#!/usr/bin/env python3
# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lead scoring benchmark: our full rescore against Odoo's own predictive update.

Builds (with SQL, generate_series) 100,000 leads in 3 sales teams, 30% of them
won or lost since ``crm.pls_start_date`` (so Odoo's naive Bayes has history in
every team), 20,000 contacts, 20 rules (10 fit, 10 engagement) and about
200,000 engagement events, then times in one run:

* ours: the full recompute (``_score_recompute_pending``) of every open lead,
  from no score line at all (the first run after the rules are created);
* Odoo: ``crm.lead._update_automated_probabilities()`` on the same leads
  (our own sync after it is switched off, so this is Odoo's code alone);
* ours again, with lines already in place (the daily job's usual case).

Prints how many leads each arm updated, both times and the ratio. Run it with
``scripts/bench.sh lead_scoring`` (it creates the database ``crm_suite_bench``
with crm_suite and no demo data once; ``--rebuild`` regenerates the data).
"""

import argparse
import time
from datetime import date, datetime, timedelta

from benchlib import odoo_env, vacuum


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="crm_suite_bench")
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--partners", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="drop the generated data and make it anew",
    )
    return parser.parse_args()


def generate(env, args):
    """Teams, history, contacts, leads, rules and events, set-based."""
    cr = env.cr
    cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'Bench lead %%'")
    if cr.fetchone()[0] and not args.rebuild:
        return False
    print("Generating data...", flush=True)
    cr.execute("DELETE FROM crm_lead_score_line")
    cr.execute("DELETE FROM crm_score_event")
    cr.execute("DELETE FROM crm_lead WHERE name LIKE 'Bench lead %%'")
    cr.execute("DELETE FROM res_partner WHERE name LIKE 'Bench contact %%'")
    env["crm.score.rule"].with_context(active_test=False).search([]).unlink()
    env.invalidate_all()
    company = env.ref("base.main_company")
    teams = env["crm.team"].search([("name", "like", "Bench team %")])
    if not teams:
        teams = env["crm.team"].create(
            [{"name": f"Bench team {i}", "company_id": company.id} for i in range(3)]
        )
    stages = env["crm.stage"].search([("team_id", "=", False)], order="sequence, id")
    open_stages = stages.filtered(lambda s: not s.is_won)
    won_stage = stages.filtered("is_won")[:1]
    countries = env["res.country"].search([], limit=20).ids
    user = env.ref("base.user_admin")
    params = env["ir.config_parameter"].sudo()
    params.set_param("crm.pls_start_date", "2020-01-01")
    params.set_param("crm.pls_fields", "phone_state,email_state,country_id")
    env.flush_all()

    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, active, type, is_company,
            country_id, email, company_id, create_date, write_date, lang)
        SELECT 'Bench contact ' || g, 'Bench contact ' || g, TRUE, 'contact',
               g %% 3 = 0, (%(countries)s)[1 + g %% cardinality(%(countries)s)],
               'contact' || g || '@example.com', %(company)s, now(), now(), 'en_US'
        FROM generate_series(1, %(n)s) g
        """,
        {"countries": countries, "company": company.id, "n": args.partners},
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id"
        " WHERE name LIKE 'Bench contact %%'"
    )
    cr.execute("SELECT min(id) FROM res_partner WHERE name LIKE 'Bench contact %%'")
    first_partner = cr.fetchone()[0]
    # 70% open (spread over the open stages), 15% won, 15% lost.
    cr.execute(
        """
        INSERT INTO crm_lead (name, type, active, team_id, stage_id, user_id,
            partner_id, country_id, email_from, email_state, phone, phone_state,
            expected_revenue, priority, probability, automated_probability,
            company_id, create_date, write_date, date_open, date_last_stage_update,
            create_uid, write_uid)
        SELECT 'Bench lead ' || g, 'opportunity',
               (g %% 100) < 85,
               (%(teams)s)[1 + g %% cardinality(%(teams)s)],
               CASE WHEN (g %% 100) BETWEEN 70 AND 84 THEN %(won)s
                    ELSE (%(open)s)[1 + g %% cardinality(%(open)s)] END,
               %(user)s,
               %(first_partner)s + g %% %(partners)s,
               (%(countries)s)[1 + (g / 7) %% cardinality(%(countries)s)],
               'lead' || g || '@example.com',
               CASE WHEN g %% 5 = 0 THEN 'incorrect' ELSE 'correct' END,
               CASE WHEN g %% 4 = 0 THEN NULL ELSE '+3225550' || g END,
               CASE WHEN g %% 4 = 0 THEN NULL ELSE 'correct' END,
               (g %% 50) * 1000, (g %% 4)::text,
               CASE WHEN (g %% 100) BETWEEN 70 AND 84 THEN 100
                    WHEN (g %% 100) >= 85 THEN 0 ELSE 10 + g %% 80 END,
               CASE WHEN (g %% 100) BETWEEN 70 AND 84 THEN 100
                    WHEN (g %% 100) >= 85 THEN 0 ELSE 10 + g %% 80 END,
               %(company)s,
               timestamp '2024-01-01' + (g %% 600) * interval '1 day',
               now(), now(), now(), %(user)s, %(user)s
        FROM generate_series(1, %(n)s) g
        """,
        {
            "teams": teams.ids,
            "won": won_stage.id,
            "open": open_stages.ids,
            "user": user.id,
            "first_partner": first_partner,
            "partners": args.partners,
            "countries": countries,
            "company": company.id,
            "n": args.leads,
        },
    )
    env.invalidate_all()
    fit = [
        ("Europe", [("country_id", "in", countries[:8])], 20),
        ("Big deal", [("expected_revenue", ">=", 25000)], 25),
        ("Valid email", [("email_state", "=", "correct")], 10),
        ("Phone known", [("phone_state", "=", "correct")], 10),
        ("Company", [("partner_id.is_company", "=", True)], 15),
        ("High priority", [("priority", "in", ["2", "3"])], 10),
        ("First team", [("team_id", "=", teams[0].id)], 5),
        ("Bad email", [("email_state", "=", "incorrect")], -20),
        ("Contact country", [("partner_id.country_id", "in", countries[:4])], 10),
        ("Small deal", [("expected_revenue", "<", 3000)], -10),
    ]
    engagement = [
        ("Opened", "email_opened", 5, 20, True, 30),
        ("Clicked", "email_clicked", 10, 30, True, 30),
        ("Replied", "email_replied", 25, 0, False, 60),
        ("Activity", "activity_done", 15, 45, True, 45),
        ("Ticket", "ticket_opened", -5, 15, True, 90),
        ("Drip", "drip_step_done", 3, 12, True, 14),
        ("Opened (first)", "email_opened", 2, 0, False, 0),
        ("Clicked, team 1", "email_clicked", 5, 10, True, 7),
        ("Replied, fast", "email_replied", 10, 0, True, 3),
        ("Activity (first)", "activity_done", 5, 0, False, 0),
    ]
    # Rules are created before the events and leads are scored: the rescore is
    # what the benchmark times, so skip the synchronous one on save.
    Rule = env["crm.score.rule"].with_context(crm_suite_score_skip=True)
    for name, domain, points in fit:
        Rule.create({"name": name, "domain": str(domain), "points": points})
    for name, event, points, cap, repeatable, decay in engagement:
        Rule.create(
            {
                "name": name,
                "rule_type": "engagement",
                "event_type": event,
                "points": points,
                "max_points": cap,
                "repeatable": repeatable,
                "decay_days": decay,
                "team_ids": [(6, 0, teams[:1].ids)] if "team 1" in name else [],
            }
        )
    env.flush_all()
    cr.execute("SELECT min(id) FROM crm_lead WHERE name LIKE 'Bench lead %%'")
    first_lead = cr.fetchone()[0]
    events = [
        "email_opened",
        "email_clicked",
        "email_replied",
        "activity_done",
        "ticket_opened",
        "drip_step_done",
    ]
    cr.execute(
        """
        INSERT INTO crm_score_event (event_type, date, lead_id, partner_id, res_model,
            res_id, company_id, create_date, write_date)
        SELECT (%(events)s)[1 + g %% cardinality(%(events)s)],
               now() - (g %% 120) * interval '1 day',
               CASE WHEN g %% 6 <> 0 THEN %(first_lead)s + (g * 7) %% %(leads)s END,
               CASE WHEN g %% 6 = 0 THEN %(first_partner)s + g %% %(partners)s END,
               'mailing.trace', g, %(company)s, now(), now()
        FROM generate_series(1, %(n)s) g
        """,
        {
            "events": events,
            "first_lead": first_lead,
            "leads": args.leads,
            "first_partner": first_partner,
            "partners": args.partners,
            "company": company.id,
            "n": args.events,
        },
    )
    env["crm.lead"]._rebuild_pls_frequency_table()
    cr.execute("ANALYZE")
    cr.commit()
    return True


def timed(label, func):
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    print(f"  {label}: {elapsed:.2f} s", flush=True)
    return elapsed, result


def main():
    args = parse_args()
    with odoo_env(args.db) as env:
        cr = env.cr
        generate(env, args)
        cr.commit()
        Lead = env["crm.lead"]
        cr.execute("DELETE FROM crm_lead_score_line")
        cr.execute(
            "UPDATE crm_lead SET score = 0, score_fit = 0,"
            " score_predictive = 0, score_band = 'cold'"
        )
        cr.execute("ANALYZE crm_lead")
        cr.commit()
        env.invalidate_all()
        cr.execute(
            "SELECT count(*) FROM crm_lead l WHERE l.active AND NOT EXISTS ("
            "SELECT 1 FROM crm_stage s WHERE s.id = l.stage_id AND s.is_won)"
        )
        open_leads = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM crm_score_rule WHERE active")
        rules = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM crm_score_event")
        events = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM crm_lead")
        total = cr.fetchone()[0]
        print(
            f"Data: {total} leads ({open_leads} open), {rules} rules, {events} events",
            flush=True,
        )

        print("Timing (each arm commits its own work):", flush=True)
        vacuum(args.db, ("crm_lead", "crm_lead_score_line", "crm_score_event"))
        ours, (ours_done, __) = timed(
            "ours, rebuild (every line created)",
            lambda: Lead._score_recompute_pending(
                f"bench-first-{datetime.now()}", commit=True
            ),
        )
        cr.execute("SELECT count(*) FROM crm_lead_score_line")
        lines = cr.fetchone()[0]
        pending = Lead.search_count(
            [
                ("stage_id", "!=", False),
                ("create_date", ">=", "2020-01-01"),
                "|",
                ("probability", "=", False),
                "&",
                ("probability", "<", 100),
                ("probability", ">", 0),
            ]
        )
        cr.commit()
        vacuum(args.db, ("crm_lead", "crm_lead_score_line", "crm_score_event"))
        odoo_time, __ = timed(
            "Odoo, _update_automated_probabilities",
            lambda: Lead.with_context(
                crm_suite_no_score_sync=True
            )._update_automated_probabilities(),
        )
        cr.commit()
        vacuum(args.db, ("crm_lead", "crm_lead_score_line", "crm_score_event"))
        start_daily = datetime.now()
        # The next day's job: lines are in place, engagement points fade.
        tomorrow = date.today() + timedelta(days=1)
        warm, (warm_done, __) = timed(
            "ours, full rescore (next day's job)",
            lambda: Lead.with_context(
                crm_suite_score_today=tomorrow
            )._score_recompute_pending(
                f"bench-daily-{datetime.now()}", rebuild=False, commit=True
            ),
        )
        print()
        print(f"Odoo:  {pending} leads updated, {odoo_time:.2f} s")
        cr.execute(
            "SELECT count(*) FROM crm_lead WHERE score_date >= %s", [start_daily]
        )
        print(
            f"ours (next day's job): {warm_done} leads rescored,"
            f" {cr.fetchone()[0]} changed, {warm:.2f} s"
        )
        print(
            f"ours (rebuild after a rule change): {ours_done} leads rescored,"
            f" {lines} score lines created, {ours:.2f} s"
        )
        print(f"ratio ours (full rescore)/Odoo: {warm / odoo_time:.2f}x (goal <= 1.0x)")
        print(f"ratio ours (rebuild)/Odoo: {ours / odoo_time:.2f}x")


if __name__ == "__main__":
    main()
