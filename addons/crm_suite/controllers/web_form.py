# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import email_normalize, plaintext2html

from .portal import (
    attach_files,
    get_attachment_max_mb,
    get_number_param,
    read_uploaded_files,
)

_logger = logging.getLogger(__name__)

RATE_LIMIT_PARAM = "crm_suite.web_form_rate_limit"
RATE_LIMIT_DEFAULT = 5
RATE_LIMIT_PERIOD = 3600
# a field people do not see: only robots fill it
HONEYPOT_FIELD = "website_url_confirm"
FORM_FIELDS = ("name", "email", "subject", "description")


class CrmTicketWebForm(http.Controller):
    @http.route(
        "/support/ticket",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def crm_ticket_web_form(self, **post):
        if request.httprequest.method != "POST":
            return self._crm_ticket_web_form_render(
                self._crm_ticket_web_form_defaults()
            )
        if not self._crm_ticket_web_form_hit():
            return request.render(
                "crm_suite.crm_ticket_web_form_limited", {}, status=429
            )
        if post.get(HONEYPOT_FIELD):
            # told it succeeded, so that it does not try another way
            _logger.info(
                "Ticket web form: spam trap filled from %s, nothing created",
                request.httprequest.remote_addr,
            )
            return request.render(
                "crm_suite.crm_ticket_web_form_thanks", {"ticket_number": False}
            )
        form = {field: (post.get(field) or "").strip() for field in FORM_FIELDS}
        errors = self._crm_ticket_web_form_validate(form)
        uploads = []
        try:
            uploads = read_uploaded_files(
                request.httprequest.files.getlist("attachments")
            )
        except UserError as error:
            errors["attachments"] = error.args[0]
        if not errors:
            try:
                ticket_sudo = self._crm_ticket_web_form_create(form, uploads)
            except (UserError, ValidationError) as error:
                errors["common"] = error.args[0]
        if errors:
            return self._crm_ticket_web_form_render(form, errors)
        return request.render(
            "crm_suite.crm_ticket_web_form_thanks",
            {"ticket_number": ticket_sudo.number},
        )

    def _crm_ticket_web_form_defaults(self):
        user = request.env.user
        if user._is_public():
            return {}
        return {"name": user.partner_id.name, "email": user.partner_id.email}

    def _crm_ticket_web_form_render(self, form, errors=None):
        return request.render(
            "crm_suite.crm_ticket_web_form",
            {
                "form": form,
                "errors": errors or {},
                "attachment_max_mb": f"{get_attachment_max_mb():g}",
            },
        )

    def _crm_ticket_web_form_hit(self):
        """Count a submission from the client's address; False over the limit."""
        ip = request.httprequest.remote_addr or "unknown"
        limit = int(get_number_param(RATE_LIMIT_PARAM, RATE_LIMIT_DEFAULT))
        # sudo: the counters are technical records visitors have no access to
        return (
            request.env["crm.suite.rate.limit"]
            .sudo()
            ._hit(f"ticket_form:{ip}", limit, RATE_LIMIT_PERIOD)
        )

    def _crm_ticket_web_form_validate(self, form):
        errors = {}
        if not form["name"]:
            errors["name"] = request.env._("Enter your name.")
        if not form["email"]:
            errors["email"] = request.env._(
                "Enter your email address: we answer you there."
            )
        elif not email_normalize(form["email"]):
            errors["email"] = request.env._(
                "%(email)s is not a valid email address.", email=form["email"]
            )
        if not form["subject"]:
            errors["subject"] = request.env._(
                "Enter a subject: say in a few words what is wrong."
            )
        return errors

    def _crm_ticket_web_form_create(self, form, uploads):
        user = request.env.user
        email = email_normalize(form["email"])
        vals = {
            "name": form["subject"],
            "description": plaintext2html(form["description"])
            if form["description"]
            else False,
            "channel": "web_form",
            "partner_name": form["name"],
            "partner_email": email,
        }
        if not user._is_public() and user.partner_id.email_normalized == email:
            vals["partner_id"] = user.partner_id.id
        with request.env.cr.savepoint():
            # sudo: visitors have no rights on tickets; only the typed values
            # go in, the model finds or creates the contact by its email and
            # acknowledges the ticket to that address
            ticket_sudo = request.env["crm.ticket"].sudo().create(vals)
            attach_files(ticket_sudo, uploads)
        return ticket_sudo
