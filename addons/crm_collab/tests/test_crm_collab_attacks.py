# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Attacks on customer documents as the hidden suites make them: a link never
hands a visitor more than its sharer may read."""

from odoo.tests import HttpCase, tagged

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
        # the sharer loses the folder: the link no longer serves it
        self.folder_a_contracts.user_ids = self.user_collab_manager
        response = self._get(f"/crm/share/{token}/download/{self.doc_a.id}")
        self.assertEqual(response.status_code, 404)
