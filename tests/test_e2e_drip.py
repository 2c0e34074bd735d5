# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Drip campaigns as an integrator meets them: a fresh database without demo data,
driven over XML-RPC (one reaction over JSON-RPC), the campaign's scheduled actions run
through ``ir.cron``, time moved by writing ``schedule_date`` on scheduled traces,
reactions recorded by Odoo's own ``mailing.trace`` methods, the real unsubscribe page
over HTTP; then the job run by two workers at once, by two cursors racing, failed and
crashed between its commits, on a throwaway copy of the database. Emails are only
queued (``mail.mail``): the mail queue cron is never run, nothing goes out by SMTP."""

import json
import os
import re
import subprocess
import urllib.parse
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import requests
from odoo_helpers import (
    LOGS,
    REPO,
    RESULT_MARK,
    JsonRpc,
    drop_db,
    odoo_command,
    odoo_server,
    odoo_shell,
    run_odoo,
)

FMT = "%Y-%m-%d %H:%M:%S"


def _parse(value):
    return datetime.strptime(value, FMT)


def _utcnow():
    return datetime.utcnow().replace(microsecond=0)  # noqa: DTZ003 (Odoo stores naive UTC)


# ---------------------------------------------------------------------------
# Databases, server, RPC
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dbs():
    """A fresh database without demo data, and a copy of it for the job tests (their
    crashes and the job's global queue stay away from the RPC tests' campaigns)."""
    db = f"crm_e2e_drip_{os.getpid()}"
    jobs = f"{db}_jobs"
    drop_db(db)
    drop_db(jobs)
    try:
        run_odoo(
            "-d",
            db,
            "-i",
            "crm_suite",
            "--without-demo",
            "all",
            "--stop-after-init",
            "--no-http",
            log_name="pytest_drip_db.log",
        )
        subprocess.run(["createdb", "-T", db, jobs], check=True, capture_output=True)
        filestore = REPO / ".local" / "data" / "filestore"
        if (filestore / db).exists():
            subprocess.run(
                ["cp", "-r", str(filestore / db), str(filestore / jobs)], check=True
            )
        yield {"db": db, "jobs": jobs}
    finally:
        drop_db(jobs)
        drop_db(db)


@pytest.fixture(scope="module")
def server(dbs):
    with odoo_server(dbs["db"], "pytest_e2e_drip.log") as base:
        yield base


@pytest.fixture(scope="module")
def rpc(dbs, server):
    db = dbs["db"]
    common = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/common", allow_none=True)
    models = xmlrpc.client.ServerProxy(f"{server}/xmlrpc/2/object", allow_none=True)
    uid = common.authenticate(db, "admin", "admin", {})
    assert uid, "admin cannot log in"

    def call(model, method, *args, **kwargs):
        return models.execute_kw(db, uid, "admin", model, method, list(args), kwargs)

    return call


@pytest.fixture(scope="module")
def crons(rpc):
    """The campaign's two scheduled actions, found as the acceptance checks find them:
    by xml id, and by searching ``ir.cron`` on the ``crm.drip.*`` models."""
    found = rpc(
        "ir.cron",
        "search_read",
        [("model_id.model", "like", "crm.drip.")],
        ["name", "code"],
    )
    assert len(found) >= 2, found
    ids = {
        name: rpc("ir.model.data", "check_object_reference", "crm_suite", xmlid)[1]
        for name, xmlid in (
            ("sync", "ir_cron_crm_drip_sync"),
            ("process", "ir_cron_crm_drip_process"),
        )
    }
    assert set(ids.values()) <= {c["id"] for c in found}
    return ids


@pytest.fixture(scope="module")
def lead_model(rpc):
    return rpc("ir.model", "search", [("model", "=", "crm.lead")])[0]


@pytest.fixture(scope="module")
def template(rpc, lead_model):
    return rpc(
        "mail.template",
        "create",
        {
            "name": "Drip E2E",
            "model_id": lead_model,
            "subject": "Hello",
            "body_html": "<p>Hello</p>",
            "use_default_to": True,
        },
    )


@pytest.fixture
def campaigns(rpc):
    """Campaigns a test starts; stopped afterwards so that the next tests' job runs
    find nothing of theirs due."""
    started = []
    yield started
    if started:
        rpc("crm.drip.campaign", "action_stop", started)


def run_cron(rpc, crons, name="process"):
    assert rpc("ir.cron", "method_direct_trigger", [crons[name]]) is True


def make_leads(rpc, tag, count):
    return [
        rpc(
            "crm.lead",
            "create",
            {
                "name": f"{tag} {i}",
                "contact_name": f"{tag} Contact {i}",
                "email_from": f"{tag.lower()}.{i}@drip-e2e.test",
            },
        )
        for i in range(count)
    ]


def make_campaign(rpc, lead_model, tag, steps, started=None, **values):
    """A campaign on the leads named ``tag ...``; ``steps`` are (key, parent key,
    values) in tree order. Returns the campaign id and the step ids by key."""
    campaign = rpc(
        "crm.drip.campaign",
        "create",
        dict(
            {
                "name": tag,
                "model_id": lead_model,
                "domain": repr([("name", "=like", f"{tag} %")]),
                "send_tz": "UTC",
            },
            **values,
        ),
    )
    step_ids = {}
    for key, parent, step_values in steps:
        step_ids[key] = rpc(
            "crm.drip.step",
            "create",
            dict(
                {
                    "name": f"{tag} {key}",
                    "campaign_id": campaign,
                    "parent_id": step_ids[parent] if parent else False,
                },
                **step_values,
            ),
        )
    if started is not None:
        assert rpc("crm.drip.campaign", "action_start", [campaign]) is True
        started.append(campaign)
    return campaign, step_ids


def email_step(template, trigger="begin", delay=0, unit="days"):
    return {
        "trigger": trigger,
        "action_type": "email",
        "mail_template_id": template,
        "delay_number": delay,
        "delay_unit": unit,
    }


def participants_of(rpc, campaign):
    """Participants by lead id."""
    rows = rpc(
        "crm.drip.participant",
        "search_read",
        [("campaign_id", "=", campaign)],
        ["res_id", "state", "exit_reason", "is_holdout"],
    )
    return {row["res_id"]: row for row in rows}


def traces_of(rpc, campaign):
    """Traces by (lead id, step id)."""
    rows = rpc(
        "crm.drip.trace",
        "search_read",
        [("campaign_id", "=", campaign)],
        ["participant_id", "step_id", "state", "schedule_date", "lock_token", "res_id"],
    )
    return {(row["res_id"], row["step_id"][0]): row for row in rows}


def emails_of(rpc, campaign):
    """Mailing traces of the campaign's emails, by lead id."""
    rows = rpc(
        "mailing.trace",
        "search_read",
        [("crm_drip_trace_id.campaign_id", "=", campaign)],
        ["res_id", "crm_drip_trace_id", "trace_status", "mass_mailing_id", "email"],
    )
    by_lead = {}
    for row in rows:
        by_lead.setdefault(row["res_id"], []).append(row)
    return by_lead


