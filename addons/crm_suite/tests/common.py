# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the crm_suite tests, shared by every test file (and by the
addons built on crm_suite): users per role, the clock, the security tests'
companies and portal customers, and the fixtures of each feature (scoring,
drip, tickets)."""

from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields, http
from odoo.tests import TransactionCase, new_test_user
from odoo.tests.common import freeze_time

from odoo.addons.crm_suite.models import crm_suite_rate_limit
from odoo.addons.mail.tests.common import MailCommon, mail_new_test_user

# a time long past, of the tests' own, for the committed rate limit counters
RATE_LIMIT_EPOCH = 946_684_800


class CrmSuiteTimeMixin:
    """One way to move the clock in a test."""

    @contextmanager
    def _at(self, moment):
        """Freeze Python's clock and the transaction's (create_date) at
        ``moment``."""
        moment = fields.Datetime.to_datetime(moment)
        with freeze_time(moment), patch.object(self.env.cr, "now", lambda: moment):
            yield


class CrmSuiteUsersMixin:
    """Users per role, shared by the tests of crm_suite and of the addons built on it.

    Call ``cls._setup_crm_suite_users()`` from ``setUpClass``; an addon built on
    crm_suite adds its own roles with ``cls._create_role_users({...})``.
    """

    @classmethod
    def _create_role_users(cls, roles):
        """Create one user per entry of ``{attribute: (login, name, groups)}`` and set
        it as a class attribute (``groups``: comma-separated XML ids)."""
        for attribute, (login, name, groups) in roles.items():
            user = mail_new_test_user(cls.env, login=login, name=name, groups=groups)
            setattr(cls, attribute, user)

    @classmethod
    def _setup_crm_suite_users(cls):
        cls.company = cls.env.ref("base.main_company")
        cls._create_role_users(
            {
                "user_internal": (
                    "crm_suite_internal",
                    "Irene Internal",
                    "base.group_user",
                ),
                "user_salesman": (
                    "crm_suite_salesman",
                    "Sam Salesman",
                    "base.group_user,crm_suite.group_crm_suite_user",
                ),
                "user_manager": (
                    "crm_suite_manager",
                    "Mia Manager",
                    "base.group_user,crm_suite.group_crm_suite_manager",
                ),
                "user_portal": ("crm_suite_portal", "Paul Portal", "base.group_portal"),
            }
        )

    def assert_shipped_translations(self, xmlid, field, labels):
        """Load the shipped .po files of ``xmlid``'s addon for the languages of
        ``labels`` (``{lang code: expected text}``) and check the record's ``field``."""
        module = xmlid.split(".")[0]
        for code in labels:
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            [module], list(labels), overwrite=True
        )
        record = self.env.ref(xmlid)
        for code, label in labels.items():
            self.assertEqual(record.with_context(lang=code)[field], label, code)

    @classmethod
    def _visible_menu_xmlids(cls, user):
        """XML ids of the menus ``user`` sees, as the web client loads them."""
        menus = cls.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
        return {menu.get("xmlid") for menu in menus.values() if menu.get("xmlid")}


class CrmSuiteFixturesMixin(CrmSuiteUsersMixin):
    """What the security and feature tests set up again and again: a quiet
    environment, the demo's campaigns and rules out of the way, a second
    company and its users, a running campaign with one activity step."""

    @classmethod
    def _quiet_env(cls):
        """No tracking nor creation messages: the tests check their own posts."""
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_notrack=True,
            )
        )

    @classmethod
    def _own_score_rules_only(cls):
        """Archive every scoring rule (demo data has some): hand-computed
        scores need a clean slate."""
        cls.env["crm.score.rule"].search([]).action_archive()

    @classmethod
    def _own_campaigns_only(cls):
        """Stop the running campaigns (demo data has some)."""
        cls.env["crm.drip.campaign"].search([("state", "=", "running")]).write(
            {"state": "stopped"}
        )

    @classmethod
    def _new_company(cls, name):
        return cls.env["res.company"].create({"name": name})

    @classmethod
    def _new_company_user(cls, login, groups, companies, **values):
        """A user of ``companies`` (the first is the current one)."""
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=companies[0].id,
            company_ids=[Command.set(companies.ids)],
            **values,
        )

    def _running_activity_campaign(self, name, domain, model=None, **values):
        """A running campaign of the main company whose one step schedules a
        call in three days."""
        model = model or self.env["ir.model"]._get("crm.lead")
        campaign = self.env["crm.drip.campaign"].create(
            {
                "name": name,
                "model_id": model.id,
                "domain": domain,
                "company_id": self.env.ref("base.main_company").id,
                "send_tz": "UTC",
                **values,
            }
        )
        self.env["crm.drip.step"].create(
            {
                "name": "Call",
                "campaign_id": campaign.id,
                "action_type": "activity",
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "delay_number": 3,
            }
        )
        campaign.state = "running"
        return campaign


