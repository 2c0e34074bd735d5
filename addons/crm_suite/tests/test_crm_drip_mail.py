# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import fields
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import DripCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestCrmDripMail(DripCommon):
    """What the drip engine borrows from Odoo's mass mailing: per-recipient
    rendering, the hidden technical mailing, the seen list, and the cost of
    the tracking hooks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.lang_fr = cls.env["res.lang"]._lang_get("fr_FR")
        cls.lang_en = cls.env["res.lang"]._lang_get("en_US")
        cls.template_i18n = cls.env["mail.template"].create(
            {
                "name": "Drip: multilingual",
                "model_id": cls.model_lead.id,
                "subject": "Welcome to our newsletter",
                "body_html": "<p>Hello and welcome</p>",
                "email_from": "sales@drip.example.com",
                "lang": "{{ object.lang_code }}",
                "use_default_to": True,
            }
        )
        cls.template_i18n.with_context(lang="fr_FR").write(
            {
                "subject": "Bienvenue dans notre lettre",
                "body_html": "<p>Bonjour et bienvenue</p>",
            }
        )
        cls.model_contact = cls.env["ir.model"]._get("mailing.contact")
        cls.template_contact = cls.env["mail.template"].create(
            {
                "name": "Drip: contact welcome",
                "model_id": cls.model_contact.id,
                "subject": "Hello contact",
                "body_html": "<p>Hello contact</p>",
                "email_from": "sales@drip.example.com",
                "use_default_to": True,
            }
        )

    def _sent_mails(self, step, record=None):
        return self._mails(step, record).filtered(lambda m: m.state != "cancel")

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------

    def test_language_per_recipient(self):
        self.assertEqual(
            self.template_i18n.with_context(lang="fr_FR").subject,
            "Bienvenue dans notre lettre",
        )
        self.assertEqual(self.template_i18n.subject, "Welcome to our newsletter")
        lead_fr, lead_en = self._leads(2, "i18n")
        lead_fr.lang_id = self.lang_fr
        lead_en.lang_id = self.lang_en
        self.assertEqual(lead_fr.lang_code, "fr_FR")
        campaign = self._campaign(tag="i18n")
        step = self._step(campaign, "Welcome", mail_template_id=self.template_i18n.id)
        campaign.action_start()
        self._process()
        mail_fr = self._sent_mails(step, lead_fr)
        mail_en = self._sent_mails(step, lead_en)
        self.assertEqual(len(mail_fr), 1)
        self.assertEqual(len(mail_en), 1)
        self.assertEqual(mail_fr.subject, "Bienvenue dans notre lettre")
        self.assertEqual(mail_en.subject, "Welcome to our newsletter")
        self.assertIn("Bonjour et bienvenue", mail_fr.body_html)
        self.assertNotIn("Hello and welcome", mail_fr.body_html)
        self.assertIn("Hello and welcome", mail_en.body_html)
        self.assertNotIn("Bonjour", mail_en.body_html)
        # mass mailing features come with the composer: tracked, from the
        # template's sender
        self.assertEqual(mail_fr.email_from, "sales@drip.example.com")
        self.assertEqual(mail_fr.mailing_id, step.mailing_id)
        self.assertEqual(len(mail_fr.mailing_trace_ids), 1)
        self.assertEqual(
            mail_fr.mailing_trace_ids.crm_drip_trace_id, self._traces(step, lead_fr)
        )

    def test_step_template_change_follows_mailing(self):
        campaign = self._campaign(tag="rename")
        step = self._step(campaign, "Welcome")
        campaign.action_start()
        mailing = step.mailing_id
        self.assertEqual(mailing.subject, "Welcome aboard")
        step.write({"mail_template_id": self.template_reminder.id, "name": "Reminder"})
        self.assertEqual(mailing.subject, "Did you see our offer?")
        self.assertIn("Reminder", mailing.name)
        self.assertEqual(mailing.campaign_id, campaign.utm_campaign_id)

    # ------------------------------------------------------------------
    # The technical mailing
    # ------------------------------------------------------------------

    def test_technical_mailing_hidden(self):
        self._leads(1, "hidden")
        campaign = self._campaign(tag="hidden")
        step = self._step(campaign, "Welcome")
        campaign.action_start()
        self._process()
        mailing = step.mailing_id.with_context(active_test=False)
        self.assertTrue(mailing)
        self.assertFalse(mailing.active)
        self.assertFalse(mailing.kpi_mail_required, "no KPI digest")
        self.assertEqual(mailing.state, "done", "never queued by Email Marketing")
        self.assertEqual(mailing.mailing_type, "mail")
        self.assertEqual(mailing.crm_drip_step_id, step)
        self.assertEqual(mailing.mailing_model_real, "crm.lead")
        self.assertEqual(mailing.campaign_id, campaign.utm_campaign_id)
        # Email Marketing's main list does not show it
        action = self.env.ref("mass_mailing.mailing_mailing_action_mail")
        action_domain = safe_eval(action.domain or "[]", {"uid": self.env.uid})
        self.assertNotIn(mailing, self.env["mailing.mailing"].search(action_domain))
        self.assertNotIn(mailing, self.env["mailing.mailing"].search([]))
        if "crm_drip_step_id" in (action.domain or ""):
            # even with the archived ones shown
            self.assertNotIn(
                mailing,
                self.env["mailing.mailing"]
                .with_context(active_test=False)
                .search(action_domain),
            )
        else:
            _logger.info(
                "mailing_mailing_action_mail's domain does not mention "
                "crm_drip_step_id: the archived-mailings assertion is skipped"
            )
        # the mailing queue leaves it alone
        self.env["mailing.mailing"]._process_mass_mailing_queue()
        self.assertEqual(len(self._sent_mails(step)), 1)
        # deleting the campaign deletes its technical mailings
        campaign.action_stop()
        campaign.unlink()
        self.assertFalse(mailing.exists())

    # ------------------------------------------------------------------
    # Seen list
    # ------------------------------------------------------------------

    def test_seen_list_and_reenrolment(self):
        lead = self._leads(1, "seen")
        campaign = self._campaign(tag="seen", allow_reenrollment=True)
        step = self._step(campaign, "Welcome")
        self._step(campaign, "Task", parent=step, action_type="activity", delay=3)
        campaign.action_start()
        self._process()
        first = self._participants(campaign, lead)
        self.assertEqual(len(self._sent_mails(step, lead)), 1)
        self.assertEqual(first.state, "running")

        # a test run on the same address while the real one runs: the
        # mailing's seen list refuses a second email
        wizard = self.env["crm.drip.test"].create(
            {"campaign_id": campaign.id, "record_ref": f"crm.lead,{lead.id}"}
        )
        test_participant = self.Participant.browse(wizard.action_launch()["res_id"])
        test_trace = test_participant.trace_ids
        test_trace.action_execute_now()
        self.env.invalidate_all()
        self.assertEqual(test_trace.state, "canceled")
        self.assertEqual(test_trace.state_message, "mail_dup")
        self.assertEqual(self._mailing_traces(test_trace).trace_status, "cancel")
        self.assertEqual(len(self._sent_mails(step, lead)), 1, "no shared email")

        # the real participation ends, the record comes back: it receives
        # the step again
        lead.active = False
        self._sync()
        self.assertEqual(first.state, "stopped")
        lead.active = True
        self._sync()
        second = self._participants(campaign, lead) - first
        self.assertEqual(len(second), 1)
        self._process()
        second_trace = self._traces(step, lead).filtered(
            lambda t: t.participant_id == second
        )
        self.assertEqual(second_trace.state, "done")
        self.assertEqual(self._mailing_traces(second_trace).trace_status, "outgoing")
        self.assertEqual(len(self._sent_mails(step, lead)), 2)

    # ------------------------------------------------------------------
    # Cost of the tracking hooks
    # ------------------------------------------------------------------

    def _count_queries(self, func):
        """Queries ``func`` costs, flushes and precommit hooks included, with
        a cold record cache (as a tracking request has)."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        func()
        self.env.flush_all()
        self.env.cr.flush()
        return self.cr.sql_log_count - start

    def _drip_mailing_traces(self, model, template, tag, count, opened_delay=1):
        """``count`` emails of a drip step on ``model``, whose 'opened' and
        'clicked' children wait ``opened_delay`` days."""
        campaign = self._campaign(
            tag=tag,
            model_id=self.env["ir.model"]._get(model).id,
            domain=f"[('email', 'ilike', '@{tag}.example.com')]"
            if model == "mailing.contact"
            else None,
        )
        step = self._step(campaign, "Welcome", mail_template_id=template.id)
        for trigger in ("opened", "clicked"):
            self._step(
                campaign,
                trigger,
                parent=step,
                trigger=trigger,
                delay=opened_delay,
                mail_template_id=template.id,
            )
        self._step(
            campaign,
            "Reminder",
            parent=step,
            trigger="not_opened",
            delay=2,
            mail_template_id=template.id,
        )
        campaign.action_start()
        self._process()
        traces = self._mailing_traces(self._traces(step)).sorted("id")
        self.assertEqual(len(traces), count)
        return traces

    def _plain_mailing_traces(self, records):
        mailing = self.env["mailing.mailing"].create(
            {
                "name": "Plain newsletter",
                "subject": "Plain newsletter",
                "body_html": "<p>Plain</p>",
                "mailing_type": "mail",
                "mailing_model_id": self.env["ir.model"]._get(records._name).id,
            }
        )
        email_field = "email" if records._name == "mailing.contact" else "email_from"
        return self.MailingTrace.create(
            [
                {
                    "model": records._name,
                    "res_id": record.id,
                    "mass_mailing_id": mailing.id,
                    "email": record[email_field],
                }
                for record in records
            ]
        ).sorted("id")

    def _compare_costs(self, drip, plain, label):
        """Opens and clicks of a drip email cost at most one query more than
        those of a plain mailing's; returns the measured numbers."""
        self.assertEqual(set(drip.mapped("trace_status")), {"outgoing"})
        # warm the caches of both paths
        drip[0].set_opened()
        drip[0].set_clicked()
        plain[0].set_opened()
        plain[0].set_clicked()
        numbers = {
            "open_plain": self._count_queries(plain[1].set_opened),
            "open_drip": self._count_queries(drip[1].set_opened),
            "click_plain": self._count_queries(plain[3].set_clicked),
            "click_drip": self._count_queries(drip[3].set_clicked),
        }
        _logger.info("Drip tracking cost on %s: %s", label, numbers)
        self.env.invalidate_all()
        with self.assertQueryCount(numbers["open_plain"] + 1):
            drip[2].set_opened()
        self.env.invalidate_all()
        with self.assertQueryCount(numbers["click_plain"] + 1):
            drip[4].set_clicked()
        self.assertLessEqual(numbers["open_drip"], numbers["open_plain"] + 1)
        self.assertLessEqual(numbers["click_drip"], numbers["click_plain"] + 1)
        # the hooks did their job
        self.env.invalidate_all()
        for trace in drip[1:5]:
            children = trace.crm_drip_trace_id.child_ids
            opened = children.filtered(lambda t: t.step_id.trigger == "opened")
            self.assertEqual(opened.state, "scheduled")
            self.assertTrue(opened.schedule_date)
            not_opened = children.filtered(lambda t: t.step_id.trigger == "not_opened")
            self.assertEqual(not_opened.state, "canceled")
        return numbers

    def test_tracking_cost_mailing_contact(self):
        contacts = self.env["mailing.contact"].create(
            [
                {"name": f"Contact {i}", "email": f"qc{i}@qc.example.com"}
                for i in range(5)
            ]
        )
        others = self.env["mailing.contact"].create(
            [{"name": f"Other {i}", "email": f"qp{i}@qp.example.com"} for i in range(5)]
        )
        drip = self._drip_mailing_traces(
            "mailing.contact", self.template_contact, "qc", 5
        )
        self.assertEqual(sorted(drip.mapped("res_id")), sorted(contacts.ids))
        self._compare_costs(drip, self._plain_mailing_traces(others), "mailing.contact")

    def test_tracking_cost_lead(self):
        self._leads(5, "ql")
        drip = self._drip_mailing_traces("crm.lead", self.template, "ql", 5)
        plain = self._plain_mailing_traces(self._leads(5, "qlp"))
        self._compare_costs(drip, plain, "crm.lead")

    def test_tracking_cost_lead_due_reaction(self):
        """An 'opened' child without delay is due at once: the job is woken
        up by Odoo's ``ir.cron._trigger()`` after the statement, which costs
        three queries more (the cron's existence and its ``active`` flag, the
        trigger's insert); only when a step is due at once."""
        self._leads(5, "qz")
        drip = self._drip_mailing_traces("crm.lead", self.template, "qz", 5, 0)
        plain = self._plain_mailing_traces(self._leads(5, "qzp"))
        drip[0].set_opened()
        plain[0].set_opened()
        numbers = {
            "open_plain": self._count_queries(plain[1].set_opened),
            "open_drip_due_now": self._count_queries(drip[1].set_opened),
        }
        _logger.info("Drip tracking cost on crm.lead, reaction due now: %s", numbers)
        self.env.invalidate_all()
        opened = drip[1].crm_drip_trace_id.child_ids.filtered(
            lambda t: t.step_id.trigger == "opened"
        )
        self.assertAlmostNow(opened.schedule_date)
        self.assertLessEqual(numbers["open_drip_due_now"], numbers["open_plain"] + 4)
        cron = self.env.ref("crm_suite.ir_cron_crm_drip_process")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertTrue(
            triggers.filtered(lambda t: t.call_at <= fields.Datetime.now()),
            "the job is woken up for the due reaction step",
        )

    def test_mailing_contact_opted_out_of_every_list(self):
        """A mailing contact that opts out of its last list has unsubscribed:
        it stops at once, and one already out of all its lists never enters."""
        lists = self.env["mailing.list"].create(
            [{"name": "Optout news"}, {"name": "Optout offers"}]
        )
        contacts = self.env["mailing.contact"].create(
            [
                {
                    "name": f"Optout {index}",
                    "email": f"optout{index}@optout.example.com",
                    "list_ids": [(6, 0, lists.ids)],
                }
                for index in range(3)
            ]
        )
        # the lists are written through their relation table: read the
        # subscriptions anew
        self.env.invalidate_all()
        self.assertEqual(len(contacts.subscription_ids), 6)
        gone = contacts[2]
        gone.subscription_ids.write({"opt_out": True})
        campaign = self._campaign(
            tag="optout",
            model_id=self.env["ir.model"]._get("mailing.contact").id,
            domain="[('email', 'ilike', '@optout.example.com')]",
        )
        welcome = self._step(
            campaign, "Welcome", mail_template_id=self.template_contact.id
        )
        self._step(
            campaign,
            "Reminder",
            parent=welcome,
            trigger="not_opened",
            delay=2,
            mail_template_id=self.template_contact.id,
        )
        campaign.action_start()
        self.assertFalse(self._participants(campaign, gone))
        self._process()
        first, second = contacts[0], contacts[1]
        # one list left: still subscribed
        first.subscription_ids[0].opt_out = True
        self.env.invalidate_all()
        self.assertEqual(self._participants(campaign, first).state, "running")
        # the last one: unsubscribed, the reminder is canceled
        first.subscription_ids[1].opt_out = True
        self.env.invalidate_all()
        participant = self._participants(campaign, first)
        self.assertEqual(participant.state, "stopped")
        self.assertEqual(participant.exit_reason, "unsubscribed")
        reminder = participant.trace_ids.filtered(lambda t: t.step_id != welcome)
        self.assertEqual(reminder.state, "canceled")
        # opted out behind the ORM's back: the job checks before sending
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mailing_subscription SET opt_out = TRUE WHERE contact_id = %s",
            [second.id],
        )
        self.env.invalidate_all()
        second_reminder = self._participants(campaign, second).trace_ids.filtered(
            lambda t: t.step_id != welcome
        )
        second_reminder.schedule_date = fields.Datetime.now()
        self._process()
        self.assertEqual(second_reminder.state, "canceled")
        self.assertEqual(
            self._participants(campaign, second).exit_reason, "unsubscribed"
        )

    def test_template_with_own_recipients_and_plain_template(self):
        """A template with recipients of its own (here a CC) is rendered by
        Odoo per record; a plain one (subject, body, sender) goes through the
        body path, translated per language. Both reach each record once."""
        self.assertTrue(self.Trace._template_is_plain(self.template))
        with_cc = self.template.copy({"email_cc": "watch@drip.example.com"})
        self.assertFalse(self.Trace._template_is_plain(with_cc))
        leads = self._leads(2, "owncc")
        campaign = self._campaign(tag="owncc")
        step = self._step(campaign, "Welcome", mail_template_id=with_cc.id)
        campaign.action_start()
        self._process()
        mails = self._sent_mails(step)
        self.assertEqual(len(mails), 2)
        # what Odoo's template path does with the template's own fields
        self.assertEqual(
            sorted(mails.mapped("email_to")), sorted(leads.mapped("email_from"))
        )
        self.assertEqual(
            sorted(self._mailing_traces(self._traces(step)).mapped("res_id")),
            sorted(leads.ids),
        )
