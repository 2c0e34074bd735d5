# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import CrmInteractionCommon

T0 = datetime(2026, 3, 2, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestCrmInteractionCollabSources(CrmInteractionCommon, TransactionCase):
    """Handoffs, shares, downloads and uploads in the customer's feed, each
    seen by the users who may read its source record only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_timeline()
        cls.company_b = cls._new_company("Timeline Company B")
        cls.collab_b = cls._new_company_user(
            "timeline_collab_b",
            "base.group_user,crm_collab.group_crm_collab_user",
            cls.company_b,
        )
        workspace = cls.env["crm.document.folder"]._workspace_of(cls.globex)
        cls.document = cls.env["crm.document"].create(
            {"name": "offer-globex.pdf", "folder_id": workspace.id}
        )
        cls.document._set_file(b"offer", file_name="offer-globex.pdf")
        cls.handoff = cls.env["crm.handoff"].create(
            {
                "name": "Call Globex back",
                "res_model": "crm.lead",
                "res_id": cls.lead_a.id,
                "partner_id": cls.gina.id,
                "to_user_id": cls.seller_a.id,
            }
        )
        cls.share = cls.env["crm.document.share"].create(
            {
                "name": "Offer for Globex",
                "document_ids": [(6, 0, cls.document.ids)],
                "allow_upload": True,
                "expiration_date": fields.Datetime.now() + timedelta(days=7),
            }
        )
        Log = cls.env["crm.document.share.log"]
        cls.download = Log._log(cls.share, "download", "ok", document=cls.document)
        cls.refused = Log._log(cls.share, "download", "limit", document=cls.document)
        cls.page_view = Log._log(cls.share, "view", "ok")
        cls.upload = Log._log(cls.share, "upload", "ok", file_name="signed.pdf")
        cls.request = cls.env["crm.document.request"].create(
            {"name": "Signed contract", "partner_id": cls.gina.id}
        )
        cls.request._receive("contract-signed.pdf", b"signed")
        # their own dates, one hour apart: handoff, share, download, upload,
        # request upload
        cr = cls.env.cr
        cr.execute(
            "UPDATE crm_handoff SET create_date = %s WHERE id = %s",
            (T0, cls.handoff.id),
        )
        cr.execute(
            "UPDATE crm_document_share SET create_date = %s WHERE id = %s",
            (T0 + timedelta(hours=1), cls.share.id),
        )
        for hours, log in ((2, cls.download), (3, cls.upload)):
            log.date = T0 + timedelta(hours=hours)
        cr.execute(
            "UPDATE crm_document SET create_date = %s WHERE id = %s",
            (T0 + timedelta(hours=4), cls.request.document_id.id),
        )
        cls.env.flush_all()
        cls.env.invalidate_all()

    def _collab_rows(self, user=None):
        return [
            (i.res_model, i.res_id, i.channel, i.direction, i.date)
            for i in self._feed(user=user)
            if i.channel in ("handoff", "document")
        ]

    def test_feed_order_channels_directions(self):
        rows = self._collab_rows(user=self.user_collab_manager)
        self.assertEqual(
            rows,
            [
                (
                    "crm.document.request",
                    self.request.id,
                    "document",
                    "inbound",
                    T0 + timedelta(hours=4),
                ),
                (
                    "crm.document.share.log",
                    self.upload.id,
                    "document",
                    "inbound",
                    T0 + timedelta(hours=3),
                ),
                (
                    "crm.document.share.log",
                    self.download.id,
                    "document",
                    "inbound",
                    T0 + timedelta(hours=2),
                ),
                (
                    "crm.document.share",
                    self.share.id,
                    "document",
                    "outbound",
                    T0 + timedelta(hours=1),
                ),
                ("crm.handoff", self.handoff.id, "handoff", "internal", T0),
            ],
        )
        handoff = self._feed(user=self.user_collab_manager).filtered(
            lambda i: i.res_model == "crm.handoff"
        )
        self.assertEqual(handoff.summary, "Call Globex back → Sue Seller")
        self.assertEqual(handoff.contact_id, self.gina)
        self.assertEqual(handoff.partner_id, self.globex)
        # read by id (the 360 page's fields): every family's branch answers
        ids = self._feed(user=self.user_collab_manager).ids
        again = self.env["crm.interaction"].with_user(self.user_collab_manager)
        self.assertEqual(
            [row["id"] for row in again.browse(ids).read(["channel"])], ids
        )
        self.assertEqual(len(ids), 5)

    def test_access_follows_the_sources(self):
        # the receiver of the handoff (no crm_collab group): the handoff only
        self.assertEqual(
            [row[0] for row in self._collab_rows(user=self.seller_a)], ["crm.handoff"]
        )
        # a colleague without the group, not involved: nothing
        self.assertEqual(self._collab_rows(user=self.seller_b), [])
        self.assertEqual(self._collab_rows(user=self.user_internal), [])
        # a collaborator: not someone else's share, nor its log, nor the
        # handoff; the request (no folder: every collaborator's) only
        self.assertEqual(
            [row[0] for row in self._collab_rows(user=self.user_collaborator)],
            ["crm.document.request"],
        )
        # once the share is theirs, its log is too
        self.share.user_id = self.user_collaborator
        self.assertEqual(
            [row[0] for row in self._collab_rows(user=self.user_collaborator)],
            [
                "crm.document.request",
                "crm.document.share.log",
                "crm.document.share.log",
                "crm.document.share",
            ],
        )
        # a user of another company: nothing, even as the share's owner and
        # the handoff's receiver
        self.share.user_id = self.collab_b
        self.handoff.to_user_id = self.collab_b
        self.assertEqual(self._collab_rows(user=self.collab_b), [])
        interaction = self._feed(user=self.user_collab_manager).filtered(
            lambda i: i.res_model == "crm.handoff"
        )
        with self.assertRaises(AccessError):
            interaction.with_user(self.collab_b).read(["summary"])

    def test_portal_denied(self):
        portal = self.env["res.users"].create(
            {
                "name": "Gina Portal",
                "login": "timeline_collab_gina_portal",
                "partner_id": self.gina.id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        with self.assertRaises(AccessError):
            self.env["crm.interaction"].with_user(portal).search(
                [("channel", "in", ("document", "handoff"))]
            )
