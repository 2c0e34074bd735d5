# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo.tests import HttpCase, tagged

from .common import DripCommon

OFFER_URL = "https://www.example.com/offer"


@tagged("post_install", "-at_install", "crm_suite_security")
class TestSecurityTracking(DripCommon, HttpCase):
    """Every recipient of a mailing's email shares its link codes: the trace
    id in ``/r/<code>/m/<trace id>`` is signed. A click on another
    recipient's trace id (no signature, a wrong one, one's own) of a drip
    step's email records nothing: no click, no drip branch, no score event;
    of another mailing's email it is Odoo's click (its statistics) but no
    score event."""

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
            signature = trace._crm_click_signature()
            self.assertEqual(len(signature), 32)
            links = re.findall(r'href="([^"]*/r/[^"]*)"', bodies[lead])
            self.assertEqual(len(links), 1, bodies[lead])
            self.assertRegex(
                links[0], rf"/r/[A-Za-z0-9]+/m/{trace.id}\?sig={signature}$"
            )
        # the email as it leaves the server carries the signed link, also in
        # its plain-text part
        mail = self._mails(welcome, leads[0])
        signature = self._mailing_trace(welcome, leads[0])._crm_click_signature()
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
            f"?sig={attacker_trace._crm_click_signature()}",
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
            f"?sig={victim_trace._crm_click_signature()}",
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

    # ------------------------------------------------------------------
    # Other mailings: Odoo's click, but no score without the signature
    # ------------------------------------------------------------------

    def _trace_lines(self, leads, trace):
        return leads.score_line_ids.filtered(
            lambda line: line.event_id.res_model == "mailing.trace"
            and line.event_id.res_id == trace.id
        )

    def _send_mailing(self, model, records):
        """A regular mailing (no drip step) with one tracked link, sent to
        ``records``: {record: body of its email as it leaves the server}."""
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "News",
                "body_html": f'<p>See <a href="{OFFER_URL}">our offer</a>.</p>',
                "mailing_model_id": self.env["ir.model"]._get(model).id,
                "mailing_domain": repr([("id", "in", records.ids)]),
                "email_from": "news@example.com",
                "keep_archives": True,
            }
        )
        mailing.action_send_mail()
        self.env.flush_all()
        mails = self.env["mail.mail"].search([("mailing_id", "=", mailing.id)])
        self.assertEqual(len(mails), len(records))
        bodies = {}
        for record in records:
            mail = mails.filtered(lambda m, record=record: m.res_id == record.id)
            bodies[record] = str(mail._prepare_outgoing_body())
        return mailing, bodies

    def _assert_forged_click_scores_nothing(self, model, records, leads_of):
        """``records[0]`` (the attacker) clicks with ``records[1]``'s trace
        id: Odoo records the click on the victim's trace, as it always did,
        but no engagement event and no score line; the victim's own signed
        link scores."""
        mailing, bodies = self._send_mailing(model, records)
        attacker, victim = records
        trace_of = {
            record: mailing.mailing_trace_ids.filtered(
                lambda t, record=record: t.model == model and t.res_id == record.id
            )
            for record in records
        }
        attacker_trace, victim_trace = trace_of[attacker], trace_of[victim]
        self.assertFalse(victim_trace._crm_click_needs_signature())
        # every recipient's link is signed with its own trace
        for record, trace in trace_of.items():
            links = re.findall(r'href="([^"]*/r/[^"]*)"', bodies[record])
            self.assertEqual(len(links), 1, bodies[record])
            self.assertRegex(
                links[0],
                rf"/r/[A-Za-z0-9]+/m/{trace.id}\?sig={trace._crm_click_signature()}$",
            )
        code_path = re.search(
            r'href="[^"]*(/r/[A-Za-z0-9]+)/m/', bodies[attacker]
        ).group(1)
        victim_leads = leads_of(victim)
        self.assertTrue(victim_leads)
        lines_before = victim_leads.score_line_ids
        scores_before = victim_leads.mapped("score_engagement")
        Click = self.env["link.tracker.click"]
        forged = [
            f"{code_path}/m/{victim_trace.id}",
            f"{code_path}/m/{victim_trace.id}?sig=",
            f"{code_path}/m/{victim_trace.id}"
            f"?sig={attacker_trace._crm_click_signature()}",
            f"{code_path}/m/{victim_trace.id}?sig[]=x",
        ]
        for url in forged:
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 301, url)
            self.assertTrue(response.headers["Location"].startswith(OFFER_URL), url)
        self.env.invalidate_all()
        # Odoo's mailing statistics: as without our addon
        self.assertTrue(victim_trace.links_click_datetime)
        self.assertEqual(victim_trace.trace_status, "open")
        self.assertEqual(
            len(Click.search([("mailing_trace_id", "=", victim_trace.id)])),
            len(forged),
        )
        # ... but no engagement event, no score line, no score
        self.assertFalse(self._click_events(victim_trace))
        self.assertEqual(victim_leads.score_line_ids, lines_before)
        self.assertFalse(self._trace_lines(victim_leads, victim_trace))
        self.assertEqual(victim_leads.mapped("score_engagement"), scores_before)
        self.assertFalse(attacker_trace.links_click_datetime)

        # the victim's own, signed link scores
        response = self.url_open(
            f"{code_path}/m/{victim_trace.id}"
            f"?sig={victim_trace._crm_click_signature()}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response.headers["Location"].startswith(OFFER_URL))
        self.env.invalidate_all()
        self.assertIn(
            "email_clicked", self._click_events(victim_trace).mapped("event_type")
        )
        self.assertTrue(self._trace_lines(victim_leads, victim_trace))
        for lead, before in zip(victim_leads, scores_before, strict=True):
            self.assertGreater(lead.score_engagement, before)

    def test_forged_click_on_lead_mailing_scores_nothing(self):
        leads = self._leads(2, "newslead")
        self._assert_forged_click_scores_nothing("crm.lead", leads, lambda lead: lead)

    def test_forged_click_on_partner_mailing_scores_nothing(self):
        partners = self.env["res.partner"].create(
            [
                {"name": f"News contact {index}", "email": f"news{index}@example.com"}
                for index in range(2)
            ]
        )
        leads = self.env["crm.lead"].create(
            [
                {"name": f"News opportunity {p.name}", "partner_id": p.id}
                for p in partners
            ]
        )
        self._assert_forged_click_scores_nothing(
            "res.partner",
            partners,
            lambda partner: leads.filtered(lambda lead: lead.partner_id == partner),
        )

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
        self.assertFalse(trace._crm_click_needs_signature())
        response = self.url_open(f"/r/{link.code}/m/{trace.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 301)
        self.env.invalidate_all()
        self.assertTrue(trace.links_click_datetime)
        # unsigned (like an email sent before links were signed): no score
        self.assertFalse(self._click_events(trace))
