#!/usr/bin/env python3
# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Drip campaign benchmark: our campaign job against Odoo's own mass mailing.

Creates (with SQL, generate_series) 20,000 contacts (``res.partner``: name,
email, email_normalized, lang, active...), then, in one run on one database:

* ours: a running ``crm.drip.campaign`` on the contacts with one email step
  (trigger 'begin', no delay) sending a ``mail.template`` (default recipients,
  ``lang`` = ``{{ object.lang }}``, a short body with one link). The
  enrolment (``campaign.action_start()``: participants and first steps) is
  timed on its own; then ``crm.drip.trace._cron_process(batch_size=500,
  max_batches=1000)`` generates the 20,000 ``mail.mail`` (the job as the cron
  runs it: each batch of 500 claimed and committed, processed and committed);
* Odoo: a ``mailing.mailing`` on the same contacts (same domain, subject and
  body) sent with ``mailing._action_send_mail()``, as the mass mailing queue
  does (the composer commits after every ``mail.batch_size`` emails, 50 by
  default).

The mail queue is never run: no SMTP, only the generation of the emails is
timed. Before the timed phases an untimed warm-up runs both sides on 50 other
contacts (templates compiled, caches filled); each side's emails are counted,
then deleted, and the tables vacuumed before the next side. While a side runs,
another connection ANALYZEs the tables the sides fill every 10 seconds
(``--analyze-every``), as autovacuum does in production (it is off on some
development servers: planned on the statistics of empty tables, both sides
turn quadratic in PostgreSQL).

Prints the count, seconds (wall, and CPU of this process) and mails/s of each
side, the ratio of the rates ours/Odoo (goal >= 0.9x) and a sanity check: each
side made exactly one ``mail.mail`` and one ``mailing.trace`` per contact (ours
stamped with its drip trace), and every drip trace is done. ``--rounds N``
repeats both sides (ours first, then Odoo first...) and keeps the best of
each. What the run created is deleted at the end (``--keep`` leaves the
contacts, campaigns and mailings).