class CrmSuitePortalMixin:
    """Portal customers (a contact of a customer company) and HTTP requests
    as the portal and the web form send them."""

    @classmethod
    def _new_customer_company(cls, name, **values):
        return cls.env["res.partner"].create(
            {"name": name, "is_company": True, **values}
        )

    @classmethod
    def _new_portal_user(cls, login, name, company=None, email=None, **values):
        """A portal user (``<login>@example.com`` unless ``email``), contact
        of ``company`` when given."""
        user = mail_new_test_user(
            cls.env,
            login=login,
            name=name,
            email=email or f"{login}@example.com",
            groups="base.group_portal",
            **values,
        )
        if company:
            user.partner_id.parent_id = company
        return user

    def _freeze_rate_limit(self, at=RATE_LIMIT_EPOCH):
        """Count the rate limit's hits (committed rows) in a window of the
        test's own, long past, that no real request shares."""
        mocked_time = self.startPatcher(patch.object(crm_suite_rate_limit, "time"))
        mocked_time.time.return_value = at
        return mocked_time

    def _post(self, url, data=None, files=None, **kwargs):
        """POST ``data`` with the session's CSRF token."""
        data = dict(data or {}, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, files=files, **kwargs)

    def _tickets_named(self, name):
        self.env.invalidate_all()
        return self.env["crm.ticket"].search([("name", "=", name)])


class CrmTicketCommonMixin(CrmSuiteTimeMixin, CrmSuiteUsersMixin):
    """Ticket fixtures: a UTC calendar (Mon-Fri 8-12 and 13-17), a support
    team with three agents, customers, and a way to move the clock."""

    @classmethod
    def _setup_crm_ticket(cls):
        cls._setup_crm_suite_users()
        cls._create_role_users(
            {
                "agent_a": (
                    "crm_ticket_agent_a",
                    "Agent A",
                    "base.group_user,crm_suite.group_crm_suite_user",
                ),
                "agent_b": (
                    "crm_ticket_agent_b",
                    "Agent B",
                    "base.group_user,crm_suite.group_crm_suite_user",
                ),
                "agent_c": (
                    "crm_ticket_agent_c",
                    "Agent C",
                    "base.group_user,crm_suite.group_crm_suite_user",
                ),
                "leader": (
                    "crm_ticket_leader",
                    "Lea Leader",
                    "base.group_user,crm_suite.group_crm_suite_manager",
                ),
            }
        )
        # the tests set their own policies and rules (demo data has some)
        cls.env["crm.ticket.sla"].search([]).active = False
        cls.env["crm.ticket.routing.rule"].search([]).active = False
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Support hours (UTC)", "tz": "UTC", "company_id": cls.company.id}
        )
        cls.stage_new = cls.env.ref("crm_suite.stage_new")
        cls.stage_progress = cls.env.ref("crm_suite.stage_in_progress")
        cls.stage_waiting = cls.env.ref("crm_suite.stage_waiting")
        cls.stage_solved = cls.env.ref("crm_suite.stage_solved")
        cls.team = cls.env["crm.ticket.team"].create(
            {
                "name": "Support",
                "sequence": 0,
                "user_id": cls.leader.id,
                "member_ids": [
                    Command.set((cls.agent_a | cls.agent_b | cls.agent_c).ids)
                ],
                "resource_calendar_id": cls.calendar.id,
            }
        )
        cls.customer_company = cls.env["res.partner"].create(
            {"name": "Acme Corp", "is_company": True, "email": "info@acme.test"}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Alice Acme",
                "email": "alice@acme.test",
                "parent_id": cls.customer_company.id,
            }
        )
        cls.customer_other = cls.env["res.partner"].create(
            {"name": "Bob Other", "email": "bob@other.test"}
        )

    @classmethod
    def _setup_mail_team(cls, domain, name, alias_name, **values):
        """``cls.mail_team`` takes the emails anyone sends to
        ``<alias_name>@<domain>`` (the main company's alias domain)."""
        cls.alias_domain = cls.env["mail.alias.domain"].create({"name": domain})
        cls.company.alias_domain_id = cls.alias_domain
        cls.mail_team = cls.env["crm.ticket.team"].create(
            {
                "name": name,
                "alias_name": alias_name,
                "alias_domain_id": cls.alias_domain.id,
                "alias_contact": "everyone",
                **values,
            }
        )

    def _agent_answers(self, ticket, body="We are on it.", agent=None):
        """A public answer of an agent (``agent_a`` by default) on ``ticket``."""
        return ticket.with_user(agent or self.agent_a).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
        )

    def _ticket(self, **values):
        values.setdefault("name", "Printer out of toner")
        values.setdefault("team_id", self.team.id)
        values.setdefault("partner_id", self.customer.id)
        return self.env["crm.ticket"].create(values)


