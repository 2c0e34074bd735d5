# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Privileges of the drip job and of the public methods (attacks first).

A CRM Suite administrator who is not a Settings administrator tries to have
the campaign job (superuser) run a powerful server action of the database;
templates try to read with the job's rights; a read-only user calls every
public method over RPC.
"""

import ast
import os
from contextlib import contextmanager

from odoo import Command
from odoo.api import call_kw
from odoo.exceptions import AccessError, ValidationError
from odoo.service.model import get_public_method
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DripCommon


@tagged("post_install", "-at_install")
class TestSecurityPrivileges(DripCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_role_users(
            {
                "user_sysadmin": (
                    "crm_suite_sysadmin",
                    "Sid Sysadmin",
                    "base.group_user,base.group_system,"
                    "crm_suite.group_crm_suite_manager",
                ),
            }
        )
        # a user who may read leads (and campaigns) but write nothing
        cls.group_lead_reader = cls.env["res.groups"].create(
            {"name": "Lead readers (test)"}
        )
        cls.env["ir.model.access"].create(
            {
                "name": "crm.lead read only (test)",
                "model_id": cls.model_lead.id,
                "group_id": cls.group_lead_reader.id,
                "perm_read": True,
            }
        )
        # reads campaigns, writes none of them
        cls.user_reader = cls.user_salesman
        cls.user_reader_plain = cls.env["res.users"].create(
            {
                "name": "Rita Reader",
                "login": "crm_suite_reader",
                "email": "rita@reader.example.com",
                "groups_id": [
                    Command.set(
                        [cls.env.ref("base.group_user").id, cls.group_lead_reader.id]
                    )
                ],
            }
        )
        # the database's powerful actions: Python code, and one for admins only
        cls.action_code = cls.env["ir.actions.server"].create(
            {
                "name": "Give me the keys",
                "model_id": cls.model_lead.id,
                "state": "code",
                "code": "records.write({'referred': env.user.login})",
            }
        )
        cls.action_system_only = cls.env["ir.actions.server"].create(
            {
                "name": "Admins only",
                "model_id": cls.model_lead.id,
                "state": "object_write",
                "update_path": "referred",
                "value": "system only",
                "groups_id": [Command.link(cls.env.ref("base.group_system").id)],
            }
        )
        cls.group_runner = cls.env["res.groups"].create({"name": "Drip runners"})
        cls.action_runners = cls.env["ir.actions.server"].create(
            {
                "name": "Runners' action",
                "model_id": cls.model_lead.id,
                "state": "object_write",
                "update_path": "referred",
                "value": "run by a runner",
                "groups_id": [Command.link(cls.group_runner.id)],
            }
        )
        cls.action_partner = cls.env["ir.actions.server"].create(
            {
                "name": "Contact action",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "state": "object_write",
                "update_path": "comment",
                "value": "touched",
            }
        )

    @contextmanager
    def _refused(self, regex):
        """The call is refused with ``regex`` and leaves nothing behind."""
        with self.assertRaisesRegex(ValidationError, regex), self.env.cr.savepoint():
            yield

    def _manager_campaign(self, tag, user=None):
        user = user or self.user_manager
        return (
            self.env["crm.drip.campaign"]
            .with_user(user)
            .create(
                {
                    "name": f"Campaign {tag}",
                    "model_id": self.model_lead.id,
                    "domain": f"[('email_from', 'ilike', '@{tag}.example.com')]",
                    "send_tz": "UTC",
                }
            )
        )

    def _server_step(self, campaign, action, user=None):
        user = user or self.user_manager
        return (
            self.env["crm.drip.step"]
            .with_user(user)
            .create(
                {
                    "name": "Run it",
                    "campaign_id": campaign.id,
                    "trigger": "begin",
                    "action_type": "server_action",
                    "server_action_id": action.id,
                }
            )
        )

    # ------------------------------------------------------------------
    # Server actions: on save
    # ------------------------------------------------------------------

    def test_manager_cannot_pick_code_action(self):
        campaign = self._manager_campaign("keys")
        with self._refused("Python code"):
            self._server_step(campaign, self.action_code)
        # nor by switching an existing step to it
        step = self._server_step(
            campaign,
            self.action_runners.sudo().copy({"groups_id": [Command.clear()]}),
        )
        with self._refused("Python code"):
            step.with_user(self.user_manager).write(
                {"server_action_id": self.action_code.id}
            )
        # a Settings administrator may
        own = self._manager_campaign("keys2", user=self.user_sysadmin)
        self._server_step(own, self.action_code, user=self.user_sysadmin)

    def test_manager_cannot_pick_action_of_other_groups(self):
        campaign = self._manager_campaign("groups")
        with self._refused("Admins only"):
            self._server_step(campaign, self.action_system_only)
        with self._refused("restricted to"):
            self._server_step(campaign, self.action_runners)
        self.user_manager.groups_id += self.group_runner
        self._server_step(campaign, self.action_runners)

    def test_action_of_another_model_refused(self):
        campaign = self._manager_campaign("model")
        with self._refused("choose an action of the"):
            self._server_step(campaign, self.action_partner)

    def test_manager_cannot_retarget_admin_code_step(self):
        """An administrator's campaign runs code as its administrator: a CRM
        Suite administrator may not point it at other records, nor make
        someone else its owner."""
        campaign = self._manager_campaign("admin", user=self.user_sysadmin)
        self._server_step(campaign, self.action_code, user=self.user_sysadmin)
        as_manager = campaign.with_user(self.user_manager)
        with self._refused("Python code"):
            as_manager.write({"domain": "[]"})
        with self._refused("Python code"):
            as_manager.write({"user_id": self.user_manager.id})
        with self._refused("Python code"):
            as_manager.write({"user_id": self.user_sysadmin.id, "domain": "[]"})
        with self._refused("Python code"):
            as_manager.action_start()
        # nor make the administrator the owner of their own step
        own = self._manager_campaign("own")
        with self._refused("Python code"):
            self._server_step(own, self.action_code)
        self.assertEqual(
            campaign.domain, "[('email_from', 'ilike', '@admin.example.com')]"
        )
        self.assertEqual(campaign.state, "draft")

    def test_only_owner_sets_up_server_actions(self):
        """A step runs its server action as the campaign's responsible: a
        CRM Suite administrator cannot lend themselves someone else's
        rights, even for an action they may run."""
        self.user_manager.groups_id += self.group_runner
        self.user_sysadmin.groups_id += self.group_runner
        campaign = self._manager_campaign("lend")
        self._server_step(campaign, self.action_runners)
        with self._refused("only they or a Settings administrator"):
            campaign.with_user(self.user_manager).write(
                {"user_id": self.user_sysadmin.id}
            )
        self.assertEqual(campaign.user_id, self.user_manager)
        # a colleague's campaign: not without being its responsible
        colleague = self._manager_campaign("colleague", user=self.user_sysadmin)
        with self._refused("only they or a Settings administrator"):
            self._server_step(colleague, self.action_runners)
        # a Settings administrator may set it up for them
        self.user_manager.groups_id -= self.group_runner
        own = self._manager_campaign("forthem")
        with self._refused("Mia Manager may not run"):
            self._server_step(own, self.action_runners, user=self.user_sysadmin)

    def test_superuser_cannot_be_made_owner(self):
        campaign = self._manager_campaign("root")
        with self._refused("Choose a person"):
            campaign.write({"user_id": self.env.ref("base.user_root").id})
        self.assertEqual(campaign.user_id, self.user_manager)

    def test_clearing_the_responsible_is_not_a_crash(self):
        """A campaign without a responsible acts as its creator: clearing the
        field saves (it used to fail on an empty recordset)."""
        campaign = self._manager_campaign("noowner")
        campaign.write({"user_id": False})
        self.assertFalse(campaign.user_id)

    def test_refused_action_cannot_wait_on_another_step_type(self):
        """A code action the manager may not run is refused on a step of
        another type too, so a later change of type cannot wake it."""
        campaign = self._manager_campaign("dormant")
        step = (
            self.env["crm.drip.step"]
            .with_user(self.user_manager)
            .create(
                {
                    "name": "Call",
                    "campaign_id": campaign.id,
                    "trigger": "begin",
                    "action_type": "activity",
                    "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                }
            )
        )
        with self._refused("cannot run this server action"):
            step.write({"server_action_id": self.action_code.id})
        self.assertFalse(step.server_action_id)

    def test_owner_must_be_able_to_run_the_action(self):
        """A Settings administrator configuring a code step for a campaign
        whose responsible is not one is told so."""
        campaign = self._manager_campaign("owner", user=self.user_sysadmin)
        campaign.user_id = self.user_manager
        with self._refused("Mia Manager"):
            self._server_step(campaign, self.action_code, user=self.user_sysadmin)

    # ------------------------------------------------------------------
    # Server actions: at run time, as the owner
    # ------------------------------------------------------------------

    def test_server_action_runs_as_owner_not_superuser(self):
        lead = self._leads(1, "asowner")
        campaign = self._manager_campaign("asowner", user=self.user_sysadmin)
        step = self._server_step(campaign, self.action_code, user=self.user_sysadmin)
        campaign.with_user(self.user_sysadmin).action_start()
        # the job runs as the cron's superuser
        self.assertEqual(self._process(), 1)
        self.assertEqual(self._traces(step, lead).state, "done")
        self.assertEqual(lead.referred, self.user_sysadmin.login)

    def test_owner_who_lost_the_groups_is_refused_at_run_time(self):
        lead = self._leads(1, "lost")
        lead.referred = "untouched"
        self.user_manager.groups_id += self.group_runner
        campaign = self._manager_campaign("lost")
        step = self._server_step(campaign, self.action_runners)
        campaign.with_user(self.user_manager).action_start()
        self.user_manager.groups_id -= self.group_runner
        self.assertEqual(self._process(), 1)
        trace = self._traces(step, lead)
        self.assertEqual(trace.state, "error")
        self.assertIn("Not run", trace.state_message)
        self.assertIn("Mia Manager may not run", trace.state_message)
        self.assertEqual(lead.referred, "untouched")

    def test_owner_who_is_no_system_admin_any_more(self):
        """A code step set up by an administrator who then lost the Settings
        rights does not run as them any more (nor as the superuser)."""
        lead = self._leads(1, "demoted")
        campaign = self._manager_campaign("demoted", user=self.user_sysadmin)
        step = self._server_step(campaign, self.action_code, user=self.user_sysadmin)
        campaign.with_user(self.user_sysadmin).action_start()
        self.user_sysadmin.groups_id -= self.env.ref("base.group_system")
        self._process()
        self.assertEqual(self._traces(step, lead).state, "error")
        self.assertFalse(lead.referred)

    def test_runner_action_runs_with_owner_rights(self):
        lead = self._leads(1, "runner")
        self.user_manager.groups_id += self.group_runner
        campaign = self._manager_campaign("runner")
        step = self._server_step(campaign, self.action_runners)
        campaign.with_user(self.user_manager).action_start()
        self.assertEqual(self._process(), 1)
        self.assertEqual(self._traces(step, lead).state, "done")
        self.assertEqual(lead.referred, "run by a runner")
        self.assertEqual(lead.write_uid, self.user_manager)

    def test_execute_now_runs_as_owner(self):
        """A manager running a test step by hand does not run it as
        superuser either."""
        lead = self._leads(1, "bynow")
        campaign = self._manager_campaign("bynow", user=self.user_sysadmin)
        step = self._server_step(campaign, self.action_code, user=self.user_sysadmin)
        wizard = (
            self.env["crm.drip.test"]
            .with_user(self.user_sysadmin)
            .create({"campaign_id": campaign.id, "record_ref": f"crm.lead,{lead.id}"})
        )
        wizard.action_launch()
        trace = self.Trace.search([("step_id", "=", step.id)])
        # a CRM Suite administrator may not have it run (as its owner)
        with self._refused("Python code"):
            trace.with_user(self.user_manager).action_execute_now()
        with self._refused("Python code"):
            wizard.with_user(self.user_manager).action_launch()
        self.assertFalse(lead.referred)
        trace.with_user(self.user_sysadmin).action_execute_now()
        self.assertEqual(lead.referred, self.user_sysadmin.login)

    # ------------------------------------------------------------------
    # Templates render as the campaign's owner
    # ------------------------------------------------------------------

    def _render_user_template(self, **vals):
        return self.env["mail.template"].create(
            {
                "name": "Who renders me?",
                "model_id": self.model_lead.id,
                "subject": "Rendered by {{ user.login }}",
                "body_html": '<p>Rendered by <t t-out="user.login"/></p>',
                "email_from": "sales@drip.example.com",
                "use_default_to": True,
                **vals,
            }
        )

    def _sent_by_job(self, tag, template):
        lead = self._leads(1, tag)
        campaign = self._manager_campaign(tag)
        step = self._step(campaign, "Mail", mail_template_id=template.id)
        campaign.with_user(self.user_manager).action_start()
        self._process()
        trace = self._traces(step, lead)
        return self._mails(step, lead), trace

    def test_plain_template_renders_as_owner(self):
        mail, trace = self._sent_by_job("plainrender", self._render_user_template())
        self.assertEqual(trace.state, "done", trace.state_message)
        self.assertEqual(len(mail), 1)
        self.assertIn("Rendered by crm_suite_manager", mail.body_html)
        self.assertEqual(mail.subject, "Rendered by crm_suite_manager")

    def test_template_path_renders_as_owner(self):
        template = self._render_user_template(
            use_default_to=False, email_cc="cc@drip.example.com"
        )
        mail, trace = self._sent_by_job("tplrender", template)
        self.assertEqual(trace.state, "done", trace.state_message)
        self.assertEqual(len(mail), 1)
        self.assertIn("Rendered by crm_suite_manager", mail.body_html)
        self.assertEqual(mail.subject, "Rendered by crm_suite_manager")

    def test_template_reads_with_owner_rights(self):
        """A template reading records its owner may not read fails (the trace
        is in error) instead of leaking them with the job's rights."""
        secret = self.env["res.partner"].create(
            {"name": "Secret Co", "company_id": self._other_company().id}
        )
        template = self._render_user_template(
            body_html=(
                "<p t-out=\"object.env['res.partner'].browse(%d).name\"/>" % secret.id
            ),
        )
        with mute_logger("odoo.addons.crm_suite.models.crm_drip_trace"):
            mail, trace = self._sent_by_job("secret", template)
        self.assertEqual(trace.state, "error")
        self.assertFalse(mail.filtered(lambda m: "Secret Co" in (m.body_html or "")))

    def _other_company(self):
        return self.env["res.company"].create({"name": "Other Co (privileges)"})

    def test_render_owner_from_context_needs_superuser(self):
        """Over RPC, a user cannot choose whom a composer renders as."""
        lead = self._leads(1, "ctx")
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.user_manager)
            .with_context(crm_drip_render_uid=self.user_sysadmin.id)
            .create(
                {
                    "composition_mode": "mass_mail",
                    "model": "crm.lead",
                    "subject": "x",
                    "body": '<p t-out="user.login"/>',
                }
            )
        )
        # the manager is no template editor: Odoo's restriction holds, as the
        # manager (rendered as the administrator, it would pass)
        with self.assertRaisesRegex(AccessError, "Mail Template Editor"):
            composer._prepare_mail_values_dynamic(lead.ids)
        # Odoo's restricted rendering writes its option into the options it is
        # given: the composer field's own ones must stay as they were, or every
        # later email of this worker fails to render
        body_field = self.env["mail.compose.message"]._fields["body"]
        self.assertNotIn("raise_on_forbidden_code_for_model", body_field.render_options)
        values = (
            self.env["mail.compose.message"]
            .create(
                {
                    "composition_mode": "mass_mail",
                    "model": "crm.lead",
                    "subject": "x",
                    "body": '<p t-out="object.name"/>',
                }
            )
            ._prepare_mail_values_dynamic(lead.ids)
        )
        self.assertIn(lead.name, values[lead.id]["body_html"])

    # ------------------------------------------------------------------
    # Public methods: a read-only user gets an AccessError, nothing changes
    # ------------------------------------------------------------------

    def _rpc(self, user, model, method, ids, *args):
        """Call ``method`` as JSON-RPC's ``call_kw`` does."""
        records = self.env[model].with_user(user)
        get_public_method(records, method)
        return call_kw(records, method, [ids, *args], {})

    def _running_campaign(self, tag):
        leads = self._leads(2, tag)
        campaign = self._campaign(tag=tag)
        self._step(campaign, "Welcome", delay=1)
        campaign.action_start()
        return campaign, leads

    def test_read_only_user_cannot_act_on_campaigns(self):
        campaign, __ = self._running_campaign("readonly")
        participant = self._participants(campaign)[:1]
        trace = self.Trace.search([("participant_id", "=", participant.id)])
        self._leads(1, "readonly-late")  # would be enrolled by a sync
        calls = [
            ("crm.drip.campaign", "action_stop", campaign.ids),
            ("crm.drip.campaign", "action_sync", campaign.ids),
            ("crm.drip.campaign", "action_draft", campaign.ids),
            ("crm.drip.campaign", "action_start", campaign.ids),
            ("crm.drip.campaign", "action_open_test", campaign.ids),
            ("crm.drip.participant", "action_stop", participant.ids),
            ("crm.drip.trace", "action_execute_now", trace.ids),
        ]
        count = len(self._participants(campaign))
        for user in (self.user_reader, self.user_reader_plain, self.user_internal):
            for model, method, ids in calls:
                with (
                    self.subTest(user=user.login, method=f"{model}.{method}"),
                    self.assertRaises(AccessError),
                    mute_logger("odoo.models"),
                ):
                    self._rpc(user, model, method, ids)
        self.env.invalidate_all()
        self.assertEqual(campaign.state, "running")
        self.assertEqual(participant.state, "running")
        self.assertEqual(trace.state, "scheduled")
        self.assertEqual(len(self._participants(campaign)), count)

    def test_read_only_user_cannot_recompute_scores(self):
        lead = self._leads(1, "score")
        lead.user_id = False
        # may read the lead (and open it), not write it
        lead.with_user(self.user_reader_plain).check_access("read")
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self._rpc(
                self.user_reader_plain, "crm.lead", "action_recompute_score", lead.ids
            )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self._rpc(
                self.user_internal, "crm.lead", "action_recompute_score", lead.ids
            )

    def test_read_only_user_cannot_open_ticket_merge(self):
        partner = self.env["res.partner"].create({"name": "Merge customer"})
        tickets = self.env["crm.ticket"].create(
            [
                {"name": "One", "partner_id": partner.id},
                {"name": "Two", "partner_id": partner.id},
            ]
        )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self._rpc(self.user_portal, "crm.ticket", "action_open_merge", tickets.ids)
        action = self._rpc(
            self.user_salesman, "crm.ticket", "action_open_merge", tickets.ids
        )
        self.assertEqual(action["res_model"], "crm.ticket.merge")

    def test_actions_return_a_value(self):
        """Every action answers RPC with True or an action, never None."""
        partner = self.env["res.partner"].create({"name": "Return customer"})
        ticket = self.env["crm.ticket"].create(
            {"name": "Return", "partner_id": partner.id}
        )
        self.assertIs(
            self._rpc(
                self.user_salesman, "crm.ticket", "action_assign_to_me", ticket.ids
            ),
            True,
        )
        self.assertIs(
            self._rpc(self.user_salesman, "crm.ticket", "action_close", ticket.ids),
            True,
        )
        campaign, __ = self._running_campaign("returns")
        for method in ("action_sync", "action_stop", "action_draft"):
            self.assertIs(
                self._rpc(self.user_manager, "crm.drip.campaign", method, campaign.ids),
                True,
                method,
            )

    def test_public_methods_are_checked(self):
        """Every public method of crm_suite's models is either an action that
        checks the caller's rights (tested above), an ORM or mail override,
        or private."""
        known = {
            # ORM, mail gateway and mailing overrides (Odoo checks them)
            "create",
            "write",
            "unlink",
            "copy_data",
            "default_get",
            "fetch",
            "flush_model",
            "message_new",
            "message_update",
            "set_sent",
            "set_opened",
            "set_clicked",
            "set_replied",
            "set_bounced",
            "set_failed",
            "set_canceled",
            # reads, checked for read access
            "get_score_predictive_factors",
        }
        addon = os.path.dirname(os.path.dirname(__file__))
        for directory in (os.path.join(addon, "models"), os.path.join(addon, "wizard")):
            for name in sorted(os.listdir(directory)):
                if not name.endswith(".py"):
                    continue
                with open(os.path.join(directory, name)) as handle:
                    tree = ast.parse(handle.read())
                for node in ast.walk(tree):
                    if not isinstance(node, ast.ClassDef):
                        continue
                    for item in node.body:
                        if not isinstance(item, ast.FunctionDef):
                            continue
                        method = item.name
                        if (
                            method.startswith("_")
                            or method in known
                            or method == "init"
                            or not method.islower()
                        ):
                            continue
                        with self.subTest(file=name, method=method):
                            self.assertTrue(
                                method.startswith("action_"),
                                "a public method must be an action",
                            )
                            source = ast.unparse(item)
                            self.assertTrue(
                                "check_access" in source
                                or "self._action_tickets" in source
                                or "self._action_view" in source
                                or "action_view_crm_tickets" in source,
                                "an action checks the caller's rights",
                            )
