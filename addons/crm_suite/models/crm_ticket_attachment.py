# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import UserError

from ..engines.attachment_size import (
    first_oversized,
    max_bytes,
    megabytes_label,
    split_oversized,
)
from ..tools import get_param

MAX_MB_PARAM = "crm_suite.ticket_attachment_max_mb"


class CrmTicketAttachmentMixin(models.AbstractModel):
    """The per-file limit of a ticket's attachments, whatever the way in: the
    web form, the portal, the chatter, the mail gateway (the rule is in
    ``engines/attachment_size.py``; inherited by ``crm.ticket``)."""

    _name = "crm.ticket.attachment.mixin"
    _description = "Ticket Attachment Limits"

    @api.model
    def _get_attachment_max_bytes(self):
        return max_bytes(get_param(self.env, MAX_MB_PARAM))

    @api.model
    def _check_attachment_sizes(self, files):
        """Refuse any of ``files`` [(name, size in bytes)] over the limit."""
        limit = self._get_attachment_max_bytes()
        oversized = first_oversized(files, limit)
        if oversized:
            name, size = oversized
            raise UserError(
                self.env._(
                    "The file %(name)s is too large (%(size)s MB): a ticket's "
                    "attachments may be up to %(limit)s MB each.",
                    name=name,
                    size=megabytes_label(size, "%.1f"),
                    limit=megabytes_label(limit),
                )
            )

    @api.model
    def _split_oversized_attachments(self, msg_dict):
        """Drop the attachments of an incoming email that exceed the limit
        (the email itself is kept); return the names dropped."""
        kept, dropped = split_oversized(
            msg_dict.get("attachments") or [], self._get_attachment_max_bytes()
        )
        if dropped:
            msg_dict["attachments"] = kept
        return dropped

    def _note_dropped_attachments(self, names):
        if names:
            self.message_post(
                body=self.env._(
                    "Files too large to keep (over %(limit)s MB): %(names)s. Ask the "
                    "customer for a smaller copy or a link.",
                    limit=megabytes_label(self._get_attachment_max_bytes()),
                    names=", ".join(names),
                ),
                subtype_xmlid="mail.mt_note",
            )
