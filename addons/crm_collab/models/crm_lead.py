# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def action_open_customer_360(self):
        """The customer 360 screen of the lead's customer."""
        self.ensure_one()
        self.check_access("read")
        return self.env["crm.interaction"]._customer_360_action(self.partner_id)
