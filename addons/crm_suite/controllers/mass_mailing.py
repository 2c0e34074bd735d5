# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.http import request

from odoo.addons.mass_mailing.controllers.main import MassMailController


class CrmSuiteMassMailController(MassMailController):
    def _mailing_unsubscribe_from_document(
        self, mailing, document_id, email, hash_token
    ):
        # the blocklist entry this adds stops the address's drip campaigns
        # as 'unsubscribed' rather than 'blocklisted'
        request.update_context(crm_drip_exit_reason="unsubscribed")
        return super()._mailing_unsubscribe_from_document(
            mailing, document_id, email, hash_token
        )
