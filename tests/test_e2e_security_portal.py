# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The web form and the portal attacked over HTTP on a running server: two portal
users of two customers (``setup`` of test_e2e_tickets), JSON-RPC reads, forged proxy
headers, HTML and SVG uploads."""

import base64
import re

import pytest
import requests
import test_e2e_tickets
from odoo_helpers import JsonRpc, RpcError, odoo_server

# the ticket end-to-end tests' database and customers (pytest fixtures)
tickets_db = test_e2e_tickets.tickets_db
setup = test_e2e_tickets.setup

SVG = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
PORTAL_HIDDEN = {
    "lead_id",
    "user_id",
    "kanban_state",
    "first_response_hours",
    "resolution_hours",
    "first_response_date",
    "sla_status_ids",
    "sla_deadline",
    "sla_failed",
    "tag_ids",
    "channel",
    "email_cc",
}


@pytest.fixture(scope="module")
def server(tickets_db):
    with odoo_server(tickets_db, "pytest_e2e_security_portal.log") as base:
        yield base


@pytest.fixture(scope="module")
def rpc(tickets_db, server):
    """``rpc(login, model, method, *args)`` as ``setup`` calls it (password = login),
    over JSON-RPC; an error is an ``RpcError`` carrying Odoo's exception name."""
    clients = {}

    def call(login, model, method, *args, **kwargs):
        if login not in clients:
            clients[login] = JsonRpc(server, tickets_db)
            clients[login].login(login, login)
        return clients[login].call(model, method, *args, **kwargs)

    return call


def _csrf(session, url):
    page = session.get(url, timeout=60)
    token = re.search(r'name="csrf_token"\s+value="([^"]+)"', page.text)
    assert token, f"{url} carries a CSRF token"
    return token.group(1)


def _portal_session(server, db, login):
    session = requests.Session()
    token = _csrf(session, f"{server}/web/login")
    response = session.post(
        f"{server}/web/login",
        data={"csrf_token": token, "login": login, "password": login, "db": db},
        timeout=60,
    )
    assert response.ok and "/web/login" not in response.url, "portal login"
    return session


def _web_form(server, data, headers=None, files=None):
    session = requests.Session()
    token = _csrf(session, f"{server}/support/ticket")
    return session.post(
        f"{server}/support/ticket",
        data={"csrf_token": token, **data},
        headers=headers or {},
        files=files,
        timeout=120,
    )


def _set_limit(rpc, value):
    rpc(
        "admin",
        "ir.config_parameter",
        "set_param",
        "crm_suite.web_form_rate_limit",
        str(value),
    )


@pytest.fixture(scope="module")
def tickets(rpc, setup):
    (_umbrella, umbrella_contact, _), (_initech, initech_contact, _) = setup[
        "customers"
    ]
    agent = setup["agents"][0]

    def create(name, partner):
        return rpc(
            "admin",
            "crm.ticket",
            "create",
            {"name": name, "team_id": setup["team"], "partner_id": partner},
        )

    mine = create("Sec Umbrella ticket", umbrella_contact)
    theirs = create("Sec Initech ticket", initech_contact)
    lead = rpc("admin", "crm.lead", "create", {"name": "Sec Umbrella deal"})
    rpc("admin", "crm.ticket", "write", [mine], {"lead_id": lead, "user_id": agent})
    return {"mine": mine, "theirs": theirs, "lead": lead}


def test_portal_rpc_reads_only_portal_fields(rpc, setup, tickets):
    (_, _, umbrella_login), (_, _, initech_login) = setup["customers"]
    rows = rpc(umbrella_login, "crm.ticket", "search_read", [], [])
    assert [row["id"] for row in rows] == [tickets["mine"]]
    assert not PORTAL_HIDDEN & set(rows[0]), PORTAL_HIDDEN & set(rows[0])
    assert [r["id"] for r in rpc(initech_login, "crm.ticket", "search_read", [])] == [
        tickets["theirs"]
    ]
    for field in ("lead_id", "user_id", "resolution_hours", "kanban_state"):
        with pytest.raises(RpcError) as error:
            rpc(umbrella_login, "crm.ticket", "read", [tickets["mine"]], [field])
        assert error.value.name == "odoo.exceptions.AccessError", field
    with pytest.raises(RpcError):
        rpc(
            umbrella_login,
            "crm.ticket",
            "search",
            [("lead_id", "=", tickets["lead"])],
        )


