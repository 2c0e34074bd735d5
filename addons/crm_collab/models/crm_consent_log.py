# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

CONSENT_CHANNELS = [
    ("email", "Email"),
    ("phone", "Phone"),
    ("sms", "SMS"),
    ("messaging", "Messaging"),
]
CONSENT_STATES = [
    ("unknown", "Unknown"),
    ("granted", "Granted"),
    ("withdrawn", "Withdrawn"),
]


class CrmConsentLog(models.Model):
    """One change of a contact's consent for one channel: written by the
    contact's create/write only (never by hand), kept as the proof of when,
    from where and by whom consent was given or withdrawn."""

    _name = "crm.consent.log"
    _description = "Consent Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(
        related="partner_id.company_id", store=True, index=True, readonly=True
    )
    channel = fields.Selection(CONSENT_CHANNELS, required=True, readonly=True)
    state = fields.Selection(CONSENT_STATES, required=True, readonly=True)
    previous_state = fields.Selection(CONSENT_STATES, readonly=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    source = fields.Char(
        required=True,
        readonly=True,
        help="Where the change came from: 'manual' (a form), 'creation', "
        "'import', 'portal', 'api'... (the 'crm_consent_source' context key).",
    )
    user_id = fields.Many2one(
        "res.users", string="Changed By", readonly=True, ondelete="set null"
    )
