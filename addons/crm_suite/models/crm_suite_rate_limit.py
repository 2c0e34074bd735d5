# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time

from odoo import api, fields, models
from odoo.tools import SQL


class CrmSuiteRateLimit(models.Model):
    """Hit counters of public routes, kept in the database so that a limit
    holds across every Odoo worker (a counter in a process would not).

    One row per key and time window, incremented by an upsert: two workers
    counting the same key at once conflict on the row, PostgreSQL makes one of
    them fail with a serialization error and Odoo replays its request, which
    then sees the other's hit.
    """

    _name = "crm.suite.rate.limit"
    _description = "Public Route Rate Limit"
    _log_access = False

    key = fields.Char(required=True)
    window_start = fields.Integer(
        required=True, help="Start of the window (Unix time)."
    )
    hits = fields.Integer(required=True, default=0)
    date = fields.Datetime(required=True, default=fields.Datetime.now)

    _sql_constraints = [
        (
            "key_window_uniq",
            "unique (key, window_start)",
            "One counter per key and window.",
        )
    ]

    @api.model
    def _hit(self, key, limit, period_seconds):
        """Count a hit for ``key``; False when it is over ``limit`` hits in the
        current window of ``period_seconds``."""
        window = int(time.time()) // period_seconds * period_seconds
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_suite_rate_limit (key, window_start, hits, date)
                VALUES (%s, %s, 1, %s)
                ON CONFLICT (key, window_start)
                DO UPDATE SET hits = crm_suite_rate_limit.hits + 1
                RETURNING hits
                """,
                key,
                window,
                fields.Datetime.now(),
            )
        )
        return self.env.cr.fetchone()[0] <= limit

    @api.autovacuum
    def _gc_old_windows(self):
        self.env.cr.execute(
            SQL(
                "DELETE FROM crm_suite_rate_limit WHERE window_start < %s",
                int(time.time()) - 2 * 86400,
            )
        )
