# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import functools

from odoo import api, fields, models, tools
from odoo.osv import expression
from odoo.tools import SQL

from .crm_interaction_sources import ID_FACTOR

CHANNELS = [
    ("email", "Email"),
    ("note", "Note"),
    ("call", "Call"),
    ("meeting", "Meeting"),
    ("activity", "Activity"),
    ("ticket", "Ticket"),
    ("invoice", "Invoice"),
    ("payment", "Payment"),
    ("campaign", "Campaign"),
    ("document", "Document"),
    ("handoff", "Handoff"),
]
DIRECTIONS = [
    ("inbound", "Inbound"),
    ("outbound", "Outbound"),
    ("internal", "Internal"),
]


class CrmInteraction(models.Model):
    """The unified customer timeline: a SQL view over the sources (emails,
    notes, activities done, tickets, invoices, payments, campaign emails...),
    one row per interaction, complete as soon as its source exists.

    A user reads the interactions of the source records they may read: the
    search adds, per source model, the model's own access rules as a
    subquery (as ``mail.message`` filters by its documents), so a page is one
    query whatever the customer's history.
    """

    _name = "crm.interaction"
    _description = "Customer Interaction"
    _inherit = [
        # first: its overrides of the sources' methods come first
        "crm.interaction.collab.sources",
        "crm.interaction.account.sources",
        "crm.interaction.sources",
        "crm.interaction.timeline",
    ]
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "summary"
    # the search flushes what the view reads
    _depends = {
        "mail.message": [
            "model",
            "res_id",
            "message_type",
            "subtype_id",
            "is_internal",
            "author_id",
            "date",
            "subject",
            "body",
            "mail_activity_type_id",
        ],
        "crm.ticket": ["partner_id", "user_id", "number", "name", "close_date"],
        "account.move": [
            "partner_id",
            "move_type",
            "state",
            "invoice_date",
            "date",
            "name",
            "amount_total",
            "currency_id",
            "invoice_user_id",
        ],
        "account.payment": [
            "partner_id",
            "payment_type",
            "partner_type",
            "state",
            "date",
            "name",
            "amount",
            "currency_id",
        ],
        "mailing.trace": [
            "trace_type",
            "model",
            "res_id",
            "email",
            "mass_mailing_id",
            "sent_datetime",
            "open_datetime",
            "links_click_datetime",
        ],
        "crm.lead": ["partner_id", "user_id"],
        "res.partner": ["commercial_partner_id", "user_id", "name"],
        "crm.handoff": [
            "name",
            "partner_id",
            "from_user_id",
            "to_user_id",
            "to_team_id",
            "to_ticket_team_id",
        ],
        "crm.document.share": ["name", "partner_id", "user_id"],
        "crm.document.share.log": [
            "share_id",
            "action",
            "outcome",
            "date",
            "document_id",
            "file_name",
        ],
        "crm.document.request": ["name", "partner_id", "user_id", "document_id"],
        "crm.document": ["name"],
    }

    # the customer
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, help="The commercial entity."
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact",
        readonly=True,
        help="The contact it came from or went to.",
    )
    # what happened
    channel = fields.Selection(CHANNELS, readonly=True)
    direction = fields.Selection(DIRECTIONS, readonly=True)
    date = fields.Datetime(readonly=True, help="The source's own date.")
    summary = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", string="User", readonly=True)
    # its source
    res_model = fields.Char(string="Source Model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Source ID", model_field="res_model", readonly=True
    )
    # the source row (id = source_id x 64 + source_tag; source_family: the
    # view's branch, see crm_interaction_sources.py)
    source_tag = fields.Integer(readonly=True)
    source_family = fields.Integer(readonly=True)
    source_id = fields.Integer(readonly=True)

    def init(self):
        branches = [select for _model, select in self._interaction_branches()]
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL("\nUNION ALL\n").join(branches),
            )
        )
        # what the sources are found by that Odoo does not index: a customer's
        # traces by their document, its payments by partner
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS mailing_trace_crm_interaction_idx
               ON mailing_trace (res_id, model)"""
        )
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS account_payment_crm_interaction_idx
               ON account_payment (partner_id)"""
        )

    # ------------------------------------------------------------
    # Access: the rights of the sources
    # ------------------------------------------------------------

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        query = super()._search(domain, offset=offset, limit=limit, order=order)
        if query.is_empty():
            return query
        ids_condition = self._interaction_ids_condition(domain, query.table)
        if ids_condition:
            query.add_where(ids_condition)
        if not self.env.su:
            query.add_where(self._interaction_access_condition(query.table))
        return query

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        """The matching ids first, then the fields of those rows only: the view
        computes no summary for the rows a page skips (lists, search_read)."""
        query = self._search(
            domain, offset=offset, limit=limit, order=order or self._order
        )
        records = self.browse(query.get_result_ids())
        records.fetch(field_names)
        return records

    def _interaction_ids_condition(self, domain, alias):
        """For a search by ids (reading records), the same condition on the
        sources' own ids, which the view's branches use their index for."""
        ids = None
        for leaf in domain or ():
            if (
                isinstance(leaf, list | tuple)
                and len(leaf) == 3
                and leaf[0] == "id"
                and leaf[1] in ("=", "in")
            ):
                value = leaf[2]
                value = [value] if isinstance(value, int) else value
                if isinstance(value, list | tuple) and all(
                    isinstance(v, int) for v in value
                ):
                    ids = set(value) if ids is None else ids & set(value)
            elif not isinstance(leaf, list | tuple) and leaf != expression.AND_OPERATOR:
                return None
        if ids is None:
            return None
        families = self._interaction_tag_families()
        by_family = {}
        for interaction_id in ids:
            tag = interaction_id % ID_FACTOR
            by_family.setdefault(families.get(tag, tag), set()).add(
                interaction_id // ID_FACTOR
            )
        if not by_family:
            return SQL("FALSE")
        return SQL(
            "(%s)",
            SQL(" OR ").join(
                SQL(
                    "(%s = %s AND %s IN %s)",
                    SQL.identifier(alias, "source_family"),
                    family,
                    SQL.identifier(alias, "source_id"),
                    tuple(sorted(source_ids)),
                )
                for family, source_ids in sorted(by_family.items())
            ),
        )

    def _interaction_access_condition(self, alias):
        """The interactions of the source records the user may read: for each
        source model the user may read, its records that pass its rules (a
        subquery, or the whole model when no rule applies)."""
        terms = []
        res_model = SQL.identifier(alias, "res_model")
        res_id = SQL.identifier(alias, "res_id")
        for model_name in sorted(self._interaction_models()):
            Model = self.env[model_name].with_context(active_test=False)
            if not Model.browse().has_access("read"):
                continue
            records = Model._search([])
            if records.where_clause.code:
                # correlated: one probe of the source's primary key per row of
                # the customer, whatever the size of the source's table
                terms.append(
                    SQL(
                        "(%s = %s AND EXISTS(SELECT 1 FROM %s WHERE %s = %s AND %s))",
                        res_model,
                        model_name,
                        records.from_clause,
                        SQL.identifier(records.table, "id"),
                        res_id,
                        records.where_clause,
                    )
                )
            else:
                terms.append(SQL("%s = %s", res_model, model_name))
        if not terms:
            return SQL("FALSE")
        return SQL("(%s)", SQL(" OR ").join(terms))

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result or self.env.su or not self._ids:
            return result
        readable = self.browse(self._search([("id", "in", self._ids)]))
        forbidden = self - readable
        if forbidden:
            return forbidden, functools.partial(
                self.env["ir.rule"]._make_access_error, operation, forbidden
            )
        return None

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_open_source(self):
        """Open the record the interaction comes from."""
        self.ensure_one()
        source = self.env[self.res_model].browse(self.res_id)
        source.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
            "target": "current",
        }
