# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""End to end: a real server on a free port, driven over JSON-RPC with ``requests``."""

import pytest
from odoo_helpers import OUR_ADDONS, JsonRpc, RpcError, odoo_server

ROOT_MENUS = {
    "crm_suite": "crm_suite.menu_crm_suite_root",
    "crm_analytics": "crm_analytics.menu_crm_analytics_root",
    "crm_collab": "crm_collab.menu_crm_collab_root",
}


@pytest.fixture(scope="module")
def server(demo_db):
    with odoo_server(demo_db, "pytest_e2e_server.log") as base:
        yield base, demo_db


def _menu_xmlids(rpc):
    menus = rpc.call("ir.ui.menu", "load_menus", False)
    return {
        m["xmlid"] for m in menus.values() if isinstance(m, dict) and m.get("xmlid")
    }


def test_admin_sees_three_addons_installed(server):
    base, db = server
    rpc = JsonRpc(base, db)
    rpc.login("admin", "admin")
    modules = rpc.call(
        "ir.module.module",
        "search_read",
        [("name", "in", OUR_ADDONS)],
        fields=["name", "state", "latest_version"],
    )
    assert {m["name"]: m["state"] for m in modules} == dict.fromkeys(
        OUR_ADDONS, "installed"
    )
    assert all(m["latest_version"].startswith("18.0.") for m in modules)


def test_admin_menus_load_with_every_top_menu(server):
    base, db = server
    rpc = JsonRpc(base, db)
    rpc.login("admin", "admin")
    xmlids = _menu_xmlids(rpc)
    assert set(ROOT_MENUS.values()) <= xmlids
    # The web client's own menu route answers too (what the browser calls first).
    response = rpc.session.get(f"{base}/web/webclient/load_menus/0", timeout=60)
    assert response.status_code == 200
    loaded = {m.get("xmlid") for m in response.json().values() if isinstance(m, dict)}
    assert set(ROOT_MENUS.values()) <= loaded


def test_each_top_menu_action_opens(server):
    """Every action under our top menus loads its views, as the web client does."""
    base, db = server
    rpc = JsonRpc(base, db)
    rpc.login("admin", "admin")
    for root in ROOT_MENUS.values():
        module, name = root.split(".")
        root_id = rpc.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            fields=["res_id"],
        )[0]["res_id"]
        menus = rpc.call(
            "ir.ui.menu",
            "search_read",
            [("id", "child_of", root_id)],
            fields=["action"],
        )
        actions = [m["action"] for m in menus if m["action"]]
        assert actions, f"{root} opens nothing"
        for ref in actions:
            _assert_action_opens(rpc, ref)


def _assert_action_opens(rpc, ref):
    """What the web client does with a menu's action: a window action loads its
    views; a server action (a role's first screen) runs and gives one that does;
    a client action names the component it opens."""
    model, action_id = ref.split(",")
    if model == "ir.actions.server":
        action = rpc._post("/web/action/run", {"action_id": int(action_id)})
        assert action and action["type"] == "ir.actions.act_window", ref
        views = action["views"]
    elif model == "ir.actions.client":
        action = rpc.call(model, "read", [int(action_id)], ["tag"])[0]
        assert action["tag"], f"{ref} opens no component"
        return
    else:
        action = rpc.call(model, "read", [int(action_id)], ["res_model", "view_mode"])[
            0
        ]
        views = [[False, mode] for mode in action["view_mode"].split(",")]
    result = rpc.call(action["res_model"], "get_views", views)
    assert result["views"], f"{action['res_model']} has no views"


def test_salesperson_sees_suite_but_not_analytics(server):
    base, db = server
    rpc = JsonRpc(base, db)
    rpc.login("sofia", "sofia")
    xmlids = _menu_xmlids(rpc)
    assert ROOT_MENUS["crm_suite"] in xmlids
    assert ROOT_MENUS["crm_analytics"] not in xmlids
    assert "crm_suite.menu_crm_suite_config" not in xmlids


def test_wrong_password_is_refused(server):
    base, db = server
    rpc = JsonRpc(base, db)
    with pytest.raises(RpcError) as caught:
        rpc.login("admin", "not-the-password")
    assert "AccessDenied" in caught.value.name


def test_database_manager_refuses_the_default_master_password(server):
    """The committed odoo.conf sets no master password: the database manager refuses
    every destructive call, "admin" included, and the database stays."""
    base, db = server
    rpc = JsonRpc(base, db)
    for password in ("admin", ""):
        response = rpc.session.post(
            f"{base}/jsonrpc",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "service": "db",
                    "method": "dump",
                    "args": [password, db, "zip"],
                },
            },
            timeout=60,
        )
        error = response.json().get("error")
        assert error, f"the database manager dumped {db} with {password!r}"
        assert "AccessDenied" in error["data"]["name"]
    rpc.login("admin", "admin")
    assert rpc.call("res.users", "search_count", [("login", "=", "admin")]) == 1