def move_due(rpc, trace_ids):
    """Time passes: the traces are due a minute ago."""
    past = (_utcnow() - timedelta(minutes=1)).strftime(FMT)
    rpc("crm.drip.trace", "write", list(trace_ids), {"schedule_date": past})


def assert_near(value, expected, slack=timedelta(minutes=5)):
    date = _parse(value)
    assert abs(date - expected) <= slack, (value, expected)


# ---------------------------------------------------------------------------
# Over XML-RPC on a running server
# ---------------------------------------------------------------------------


def test_first_email_reaches_each_participant_once(
    rpc, crons, lead_model, template, campaigns
):
    leads = make_leads(rpc, "DripOnce", 3)
    campaign, steps = make_campaign(
        rpc,
        lead_model,
        "DripOnce",
        [
            ("first", None, email_step(template)),
            ("later", "first", email_step(template, "after_parent", 2)),
        ],
        started=campaigns,
    )
    # the enrolment job, twice: nobody enrolled twice
    run_cron(rpc, crons, "sync")
    run_cron(rpc, crons, "sync")
    participants = participants_of(rpc, campaign)
    assert sorted(participants) == sorted(leads)
    assert {p["state"] for p in participants.values()} == {"running"}
    # the processing job, twice: each first email goes out once
    run_cron(rpc, crons)
    run_cron(rpc, crons)
    now = _utcnow()
    emails = emails_of(rpc, campaign)
    assert sorted(emails) == sorted(leads)
    assert all(len(rows) == 1 for rows in emails.values()), emails
    mailing = rpc("crm.drip.step", "read", [steps["first"]], ["mailing_id"])[0][
        "mailing_id"
    ][0]
    assert {rows[0]["mass_mailing_id"][0] for rows in emails.values()} == {mailing}
    for lead in leads:
        queued = rpc(
            "mail.mail",
            "search_read",
            [("model", "=", "crm.lead"), ("res_id", "=", lead)],
            ["mailing_id", "state", "subject", "email_to"],
        )
        assert len(queued) == 1, queued
        assert queued[0]["mailing_id"][0] == mailing
        assert queued[0]["state"] == "outgoing", "queued, never sent by the test"
        assert queued[0]["subject"] == "Hello"
    traces = traces_of(rpc, campaign)
    for lead in leads:
        assert traces[(lead, steps["first"])]["state"] == "done"
        assert traces[(lead, steps["first"])]["lock_token"] is False
        later = traces[(lead, steps["later"])]
        assert later["state"] == "scheduled"
        assert_near(later["schedule_date"], now + timedelta(days=2))
    stats = rpc("crm.drip.step", "read", [steps["first"]], ["sent_count", "done_count"])
    assert stats[0]["sent_count"] == 3
    assert stats[0]["done_count"] == 3


BRANCHES = [
    ("first", None, "begin", 0, "days"),
    ("opened", "first", "opened", 1, "hours"),
    ("not_opened", "first", "not_opened", 3, "days"),
]


def _branch_campaign(rpc, lead_model, template, tag, started):
    return make_campaign(
        rpc,
        lead_model,
        tag,
        [
            (key, parent, email_step(template, trigger, delay, unit))
            for key, parent, trigger, delay, unit in BRANCHES
        ],
        started=started,
    )