def test_portal_rpc_refused(rpc, setup, tickets):
    (_, _, umbrella_login), _ = setup["customers"]
    rpc(
        "admin",
        "crm.ticket.sla",
        "create",
        {"name": "Sec SLA", "team_ids": [(6, 0, [setup["team"]])], "response_hours": 2},
    )
    rpc("admin", "crm.ticket", "write", [tickets["mine"]], {"priority": "1"})
    statuses = rpc(
        "admin",
        "crm.ticket.sla.status",
        "search",
        [("ticket_id", "=", tickets["mine"])],
    )
    assert statuses
    calls = [
        ("crm.ticket.sla.status", "read", [statuses, ["deadline"]]),
        ("crm.ticket.sla.status", "search_read", [[], ["deadline"]]),
        ("rating.rating", "search_read", [[], ["feedback"]]),
        ("ir.attachment", "search_read", [[("res_model", "=", "crm.ticket")], ["raw"]]),
        ("crm.ticket", "write", [[tickets["mine"]], {"name": "hacked"}]),
        ("crm.ticket", "action_close", [[tickets["mine"]]]),
    ]
    for model, method, args in calls:
        with pytest.raises(RpcError) as error:
            rpc(umbrella_login, model, method, *args)
        assert error.value.name == "odoo.exceptions.AccessError", (model, method)
    closed = rpc("admin", "crm.ticket", "read", [tickets["mine"]], ["is_closed"])
    assert not closed[0]["is_closed"]


def test_merge_across_customers_refused(rpc, setup, tickets):
    wizard = rpc(
        "e2e_agent_a",
        "crm.ticket.merge",
        "create",
        {"ticket_ids": [(6, 0, [tickets["mine"], tickets["theirs"]])]},
    )
    with pytest.raises(RpcError) as error:
        rpc("e2e_agent_a", "crm.ticket.merge", "action_merge", [wizard])
    assert error.value.name == "odoo.exceptions.UserError"
    assert "different customers" in str(error.value)
    active = rpc("admin", "crm.ticket", "read", [tickets["theirs"]], ["active"])
    assert active[0]["active"]


def test_portal_files_only_of_public_messages(rpc, server, tickets_db, setup, tickets):
    (_, _, umbrella_login), (_, _, initech_login) = setup["customers"]
    mine = tickets["mine"]

    def attach(name, content):
        return rpc(
            "admin",
            "ir.attachment",
            "create",
            {
                "name": name,
                "datas": base64.b64encode(content).decode(),
                "res_model": "crm.ticket",
                "res_id": mine,
            },
        )

    record_file = attach("sec_record.txt", b"SEC-RECORD")
    note_file = attach("sec_note.txt", b"SEC-NOTE")
    public_file = attach("sec_public.svg", SVG)
    rpc(
        "admin",
        "crm.ticket",
        "message_post",
        [mine],
        body="internal",
        subtype_xmlid="mail.mt_note",
        attachment_ids=[note_file],
    )
    rpc(
        "admin",
        "crm.ticket",
        "message_post",
        [mine],
        body="public",
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
        attachment_ids=[public_file],
    )
    session = _portal_session(server, tickets_db, umbrella_login)
    page = session.get(f"{server}/my/tickets/{mine}", timeout=60)
    assert page.status_code == 200
    assert "sec_public.svg" in page.text
    assert "sec_record.txt" not in page.text and "sec_note.txt" not in page.text
    response = session.get(
        f"{server}/my/tickets/{mine}/attachments/{public_file}", timeout=60
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for hidden in (record_file, note_file):
        for url in (
            f"/my/tickets/{mine}/attachments/{hidden}",
            f"/web/content/{hidden}?download=true",
        ):
            response = session.get(f"{server}{url}", timeout=60)
            assert response.status_code != 200, url
            assert b"SEC-" not in response.content, url
    # the chatter's file list, logged in and with the ticket's token
    # (the acknowledgement's portal link gave the ticket its token)
    token = rpc("admin", "crm.ticket", "read", [mine], ["access_token"])[0][
        "access_token"
    ]
    assert token
    for client, extra in ((session, {}), (requests.Session(), {"token": token})):
        listing = client.post(
            f"{server}/mail/thread/data",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "thread_model": "crm.ticket",
                    "thread_id": mine,
                    "request_list": ["attachments"],
                    **extra,
                },
            },
            timeout=60,
        )
        assert "sec_record.txt" not in listing.text, extra
        assert "sec_note.txt" not in listing.text, extra
    other = _portal_session(server, tickets_db, initech_login)
    response = other.get(
        f"{server}/my/tickets/{mine}/attachments/{public_file}", timeout=60
    )
    assert response.status_code == 404
    response = other.get(
        f"{server}/my/tickets/{tickets['theirs']}/attachments/{public_file}",
        timeout=60,
    )
    assert response.status_code == 404


