# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Service tickets as an integrator meets them: a fresh database without demo data,
XML-RPC only, raw emails through ``mail.thread.message_process``, portal users of two
customers, and the SLA job run by two workers at once."""

import base64
import re
import time
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
import requests
from odoo_helpers import odoo_server, odoo_shell

DOMAIN = "e2e-tickets.test"


@pytest.fixture(scope="module")
def tickets_db(fresh_db):
    return fresh_db("tickets", log_name="pytest_tickets_db.log")


@pytest.fixture(scope="module")
def rpc(tickets_db):
    with odoo_server(tickets_db, "pytest_e2e_tickets.log") as base:
        common = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/common", allow_none=True)
        models = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object", allow_none=True)

        def call(login, model, method, *args, **kwargs):
            uid = common.authenticate(tickets_db, login, login, {})
            assert uid, f"{login} cannot log in"
            return models.execute_kw(
                tickets_db, uid, login, model, method, list(args), kwargs
            )

        yield call


@pytest.fixture(scope="module")
def setup(rpc):
    """An alias domain, three agents, a team with an alias, two customers with a
    portal user each."""
    domain = rpc("admin", "mail.alias.domain", "create", {"name": DOMAIN})
    company = rpc("admin", "res.users", "read", [2], ["company_id"])[0]["company_id"][0]
    rpc("admin", "res.company", "write", [company], {"alias_domain_id": domain})
    group_user = rpc(
        "admin",
        "ir.model.data",
        "check_object_reference",
        "crm_suite",
        "group_crm_suite_user",
    )[1]
    group_portal = rpc(
        "admin", "ir.model.data", "check_object_reference", "base", "group_portal"
    )[1]
    agents = [
        rpc(
            "admin",
            "res.users",
            "create",
            {
                "name": f"E2E Agent {n}",
                "login": f"e2e_agent_{n}",
                "password": f"e2e_agent_{n}",
                "groups_id": [(6, 0, [group_user])],
            },
        )
        for n in "abc"
    ]
    calendar = rpc(
        "admin", "resource.calendar", "create", {"name": "E2E hours", "tz": "UTC"}
    )
    team = rpc(
        "admin",
        "crm.ticket.team",
        "create",
        {
            "name": "E2E Support",
            "alias_name": "e2e-support",
            "alias_domain_id": domain,
            "alias_contact": "everyone",
            "member_ids": [(6, 0, agents)],
            "resource_calendar_id": calendar,
        },
    )
    customers, portal_users = [], []
    for name in ("Umbrella", "Initech"):
        company_partner = rpc(
            "admin",
            "res.partner",
            "create",
            {"name": f"E2E {name}", "is_company": True},
        )
        contact = rpc(
            "admin",
            "res.partner",
            "create",
            {
                "name": f"{name} Buyer",
                "email": f"buyer@{name.lower()}.test",
                "parent_id": company_partner,
            },
        )
        login = f"e2e_portal_{name.lower()}"
        portal_users.append(
            rpc(
                "admin",
                "res.users",
                "create",
                {
                    "login": login,
                    "password": login,
                    "partner_id": contact,
                    "groups_id": [(6, 0, [group_portal])],
                },
            )
        )
        customers.append((company_partner, contact, login))
    return {
        "team": team,
        "agents": agents,
        "customers": customers,
        "calendar": calendar,
    }


RAW = """From: {sender}
To: e2e-support@{domain}
Subject: {subject}
Message-Id: <{msgid}@e2e.test>
{extra}MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

