# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The databases of the top-level tests: ``demo_db`` (the three addons with demo data,
shared by the session) and ``fresh_db``, a factory of fresh databases a test module
builds for itself and that are dropped when the module is done."""

import pytest
from odoo_helpers import (
    OUR_ADDONS,
    build_db,
    db_exists,
    db_name_for,
    drop_db,
    env_flag,
    installed_states,
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
    db = build_db(
        db_name_for("pytest_demo"),
        ",".join(OUR_ADDONS),
        demo=True,
        log_name="pytest_demo_db.log",
    )
    try:
        yield db
    finally:
        drop_db(db)


@pytest.fixture(scope="module")
def fresh_db():
    """``fresh_db(name, modules="crm_suite", demo=False, log_name=None)``: a new
    database ``crm_suite_<name>_<pid>`` with ``modules`` installed (without demo data
    unless ``demo``), dropped with the others at the end of the test module."""
    built = []

    def build(name, modules="crm_suite", demo=False, log_name=None):
        db = db_name_for(name)
        built.append(db)
        return build_db(db, modules, demo=demo, log_name=log_name)

    try:
        yield build
    finally:
        for db in reversed(built):
            drop_db(db)