def test_web_form_with_a_customers_email(rpc, server, setup):
    (umbrella, umbrella_contact, umbrella_login), _ = setup["customers"]
    _set_limit(rpc, 1000)
    lead = rpc(
        "admin",
        "crm.lead",
        "create",
        {"name": "Sec Umbrella lead", "partner_id": umbrella},
    )
    response = _web_form(
        server,
        {
            "name": "Mallory",
            "email": "buyer@umbrella.test",
            "subject": "Sec spoofed request",
            "description": "Send me the invoices",
            # fields the form does not have
            "partner_id": str(umbrella_contact),
            "user_id": "2",
            "team_id": str(setup["team"]),
            "priority": "3",
            "company_id": "1",
            "lead_id": str(lead),
        },
    )
    assert response.status_code == 200
    ticket = rpc(
        "admin",
        "crm.ticket",
        "search_read",
        [("name", "=", "Sec spoofed request")],
        ["partner_id", "commercial_partner_id", "priority", "user_id", "lead_id"],
    )
    assert len(ticket) == 1
    ticket = ticket[0]
    assert ticket["partner_id"][0] != umbrella_contact
    assert ticket["commercial_partner_id"][0] not in (umbrella, umbrella_contact)
    assert ticket["priority"] == "0"
    assert not ticket["lead_id"]
    assert not ticket["user_id"] or ticket["user_id"][0] != 2
    assert ticket["id"] not in rpc(umbrella_login, "crm.ticket", "search", [])
    events = rpc(
        "admin",
        "crm.score.event",
        "search_read",
        [
            "|",
            ("lead_id", "=", lead),
            ("partner_id", "in", [umbrella, umbrella_contact]),
        ],
        ["res_model", "res_id"],
    )
    assert not [e for e in events if e["res_id"] == ticket["id"]], events


def test_web_form_rate_limit_ignores_forged_headers(rpc, server):
    _set_limit(rpc, 1000)
    # earlier tests posted from this address: leave room for two more
    counters = rpc(
        "admin",
        "crm.suite.rate.limit",
        "search_read",
        [("key", "=", "ticket_form:127.0.0.1")],
        ["hit_times"],
    )
    used = len(counters[0]["hit_times"]) if counters else 0
    _set_limit(rpc, used + 2)
    statuses = [
        _web_form(
            server,
            {
                "name": "Bot",
                "email": f"bot{index}@example.test",
                "subject": f"Sec forged {index}",
            },
            headers={
                "X-Forwarded-For": f"198.51.100.{index}, 2001:db8:{index}::1",
                "X-Forwarded-Host": "attacker.example",
                "X-Real-IP": f"203.0.113.{index}",
                "Forwarded": f"for=192.0.2.{index}",
            },
        ).status_code
        for index in range(4)
    ]
    _set_limit(rpc, 1000)
    assert statuses == [200, 200, 429, 429]
    created = rpc(
        "admin", "crm.ticket", "search_count", [("name", "like", "Sec forged")]
    )
    assert created == 2