Run it with ``scripts/bench.sh drip`` (database ``crm_suite_bench``);
``--count 2000`` for a quick run, ``--profile`` to see where each side spends
its time (cProfile).
"""

import argparse
import cProfile
import io
import pstats
import subprocess
import threading
import time

from benchlib import odoo_env, vacuum

PREFIX = "Bench drip "
RECIPIENT = PREFIX + "contact "
WARMUP = PREFIX + "warmup "
SUBJECT = "Our autumn offer"
BODY = (
    "<p>Hello,</p>"
    "<p>Our autumn offer is out: "
    '<a href="https://www.example.com/offers/autumn">see what is new</a>.</p>'
    "<p>The team</p>"
)
TABLES = (
    "res_partner",
    "mail_mail",
    "mail_message",
    "mailing_trace",
    "crm_drip_trace",
    "crm_drip_participant",
    "crm_score_event",
    "mail_mail_res_partner_rel",
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="crm_suite_bench")
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500, help="our job's batch size")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument(
        "--analyze-every",
        type=float,
        default=10,
        metavar="SECONDS",
        help="ANALYZE the tables the sides fill this often while they run (what"
        " autovacuum does in production; 0: never)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="repeat both sides (ours first, then Odoo first, ...) and keep the"
        " best of each",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile our job (and Odoo's send) and print where time goes",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the contacts, campaigns and mailings of the run (its emails are"
        " deleted once counted: nobody sends them)",
    )
    return parser.parse_args()


# ------------------------------------------------------------
# Data
# ------------------------------------------------------------


def bench_mailing_ids(cr):
    cr.execute(
        """
        SELECT m.id FROM mailing_mailing m
          JOIN utm_source us ON us.id = m.source_id
         WHERE us.name LIKE %(prefix)s
            OR m.crm_drip_step_id IN (
               SELECT s.id FROM crm_drip_step s
                 JOIN crm_drip_campaign c ON c.id = s.campaign_id
                WHERE c.name->>'en_US' LIKE %(prefix)s)
        """,
        {"prefix": PREFIX + "%"},
    )
    return [row[0] for row in cr.fetchall()]


def delete_emails(cr, mailing_ids):
    """The emails of these mailings, their messages and traces (SQL: tens of
    thousands of rows)."""
    if not mailing_ids:
        return
    cr.execute(
        "DELETE FROM mailing_trace WHERE mass_mailing_id = ANY(%s)", [mailing_ids]
    )
    cr.execute(
        "SELECT mail_message_id FROM mail_mail WHERE mailing_id = ANY(%s)",
        [mailing_ids],
    )
    message_ids = [row[0] for row in cr.fetchall()]
    cr.execute("DELETE FROM mail_mail WHERE mailing_id = ANY(%s)", [mailing_ids])
    cr.execute("DELETE FROM mail_message WHERE id = ANY(%s)", [message_ids])


def cleanup(env):
    """Everything an earlier run left (campaigns, mailings, emails, contacts)."""
    cr = env.cr
    env.flush_all()
    mailing_ids = bench_mailing_ids(cr)
    delete_emails(cr, mailing_ids)
    cr.execute(
        "DELETE FROM link_tracker WHERE mass_mailing_id = ANY(%s)", [mailing_ids]
    )
    cr.execute("SELECT id FROM res_partner WHERE name LIKE %s", [PREFIX + "%"])
    partner_ids = [row[0] for row in cr.fetchall()]
    cr.execute("DELETE FROM crm_score_event WHERE partner_id = ANY(%s)", [partner_ids])
    cr.execute(
        "DELETE FROM crm_drip_participant WHERE campaign_id IN ("
        "SELECT id FROM crm_drip_campaign WHERE name->>'en_US' LIKE %s)",
        [PREFIX + "%"],
    )
    env.invalidate_all()
    campaigns = (
        env["crm.drip.campaign"]
        .with_context(active_test=False)
        .search([("name", "=like", PREFIX + "%")])
    )
    campaigns.write({"state": "stopped"})
    utm_campaigns = campaigns.utm_campaign_id
    campaigns.unlink()
    env["mailing.mailing"].with_context(active_test=False).browse(
        mailing_ids
    ).exists().unlink()
    env["mail.template"].with_context(active_test=False).search(
        [("name", "=like", PREFIX + "%")]
    ).unlink()
    utm_campaigns.exists().unlink()
    env["utm.source"].search([("name", "=like", PREFIX + "%")]).unlink()
    env.flush_all()
    cr.execute("DELETE FROM res_partner WHERE id = ANY(%s)", [partner_ids])
    env.invalidate_all()


def create_contacts(env, prefix, count):
    """``count`` contacts, set-based; every column Odoo expects of a contact
    created by the ORM (computed stored ones included)."""
    cr = env.cr
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, active, type, is_company,
            partner_share, employee, color, message_bounce, email,
            email_normalized, lang, company_id, create_uid, write_uid,
            create_date, write_date)
        SELECT %(prefix)s || g, %(prefix)s || g, TRUE, 'contact', FALSE,
               TRUE, FALSE, 0, 0,
               %(local)s || g || '@example.com', %(local)s || g || '@example.com',
               'en_US', NULL, %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(n)s) g
        """,
        {
            "prefix": prefix,
            "local": prefix.strip().replace(" ", ".").lower() + ".",
            "uid": env.uid,
            "n": count,
        },
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE name LIKE %s",
        [prefix + "%"],
    )


def domain_of(prefix):
    return repr([("name", "=like", prefix + "%")])


# ------------------------------------------------------------
# The two sides
# ------------------------------------------------------------


def make_campaign(env, name, prefix):
    from odoo import Command

    model = env["ir.model"]._get("res.partner")
    template = env["mail.template"].create(
        {
            "name": name,
            "model_id": model.id,
            "subject": SUBJECT,
            "body_html": BODY,
            "email_from": env.user.email_formatted,
            "use_default_to": True,
            "lang": "{{ object.lang }}",
            "auto_delete": True,
        }
    )
    return env["crm.drip.campaign"].create(
        {
            "name": name,
            "model_id": model.id,
            "domain": domain_of(prefix),
            "send_tz": "UTC",
            "step_ids": [
                Command.create(
                    {
                        "name": "Welcome",
                        "trigger": "begin",
                        "action_type": "email",
                        "delay_number": 0,
                        "mail_template_id": template.id,
                    }
                )
            ],
        }
    )


def make_mailing(env, name, prefix):
    return env["mailing.mailing"].create(
        {
            "name": name,
            "subject": SUBJECT,
            "body_html": BODY,
            "mailing_type": "mail",
            "mailing_model_id": env["ir.model"]._get("res.partner").id,
            "mailing_domain": domain_of(prefix),
        }
    )


