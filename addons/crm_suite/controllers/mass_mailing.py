# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from odoo.addons.mass_mailing.controllers.main import MassMailController

from ..models.mailing_trace import CLICK_SIGNATURE_PARAM, CRM_SCORE_UNSIGNED_CLICK


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
        """A tracked link of a mailing's email counts as its recipient's
        click only with the signature of its trace. Without it (another
        recipient's trace id, a forged or truncated signature, a link of an
        email sent before links were signed):

        - on a drip step's email nothing is recorded, neither Odoo's click
          nor a drip branch nor a score event, and the visitor still lands
          on the link's page;
        - on another mailing's email Odoo records its click and open as it
          always did (its mailing statistics), but they record no engagement
          event (no score, no hot lead).
        """
        # sudo: public route, the trace is only read to know its mailing
        trace = request.env["mailing.trace"].sudo().browse(mailing_trace_id).exists()
        signature = post.get(CLICK_SIGNATURE_PARAM)
        if trace and not trace._crm_click_signature_ok(signature):
            if trace._crm_click_needs_signature():
                redirect_url = request.env["link.tracker"].get_url_from_code(code)
                if not redirect_url:
                    raise NotFound()
                return request.redirect(redirect_url, code=301, local=False)
            request.update_context(**{CRM_SCORE_UNSIGNED_CLICK: True})
        return super().full_url_redirect(code, mailing_trace_id, **post)
