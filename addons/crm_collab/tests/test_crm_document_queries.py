# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import CrmDocumentFixturesMixin


@tagged("post_install", "-at_install")
class TestCrmDocumentQueries(CrmDocumentFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_documents()

    def _add_documents(self, count):
        documents = self.env["crm.document"].create(
            [
                {"name": f"file {index}.txt", "folder_id": self.folder_a_contracts.id}
                for index in range(count)
            ]
        )
        for document in documents[:5]:
            document._set_file(document.name.encode())

    def _first_page(self):
        self.env.invalidate_all()
        Document = self.env["crm.document"].with_user(self.user_collaborator)
        fields_ = [
            "name",
            "partner_id",
            "folder_id",
            "tag_ids",
            "file_size",
            "owner_id",
            "mimetype",
            "preview_kind",
            "write_date",
        ]
        return Document.web_search_read(
            [("partner_id", "=", self.customer_a.id)],
            {name: {} for name in fields_},
            limit=80,
        )

    def test_first_page_constant_queries(self):
        self._add_documents(100)
        self._first_page()  # warm caches (rules, fields)
        with self.assertQueryCount(7):
            self._first_page()
        self._add_documents(400)
        with self.assertQueryCount(7):
            self._first_page()
