# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .utils import read_upload, render, stream_document


class CrmDocumentCustomerPortal(CustomerPortal):
    """``/my/documents``: the documents of the portal user's commercial entity
    in folders visible on the portal. Portal users have no access right on
    documents: every read here is a sudo search bound to that domain, and a
    download by id is searched within it, so another customer's id is not
    found."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "crm_document_count" in counters:
            # sudo: portal users have no right on documents; the domain is theirs
            values["crm_document_count"] = (
                request.env["crm.document"]
                .sudo()
                .search_count(self._crm_documents_domain())
            )
        return values

    def _crm_documents_domain(self):
        commercial = request.env.user.commercial_partner_id
        return [
            ("active", "=", True),
            ("folder_id.active", "=", True),
            ("folder_id.portal_visible", "=", True),
            ("folder_id.partner_id", "child_of", commercial.id),
            ("partner_id", "child_of", commercial.id),
        ]

    def _crm_requests_domain(self):
        commercial = request.env.user.commercial_partner_id
        return [("state", "=", "pending"), ("partner_id", "child_of", commercial.id)]

    @http.route("/my/documents", type="http", auth="user", website=True, sitemap=False)
    def portal_my_crm_documents(self, upload_error=None, **_kwargs):
        # sudo: the portal user's own entity's documents (the domain says so)
        Document = request.env["crm.document"].sudo()
        documents = Document.search(
            self._crm_documents_domain(), order="folder_id, name, id", limit=500
        )
        # sudo: the requests addressed to the user's entity
        requests = (
            request.env["crm.document.request"]
            .sudo()
            .search(self._crm_requests_domain(), order="due_date, id")
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "crm_documents",
                "documents": documents,
                "folders": documents.folder_id,
                "doc_requests": requests,
                "upload_error": bool(upload_error),
            }
        )
        return render("crm_collab.portal_my_crm_documents", values)

    @http.route(
        "/my/documents/<int:document_id>/download",
        type="http",
        auth="user",
        sitemap=False,
    )
    def portal_my_crm_document_download(self, document_id, **_kwargs):
        # sudo: searched within the user's entity's portal documents only
        document = (
            request.env["crm.document"]
            .sudo()
            .search(self._crm_documents_domain() + [("id", "=", document_id)], limit=1)
        )
        if not document or not document.attachment_id:
            raise request.not_found()
        return stream_document(document)

    @http.route(
        "/my/documents/request/<int:request_id>/upload",
        type="http",
        auth="user",
        methods=["POST"],
        sitemap=False,
    )
    def portal_my_crm_document_request_upload(self, request_id, **_kwargs):
        # sudo: searched within the requests addressed to the user's entity
        doc_request = (
            request.env["crm.document.request"]
            .sudo()
            .search(self._crm_requests_domain() + [("id", "=", request_id)], limit=1)
        )
        if not doc_request:
            raise request.not_found()
        name, content, error, _status = read_upload(
            request.httprequest.files.get("file"), doc_request.company_id
        )
        if error:
            return request.redirect("/my/documents?upload_error=1")
        doc_request._receive(name, content)
        return request.redirect("/my/documents")