def test_opened_and_not_opened_branches(rpc, crons, lead_model, template, campaigns):
    opener, silent = make_leads(rpc, "DripBranch", 2)
    campaign, steps = _branch_campaign(
        rpc, lead_model, template, "DripBranch", campaigns
    )
    run_cron(rpc, crons)
    traces = traces_of(rpc, campaign)
    first = traces[(opener, steps["first"])]
    assert first["state"] == "done"
    # the reaction waits without date; 'not opened' is dated at the end of its delay
    assert traces[(opener, steps["opened"])]["schedule_date"] is False
    assert_near(
        traces[(silent, steps["not_opened"])]["schedule_date"],
        _utcnow() + timedelta(days=3),
    )
    email = emails_of(rpc, campaign)[opener][0]["id"]
    # Odoo's tracking records the open; over XML-RPC it answers the traces' ids
    opened = rpc(
        "mailing.trace",
        "set_opened",
        [],
        domain=[("crm_drip_trace_id", "=", first["id"])],
    )
    assert opened == [email]
    traces = traces_of(rpc, campaign)
    assert traces[(opener, steps["opened"])]["state"] == "scheduled"
    assert_near(
        traces[(opener, steps["opened"])]["schedule_date"],
        _utcnow() + timedelta(hours=1),
    )
    assert traces[(opener, steps["not_opened"])]["state"] == "canceled"
    # not due yet: nothing more goes out
    run_cron(rpc, crons)
    assert len(emails_of(rpc, campaign)[opener]) == 1
    # an hour later: the 'opened' email
    move_due(rpc, [traces[(opener, steps["opened"])]["id"]])
    run_cron(rpc, crons)
    emails = emails_of(rpc, campaign)
    assert len(emails[opener]) == 2
    assert len(emails[silent]) == 1
    # three days later: the silent one gets the 'not opened' email
    move_due(rpc, [traces[(silent, steps["not_opened"])]["id"]])
    run_cron(rpc, crons)
    traces = traces_of(rpc, campaign)
    assert traces[(opener, steps["opened"])]["state"] == "done"
    assert traces[(silent, steps["not_opened"])]["state"] == "done"
    assert traces[(silent, steps["opened"])]["state"] == "canceled"
    emails = emails_of(rpc, campaign)
    assert len(emails[opener]) == 2
    assert len(emails[silent]) == 2
    mailings = {
        key: rpc("crm.drip.step", "read", [steps[key]], ["mailing_id"])[0][
            "mailing_id"
        ][0]
        for key in steps
    }
    assert {row["mass_mailing_id"][0] for row in emails[opener]} == {
        mailings["first"],
        mailings["opened"],
    }
    assert {row["mass_mailing_id"][0] for row in emails[silent]} == {
        mailings["first"],
        mailings["not_opened"],
    }
    participants = participants_of(rpc, campaign)
    assert participants[opener]["state"] == "completed"
    assert participants[silent]["state"] == "completed"
    assert participants[opener]["exit_reason"] == "last_step"


def test_late_open_after_not_opened_runs_nothing(
    rpc, crons, lead_model, template, campaigns
):
    (lead,) = make_leads(rpc, "DripLate", 1)
    campaign, steps = _branch_campaign(rpc, lead_model, template, "DripLate", campaigns)
    run_cron(rpc, crons)
    traces = traces_of(rpc, campaign)
    move_due(rpc, [traces[(lead, steps["not_opened"])]["id"]])
    run_cron(rpc, crons)
    traces = traces_of(rpc, campaign)
    assert traces[(lead, steps["not_opened"])]["state"] == "done"
    assert traces[(lead, steps["opened"])]["state"] == "canceled"
    assert len(emails_of(rpc, campaign)[lead]) == 2
    # the recipient opens the first email now: the branches are exclusive
    first = traces[(lead, steps["first"])]["id"]
    opened = rpc(
        "mailing.trace",
        "set_opened",
        [],
        domain=[("crm_drip_trace_id", "=", first)],
    )
    assert len(opened) == 1
    after = traces_of(rpc, campaign)
    assert after[(lead, steps["opened"])]["state"] == "canceled"
    before = traces[(lead, steps["opened"])]
    assert after[(lead, steps["opened"])]["schedule_date"] == before["schedule_date"]
    assert len(after) == len(traces), "no new step"
    run_cron(rpc, crons)
    assert len(emails_of(rpc, campaign)[lead]) == 2, "nothing more is sent"
    assert participants_of(rpc, campaign)[lead]["state"] == "completed"


