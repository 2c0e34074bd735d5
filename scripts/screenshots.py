#!/usr/bin/env python3
# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Take screenshots of CRM Suite's main screens on a running Odoo, in English,
French and Arabic, with the headless Chromium of the browser tours.

Run by ``scripts/screenshots.sh``, which prepares a throwaway copy of the demo
database and serves it. The helper switches the users' language in that
database, logs in over JSON-RPC as each role (administrator ``admin``,
salesperson ``sofia``, agent ``theo``, portal customer ``portal``), hands the
session to Chromium through the DevTools protocol and writes one PNG per
screen, role and language: every list of the CRM Suite menus (to see that no
column header is cut off), the forms, the two dialogs, each role's first
screen and the portal pages.
"""

import argparse
import base64
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

# the browser Odoo's tours start (odoo.tests.common._find_executable, which cannot be
# imported outside a test run), in the same order
BROWSERS = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")
LANGS = ("en_US", "fr_FR", "ar_001")
# (login, file prefix): the internal roles whose first screen is taken
ROLES = (("sofia", "salesperson"), ("theo", "agent"))
WIDTH, HEIGHT = 1440, 900
BACKEND_READY = (
    "!!document.querySelector('.o_action_manager .o_view_controller %s')"
    " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
)
PORTAL_READY = (
    "document.readyState === 'complete' && !!document.querySelector('#wrapwrap')"
)
# the portal chatter lives in a shadow root (portal_chatter_service.js)
CHATTER_READY = (
    PORTAL_READY + " && !!document.querySelector('#chatterRoot')?.shadowRoot"
    "?.querySelector('.o-mail-Thread')"
)
# notifications over the view (the bus's "page out of date" after the language change)
CLOSE_NOTIFICATIONS = (
    "document.querySelectorAll('.o_notification_manager .o_notification_close')"
    ".forEach((button) => button.click())"
)
SHOW_SCORE_TAB = """
(() => {
    const tab = document.querySelector('.o_notebook_headers [name="score"]');
    if (!tab) { return false; }
    tab.click();
    document.querySelector('.o_notebook').scrollIntoView();
    return true;
})()
"""
LOGIN_PAGE = "!!document.querySelector('.oe_login_form')"
DIALOG_READY = "!!document.querySelector('.modal .modal-title')"
OPEN_FIRST_STEP = """
(() => {
    const cell = document.querySelector('.o_field_one2many .o_data_row .o_data_cell');
    if (!cell) { return false; }
    cell.click();
    return true;
})()
"""
OPEN_TEST_WIZARD = """
(() => {
    const button = document.querySelector('button[name="action_open_test"]');
    if (!button) { return false; }
    button.click();
    return true;
})()
"""
# every list reached from the CRM Suite menus (action XML id, file name)
LIST_ACTIONS = (
    ("crm_suite.crm_lead_action_all", "10_list_leads"),
    ("crm_suite.crm_drip_campaign_action", "11_list_campaigns"),
    ("crm_suite.crm_drip_participant_action", "12_list_participants"),
    ("crm_suite.crm_drip_trace_action", "13_list_drip_traces"),
    ("crm_suite.crm_ticket_action", "14_list_tickets"),
    ("crm_suite.crm_lead_score_line_action", "15_list_score_lines"),
    ("crm_suite.crm_score_rule_action", "16_list_score_rules"),
    ("crm_suite.crm_ticket_team_action", "17_list_ticket_teams"),
    ("crm_suite.crm_ticket_stage_action", "18_list_ticket_stages"),
    ("crm_suite.crm_ticket_type_action", "19_list_ticket_types"),
    ("crm_suite.crm_ticket_sla_action", "20_list_sla_policies"),
    ("crm_suite.crm_ticket_routing_rule_action", "21_list_routing_rules"),
)


class OdooClient:
    """JSON-RPC over the web client's routes, with a session of its own."""

    def __init__(self, url, db):
        self.url, self.db = url.rstrip("/"), db
        self.http = requests.Session()
        self.uid = None

    def _rpc(self, path, params):
        response = self.http.post(
            self.url + path,
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=300,
        )
        response.raise_for_status()
        body = response.json()
        if body.get("error"):
            raise RuntimeError(f"{path}: {json.dumps(body['error'])[:800]}")
        return body["result"]

    def login(self, login, password):
        self.http.cookies.clear()
        result = self._rpc(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )
        self.uid = result["uid"]
        return self.http.cookies["session_id"]

    def call(self, model, method, *args, **kwargs):
        return self._rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        return rows[0]["res_id"] if rows else False

    def first(self, model, domain, order=None):
        ids = self.call(model, "search", domain, limit=1, order=order)
        return ids[0] if ids else False


