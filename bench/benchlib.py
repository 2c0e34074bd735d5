# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What every benchmark of bench/ needs: Odoo on the bench database, and a
vacuumed database between runs."""

import os
import subprocess
from contextlib import contextmanager

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@contextmanager
def odoo_env(db, context=None):
    """An Odoo environment (superuser) on ``db`` with the project's odoo.conf;
    the cursor closes on exit (what was not committed is rolled back)."""
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(
        ["-c", os.path.join(REPO, "odoo.conf"), "-d", db, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, context or {})


def vacuum(db, tables=()):
    """VACUUM ANALYZE ``tables`` (all when empty), outside any transaction, so
    a run does not pay for the dead rows the previous one left."""
    command = "VACUUM ANALYZE " + ", ".join(tables)
    subprocess.run(["psql", "-X", "-q", "-d", db, "-c", command.strip()], check=True)