def test_click_reply_bounce_over_rpc(
    rpc, dbs, server, crons, lead_model, template, campaigns
):
    clicker, replier, bouncer = make_leads(rpc, "DripReact", 3)
    todo = rpc(
        "ir.model.data", "check_object_reference", "mail", "mail_activity_data_todo"
    )[1]
    campaign, steps = make_campaign(
        rpc,
        lead_model,
        "DripReact",
        [
            ("first", None, email_step(template)),
            ("clicked", "first", email_step(template, "clicked", 0, "hours")),
            ("replied", "first", email_step(template, "replied", 0, "hours")),
            (
                "bounced",
                "first",
                {
                    "trigger": "bounced",
                    "action_type": "activity",
                    "activity_type_id": todo,
                    "activity_summary": "Fix the address",
                    "delay_number": 0,
                    "delay_unit": "hours",
                },
            ),
        ],
        started=campaigns,
    )
    run_cron(rpc, crons)
    traces = traces_of(rpc, campaign)
    emails = emails_of(rpc, campaign)

    def first_of(lead):
        return [("crm_drip_trace_id", "=", traces[(lead, steps["first"])]["id"])]

    assert rpc("mailing.trace", "set_clicked", [], domain=first_of(clicker)) == [
        emails[clicker][0]["id"]
    ]
    # JSON-RPC as well: the answer is the traces' ids
    json_rpc = JsonRpc(server, dbs["db"])
    json_rpc.login("admin", "admin")
    assert json_rpc.call(
        "mailing.trace", "set_replied", [], domain=first_of(replier)
    ) == [emails[replier][0]["id"]]
    assert rpc(
        "mailing.trace",
        "set_bounced",
        [],
        domain=first_of(bouncer),
        bounce_message="550 unknown user",
    ) == [emails[bouncer][0]["id"]]
    traces = traces_of(rpc, campaign)
    assert traces[(clicker, steps["clicked"])]["state"] == "scheduled"
    assert traces[(clicker, steps["replied"])]["schedule_date"] is False
    assert traces[(replier, steps["replied"])]["state"] == "scheduled"
    assert traces[(replier, steps["clicked"])]["schedule_date"] is False
    assert traces[(bouncer, steps["bounced"])]["state"] == "scheduled"
    assert traces[(bouncer, steps["clicked"])]["state"] == "canceled"
    assert traces[(bouncer, steps["replied"])]["state"] == "canceled"
    run_cron(rpc, crons)
    traces = traces_of(rpc, campaign)
    assert traces[(clicker, steps["clicked"])]["state"] == "done"
    assert traces[(replier, steps["replied"])]["state"] == "done"
    assert traces[(bouncer, steps["bounced"])]["state"] == "done"
    emails = emails_of(rpc, campaign)
    assert len(emails[clicker]) == 2
    assert len(emails[replier]) == 2
    assert len(emails[bouncer]) == 1
    assert emails[bouncer][0]["trace_status"] == "bounce"
    activities = rpc(
        "mail.activity",
        "search_read",
        [("res_model", "=", "crm.lead"), ("res_id", "=", bouncer)],
        ["summary"],
    )
    assert [a["summary"] for a in activities] == ["Fix the address"]
    participants = participants_of(rpc, campaign)
    assert participants[bouncer]["state"] == "stopped"
    assert participants[bouncer]["exit_reason"] == "bounced"
    # the other reactions still wait for their event
    assert participants[clicker]["state"] == "running"
    assert participants[replier]["state"] == "running"


def test_blocklist_and_unsubscribe_stop_participants(
    rpc, dbs, server, crons, lead_model, template, campaigns
):
    blocked, leaving = make_leads(rpc, "DripExit", 2)
    campaign, steps = make_campaign(
        rpc,
        lead_model,
        "DripExit",
        [
            ("first", None, email_step(template)),
            ("second", "first", email_step(template, "after_parent", 1)),
        ],
        started=campaigns,
    )
    run_cron(rpc, crons)
    emails = emails_of(rpc, campaign)
    assert len(emails[blocked]) == len(emails[leaving]) == 1
    # an administrator blocklists the first address (case differs: normalized)
    rpc("mail.blacklist", "create", {"email": "DripExit.0@Drip-E2E.test"})
    participants = participants_of(rpc, campaign)
    assert participants[blocked]["state"] == "stopped"
    assert participants[blocked]["exit_reason"] == "blocklisted"
    assert participants[leaving]["state"] == "running"
    # the second recipient clicks the unsubscribe link of the email it received
    mailing = rpc("crm.drip.step", "read", [steps["first"]], ["mailing_id"])[0][
        "mailing_id"
    ][0]
    address = emails[leaving][0]["email"]
    url = odoo_shell(
        dbs["db"],
        "result(env['mailing.mailing'].with_context(active_test=False)"
        f".browse({mailing})._get_unsubscribe_url({address!r}, {leaving}))",
        "pytest_drip_unsubscribe_url.log",
    )
    parts = urllib.parse.urlsplit(url)
    assert parts.path == f"/mailing/{mailing}/confirm_unsubscribe"
    session = requests.Session()
    page = session.get(f"{server}{parts.path}?{parts.query}", timeout=60)
    assert page.status_code == 200
    # Odoo 18 asks to confirm: the page posts a form to /mailing/confirm_unsubscribe
    form = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text)
    )
    assert {"csrf_token", "mailing_id", "document_id", "email", "hash_token"} <= set(
        form
    ), page.text[-2000:]
    done = session.post(f"{server}/mailing/confirm_unsubscribe", data=form, timeout=60)
    assert done.status_code == 200
    assert "Successfully unsubscribed" in done.text
    participants = participants_of(rpc, campaign)
    assert participants[leaving]["state"] == "stopped"
    assert participants[leaving]["exit_reason"] == "unsubscribed"
    assert rpc("mail.blacklist", "search_count", [("email", "=", address)]) == 1
    # their next steps are canceled: even when due, nothing more goes out
    traces = traces_of(rpc, campaign)
    for lead in (blocked, leaving):
        assert traces[(lead, steps["second"])]["state"] == "canceled"
    move_due(
        rpc, [traces[(lead, steps["second"])]["id"] for lead in (blocked, leaving)]
    )
    run_cron(rpc, crons)
    run_cron(rpc, crons, "sync")
    emails = emails_of(rpc, campaign)
    assert len(emails[blocked]) == len(emails[leaving]) == 1
    assert len(participants_of(rpc, campaign)) == 2, "no re-enrolment"