{body}
"""


def test_email_opens_ticket_and_reply_threads(rpc, setup):
    raw = RAW.format(
        sender="Walter <walter@mail.test>",
        domain=DOMAIN,
        subject="Cannot print",
        msgid="e2e-1",
        extra="",
        body="The printer is jammed.",
    )
    ticket_id = rpc("admin", "mail.thread", "message_process", False, raw)
    ticket = rpc(
        "admin",
        "crm.ticket",
        "read",
        [ticket_id],
        ["number", "name", "team_id", "channel", "partner_email"],
    )[0]
    assert ticket["team_id"][0] == setup["team"]
    assert ticket["channel"] == "email"
    assert ticket["name"] == "Cannot print"
    assert ticket["number"].startswith("TCK-")
    assert ticket["partner_email"] == "walter@mail.test"
    reply = RAW.format(
        sender="walter@mail.test",
        domain=DOMAIN,
        subject="Re: Cannot print",
        msgid="e2e-2",
        extra="In-Reply-To: <e2e-1@e2e.test>\n",
        body="Still jammed.",
    )
    assert rpc("admin", "mail.thread", "message_process", False, reply) == ticket_id
    acks = rpc(
        "admin",
        "mail.mail",
        "search_read",
        [("model", "=", "crm.ticket"), ("res_id", "=", ticket_id)],
        ["subject"],
    )
    assert any(ticket["number"] in ack["subject"] for ack in acks)


def test_round_robin_then_balanced(rpc, setup):
    team, agents = setup["team"], setup["agents"]
    rpc(
        "admin",
        "crm.ticket.team",
        "write",
        [team],
        {"assignment_method": "round_robin"},
    )
    ids = [
        rpc("admin", "crm.ticket", "create", {"name": f"RR {i}", "team_id": team})
        for i in range(4)
    ]
    users = [
        t["user_id"][0] for t in rpc("admin", "crm.ticket", "read", ids, ["user_id"])
    ]
    start = agents.index(users[0])
    assert users == [agents[(start + i) % 3] for i in range(4)]
    rpc("admin", "crm.ticket.team", "write", [team], {"assignment_method": "balanced"})
    counts = {
        g["user_id"][0]: g["user_id_count"]
        for g in rpc(
            "admin",
            "crm.ticket",
            "read_group",
            [
                ("team_id", "=", team),
                ("is_closed", "=", False),
                ("user_id", "!=", False),
            ],
            ["user_id"],
            ["user_id"],
        )
    }
    new = rpc("admin", "crm.ticket", "create", {"name": "Balanced", "team_id": team})
    chosen = rpc("admin", "crm.ticket", "read", [new], ["user_id"])[0]["user_id"][0]
    assert counts.get(chosen, 0) == min(counts.get(a, 0) for a in agents)


def test_sla_deadline_inside_working_hours(rpc, setup):
    rpc(
        "admin",
        "crm.ticket.sla",
        "create",
        {
            "name": "E2E SLA",
            "team_ids": [(6, 0, [setup["team"]])],
            "response_hours": 3,
            "resolution_hours": 20,
        },
    )
    ticket = rpc(
        "admin",
        "crm.ticket",
        "create",
        {"name": "SLA please", "team_id": setup["team"]},
    )
    statuses = rpc(
        "admin",
        "crm.ticket.sla.status",
        "search_read",
        [("ticket_id", "=", ticket)],
        ["target", "deadline", "failed"],
    )
    assert {s["target"] for s in statuses} == {"response", "resolution"}
    for status in statuses:
        deadline = datetime.strptime(status["deadline"], "%Y-%m-%d %H:%M:%S")
        assert deadline.weekday() < 5, "a working day"
        assert 8 <= deadline.hour + deadline.minute / 60 <= 17, "within working hours"
        assert not status["failed"]
    sla_deadline = rpc("admin", "crm.ticket", "read", [ticket], ["sla_deadline"])[0][
        "sla_deadline"
    ]
    assert sla_deadline == min(s["deadline"] for s in statuses)
    assert (
        rpc(
            "admin",
            "crm.ticket",
            "search_count",
            [("sla_failed", "=", True), ("id", "=", ticket)],
        )
        == 0
    )
    # an administrator moves a deadline into the past: the ticket is failed at
    # once, nothing else has to run
    response = next(s["id"] for s in statuses if s["target"] == "response")
    rpc(
        "admin",
        "crm.ticket.sla.status",
        "write",
        [response],
        {"deadline": "2020-01-01 09:00:00"},
    )
    failed = rpc(
        "admin",
        "crm.ticket",
        "search",
        [("sla_failed", "=", True), ("id", "=", ticket)],
    )
    assert failed == [ticket]
    assert rpc("admin", "crm.ticket.sla.status", "read", [response], ["failed"])[0][
        "failed"
    ]
    with pytest.raises(xmlrpc.client.Fault):
        rpc(
            "e2e_agent_a",
            "crm.ticket.sla.status",
            "write",
            [response],
            {"deadline": False},
        )


def test_portal_users_cannot_reach_each_others_tickets(rpc, setup):
    (
        (umbrella, umbrella_contact, umbrella_login),
        (initech, initech_contact, initech_login),
    ) = setup["customers"]
    mine = rpc(
        "admin",
        "crm.ticket",
        "create",
        {
            "name": "Umbrella issue",
            "team_id": setup["team"],
            "partner_id": umbrella_contact,
        },
    )
    theirs = rpc(
        "admin",
        "crm.ticket",
        "create",
        {
            "name": "Initech issue",
            "team_id": setup["team"],
            "partner_id": initech_contact,
        },
    )
    assert rpc(umbrella_login, "crm.ticket", "search", []) == [mine]
    assert rpc(initech_login, "crm.ticket", "search", []) == [theirs]
    for login, other in ((umbrella_login, theirs), (initech_login, mine)):
        with pytest.raises(xmlrpc.client.Fault):
            rpc(login, "crm.ticket", "read", [other], ["name"])
        with pytest.raises(xmlrpc.client.Fault):
            rpc(login, "crm.ticket", "write", [other], {"name": "hacked"})
    names = rpc("admin", "crm.ticket", "read", [mine, theirs], ["name"])
    assert [n["name"] for n in names] == ["Umbrella issue", "Initech issue"]


def test_bad_input_gives_clear_errors(rpc, setup):
    with pytest.raises(xmlrpc.client.Fault, match="subject"):
        rpc("admin", "crm.ticket", "create", {"name": "", "team_id": setup["team"]})
    with pytest.raises(xmlrpc.client.Fault, match="does not exist"):
        rpc("admin", "crm.ticket", "create", {"name": "Lost", "team_id": 999999})
    ticket = rpc(
        "admin",
        "crm.ticket",
        "create",
        {"name": "With a file", "team_id": setup["team"]},
    )
    rpc(
        "admin",
        "ir.config_parameter",
        "set_param",
        "crm_suite.ticket_attachment_max_mb",
        "0.01",
    )
    try:
        with pytest.raises(xmlrpc.client.Fault, match="too large"):
            rpc(
                "admin",
                "ir.attachment",
                "create",
                {
                    "name": "big.bin",
                    "datas": base64.b64encode(b"z" * 50000).decode(),
                    "res_model": "crm.ticket",
                    "res_id": ticket,
                },
            )
    finally:
        rpc(
            "admin",
            "ir.config_parameter",
            "set_param",
            "crm_suite.ticket_attachment_max_mb",
            "10",
        )


JOBS_SCRIPT = r"""
import threading
from datetime import timedelta
from odoo import fields

