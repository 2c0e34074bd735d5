# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo.tests import HttpCase, tagged

from .test_crm_drip import DripCase

OFFER_URL = "https://www.example.com/offer"


@tagged("post_install", "-at_install", "crm_suite_security")
class TestSecurityTracking(DripCase, HttpCase):
    """Every recipient of a drip step's email shares its link codes: the
    trace id in ``/r/<code>/m/<trace id>`` is signed, and a click on another
    recipient's trace id (no signature, a wrong one, one's own) records
    nothing: no click, no drip branch, no score event."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_link = cls.env["mail.template"].create(
            {
                "name": "Drip: offer with a link",
                "model_id": cls.model_lead.id,
                "subject": "Our offer",
                "body_html": f'<p>See <a href="{OFFER_URL}">our offer</a>.</p>',
                "email_from": "sales@drip.example.com",
                "use_default_to": True,
            }
        )

    def _send_offer(self, tag):
        leads = self._leads(2, tag)
        campaign = self._campaign(tag=tag)
        welcome = self._step(campaign, "Offer", mail_template_id=self.template_link.id)
        clicked = self._step(
            campaign,
            "On click",
            parent=welcome,
            trigger="clicked",
            action_type="activity",
            delay=1,
            activity_summary="Call (clicked)",
        )
        campaign.action_start()
        self._process()
        mails = self._mails(welcome)
        self.assertEqual(len(mails), 2)
        bodies = {}
        for lead in leads:
            mail = mails.filtered(lambda m, lead=lead: m.res_id == lead.id)
            bodies[lead] = str(mail._prepare_outgoing_body())
        return leads, welcome, clicked, bodies

    def _mailing_trace(self, step, lead):
        return self._mailing_traces(self._traces(step, lead))

    def _click_events(self, trace):
        return self.env["crm.score.event"].search(
            [("res_model", "=", "mailing.trace"), ("res_id", "=", trace.id)]
        )

    def test_outgoing_body_signs_links(self):
        leads, welcome, _clicked, bodies = self._send_offer("signbody")
        for lead in leads:
            trace = self._mailing_trace(welcome, lead)
            signature = trace._crm_drip_click_signature()
            self.assertEqual(len(signature), 32)
            links = re.findall(r'href="([^"]*/r/[^"]*)"', bodies[lead])
            self.assertEqual(len(links), 1, bodies[lead])
            self.assertRegex(
                links[0], rf"/r/[A-Za-z0-9]+/m/{trace.id}\?sig={signature}$"
            )
        # the email as it leaves the server carries the signed link, also in
        # its plain-text part
        mail = self._mails(welcome, leads[0])
        signature = self._mailing_trace(welcome, leads[0])._crm_drip_click_signature()
        [outgoing] = mail._prepare_outgoing_list()
        self.assertIn(f"?sig={signature}", outgoing["body"])
        self.assertIn(f"?sig={signature}", outgoing["body_alternative"])

    def test_forged_click_records_nothing(self):
        leads, welcome, clicked, bodies = self._send_offer("forge")
        attacker, victim = leads
        attacker_trace = self._mailing_trace(welcome, attacker)
        victim_trace = self._mailing_trace(welcome, victim)
        # the attacker's own link, with the victim's trace id in its place
        link = re.search(r'href="[^"]*(/r/[A-Za-z0-9]+)/m/', bodies[attacker])
        code_path = link.group(1)
        Click = self.env["link.tracker.click"]
        clicks_before = Click.search_count([])
        lines_before = victim.score_line_ids
        score_before = victim.score_engagement
        forged = [
            f"{code_path}/m/{victim_trace.id}",
            f"{code_path}/m/{victim_trace.id}?sig=",
            f"{code_path}/m/{victim_trace.id}?sig=0123456789abcdef0123456789abcdef",
            f"{code_path}/m/{victim_trace.id}"
            f"?sig={attacker_trace._crm_drip_click_signature()}",
            f"{code_path}/m/{victim_trace.id}?sig[]=x",
        ]
        for url in forged:
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 301, url)
            self.assertTrue(response.headers["Location"].startswith(OFFER_URL), url)
        self.env.invalidate_all()
        self.assertFalse(victim_trace.links_click_datetime)
        self.assertFalse(victim_trace.open_datetime)
        self.assertEqual(Click.search_count([]), clicks_before)
        self.assertFalse(Click.search([("mailing_trace_id", "=", victim_trace.id)]))
        self.assertFalse(self._click_events(victim_trace))
        self.assertEqual(victim.score_line_ids, lines_before)
        self.assertEqual(victim.score_engagement, score_before)
        self.assertFalse(self._traces(clicked, victim).schedule_date)
        self.assertEqual(welcome.clicked_count, 0)

        # the victim's own, signed link is the victim's click
        response = self.url_open(
            f"{code_path}/m/{victim_trace.id}"
            f"?sig={victim_trace._crm_drip_click_signature()}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response.headers["Location"].startswith(OFFER_URL))
        self.env.invalidate_all()
        self.assertTrue(victim_trace.links_click_datetime)
        self.assertEqual(
            len(Click.search([("mailing_trace_id", "=", victim_trace.id)])), 1
        )
        self.assertIn(
            "email_clicked", self._click_events(victim_trace).mapped("event_type")
        )
        self.assertGreater(victim.score_engagement, score_before)
        self.assertTrue(self._traces(clicked, victim).schedule_date)
        self.assertEqual(welcome.clicked_count, 1)
        # nothing of it went to the attacker's trace
        self.assertFalse(attacker_trace.links_click_datetime)

    def test_other_mailings_keep_odoo_tracking(self):
        lead = self._leads(1, "plainmail")
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "News",
                "body_html": "<p>News</p>",
                "mailing_model_id": self.model_lead.id,
            }
        )
        trace = self.MailingTrace.create(
            {
                "model": "crm.lead",
                "res_id": lead.id,
                "mass_mailing_id": mailing.id,
                "trace_status": "sent",
                "email": "plain@example.com",
            }
        )
        link = self.env["link.tracker"].create(
            {"url": OFFER_URL, "mass_mailing_id": mailing.id}
        )
        self.assertFalse(trace._crm_drip_is_signed())
        response = self.url_open(f"/r/{link.code}/m/{trace.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 301)
        self.env.invalidate_all()
        self.assertTrue(trace.links_click_datetime)