def test_bad_domain_is_refused(rpc, lead_model):
    with pytest.raises(xmlrpc.client.Fault, match="filter") as error:
        rpc(
            "crm.drip.campaign",
            "create",
            {
                "name": "DripBad",
                "model_id": lead_model,
                "domain": "[('no_such_field', '=', 1)]",
            },
        )
    assert "no_such_field" in error.value.faultString
    with pytest.raises(xmlrpc.client.Fault, match="filter"):
        rpc(
            "crm.drip.campaign",
            "create",
            {"name": "DripBad", "model_id": lead_model, "domain": "[('name', '=',"},
        )
    assert rpc("crm.drip.campaign", "search_count", [("name", "=", "DripBad")]) == 0
    campaign = rpc(
        "crm.drip.campaign", "create", {"name": "DripBad ok", "model_id": lead_model}
    )
    with pytest.raises(xmlrpc.client.Fault, match="filter"):
        rpc(
            "crm.drip.campaign",
            "write",
            [campaign],
            {"goal_domain": "[('stage_id.no_such_field', '=', 1)]"},
        )
    with pytest.raises(xmlrpc.client.Fault, match="filter"):
        rpc(
            "crm.drip.step",
            "create",
            {
                "name": "Bad step",
                "campaign_id": campaign,
                "action_type": "email",
                "domain": "[('no_such_field', '=', 1)]",
            },
        )
    assert rpc("crm.drip.campaign", "read", [campaign], ["domain", "goal_domain"])[
        0
    ] == {"id": campaign, "domain": "[]", "goal_domain": False}


def test_send_window_defers_then_sends(rpc, crons, lead_model, template, campaigns):
    now = _utcnow()
    start = (now.hour + 12) % 24  # a one-hour window half a day away
    (lead,) = make_leads(rpc, "DripWindow", 1)
    campaign, steps = make_campaign(
        rpc,
        lead_model,
        "DripWindow",
        [("first", None, email_step(template))],
        started=campaigns,
        send_hour_from=start,
        send_hour_to=start + 1,
    )
    opens = now.replace(hour=start, minute=0, second=0)
    if opens <= now:
        opens += timedelta(days=1)
    run_cron(rpc, crons)
    trace = traces_of(rpc, campaign)[(lead, steps["first"])]
    assert trace["state"] == "scheduled"
    assert trace["lock_token"] is False
    assert _parse(trace["schedule_date"]) == opens
    assert lead not in emails_of(rpc, campaign)
    run_cron(rpc, crons)
    assert lead not in emails_of(rpc, campaign), "still outside the window"
    # the window is widened to the whole day and the trace is due again
    rpc(
        "crm.drip.campaign",
        "write",
        [campaign],
        {"send_hour_from": 0.0, "send_hour_to": 24.0},
    )
    move_due(rpc, [trace["id"]])
    run_cron(rpc, crons)
    assert traces_of(rpc, campaign)[(lead, steps["first"])]["state"] == "done"
    assert len(emails_of(rpc, campaign)[lead]) == 1


def test_frequency_cap_across_campaigns(rpc, crons, lead_model, template, campaigns):
    company = rpc("res.users", "read", [2], ["company_id"])[0]["company_id"][0]
    before = rpc(
        "res.company", "read", [company], ["crm_drip_cap_count", "crm_drip_cap_days"]
    )[0]
    rpc(
        "res.company",
        "write",
        [company],
        {"crm_drip_cap_count": 1, "crm_drip_cap_days": 7},
    )
    try:
        (lead,) = make_leads(rpc, "DripCap", 1)
        pair = []
        for name in ("DripCapA", "DripCapB"):
            campaign, steps = make_campaign(
                rpc,
                lead_model,
                name,
                [("first", None, email_step(template))],
                started=campaigns,
                domain=repr([("id", "=", lead)]),
            )
            pair.append((campaign, steps["first"]))
        run_cron(rpc, crons)
        now = _utcnow()
        run_cron(rpc, crons)
        sent, waiting = [], []
        for campaign, step in pair:
            trace = traces_of(rpc, campaign)[(lead, step)]
            emails = emails_of(rpc, campaign).get(lead, [])
            if trace["state"] == "done":
                assert len(emails) == 1
                sent.append(trace)
            else:
                assert trace["state"] == "scheduled"
                assert emails == []
                waiting.append(trace)
        assert len(sent) == len(waiting) == 1, "one email; the other waits"
        assert_near(waiting[0]["schedule_date"], now + timedelta(days=7))
        assert waiting[0]["lock_token"] is False
    finally:
        rpc(
            "res.company",
            "write",
            [company],
            {
                "crm_drip_cap_count": before["crm_drip_cap_count"],
                "crm_drip_cap_days": before["crm_drip_cap_days"],
            },
        )