registry = env.registry
Status = env["crm.ticket.sla.status"]
team = env["crm.ticket.team"].create(
    {"name": "Jobs team", "user_id": 2, "member_ids": [(6, 0, [2])],
     "assignment_method": "round_robin"}
)
env["crm.ticket.sla"].create(
    {"name": "Jobs SLA", "team_ids": [(6, 0, team.ids)], "response_hours": 1}
)
tickets = env["crm.ticket"].create(
    [{"name": f"Job {i}", "team_id": team.id} for i in range(30)]
)
# every deadline has passed
tickets.sla_status_ids.write({"deadline": fields.Datetime.now() - timedelta(hours=1)})
ids = tickets.ids
# the other tests' statuses are not this test's business
env.cr.execute(
    "UPDATE crm_ticket_sla_status SET warned = TRUE, escalated = TRUE"
    " WHERE ticket_id != ALL(%s)",
    [ids],
)
env.cr.commit()

def count_escalations(cr):
    cr.execute(
        "SELECT count(*) FROM crm_ticket_sla_status"
        " WHERE escalated AND ticket_id = ANY(%s)",
        [ids],
    )
    return cr.fetchone()[0]

out = {}
# 1. a crash in the middle of the batch: nothing of it stays,
#    the next run does it all once
original = type(env["mail.activity"]).create
def boom(self, vals_list):
    raise RuntimeError("injected failure")
