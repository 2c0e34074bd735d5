# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.crm_suite.tools import trigger_cron

EVENT_CRON = "crm_analytics.ir_cron_crm_event_rule"


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        if posted.filtered(lambda m: m.move_type in ("out_invoice", "out_refund")):
            # the event rules' metrics moved: evaluate them soon (the job)
            trigger_cron(self.env, EVENT_CRON)
        return posted

    def _invoice_paid_hook(self):
        """A customer invoice became paid: an ``invoice_paid`` scoring event
        for its customer's leads (one insert for all), and the event rules'
        metrics moved."""
        res = super()._invoice_paid_hook()
        invoices = self.filtered(
            lambda m: m.move_type == "out_invoice" and m.commercial_partner_id
        )
        if invoices:
            now = fields.Datetime.now()
            # sudo: a payment counts as engagement for the customer's leads
            # whoever registers it (an accountant has no access to leads)
            self.env["crm.score.event"].sudo()._record(
                [
                    {
                        "event_type": "invoice_paid",
                        "partner_id": invoice.commercial_partner_id.id,
                        "date": now,
                        "res_model": self._name,
                        "res_id": invoice.id,
                        "company_id": invoice.company_id.id,
                    }
                    for invoice in invoices
                ]
            )
            trigger_cron(self.env, EVENT_CRON)
        return res
