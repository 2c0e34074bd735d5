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
        # crm_suite sets the band in SQL (its hook _score_on_hot, see
        # crm_lead_hot.py); a band written through the ORM turns hot too
        hot_before = (
            set(self.filtered(lambda lead: lead.score_band == "hot").ids)
            if vals.get("score_band") == "hot"
            else None
        )
        won_before = (
            set(self.filtered(lambda lead: lead.stage_id.is_won).ids)
            if "stage_id" in vals
            else None
        )
        res = super().write(vals)
        Handoff = self.env["crm.handoff"]
        if hot_before is not None:
            Handoff._create_for_hot_leads(
                self.filtered(lambda lead: lead.id not in hot_before)
            )
        if won_before is not None:
            newly_won = self.filtered(
                lambda lead: lead.stage_id.is_won and lead.id not in won_before
            )
            if newly_won:
                Handoff._create_for_won_leads(newly_won)
        return res

    def action_open_customer_360(self):
        """The customer 360 screen of the lead's customer."""
        self.ensure_one()
        self.check_access("read")
        return self.env["crm.interaction"]._customer_360_action(self.partner_id)
