# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .crm_document import SET_FILE_KEY, _setting_file


class CrmDocumentVersion(models.Model):
    """A file a document had before its current one: who stored it, when,
    its size and checksum. Restoring it makes it current again (the current
    file becomes a version in its place: nothing is lost)."""

    _name = "crm.document.version"
    _description = "Document Version"
    _order = "date desc, id desc"

    document_id = fields.Many2one(
        "crm.document", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="document_id.company_id", store=True)
    attachment_id = fields.Many2one(
        "ir.attachment", required=True, readonly=True, ondelete="restrict"
    )
    file_name = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", string="Stored By", readonly=True)
    date = fields.Datetime(readonly=True)
    file_size = fields.Integer(readonly=True)
    checksum = fields.Char(readonly=True)
    mimetype = fields.Char(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not _setting_file(self.env):
            raise UserError(self.env._("Versions are made by uploading a new file."))
        return super().create(vals_list)

    def write(self, vals):
        if not _setting_file(self.env):
            raise UserError(self.env._("Versions cannot be changed."))
        return super().write(vals)

    def action_restore(self):
        self.ensure_one()
        document = self.document_id
        document.check_access("write")
        document._check_unlocked()
        current = document.attachment_id
        # sudo: versions are made by the document's own methods only
        self.sudo().with_context(**{SET_FILE_KEY: True}).create(
            {
                "document_id": document.id,
                "attachment_id": current.id,
                "user_id": current.create_uid.id,
                "date": current.create_date,
                "file_size": current.file_size,
                "checksum": current.checksum,
                "mimetype": current.mimetype,
                "file_name": current.name,
            }
        )
        # sudo: attachment_id is set only by the document's own methods
        document.sudo().with_context(
            **{SET_FILE_KEY: True}
        ).attachment_id = self.attachment_id
        document.message_post(
            body=self.env._(
                "Version of %(date)s restored.",
                date=fields.Datetime.to_string(self.date),
            )
        )
        self.unlink()
        return True

    def action_download(self):
        self.ensure_one()
        self.document_id.check_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
