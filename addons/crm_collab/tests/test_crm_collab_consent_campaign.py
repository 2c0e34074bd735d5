# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from odoo.addons.crm_suite.tests.common import DripCommon


@tagged("post_install", "-at_install")
class TestCrmCollabConsentCampaign(DripCommon):
    """Withdrawn (or, in require-consent mode, missing) email consent stops
    drip email, with the reason on the trace, and mass mailing email, as a
    blocklist does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.crm_require_email_consent = False

    def _consent_leads(self, tag, states):
        """One lead per consent state, each with its own contact."""
        partners = self.env["res.partner"].create(
            [
                {
                    "name": f"{tag} contact {index}",
                    "email": f"{tag}{index}@{tag}.example.com",
                    "consent_email": state,
                }
                for index, state in enumerate(states)
            ]
        )
        leads = self._leads(len(states), tag)
        for lead, partner in zip(leads, partners, strict=True):
            lead.partner_id = partner
            lead.email_from = partner.email
        return leads

    def test_withdrawn_consent_stops_the_next_drip_email(self):
        leads = self._consent_leads("consent", ["granted", "unknown", "granted"])
        first, second, third = leads
        campaign, welcome, children = self._reaction_campaign("consent")
        campaign.action_start()
        self._process()
        self.assertEqual(len(self._mails(welcome)), 3, "everyone got the welcome")
        # the first contact withdraws; the reminder is due
        first.partner_id.consent_email = "withdrawn"
        reminder = children["not_opened"]
        self._make_due(self._traces(reminder))
        self._process()
        trace = self._traces(reminder, first)
        self.assertEqual(trace.state, "canceled")
        self.assertIn("withdrawn", trace.state_message)
        self.assertIn(first.partner_id.name, trace.state_message)
        participant = self._participants(campaign, first)
        self.assertEqual(participant.state, "stopped")
        self.assertEqual(participant.exit_reason, "no_consent")
        self.assertFalse(self._mails(reminder, first))
        # the others (granted, unknown) get it: off, only withdrawn blocks
        self.assertEqual(len(self._mails(reminder, second)), 1)
        self.assertEqual(len(self._mails(reminder, third)), 1)
        self.assertEqual(self._traces(reminder, second).state, "done")

    def test_require_consent_mode(self):
        self.env.company.crm_require_email_consent = True
        leads = self._consent_leads("requireconsent", ["granted", "unknown"])
        granted, unknown = leads
        no_contact = self._leads(1, "requireconsentx")
        campaign = self._campaign(
            tag="requireconsent",
            domain="['|', ('email_from', 'ilike', '@requireconsent.example.com'), "
            "('email_from', 'ilike', '@requireconsentx.example.com')]",
        )
        welcome = self._step(campaign, "Welcome")
        campaign.action_start()
        self._process()
        self.assertEqual(len(self._mails(welcome, granted)), 1)
        for lead in (unknown, no_contact):
            self.assertFalse(self._mails(welcome, lead), lead.name)
            trace = self._traces(welcome, lead)
            self.assertEqual(trace.state, "canceled", lead.name)
            self.assertIn("requires consent", trace.state_message, lead.name)
            self.assertEqual(
                self._participants(campaign, lead).exit_reason, "no_consent"
            )

    def _send_mailing(self, model, records):
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "News",
                "body_html": "<p>Our news.</p>",
                "mailing_model_id": self.env["ir.model"]._get(model).id,
                "mailing_domain": repr([("id", "in", records.ids)]),
                "email_from": "news@example.com",
                "keep_archives": True,
            }
        )
        mailing.action_send_mail()
        self.env.flush_all()
        return {
            trace.res_id: trace
            for trace in self.env["mailing.trace"].search(
                [("mass_mailing_id", "=", mailing.id)]
            )
        }

    def test_mass_mailing_on_contacts_and_leads(self):
        leads = self._consent_leads("massconsent", ["granted", "withdrawn", "unknown"])
        partners = leads.partner_id
        for model, records in (("res.partner", partners), ("crm.lead", leads)):
            traces = self._send_mailing(model, records)
            granted, withdrawn, unknown = records
            self.assertEqual(traces[withdrawn.id].trace_status, "cancel", model)
            self.assertEqual(traces[withdrawn.id].failure_type, "mail_bl", model)
            self.assertNotEqual(traces[granted.id].trace_status, "cancel", model)
            self.assertNotEqual(traces[unknown.id].trace_status, "cancel", model)
        # require-consent mode: only granted passes
        self.env.company.crm_require_email_consent = True
        traces = self._send_mailing("res.partner", partners)
        self.assertNotEqual(traces[partners[0].id].trace_status, "cancel")
        self.assertEqual(traces[partners[2].id].trace_status, "cancel")
        self.assertEqual(traces[partners[2].id].failure_type, "mail_bl")
