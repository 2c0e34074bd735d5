# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class CrmDocumentShareLog(models.Model):
    """One access to a share link: when, from where, what was asked and what
    the visitor got. Read by the share's managers (and later by the customer
    timeline); written only by the public routes."""

    _name = "crm.document.share.log"
    _description = "Document Share Access"
    _order = "date desc, id desc"
    _log_access = False

    share_id = fields.Many2one(
        "crm.document.share", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="share_id.partner_id", store=True)
    company_id = fields.Many2one(related="share_id.company_id", store=True)
    document_id = fields.Many2one("crm.document", index=True, ondelete="set null")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    action = fields.Selection(
        [
            ("view", "Page View"),
            ("download", "Download"),
            ("upload", "Upload"),
            ("password", "Password"),
        ],
        required=True,
    )
    outcome = fields.Selection(
        [
            ("ok", "Served"),
            ("expired", "Expired"),
            ("revoked", "Revoked"),
            ("limit", "Download Limit Reached"),
            ("wrong_password", "Wrong Password"),
            ("password_required", "Password Required"),
            ("throttled", "Too Many Attempts"),
            ("not_found", "Not Shared"),
            ("refused", "Refused"),
        ],
        required=True,
    )
    ip_address = fields.Char(string="IP Address")
    user_agent = fields.Char()
    file_name = fields.Char()

    @api.model
    def _log(self, share, action, outcome, document=None, file_name=None):
        from odoo.http import request

        values = {
            "share_id": share.id,
            "action": action,
            "outcome": outcome,
            "document_id": document.id if document else False,
            "file_name": file_name,
        }
        if request:
            values["ip_address"] = request.httprequest.remote_addr
            values["user_agent"] = (request.httprequest.user_agent.string or "")[:500]
        # sudo: visitors write the log of the link they use, never read it
        return self.sudo().create(values)
