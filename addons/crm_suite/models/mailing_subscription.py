# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class MailingSubscription(models.Model):
    """A mailing contact that opts out of its last mailing list has
    unsubscribed: it leaves the drip campaigns it takes part in."""

    _inherit = "mailing.subscription"

    @api.model_create_multi
    def create(self, vals_list):
        subscriptions = super().create(vals_list)
        subscriptions.filtered("opt_out")._crm_drip_stop_unsubscribed()
        return subscriptions

    def write(self, vals):
        res = super().write(vals)
        if vals.get("opt_out"):
            self._crm_drip_stop_unsubscribed()
        return res

    def _crm_drip_stop_unsubscribed(self):
        if self:
            # sudo: opt-outs come from public unsubscribe pages
            self.env["crm.drip.participant"].sudo()._stop_unsubscribed_contacts(
                self.contact_id.ids
            )