class Analyzer:
    """Stands in for autovacuum (off on some development servers) while a
    side runs: ANALYZE of the tables both sides fill, every ``interval``
    seconds, from another connection. Without it the statistics of the
    emptied tables stay those of an empty table for the whole run, and every
    foreign key check on ``mail_mail`` (a plan cached by PostgreSQL until
    the table is analyzed) scans the table: both sides turn quadratic."""

    def __init__(self, db, interval):
        self.db, self.interval = db, interval
        self.stop = threading.Event()
        self.thread = None

    def run(self):
        while not self.stop.wait(self.interval):
            subprocess.run(
                [
                    "psql",
                    "-X",
                    "-q",
                    "-d",
                    self.db,
                    "-c",
                    "ANALYZE " + ", ".join(TABLES),
                ],
                check=False,
            )

    def __enter__(self):
        if self.interval > 0:
            self.thread = threading.Thread(target=self.run, daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        if self.thread:
            self.thread.join()


class Timer:
    """Wall and CPU (this process: Python and the ORM, not PostgreSQL) time of
    a block, optionally profiled; the block runs with the autovacuum
    stand-in."""

    def __init__(self, profile=False, db=None, analyze_every=0):
        self.profiler = cProfile.Profile() if profile else None
        self.wall = self.cpu = 0.0
        self.analyzer = Analyzer(db, analyze_every)

    def __enter__(self):
        self.analyzer.__enter__()
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        if self.profiler:
            self.profiler.enable()
        return self

    def __exit__(self, *exc):
        if self.profiler:
            self.profiler.disable()
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu
        self.analyzer.__exit__(*exc)


def run_ours(env, campaign, args, profile=False):
    """Enrol (timed on its own), then run the campaign job as the cron does
    (it commits each claim and each batch). Returns both timers and the
    number of steps the job ran."""
    batch = args.batch
    with Timer(db=args.db, analyze_every=args.analyze_every) as enrolment:
        campaign.action_start()
        env.cr.commit()
    with Timer(profile, args.db, args.analyze_every) as job:
        done = env["crm.drip.trace"]._cron_process(batch_size=batch, max_batches=1000)
        env.cr.commit()
    return enrolment, job, done


def run_odoo(env, mailing, args, profile=False):
    """Odoo's send (the composer commits every ``mail.batch_size`` emails)."""
    with Timer(profile, args.db, args.analyze_every) as send:
        mailing._action_send_mail()
        env.cr.commit()
    return send


def counts(env, mailing_id, campaign_id=None):
    cr = env.cr
    env.flush_all()
    cr.execute("SELECT count(*) FROM mail_mail WHERE mailing_id = %s", [mailing_id])
    mails = cr.fetchone()[0]
    cr.execute(
        "SELECT count(*), count(DISTINCT res_id) FROM mailing_trace"
        " WHERE mass_mailing_id = %s",
        [mailing_id],
    )
    traces, distinct = cr.fetchone()
    result = {"mail.mail": mails, "mailing.trace": traces, "distinct res_id": distinct}
    if campaign_id:
        cr.execute(
            "SELECT count(*), count(*) FILTER (WHERE state = 'done')"
            " FROM crm_drip_trace WHERE campaign_id = %s",
            [campaign_id],
        )
        total, done = cr.fetchone()
        cr.execute(
            "SELECT count(*) FROM mailing_trace WHERE mass_mailing_id = %s"
            " AND crm_drip_trace_id IS NOT NULL",
            [mailing_id],
        )
        result.update(
            {
                "crm.drip.trace": total,
                "crm.drip.trace done": done,
                "mailing.trace stamped": cr.fetchone()[0],
            }
        )
    return result


def print_profile(label, profiler, limit=40):
    for sort in ("cumulative", "tottime"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(sort).print_stats(limit)
        print(f"\n--- profile {label}, by {sort} ---")
        print("\n".join(out.getvalue().splitlines()[: limit + 12]))


def check(label, result, expected):
    wrong = {key: value for key, value in result.items() if value != expected}
    status = "OK" if not wrong else f"WRONG {wrong}"
    print(f"  {label}: {result} -> {status}")
    return not wrong


def ours_round(env, args, index):
    campaign = make_campaign(env, f"{PREFIX}campaign {index}", RECIPIENT)
    env.cr.commit()
    vacuum(args.db, TABLES)
    print(f"  round {index}, ours (enrolment, then the campaign job)...", flush=True)
    enrolment, job, done = run_ours(env, campaign, args, args.profile)
    step_mailing = campaign.step_ids.mailing_id
    result = counts(env, step_mailing.id, campaign.id)
    print(
        f"    enrolment {enrolment.wall:.2f} s, job {job.wall:.2f} s"
        f" (CPU {job.cpu:.2f} s), {result['mail.mail'] / job.wall:.0f} mails/s",
        flush=True,
    )
    delete_emails(env.cr, [step_mailing.id])
    env.cr.commit()
    return {"enrolment": enrolment, "job": job, "done": done, "counts": result}


def odoo_round(env, args, index):
    mailing = make_mailing(env, f"{PREFIX}mailing {index}", RECIPIENT)
    env.cr.commit()
    vacuum(args.db, TABLES)
    print(f"  round {index}, Odoo (mailing._action_send_mail)...", flush=True)
    send = run_odoo(env, mailing, args, args.profile)
    result = counts(env, mailing.id)
    print(
        f"    send {send.wall:.2f} s (CPU {send.cpu:.2f} s),"
        f" {result['mail.mail'] / send.wall:.0f} mails/s",
        flush=True,
    )
    delete_emails(env.cr, [mailing.id])
    env.cr.commit()
    return {"job": send, "counts": result}


def main():
    args = parse_args()
    with odoo_env(args.db) as env:
        cr = env.cr
        cleanup(env)
        cr.commit()
        print(f"Generating {args.count} contacts...", flush=True)
        create_contacts(env, RECIPIENT, args.count)
        create_contacts(env, WARMUP, args.warmup)
        cr.commit()

        # warm-up, untimed: both sides on other contacts
        print(f"Warm-up on {args.warmup} other contacts...", flush=True)
        warm_campaign = make_campaign(env, PREFIX + "warm-up campaign", WARMUP)
        warm_mailing = make_mailing(env, PREFIX + "warm-up mailing", WARMUP)
        cr.commit()
        run_ours(env, warm_campaign, args)
        run_odoo(env, warm_mailing, args)
        for label, result in (
            ("ours", counts(env, warm_campaign.step_ids.mailing_id.id)),
            ("Odoo", counts(env, warm_mailing.id)),
        ):
            if result["mail.mail"] != args.warmup:
                print(f"  warm-up {label} made {result}", flush=True)
        delete_emails(cr, [warm_campaign.step_ids.mailing_id.id, warm_mailing.id])
        cr.commit()

        # rounds: ours then Odoo, Odoo then ours, ...; the best of each counts
        ours_runs, odoo_runs = [], []
        for index in range(1, args.rounds + 1):
            if index % 2:
                ours_runs.append(ours_round(env, args, index))
                odoo_runs.append(odoo_round(env, args, index))
            else:
                odoo_runs.append(odoo_round(env, args, index))
                ours_runs.append(ours_round(env, args, index))
        ours = min(ours_runs, key=lambda run: run["job"].wall)
        odoo = min(odoo_runs, key=lambda run: run["job"].wall)
        if not args.keep:
            cleanup(env)
            cr.commit()

        ours_mails, odoo_mails = (
            ours["counts"]["mail.mail"],
            odoo["counts"]["mail.mail"],
        )
        ours_rate = ours_mails / ours["job"].wall
        odoo_rate = odoo_mails / odoo["job"].wall
        enrolment = min(run["enrolment"].wall for run in ours_runs)
        best = "" if args.rounds == 1 else f" (best of {args.rounds})"
        print()
        print(f"{args.count} contacts, one email each{best}:")
        print(
            f"ours:  enrolment {enrolment:.2f} s; job: {ours['done']} steps,"
            f" {ours_mails} emails in {ours['job'].wall:.2f} s"
            f" (CPU {ours['job'].cpu:.2f} s), {ours_rate:.0f} mails/s"
        )
        print(
            f"Odoo:  {odoo_mails} emails in {odoo['job'].wall:.2f} s"
            f" (CPU {odoo['job'].cpu:.2f} s), {odoo_rate:.0f} mails/s"
        )
        with_enrolment = ours_mails / (ours["job"].wall + enrolment)
        print(f"ratio ours/Odoo (mails/s): {ours_rate / odoo_rate:.2f}x (goal >= 0.9x)")
        print(
            f"ratio ours with enrolment/Odoo: {with_enrolment / odoo_rate:.2f}x"
            f" ({with_enrolment:.0f} mails/s)"
        )
        print("sanity (every round):")
        ok = True
        for index, (ours_run, odoo_run) in enumerate(
            zip(ours_runs, odoo_runs, strict=False), 1
        ):
            ok = check(f"round {index} ours", ours_run["counts"], args.count) and ok
            ok = check(f"round {index} Odoo", odoo_run["counts"], args.count) and ok
        print("sanity " + ("OK" if ok else "FAILED"))
        if args.profile:
            print_profile("ours (_cron_process)", ours["job"].profiler)
            print_profile("Odoo (_action_send_mail)", odoo["job"].profiler)


if __name__ == "__main__":
    main()
