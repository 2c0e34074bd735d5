# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "crm.partner.consent"]

    crm_document_count = fields.Integer(
        string="Documents", compute="_compute_crm_document_count"
    )

    def _compute_crm_document_count(self):
        Document = self.env["crm.document"]
        if not Document.has_access("read"):
            self.crm_document_count = 0
            return
        counts = dict(
            Document._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.crm_document_count = counts.get(partner.commercial_partner_id, 0)

    def action_open_documents(self):
        """Open the customer's workspace, created on first use."""
        self.ensure_one()
        return (
            self.env["crm.document.folder"]
            ._workspace_of(self.commercial_partner_id)
            .action_open_documents()
        )

    def action_open_customer_360(self):
        """The customer 360 screen of this contact's commercial entity."""
        self.ensure_one()
        self.check_access("read")
        return self.env["crm.interaction"]._customer_360_action(self)
