# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from ..engines.attachment_size import vals_size

# what ir.attachment._check_contents counts as markup a browser could run
XML_LIKE_EXCLUDED = "application/vnd.openxmlformats"


def _is_markup(mimetype):
    mimetype = mimetype or ""
    return "ht" in mimetype or (
        "xml" in mimetype and not mimetype.startswith(XML_LIKE_EXCLUDED)
    )


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        ticket_files = [v for v in vals_list if v.get("res_model") == "crm.ticket"]
        if not ticket_files:
            return super().create(vals_list)
        self.env["crm.ticket"]._check_attachment_sizes(
            [(v.get("name") or "", self._crm_ticket_vals_size(v)) for v in ticket_files]
        )
        # a ticket's files come from customers whatever the path (web form,
        # portal, email gateway running as an administrator, an agent
        # forwarding them): HTML and SVG are stored as plain text, so that no
        # download ever renders them in our domain
        if len(ticket_files) == len(vals_list):
            return super(
                IrAttachment, self.with_context(attachments_mime_plainxml=True)
            ).create(vals_list)
        ticket_ids = iter(
            super(IrAttachment, self.with_context(attachments_mime_plainxml=True))
            .create(ticket_files)
            .ids
        )
        other_ids = iter(
            super()
            .create([v for v in vals_list if v.get("res_model") != "crm.ticket"])
            .ids
        )
        return self.browse(
            [
                next(ticket_ids)
                if v.get("res_model") == "crm.ticket"
                else next(other_ids)
                for v in vals_list
            ]
        )

    def write(self, vals):
        if vals.get("res_model") != "crm.ticket":
            return super().write(vals)
        attachments = self.with_context(attachments_mime_plainxml=True)
        res = super(IrAttachment, attachments).write(vals)
        # files moved onto a ticket (a chatter upload posted on it): the
        # markup ones become plain text as the ticket's own files are
        markup = attachments.filtered(
            lambda attachment: _is_markup(attachment.mimetype)
        )
        if markup:
            super(IrAttachment, markup).write({"mimetype": "text/plain"})
        return res

    @api.model
    def _crm_ticket_vals_size(self, vals):
        return vals_size(vals)
