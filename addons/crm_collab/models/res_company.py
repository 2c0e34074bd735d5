# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_document_share_max_days = fields.Integer(
        string="Share Link Maximum (days)",
        default=90,
        help="A document share link expires at the latest this many days after it "
        "is created or its expiry is changed.",
    )
    crm_document_trash_days = fields.Integer(
        string="Trash Retention (days)",
        default=30,
        help="Documents in the trash are deleted for good after this many days.",
    )
    crm_document_upload_max_mb = fields.Integer(
        string="Share Upload Limit (MB)",
        default=25,
        help="Largest file a visitor may upload through a share link or a request.",
    )
    crm_require_email_consent = fields.Boolean(
        string="Require Email Consent",
        default=False,
        help="Off: campaign and drip email reach every contact but those who "
        "withdrew their email consent. On: only contacts who granted it.",
    )
    crm_handoff_won_team_id = fields.Many2one(
        "crm.ticket.team",
        string="Onboarding Team for Won Deals",
        check_company=True,
        help="A won opportunity is handed off to this ticket team (once).",
    )
