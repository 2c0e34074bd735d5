# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import time

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists


class CrmSuiteRateLimit(models.Model):
    """Hit counters of public routes, kept in the database so that a limit
    holds across every Odoo worker (a counter in a process would not).

    One row per key holds the times of the hits accepted in the last period: a
    sliding window, so a burst at the end of one hour and another at the start
    of the next count together. The row is claimed by an upsert first: two
    workers counting the same key at once conflict on it, PostgreSQL makes one
    of them fail with a serialization error and Odoo replays its request,
    which then sees the other's hit.
    """

    _name = "crm.suite.rate.limit"
    _description = "Public Route Rate Limit"
    _log_access = False

    key = fields.Char(required=True, index=True)
    hit_times = fields.Json(
        help="Unix times of the hits accepted within the last period."
    )
    date = fields.Datetime(
        required=True, default=fields.Datetime.now, help="Last hit (cleanup)."
    )

    _sql_constraints = [
        ("key_uniq", "unique (key)", "One counter per key."),
    ]

    def _auto_init(self):
        # the counters of the former fixed windows (one row per key and
        # window) go, with their column and constraint, before the new
        # constraint of one row per key is added
        if column_exists(self.env.cr, self._table, "window_start"):
            self.env.cr.execute(
                """
                DELETE FROM crm_suite_rate_limit;
                ALTER TABLE crm_suite_rate_limit
                    DROP CONSTRAINT IF EXISTS crm_suite_rate_limit_key_window_uniq,
                    DROP COLUMN window_start,
                    DROP COLUMN IF EXISTS hits;
                """
            )
        return super()._auto_init()

    @api.model
    def _hit(self, key, limit, period_seconds):
        """Count a hit for ``key``; False (and not counted) when ``limit``
        hits were already accepted in the last ``period_seconds``."""
        now = time.time()
        # claims the row (created when missing): the rest of this
        # transaction is the only one counting this key
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_suite_rate_limit (key, hit_times, date)
                VALUES (%s, '[]'::jsonb, %s)
                ON CONFLICT (key) DO UPDATE SET date = EXCLUDED.date
                RETURNING hit_times
                """,
                key,
                fields.Datetime.now(),
            )
        )
        stored = self.env.cr.fetchone()[0] or []
        recent = [
            stamp
            for stamp in stored
            if isinstance(stamp, int | float) and now - period_seconds < stamp <= now
        ]
        accepted = len(recent) < limit
        if accepted:
            recent.append(now)
        self.env.cr.execute(
            SQL(
                "UPDATE crm_suite_rate_limit SET hit_times = %s::jsonb WHERE key = %s",
                json.dumps(recent),
                key,
            )
        )
        return accepted

    @api.autovacuum
    def _gc_old_windows(self):
        self.env.cr.execute(
            SQL(
                "DELETE FROM crm_suite_rate_limit WHERE date < %s",
                fields.Datetime.subtract(fields.Datetime.now(), days=2),
            )
        )

    @api.model
    def _retry_after(self, key, limit, period_seconds):
        """Seconds until ``key`` may be counted again: 0 while fewer than
        ``limit`` hits were accepted in the last ``period_seconds``. Reads
        only (a route checks it first, and counts with :meth:`_hit` only what
        must count, e.g. a wrong password)."""
        now = time.time()
        self.env.cr.execute(
            SQL("SELECT hit_times FROM crm_suite_rate_limit WHERE key = %s", key)
        )
        row = self.env.cr.fetchone()
        recent = sorted(
            stamp
            for stamp in ((row and row[0]) or [])
            if isinstance(stamp, int | float) and now - period_seconds < stamp <= now
        )
        if len(recent) < limit:
            return 0
        return max(int(recent[-limit] + period_seconds - now) + 1, 1)
