#!/usr/bin/env python3
# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Consent benchmark: the cost of crm_collab's email consent check against
Odoo's own blocklist check, where campaign email applies both.

Creates (with SQL, generate_series) 20,000 contacts (``res.partner``) with an
email consent each (a tenth withdrawn, a third granted, the rest unknown) and
blocklists a tenth of their addresses, then, in one run on one database, asks
the mass-mail composer which records to exclude, batch after batch of
``mail.batch_size`` (50) records as a real send does:

* Odoo: ``mail.compose.message._get_blacklist_record_ids`` on a composer
  without mailing (crm_collab adds nothing there: Odoo's blocklist check);
* ours: the same on a composer of a ``mailing.mailing`` (campaign email: the
  blocklist, then ``res.partner._crm_email_refusals``), in both modes of
  ``res.company.crm_require_email_consent``.

Prints each side's seconds and the ratio ours/Odoo (goal <= 2x: the check
must stay small next to rendering, about 6 ms an email, see bench_drip.py),
and a sanity check (the records excluded). Everything is rolled back.

Run it with ``scripts/bench.sh consent`` (installs crm_collab on the bench
database); ``--count 2000`` for a quick run.
"""

import argparse
import time

from benchlib import odoo_env

PREFIX = "Bench consent "


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="crm_suite_bench")
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="best of N")
    return parser.parse_args()


def create_contacts(env, count):
    cr = env.cr
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, active, type, is_company,
            partner_share, employee, color, message_bounce, email,
            email_normalized, lang, consent_email, consent_phone, consent_sms,
            consent_messaging, autopost_bills, create_uid, write_uid, create_date,
            write_date)
        SELECT %(prefix)s || g, %(prefix)s || g, TRUE, 'contact', FALSE, TRUE,
               FALSE, 0, 0, 'consent.' || g || '@example.com',
               'consent.' || g || '@example.com', 'en_US',
               CASE WHEN g %% 10 = 0 THEN 'withdrawn'
                    WHEN g %% 3 = 0 THEN 'granted' ELSE 'unknown' END,
               'unknown', 'unknown', 'unknown', 'ask', %(uid)s, %(uid)s, now(), now()
          FROM generate_series(1, %(n)s) g
        RETURNING id
        """,
        {"prefix": PREFIX, "uid": env.uid, "n": count},
    )
    ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [ids]
    )
    cr.execute(
        """
        INSERT INTO mail_blacklist (email, active, create_uid, write_uid,
            create_date, write_date)
        SELECT 'consent.' || g || '@example.com', TRUE, %(uid)s, %(uid)s, now(), now()
          FROM generate_series(7, %(n)s, 10) g
        """,
        {"uid": env.uid, "n": count},
    )
    return ids


def excluded(env, composer, ids, batch):
    """The records the composer excludes, batch by batch; (seconds, set)."""
    env.invalidate_all()
    start = time.perf_counter()
    result = set()
    for index in range(0, len(ids), batch):
        chunk = ids[index : index + batch]
        result |= composer._get_blacklist_record_ids({res_id: {} for res_id in chunk})
    return time.perf_counter() - start, result


def main():
    args = parse_args()
    with odoo_env(args.db) as env:
        ids = create_contacts(env, args.count)
        env.flush_all()
        env.cr.execute("ANALYZE res_partner, mail_blacklist")
        model_id = env["ir.model"]._get_id("res.partner")
        mailing = env["mailing.mailing"].create(
            {
                "subject": PREFIX,
                "body_html": "<p>Hello</p>",
                "mailing_model_id": model_id,
                "mailing_domain": "[]",
            }
        )
        Composer = env["mail.compose.message"]
        values = {"composition_mode": "mass_mail", "model": "res.partner"}
        odoo_side = Composer.create(dict(values, use_exclusion_list=True))
        ours = Composer.create(
            dict(values, mass_mailing_id=mailing.id, use_exclusion_list=True)
        )
        company = mailing.user_id.company_id or env.company
        results = {}
        for label, composer, require in (
            ("odoo", odoo_side, False),
            ("ours (consent off)", ours, False),
            ("ours (consent required)", ours, True),
        ):
            company.crm_require_email_consent = require
            env.flush_all()
            best, found = None, None
            for __ in range(args.rounds):
                seconds, found = excluded(env, composer, ids, args.batch)
                best = seconds if best is None else min(best, seconds)
            results[label] = (best, len(found))
            print(f"{label:26} {best:7.3f} s  {len(found):6} excluded of {len(ids)}")
        base = results["odoo"][0]
        for label in ("ours (consent off)", "ours (consent required)"):
            print(f"ratio {label} / odoo: {results[label][0] / base:.2f}x (goal <= 2x)")
        n = args.count
        blocked = len(range(7, n + 1, 10))
        withdrawn = n // 10
        assert results["odoo"][1] == blocked, results
        # withdrawn ones end in 0, blocklisted ones in 7: no overlap
        assert results["ours (consent off)"][1] == blocked + withdrawn, results
        env.cr.rollback()


if __name__ == "__main__":
    main()
