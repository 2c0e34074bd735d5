# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Channel preferences and consent of a contact (inherited by res.partner):
the fields, the log of each change, and who may receive campaign email."""

import threading
from urllib.parse import urlparse

from odoo import api, fields, models
from odoo.http import request
from odoo.tools import SQL

from .crm_consent_log import CONSENT_CHANNELS, CONSENT_STATES

CONSENT_FIELDS = {f"consent_{channel}": channel for channel, __ in CONSENT_CHANNELS}
DEFAULT_SOURCE = "manual"
# where a change came from, by the path of the request that made it
REQUEST_SOURCES = (("/xmlrpc", "api"), ("/jsonrpc", "api"), ("/my/", "portal"))


class CrmPartnerConsent(models.AbstractModel):
    _name = "crm.partner.consent"
    _description = "Contact Channels and Consent"

    # Per contact, never copied: consent is a person's, not their company's
    # (none of these is in res.partner's _commercial_fields()).
    preferred_channel = fields.Selection(
        CONSENT_CHANNELS,
        copy=False,
        help="How this contact prefers to be contacted.",
    )
    consent_email = fields.Selection(
        CONSENT_STATES, string="Email Consent", default="unknown", copy=False
    )
    consent_phone = fields.Selection(
        CONSENT_STATES, string="Phone Consent", default="unknown", copy=False
    )
    consent_sms = fields.Selection(
        CONSENT_STATES, string="SMS Consent", default="unknown", copy=False
    )
    consent_messaging = fields.Selection(
        CONSENT_STATES, string="Messaging Consent", default="unknown", copy=False
    )
    consent_log_ids = fields.One2many(
        "crm.consent.log", "partner_id", string="Consent History", readonly=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        # a contact created with a consent: its first log line
        partners._consent_log(
            [
                (partner, CONSENT_FIELDS[fname], False, vals[fname])
                for partner, vals in zip(partners, vals_list, strict=True)
                for fname in CONSENT_FIELDS
                if vals.get(fname) and vals[fname] != "unknown"
            ],
            default_source="creation",
        )
        return partners

    def write(self, vals):
        changed = [fname for fname in CONSENT_FIELDS if fname in vals]
        before = {
            (partner.id, fname): partner[fname] or "unknown"
            for partner in self
            for fname in changed
        }
        res = super().write(vals)
        if changed:
            self._consent_log(
                [
                    (partner, CONSENT_FIELDS[fname], before[partner.id, fname], state)
                    for partner in self
                    for fname in changed
                    if (state := vals[fname] or "unknown") != before[partner.id, fname]
                ]
            )
        return res

    def _consent_log(self, changes, default_source=DEFAULT_SOURCE):
        """One log line per (partner, channel, previous state, new state), in
        one create; the source is the context's ``crm_consent_source``."""
        if not changes:
            return
        source = self.env.context.get("crm_consent_source") or self._consent_source(
            default_source
        )
        now = fields.Datetime.now()
        # sudo: the log is written by the contact's own write (that the
        # access rules allowed); nobody writes the log directly
        self.env["crm.consent.log"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "channel": channel,
                    "previous_state": previous or False,
                    "state": state,
                    "date": now,
                    "source": str(source)[:64],
                    "user_id": self.env.uid,
                }
                for partner, channel, previous, state in changes
            ]
        )

    @api.model
    def _consent_source(self, default_source):
        """Without a ``crm_consent_source`` in the context: ``api`` over
        XML-RPC/JSON-RPC, ``portal`` from the portal, ``system`` outside any
        request (a job, a shell), else ``default_source`` (the web client).
        Odoo runs RPC calls with the request taken off its stack: the
        thread's url (set by Odoo for each request) tells them apart."""
        httprequest = request.httprequest if request else None
        if httprequest is not None:
            path = httprequest.path
        else:
            path = urlparse(getattr(threading.current_thread(), "url", "") or "").path
        if not path:
            return "system" if default_source == DEFAULT_SOURCE else default_source
        for prefix, source in REQUEST_SOURCES:
            if path.startswith(prefix):
                return source
        return default_source

    @api.model
    def _crm_email_refused_ids(self, records, company):
        """The ids of the records (contacts, or leads, whose consent is their
        contact's) that campaign email may not reach in ``company``: a
        withdrawn consent always refuses; with the company's
        ``crm_require_email_consent``, anything but granted does (a lead
        without a contact included). One query."""
        if records._name not in ("res.partner", "crm.lead") or not records.ids:
            return set()
        refused = SQL(
            "(p.consent_email = 'withdrawn' OR (%s AND p.consent_email "
            "IS DISTINCT FROM 'granted'))",
            bool(company.crm_require_email_consent),
        )
        self.env["res.partner"].flush_model(["consent_email"])
        if records._name == "res.partner":
            query = SQL(
                "SELECT p.id FROM res_partner p WHERE p.id = ANY(%s) AND %s",
                records.ids,
                refused,
            )
        else:
            records.flush_recordset(["partner_id"])
            query = SQL(
                "SELECT l.id FROM crm_lead l"
                " LEFT JOIN res_partner p ON p.id = l.partner_id"
                " WHERE l.id = ANY(%s) AND %s",
                records.ids,
                refused,
            )
        self.env.cr.execute(query)
        return {row[0] for row in self.env.cr.fetchall()}

    @api.model
    def _crm_email_refusals(self, records, company):
        """{record id: reason} for the records campaign email may not reach
        in ``company`` (see ``_crm_email_refused_ids``)."""
        refused = records.browse(self._crm_email_refused_ids(records, company))
        if records._name == "res.partner":
            partner_of = {record.id: record for record in refused}
        else:
            partner_of = {lead.id: lead.partner_id for lead in refused}
        refusals = {}
        for res_id, partner in partner_of.items():
            if partner.consent_email == "withdrawn":
                refusals[res_id] = self.env._(
                    "Email consent withdrawn by %(contact)s.",
                    contact=partner.display_name,
                )
            elif partner:
                refusals[res_id] = self.env._(
                    "No email consent from %(contact)s (the company requires "
                    "consent).",
                    contact=partner.display_name,
                )
            else:
                refusals[res_id] = self.env._(
                    "No email consent: the lead has no contact (the company "
                    "requires consent)."
                )
        return refusals
