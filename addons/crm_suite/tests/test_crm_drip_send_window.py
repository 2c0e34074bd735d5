# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import tagged

from .common import DripCommon

# 2026-01-03 is a Saturday, 2026-01-05 a Monday (Brussels is UTC+1 in winter).
SATURDAY_NOON = datetime(2026, 1, 3, 12, 0)
MONDAY_0800 = datetime(2026, 1, 5, 8, 0)


@tagged("post_install", "-at_install")
class TestCrmDripSendWindow(DripCommon):
    """When emails go: the send window (campaign's or recipient's time zone)
    and the frequency cap across campaigns."""

    # ------------------------------------------------------------------
    # Send window and frequency cap
    # ------------------------------------------------------------------

    def test_send_window_weekend(self):
        with self._at(SATURDAY_NOON):
            lead = self._leads(1, "window")
            campaign = self._campaign(
                tag="window",
                send_hour_from=9,
                send_hour_to=17,
                send_saturday=False,
                send_sunday=False,
                send_tz="Europe/Brussels",
            )
            welcome = self._step(campaign, "Welcome")
            campaign.action_start()
            self._process()
            trace = self._traces(welcome, lead)
            self.assertEqual(trace.state, "scheduled")
            self.assertEqual(
                trace.schedule_date, MONDAY_0800, "Monday 9:00 in Brussels"
            )
            self.assertFalse(trace.lock_token)
            self.assertTrue(trace.state_message)
            self.assertFalse(self._mails(welcome))
            self.assertEqual(self._process(), 0)
        with self._at(MONDAY_0800 - timedelta(minutes=5)):
            self.assertEqual(self._process(), 0, "still closed at 8:55 in Brussels")
        with self._at(MONDAY_0800 + timedelta(minutes=1)):
            self.assertEqual(self._process(), 1)
            self.assertEqual(trace.state, "done")
            self.assertEqual(len(self._mails(welcome, lead)), 1)

    def test_send_window_recipient_tz(self):
        new_york = self.env["res.partner"].create(
            {"name": "NY", "email": "ny@zone.example.com", "tz": "America/New_York"}
        )
        tokyo = self.env["res.partner"].create(
            {"name": "Tokyo", "email": "tokyo@zone.example.com", "tz": "Asia/Tokyo"}
        )
        with self._at(MONDAY_0800 - timedelta(hours=1)):
            lead_campaign_tz = self.env["crm.lead"].create(
                {"name": "No tz", "email_from": "plain@zone.example.com"}
            )
            lead_ny = self.env["crm.lead"].create(
                {"name": "NY lead", "partner_id": new_york.id}
            )
            lead_tokyo = self.env["crm.lead"].create(
                {"name": "Tokyo lead", "partner_id": tokyo.id}
            )
            self.assertEqual(lead_tokyo.email_from, "tokyo@zone.example.com")
            campaign = self._campaign(
                tag="zone",
                send_hour_from=9,
                send_hour_to=17,
                send_saturday=False,
                send_sunday=False,
                send_tz="Europe/Brussels",
            )
            welcome = self._step(campaign, "Welcome")
            campaign.action_start()
            # Monday 7:00 UTC: 8:00 in Brussels (closed), 16:00 in Tokyo
            # (open), 2:00 in New York (closed)
            self.assertEqual(self._process(), 3)
            self.assertEqual(len(self._mails(welcome, lead_tokyo)), 1)
            self.assertEqual(self._traces(welcome, lead_tokyo).state, "done")
            self.assertEqual(
                self._traces(welcome, lead_campaign_tz).schedule_date, MONDAY_0800
            )
            # 9:00 in New York is 14:00 UTC
            self.assertEqual(
                self._traces(welcome, lead_ny).schedule_date,
                datetime(2026, 1, 5, 14, 0),
            )
        with self._at(datetime(2026, 1, 5, 12, 0)):
            self.assertEqual(self._process(), 1)
            self.assertEqual(len(self._mails(welcome, lead_campaign_tz)), 1)
            self.assertFalse(self._mails(welcome, lead_ny))
        with self._at(datetime(2026, 1, 5, 14, 0)):
            self.assertEqual(self._process(), 1)
            self.assertEqual(len(self._mails(welcome, lead_ny)), 1)

    def test_frequency_cap_across_campaigns(self):
        self.env.company.write({"crm_drip_cap_count": 1, "crm_drip_cap_days": 7})
        lead = self._leads(1, "cap")
        campaign_a = self._campaign(tag="cap", name="Cap A")
        step_a = self._step(campaign_a, "A welcome")
        campaign_b = self._campaign(tag="cap", name="Cap B")
        step_b = self._step(
            campaign_b, "B welcome", mail_template_id=self.template_reminder.id
        )
        self.assertEqual(campaign_a.frequency_cap_count, 1)
        (campaign_a | campaign_b).action_start()
        self._process()
        trace_a, trace_b = self._traces(step_a, lead), self._traces(step_b, lead)
        self.assertEqual(len(self._mails(step_a) | self._mails(step_b)), 1)
        sent, waiting = (
            (trace_a, trace_b) if trace_a.state == "done" else (trace_b, trace_a)
        )
        self.assertEqual(sent.state, "done")
        self.assertEqual(waiting.state, "scheduled")
        self.assertFalse(waiting.lock_token)
        self.assertEqual(
            waiting.schedule_date, sent.done_date + timedelta(days=7, seconds=1)
        )
        self.assertEqual(self._process(), 0)
        # moved early, it still waits for the cap
        self._make_due(waiting)
        self._process()
        self.assertEqual(waiting.state, "scheduled")
        self.assertEqual(
            waiting.schedule_date, sent.done_date + timedelta(days=7, seconds=1)
        )
        # a week later the address is below the cap again
        sent.done_date = fields.Datetime.now() - timedelta(days=8)
        self._make_due(waiting)
        self._process()
        self.assertEqual(waiting.state, "done")
        self.assertEqual(len(self._mails(step_a) | self._mails(step_b)), 2)
