# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        """The ticket page's chatter is mail's: load its translations on
        portal pages too (website_mail does the same when website is
        installed), or its labels stay English for a French customer."""
        return super()._get_translation_frontend_modules_name() + ["mail"]
