# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import CrmInteractionCommon

# a page of the 360 screen: the sources' access rules, the page's ids, its
# fields (by the sources' ids), the contacts' and the users' names
PAGE_QUERIES = 8


@tagged("post_install", "-at_install")
class TestCrmInteractionQueries(CrmInteractionCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_timeline()
        cls.note = cls.env.ref("mail.mt_note")
        cls.comment = cls.env.ref("mail.mt_comment")

    def _messages(self, count, lead):
        """``count`` emails from the customer and notes of the salesperson on
        ``lead`` (one batch)."""
        self.env["mail.message"].create(
            [
                {
                    "model": lead._name,
                    "res_id": lead.id,
                    "message_type": "email" if index % 2 else "comment",
                    "subtype_id": (self.comment if index % 2 else self.note).id,
                    "author_id": (
                        self.gina if index % 2 else self.seller_a.partner_id
                    ).id,
                    "body": f"<p>Message {index}</p>",
                }
                for index in range(count)
            ]
        )

    def _page(self, offset=0):
        """A page as the salesperson, with a cold cache; and its query count."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        page = (
            self.env["crm.interaction"]
            .with_user(self.seller_a)
            .get_timeline(self.globex.id, offset=offset)
        )
        return page, self.env.cr.sql_log_count - before

    def test_page_query_count_flat(self):
        """The queries of a page do not grow with the customer's history
        (crm_collab's own sources in it: a handoff the salesperson received)."""
        self.env["crm.handoff"].create(
            {
                "name": "Call Globex back",
                "res_model": "crm.lead",
                "res_id": self.lead_a.id,
                "partner_id": self.gina.id,
                "to_user_id": self.seller_a.id,
            }
        )
        self._messages(10, self.lead_a)
        self._messages(5, self.lead_b)
        self._page()  # warm-up: the registry's caches
        with self.assertQueryCount(PAGE_QUERIES):
            page, small = self._page()
        self.assertEqual(len(page["items"]), 11)
        self._messages(400, self.lead_a)
        self._messages(300, self.lead_b)
        with self.assertQueryCount(PAGE_QUERIES):
            page, large = self._page()
        self.assertEqual(len(page["items"]), 80)
        self.assertTrue(page["has_more"])
        with self.assertQueryCount(PAGE_QUERIES):
            _page, next_page = self._page(offset=80)
        self.assertEqual((small, next_page), (large, large))
