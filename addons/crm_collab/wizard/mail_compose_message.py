# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _get_blacklist_record_ids(self, mail_values_dict, recipients_info=None):
        """Campaign email (a mailing, a drip step) on contacts or leads: the
        records whose contact has no email consent are excluded as
        blocklisted ones are (``mail_bl``), as long as the mailing uses the
        exclusion lists."""
        blocked = super()._get_blacklist_record_ids(
            mail_values_dict, recipients_info=recipients_info
        )
        if (
            self.composition_mode != "mass_mail"
            or not self.mass_mailing_id
            or not self.use_exclusion_list
            or self.model not in ("res.partner", "crm.lead")
        ):
            return blocked
        records = self.env[self.model].browse(mail_values_dict.keys())
        company = self.mass_mailing_id.user_id.company_id or self.env.company
        blocked.update(self.env["res.partner"]._crm_email_refused_ids(records, company))
        return blocked
