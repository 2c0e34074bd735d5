# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engines.document_files import clean_file_name, is_active_mimetype

# context key of the methods that set a document's file (and versions)
SET_FILE_KEY = "crm_document_set_file"


def _setting_file(env):
    """Whether a document's own method sets a file: its key in the context
    counts under sudo only (any RPC client may send any context)."""
    return env.su and env.context.get(SET_FILE_KEY)


class CrmDocument(models.Model):
    """A customer document: its current file is an ``ir.attachment`` in the
    filestore (``attachment_id``); the files it had before are its versions.
    Writing ``datas`` with other bytes makes a new version, the same bytes
    make none."""

    _name = "crm.document"
    _description = "Customer Document"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "write_date desc, id desc"

    # identity and place
    name = fields.Char(required=True, tracking=True)
    folder_id = fields.Many2one(
        "crm.document.folder",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        tracking=True,
    )
    company_id = fields.Many2one(
        related="folder_id.company_id", store=True, index=True, precompute=True
    )
    res_model = fields.Char(string="Linked Model", index=True)
    res_id = fields.Many2oneReference(
        string="Linked Record", model_field="res_model", index=True
    )
    res_name = fields.Char(string="Linked To", compute="_compute_res_name")
    tag_ids = fields.Many2many("crm.document.tag", string="Tags")
    owner_id = fields.Many2one(
        "res.users",
        string="Owner",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
    )
    lock_uid = fields.Many2one("res.users", string="Locked By", tracking=True)
    active = fields.Boolean(default=True)
    trash_date = fields.Datetime(
        string="Moved to Trash", index=True, copy=False, readonly=True
    )
    # the file
    attachment_id = fields.Many2one(
        "ir.attachment", string="File", readonly=True, copy=False, ondelete="restrict"
    )
    datas = fields.Binary(
        string="Content", compute="_compute_datas", inverse="_inverse_datas"
    )
    mimetype = fields.Char(related="attachment_id.mimetype", store=True)
    file_size = fields.Integer(related="attachment_id.file_size", store=True)
    checksum = fields.Char(related="attachment_id.checksum", store=True)
    preview = fields.Binary(compute="_compute_preview")
    preview_pdf = fields.Binary(string="PDF Preview", compute="_compute_preview")
    preview_kind = fields.Selection(
        [("image", "Image"), ("pdf", "PDF"), ("none", "None")],
        compute="_compute_preview",
    )
    version_ids = fields.One2many(
        "crm.document.version", "document_id", string="Previous Versions"
    )
    version_count = fields.Integer(compute="_compute_version_count")
    share_ids = fields.Many2many(
        "crm.document.share",
        "crm_document_share_document_rel",
        "document_id",
        "share_id",
        string="Shares",
    )

    @api.depends("folder_id.partner_id")
    def _compute_partner_id(self):
        for document in self:
            if document.folder_id.partner_id or not document.partner_id:
                document.partner_id = document.folder_id.partner_id

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        for document in self:
            name = False
            if document.res_model in self.env and document.res_id:
                record = self.env[document.res_model].browse(document.res_id)
                if record.has_access("read") and record.exists():
                    name = record.display_name
            document.res_name = name

    @api.depends("attachment_id")
    def _compute_datas(self):
        for document in self:
            document.datas = document.attachment_id.datas

    def _inverse_datas(self):
        for document in self:
            document._set_file(base64.b64decode(document.datas or b""))

    @api.depends("attachment_id.mimetype")
    def _compute_preview(self):
        for document in self:
            mimetype = document.mimetype or ""
            if mimetype.startswith("image/") and not is_active_mimetype(mimetype):
                kind = "image"
            elif mimetype == "application/pdf":
                kind = "pdf"
            else:
                kind = "none"
            data = document.attachment_id.datas if kind != "none" else False
            document.preview_kind = kind
            document.preview = data if kind == "image" else False
            document.preview_pdf = data if kind == "pdf" else False

    def _compute_version_count(self):
        counts = dict(
            self.env["crm.document.version"]._read_group(
                [("document_id", "in", self.ids)], ["document_id"], ["__count"]
            )
        )
        for document in self:
            document.version_count = counts.get(document, 0)

    # ------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------

    def _check_file_fields(self, vals):
        """The file is set by ``_set_file`` only: an ``attachment_id`` given
        over RPC could name any attachment (another customer's, another
        company's) and a share link would then serve it."""
        if "attachment_id" in vals and not _setting_file(self.env):
            raise UserError(
                self.env._(
                    "Upload the file in the Content field: a document keeps its "
                    "own file."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_file_fields(vals)
            if "name" in vals:
                vals["name"] = clean_file_name(vals["name"])
        return super().create(vals_list)

    def write(self, vals):
        self._check_file_fields(vals)
        if "name" in vals:
            vals["name"] = clean_file_name(vals["name"])
        if "datas" in vals or "lock_uid" in vals:
            self._check_unlocked()
        return super().write(vals)

    def unlink(self):
        self._check_unlocked()
        attachments = self.attachment_id | self.version_ids.attachment_id
        self.version_ids.unlink()
        res = super().unlink()
        # sudo: the documents' own files go with them (their access is the
        # document's); Odoo already removed those still linked to them
        attachments.sudo().exists().unlink()
        return res

    def _check_unlocked(self):
        for document in self:
            if document.lock_uid and document.lock_uid != self.env.user:
                if not self.env.user.has_group("crm_collab.group_crm_collab_manager"):
                    raise UserError(
                        self.env._(
                            "%(name)s is locked by %(user)s: ask them to unlock it.",
                            name=document.name,
                            user=document.lock_uid.name,
                        )
                    )

    # ------------------------------------------------------------
    # Files and versions
    # ------------------------------------------------------------

    def _set_file(self, content, file_name=None, mimetype=None):
        """Make ``content`` (bytes) the document's current file; the file it
        had becomes a version. The same bytes as the current file change
        nothing. Returns whether a new file was stored."""
        self.ensure_one()
        Attachment = self.env["ir.attachment"]
        checksum = Attachment._compute_checksum(content)
        if self.attachment_id and self.attachment_id.checksum == checksum:
            return False
        values = {
            "name": clean_file_name(file_name or self.name),
            "raw": content,
            "res_model": self._name,
            "res_id": self.id,
        }
        if mimetype:
            values["mimetype"] = mimetype
        # sudo: the document's own file, written by a user who may write the
        # document; shown to visitors only as a download (HTML and SVG are kept
        # as plain text for non-administrators by ir.attachment)
        attachment = Attachment.sudo().with_context(attachments_mime_plainxml=True)
        attachment = attachment.create(values)
        previous = self.attachment_id
        if previous:
            # sudo: versions are made by this method only (see _setting_file)
            self.env["crm.document.version"].sudo().with_context(
                **{SET_FILE_KEY: True}
            ).create(
                {
                    "document_id": self.id,
                    "attachment_id": previous.id,
                    "user_id": previous.create_uid.id,
                    "date": previous.create_date,
                    "file_size": previous.file_size,
                    "checksum": previous.checksum,
                    "mimetype": previous.mimetype,
                    "file_name": previous.name,
                }
            )
        # sudo: attachment_id is set by this method only (see _check_file_fields)
        self.sudo().with_context(**{SET_FILE_KEY: True}).attachment_id = attachment
        return True

    @api.model
    def _create_from_upload(self, folder, file_name, content, owner=None, partner=None):
        """A document made of a visitor's upload (sudo: the caller checked the
        link or the portal user). HTML, SVG and XML are stored as plain text."""
        name = clean_file_name(file_name)
        # sudo: the visitor has no right on documents; the route checked theirs
        document = (
            self.sudo()
            .with_context(mail_create_nolog=True)
            .create(
                {
                    "name": name,
                    "folder_id": folder.id,
                    "partner_id": (partner or folder.partner_id).id,
                    "owner_id": (owner or folder.create_uid).id,
                }
            )
        )
        document._set_file(content, file_name=name)
        return document

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_lock(self):
        self.check_access("write")
        self._check_unlocked()
        self.lock_uid = self.env.user
        return True

    def action_unlock(self):
        self.check_access("write")
        self._check_unlocked()
        self.lock_uid = False
        return True

    def action_move_to_trash(self):
        self.check_access("write")
        self._check_unlocked()
        self.write({"active": False, "trash_date": fields.Datetime.now()})
        return True

    def action_restore_from_trash(self):
        self.check_access("write")
        self.write({"active": True, "trash_date": False})
        return True

    def action_download(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    def action_open_linked_record(self):
        self.ensure_one()
        if not (self.res_model in self.env and self.res_id):
            return True
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------
    # Jobs
    # ------------------------------------------------------------

    @api.model
    def _cron_empty_trash(self, batch_size=500):
        """Delete the documents whose time in the trash passed their company's
        retention; bounded batches, rows locked with SKIP LOCKED so two
        workers never take the same ones; triggers itself again when more are
        left."""
        from odoo.addons.crm_suite.tools import auto_commit, trigger_cron

        companies = self.env["res.company"].search([])
        self.flush_model(["active", "trash_date", "company_id"])
        now = fields.Datetime.now()
        more = False
        for company in companies:
            limit = fields.Datetime.subtract(
                now, days=max(company.crm_document_trash_days, 0)
            )
            self.env.cr.execute(
                """
                SELECT id FROM crm_document
                WHERE company_id = %s AND active IS NOT TRUE
                  AND trash_date IS NOT NULL AND trash_date < %s
                ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
                """,
                (company.id, limit, batch_size + 1),
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            more = more or len(ids) > batch_size
            documents = self.with_context(active_test=False).browse(ids[:batch_size])
            # the job removes files whatever their lock (retention is the rule)
            documents.write({"lock_uid": False})
            documents.unlink()
            if auto_commit(self.env):
                # the batch is done: its deletions survive a later failure
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if more:
            trigger_cron(self.env, "crm_collab.ir_cron_crm_document_empty_trash")
        return True
