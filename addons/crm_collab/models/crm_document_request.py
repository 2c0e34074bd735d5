# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, consteq

from ..engines.document_files import new_token, token_digest


class CrmDocumentRequest(models.Model):
    """Ask a customer for a document by a due date. The customer uploads it
    on the portal or through the request's link; the file lands in the
    customer's workspace, the request is done and its owner is told."""

    _name = "crm.document.request"
    _description = "Document Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "due_date, id"

    name = fields.Char(required=True, tracking=True)
    description = fields.Text()
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True
    )
    folder_id = fields.Many2one(
        "crm.document.folder",
        index=True,
        help="Where the file goes; the customer's workspace when empty.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users", string="Owner", required=True, default=lambda self: self.env.user
    )
    due_date = fields.Date(
        required=True, tracking=True, default=lambda self: self._default_due_date()
    )
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="pending",
        required=True,
        tracking=True,
    )
    document_id = fields.Many2one("crm.document", readonly=True, copy=False)
    url = fields.Char(compute="_compute_url")
    reminder_days = fields.Integer(
        default=3, help="Days before the due date of the first reminder."
    )
    reminded_before = fields.Boolean(readonly=True, copy=False)
    reminded_after = fields.Boolean(readonly=True, copy=False)

    def init(self):
        self.env.cr.execute(
            """
            ALTER TABLE crm_document_request
                ADD COLUMN IF NOT EXISTS access_token varchar,
                ADD COLUMN IF NOT EXISTS access_token_hash varchar;
            CREATE UNIQUE INDEX IF NOT EXISTS crm_document_request_token_hash_uniq
                ON crm_document_request (access_token_hash);
            """
        )

    def _compute_url(self):
        readable = self.filtered("id")
        tokens = {}
        if readable:
            self.env.cr.execute(
                SQL(
                    "SELECT id, access_token FROM crm_document_request WHERE id IN %s",
                    tuple(readable.ids),
                )
            )
            tokens = dict(self.env.cr.fetchall())
        base = self.get_base_url()
        for request in self:
            token = tokens.get(request.id)
            request.url = f"{base}/crm/request/{token}" if token else False

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        requests.folder_id.check_access("read")
        for request in requests:
            token = new_token()
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_document_request SET access_token = %s, "
                    "access_token_hash = %s WHERE id = %s",
                    token,
                    token_digest(token),
                    request.id,
                )
            )
        return requests

    def action_send(self):
        self.check_access("write")
        template = self.env.ref("crm_collab.mail_template_crm_document_request")
        for request in self:
            if request.state != "pending":
                raise UserError(self.env._("Only a pending request can be sent."))
            if not request.partner_id.email:
                raise UserError(
                    self.env._(
                        "The customer needs an email address to get the request."
                    )
                )
            template.send_mail(
                request.id,
                force_send=False,
                email_values={"recipient_ids": [(4, request.partner_id.id)]},
            )
        return True

    def action_cancel(self):
        self.check_access("write")
        self.write({"state": "cancelled"})
        return True

    def action_reset(self):
        self.check_access("write")
        self.filtered(lambda r: r.state == "cancelled").write({"state": "pending"})
        return True

    # ------------------------------------------------------------
    # Upload (sudo: from the portal or the link, after their checks)
    # ------------------------------------------------------------

    @api.model
    def _find_by_token(self, token):
        token = str(token or "")
        if not 20 <= len(token) <= 128:
            return self.sudo().browse()
        self.env.cr.execute(
            SQL(
                "SELECT id, access_token FROM crm_document_request "
                "WHERE access_token_hash = %s",
                token_digest(token),
            )
        )
        row = self.env.cr.fetchone()
        if not row or not row[1] or not consteq(row[1], token):
            return self.sudo().browse()
        # sudo: the visitor proved the token of this one request
        return self.sudo().browse(row[0])

    def _receive(self, file_name, content):
        """File the customer's upload and close the request (sudo record)."""
        self.ensure_one()
        folder = self.folder_id or self.env["crm.document.folder"]._workspace_of(
            self.partner_id
        )
        document = self.env["crm.document"]._create_from_upload(
            folder, file_name, content, owner=self.user_id, partner=self.partner_id
        )
        self.write({"document_id": document.id, "state": "done"})
        self.message_post(
            body=self.env._(
                "%(customer)s sent %(file)s.",
                customer=self.partner_id.display_name,
                file=document.name,
            ),
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )
        self.activity_unlink(["mail.mail_activity_data_upload_document"])
        return document

    # ------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------

    @api.model
    def _cron_send_reminders(self, batch_size=200):
        """Remind customers of pending requests before and after their due
        date (email to the customer, activity for the owner), once each;
        rows locked with SKIP LOCKED; flags make it idempotent."""
        today = fields.Date.context_today(self)
        template = self.env.ref(
            "crm_collab.mail_template_crm_document_request_reminder"
        )
        activity_type = self.env.ref("mail.mail_activity_data_upload_document")
        for phase, condition in (
            (
                "before",
                SQL(
                    "reminded_before IS NOT TRUE AND due_date >= %s "
                    "AND due_date - COALESCE(reminder_days, 0) <= %s",
                    today,
                    today,
                ),
            ),
            ("after", SQL("reminded_after IS NOT TRUE AND due_date < %s", today)),
        ):
            self.flush_model(["state", "due_date", "reminded_before", "reminded_after"])
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM crm_document_request WHERE state = 'pending' "
                    "AND %s ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                    condition,
                    batch_size,
                )
            )
            requests = self.browse([row[0] for row in self.env.cr.fetchall()])
            for request in requests:
                if request.partner_id.email:
                    template.send_mail(
                        request.id,
                        force_send=False,
                        email_values={"recipient_ids": [(4, request.partner_id.id)]},
                    )
                request.activity_schedule(
                    activity_type_id=activity_type.id,
                    date_deadline=max(request.due_date, today),
                    user_id=request.user_id.id,
                    summary=self.env._(
                        "Document %(name)s not received yet", name=request.name
                    ),
                )
            requests.write({f"reminded_{phase}": True})
        return True

    @api.model
    def _default_due_date(self):
        return fields.Date.context_today(self) + timedelta(days=7)
