# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests.common import freeze_time

from odoo.addons.mail.tests.common import mail_new_test_user


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


class CrmTicketCommonMixin(CrmSuiteUsersMixin):
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

    @contextmanager
    def _at(self, moment):
        """Freeze Python's clock and the transaction's (create_date) at
        ``moment``."""
        moment = fields.Datetime.to_datetime(moment)
        with freeze_time(moment), patch.object(self.env.cr, "now", lambda: moment):
            yield

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
