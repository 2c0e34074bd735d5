# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class MailBlacklist(models.Model):
    """A blocklisted address leaves every drip campaign at once (an
    unsubscribe link of a campaign email blocklists it too)."""

    _inherit = "mail.blacklist"

    @api.model_create_multi
    def create(self, vals_list):
        entries = super().create(vals_list)
        entries._crm_drip_stop()
        return entries

    def write(self, vals):
        res = super().write(vals)
        if vals.get("active") or "email" in vals:
            self._crm_drip_stop()
        return res

    def _crm_drip_stop(self):
        emails = [entry.email for entry in self if entry.active and entry.email]
        if emails:
            reason = self.env.context.get("crm_drip_exit_reason") or "blocklisted"
            # sudo: the blocklist is fed by public unsubscribe routes
            self.env["crm.drip.participant"].sudo()._stop_emails(emails, reason)
