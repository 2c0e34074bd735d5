# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the share, request and portal routes of customer documents share:
headers, throttling, uploads and streaming."""

from odoo.http import request

from odoo.addons.crm_suite.controllers.utils import client_address
from odoo.addons.crm_suite.tools import get_param, get_positive_param

from ..engines.document_files import (
    DEFAULT_FORBIDDEN_EXTENSIONS,
    clean_file_name,
    is_active_mimetype,
    is_forbidden,
    parse_extensions,
)

MEGABYTE = 1024 * 1024
PASSWORD_ATTEMPTS_PARAM = "crm_collab.share_password_attempts"
PASSWORD_PERIOD_PARAM = "crm_collab.share_password_period"
TOKEN_ATTEMPTS_PARAM = "crm_collab.share_token_attempts"
FORBIDDEN_PARAM = "crm_collab.document_forbidden_extensions"

SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def secure(response):
    """``response`` with the headers every share page and file carries."""
    for header, value in SECURITY_HEADERS.items():
        response.headers[header] = value
    return response


def render(template, values, status=200):
    return secure(request.render(template, values, status=status))


def _limits(kind):
    period = int(get_positive_param(request.env, PASSWORD_PERIOD_PARAM, 60))
    if kind == "password":
        return int(get_positive_param(request.env, PASSWORD_ATTEMPTS_PARAM, 5)), period
    return int(get_positive_param(request.env, TOKEN_ATTEMPTS_PARAM, 30)), period


def _limiter():
    # sudo: the counters are technical records visitors have no access to
    return request.env["crm.suite.rate.limit"].sudo()


def _key(kind, share):
    # wrong passwords count per share and address: a visitor locked out of one
    # link by its typos can still open the others it was given
    scope = f":{share.id}" if share else ""
    return f"crm_share_{kind}{scope}:{client_address()}"


def retry_after(kind, share=None):
    """Seconds this client must wait before trying ``kind`` (on ``share``)
    again (0: now)."""
    limit, period = _limits(kind)
    return _limiter()._retry_after(_key(kind, share), limit, period)


def count_failure(kind, share=None):
    """Count a failed attempt (wrong password on ``share``, unknown token) of
    this client."""
    limit, period = _limits(kind)
    _limiter()._hit(_key(kind, share), limit, period)


def forbidden_extensions():
    return parse_extensions(
        get_param(request.env, FORBIDDEN_PARAM) or DEFAULT_FORBIDDEN_EXTENSIONS
    )


def read_upload(upload, company):
    """``(name, content, error, status)`` of an uploaded file: the name as a
    plain string, the content read up to one byte past the company's limit (a
    huge file is never read whole); when it is refused, the error text and
    the HTTP status to answer with (content None)."""
    env = request.env
    if not upload or not upload.filename:
        return None, None, env._("Choose a file to upload."), 400
    name = clean_file_name(upload.filename)
    if is_forbidden(name, forbidden_extensions()):
        return name, None, env._("Files of this type cannot be uploaded."), 400
    max_bytes = max(company.crm_document_upload_max_mb, 1) * MEGABYTE
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        error = env._(
            "The file is larger than %(limit)s MB: send a smaller one.",
            limit=company.crm_document_upload_max_mb,
        )
        return name, None, error, 413
    if not content:
        return name, None, env._("The file is empty."), 400
    return name, content, None, 200


def stream_document(document_sudo):
    """A download of the document's current file, streamed from the
    filestore, always as an attachment; active types as plain bytes."""
    attachment = document_sudo.attachment_id
    mimetype = attachment.mimetype or "application/octet-stream"
    if is_active_mimetype(mimetype):
        mimetype = "application/octet-stream"
    stream = request.env["ir.binary"]._get_stream_from(
        attachment,
        "raw",
        filename=clean_file_name(document_sudo.name),
        mimetype=mimetype,
    )
    stream.as_attachment = True
    response = stream.get_response(as_attachment=True)
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return secure(response)
