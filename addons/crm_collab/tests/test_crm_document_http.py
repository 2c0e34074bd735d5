# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The share, request and portal routes, as the attacker uses them."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import CrmDocumentFixturesMixin

PERIOD = 60


@tagged("post_install", "-at_install")
class TestCrmDocumentRoutes(CrmDocumentFixturesMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_crm_documents()
        cls.folder_a_secret.portal_visible = False

    def setUp(self):
        super().setUp()
        self.clock = self._freeze_rate_limit()

    def _get(self, url, **kwargs):
        return self.url_open(url, allow_redirects=False, **kwargs)

    def _post_public(self, url, data=None, files=None):
        return self.url_open(url, data=data or {}, files=files, allow_redirects=False)

    def _assert_attachment(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            response.headers["Content-Disposition"].startswith("attachment"),
            response.headers["Content-Disposition"],
        )
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        kind = response.headers["Content-Type"]
        for active in ("html", "svg", "xml", "javascript"):
            self.assertNotIn(active, kind)

    def _logs(self, share):
        self.env.invalidate_all()
        return share.log_ids

    def test_token_unlocks_only_what_it_shares(self):
        share = self._new_share(self.doc_a)
        token = self._token_of(share)
        page = self._get(f"/crm/share/{token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("contract-a.pdf", page.text)
        self.assertNotIn("notes-a.txt", page.text)
        self.assertEqual(page.headers["Referrer-Policy"], "no-referrer")
        self.assertIn("noindex", page.headers["X-Robots-Tag"])
        response = self._get(f"/crm/share/{token}/download/{self.doc_a.id}")
        self._assert_attachment(response)
        self.assertEqual(response.content, self.PDF)
        # siblings, other customers, restricted folders, version and attachment ids
        self.doc_a.datas = __import__("base64").b64encode(b"%PDF-1.4 v2")
        old_attachment = self.doc_a.version_ids.attachment_id
        for other_id in (
            self.doc_a2.id,
            self.doc_b.id,
            self.doc_secret.id,
            old_attachment.id,
            self.doc_a.version_ids.id,
            self.doc_a.attachment_id.id,
            999999,
        ):
            if other_id == self.doc_a.id:
                continue
            response = self._get(f"/crm/share/{token}/download/{other_id}")
            self.assertEqual(response.status_code, 404, other_id)
            self.assertNotIn(b"beta only", response.content)
        # Odoo's own file routes refuse the visitor (/web/image answers with
        # its placeholder picture)
        for url, content in (
            (f"/web/content/{self.doc_a.attachment_id.id}", b"%PDF-1.4 v2"),
            (f"/web/content/{old_attachment.id}", self.PDF),
            (f"/web/image/{self.doc_b.attachment_id.id}", b"beta only"),
            (f"/web/content/crm.document/{self.doc_a.id}/datas", b"%PDF-1.4 v2"),
        ):
            response = self._get(url)
            self.assertNotEqual(response.content, content, url)
            self.assertNotIn(
                "attachment", response.headers.get("Content-Disposition", "")
            )
        # a bad token is not found, whatever its shape
        for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 300, "1"):
            self.assertEqual(self._get(f"/crm/share/{bad}").status_code, 404)
        self.assertEqual(
            self._get(f"/crm/share/{token[:-2]}/download/{self.doc_a.id}").status_code,
            404,
        )

    def test_folder_share_never_reaches_parent_or_sibling(self):
        share = self._new_share(folder=self.folder_a_secret)
        token = self._token_of(share)
        self._assert_attachment(
            self._get(f"/crm/share/{token}/download/{self.doc_secret.id}")
        )
        for other in (self.doc_a, self.doc_a2, self.doc_b):
            self.assertEqual(
                self._get(f"/crm/share/{token}/download/{other.id}").status_code, 404
            )
        share.action_revoke()
        late = self._new_document("added-later.txt", self.folder_a_secret, b"late")
        for url in (
            f"/crm/share/{token}",
            f"/crm/share/{token}/download/{late.id}",
            f"/crm/share/{token}/download/{self.doc_secret.id}",
        ):
            response = self._get(url)
            self.assertEqual(response.status_code, 410, url)
            self.assertIn("revoked", response.text)

    def test_expired_and_over_limit(self):
        share = self._new_share(self.doc_a, max_downloads=1)
        token = self._token_of(share)
        self.assertEqual(self._get(f"/crm/share/{token}").status_code, 200)
        self._assert_attachment(
            self._get(f"/crm/share/{token}/download/{self.doc_a.id}")
        )
        response = self._get(f"/crm/share/{token}/download/{self.doc_a.id}")
        self.assertEqual(response.status_code, 410)
        self.assertIn("download limit", response.text)
        self.assertEqual(self._get(f"/crm/share/{token}").status_code, 410)
        self.env.invalidate_all()
        self.assertEqual(share.download_count, 1, "only served downloads count")
        outcomes = self._logs(share).mapped("outcome")
        self.assertEqual(outcomes.count("ok"), 2)
        self.assertIn("limit", outcomes)
        self.assertTrue(all(self._logs(share).mapped("ip_address")))

        expired = self._new_share(self.doc_a)
        expired.expiration_date = fields.Datetime.now() - timedelta(minutes=1)
        token = self._token_of(expired)
        for url in (
            f"/crm/share/{token}",
            f"/crm/share/{token}/download/{self.doc_a.id}",
        ):
            response = self._get(url)
            self.assertEqual(response.status_code, 410)
            self.assertIn("expired", response.text)
        self.env.invalidate_all()
        self.assertEqual(expired.download_count, 0)

    def test_refusal_page_in_the_visitor_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        view = self.env.ref("crm_collab.crm_share_refused")
        view.update_field_translations(
            "arch_db", {"fr_FR": {"This link has expired": "Ce lien a expiré"}}
        )
        share = self._new_share(self.doc_a)
        share.expiration_date = fields.Datetime.now() - timedelta(minutes=1)
        url = f"/crm/share/{self._token_of(share)}"
        french = self._get(url, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
        self.assertEqual(french.status_code, 410, french.headers.get("Location"))
        self.assertIn("Ce lien a expiré", french.text)
        self.opener.cookies.clear()
        english = self._get(url, headers={"Accept-Language": "en-US"})
        self.assertIn("This link has expired", english.text)

    def test_wrong_passwords_throttled_then_right_one_works(self):
        share = self._new_share(self.doc_a, password="open sesame")
        token = self._token_of(share)
        page = self._get(f"/crm/share/{token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn('name="password"', page.text)
        self.assertNotIn("contract-a.pdf", page.text)
        self.assertEqual(
            self._get(f"/crm/share/{token}/download/{self.doc_a.id}").status_code, 403
        )
        for _attempt in range(5):
            response = self._post_public(f"/crm/share/{token}", {"password": "guess"})
            self.assertEqual(response.status_code, 403)
            self.assertIn("Wrong password", response.text)
        # over the limit even the right password waits
        response = self._post_public(f"/crm/share/{token}", {"password": "open sesame"})
        self.assertEqual(response.status_code, 429)
        self.assertGreater(int(response.headers["Retry-After"]), 0)
        # the typos lock this link only: another one from the same address opens
        other = self._new_share(self.doc_a, password="other door")
        response = self._post_public(
            f"/crm/share/{self._token_of(other)}", {"password": "other door"}
        )
        self.assertEqual(response.status_code, 303)
        # after the wait the right password works
        self.clock.time.return_value += PERIOD + 1
        response = self._post_public(f"/crm/share/{token}", {"password": "open sesame"})
        self.assertEqual(response.status_code, 303)
        page = self._get(f"/crm/share/{token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("contract-a.pdf", page.text)
        self._assert_attachment(
            self._get(f"/crm/share/{token}/download/{self.doc_a.id}")
        )
        outcomes = self._logs(share).mapped("outcome")
        self.assertEqual(outcomes.count("wrong_password"), 5)
        self.assertIn("throttled", outcomes)

    def test_uploads_never_inline_names_stay_names(self):
        share = self._new_share(folder=self.folder_a_contracts, allow_upload=True)
        token = self._token_of(share)
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        html = b"<html><body><script>alert(document.cookie)</script></body></html>"
        for name, content in (
            ("evil.svg", svg),
            ("evil.html", html),
            ("../../../x.txt", b"traversal"),
            ("/etc/passwd", b"absolute"),
        ):
            response = self._post_public(
                f"/crm/share/{token}/upload", files={"file": (name, content)}
            )
            self.assertEqual(response.status_code, 200, name)
            document = self.env["crm.document"].search(
                [("name", "=", name), ("folder_id", "=", self.folder_a_contracts.id)]
            )
            self.assertEqual(len(document), 1, name)
            self.assertEqual(document.attachment_id.raw, content)
            self.assertNotIn("html", document.mimetype)
            self.assertNotIn("svg", document.mimetype)
            download = self._get(f"/crm/share/{token}/download/{document.id}")
            self._assert_attachment(download)
            self.assertEqual(download.content, content)
        self.assertEqual(
            self._logs(share)
            .filtered(lambda log: log.action == "upload")
            .mapped("outcome"),
            ["ok"] * 4,
        )
        # forbidden extensions and sizes
        response = self._post_public(
            f"/crm/share/{token}/upload", files={"file": ("run.pdf.exe", b"MZ")}
        )
        self.assertEqual(response.status_code, 400)
        self.env.company.crm_document_upload_max_mb = 1
        response = self._post_public(
            f"/crm/share/{token}/upload",
            files={"file": ("big.bin", b"0" * (1024 * 1024 + 1))},
        )
        self.assertEqual(response.status_code, 413)
        # a read-only link takes no file
        read_only = self._new_share(self.doc_a)
        response = self._post_public(
            f"/crm/share/{self._token_of(read_only)}/upload",
            files={"file": ("a.txt", b"a")},
        )
        self.assertEqual(response.status_code, 403)

    def test_token_guessing_throttled_valid_links_still_work(self):
        share = self._new_share(self.doc_a)
        token = self._token_of(share)
        statuses = [
            self._get(f"/crm/share/guess{index:027d}").status_code
            for index in range(31)
        ]
        self.assertEqual(statuses[:30], [404] * 30)
        self.assertEqual(statuses[30], 429)
        self.assertEqual(self._get(f"/crm/share/{token}").status_code, 200)
        self.clock.time.return_value += PERIOD + 1
        self.assertEqual(self._get(f"/crm/share/guess{0:027d}").status_code, 404)

    def test_request_link_upload(self):
        request = self.env["crm.document.request"].create(
            {
                "name": "Signed offer",
                "partner_id": self.customer_b.id,
                "user_id": self.user_collab_manager.id,
            }
        )
        token = request.url.rsplit("/", 1)[1]
        self.assertEqual(self._get(f"/crm/request/{token}").status_code, 200)
        response = self._post_public(
            f"/crm/request/{token}", files={"file": ("signed.pdf", self.PDF)}
        )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(request.state, "done")
        self.assertEqual(request.document_id.folder_id, self.workspace_b)
        self.assertEqual(self._get(f"/crm/request/{token}").status_code, 410)
        self.assertEqual(self._get(f"/crm/request/{token[:-3]}abc").status_code, 404)

    def test_portal_request_upload_by_own_customer_only(self):
        request = self.env["crm.document.request"].create(
            {"name": "Signed offer", "partner_id": self.customer_a.id}
        )
        self.authenticate(self.portal_b.login, self.portal_b.login)
        response = self._post(
            f"/my/documents/request/{request.id}/upload",
            files={"file": ("b.pdf", self.PDF)},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        self.authenticate(self.portal_a.login, self.portal_a.login)
        self.assertIn("Signed offer", self._get("/my/documents").text)
        response = self._post(
            f"/my/documents/request/{request.id}/upload",
            files={"file": ("a.pdf", self.PDF)},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.env.invalidate_all()
        self.assertEqual(request.state, "done")
        self.assertEqual(request.document_id.name, "a.pdf")
        self.assertEqual(request.document_id.folder_id, self.workspace_a)

    def test_portal_customers_see_only_their_own(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self._get("/my/documents")
        self.assertEqual(page.status_code, 200)
        self.assertIn("contract-a.pdf", page.text)
        self.assertNotIn("contract-b.txt", page.text)
        self.assertNotIn("minutes.txt", page.text, "folder not on the portal")
        self._assert_attachment(self._get(f"/my/documents/{self.doc_a.id}/download"))
        for other in (self.doc_b, self.doc_secret):
            response = self._get(f"/my/documents/{other.id}/download")
            self.assertEqual(response.status_code, 404, other.name)
        for url in (
            f"/web/content/{self.doc_b.attachment_id.id}",
            f"/web/content/{self.doc_a.attachment_id.id}",
        ):
            self.assertNotEqual(self._get(url).status_code, 200, url)
        home = self.url_open("/my/home")
        self.assertIn("/my/documents", home.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["crm_document_count"]}
        )
        self.assertEqual(counters["crm_document_count"], 2)
        self.authenticate(self.portal_b.login, self.portal_b.login)
        self._assert_attachment(self._get(f"/my/documents/{self.doc_b.id}/download"))
        self.assertEqual(
            self._get(f"/my/documents/{self.doc_a.id}/download").status_code, 404
        )
