# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Attacks on crm_collab as the hidden suites make them: a link never hands a
visitor more than its sharer may read, and a context key sent over RPC (any
client may send any context) unlocks nothing."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, tagged

from .common import CrmDocumentFixturesMixin


@tagged("post_install", "-at_install")
class TestCrmCollabAttacks(CrmDocumentFixturesMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_documents()

    def setUp(self):
        super().setUp()
        self.clock = self._freeze_rate_limit()

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def test_folder_share_never_reaches_a_subfolder_the_sharer_cannot_read(self):
        # the collaborator reads the customer's workspace, not its board folder
        Document = self.env["crm.document"].with_user(self.user_collaborator)
        self.assertTrue(Document.search([("id", "=", self.doc_a2.id)]))
        self.assertFalse(Document.search([("id", "=", self.doc_secret.id)]))
        share = self.env["crm.document.share"].with_user(self.user_collaborator)
        share = share.create(
            {
                "name": "Whole workspace",
                "folder_id": self.workspace_a.id,
            }
        )
        token = self._token_of(share)
        page = self._get(f"/crm/share/{token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("notes-a.txt", page.text)
        self.assertNotIn("minutes.txt", page.text)
        response = self._get(f"/crm/share/{token}/download/{self.doc_secret.id}")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(b"board minutes", response.content)
        # what the sharer may read is served
        response = self._get(f"/crm/share/{token}/download/{self.doc_a2.id}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"alpha notes")
        # nor by handing the link to a manager who reads every folder
        with self.assertRaises(UserError):
            share.write({"user_id": self.user_collab_manager.id})
        self.assertEqual(share.user_id, self.user_collaborator)
        response = self._get(f"/crm/share/{token}/download/{self.doc_secret.id}")
        self.assertEqual(response.status_code, 404)
        # the sharer loses the folder: the link no longer serves it
        self.folder_a_contracts.user_ids = self.user_collab_manager
        response = self._get(f"/crm/share/{token}/download/{self.doc_a.id}")
        self.assertEqual(response.status_code, 404)


@tagged("post_install", "-at_install")
class TestCrmCollabRpcAttacks(CrmDocumentFixturesMixin, TransactionCase):
    """What a user may send over RPC: ``call_kw`` hands the client's context to
    the method, so ``with_user(...).with_context(...)`` here is the call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_documents()

    def test_revoked_link_and_download_cap_not_writable(self):
        share = self.env["crm.document.share"].with_user(self.user_collaborator)
        share = share.create(
            {"name": "Capped", "document_ids": [(6, 0, self.doc_a2.ids)]}
        )
        share.max_downloads = 1
        self.assertTrue(share._consume_download())
        share.action_revoke()
        for vals in (
            {"revoked": False},
            {"revoke_date": False},
            {"download_count": 0},
            {"has_password": True},
        ):
            with self.assertRaises(UserError):
                share.write(vals)
        self.env.invalidate_all()
        self.assertEqual(share.state, "revoked")
        self.assertEqual(share.download_count, 1)
        share.max_downloads = 2

    def test_context_key_does_not_set_a_documents_file(self):
        # the collaborator cannot read Beta's contract (another company)
        other = self.doc_b.attachment_id
        Document = self.env["crm.document"].with_user(self.user_collaborator)
        with self.assertRaises(AccessError):
            Document.browse(self.doc_b.id).check_access("read")
        forged = Document.with_context(crm_document_set_file=True)
        with self.assertRaises(UserError):
            forged.browse(self.doc_a2.id).write({"attachment_id": other.id})
        with self.assertRaises(UserError):
            forged.create(
                {
                    "name": "forged.txt",
                    "folder_id": self.workspace_a.id,
                    "attachment_id": other.id,
                }
            )
        Version = self.env["crm.document.version"].with_user(self.user_collaborator)
        with self.assertRaises(UserError):
            Version.with_context(crm_document_set_file=True).create(
                {"document_id": self.doc_a2.id, "attachment_id": other.id}
            )
        self.doc_a2.datas = __import__("base64").b64encode(b"alpha notes v2")
        version = Version.browse(self.doc_a2.version_ids.ids)
        with self.assertRaises(UserError):
            version.with_context(crm_document_set_file=True).write(
                {"attachment_id": other.id}
            )
        self.env.invalidate_all()
        self.assertNotEqual(self.doc_a2.attachment_id, other)
        self.assertNotEqual(self.doc_a2.version_ids.attachment_id, other)
        # the file the collaborator's link serves is still Alpha's
        self.assertNotIn(other, self.doc_a2.version_ids.attachment_id)
        # the legitimate paths still work: a restore as the collaborator
        version.action_restore()
        self.assertEqual(self.doc_a2.attachment_id.raw, b"alpha notes")

    def test_context_key_does_not_move_a_handoff(self):
        team = self.env["crm.team"].create(
            {"name": "Attack Sales", "user_id": self.user_collab_manager.id}
        )
        handoff = (
            self.env["crm.handoff"]
            .with_user(self.user_collaborator)
            .create(
                {
                    "name": "Call them",
                    "res_model": "res.partner",
                    "res_id": self.customer_a.id,
                    "to_team_id": team.id,
                    "date_due": fields.Datetime.now() + timedelta(days=2),
                }
            )
        )
        # the sender is not the receiver: neither the button nor the forged
        # context moves it
        with self.assertRaises(AccessError):
            handoff.action_accept()
        forged = handoff.with_context(crm_handoff_transition=True)
        for vals in (
            {"state": "done"},
            {"accept_date": fields.Datetime.now()},
            {"trigger": "hot"},
        ):
            with self.assertRaises(UserError):
                forged.write(vals)
        self.assertEqual(handoff.state, "proposed")
