# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "crm.reply.channel.mixin"]

    # a lead's consent is its partner's
    consent_email = fields.Selection(
        related="partner_id.consent_email", string="Email Consent"
    )
    preferred_channel = fields.Selection(related="partner_id.preferred_channel")

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        won = leads.filtered(lambda lead: lead.stage_id.is_won)
        if won:
            self.env["crm.handoff"]._create_for_won_leads(won)
        return leads

    def write(self, vals):
        if "stage_id" not in vals:
            return super().write(vals)
        won_before = set(self.filtered(lambda lead: lead.stage_id.is_won).ids)
        res = super().write(vals)
        newly_won = self.filtered(
            lambda lead: lead.stage_id.is_won and lead.id not in won_before
        )
        if newly_won:
            self.env["crm.handoff"]._create_for_won_leads(newly_won)
        return res
