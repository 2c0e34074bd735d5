# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

# how the ticket came in -> the channel to answer on
TICKET_REPLY_CHANNELS = {"email": "email", "phone": "phone", "portal": "messaging"}


class CrmTicket(models.Model):
    _name = "crm.ticket"
    _inherit = ["crm.ticket", "crm.reply.channel.mixin"]

    def _crm_reply_channel_fallback(self):
        return TICKET_REPLY_CHANNELS.get(self.channel, False)

    def action_open_customer_360(self):
        """The customer 360 screen of the ticket's customer."""
        self.ensure_one()
        self.check_access("read")
        return self.env["crm.interaction"]._customer_360_action(self.partner_id)
