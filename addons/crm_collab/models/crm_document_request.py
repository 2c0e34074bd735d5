# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.crm_suite.tools import trigger_cron


class CrmDocumentRequest(models.Model):
    """Ask a customer for a document by a due date. The customer uploads it
    on the portal or through the request's link; the file lands in the
    customer's workspace, the request is done and its owner is told."""

    _name = "crm.document.request"
    _description = "Document Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "crm.collab.token.mixin"]
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

    def _compute_url(self):
        tokens = self._token_by_id()
        base = self.get_base_url()
        for request in self:
            token = tokens.get(request.id)
            request.url = f"{base}/crm/request/{token}" if token else False

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        requests.folder_id.check_access("read")
        requests._set_new_token()
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
        more = False
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
            more = more or len(requests) == batch_size
        if more:
            # a full batch: the rest of the backlog in the job's next run, now
            trigger_cron(self.env, "crm_collab.ir_cron_crm_document_request_reminders")
        return True

    @api.model
    def _default_due_date(self):
        return fields.Date.context_today(self) + timedelta(days=7)
