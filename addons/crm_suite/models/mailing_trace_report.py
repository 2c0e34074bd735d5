# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailingTraceReport(models.Model):
    _inherit = "mailing.trace.report"

    def _report_get_request_where_items(self):
        # the drip steps' emails have their own statistics (on the steps)
        return [
            *super()._report_get_request_where_items(),
            "mailing.crm_drip_step_id IS NULL",
        ]