# ---------------------------------------------------------------------------
# The job with real committed transactions: two workers, failures, crashes
# (on the throwaway copy; each scenario stops the earlier ones' campaigns)
# ---------------------------------------------------------------------------

SETUP = r"""
import os, threading, time
TAG = {tag!r}
model = env["ir.model"]._get("crm.lead")
template = env["mail.template"].create({{
    "name": TAG, "model_id": model.id, "subject": "Hello",
    "body_html": "<p>Hello</p>", "use_default_to": True,
}})
leads = env["crm.lead"].create([
    {{"name": f"{{TAG}} {{i}}", "email_from": f"{{TAG.lower()}}.{{i}}@jobs.test"}}
    for i in range({count})
])
# the earlier scenarios' campaigns are over: only this one has due steps
env["crm.drip.campaign"].search([("state", "=", "running")]).action_stop()
campaign = env["crm.drip.campaign"].create({{
    "name": TAG, "model_id": model.id, "send_tz": "UTC",
    "domain": repr([("name", "=like", TAG + " %")]),
}})
env["crm.drip.step"].create({{
    "name": TAG, "campaign_id": campaign.id, "trigger": "begin",
    "action_type": "email", "mail_template_id": template.id,
}})
campaign.action_start()
env.cr.commit()
assert len(campaign.participant_ids) == {count}
Trace = type(env["crm.drip.trace"])
"""

CHECK = r"""
def check(tag):
    env.cr.commit()  # a fresh snapshot: what the workers committed
    env.invalidate_all()
    cr = env.cr
    campaign = env["crm.drip.campaign"].search([("name", "=", tag)]).id
    cr.execute(
        "SELECT t.state, t.lock_token IS NOT NULL, count(mt.id) "
        "FROM crm_drip_trace t "
        "LEFT JOIN mailing_trace mt ON mt.crm_drip_trace_id = t.id "
        "WHERE t.campaign_id = %s GROUP BY t.id",
        [campaign],
    )
    rows = cr.fetchall()
    out = {"traces": len(rows), "states": {}, "claimed": 0, "claimed_with_email": 0,
           "emails_per_trace": {}}
    for state, claimed, emails in rows:
        out["states"][state] = out["states"].get(state, 0) + 1
        out["claimed"] += claimed
        out["claimed_with_email"] += bool(claimed and emails)
        out["emails_per_trace"][emails] = out["emails_per_trace"].get(emails, 0) + 1
    # every email of the step's mailing, whatever trace it hangs on, per lead
    cr.execute(
        "SELECT p.res_id, "
        " (SELECT count(*) FROM mailing_trace mt JOIN crm_drip_step s "
        "    ON s.mailing_id = mt.mass_mailing_id "
        "  WHERE s.campaign_id = p.campaign_id AND mt.res_id = p.res_id), "
        " (SELECT count(*) FROM mail_mail m "
        "    JOIN mail_message mm ON mm.id = m.mail_message_id "
        "    JOIN crm_drip_step s ON s.mailing_id = m.mailing_id "
        "  WHERE s.campaign_id = p.campaign_id AND mm.res_id = p.res_id "
        "    AND mm.model = 'crm.lead') "
        "FROM crm_drip_participant p WHERE p.campaign_id = %s",
        [campaign],
    )
    per_lead = cr.fetchall()
    out["participants"] = len(per_lead)
    out["emails_per_lead"] = sorted({r[1] for r in per_lead})
    out["mails_per_lead"] = sorted({r[2] for r in per_lead})
    out["emails"] = sum(r[1] for r in per_lead)
    cr.execute(
        "SELECT state, count(*) FROM crm_drip_participant WHERE campaign_id = %s "
        "GROUP BY state",
        [campaign],
    )
    out["participant_states"] = dict(cr.fetchall())
    return out
"""

RUN_AGAIN = r"""
before = check({tag!r})
env["crm.drip.trace"]._cron_process(batch_size=10)
env.cr.commit()
result({{"before": before, "after": check({tag!r})}})
"""


def run_shell(db, script, log_name, expect_rc=0, timeout=600):
    """``odoo_shell`` for a process that is meant to die: its exit code is checked,
    what it handed back with ``result()`` before dying is returned."""
    prelude = (
        "import json as _json\n"
        "def result(obj):\n"
        f"    print({RESULT_MARK!r} + _json.dumps(obj, default=str), flush=True)\n"
    )
    proc = subprocess.run(
        odoo_command("-d", db, "--no-http", "--log-level", "warn", command="shell"),
        cwd=REPO,
        input=prelude + script,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    LOGS.mkdir(parents=True, exist_ok=True)
    (LOGS / log_name).write_text(proc.stdout + "\n--- stderr ---\n" + proc.stderr)
    assert proc.returncode == expect_rc, (
        f"odoo shell exited {proc.returncode}, expected {expect_rc}:\n"
        f"{proc.stderr[-5000:]}"
    )
    if expect_rc == 0:
        assert "Traceback" not in proc.stderr, proc.stderr[-5000:]
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK) :])
    return None


