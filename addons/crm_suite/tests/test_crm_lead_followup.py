# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import ScoringCommon


@tagged("post_install", "-at_install")
class TestCollisionGuard(ScoringCommon):
    def test_warns_about_a_colleague_contact(self):
        contact = self.env["res.partner"].create(
            {"name": "Bob at Acme", "parent_id": self.partner.id}
        )
        lead_mine = self._lead(
            partner_id=self.partner.id, user_id=self.user_salesman.id
        )
        lead_theirs = self._lead(partner_id=contact.id, user_id=self.user_manager.id)
        self.assertFalse(lead_mine.with_user(self.user_salesman).collision_warning)
        # The colleague logs a call on their own lead with the same company.
        lead_theirs.with_user(self.user_manager).message_post(
            body="Called Bob", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        lead_mine.invalidate_recordset()
        warning = lead_mine.with_user(self.user_salesman).collision_warning
        self.assertIn(self.user_manager.name, warning)
        self.assertIn("Acme", warning)
        # The colleague does not warn themselves about their own contact.
        self.assertFalse(lead_theirs.with_user(self.user_manager).collision_warning)
        # Scheduling a contact sends the warning to the user's browser.
        self.env["bus.bus"].sudo().search([]).unlink()
        lead_mine.with_user(self.user_salesman).activity_schedule(
            "mail.mail_activity_data_call", user_id=self.user_salesman.id
        )
        self.env.cr.precommit.run()  # the bus sends on commit
        notifications = self.env["bus.bus"].sudo().search([])
        self.assertTrue(
            any(self.user_manager.name in (n.message or "") for n in notifications)
        )
        # Outside the team's window, no warning.
        self.team.collision_days = 0
        lead_mine.invalidate_recordset()
        self.assertFalse(lead_mine.with_user(self.user_salesman).collision_warning)

    def test_old_contacts_do_not_warn(self):
        lead = self._lead(partner_id=self.partner.id, user_id=self.user_salesman.id)
        message = lead.with_user(self.user_manager).message_post(
            body="Old call", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        message.date = fields.Datetime.now() - timedelta(days=30)
        lead.invalidate_recordset()
        self.assertFalse(lead.with_user(self.user_salesman).collision_warning)


@tagged("post_install", "-at_install")
class TestStaleLeads(ScoringCommon):
    def _age(self, lead, days):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = now() - make_interval(days => %s)"
            " WHERE id = %s",
            (days, lead.id),
        )
        self.env.cr.execute(
            "UPDATE mail_message SET date = now() - make_interval(days => %s)"
            " WHERE model = 'crm.lead' AND res_id = %s",
            (days, lead.id),
        )
        self.env.invalidate_all()

    def _stale_activities(self, lead):
        stale = self.env.ref("crm_suite.mail_activity_type_stale_lead")
        return lead.activity_ids.filtered(lambda a: a.activity_type_id == stale)

    def test_alert_once_per_stale_lead(self):
        self.team.stale_days = 10
        stale = self._lead(user_id=self.user_salesman.id)
        fresh = self._lead(user_id=self.user_salesman.id)
        self._age(stale, 12)
        self._age(fresh, 12)
        fresh.with_user(self.user_salesman).message_post(
            body="Spoke today", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        self.Lead._cron_stale_lead_alerts()
        activity = self._stale_activities(stale)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_salesman)
        self.assertFalse(self._stale_activities(fresh))
        # Running again (or in a second worker afterwards) adds nothing.
        self.Lead._cron_stale_lead_alerts()
        self.assertEqual(len(self._stale_activities(stale)), 1)

    def test_stage_delay_overrides_team_and_contact_messages_count(self):
        self.team.stale_days = 30
        self.stage_new.stale_days = 5
        lead = self._lead(user_id=self.user_salesman.id, partner_id=self.partner.id)
        self._age(lead, 7)
        self.partner.with_user(self.user_manager).message_post(
            body="Met at the fair",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        self.Lead._cron_stale_lead_alerts()
        self.assertFalse(self._stale_activities(lead), "a contact message counts")
        self.env.cr.execute(
            "UPDATE mail_message SET date = now() - interval '6 days'"
            " WHERE model = 'res.partner' AND res_id = %s",
            (self.partner.id,),
        )
        self.Lead._cron_stale_lead_alerts()
        self.assertTrue(self._stale_activities(lead), "the stage's 5 days apply")


@tagged("post_install", "-at_install")
class TestTrackingRoute(HttpCase):
    def test_open_pixel_scores_the_lead(self):
        """End to end: the real tracking route marks the trace opened and the
        lead earns the engagement points."""
        self.env["crm.score.rule"].search([]).action_archive()
        self.env["crm.score.rule"].create(
            {
                "name": "Opened",
                "rule_type": "engagement",
                "event_type": "email_opened",
                "points": 9,
            }
        )
        lead = self.env["crm.lead"].create({"name": "Tracked lead"})
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "News",
                "body_html": "<p>News</p>",
                "mailing_model_id": self.env["ir.model"]._get_id("crm.lead"),
            }
        )
        mail_id = 987654
        self.env["mailing.trace"].create(
            {
                "model": "crm.lead",
                "res_id": lead.id,
                "mass_mailing_id": mailing.id,
                "mail_mail_id_int": mail_id,
                "trace_status": "sent",
                "email": "lead@example.com",
            }
        )
        token = self.env["mail.mail"]._generate_mail_recipient_token(mail_id)
        response = self.url_open(f"/mail/track/{mail_id}/{token}/blank.gif")
        self.assertEqual(response.status_code, 200)
        lead.invalidate_recordset()
        self.assertEqual(lead.score_engagement, 9)
        self.assertEqual(lead.score_line_ids.res_model, "mailing.trace")
        bad = self.url_open(f"/mail/track/{mail_id}/wrong/blank.gif")
        self.assertEqual(bad.status_code, 401)
