# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pytest
from odoo_helpers import (
    OUR_ADDONS,
    db_exists,
    drop_db,
    env_flag,
    installed_states,
    run_odoo,
)


@pytest.fixture(scope="session")
def demo_db():
    """A database with the three addons and demo data.

    scripts/test.sh hands over the one its addons stage built (CRM_SUITE_TEST_DB); run
    alone, pytest builds and drops its own.
    """
    given = env_flag("CRM_SUITE_TEST_DB")
    if given and db_exists(given):
        assert set(installed_states(given).values()) == {"installed"}
        yield given
        return
    db = "crm_suite_pytest_demo"
    drop_db(db)
    run_odoo(
        "-d",
        db,
        "-i",
        ",".join(OUR_ADDONS),
        "--stop-after-init",
        "--no-http",
        log_name="pytest_demo_db.log",
    )
    try:
        yield db
    finally:
        drop_db(db)
