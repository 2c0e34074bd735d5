# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Install the three addons on a database that already has leads, partners and invoices;
uninstall them one by one; the data stays and the database stays usable."""

import pytest
from odoo_helpers import (
    JsonRpc,
    installed_states,
    odoo_server,
    odoo_shell,
    run_odoo,
)

STOCK = "crm,mass_mailing,mass_mailing_crm,portal,rating,utm,resource,account"


def step(db, call, log_name):
    """Run ``shell_steps.<call>`` in ``odoo shell`` and return what it returns."""
    return odoo_shell(db, f"import shell_steps\nresult(shell_steps.{call})\n", log_name)


@pytest.fixture(scope="module")
def lifecycle_db(fresh_db):
    return fresh_db("lifecycle", modules=STOCK, log_name="lifecycle_stock.log")


def test_install_then_uninstall_one_by_one(lifecycle_db):
    db = lifecycle_db
    seeded = step(db, "seed(env)", "lifecycle_seed.log")
    assert seeded["posted"] == ["posted"] * 5
    before = step(db, "snapshot(env)", "lifecycle_before.log")
    assert before == {"leads": 10, "partners": 5, "invoices": 5, "revenue": 1200.0}

    run_odoo(
        "-d",
        db,
        "-i",
        "crm_suite,crm_analytics,crm_collab",
        "--stop-after-init",
        "--no-http",
        log_name="lifecycle_install.log",
    )
    assert installed_states(db) == dict.fromkeys(
        ["crm_suite", "crm_analytics", "crm_collab"], "installed"
    )
    assert step(db, "snapshot(env)", "lifecycle_installed.log") == before

    # Highest first: crm_analytics and crm_collab depend on crm_suite.
    for name in ("crm_collab", "crm_analytics", "crm_suite"):
        step(db, f"uninstall(env, {name!r})", f"lifecycle_uninstall_{name}.log")
        assert installed_states(db).get(name) == "uninstalled"
        after = step(
            db, f"after_uninstall(env, {name!r})", f"lifecycle_after_{name}.log"
        )
        assert after["xmlids_left"] == 0, f"{name} left records behind"
        assert after["broken_views"] == []
        assert after["menus"] > 1
        assert after["won"] is True
        assert step(db, "snapshot(env)", f"lifecycle_data_{name}.log") == before

    # The database still serves users: a server starts and admin logs in over JSON-RPC.
    with odoo_server(db, "lifecycle_server.log") as base:
        rpc = JsonRpc(base, db)
        rpc.login("admin", "admin")
        assert (
            rpc.call("crm.lead", "search_count", [("name", "like", "Lifecycle Lead")])
            == 10
        )
