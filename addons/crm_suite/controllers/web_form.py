# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from urllib.parse import urlencode

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import plaintext2html

from ..tools import normalize_customer_email
from .utils import (
    attach_files,
    client_address,
    form_subject,
    get_attachment_max_mb,
    rate_limit_hit,
    read_uploaded_files,
)

_logger = logging.getLogger(__name__)

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
        form["subject"] = form_subject(post)
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

    @http.route(
        "/support/ticket/<int:ticket_id>/confirm",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def crm_ticket_web_form_confirm(self, ticket_id, token=None, **_kw):
        """The signed link of a web form's acknowledgement: its owner attaches
        the ticket to their existing account, or has an agent do it. Asked
        first (a GET changes nothing: mail scanners open links), done on the
        posted form."""
        # sudo: visitors have no rights on tickets; the token, checked below
        # against this very ticket, is the only key
        ticket_sudo = request.env["crm.ticket"].sudo().browse(ticket_id).exists()
        values = {"state": "invalid", "ticket_number": False}
        if not ticket_sudo or not ticket_sudo._web_form_check_token(token):
            return request.render(
                "crm_suite.crm_ticket_web_form_confirm", values, status=404
            )
        values["ticket_number"] = ticket_sudo.number
        if request.httprequest.method != "POST":
            path = f"/support/ticket/{ticket_sudo.id}/confirm"
            login_url = False
            if request.env.user._is_public():
                # back to this very page once logged in
                redirect = f"{path}?{urlencode({'token': token})}"
                login_url = f"/web/login?{urlencode({'redirect': redirect})}"
            values.update(
                state="ask",
                token=token,
                action=path,
                will_attach=bool(ticket_sudo._web_form_existing_customer()),
                login_url=login_url,
            )
            return request.render("crm_suite.crm_ticket_web_form_confirm", values)
        state = ticket_sudo._web_form_confirm(token)
        if not state:
            return request.render(
                "crm_suite.crm_ticket_web_form_confirm", values, status=404
            )
        values["state"] = state
        return request.render("crm_suite.crm_ticket_web_form_confirm", values)

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
        """Count a submission from the client's address (an IPv6 one by its
        /64); False over the limit."""
        return rate_limit_hit(f"ticket_form:{client_address()}")

    def _crm_ticket_web_form_validate(self, form):
        errors = {}
        if not form["name"]:
            errors["name"] = request.env._("Enter your name.")
        if not form["email"]:
            errors["email"] = request.env._(
                "Enter your email address: we answer you there."
            )
        elif not normalize_customer_email(form["email"]):
            errors["email"] = request.env._(
                "%(email)s is not a valid email address.", email=form["email"]
            )
        if not form["subject"]:
            errors["subject"] = request.env._(
                "Enter a subject: say in a few words what is wrong."
            )
        return errors

    def _crm_ticket_web_form_create(self, form, uploads):
        """The ticket of the posted form, on a contact of its own.

        An email address typed in a public form proves nothing: the ticket is
        never put on the existing customer of that address (their portal,
        their leads' scores), but on a new contact with the typed name and
        address. A logged-in user writing with their own address is the one
        exception. The acknowledgement sent to the address carries a signed
        link with which its owner attaches the ticket to their account; an
        agent may also merge the two contacts."""
        user = request.env.user
        email = normalize_customer_email(form["email"])
        with request.env.cr.savepoint():
            if not user._is_public() and user.partner_id.email_normalized == email:
                partner = user.partner_id
            else:
                # sudo: visitors may not create contacts; this one only
                # carries the name and address they typed, linked to nobody
                partner = (
                    request.env["res.partner"]
                    .sudo()
                    .create({"name": form["name"], "email": email})
                )
            # sudo: visitors have no rights on tickets; only the checked
            # values of the form go in (every other posted field is ignored)
            ticket_sudo = (
                request.env["crm.ticket"]
                .sudo()
                .create(
                    {
                        "name": form["subject"],
                        "description": plaintext2html(form["description"])
                        if form["description"]
                        else False,
                        "channel": "web_form",
                        "partner_id": partner.id,
                    }
                )
            )
            attach_files(ticket_sudo, uploads)
        return ticket_sudo
