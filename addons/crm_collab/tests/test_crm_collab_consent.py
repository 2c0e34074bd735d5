# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import CrmCollabUsersMixin


@tagged("post_install", "-at_install")
class TestCrmCollabConsent(CrmCollabUsersMixin, TransactionCase):
    """Channel preferences and consent on contacts: the log of each change,
    per contact (never the company's), a lead's consent is its partner's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_collab_users()
        cls.company_partner = cls.env["res.partner"].create(
            {
                "name": "Consent Corp",
                "is_company": True,
                "email": "info@consent.example",
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Connie Contact",
                "parent_id": cls.company_partner.id,
                "email": "connie@consent.example",
            }
        )

    def test_fields_and_defaults(self):
        self.assertEqual(self.contact.consent_email, "unknown")
        self.assertEqual(self.contact.consent_phone, "unknown")
        self.assertEqual(self.contact.consent_sms, "unknown")
        self.assertEqual(self.contact.consent_messaging, "unknown")
        self.assertFalse(self.contact.preferred_channel)
        self.assertFalse(self.contact.consent_log_ids)
        self.assertEqual(
            [v for v, __ in self.contact._fields["preferred_channel"].selection],
            ["email", "phone", "sms", "messaging"],
        )

    def test_change_is_logged_with_source_and_user(self):
        contact = self.contact.with_user(self.user_salesman)
        contact.with_context(crm_consent_source="portal").write(
            {"consent_email": "granted", "consent_sms": "withdrawn"}
        )
        logs = self.contact.consent_log_ids
        self.assertEqual(len(logs), 2)
        by_channel = {log.channel: log for log in logs}
        self.assertEqual(by_channel["email"].state, "granted")
        self.assertEqual(by_channel["email"].previous_state, "unknown")
        self.assertEqual(by_channel["sms"].state, "withdrawn")
        self.assertEqual(set(logs.mapped("source")), {"portal"})
        self.assertEqual(logs.user_id, self.user_salesman)
        self.assertTrue(all(logs.mapped("date")))
        # no source given, outside any request (a job, a shell): "system";
        # rewriting the same state logs nothing
        contact.write({"consent_email": "withdrawn", "consent_sms": "withdrawn"})
        self.assertEqual(len(self.contact.consent_log_ids), 3)
        last = self.contact.consent_log_ids.sorted("id")[-1]
        self.assertEqual(
            (last.channel, last.previous_state, last.state, last.source),
            ("email", "granted", "withdrawn", "system"),
        )
        # the preferred channel is a preference, not a consent: no log
        contact.write({"preferred_channel": "sms"})
        self.assertEqual(len(self.contact.consent_log_ids), 3)

    def test_creation_logs_given_consents(self):
        partner = self.env["res.partner"].create(
            {"name": "New One", "consent_phone": "granted", "consent_email": "unknown"}
        )
        self.assertEqual(partner.consent_log_ids.mapped("channel"), ["phone"])
        self.assertEqual(partner.consent_log_ids.source, "creation")

    def test_log_is_not_writable_by_users(self):
        self.contact.consent_email = "granted"
        log = self.contact.consent_log_ids.with_user(self.user_collab_manager)
        self.assertEqual(log.state, "granted")
        with self.assertRaises(AccessError):
            log.write({"state": "withdrawn"})
        with self.assertRaises(AccessError):
            log.unlink()
        with self.assertRaises(AccessError):
            self.env["crm.consent.log"].with_user(self.user_internal).create(
                {
                    "partner_id": self.contact.id,
                    "channel": "email",
                    "state": "granted",
                    "source": "forged",
                }
            )

    def test_per_contact_not_copied_from_the_company(self):
        self.company_partner.write(
            {
                "consent_email": "withdrawn",
                "consent_phone": "granted",
                "preferred_channel": "phone",
            }
        )
        self.assertEqual(self.contact.consent_email, "unknown")
        self.assertEqual(self.contact.consent_phone, "unknown")
        self.assertFalse(self.contact.preferred_channel)
        # a new contact of the company, and an existing one moved under it
        child = self.env["res.partner"].create(
            {"name": "Newcomer", "parent_id": self.company_partner.id}
        )
        self.assertEqual(child.consent_email, "unknown")
        loose = self.env["res.partner"].create(
            {"name": "Loose", "consent_email": "granted"}
        )
        loose.parent_id = self.company_partner
        self.assertEqual(loose.consent_email, "granted")
        # Odoo's commercial sync leaves them alone
        for fname in (
            "preferred_channel",
            "consent_email",
            "consent_phone",
            "consent_sms",
            "consent_messaging",
        ):
            self.assertNotIn(fname, self.env["res.partner"]._commercial_fields())
        self.contact.consent_email = "granted"
        self.company_partner._commercial_sync_to_children()
        self.contact._commercial_sync_from_company()
        self.assertEqual(self.contact.consent_email, "granted")
        # nor does a duplicate
        self.assertEqual(self.contact.copy().consent_email, "unknown")

    def test_lead_consent_is_its_partner(self):
        lead = self.env["crm.lead"].create(
            {"name": "Consent lead", "partner_id": self.contact.id}
        )
        self.assertEqual(lead.consent_email, "unknown")
        self.contact.consent_email = "withdrawn"
        self.assertEqual(lead.consent_email, "withdrawn")

    def test_company_switch(self):
        company = self.env.company
        granted, withdrawn, unknown = self.env["res.partner"].create(
            [
                {"name": "G", "consent_email": "granted"},
                {"name": "W", "consent_email": "withdrawn"},
                {"name": "U"},
            ]
        )
        partners = granted | withdrawn | unknown
        Partner = self.env["res.partner"]
        company.crm_require_email_consent = False
        self.assertEqual(
            set(Partner._crm_email_refusals(partners, company)), {withdrawn.id}
        )
        company.crm_require_email_consent = True
        self.assertEqual(
            set(Partner._crm_email_refusals(partners, company)),
            {withdrawn.id, unknown.id},
        )
        # a lead without a contact has no consent to give
        lead, lead_granted = self.env["crm.lead"].create(
            [{"name": "No contact"}, {"name": "Granted", "partner_id": granted.id}]
        )
        self.assertEqual(
            set(Partner._crm_email_refusals(lead | lead_granted, company)), {lead.id}
        )
        company.crm_require_email_consent = False
        self.assertFalse(Partner._crm_email_refusals(lead | lead_granted, company))

    def test_settings_entry(self):
        settings = self.env["res.config.settings"].create(
            {"crm_require_email_consent": True}
        )
        settings.execute()
        self.assertTrue(self.env.company.crm_require_email_consent)
        other = self.env["res.company"].create({"name": "Other consent company"})
        self.assertFalse(other.crm_require_email_consent, "per company")
