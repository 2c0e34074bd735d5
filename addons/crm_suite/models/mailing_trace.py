# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import consteq
from odoo.tools.misc import hmac

from ..engines.drip_branch import events_of_trace_change

# query parameter of a mailing email's tracked links that carries the signature
CLICK_SIGNATURE_PARAM = "sig"
# HMAC scope of that signature (one key per use of the database secret)
CLICK_SIGNATURE_SCOPE = "crm_suite-mailing_trace-click"
# context key of the click route for a click without a valid signature on a
# trace of a mailing that is not a drip step's: Odoo records its click and
# open (its mailing statistics), but they record no engagement event
CRM_SCORE_UNSIGNED_CLICK = "crm_score_unsigned_click"

# trace field -> engagement event it records
TRACE_EVENTS = {
    "open_datetime": "email_opened",
    "links_click_datetime": "email_clicked",
    "reply_datetime": "email_replied",
}


class MailingTrace(models.Model):
    """Odoo's own tracking of mass mailings (open pixel, tracked links, replies
    through the mail gateway) feeds lead scoring: a trace on a lead, or on a
    contact, records an engagement event dated as the trace says."""

    _inherit = "mailing.trace"

    crm_drip_trace_id = fields.Many2one(
        "crm.drip.trace",
        string="Drip Campaign Step",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        traces = super().create(vals_list)
        traces._crm_score_record_events(set(TRACE_EVENTS))
        return traces

    def write(self, vals):
        res = super().write(vals)
        changed = set(TRACE_EVENTS) & set(vals)
        if changed:
            self._crm_score_record_events(changed)
        self._crm_drip_react(vals)
        return res

    # Odoo's set_* return the traces they changed: a recordset, which XML-RPC
    # cannot marshal (the change commits, then the caller gets a Fault
    # "cannot marshal <class 'odoo.api.mailing.trace'> objects"). Declared as
    # returning 'self', RPC callers get the ids; Python callers still get
    # the records.
    @api.returns("self")
    def set_sent(self, domain=None):
        return super().set_sent(domain=domain)

    @api.returns("self")
    def set_opened(self, domain=None):
        return super().set_opened(domain=domain)

    @api.returns("self")
    def set_clicked(self, domain=None):
        return super().set_clicked(domain=domain)

    @api.returns("self")
    def set_replied(self, domain=None):
        return super().set_replied(domain=domain)

    @api.returns("self")
    def set_bounced(self, domain=None, bounce_message=False):
        return super().set_bounced(domain=domain, bounce_message=bounce_message)

    @api.returns("self")
    def set_failed(self, domain=None, failure_type=False):
        return super().set_failed(domain=domain, failure_type=failure_type)

    @api.returns("self")
    def set_canceled(self, domain=None):
        return super().set_canceled(domain=domain)

    # ------------------------------------------------------------------
    # Signed tracked links
    # ------------------------------------------------------------------

    def _crm_click_needs_signature(self):
        """The trace of a drip step's email: a click without its signature
        records nothing at all (every recipient of a mailing shares the link
        codes, the trace id in the URL is the only thing telling recipients
        apart, and a drip click branches the campaign). The unsigned click of
        another mailing's trace is Odoo's click, but it scores nothing (see
        ``CRM_SCORE_UNSIGNED_CLICK``)."""
        self.ensure_one()
        return bool(self.crm_drip_trace_id or self.mass_mailing_id.crm_drip_step_id)

    def _crm_click_signature(self):
        """HMAC-SHA256 of the trace id keyed with the database secret,
        128 bits in hex (URL-safe)."""
        self.ensure_one()
        # sudo: the database secret is readable by the superuser only
        return hmac(self.env(su=True), CLICK_SIGNATURE_SCOPE, self.id)[:32]

    def _crm_click_signature_ok(self, signature):
        self.ensure_one()
        if not signature or not isinstance(signature, str):
            return False
        return consteq(signature, self._crm_click_signature())

    def _crm_drip_react(self, vals):
        """Tell drip campaigns what happened to their emails: one statement
        per event, and none for emails that are not a campaign's."""
        drip_ids = [
            trace.crm_drip_trace_id.id for trace in self if trace.crm_drip_trace_id
        ]
        if not drip_ids:
            return
        Trace = self.env["crm.drip.trace"].sudo()  # sudo: public tracking routes
        for event in events_of_trace_change(vals):
            Trace._on_mailing_event(event, drip_ids)

    def _crm_score_record_events(self, trace_fields):
        if self.env.context.get(CRM_SCORE_UNSIGNED_CLICK):
            # anybody who received the mailing could have clicked for them
            return []
        events = []
        for trace in self:
            if trace.model not in ("crm.lead", "res.partner") or not trace.res_id:
                continue
            target = "lead_id" if trace.model == "crm.lead" else "partner_id"
            for field in trace_fields:
                date = trace[field]
                if not date:
                    continue
                if field == "open_datetime" and trace.trace_status not in (
                    "open",
                    "reply",
                ):
                    continue
                events.append(
                    {
                        "event_type": TRACE_EVENTS[field],
                        target: trace.res_id,
                        "date": date,
                        "res_model": self._name,
                        "res_id": trace.id,
                    }
                )
        if events:
            # sudo: traces are updated by public routes (tracking pixel, links)
            self.env["crm.score.event"].sudo()._record(events)
        return events
