# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import models

from .mailing_trace import CLICK_SIGNATURE_PARAM


class MailMail(models.Model):
    """A mailing's email signs its recipient's tracked links: Odoo turns
    each ``/r/<code>`` link into ``/r/<code>/m/<trace id>``, the same codes
    for every recipient of the mailing, so anyone who received one email
    could click for every other recipient by changing the trace id. The
    signature (see ``mailing.trace._crm_click_signature``) ties the URL to
    its trace; the tracking route records nothing without it for a drip
    step's email, and no engagement event for another mailing's."""

    _inherit = "mail.mail"

    def _prepare_outgoing_body(self):
        body = super()._prepare_outgoing_body()
        if not (body and self.mailing_id and self.mailing_trace_ids):
            return body
        trace = self.mailing_trace_ids[0]
        # the links Odoo's mass_mailing just wrote for this trace (and only
        # those: a link of the template that looks alike but points
        # elsewhere is followed by a path character, '?' or '#')
        pattern = re.compile(rf"(/r/[A-Za-z0-9]+/m/{trace.id})(?=[\"'\s<>])")
        signed = rf"\1?{CLICK_SIGNATURE_PARAM}={trace._crm_click_signature()}"
        return body.__class__(pattern.sub(signed, str(body)))
