# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmPartnerInterest(models.Model):
    """What a contact is interested in (demographic data: readable by the
    Demographic Data group only, as the contacts' demographic fields)."""

    _name = "crm.partner.interest"
    _description = "Contact Interest"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_uniq", "UNIQUE(name)", "An interest with this name already exists."),
    ]