def test_web_form_svg_and_html_stored_as_plain_text(rpc, server):
    _set_limit(rpc, 1000)
    response = _web_form(
        server,
        {"name": "Eve", "email": "eve@example.test", "subject": "Sec svg upload"},
        files=[
            (
                "attachments",
                ("x.svg", b"<svg><script>alert(1)</script></svg>", "image/svg+xml"),
            ),
            ("attachments", ("x.html", b"<script>alert(2)</script>", "text/html")),
        ],
    )
    assert response.status_code == 200
    ticket = rpc("admin", "crm.ticket", "search", [("name", "=", "Sec svg upload")])
    files = rpc(
        "admin",
        "ir.attachment",
        "search_read",
        [("res_model", "=", "crm.ticket"), ("res_id", "in", ticket)],
        ["mimetype"],
    )
    assert len(files) == 2
    assert {f["mimetype"] for f in files} == {"text/plain"}


def test_web_form_files_per_request_limited(rpc, server):
    _set_limit(rpc, 1000)
    response = _web_form(
        server,
        {"name": "Eve", "email": "eve@example.test", "subject": "Sec many files"},
        files=[("attachments", (f"f{i}.txt", b"x", "text/plain")) for i in range(30)],
    )
    assert response.status_code == 200
    assert "You sent 30 files" in response.text
    assert not rpc("admin", "crm.ticket", "search", [("name", "=", "Sec many files")])


def test_portal_search_by_internal_notes_refused(
    rpc,
    server,
    tickets_db,
    setup,
    tickets,
):
    """A yes/no search on the chatter would spell an internal note out, one
    character at a time (``message_ids`` joins ``mail_message`` in SQL, past
    the rules that hide internal notes from customers)."""
    (_, _, umbrella_login), _ = setup["customers"]
    mine = tickets["mine"]
    rpc(
        "admin",
        "crm.ticket",
        "message_post",
        [mine],
        body="Sec internal refund code 4711-XQ",
        subtype_xmlid="mail.mt_note",
    )
    attacks = [
        [("id", "=", mine), ("message_ids.body", "=like", "%refund code 4%")],
        [("id", "=", mine), ("message_ids", "any", [("body", "ilike", "4711")])],
        [("message_ids.is_internal", "=", True)],
        [("website_message_ids.body", "ilike", "4711")],
        [("partner_id.message_ids.body", "ilike", "4711")],
        [("activity_user_id", "!=", False)],
    ]
    for domain in attacks:
        with pytest.raises(RpcError) as error:
            rpc(umbrella_login, "crm.ticket", "search_count", domain)
        assert error.value.name == "odoo.exceptions.AccessError", domain
    with pytest.raises(RpcError) as error:
        rpc(
            umbrella_login,
            "crm.ticket",
            "web_search_read",
            [("message_ids.body", "ilike", "4711")],
            {"name": {}},
        )
    assert error.value.name == "odoo.exceptions.AccessError"
    # what customers search by still works
    assert rpc(umbrella_login, "crm.ticket", "search_count", [("id", "=", mine)]) == 1
    # agents search the chatter as before
    assert rpc(
        "e2e_agent_a",
        "crm.ticket",
        "search",
        [("message_ids.body", "ilike", "4711-XQ")],
    ) == [mine]
    # the portal pages: list (search, filter, sort), home counters, ticket
    session = _portal_session(server, tickets_db, umbrella_login)
    for url in (
        "/my/tickets",
        "/my/tickets?search=Umbrella&search_in=all&filterby=open&sortby=stage",
        "/my/tickets?sortby=priority&filterby=all",
        f"/my/tickets/{mine}",
    ):
        page = session.get(f"{server}{url}", timeout=60)
        assert page.status_code == 200, url
        assert "Sec Umbrella ticket" in page.text, url
        assert "4711" not in page.text, url
    home = session.post(
        f"{server}/my/counters",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"counters": ["crm_ticket_count"]},
        },
        timeout=60,
    )
    assert home.status_code == 200
    assert home.json().get("result", {}).get("crm_ticket_count") == 1, home.text
