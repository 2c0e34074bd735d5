# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty


class CrmTicketMerge(models.TransientModel):
    """Merge duplicate tickets into one: the conversation, the attachments and
    the followers of the others move to the kept ticket; the others are
    archived, pointing to it."""

    _name = "crm.ticket.merge"
    _description = "Merge Tickets"

    ticket_ids = fields.Many2many(
        "crm.ticket",
        string="Tickets",
        default=lambda self: self._default_ticket_ids(),
        help="The tickets to merge, the kept one included.",
    )
    target_id = fields.Many2one(
        "crm.ticket",
        string="Keep",
        compute="_compute_target_id",
        store=True,
        readonly=False,
        domain="[('id', 'in', ticket_ids)]",
        help="The ticket that stays open; the others are archived into it. By "
        "default the oldest one.",
    )
    merge_description = fields.Boolean(
        string="Append Descriptions",
        compute="_compute_merge_description",
        store=True,
        readonly=False,
        help="Add the descriptions of the merged tickets to the kept one's, each "
        "under the number of its ticket.",
    )

    @api.model
    def _default_ticket_ids(self):
        context = self.env.context
        if context.get("active_model") != "crm.ticket":
            return self.env["crm.ticket"]
        return self.env["crm.ticket"].browse(context.get("active_ids") or []).exists()

    @api.depends("ticket_ids")
    def _compute_target_id(self):
        for wizard in self:
            if wizard.target_id and wizard.target_id in wizard.ticket_ids:
                continue
            wizard.target_id = wizard.ticket_ids.sorted(
                lambda t: (t.create_date or fields.Datetime.now(), t.id or 0)
            )[:1]

    @api.depends("ticket_ids", "target_id")
    def _compute_merge_description(self):
        for wizard in self:
            sources = wizard.ticket_ids - wizard.target_id
            wizard.merge_description = any(
                not is_html_empty(ticket.description) for ticket in sources
            )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_merge(self):
        self.ensure_one()
        tickets, target = self.ticket_ids, self.target_id
        if len(tickets) < 2:
            raise UserError(
                self.env._("Select at least two tickets to merge them into one.")
            )
        if not target:
            raise UserError(self.env._("Choose the ticket to keep."))
        if target not in tickets:
            raise UserError(
                self.env._(
                    "The ticket to keep, %(ticket)s, is not one of the tickets to "
                    "merge: choose one of them.",
                    ticket=target.display_name,
                )
            )
        if len(tickets.company_id) > 1:
            raise UserError(
                self.env._(
                    "Tickets of different companies cannot be merged (%(companies)s): "
                    "select tickets of one company.",
                    companies=", ".join(tickets.company_id.mapped("name")),
                )
            )
        tickets.check_access("write")
        # the kept ticket's customer sees every merged message on the portal:
        # one customer's conversation never moves into another's ticket
        if len({ticket.commercial_partner_id for ticket in tickets}) > 1:
            raise UserError(
                self.env._(
                    "Tickets of different customers cannot be merged: their "
                    "messages would reach the other customer's portal. Select "
                    "tickets of one customer, or first set the right customer on "
                    "each ticket."
                )
            )
        self._merge(target, tickets - target)
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.ticket",
            "res_id": target.id,
            "views": [(False, "form")],
            "view_mode": "form",
            "target": "current",
        }

    def _merge(self, target, sources):
        """Merge ``sources`` into ``target``: messages, attachments, activities
        and ratings are moved, the followers subscribed, the descriptions
        appended; the sources are archived into ``target``. Rights are the
        caller's to check."""
        self.ensure_one()
        sources = sources - target
        if not sources:
            return
        self._merge_followers(target, sources)
        self._merge_history(target, sources)
        if self.merge_description:
            self._merge_descriptions(target, sources)
        sources.write({"merged_into_id": target.id, "active": False})
        target.message_post(
            body=self.env._(
                "Merged tickets: %(numbers)s",
                numbers=", ".join(sources.mapped("number")),
            ),
            subtype_xmlid="mail.mt_note",
        )
        for source in sources:
            source.message_post(
                body=self.env._("Merged into %(number)s", number=target.number),
                subtype_xmlid="mail.mt_note",
            )

    def _merge_followers(self, target, sources):
        """The followers of the sources follow ``target`` (its current
        followers keep their subscription)."""
        partners = sources.message_partner_ids - target.message_partner_ids
        if partners:
            target.message_subscribe(partner_ids=partners.ids)

    def _merge_history(self, target, sources):
        """Move the messages, attachments, activities and ratings of the
        sources to ``target``, one write per model."""
        # sudo: the user may write on every ticket merged (checked by the
        # caller), but moving a message is reserved to administrators and the
        # ticket's records include those of other users
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("model", "=", "crm.ticket"), ("res_id", "in", sources.ids)])
        )
        messages.write({"res_id": target.id})
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", "crm.ticket"), ("res_id", "in", sources.ids)])
        )
        attachments.write({"res_id": target.id})
        sources.sudo().activity_ids.write({"res_id": target.id})
        ratings = (
            self.env["rating.rating"]
            .sudo()
            .search([("res_model", "=", "crm.ticket"), ("res_id", "in", sources.ids)])
        )
        ratings.write({"res_id": target.id})

    def _merge_descriptions(self, target, sources):
        parts = [] if is_html_empty(target.description) else [target.description]
        for source in sources:
            if is_html_empty(source.description):
                continue
            header = self.env._("Merged from %(number)s", number=source.number)
            parts.append(Markup("<h4>%s</h4>%s") % (header, source.description))
        target.description = Markup("").join(parts)
