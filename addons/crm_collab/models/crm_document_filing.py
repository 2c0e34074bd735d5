# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.exceptions import UserError


class CrmDocumentFiling(models.AbstractModel):
    """File the attachments of a lead, ticket, invoice or partner into the
    customer's workspace in one step (the action of those records)."""

    _name = "crm.document.filing"
    _description = "File Attachments into Customer Documents"

    FILED_MODELS = ("crm.lead", "crm.ticket", "account.move", "res.partner")

    @api.model
    def action_file_attachments(self, res_model, res_ids):
        if res_model not in self.FILED_MODELS or res_model not in self.env:
            raise UserError(self.env._("Attachments of this record cannot be filed."))
        records = self.env[res_model].browse(res_ids).exists()
        records.check_access("read")
        self.env["crm.document"].check_access("create")
        Document = self.env["crm.document"]
        count = 0
        for record in records:
            partner = (
                record if res_model == "res.partner" else record.partner_id
            ).commercial_partner_id
            if not partner:
                raise UserError(
                    self.env._(
                        "%(record)s has no customer: set one to file its attachments.",
                        record=record.display_name,
                    )
                )
            attachments = self.env["ir.attachment"].search(
                [("res_model", "=", res_model), ("res_id", "=", record.id)]
            )
            if not attachments:
                continue
            workspace = self.env["crm.document.folder"]._workspace_of(partner)
            filed = set(
                Document.with_context(active_test=False)
                .search(
                    [
                        ("res_model", "=", res_model),
                        ("res_id", "=", record.id),
                        ("checksum", "in", attachments.mapped("checksum")),
                    ]
                )
                .mapped("checksum")
            )
            for attachment in attachments:
                if attachment.checksum in filed or attachment.type != "binary":
                    continue
                document = Document.create(
                    {
                        "name": attachment.name,
                        "folder_id": workspace.id,
                        "partner_id": partner.id,
                        "res_model": res_model,
                        "res_id": record.id,
                    }
                )
                document._set_file(attachment.raw, file_name=attachment.name)
                filed.add(attachment.checksum)
                count += 1
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s files filed in the customer's documents.", count=count
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
