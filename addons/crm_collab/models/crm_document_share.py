# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

PROTECTED_FIELDS = {"revoked", "revoke_date", "download_count", "has_password"}


class CrmDocumentShare(models.Model):
    """A link that lets someone outside the company reach chosen documents, or
    one folder and its subfolders, until it expires or is revoked.

    The token is not an ORM field: its SHA-256 digest (``access_token_hash``)
    finds the share, the token itself (``access_token``) is compared with
    ``consteq`` and only ever leaves the database inside ``url``, which is
    computed for the people who manage the share. The password is kept as a
    hash of Odoo's password context, in a column no field reads."""

    _name = "crm.document.share"
    _description = "Document Share Link"
    _inherit = ["mail.thread", "crm.collab.token.mixin"]
    _order = "create_date desc, id desc"

    name = fields.Char(
        required=True, default=lambda self: self.env._("Shared documents")
    )
    user_id = fields.Many2one(
        "res.users",
        string="Shared By",
        required=True,
        index=True,
        default=lambda self: self.env.user,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Recipient",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    document_ids = fields.Many2many(
        "crm.document",
        "crm_document_share_document_rel",
        "share_id",
        "document_id",
        string="Documents",
    )
    folder_id = fields.Many2one("crm.document.folder", index=True, ondelete="cascade")
    expiration_date = fields.Datetime(
        required=True,
        default=lambda self: self._default_expiration_date(),
        tracking=True,
    )
    password = fields.Char(
        compute="_compute_password",
        inverse="_inverse_password",
        copy=False,
        help="Visitors type it before they see anything. Stored as a hash: it "
        "cannot be read back.",
    )
    has_password = fields.Boolean(readonly=True, copy=False)
    allow_upload = fields.Boolean(
        string="Visitors May Upload", help="Read and upload instead of read only."
    )
    max_downloads = fields.Integer(
        string="Maximum Downloads", help="0: no limit.", tracking=True, default=0
    )
    download_count = fields.Integer(readonly=True, copy=False, default=0)
    revoked = fields.Boolean(readonly=True, copy=False, tracking=True)
    revoke_date = fields.Datetime(readonly=True, copy=False)
    url = fields.Char(compute="_compute_url")
    state = fields.Selection(
        [("active", "Active"), ("expired", "Expired"), ("revoked", "Revoked")],
        compute="_compute_state",
        search="_search_state",
    )
    log_ids = fields.One2many("crm.document.share.log", "share_id", string="Access Log")

    @api.model
    def _max_days(self, company=None):
        return max((company or self.env.company).crm_document_share_max_days, 1)

    @api.model
    def _default_expiration_date(self):
        return fields.Datetime.now() + timedelta(days=min(14, self._max_days()))

    def init(self):
        res = super().init()
        self.env.cr.execute(
            "ALTER TABLE crm_document_share"
            " ADD COLUMN IF NOT EXISTS password_crypt varchar"
        )
        return res

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("document_ids.partner_id", "folder_id.partner_id")
    def _compute_partner_id(self):
        for share in self:
            if not share.partner_id:
                share.partner_id = (
                    share.folder_id.partner_id or share.document_ids[:1].partner_id
                )

    def _compute_password(self):
        for share in self:
            share.password = ""

    def _inverse_password(self):
        context = self.env["res.users"]._crypt_context()
        for share in self:
            crypt = context.hash(share.password) if share.password else None
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_document_share SET password_crypt = %s WHERE id = %s",
                    crypt,
                    share.id,
                )
            )
            # sudo: has_password is read-only for users, set by the password only
            share.sudo().has_password = bool(crypt)
        self.invalidate_recordset(["password"])

    def _is_share_manager(self):
        user = self.env.user
        return (
            self.env.su
            or user.has_group("crm_collab.group_crm_collab_manager")
            or (self.user_id == user)
        )

    def _compute_url(self):
        managed = self.filtered(lambda share: share.id and share._is_share_manager())
        tokens = managed._token_by_id()
        base = self.get_base_url()
        for share in self:
            token = tokens.get(share.id)
            share.url = f"{base}/crm/share/{token}" if token else False

    @api.depends("revoked", "expiration_date")
    def _compute_state(self):
        now = fields.Datetime.now()
        for share in self:
            if share.revoked:
                share.state = "revoked"
            elif share.expiration_date and share.expiration_date < now:
                share.state = "expired"
            else:
                share.state = "active"

    def _search_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on the share state."))
        values = {value} if isinstance(value, str) else set(value or [])
        now = fields.Datetime.now()
        domains = {
            "revoked": [("revoked", "=", True)],
            "expired": [("revoked", "=", False), ("expiration_date", "<", now)],
            "active": [("revoked", "=", False), ("expiration_date", ">=", now)],
        }
        domain = expression.OR(
            [domains[v] for v in values if v in domains] or [[(0, "=", 1)]]
        )
        if operator in ("!=", "not in"):
            domain = ["!"] + expression.normalize_domain(domain)
        return domain

    # ------------------------------------------------------------
    # Constraints and CRUD
    # ------------------------------------------------------------

    @api.constrains("document_ids", "folder_id")
    def _check_scope(self):
        for share in self:
            if bool(share.document_ids) == bool(share.folder_id):
                raise ValidationError(
                    self.env._("A share link shares either documents or one folder.")
                )

    @api.constrains("expiration_date", "company_id")
    def _check_expiration_date(self):
        now = fields.Datetime.now()
        for share in self:
            days = self._max_days(share.company_id)
            if share.expiration_date > now + timedelta(days=days, minutes=5):
                raise ValidationError(
                    self.env._(
                        "A share link may last %(days)s days at most in %(company)s: "
                        "choose an earlier expiry date.",
                        days=days,
                        company=share.company_id.name,
                    )
                )

    @api.constrains("max_downloads")
    def _check_max_downloads(self):
        if any(share.max_downloads < 0 for share in self):
            raise ValidationError(
                self.env._("The maximum downloads cannot be negative.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        shares = super().create(vals_list)
        # sees what it shares: a user shares only documents and folders they read
        shares.document_ids.check_access("read")
        shares.folder_id.check_access("read")
        shares._set_new_token()
        return shares

    def write(self, vals):
        if not self.env.su and PROTECTED_FIELDS.intersection(vals):
            # a revoked link stays dead and a download cap stays counted:
            # these are set by the buttons and the routes only
            raise UserError(
                self.env._(
                    "Revoke a link with its button; its downloads are counted "
                    "by the link itself."
                )
            )
        if "user_id" in vals and not (
            self.env.su
            or self.env.user.has_group("crm_collab.group_crm_collab_manager")
        ):
            # a link serves what its sharer reads: handing it to someone who
            # reads more would widen it
            raise UserError(
                self.env._("Only an administrator may change who shares a link.")
            )
        res = super().write(vals)
        if "document_ids" in vals or "folder_id" in vals:
            # shares only what the user reads, after a change as at creation
            self.document_ids.check_access("read")
            self.folder_id.check_access("read")
        return res

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_revoke(self):
        self.check_access("write")
        # sudo: the revocation fields are set by this button only (see write)
        self.sudo().write({"revoked": True, "revoke_date": fields.Datetime.now()})
        return True

    def action_regenerate(self):
        self.check_access("write")
        self._set_new_token()
        self.message_post(
            body=self.env._("New link: the previous one no longer works.")
        )
        return True

    def action_send_email(self):
        self.check_access("write")
        template = self.env.ref("crm_collab.mail_template_crm_document_share")
        for share in self:
            if share.state != "active":
                raise UserError(self.env._("Only an active link can be sent."))
            if not share.partner_id.email:
                raise UserError(
                    self.env._(
                        "Set a recipient with an email address to send the link."
                    )
                )
            template.send_mail(
                share.id,
                force_send=False,
                email_values={"recipient_ids": [(4, share.partner_id.id)]},
            )
        return True

    # ------------------------------------------------------------
    # What the public routes use (sudo, after the token was checked)
    # ------------------------------------------------------------

    def _password_crypt(self):
        self.ensure_one()
        self.env.cr.execute(
            SQL("SELECT password_crypt FROM crm_document_share WHERE id = %s", self.id)
        )
        return self.env.cr.fetchone()[0]

    def _password_required(self):
        """Whether the link asks for a password: the stored hash decides,
        not the informative ``has_password`` (fail closed)."""
        return bool(self._password_crypt())

    def _check_password(self, password):
        crypt = self._password_crypt()
        if not crypt:
            return True
        try:
            return self.env["res.users"]._crypt_context().verify(password or "", crypt)
        except ValueError:
            return False

    def _shared_documents(self):
        """The documents this share unlocks (sudo): exactly the chosen ones,
        or the active documents of its folder and that folder's subfolders,
        of those its sharer may read now; never a version's file, a sibling
        or a parent."""
        self.ensure_one()
        if self.folder_id:
            domain = [("folder_id", "child_of", self.folder_id.id)]
        else:
            domain = [("id", "in", self.document_ids.ids)]
        # never more than the sharer reads now (rules as that user, in all of
        # their companies): a folder's subfolder they may not open, or a
        # document they lost, is not served by their link
        context = dict(self.env.context, active_test=True)
        context.pop("allowed_company_ids", None)
        sharer_env = self.env(user=self.user_id.id, su=False, context=context)
        Readable = sharer_env["crm.document"]
        if not Readable.has_access("read"):
            return self.env["crm.document"].sudo()
        readable = Readable.search(domain)
        # sudo: the route serves the files of those documents to the visitor
        return self.env["crm.document"].sudo().browse(readable.ids)

    def _consume_download(self):
        """Count one served download; False (nothing counted) when the limit is
        reached. One UPDATE: two workers cannot both take the last one."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_document_share SET download_count = download_count + 1
                WHERE id = %s AND (COALESCE(max_downloads, 0) = 0
                                   OR download_count < max_downloads)
                RETURNING download_count
                """,
                self.id,
            )
        )
        served = bool(self.env.cr.fetchone())
        self.invalidate_recordset(["download_count"])
        return served

    def _upload_folder(self):
        self.ensure_one()
        if self.folder_id:
            return self.folder_id
        partner = self.partner_id or self.document_ids[:1].partner_id
        if partner:
            return self.env["crm.document.folder"].sudo()._workspace_of(partner)
        return self.document_ids[:1].folder_id
