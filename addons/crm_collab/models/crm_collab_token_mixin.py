# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL, consteq

from ..engines.document_files import new_token, token_digest


class CrmCollabTokenMixin(models.AbstractModel):
    """The secret of a public link (share links, document requests).

    The token is not an ORM field: two columns of the model's table hold it
    and its SHA-256 digest. The digest (uniquely indexed) finds the record,
    the token is then compared with ``consteq``; it only leaves the database
    through :meth:`_token_by_id`, for the ``url`` the model computes for the
    people allowed to see it."""

    _name = "crm.collab.token.mixin"
    _description = "Public link token"

    def init(self):
        res = super().init()
        if self._abstract:
            return res
        table = SQL.identifier(self._table)
        self.env.cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN IF NOT EXISTS access_token varchar,"
                " ADD COLUMN IF NOT EXISTS access_token_hash varchar",
                table,
            )
        )
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (access_token_hash)",
                SQL.identifier(f"{self._table}_token_hash_uniq"),
                table,
            )
        )
        return res

    def _set_new_token(self):
        """Give each record a new token: its previous link dies."""
        for record in self:
            token = new_token()
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET access_token = %s, access_token_hash = %s"
                    " WHERE id = %s",
                    SQL.identifier(self._table),
                    token,
                    token_digest(token),
                    record.id,
                )
            )
        self.invalidate_recordset(["url"])

    def _token_by_id(self):
        """``{id: token}`` of these records (callers decide who may see it)."""
        records = self.filtered("id")
        if not records:
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT id, access_token FROM %s WHERE id IN %s",
                SQL.identifier(self._table),
                tuple(records.ids),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _find_by_token(self, token):
        """The record of ``token`` (sudo), or an empty recordset."""
        token = str(token or "")
        # sudo on the empty answers too: the routes get the same kind of
        # record set whatever the token
        if not 20 <= len(token) <= 128:
            return self.sudo().browse()
        self.env.cr.execute(
            SQL(
                "SELECT id, access_token FROM %s WHERE access_token_hash = %s",
                SQL.identifier(self._table),
                token_digest(token),
            )
        )
        row = self.env.cr.fetchone()
        if not row or not row[1] or not consteq(row[1], token):
            return self.sudo().browse()
        # sudo: the visitor proved the token of this one record; what it
        # unlocks is checked by the route next
        return self.sudo().browse(row[0])
