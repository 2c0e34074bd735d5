# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The public routes of share links and document requests.

A token is all a visitor has: it is looked up (by its digest, compared in
constant time) before anything else, every request re-checks the share's
state server-side, and what it unlocks is searched from the share itself
(``_shared_documents``), never from an id the visitor sends. The routes take
no CSRF token: they act on no session authority (the token in the address is
the capability) and scripts and mail clients post to them. They are not
``website`` routes: the address stays exactly the one shared (no language
prefix, no redirect); the page is in the visitor's language from the
browser's ``Accept-Language``."""

from odoo import http
from odoo.http import request

from ..engines.document_files import token_digest
from .utils import (
    count_failure,
    read_upload,
    render,
    retry_after,
    secure,
    stream_document,
)

UNLOCKED_KEY = "crm_document_shares_unlocked"
STATUS = {"expired": 410, "revoked": 410, "limit": 410, "not_found": 404}


class CrmDocumentShareController(http.Controller):
    # ------------------------------------------------------------
    # Share links
    # ------------------------------------------------------------

    @http.route(
        "/crm/share/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        sitemap=False,
    )
    def crm_share_page(self, token, password=None, **_kwargs):
        share, refusal = self._open_share(token, "view", password=password)
        if refusal:
            return refusal
        if password is not None and request.httprequest.method == "POST":
            # the password was right: the address bar keeps no form replay
            return secure(request.redirect(f"/crm/share/{token}", code=303))
        request.env["crm.document.share.log"]._log(share, "view", "ok")
        return self._render_share(share, token)

    @http.route(
        "/crm/share/<string:token>/download/<int:document_id>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        sitemap=False,
    )
    def crm_share_download(self, token, document_id, password=None, **_kwargs):
        share, refusal = self._open_share(token, "download", password=password)
        if refusal:
            return refusal
        Log = request.env["crm.document.share.log"]
        document = share._shared_documents().filtered(lambda d: d.id == document_id)
        if not document or not document.attachment_id:
            Log._log(share, "download", "not_found")
            return self._refuse(share, "not_found")
        if not share._consume_download():
            Log._log(share, "download", "limit", document=document)
            return self._refuse(share, "limit")
        Log._log(share, "download", "ok", document=document)
        return stream_document(document)

    @http.route(
        "/crm/share/<string:token>/upload",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        sitemap=False,
    )
    def crm_share_upload(self, token, password=None, **_kwargs):
        share, refusal = self._open_share(token, "upload", password=password)
        if refusal:
            return refusal
        Log = request.env["crm.document.share.log"]
        if not share.allow_upload:
            Log._log(share, "upload", "refused")
            return self._render_share(
                share,
                token,
                error=request.env._("This link does not accept files."),
                status=403,
            )
        upload = request.httprequest.files.get("file")
        name, content, error, status = read_upload(upload, share.company_id)
        if error:
            Log._log(share, "upload", "refused", file_name=name)
            return self._render_share(share, token, error=error, status=status)
        document = request.env["crm.document"]._create_from_upload(
            share._upload_folder(),
            name,
            content,
            owner=share.user_id,
            partner=share.partner_id,
        )
        Log._log(share, "upload", "ok", document=document, file_name=name)
        document.message_post(
            body=request.env._(
                "Uploaded through the share link %(share)s.", share=share.name
            ),
            partner_ids=share.user_id.partner_id.ids,
        )
        return self._render_share(
            share,
            token,
            message=request.env._("Thank you: %(name)s was received.", name=name),
        )

    # ------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------

    def _open_share(self, token, action, password=None):
        """``(share, None)`` when the visitor may use the share now, else
        ``(share or None, response)`` with the page that says why."""
        share = request.env["crm.document.share"]._find_by_token(token)
        if not share:
            return None, self._unknown_token()
        Log = request.env["crm.document.share.log"]
        state = share.state
        if state != "active":
            Log._log(share, action, state)
            return share, self._refuse(share, state)
        if share.max_downloads and share.download_count >= share.max_downloads:
            Log._log(share, action, "limit")
            return share, self._refuse(share, "limit")
        if share._password_required() and not self._is_unlocked(token):
            if password is None or request.httprequest.method != "POST":
                Log._log(share, action, "password_required")
                status = 200 if action == "view" else 403
                return share, render(
                    "crm_collab.crm_share_password", {"token": token}, status=status
                )
            wait = retry_after("password", share)
            if wait:
                Log._log(share, "password", "throttled")
                return share, self._throttled(wait)
            if not share._check_password(password):
                count_failure("password", share)
                Log._log(share, "password", "wrong_password")
                return share, render(
                    "crm_collab.crm_share_password",
                    {"token": token, "error": True},
                    status=403,
                )
            Log._log(share, "password", "ok")
            unlocked = list(request.session.get(UNLOCKED_KEY) or [])
            request.session[UNLOCKED_KEY] = (unlocked + [token_digest(token)])[-20:]
        return share, None

    def _unknown_token(self):
        """404 for a token that names nothing; a client guessing tokens is
        slowed down (429), while the valid links it has keep working."""
        wait = retry_after("token")
        if wait:
            return self._throttled(wait)
        count_failure("token")
        return render(
            "crm_collab.crm_share_refused", {"reason": "not_found"}, status=404
        )

    def _is_unlocked(self, token):
        return token_digest(token) in (request.session.get(UNLOCKED_KEY) or [])

    def _refuse(self, share, reason):
        return render(
            "crm_collab.crm_share_refused",
            {"reason": reason, "share": share},
            status=STATUS.get(reason, 403),
        )

    def _throttled(self, wait):
        response = render(
            "crm_collab.crm_share_refused",
            {"reason": "throttled", "wait": wait},
            status=429,
        )
        response.headers["Retry-After"] = str(wait)
        return response

    def _render_share(self, share, token, message=None, error=None, status=200):
        documents = share._shared_documents()
        return render(
            "crm_collab.crm_share_page",
            {
                "share": share,
                "token": token,
                "documents": documents,
                "message": message,
                "error": error,
            },
            status=status,
        )

    # ------------------------------------------------------------
    # Document requests
    # ------------------------------------------------------------

    @http.route(
        "/crm/request/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        sitemap=False,
    )
    def crm_document_request(self, token, **_kwargs):
        doc_request = request.env["crm.document.request"]._find_by_token(token)
        if not doc_request:
            return self._unknown_token()
        if doc_request.state != "pending":
            return render(
                "crm_collab.crm_document_request_page",
                {"doc_request": doc_request, "token": token, "closed": True},
                status=410,
            )
        values = {"doc_request": doc_request, "token": token}
        if request.httprequest.method == "POST":
            name, content, error, status = read_upload(
                request.httprequest.files.get("file"), doc_request.company_id
            )
            if error:
                return render(
                    "crm_collab.crm_document_request_page",
                    dict(values, error=error),
                    status=status,
                )
            doc_request._receive(name, content)
            values["received"] = name
        return render("crm_collab.crm_document_request_page", values)
