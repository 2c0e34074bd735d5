# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmStage(models.Model):
    _inherit = "crm.stage"

    stale_days = fields.Integer(
        string="Stale After (days)",
        help="Alert the salesperson when a lead in this stage has had no "
        "interaction for this many days; 0 uses the sales team's delay.",
    )

    @api.constrains("stale_days")
    def _check_stale_days(self):
        if any(stage.stale_days < 0 for stage in self):
            raise ValidationError(self.env._("A number of days cannot be negative."))
