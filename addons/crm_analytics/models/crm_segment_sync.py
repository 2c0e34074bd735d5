# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where a segment's members go: its mailing list and its drip campaign."""

import logging

from odoo import models

_logger = logging.getLogger(__name__)


class CrmSegmentSync(models.AbstractModel):
    _name = "crm.segment.sync"
    _description = "Segment: mailing list and drip campaign"

    def _sync_mailing_list(self, members):
        """The list's contacts become exactly the members with an email address
        (one subscription per address): missing ones are subscribed (an existing
        mailing contact with that address is reused), the others' subscriptions
        removed. Opted-out subscriptions of members are kept as they are."""
        self.ensure_one()
        mailing_list = self.mailing_list_id
        if not mailing_list:
            return
        wanted = {}
        for partner in members:
            email = partner.email_normalized
            if email and email not in wanted:
                wanted[email] = partner
        Subscription = self.env["mailing.subscription"]
        subscriptions = Subscription.search([("list_id", "=", mailing_list.id)])
        present = {}
        for subscription in subscriptions:
            present.setdefault(subscription.contact_id.email_normalized, subscription)
        gone = subscriptions.filtered(
            lambda s: s.contact_id.email_normalized not in wanted
        )
        if gone:
            gone.unlink()
        missing = [email for email in wanted if email not in present]
        if missing:
            self._subscribe_missing(mailing_list, missing, wanted)
        # the list's contacts are a many2many over the subscriptions
        mailing_list.invalidate_recordset(["contact_ids"])
        self.env["mailing.contact"].invalidate_model(["list_ids"])

    def _subscribe_missing(self, mailing_list, missing, wanted):
        Subscription = self.env["mailing.subscription"]
        Contact = self.env["mailing.contact"]
        known = {}
        for contact in Contact.search([("email_normalized", "in", missing)]):
            known.setdefault(contact.email_normalized, contact)
        new_contacts = Contact.create(
            [
                {
                    "name": wanted[email].name,
                    "email": wanted[email].email,
                    "company_name": wanted[email].commercial_company_name or False,
                    "country_id": wanted[email].country_id.id,
                }
                for email in missing
                if email not in known
            ]
        )
        for contact in new_contacts:
            known[contact.email_normalized] = contact
        Subscription.create(
            [
                {"list_id": mailing_list.id, "contact_id": known[email].id}
                for email in missing
                if email in known
            ]
        )

    def _sync_drip_campaign(self, members):
        """Enrol the members in the running drip campaign (its own rules apply:
        its filter, dedup on email, blocklist, re-enrolment)."""
        self.ensure_one()
        campaign = self.drip_campaign_id
        if not campaign or campaign.state != "running" or not members:
            return
        campaign._crm_enrol_records(members.ids)
