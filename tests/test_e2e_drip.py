# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Drip campaigns as an integrator meets them: a fresh database without demo data,
driven over XML-RPC (one reaction over JSON-RPC), the campaign's scheduled actions run
through ``ir.cron``, time moved by writing ``schedule_date`` on scheduled traces,
reactions recorded by Odoo's own ``mailing.trace`` methods, the real unsubscribe page
over HTTP (the job's own scenarios are in test_e2e_drip_job.py). Emails are only
queued (``mail.mail``): the mail queue cron is never run, nothing goes out by SMTP."""

import re
import urllib.parse
import xmlrpc.client
from datetime import timedelta

import pytest
import requests
from drip_rpc import (
    assert_near,
    email_step,
    emails_of,
    make_campaign,
    make_leads,
    move_due,
    parse_date,
    participants_of,
    run_cron,
    traces_of,
    utcnow,
)
from odoo_helpers import (
    JsonRpc,
    odoo_server,
    odoo_shell,
)

# ---------------------------------------------------------------------------
# Databases, server, RPC
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def drip_db(fresh_db):
    """A fresh database without demo data."""
    return fresh_db("e2e_drip", log_name="pytest_drip_db.log")


@pytest.fixture(scope="module")
def server(drip_db):
    with odoo_server(drip_db, "pytest_e2e_drip.log") as base:
        yield base


@pytest.fixture(scope="module")
def rpc(drip_db, server):
    db = drip_db
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
    now = utcnow()
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
        utcnow() + timedelta(days=3),
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
        utcnow() + timedelta(hours=1),
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
    rpc, drip_db, server, crons, lead_model, template, campaigns
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
    json_rpc = JsonRpc(server, drip_db)
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
    rpc, drip_db, server, crons, lead_model, template, campaigns
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
        drip_db,
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
    now = utcnow()
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
    assert parse_date(trace["schedule_date"]) == opens
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
        now = utcnow()
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
