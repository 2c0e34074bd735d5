# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields

from odoo.addons.crm_suite.tests.common import (
    CrmSuiteFixturesMixin,
    CrmSuitePortalMixin,
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


class CrmDocumentFixturesMixin(
    CrmCollabUsersMixin, CrmSuiteFixturesMixin, CrmSuitePortalMixin
):
    """Two companies, two customers with a workspace each, a restricted
    folder, and small real files."""

    PDF = (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )

    @classmethod
    def _setup_crm_documents(cls):
        cls._setup_crm_collab_users()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, mail_create_nolog=True)
        )
        cls.company_b = cls.env["res.company"].create({"name": "Second Company"})
        cls.user_collab_b = cls._new_company_user(
            "crm_collab_user_b",
            "base.group_user,crm_collab.group_crm_collab_user",
            cls.company_b,
        )
        cls.customer_a = cls._new_customer_company("Alpha Customer")
        cls.customer_b = cls._new_customer_company("Beta Customer")
        cls.portal_a = cls._new_portal_user(
            "doc_portal_a", "Ann Alpha", company=cls.customer_a
        )
        cls.portal_b = cls._new_portal_user(
            "doc_portal_b", "Ben Beta", company=cls.customer_b
        )
        Folder = cls.env["crm.document.folder"]
        cls.workspace_a = Folder._workspace_of(cls.customer_a)
        cls.workspace_b = Folder._workspace_of(cls.customer_b)
        cls.workspace_b.company_id = cls.company_b
        cls.folder_a_contracts = Folder.create(
            {"name": "Contracts", "parent_id": cls.workspace_a.id}
        )
        cls.folder_a_secret = Folder.create(
            {
                "name": "Board only",
                "parent_id": cls.workspace_a.id,
                "user_ids": [(6, 0, cls.user_collab_manager.ids)],
            }
        )
        cls.folder_a_secret_sub = Folder.create(
            {"name": "Minutes", "parent_id": cls.folder_a_secret.id}
        )
        cls.doc_a = cls._new_document("contract-a.pdf", cls.folder_a_contracts, cls.PDF)
        cls.doc_a2 = cls._new_document("notes-a.txt", cls.workspace_a, b"alpha notes")
        cls.doc_secret = cls._new_document(
            "minutes.txt", cls.folder_a_secret_sub, b"board minutes"
        )
        cls.doc_b = cls._new_document("contract-b.txt", cls.workspace_b, b"beta only")

    @classmethod
    def _new_document(cls, name, folder, content, **values):
        document = cls.env["crm.document"].create(
            {"name": name, "folder_id": folder.id, **values}
        )
        document._set_file(content, file_name=name)
        return document

    @classmethod
    def _new_share(cls, documents=None, folder=None, **values):
        return cls.env["crm.document.share"].create(
            {
                "name": "Test share",
                "document_ids": [(6, 0, documents.ids)] if documents else [],
                "folder_id": folder.id if folder else False,
                "expiration_date": fields.Datetime.now() + timedelta(days=7),
                **values,
            }
        )

    @staticmethod
    def _token_of(share):
        return share.url.rsplit("/", 1)[1]


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
