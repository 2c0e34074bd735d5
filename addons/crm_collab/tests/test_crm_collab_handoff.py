# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.crm_suite.tests.common import CrmSuiteTimeMixin

from .common import CrmCollabUsersMixin


@tagged("post_install", "-at_install")
class TestCrmCollabHandoff(CrmSuiteTimeMixin, CrmCollabUsersMixin, TransactionCase):
    """Handoffs by hand: the document checks, the receiver's buttons and who
    may press them, who sees what, the receiver's activity, the reminder
    job and the teams' KPIs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_collab_users()
        cls.Handoff = cls.env["crm.handoff"]
        cls.user_other_salesman = new_test_user(
            cls.env,
            login="crm_collab_other_salesman",
            groups="base.group_user,crm_suite.group_crm_suite_user",
        )
        cls.sales_team = cls.env["crm.team"].create(
            {
                "name": "Handoff Sales",
                "user_id": cls.user_manager.id,
                "crm_team_member_ids": [
                    Command.create({"user_id": cls.user_salesman.id})
                ],
            }
        )
        cls.ticket_team = cls.env["crm.ticket.team"].create(
            {
                "name": "Handoff Onboarding",
                "member_ids": [Command.set(cls.user_collaborator.ids)],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Handoff Customer", "email": "customer@handoff.example"}
        )
        # the demo's handoffs are not this job's
        cls.Handoff.search([]).with_context(crm_handoff_transition=True).write(
            {"reminder_date": fields.Datetime.now()}
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Handoff lead",
                "partner_id": cls.customer.id,
                "user_id": cls.user_salesman.id,
                "team_id": cls.sales_team.id,
            }
        )

    def _handoff(self, user=None, **values):
        vals = {
            "name": "Please call them",
            "res_model": "res.partner",
            "res_id": self.customer.id,
            "partner_id": self.customer.id,
            "to_team_id": self.sales_team.id,
            "date_due": fields.Datetime.now() + timedelta(days=2),
        }
        vals.update(values)
        Handoff = self.Handoff.with_user(user) if user else self.Handoff
        return Handoff.create(vals)

    # ------------------------------------------------------------------
    # The document
    # ------------------------------------------------------------------
    def test_res_model_constraint(self):
        for model in ("no.such.model", "mail.thread", "res.config.settings"):
            with self.assertRaises(ValidationError, msg=model):
                self._handoff(res_model=model)
        handoff = self._handoff()
        with self.assertRaises(ValidationError):
            handoff.res_model = "crm.nothing"
        with self.assertRaises(ValidationError):
            self._handoff(res_id=self.customer.id + 10_000_000)
        # a lead or a customer are documents
        self.assertTrue(
            self._handoff(res_model="crm.lead", res_id=self.lead.id).exists()
        )

    def test_customer_defaults_to_the_document(self):
        on_lead = self.Handoff.create(
            {"name": "About the lead", "res_model": "crm.lead", "res_id": self.lead.id}
        )
        self.assertEqual(on_lead.partner_id, self.customer)
        on_contact = self.Handoff.create(
            {
                "name": "About them",
                "res_model": "res.partner",
                "res_id": self.customer.id,
            }
        )
        self.assertEqual(on_contact.partner_id, self.customer)
        only_customer = self.Handoff.create(
            {"name": "About them too", "partner_id": self.customer.id}
        )
        self.assertEqual(
            (only_customer.res_model, only_customer.res_id),
            ("res.partner", self.customer.id),
        )
        # the form's Hand Off action opens a new handoff
        action = self.env.ref("crm_collab.crm_handoff_action_new")
        self.assertEqual((action.res_model, action.target), ("crm.handoff", "new"))

    def test_document_read_as_the_sender(self):
        """A salesperson restricted to own leads cannot hand off (nor read
        the name of) a colleague's lead."""
        about_lead = {"res_model": "crm.lead", "res_id": self.lead.id}
        with self.assertRaises(AccessError):
            self._handoff(user=self.user_other_salesman, **about_lead)
        handoff = self._handoff(user=self.user_salesman, **about_lead)
        self.assertEqual(handoff.from_user_id, self.user_salesman)
        self.assertEqual(handoff.res_name, self.lead.name)

    def test_state_fields_are_not_writable(self):
        handoff = self._handoff()
        for vals in ({"state": "done"}, {"accept_date": fields.Datetime.now()}):
            with self.assertRaises(UserError):
                handoff.with_user(self.user_salesman).write(vals)
        with self.assertRaises(UserError):
            self._handoff(user=self.user_salesman, state="accepted")
        with self.assertRaises(UserError):
            self._handoff(user=self.user_salesman, trigger="hot")

    # ------------------------------------------------------------------
    # Buttons and permissions
    # ------------------------------------------------------------------
    def test_transitions(self):
        handoff = self._handoff(user=self.user_collaborator)
        self.assertEqual(handoff.state, "proposed")
        as_receiver = handoff.with_user(self.user_salesman)
        self.assertIs(as_receiver.action_accept(), True)
        self.assertEqual(handoff.state, "accepted")
        self.assertTrue(handoff.accept_date)
        self.assertEqual(handoff.to_user_id, self.user_salesman, "the taker")
        with self.assertRaises(UserError):
            as_receiver.action_accept()
        self.assertIs(as_receiver.action_done(), True)
        self.assertEqual(handoff.state, "done")
        self.assertTrue(handoff.done_date)
        with self.assertRaises(UserError):
            as_receiver.action_decline()
        declined = self._handoff(user=self.user_collaborator)
        self.assertIs(declined.with_user(self.user_manager).action_decline(), True)
        self.assertEqual(declined.state, "declined")
        # done straight from proposed: accepted at the same time
        direct = self._handoff(user=self.user_collaborator)
        self.assertIs(direct.with_user(self.user_salesman).action_done(), True)
        self.assertEqual(direct.accept_date, direct.done_date)

    def test_only_the_receiver_or_an_administrator(self):
        handoff = self._handoff(
            user=self.user_salesman,
            to_team_id=False,
            to_ticket_team_id=self.ticket_team.id,
        )
        # the sender, another internal user: not the receiver
        for user in (self.user_salesman, self.user_internal, self.user_manager):
            for action in ("action_accept", "action_done", "action_decline"):
                with self.assertRaises(AccessError, msg=f"{user.login} {action}"):
                    getattr(handoff.with_user(user), action)()
        self.assertEqual(handoff.state, "proposed")
        # a member of the receiving ticket team
        self.assertIs(handoff.with_user(self.user_collaborator).action_accept(), True)
        # the handoff's user now; an administrator may close it too
        other = self._handoff(to_user_id=self.user_internal.id, to_team_id=False)
        self.assertTrue(other.with_user(self.user_internal).is_receiver)
        self.assertFalse(other.with_user(self.user_salesman).is_receiver)
        self.assertIs(other.with_user(self.user_collab_manager).action_decline(), True)
        self.assertIs(handoff.with_user(self.user_collab_manager).action_done(), True)

    def test_who_sees_what(self):
        handoff = self._handoff(user=self.user_collaborator)
        for user in (self.user_collaborator, self.user_salesman, self.user_manager):
            self.assertEqual(
                self.Handoff.with_user(user).search([("id", "=", handoff.id)]),
                handoff,
                user.login,
            )
        for user in (self.user_internal, self.user_other_salesman):
            self.assertFalse(
                self.Handoff.with_user(user).search([("id", "=", handoff.id)]),
                user.login,
            )
            with self.assertRaises(AccessError):
                handoff.with_user(user).read(["name"])
        # another company's handoff: invisible, even to an administrator
        other_company = self.env["res.company"].create({"name": "Handoff Co B"})
        foreign = self.Handoff.create(
            {
                "name": "Elsewhere",
                "res_model": "res.partner",
                "res_id": self.customer.id,
                "company_id": other_company.id,
            }
        )
        self.assertFalse(
            self.Handoff.with_user(self.user_collab_manager).search(
                [("id", "=", foreign.id)]
            )
        )
        self.assertTrue(
            self.Handoff.with_user(self.user_collab_manager).search(
                [("id", "=", handoff.id)]
            )
        )
        with self.assertRaises(AccessError):
            handoff.with_user(self.user_collaborator).unlink()

    def test_portal_user_gets_nothing(self):
        handoff = self._handoff(to_user_id=self.user_portal.id)
        self.customer.consent_email = "granted"
        as_portal = handoff.with_user(self.user_portal)
        with self.assertRaises(AccessError):
            self.Handoff.with_user(self.user_portal).search([])
        for action in ("action_accept", "action_done", "action_decline"):
            with self.assertRaises(AccessError, msg=action):
                getattr(as_portal, action)()
        with self.assertRaises(AccessError):
            self.customer.consent_log_ids.with_user(self.user_portal).read(["state"])
        self.assertEqual(handoff.state, "proposed")

    def test_activity_for_the_receiver(self):
        activity_type = self.env.ref("crm_collab.mail_activity_type_handoff")
        to_team = self._handoff()
        self.assertEqual(to_team.activity_ids.user_id, self.user_manager, "leader")
        self.assertEqual(to_team.activity_ids.activity_type_id, activity_type)
        to_user = self._handoff(to_user_id=self.user_salesman.id)
        self.assertEqual(to_user.activity_ids.user_id, self.user_salesman)
        to_user.with_user(self.user_salesman).action_done()
        self.assertFalse(to_user.activity_ids)

    # ------------------------------------------------------------------
    # Reminder job and KPIs
    # ------------------------------------------------------------------
    def test_reminder_job(self):
        now = fields.Datetime.now()
        soon = self._handoff(
            to_user_id=self.user_salesman.id, date_due=now + timedelta(hours=3)
        )
        late = self._handoff(date_due=now - timedelta(hours=1))
        later = self._handoff(date_due=now + timedelta(days=5))
        closed = self._handoff(date_due=now + timedelta(hours=1))
        closed.action_decline()
        messages = self.env["mail.message"]

        def reminders(handoff):
            return messages.search(
                [
                    ("model", "=", "crm.handoff"),
                    ("res_id", "=", handoff.id),
                    ("body", "ilike", "Reminder"),
                ]
            )

        self.assertEqual(self.Handoff._cron_remind(), 2)
        self.assertEqual(len(reminders(soon)), 1)
        self.assertIn(self.user_salesman.partner_id, reminders(soon).partner_ids)
        self.assertEqual(len(reminders(late)), 1)
        self.assertIn(self.user_manager.partner_id, reminders(late).partner_ids)
        self.assertFalse(reminders(later) or reminders(closed))
        self.assertTrue(soon.reminder_date)
        # idempotent: a rerun reminds nobody again
        self.assertEqual(self.Handoff._cron_remind(), 0)
        self.assertEqual(len(reminders(soon)), 1)
        # a new due date, a new reminder; batches continue
        soon.date_due = now + timedelta(hours=2)
        self.assertFalse(soon.reminder_date)
        later.date_due = now + timedelta(hours=1)
        self.assertEqual(self.Handoff._cron_remind(batch_size=1), 1)
        self.assertEqual(self.Handoff._cron_remind(batch_size=1), 1)
        self.assertEqual(len(reminders(soon)), 2)
        self.assertEqual(len(reminders(later)), 1)

    def test_team_kpis(self):
        start = fields.Datetime.now() - timedelta(days=1)
        with self._at(start):
            fast = self._handoff()
            slow = self._handoff(date_due=start + timedelta(hours=2))
            self.env.flush_all()
        with self._at(start + timedelta(hours=2)):
            fast.with_user(self.user_salesman).action_accept()
            self.env.flush_all()
        self.assertAlmostEqual(fast.accept_hours, 2.0, places=2)
        self.assertTrue(slow.is_overdue)
        self.assertFalse(fast.is_overdue)
        self.assertEqual(
            self.Handoff.search(
                [("is_overdue", "=", True), ("id", "in", (fast | slow).ids)]
            ),
            slow,
        )
        self.sales_team.invalidate_recordset()
        self.assertEqual(self.sales_team.crm_handoff_open_count, 2)
        self.assertEqual(self.sales_team.crm_handoff_overdue_count, 1)
        self.assertAlmostEqual(self.sales_team.crm_handoff_accept_hours, 2.0, places=2)
        groups = self.Handoff._read_group(
            [("to_team_id", "=", self.sales_team.id)],
            ["to_team_id"],
            ["accept_hours:avg"],
        )
        self.assertEqual(len(groups), 1)
        action = self.sales_team.action_open_crm_handoffs()
        self.assertEqual(action["domain"], [("to_team_id", "=", self.sales_team.id)])
        self.ticket_team.invalidate_recordset()
        self.assertEqual(self.ticket_team.crm_handoff_open_count, 0)