def assert_each_sent_once(out, count):
    assert out["participants"] == count
    assert out["traces"] == count
    assert out["states"] == {"done": count}, out
    assert out["claimed"] == 0, "no claim is left behind"
    assert out["emails_per_trace"] == {"1": count}, out
    assert out["emails_per_lead"] == [1], "one email per recipient, never two"
    assert out["mails_per_lead"] == [1], "one queued mail.mail per recipient"
    assert out["participant_states"] == {"completed": count}


# Two odoo shell processes: 'a' enrols 300 leads, then both start the job at the same
# moment (a file barrier); 'b' checks once both are through.
WORKER = r"""
import os, time
here = {barrier!r}

def meet(step):
    open(os.path.join(here, f"{{step}}_{name}"), "w").close()
    deadline = time.time() + 300
    while len([f for f in os.listdir(here) if f.startswith(step + "_")]) < 2:
        assert time.time() < deadline, f"the other worker never reached {{step}}"
        time.sleep(0.005)

if {name!r} == "a":
{setup}
meet("ready")
start = time.time()
done = env["crm.drip.trace"]._cron_process(batch_size=10, max_batches=40)
end = time.time()
meet("through")
out = {{"done": done, "start": start, "end": end}}
if {name!r} == "b":
    out["check"] = check("JobsPair")
result(out)
"""


def test_job_two_workers_at_once(dbs, tmp_path):
    db, count = dbs["jobs"], 300
    setup = "\n".join(
        "    " + line for line in SETUP.format(tag="JobsPair", count=count).splitlines()
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(
                odoo_shell,
                db,
                CHECK + WORKER.format(barrier=str(tmp_path), name=name, setup=setup),
                f"pytest_drip_jobs_worker_{name}.log",
            )
            for name in ("a", "b")
        ]
        first, second = (future.result() for future in futures)
    assert first["done"] > 0 and second["done"] > 0, (first, second)
    assert (
        first["start"] < second["end"] and second["start"] < first["end"]
    ), "the two workers ran at the same time"
    assert first["done"] + second["done"] == count, (first, second)
    assert_each_sent_once(second["check"], count)


# Two cursors of one process, the interleavings a second worker can cause, forced:
# (1) the other worker commits a claim after this run's first snapshot; (2) the other
# worker's recovery takes back this run's committed claim before its rows are locked,
# and holds them while this run goes on to process the batch.
RACES = r"""
registry = env.registry
out = {}
original_recover = Trace._recover_claims
original_process = Trace._process_claimed
with registry.cursor() as cr_a, registry.cursor() as cr_b:
    env_a, env_b = env(cr=cr_a), env(cr=cr_b)
    cr_a.execute("SET lock_timeout = '20s'")  # never hang the test run
    cr_b.execute("SET lock_timeout = '20s'")
    a_tokens = []

    def recover_then_other_claims(self):
        original_recover(self)
        if self.env.cr is cr_b and not a_tokens:
            a_tokens.append(env_a["crm.drip.trace"]._claim(10))
            cr_a.commit()

    Trace._recover_claims = recover_then_other_claims
    try:
        out["b_done"] = env_b["crm.drip.trace"]._cron_process(batch_size=10)
    except Exception as error:
        out["b_error"] = repr(error)
        cr_b.rollback()
    finally:
        Trace._recover_claims = original_recover
    out["a_done"] = env_a["crm.drip.trace"]._process_claimed(a_tokens[0])
    cr_a.commit()
    out["first"] = check(TAG)
    cr_a.commit()

# (2) a fresh campaign of the same leads' size
env["crm.drip.campaign"].search([("state", "=", "running")]).action_stop()
campaign2 = campaign.copy({"name": TAG + " 2"})
campaign2.action_start()
env.cr.commit()
with registry.cursor() as cr_a, registry.cursor() as cr_b:
    env_a, env_b = env(cr=cr_a), env(cr=cr_b)
    cr_a.execute("SET lock_timeout = '20s'")
    cr_b.execute("SET lock_timeout = '20s'")
    claimed, taken_back = threading.Event(), threading.Event()

    def pause_after_claim(self, token):
        if self.env.cr is cr_b and not claimed.is_set():
            claimed.set()
            taken_back.wait(30)
        return original_process(self, token)

    def worker_b():
        try:
            out["b2_done"] = env_b["crm.drip.trace"]._cron_process(batch_size=10)
        except Exception as error:
            out["b2_error"] = repr(error)
            cr_b.rollback()

    Trace._process_claimed = pause_after_claim
    try:
        thread = threading.Thread(target=worker_b)
        thread.start()
        assert claimed.wait(30)
        # the other worker starts: b's claim is committed, its rows not locked yet
        Recovery = env_a["crm.drip.trace"].with_context(crm_suite_no_commit=True)
        Recovery._recover_claims()
        taken_back.set()
        time.sleep(1)  # b locks what it claimed: it waits for a's rows
        cr_a.commit()
        thread.join(120)
        assert not thread.is_alive()
    finally:
        Trace._process_claimed = original_process
    out["second"] = check(TAG + " 2")
result(out)
"""


