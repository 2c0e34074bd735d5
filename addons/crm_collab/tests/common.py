# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.crm_suite.tests.common import (
    CrmSuiteFixturesMixin,
    CrmSuiteTimeMixin,
    CrmSuiteUsersMixin,
)
from odoo.addons.mail.tests.common import mail_new_test_user


class CrmCollabUsersMixin(CrmSuiteUsersMixin):
    """crm_suite's users plus the collaboration roles."""

    @classmethod
    def _setup_crm_collab_users(cls):
        cls._setup_crm_suite_users()
        cls._create_role_users(
            {
                "user_collaborator": (
                    "crm_collab_user",
                    "Cleo Collaborator",
                    "base.group_user,crm_collab.group_crm_collab_user",
                ),
                "user_collab_manager": (
                    "crm_collab_manager",
                    "Nora Collab Manager",
                    "base.group_user,crm_collab.group_crm_collab_manager",
                ),
            }
        )


class CrmInteractionCommon(
    CrmSuiteTimeMixin, CrmSuiteFixturesMixin, CrmCollabUsersMixin
):
    """A customer (Globex and its contact Gina), two salespeople restricted to
    their own leads, a lead of each, and the helpers that make a history
    (notes, emails, activities done, tickets, invoices, payments, traces)."""

    @classmethod
    def _setup_timeline(cls):
        cls._setup_crm_collab_users()
        cls._quiet_env()
        cls.env = cls.env(context=dict(cls.env.context, crm_ticket_no_ack=True))
        own_leads = "base.group_user,sales_team.group_sale_salesman"
        cls.seller_a = mail_new_test_user(
            cls.env, login="timeline_seller_a", name="Sue Seller", groups=own_leads
        )
        cls.seller_b = mail_new_test_user(
            cls.env, login="timeline_seller_b", name="Tom Seller", groups=own_leads
        )
        cls.globex = cls.env["res.partner"].create(
            {"name": "Globex", "is_company": True, "email": "info@globex.test"}
        )
        cls.gina = cls.env["res.partner"].create(
            {
                "name": "Gina Globex",
                "email": "gina@globex.test",
                "parent_id": cls.globex.id,
            }
        )
        cls.lead_a = cls.env["crm.lead"].create(
            {
                "name": "Globex: 40 desks",
                "partner_id": cls.gina.id,
                "user_id": cls.seller_a.id,
            }
        )
        cls.lead_b = cls.env["crm.lead"].create(
            {
                "name": "Globex: chairs",
                "partner_id": cls.gina.id,
                "user_id": cls.seller_b.id,
            }
        )

    def _feed(self, partner=None, user=None):
        Interaction = self.env["crm.interaction"]
        if user:
            Interaction = Interaction.with_user(user)
        return Interaction.search([("partner_id", "=", (partner or self.globex).id)])

    def _note(self, record, body="Internal note", user=None):
        return record.with_user(user or self.env.user).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_note"
        )

    def _email_out(self, record, body="Our offer", user=None):
        return record.with_user(user or self.env.user).message_post(
            body=body,
            subject="Offer",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.gina.ids,
        )

    def _activity_done(self, record, activity_type, user=None):
        activity = record.with_user(user or self.env.user).activity_schedule(
            activity_type_id=activity_type.id, summary=activity_type.name
        )
        activity.action_feedback(feedback="Done")

    def _incoming_email(
        self, record, date, sender="gina@globex.test", subject="Re: Offer"
    ):
        """An email from ``sender`` dated ``date`` through the mail gateway, to
        ``record`` (a record: its thread; a model name: a new record of it)."""
        key = getattr(record, "id", record)
        raw = (
            f"From: Gina Globex <{sender}>\r\n"
            "To: sales@example.com\r\n"
            f"Subject: {subject}\r\n"
            f"Date: {date.strftime('%a, %d %b %Y %H:%M:%S +0000')}\r\n"
            f"Message-Id: <timeline-{date.timestamp()}-{key}@globex.test>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            "Thanks, we accept the offer.\r\n"
        )
        if isinstance(record, str):
            return self.env["mail.thread"].message_process(record, raw)
        return self.env["mail.thread"].message_process(
            record._name, raw, thread_id=record.id
        )