with registry.cursor() as cr:
    job_env = env(cr=cr)
    type(job_env["mail.activity"]).create = boom
    try:
        job_env["crm.ticket.sla.status"]._cron_sla_alerts()
    except RuntimeError:
        cr.rollback()
    finally:
        type(job_env["mail.activity"]).create = original
with registry.cursor() as cr:
    out["after_crash"] = count_escalations(cr)

# 2. two workers at once: the first holds its rows, the second skips them
with registry.cursor() as cr_a, registry.cursor() as cr_b:
    cr_b.execute("SET LOCAL lock_timeout = '20s'")  # never hang the test run
    env_a, env_b = env(cr=cr_a), env(cr=cr_b)
    first = env_a["crm.ticket.sla.status"]._cron_sla_alerts(batch_size=20)
    second = env_b["crm.ticket.sla.status"]._cron_sla_alerts(batch_size=20)
    out["first"] = len(first)
    out["second"] = len(second)
    out["overlap"] = len(set(first.ids) & set(second.ids))
    cr_a.commit()
    cr_b.commit()
with registry.cursor() as cr:
    job_env = env(cr=cr)
    job_env["crm.ticket.sla.status"]._cron_sla_alerts()
    cr.commit()
    out["escalated"] = count_escalations(cr)
    cr.execute(
        "SELECT count(*) FROM mail_activity"
        " WHERE res_model = 'crm.ticket' AND res_id = ANY(%s)",
        [ids],
    )
    out["activities"] = cr.fetchone()[0]
    cr.execute(
        "SELECT count(*) FROM crm_ticket WHERE id = ANY(%s) AND priority = '1'",
        [ids],
    )
    out["raised"] = cr.fetchone()[0]
result(out)
"""


def test_sla_job_two_workers_and_a_crash(tickets_db, rpc):
    out = odoo_shell(tickets_db, JOBS_SCRIPT, "pytest_tickets_jobs.log")
    assert out["after_crash"] == 0, "a crashed batch leaves nothing half done"
    assert out["first"] == 20
    assert out["overlap"] == 0, "the second worker skips the rows the first holds"
    assert out["first"] + out["second"] == 30
    assert out["escalated"] == 30
    assert out["activities"] == 30, "one escalation activity per ticket, never two"
    assert out["raised"] == 30


def test_web_form_rate_limit_holds_across_workers(tickets_db, rpc):
    """Two Odoo worker processes, eight simultaneous posts from one address, a
    limit of five an hour: exactly five tickets (the count is in the database,
    not in a process)."""
    rpc(
        "admin",
        "ir.config_parameter",
        "set_param",
        "crm_suite.web_form_rate_limit",
        "5",
    )
    # the limit counts per clock hour: keep the burst inside one
    left = 3600 - time.time() % 3600
    if left < 20:
        time.sleep(left + 1)
    with odoo_server(tickets_db, "pytest_tickets_workers.log", workers=2) as base:

        def submit(index):
            session = requests.Session()
            page = session.get(f"{base}/support/ticket", timeout=60)
            token = re.search(r'name="csrf_token"\s+value="([^"]+)"', page.text)
            assert token, "the form carries a CSRF token"
            response = session.post(
                f"{base}/support/ticket",
                data={
                    "csrf_token": token.group(1),
                    "name": f"Burst {index}",
                    "email": f"burst{index}@example.test",
                    "subject": f"Burst ticket {index}",
                    "description": "Sent at the same time as seven others.",
                },
                timeout=120,
            )
            return response.status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(submit, range(8)))
    created = rpc(
        "admin", "crm.ticket", "search_count", [("name", "like", "Burst ticket")]
    )
    assert created == 5, (created, statuses)
    assert sorted(statuses) == [200] * 5 + [429] * 3