def test_job_two_cursors_races(dbs):
    db, count = dbs["jobs"], 30
    out = run_shell(
        db,
        SETUP.format(tag="JobsRace", count=count) + CHECK + RACES,
        "pytest_drip_jobs_races.log",
    )
    assert "b_error" not in out, out["b_error"]
    assert out["b_done"] == count - 10, "b skips the rows a claimed"
    assert out["a_done"] == 10
    assert_each_sent_once(out["first"], count)
    assert "b2_error" not in out, out["b2_error"]
    assert out["b2_done"] == count, "what was taken back is claimed again"
    assert_each_sent_once(out["second"], count)


CRASH_AFTER_CLAIM = r"""
original = Trace._process_claimed
calls = []
def dies_after_the_claim(self, token):
    calls.append(token)
    if len(calls) == 2:
        os._exit(3)  # the 2nd batch's claim is committed, nothing of it processed
    return original(self, token)
Trace._process_claimed = dies_after_the_claim
env["crm.drip.trace"]._cron_process(batch_size=10)
"""


def test_job_crash_between_claim_and_processing(dbs):
    db, count = dbs["jobs"], 50
    run_shell(
        db,
        SETUP.format(tag="JobsClaim", count=count) + CRASH_AFTER_CLAIM,
        "pytest_drip_jobs_claim_crash.log",
        expect_rc=3,
    )
    out = run_shell(
        db, CHECK + RUN_AGAIN.format(tag="JobsClaim"), "pytest_drip_jobs_claim_run.log"
    )
    before = out["before"]
    assert before["states"] == {"done": 10, "scheduled": 40}, before
    assert before["claimed"] == 10, "the dead worker's claim is left"
    assert before["claimed_with_email"] == 0
    assert before["emails"] == 10
    assert_each_sent_once(out["after"], count)


INJECTED_FAILURES = r"""
original_results = Trace._email_results
original_process = Trace._process_claimed
results_calls, batches = [], []

def fails_once(self, now):
    results_calls.append(len(self))
    if len(results_calls) == 3:
        # the 3rd batch's emails exist: the failure must take them back
        raise RuntimeError("injected failure in a batch")
    return original_results(self, now)

def fails_before_commit(self, token):
    batches.append(token)
    done = original_process(self, token)
    if len(batches) == 4:
        # the 4th batch is processed, its emails created, not committed yet
        raise RuntimeError("injected failure of the run")
    return done

Trace._email_results = fails_once
Trace._process_claimed = fails_before_commit
try:
    env["crm.drip.trace"]._cron_process(batch_size=10)
except RuntimeError:
    env.cr.rollback()  # as ir.cron does with a failed job
result(results_calls)
"""


def test_job_injected_failures_then_next_run(dbs):
    """A batch whose step fails is retried trace by trace in the same run; a failure
    that ends the run half way leaves its claim, without emails, to the next run."""
    db, count = dbs["jobs"], 50
    calls = run_shell(
        db,
        SETUP.format(tag="JobsFail", count=count) + INJECTED_FAILURES,
        "pytest_drip_jobs_fail.log",
    )
    # batches 1, 2, the failing 3rd, its 10 traces one by one, the 4th
    assert calls == [10, 10, 10] + [1] * 10 + [10], calls
    out = run_shell(
        db, CHECK + RUN_AGAIN.format(tag="JobsFail"), "pytest_drip_jobs_fail_run.log"
    )
    before = out["before"]
    assert before["states"] == {"done": 30, "scheduled": 20}, before
    assert before["emails_per_trace"] == {"1": 30, "0": 20}, before
    assert before["claimed"] == 10
    assert before["claimed_with_email"] == 0, "the failed run's emails are gone"
    assert before["emails"] == 30
    assert_each_sent_once(out["after"], count)


CRASH_AFTER_SEND = r"""
calls = []
original = Trace._email_results
def dies_after_sending(self, now):
    calls.append(len(self))
    if len(calls) == 2:
        # the emails of the 2nd batch reach the database, their traces are not
        # marked: as if the composer had committed and the worker died
        self.env.cr.commit()
        os._exit(3)
    return original(self, now)
Trace._email_results = dies_after_sending
env["crm.drip.trace"]._cron_process(batch_size=10)
"""


def test_job_crash_after_emails_committed_sends_nothing_twice(dbs):
    db, count = dbs["jobs"], 50
    run_shell(
        db,
        SETUP.format(tag="JobsSent", count=count) + CRASH_AFTER_SEND,
        "pytest_drip_jobs_sent_crash.log",
        expect_rc=3,
    )
    out = run_shell(
        db, CHECK + RUN_AGAIN.format(tag="JobsSent"), "pytest_drip_jobs_sent_run.log"
    )
    before = out["before"]
    assert before["states"] == {"done": 10, "scheduled": 40}, before
    assert before["claimed"] == 10
    assert before["claimed_with_email"] == 10, "sent, not marked"
    assert before["emails"] == 20
    assert_each_sent_once(out["after"], count)
