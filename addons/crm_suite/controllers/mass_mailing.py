# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from odoo.addons.mass_mailing.controllers.main import MassMailController

from ..models.mailing_trace import CLICK_SIGNATURE_PARAM


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

    @http.route()
    def full_url_redirect(self, code, mailing_trace_id, **post):
        """A tracked link of a drip step's email counts as its recipient's
        click only with the signature of its trace: without it (another
        recipient's trace id, a forged or truncated signature) nothing is
        recorded, neither Odoo's click nor a drip branch nor a score event,
        and the visitor still lands on the link's page. Other mailings keep
        Odoo's behaviour."""
        # sudo: public route, the trace is only read to know its mailing
        trace = request.env["mailing.trace"].sudo().browse(mailing_trace_id).exists()
        if trace and trace._crm_drip_is_signed():
            signature = post.get(CLICK_SIGNATURE_PARAM)
            if not trace._crm_drip_check_click_signature(signature):
                redirect_url = request.env["link.tracker"].get_url_from_code(code)
                if not redirect_url:
                    raise NotFound()
                return request.redirect(redirect_url, code=301, local=False)
        return super().full_url_redirect(code, mailing_trace_id, **post)
