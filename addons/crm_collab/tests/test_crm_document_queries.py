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

    def _add_documents_sql(self, count):
        """``count`` more documents in the workspace, in one INSERT."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            INSERT INTO crm_document (name, folder_id, partner_id, company_id,
                                      owner_id, active, create_uid, write_uid,
                                      create_date, write_date)
            SELECT 'bulk ' || n || '.pdf', %(folder)s, %(partner)s, %(company)s,
                   %(uid)s, TRUE, %(uid)s, %(uid)s,
                   now() - n * interval '1 minute', now() - n * interval '1 minute'
            FROM generate_series(1, %(count)s) n
            """,
            {
                "folder": self.folder_a_contracts.id,
                "partner": self.customer_a.id,
                "company": self.folder_a_contracts.company_id.id,
                "uid": self.env.uid,
                "count": count,
            },
        )
        self.env.invalidate_all()

    def _count_first_page(self):
        """Queries of the first page, caches warm (a first call before)."""
        self._first_page()
        before = self.env.cr.sql_log_count
        result = self._first_page()
        return self.env.cr.sql_log_count - before, result

    def test_first_page_constant_queries(self):
        # full pages both times (a page shorter than the limit skips the count)
        self._add_documents(20)
        self._add_documents_sql(100)
        small, result = self._count_first_page()
        self.assertEqual(result["length"], 122)
        self._add_documents_sql(10_000)
        large, result = self._count_first_page()
        self.assertEqual(len(result["records"]), 80)
        self.assertEqual(result["length"], 10_122)
        self.assertEqual(small, large, "the first page costs the same at any size")
        with self.assertQueryCount(10):
            self._first_page()