class ScoringCommon(CrmSuiteFixturesMixin, MailCommon):
    """Fixtures of the lead scoring tests: no demo rule, two teams, three
    stages, and helpers to create leads and engagement events."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_suite_users()
        # Hand-computed scores need a clean slate: no demo rule counts here.
        cls._own_score_rules_only()
        cls.Rule = cls.env["crm.score.rule"]
        cls.Lead = cls.env["crm.lead"]
        cls.belgium = cls.env.ref("base.be")
        cls.france = cls.env.ref("base.fr")
        cls.team = cls.env["crm.team"].create({"name": "Scoring Team"})
        cls.team_other = cls.env["crm.team"].create({"name": "Other Team"})
        cls.partner = cls.env["res.partner"].create(
            {"name": "Acme", "email": "acme@example.com", "is_company": True}
        )
        cls.stage_new, cls.stage_qualified, cls.stage_proposition = cls.env[
            "crm.stage"
        ].create(
            [
                {"name": "S New", "sequence": 1001},
                {"name": "S Qualified", "sequence": 1002},
                {"name": "S Proposition", "sequence": 1003},
            ]
        )

    def _lead(self, **vals):
        vals.setdefault("name", "Lead")
        vals.setdefault("team_id", self.team.id)
        vals.setdefault("stage_id", self.stage_new.id)
        lead = self.Lead.create(vals)
        # Odoo's predictive probability is not what these tests check.
        self._set_probability(lead, vals.get("probability", 0))
        return lead

    def _set_probability(self, leads, probability):
        leads.flush_recordset()
        self.env.cr.execute(
            "UPDATE crm_lead SET probability = %s, automated_probability = %s "
            "WHERE id = ANY(%s)",
            (probability, probability, leads.ids),
        )
        leads.invalidate_recordset()
        leads._score_recompute()

    def _event(
        self, event_type, days_ago=0, lead=None, partner=None, res_id=None, date=None
    ):
        date = date or fields.Datetime.now() - timedelta(days=days_ago)
        return self.env["crm.score.event"]._record(
            [
                {
                    "event_type": event_type,
                    "lead_id": lead and lead.id,
                    "partner_id": partner and partner.id,
                    "date": date,
                    "res_model": "res.partner",
                    "res_id": res_id or (lead or partner).id,
                }
            ]
        )


class DripCommon(CrmSuiteTimeMixin, CrmSuiteFixturesMixin, TransactionCase):
    """Fixtures of the drip campaign tests: templates, helpers to build a
    campaign's step tree, to move time and to find what was sent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._quiet_env()
        cls._setup_crm_suite_users()
        # the tests run their own campaigns only, without a frequency cap
        cls._own_campaigns_only()
        cls.env.company.write({"crm_drip_cap_count": 0, "crm_drip_cap_days": 7})
        cls.Campaign = cls.env["crm.drip.campaign"]
        cls.Step = cls.env["crm.drip.step"]
        cls.Participant = cls.env["crm.drip.participant"]
        cls.Trace = cls.env["crm.drip.trace"]
        cls.MailingTrace = cls.env["mailing.trace"]
        cls.model_lead = cls.env["ir.model"]._get("crm.lead")
        cls.activity_type = cls.env.ref("mail.mail_activity_data_todo")
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Drip: welcome",
                "model_id": cls.model_lead.id,
                "subject": "Welcome aboard",
                "body_html": "<p>Hello, nice to meet you.</p>",
                "email_from": "sales@drip.example.com",
                "use_default_to": True,
            }
        )
        cls.template_reminder = cls.env["mail.template"].create(
            {
                "name": "Drip: reminder",
                "model_id": cls.model_lead.id,
                "subject": "Did you see our offer?",
                "body_html": "<p>Just a reminder.</p>",
                "email_from": "sales@drip.example.com",
                "use_default_to": True,
            }
        )

    # ------------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------------

    def _leads(self, count, tag, **vals):
        """``count`` leads whose address is ``<tag><i>@<tag>.example.com``."""
        return self.env["crm.lead"].create(
            [
                {
                    "name": f"{tag} lead {index}",
                    "email_from": f"{tag}{index}@{tag}.example.com",
                    **vals,
                }
                for index in range(count)
            ]
        )

    def _campaign(self, tag="drip", domain=None, **vals):
        values = {
            "name": f"Campaign {tag}",
            "model_id": self.model_lead.id,
            "domain": domain or f"[('email_from', 'ilike', '@{tag}.example.com')]",
            "send_tz": "UTC",
        }
        values.update(vals)
        return self.Campaign.create(values)

    def _step(
        self,
        campaign,
        name,
        parent=None,
        trigger=None,
        action_type="email",
        delay=0,
        unit="days",
        **vals,
    ):
        values = {
            "name": name,
            "campaign_id": campaign.id,
            "parent_id": parent.id if parent else False,
            "trigger": trigger or ("after_parent" if parent else "begin"),
            "action_type": action_type,
            "delay_number": delay,
            "delay_unit": unit,
        }
        if action_type == "email":
            values["mail_template_id"] = self.template.id
        if action_type == "activity":
            values["activity_type_id"] = self.activity_type.id
        values.update(vals)
        return self.Step.create(values)

    def _reaction_campaign(self, tag, triggers=("opened", "not_opened")):
        """A welcome email with one child per trigger: 'opened' an activity
        after a day, 'not_opened' a reminder after two days, the others
        activities after three."""
        campaign = self._campaign(tag=tag)
        welcome = self._step(campaign, "Welcome")
        children = {}
        for trigger in triggers:
            if trigger == "not_opened":
                children[trigger] = self._step(
                    campaign,
                    "Reminder",
                    parent=welcome,
                    trigger=trigger,
                    delay=2,
                    mail_template_id=self.template_reminder.id,
                )
            else:
                children[trigger] = self._step(
                    campaign,
                    f"On {trigger}",
                    parent=welcome,
                    trigger=trigger,
                    action_type="activity",
                    delay=1 if trigger == "opened" else 3,
                    activity_summary=f"Follow up ({trigger})",
                )
        return campaign, welcome, children

    def _reaction_campaign_steps(self, campaign):
        welcome = self._step(campaign, "Welcome")
        reminder = self._step(
            campaign,
            "Reminder",
            parent=welcome,
            trigger="not_opened",
            delay=2,
            mail_template_id=self.template_reminder.id,
        )
        return welcome, reminder

    # ------------------------------------------------------------------
    # Lookups
    # ------------------------------------------------------------------

    def _participants(self, campaign, record=None, test=False):
        domain = [("campaign_id", "=", campaign.id), ("is_test", "=", test)]
        if record is not None:
            domain.append(("res_id", "=", record.id))
        return self.Participant.search(domain, order="id")

    def _traces(self, step, record=None):
        domain = [("step_id", "=", step.id)]
        if record is not None:
            domain.append(("participant_id.res_id", "=", record.id))
        return self.Trace.search(domain, order="id")

    def _mails(self, step, record=None):
        """The emails the step generated (``mail.mail``), for one record or all."""
        self.env.flush_all()
        if not step.mailing_id:
            return self.env["mail.mail"]
        mails = self.env["mail.mail"].search([("mailing_id", "=", step.mailing_id.id)])
        if record is not None:
            mails = mails.filtered(
                lambda m: m.model == record._name and m.res_id == record.id
            )
        return mails

    def _mailing_traces(self, drip_traces):
        return self.MailingTrace.search([("crm_drip_trace_id", "in", drip_traces.ids)])

    # ------------------------------------------------------------------
    # Time
    # ------------------------------------------------------------------

    def _process(self):
        """Run the campaign job as its cron does (commits are off in tests)."""
        done = self.Trace._cron_process()
        self.env.invalidate_all()
        return done

    def _sync(self):
        self.Campaign._cron_sync_participants()
        self.env.invalidate_all()

    def _make_due(self, traces):
        """Move time: these scheduled traces are due now (the way acceptance
        checks move time)."""
        traces.write({"schedule_date": fields.Datetime.now() - timedelta(minutes=1)})

    def assertAlmostNow(self, value, delta=timedelta(0), msg=None):
        """``value`` is now + ``delta``, give or take a minute."""
        self.assertTrue(value, msg)
        expected = fields.Datetime.now() + delta
        self.assertLess(abs(value - expected), timedelta(minutes=1), msg)