class Chromium:
    """One headless Chromium driven over the DevTools protocol."""

    def __init__(self):
        executable = next(filter(None, map(shutil.which, BROWSERS)), None)
        if not executable:
            sys.exit(
                f"none of {', '.join(BROWSERS)} is on the PATH: run scripts/setup.sh"
            )
        self.profile = tempfile.mkdtemp(prefix="crm-suite-screens-")
        self.proc = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--no-first-run",
                "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile, "DevToolsActivePort")
        for _ in range(100):
            if port_file.is_file() and port_file.stat().st_size > 5:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("Chromium did not start")
        port = int(port_file.read_text().splitlines()[0])
        pages = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        page = next(target for target in pages if target["type"] == "page")
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], suppress_origin=True, timeout=120
        )
        self.ids = itertools.count(1)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def send(self, method, **params):
        message_id = next(self.ids)
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def wait_for(self, expression, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(expression):
                return True
            time.sleep(0.3)
        return False

    def use_session(self, base_url, session_id):
        self.send("Network.clearBrowserCookies")
        self.send(
            "Network.setCookie", name="session_id", value=session_id, url=base_url
        )

    def shoot(self, url, path, ready, then=None, soft=False):
        """``then``: a script to run once loaded, or (script, what to wait for)."""
        self.send("Page.navigate", url=url)
        time.sleep(0.5)
        if not self.wait_for(ready):
            if self.evaluate(LOGIN_PAGE):
                raise RuntimeError(f"{url} showed the login page")
            if not soft:
                raise RuntimeError(f"{url} did not finish loading ({ready})")
            print(f"  (still loading after 60 s: {url})", flush=True)
        then, then_ready = then if isinstance(then, tuple) else (then, None)
        if then and not self.evaluate(then):
            print(f"  (could not run the step after loading {url})", flush=True)
        elif then_ready and not self.wait_for(then_ready, timeout=20):
            print(f"  (the step after loading {url} showed nothing)", flush=True)
        time.sleep(1.5)  # animations, lazy images
        self.evaluate(CLOSE_NOTIFICATIONS)
        time.sleep(0.5)
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        print(f"  {path.name}", flush=True)

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            self.proc.wait(15)
            shutil.rmtree(self.profile, ignore_errors=True)


def backend_screens(odoo):
    """(file name, URL path, readiness check, step after loading)."""
    lead = odoo.first("crm.lead", [], order="score desc, id")
    campaigns = odoo.call("crm.drip.campaign", "search_read", [], ["state"], order="id")
    campaign = next(
        (c["id"] for c in campaigns if c["state"] == "running"),
        campaigns[0]["id"] if campaigns else False,
    )
    tickets = odoo.call(
        "crm.ticket", "search_read", [], ["message_ids"], order="id", limit=200
    )
    ticket = max(tickets, key=lambda t: len(t["message_ids"]))["id"] if tickets else 0
    leads_action = "/odoo/action-crm.crm_lead_all_leads"
    campaigns_action = "/odoo/action-crm_suite.crm_drip_campaign_action"
    tickets_action = "/odoo/action-crm_suite.crm_ticket_action"
    screens = [
        ("01_leads", leads_action, BACKEND_READY % ".o_list_renderer", None),
        (
            "02_pipeline",
            "/odoo/action-crm.crm_lead_action_pipeline",
            BACKEND_READY % ".o_kanban_renderer",
            None,
        ),
        (
            "03_lead_score",
            f"{leads_action}/{lead}",
            BACKEND_READY % ".o_form_sheet",
            SHOW_SCORE_TAB,
        ),
        (
            "04_drip_campaign",
            f"{campaigns_action}/{campaign}" if campaign else campaigns_action,
            BACKEND_READY % (".o_form_sheet" if campaign else ""),
            None,
        ),
        (
            "05_tickets_kanban",
            tickets_action,
            BACKEND_READY % ".o_kanban_renderer",
            None,
        ),
        (
            "06_ticket_form",
            f"{tickets_action}/{ticket}",
            BACKEND_READY % ".o_form_sheet",
            None,
        ),
        (
            "07_service_overview",
            "/odoo/action-crm_suite.crm_ticket_team_action_dashboard",
            BACKEND_READY % ".o_kanban_renderer",
            None,
        ),
        (
            "08_ticket_analysis",
            "/odoo/action-crm_suite.crm_ticket_report_action",
            BACKEND_READY % "",
            None,
        ),
    ]
    screens += [
        (
            "09_analytics_dashboard",
            "/odoo/action-crm_analytics.crm_analytics_action_dashboard",
            "!!document.querySelector('.o_crm_profitability_dashboard "
            ".o_crm_dashboard_card, .o_crm_dashboard_empty')",
            None,
        ),
        (
            "22_list_profitability",
            "/odoo/action-crm_analytics.crm_customer_profitability_action"
            "?view_type=list",
            BACKEND_READY % ".o_list_renderer",
            None,
        ),
    ]
    if campaign:
        screens += [
            (
                "30_dialog_drip_step",
                f"{campaigns_action}/{campaign}",
                BACKEND_READY % ".o_form_sheet",
                (OPEN_FIRST_STEP, DIALOG_READY),
            ),
            (
                "31_dialog_drip_test",
                f"{campaigns_action}/{campaign}",
                BACKEND_READY % ".o_form_sheet",
                (OPEN_TEST_WIZARD, DIALOG_READY),
            ),
        ]
    screens += [
        (
            name,
            f"/odoo/action-{xmlid}?view_type=list",
            BACKEND_READY % ".o_list_renderer",
            None,
        )
        for xmlid, name in LIST_ACTIONS
    ]
    return screens


def wait_for_server(url, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/web/health", timeout=5).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    sys.exit(f"no Odoo answered on {url} within {timeout} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--admin", default="admin:admin")
    parser.add_argument("--portal", default="portal")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    admin_login, admin_password = args.admin.split(":", 1)

    wait_for_server(args.url)
    admin = OdooClient(args.url, args.db)
    admin.login(admin_login, admin_password)
    portal_uid = admin.first("res.users", [("login", "=", args.portal)])
    if not portal_uid:
        sys.exit(f"no portal user with login {args.portal!r} in {args.db}")
    # a throwaway copy: give the customer and the roles known passwords
    admin.call("res.users", "write", [portal_uid], {"password": args.portal})
    roles, role_uids = [], []
    for login, role in ROLES:
        uid = admin.first("res.users", [("login", "=", login)])
        if uid:
            admin.call("res.users", "write", [uid], {"password": login})
            roles.append((login, role))
            role_uids.append(uid)
    portal_partner = admin.call(
        "res.users", "read", [portal_uid], ["commercial_partner_id"]
    )[0]["commercial_partner_id"][0]
    portal_tickets = admin.call(
        "crm.ticket",
        "search_read",
        [("commercial_partner_id", "=", portal_partner)],
        ["website_message_ids"],
        order="id",
    )
    portal_ticket = (
        max(portal_tickets, key=lambda t: len(t["website_message_ids"]))["id"]
        if portal_tickets
        else False
    )
    screens = backend_screens(admin)

    browser = Chromium()
    try:
        for lang in LANGS:
            prefix = lang.split("_")[0]
            print(f"{lang}:", flush=True)
            admin.call(
                "res.users",
                "write",
                [admin.uid, portal_uid, *role_uids],
                {"lang": lang},
            )
            browser.use_session(args.url, admin.login(admin_login, admin_password))
            for name, path, ready, then in screens:
                browser.shoot(
                    args.url + path, args.out / f"{prefix}_{name}.png", ready, then
                )
            for login, role in roles:
                member = OdooClient(args.url, args.db)
                browser.use_session(args.url, member.login(login, login))
                browser.shoot(
                    args.url + "/odoo",
                    args.out / f"{prefix}_40_{role}_home.png",
                    BACKEND_READY % "",
                )
            customer = OdooClient(args.url, args.db)
            browser.use_session(args.url, customer.login(args.portal, args.portal))
            browser.shoot(
                args.url + "/my/tickets",
                args.out / f"{prefix}_50_portal_tickets.png",
                PORTAL_READY,
            )
            browser.shoot(
                args.url + "/my/tickets/new",
                args.out / f"{prefix}_51_portal_new_ticket.png",
                PORTAL_READY,
            )
            if portal_ticket:
                browser.shoot(
                    args.url + f"/my/tickets/{portal_ticket}",
                    args.out / f"{prefix}_52_portal_ticket.png",
                    CHATTER_READY,
                    soft=True,
                )
        admin.call("res.users", "write", [admin.uid, *role_uids], {"lang": "en_US"})
    finally:
        browser.close()


if __name__ == "__main__":
    main()
