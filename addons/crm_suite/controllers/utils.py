# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the public and portal ticket routes share: the subject, customers'
uploads, the files a customer may see, and the rate limits."""

import io
import ipaddress

from odoo.exceptions import UserError
from odoo.http import request

from ..engines.attachment_size import MEGABYTE
from ..engines.ticket_subject import clean_subject
from ..tools import get_positive_param

MAX_FILES_PARAM = "crm_suite.ticket_attachment_max_files"
MAX_FILES_DEFAULT = 10
RATE_LIMIT_PARAM = "crm_suite.web_form_rate_limit"
RATE_LIMIT_DEFAULT = 5
RATE_LIMIT_PERIOD = 3600


def get_number_param(key, default):
    """The positive number of system parameter ``key``, else ``default``."""
    return get_positive_param(request.env, key, default)


def get_attachment_max_mb():
    """The per-file limit of ticket attachments, as the model enforces it."""
    return request.env["crm.ticket"]._get_attachment_max_bytes() / MEGABYTE


def form_subject(post, field="subject"):
    """The posted subject, cleaned by the ticket's one rule (empty when there
    is none: the form asks for one)."""
    return clean_subject(post.get(field))


def _upload_size(upload, content):
    """The whole size of an uploaded file, without reading it (its spooled
    stream is seekable); what was read when it is not."""
    try:
        position = upload.stream.tell()
        size = upload.stream.seek(0, io.SEEK_END)
        upload.stream.seek(position)
    except (AttributeError, OSError, ValueError):
        return len(content)
    return max(size, len(content))


def read_uploaded_files(files):
    """``[(file name, content)]`` of the uploaded ``files`` (empty file inputs
    skipped); a ``UserError`` when there are more than the limit of files per
    request or one is larger than the ticket's limit."""
    Ticket = request.env["crm.ticket"]
    files = [upload for upload in files if upload and upload.filename]
    max_files = int(get_number_param(MAX_FILES_PARAM, MAX_FILES_DEFAULT))
    if len(files) > max_files:
        raise UserError(
            request.env._(
                "You sent %(count)s files: send up to %(limit)s files at once "
                "(put the others in an archive, or send them in a reply).",
                count=len(files),
                limit=max_files,
            )
        )
    max_bytes = Ticket._get_attachment_max_bytes()
    uploads = []
    for upload in files:
        # one byte past the limit is enough to know: a huge file is not read
        content = upload.read(max_bytes + 1)
        Ticket._check_attachment_sizes(
            [(upload.filename, _upload_size(upload, content))]
        )
        if content:
            uploads.append((upload.filename, content))
    return uploads


def attach_files(ticket_sudo, uploads):
    """Attach ``uploads`` (from :func:`read_uploaded_files`) to a ticket that
    this request has just created, on a public message of its customer (the
    customer sees on the portal the files of public messages only)."""
    if not uploads:
        return request.env["ir.attachment"]
    # sudo: customers (portal or public) may not post with attachments on a
    # ticket; the ticket was created by this very request and the files passed
    # the size check. The attachments of tickets store HTML and SVG as plain
    # text (models/ir_attachment.py).
    message = ticket_sudo.with_context(crm_ticket_system_message=True).message_post(
        body=request.env._("Files sent with the request."),
        attachments=uploads,
        author_id=ticket_sudo.partner_id.id,
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
    )
    return message.attachment_ids


def public_attachments(ticket_sudo):
    """The files a customer may see of a ticket: those of its public messages
    (comments and emails of a public subtype), never those of internal notes
    nor those an agent attached to the record itself."""
    return ticket_sudo._get_portal_attachments()


def client_address():
    """The client's address, as the rate limits count it: an IPv6 address by
    its /64 network (what one subscriber gets).

    ``remote_addr`` is the peer of the connection; Odoo's ProxyFix replaces it
    by the last proxy's ``X-Forwarded-For`` entry only in ``proxy_mode``, so a
    client's own header is never trusted without a proxy that sets it."""
    raw = request.httprequest.remote_addr or ""
    try:
        address = ipaddress.ip_address(raw.split("%")[0])
    except ValueError:
        return raw or "unknown"
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def rate_limit_hit(key):
    """Count a post for ``key``; False over ``crm_suite.web_form_rate_limit``
    posts in the last hour."""
    limit = int(get_number_param(RATE_LIMIT_PARAM, RATE_LIMIT_DEFAULT))
    # sudo: the counters are technical records visitors have no access to
    return (
        request.env["crm.suite.rate.limit"].sudo()._hit(key, limit, RATE_LIMIT_PERIOD)
    )
