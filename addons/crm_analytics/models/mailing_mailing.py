# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    crm_budget = fields.Float(
        "Budget",
        digits=(16, 2),
        help="What this mailing cost beyond its emails (design, list, tools), in "
        "the currency of the company of its recipients; shared equally among its "
        "sent emails in customers' marketing cost.",
    )
