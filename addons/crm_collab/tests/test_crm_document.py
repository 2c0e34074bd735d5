# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from .common import CrmDocumentFixturesMixin


@tagged("post_install", "-at_install")
class TestCrmDocument(CrmDocumentFixturesMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_documents()

    # workspace and tree

    def test_workspace_created_once_per_commercial_entity(self):
        contact = self.env["res.partner"].create(
            {"name": "Contact of Alpha", "parent_id": self.customer_a.id}
        )
        action = contact.with_user(self.user_collaborator).action_open_documents()
        self.assertEqual(action["context"]["default_folder_id"], self.workspace_a.id)
        other = self._new_customer_company("Gamma Customer")
        Folder = self.env["crm.document.folder"]
        before = Folder.search_count([("partner_id", "=", other.id)])
        other.with_user(self.user_collaborator).action_open_documents()
        other.with_user(self.user_collaborator).action_open_documents()
        self.assertEqual(
            Folder.search_count([("partner_id", "=", other.id)]), before + 1
        )

    def test_subfolders_follow_parent(self):
        self.assertEqual(self.folder_a_secret_sub.partner_id, self.customer_a)
        self.assertTrue(self.folder_a_contracts.portal_visible)
        self.assertEqual(self.doc_a.partner_id, self.customer_a)
        self.workspace_a.portal_visible = False
        self.assertFalse(self.folder_a_contracts.portal_visible)
        with self.assertRaises(UserError):
            self.workspace_a.parent_id = self.folder_a_contracts

    # versions

    def test_new_file_keeps_versions_same_bytes_none(self):
        document = self.doc_a2
        first = document.attachment_id
        self.assertEqual(document.file_size, len(b"alpha notes"))
        document.with_user(self.user_collaborator).datas = base64.b64encode(b"v2")
        self.assertEqual(len(document.version_ids), 1)
        self.assertEqual(document.version_ids.attachment_id, first)
        self.assertEqual(document.version_ids.checksum, first.checksum)
        self.assertEqual(document.version_ids.file_size, len(b"alpha notes"))
        # the same bytes again: no new version
        document.with_user(self.user_collaborator).datas = base64.b64encode(b"v2")
        self.assertEqual(len(document.version_ids), 1)
        # restore the first one: the current one becomes a version
        second = document.attachment_id
        document.version_ids.with_user(self.user_collaborator).action_restore()
        self.assertEqual(document.attachment_id, first)
        self.assertEqual(document.version_ids.attachment_id, second)
        self.assertEqual(base64.b64decode(document.datas), b"alpha notes")

    def test_lock_blocks_others(self):
        document = self.doc_a2.with_user(self.user_collaborator)
        self.assertTrue(document.action_lock())
        other = self._new_company_user(
            "crm_collab_other",
            "base.group_user,crm_collab.group_crm_collab_user",
            self.env.ref("base.main_company"),
        )
        with self.assertRaises(UserError):
            self.doc_a2.with_user(other).datas = base64.b64encode(b"replaced")
        with self.assertRaises(UserError):
            self.doc_a2.with_user(other).action_unlock()
        document.datas = base64.b64encode(b"mine")
        self.assertTrue(document.action_unlock())

    def test_trash_emptied_after_retention(self):
        document = self.doc_a2
        attachment = document.attachment_id
        document.action_move_to_trash()
        self.assertFalse(document.active)
        self.env["crm.document"]._cron_empty_trash()
        self.assertTrue(document.exists(), "kept within the retention")
        document.trash_date = fields.Datetime.now() - timedelta(days=31)
        archived = self._new_document("archived.txt", self.workspace_a, b"old")
        archived.action_archive()
        self.env["crm.document"]._cron_empty_trash()
        self.assertFalse(document.exists())
        self.assertFalse(attachment.exists())
        self.assertTrue(archived.exists(), "archived is not trash")

    def test_names_are_strings(self):
        document = self._new_document("../../etc/passwd", self.workspace_a, b"x")
        self.assertEqual(document.name, "../../etc/passwd")
        self.assertEqual(document.attachment_id.name, "../../etc/passwd")
        self.assertTrue(document.attachment_id.store_fname)
        self.assertNotIn("..", document.attachment_id.store_fname)

    def test_active_content_stored_as_text(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        document = self._new_document("x.svg", self.workspace_a, svg)
        self.assertEqual(document.mimetype, "text/plain")

    # access rules

    def test_internal_users_see_allowed_folders_only(self):
        Document = self.env["crm.document"].with_user(self.user_collaborator)
        visible = Document.search([("partner_id", "=", self.customer_a.id)])
        self.assertIn(self.doc_a, visible)
        self.assertNotIn(self.doc_secret, visible, "inherited from the parent folder")
        with self.assertRaises(AccessError):
            self.doc_secret.with_user(self.user_collaborator).read(["name"])
        self.assertIn(
            self.doc_secret,
            self.env["crm.document"].with_user(self.user_collab_manager).search([]),
        )
        # a group on the folder lets its members in
        self.folder_a_secret.group_ids = self.env.ref(
            "crm_collab.group_crm_collab_user"
        )
        self.assertIn(self.doc_secret, Document.search([]))

    def test_companies(self):
        self.doc_b._set_file(b"beta v2")
        Document_b = self.env["crm.document"].with_user(self.user_collab_b)
        self.assertEqual(Document_b.search([]), self.doc_b)
        with self.assertRaises(AccessError):
            self.doc_a.with_user(self.user_collab_b).read(["name"])
        with self.assertRaises(AccessError):
            self.doc_b.with_user(self.user_collaborator).read(["name"])
        with self.assertRaises(AccessError):
            self.doc_b.version_ids.with_user(self.user_collaborator).read(["checksum"])

    def test_portal_and_plain_users_have_no_rpc_access(self):
        for user in (self.portal_a, self.user_internal):
            for model in (
                "crm.document",
                "crm.document.folder",
                "crm.document.share",
                "crm.document.share.log",
                "crm.document.request",
                "crm.document.version",
            ):
                with self.assertRaises(AccessError, msg=f"{user.login} {model}"):
                    self.env[model].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.doc_a.attachment_id.with_user(user).read(["datas"])

    # shares

    def test_share_token_password_and_cap(self):
        share = self._new_share(self.doc_a, password="s3cret!", max_downloads=2)
        share = share.with_user(self.user_collab_manager)
        self.assertTrue(share.url.startswith(share.get_base_url() + "/crm/share/"))
        token = self._token_of(share)
        self.assertGreaterEqual(len(token), 22)  # 192 bits in base64
        self.assertEqual(share.read(["password"])[0]["password"], "")
        self.assertTrue(share.has_password)
        self.env.cr.execute(
            "SELECT password_crypt, access_token_hash FROM crm_document_share "
            "WHERE id = %s",
            [share.id],
        )
        crypt, digest = self.env.cr.fetchone()
        self.assertNotIn("s3cret", crypt)
        self.assertTrue(crypt.startswith("$pbkdf2"))
        self.assertNotEqual(digest, token)
        self.assertTrue(share._check_password("s3cret!"))
        self.assertFalse(share._check_password("wrong"))
        self.assertEqual(self.env["crm.document.share"]._find_by_token(token), share)
        self.assertFalse(
            self.env["crm.document.share"]._find_by_token(token[:-1] + "x")
        )
        # regenerate: the old link dies
        share.action_regenerate()
        self.assertFalse(self.env["crm.document.share"]._find_by_token(token))
        self.assertTrue(
            self.env["crm.document.share"]._find_by_token(self._token_of(share))
        )
        # other internal users neither read the share nor its url
        with self.assertRaises(AccessError):
            share.with_user(self.user_collaborator).read(["url"])
        with self.assertRaises(AccessError):
            share.with_user(self.user_collaborator).url  # noqa: B018
        # the company maximum
        self.env.company.crm_document_share_max_days = 30
        with self.assertRaises(ValidationError):
            share.expiration_date = fields.Datetime.now() + timedelta(days=31)
        share.expiration_date = fields.Datetime.now() - timedelta(days=1)
        self.assertEqual(share.state, "expired")
        share.action_revoke()
        self.assertEqual(share.state, "revoked")
        self.assertEqual(
            self.env["crm.document.share"].search([("state", "=", "revoked")]), share
        )

    def test_share_scope_folder(self):
        share = self._new_share(folder=self.folder_a_secret)
        self.assertEqual(share._shared_documents(), self.doc_secret)
        share_a = self._new_share(folder=self.folder_a_contracts)
        self.assertEqual(share_a._shared_documents(), self.doc_a)
        with self.assertRaises(ValidationError):
            self._new_share()
        with self.assertRaises(AccessError):
            self._new_share(self.doc_secret).with_user(self.user_collaborator).read(
                ["name"]
            )
        with self.assertRaises(AccessError):
            self.env["crm.document.share"].with_user(self.user_collaborator).create(
                {
                    "document_ids": [(6, 0, self.doc_secret.ids)],
                    "expiration_date": fields.Datetime.now() + timedelta(days=1),
                }
            )

    def test_download_count_atomic_limit(self):
        share = self._new_share(self.doc_a, max_downloads=2)
        self.assertTrue(share._consume_download())
        self.assertTrue(share._consume_download())
        self.assertFalse(share._consume_download())
        self.assertEqual(share.download_count, 2)

    # filing and requests

    def test_file_attachments_of_a_lead(self):
        lead = self.env["crm.lead"].create(
            {"name": "Big deal", "partner_id": self.customer_a.id}
        )
        self.env["ir.attachment"].create(
            [
                {
                    "name": "spec.txt",
                    "raw": b"spec",
                    "res_model": "crm.lead",
                    "res_id": lead.id,
                },
                {
                    "name": "plan.txt",
                    "raw": b"plan",
                    "res_model": "crm.lead",
                    "res_id": lead.id,
                },
            ]
        )
        Filing = self.env["crm.document.filing"].with_user(self.user_collab_manager)
        action = Filing.action_file_attachments("crm.lead", lead.ids)
        self.assertEqual(action["type"], "ir.actions.client")
        documents = self.env["crm.document"].search(
            [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
        )
        self.assertEqual(sorted(documents.mapped("name")), ["plan.txt", "spec.txt"])
        self.assertEqual(documents.folder_id, self.workspace_a)
        Filing.action_file_attachments("crm.lead", lead.ids)
        self.assertEqual(
            self.env["crm.document"].search_count(
                [("res_model", "=", "crm.lead"), ("res_id", "=", lead.id)]
            ),
            2,
            "filing twice files nothing new",
        )
        with self.assertRaises(UserError):
            Filing.action_file_attachments("res.users", self.env.user.ids)
        with self.assertRaises(AccessError):
            self.env["crm.document.filing"].with_user(
                self.user_internal
            ).action_file_attachments("crm.lead", lead.ids)

    def test_request_receive_and_reminders(self):
        today = fields.Date.context_today(self.env["crm.document.request"])
        request = self.env["crm.document.request"].create(
            {
                "name": "Signed contract",
                "partner_id": self.customer_a.id,
                "due_date": today + timedelta(days=2),
                "user_id": self.user_collab_manager.id,
            }
        )
        self.assertIn("/crm/request/", request.url)
        late = self.env["crm.document.request"].create(
            {
                "name": "ID copy",
                "partner_id": self.customer_a.id,
                "due_date": today - timedelta(days=1),
            }
        )
        Request = self.env["crm.document.request"]
        Request._cron_send_reminders()
        self.assertTrue(request.reminded_before)
        self.assertFalse(request.reminded_after)
        self.assertTrue(late.reminded_after)
        self.assertEqual(len(request.activity_ids), 1)
        Request._cron_send_reminders()
        self.assertEqual(len(request.activity_ids), 1, "once")
        # a full batch wakes the job up for the rest of the backlog
        cron = self.env.ref("crm_collab.ir_cron_crm_document_request_reminders")
        Request.create(
            [
                {
                    "name": f"Late {i}",
                    "partner_id": self.customer_a.id,
                    "due_date": today - timedelta(days=1),
                }
                for i in range(2)
            ]
        )
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        Request._cron_send_reminders(batch_size=1)
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)
        document = request.sudo()._receive("signed.pdf", self.PDF)
        self.assertEqual(request.state, "done")
        self.assertEqual(request.document_id, document)
        self.assertEqual(document.folder_id, self.workspace_a)
        self.assertFalse(request.activity_ids)
        self.assertIn(
            self.user_collab_manager.partner_id, request.message_ids[:1].partner_ids
        )

    def test_actions_return_values(self):
        share = self._new_share(self.doc_a)
        for result in (
            share.action_revoke(),
            share.action_regenerate(),
            self.doc_a.action_lock(),
            self.doc_a.action_unlock(),
        ):
            self.assertTrue(result)

    def test_rpc_cannot_point_a_document_at_another_file(self):
        """attachment_id and versions are set by the document itself: given
        over RPC they could name any attachment, which a share would serve."""
        foreign = self.doc_b.attachment_id
        Document = self.env["crm.document"].with_user(self.user_collaborator)
        with self.assertRaises(UserError):
            self.doc_a.with_user(self.user_collaborator).write(
                {"attachment_id": foreign.id}
            )
        with self.assertRaises(UserError):
            Document.create(
                {
                    "name": "steal",
                    "folder_id": self.workspace_a.id,
                    "attachment_id": foreign.id,
                }
            )
        Version = self.env["crm.document.version"].with_user(self.user_collaborator)
        with self.assertRaises(UserError):
            Version.create({"document_id": self.doc_a.id, "attachment_id": foreign.id})
        self.doc_a._set_file(b"second")
        with self.assertRaises(UserError):
            self.doc_a.version_ids.with_user(self.user_collaborator).write(
                {"attachment_id": foreign.id}
            )
        # a share cannot be widened to what its owner does not read
        share = self._new_share(self.doc_a, user_id=self.user_collaborator.id)
        with self.assertRaises(AccessError):
            share.with_user(self.user_collaborator).write(
                {"document_ids": [(4, self.doc_secret.id)]}
            )
        # the stored hash decides, not has_password
        protected = self._new_share(self.doc_a, password="x-y-z")
        protected.sudo().has_password = False
        self.assertTrue(protected._password_required())

    def test_share_email_in_recipient_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        recipient = self.env["res.partner"].create(
            {"name": "Claire", "email": "claire@example.com", "lang": "fr_FR"}
        )
        share = self._new_share(self.doc_a, partner_id=recipient.id)
        template = self.env.ref("crm_collab.mail_template_crm_document_share")
        self.assertEqual(template._render_lang(share.ids)[share.id], "fr_FR")
        share.with_user(self.user_collab_manager).action_send_email()
        mail = self.env["mail.mail"].search(
            [("recipient_ids", "in", recipient.ids)], order="id desc", limit=1
        )
        self.assertIn(share.url, mail.body_html)
        share.action_revoke()
        with self.assertRaises(UserError):
            share.action_send_email()
        request = self.env["crm.document.request"].create(
            {"name": "ID", "partner_id": recipient.id}
        )
        self.assertTrue(request.action_send())
        mail = self.env["mail.mail"].search(
            [("recipient_ids", "in", recipient.ids)], order="id desc", limit=1
        )
        self.assertIn(request.url, mail.body_html)
