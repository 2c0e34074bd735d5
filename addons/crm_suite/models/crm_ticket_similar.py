# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, models
from odoo.osv import expression
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


class CrmTicketSimilarMixin(models.AbstractModel):
    """Similar past tickets: closed tickets of the company with a similar
    subject, by trigram similarity when PostgreSQL has ``pg_trgm`` (inherited
    by ``crm.ticket``, whose ``init`` creates the index)."""

    _name = "crm.ticket.similar.mixin"
    _description = "Similar Tickets"

    # ------------------------------------------------------------
    # Similar tickets
    # ------------------------------------------------------------

    @api.model
    def _has_trigram(self):
        self.env.cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return bool(self.env.cr.fetchone())

    def _compute_similar_ticket_ids(self):
        """Closed tickets of the same company with a similar subject: trigram
        similarity when PostgreSQL has pg_trgm, else shared words."""
        trigram = self._has_trigram() if self.ids else False
        for ticket in self:
            ticket.similar_ticket_ids = (
                ticket._find_similar(trigram) if ticket.id else False
            )

    def _find_similar(self, trigram, limit=5):
        self.ensure_one()
        base = [
            ("id", "!=", self.id),
            ("is_closed", "=", True),
            ("company_id", "=", self.company_id.id),
        ]
        if trigram:
            query = self._search(base)
            name = SQL.identifier(self._table, "name")
            self.env.cr.execute(
                SQL(
                    """SELECT %s FROM %s WHERE %s
                       AND similarity(%s, %s) > 0.3
                       ORDER BY similarity(%s, %s) DESC LIMIT %s""",
                    SQL.identifier(self._table, "id"),
                    query.from_clause,
                    query.where_clause or SQL("TRUE"),
                    name,
                    self.name,
                    name,
                    self.name,
                    limit,
                )
            )
            return self.browse([row[0] for row in self.env.cr.fetchall()])
        words = [w for w in (self.name or "").split() if len(w) > 3][:5]
        if not words:
            return self.browse()
        domain = expression.OR([[("name", "ilike", word)] for word in words])
        return self.search(expression.AND([base, domain]), limit=limit)

    def init(self):
        res = super().init()
        if self._abstract:
            # the mixin itself has no table: the ticket's init creates the index
            return res
        # pg_trgm may be missing or not creatable by this role: then similar
        # tickets fall back on shared words
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 - any refusal means no trigram support
            _logger.info("pg_trgm is not available: similar tickets use words")
        if self._has_trigram():
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s USING gin (name gin_trgm_ops)",
                    SQL.identifier(f"{self._table}_name_trgm_idx"),
                    SQL.identifier(self._table),
                )
            )
        return res
