# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from urllib.parse import urlencode

from werkzeug.exceptions import Forbidden, NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from .utils import (
    attach_files,
    form_subject,
    get_attachment_max_mb,
    public_attachments,
    rate_limit_hit,
    read_uploaded_files,
)


class CrmTicketCustomerPortal(CustomerPortal):
    _crm_ticket_history = "my_crm_tickets_history"

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "crm_ticket_count" in counters:
            Ticket = request.env["crm.ticket"]
            values["crm_ticket_count"] = (
                Ticket.search_count(self._prepare_crm_tickets_domain())
                if Ticket.has_access("read")
                else 0
            )
        return values

    # ------------------------------------------------------------
    # List
    # ------------------------------------------------------------

    def _prepare_crm_tickets_domain(self):
        """The tickets of the user's commercial entity. The record rules say
        the same for portal users; an employee sees here the tickets they
        opened as a customer, not the whole helpdesk."""
        return [
            ("commercial_partner_id", "=", request.env.user.commercial_partner_id.id)
        ]

    def _crm_ticket_get_searchbar_sortings(self):
        return {
            "date": {
                "label": request.env._("Newest"),
                "order": "create_date desc, id desc",
            },
            "priority": {
                "label": request.env._("Priority"),
                "order": "priority desc, create_date desc, id desc",
            },
            "stage": {
                "label": request.env._("Stage"),
                "order": "stage_id, create_date desc, id desc",
            },
        }

    def _crm_ticket_get_searchbar_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {
                "label": request.env._("Open"),
                "domain": [("is_closed", "=", False)],
            },
            "closed": {
                "label": request.env._("Closed"),
                "domain": [("is_closed", "=", True)],
            },
        }

    def _crm_ticket_get_searchbar_inputs(self):
        return {
            "all": {"input": "all", "label": request.env._("Search in All")},
            "number": {"input": "number", "label": request.env._("Search in Number")},
            "name": {"input": "name", "label": request.env._("Search in Subject")},
            "description": {
                "input": "description",
                "label": request.env._("Search in Description"),
            },
        }

    def _crm_ticket_get_search_domain(self, search_in, search):
        fields = {
            "number": ["number"],
            "name": ["name"],
            "description": ["description"],
        }.get(search_in, ["number", "name", "description"])
        return expression.OR([[(field, "ilike", search)] for field in fields])

    @http.route(
        ["/my/tickets", "/my/tickets/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_crm_tickets(
        self, page=1, sortby=None, filterby=None, search=None, search_in="all", **_kw
    ):
        values = self._prepare_portal_layout_values()
        Ticket = request.env["crm.ticket"]
        sortings = self._crm_ticket_get_searchbar_sortings()
        filters = self._crm_ticket_get_searchbar_filters()
        inputs = self._crm_ticket_get_searchbar_inputs()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        search_in = search_in if search_in in inputs else "all"

        # as the user: the record rules keep a customer within their company
        domain = expression.AND(
            [self._prepare_crm_tickets_domain(), filters[filterby]["domain"]]
        )
        if search:
            domain = expression.AND(
                [domain, self._crm_ticket_get_search_domain(search_in, search)]
            )
        can_read = Ticket.has_access("read")
        pager = portal_pager(
            url="/my/tickets",
            url_args={
                "sortby": sortby,
                "filterby": filterby,
                "search": search,
                "search_in": search_in,
            },
            total=Ticket.search_count(domain) if can_read else 0,
            page=page,
            step=self._items_per_page,
        )
        tickets = (
            Ticket.search(
                domain,
                order=sortings[sortby]["order"],
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            if can_read
            else Ticket
        )
        request.session[self._crm_ticket_history] = tickets.ids[:100]
        values.update(
            {
                "tickets": tickets,
                "page_name": "crm_tickets",
                "default_url": "/my/tickets",
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
                "searchbar_inputs": inputs,
                "search_in": search_in,
                "search": search,
            }
        )
        return request.render("crm_suite.portal_my_crm_tickets", values)

    # ------------------------------------------------------------
    # Ticket page
    # ------------------------------------------------------------

    def _crm_ticket_url(self, ticket, access_token=None, **params):
        if access_token:
            params["access_token"] = access_token
        url = f"/my/tickets/{ticket.id}"
        return f"{url}?{urlencode(params)}" if params else url

    def _crm_ticket_get_attachments(self, ticket_sudo):
        """The files of the ticket's public messages: never those of internal
        notes, nor those an agent attached to the record itself."""
        return public_attachments(ticket_sudo)

    def _crm_ticket_can_close(self, ticket_sudo):
        return ticket_sudo.stage_id.portal_close and not ticket_sudo.is_closed

    def _crm_ticket_get_page_view_values(self, ticket_sudo, access_token, **kwargs):
        values = {
            "page_name": "crm_ticket",
            "ticket": ticket_sudo,
            # names only: customers cannot read teams nor users
            "team_name": ticket_sudo.team_id.name,
            "assignee_name": ticket_sudo.user_id.name,
            "attachments": self._crm_ticket_get_attachments(ticket_sudo),
            "can_close": self._crm_ticket_can_close(ticket_sudo),
            "close_error": kwargs.get("close_error"),
            "closed": kwargs.get("closed"),
        }
        # no session history here: get_records_pager would write an access
        # token on the neighbouring tickets while showing this one; the links
        # below need none (whoever browsed the list can read its tickets)
        values = self._get_page_view_values(
            ticket_sudo, access_token, values, "", False, **kwargs
        )
        history = request.session.get(self._crm_ticket_history, [])
        if not access_token and ticket_sudo.id in history:
            index = history.index(ticket_sudo.id)
            if index > 0:
                values["prev_record"] = f"/my/tickets/{history[index - 1]}"
            if index < len(history) - 1:
                values["next_record"] = f"/my/tickets/{history[index + 1]}"
        return values

    @http.route("/my/tickets/<int:ticket_id>", type="http", auth="public", website=True)
    def portal_my_crm_ticket(self, ticket_id, access_token=None, **kw):
        try:
            ticket_sudo = self._document_check_access(
                "crm.ticket", ticket_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._crm_ticket_get_page_view_values(ticket_sudo, access_token, **kw)
        return request.render("crm_suite.portal_my_crm_ticket", values)

    @http.route(
        "/my/tickets/<int:ticket_id>/attachments/<int:attachment_id>",
        type="http",
        auth="public",
    )
    def portal_crm_ticket_attachment(
        self, ticket_id, attachment_id, access_token=None, **_kw
    ):
        """Download a file of a ticket the visitor may see, without giving
        every attachment an access token of its own."""
        try:
            ticket_sudo = self._document_check_access(
                "crm.ticket", ticket_id, access_token
            )
        except (AccessError, MissingError) as error:
            raise NotFound() from error
        attachment_sudo = self._crm_ticket_get_attachments(ticket_sudo).filtered(
            lambda attachment: attachment.id == attachment_id
        )
        if not attachment_sudo:
            raise NotFound()
        return (
            request.env["ir.binary"]
            ._get_stream_from(attachment_sudo)
            .get_response(as_attachment=True)
        )

    # ------------------------------------------------------------
    # Closing
    # ------------------------------------------------------------

    @http.route(
        "/my/tickets/<int:ticket_id>/close",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_close_crm_ticket(self, ticket_id, access_token=None, **_kw):
        try:
            ticket_sudo = self._document_check_access(
                "crm.ticket", ticket_id, access_token
            )
        except (AccessError, MissingError) as error:
            raise Forbidden() from error
        if ticket_sudo.is_closed:
            return request.redirect(self._crm_ticket_url(ticket_sudo, access_token))
        if not ticket_sudo.stage_id.portal_close:
            return request.redirect(
                self._crm_ticket_url(
                    ticket_sudo, access_token, close_error="not_allowed"
                )
            )
        try:
            with request.env.cr.savepoint():
                self._crm_ticket_portal_close(ticket_sudo)
        except UserError:
            return request.redirect(
                self._crm_ticket_url(ticket_sudo, access_token, close_error="no_stage")
            )
        return request.redirect(
            self._crm_ticket_url(ticket_sudo, access_token, closed=1)
        )

    def _crm_ticket_portal_close(self, ticket_sudo):
        """Close a ticket the visitor passed the access check for, in a stage
        customers may close from."""
        user = request.env.user
        author = ticket_sudo.partner_id if user._is_public() else user.partner_id
        # sudo: customers have no write access on tickets; this one passed the
        # portal access check and its stage lets customers close it. As the
        # visitor, so that the stage change is logged under their name.
        ticket = ticket_sudo.with_user(user).sudo()
        ticket.action_close()
        ticket.message_post(
            body=request.env._("Closed by the customer."),
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    # ------------------------------------------------------------
    # New ticket
    # ------------------------------------------------------------

    @http.route(
        "/my/tickets/new",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_new_crm_ticket(self, **post):
        values = self._prepare_portal_layout_values()
        TicketType = request.env["crm.ticket.type"]
        ticket_types = (
            TicketType.search([]) if TicketType.has_access("read") else TicketType
        )
        values.update(
            {
                "page_name": "crm_ticket_new",
                "ticket_types": ticket_types,
                "form": {
                    field: post.get(field) or ""
                    for field in ("subject", "description", "type_id")
                },
                "error": False,
                "attachment_max_mb": f"{get_attachment_max_mb():g}",
            }
        )
        if request.httprequest.method == "POST":
            # per user: a customer's account cannot flood the helpdesk either
            if not rate_limit_hit(f"portal_ticket:{request.env.uid}"):
                return request.render(
                    "crm_suite.crm_ticket_web_form_limited", {}, status=429
                )
            try:
                ticket_sudo = self._crm_ticket_portal_create(post, ticket_types)
            except (UserError, ValidationError) as error:
                values["error"] = error.args[0]
            else:
                ticket = ticket_sudo.with_user(request.env.user)
                if ticket.has_access("read"):
                    return request.redirect(ticket.access_url)
                return request.redirect(ticket_sudo.get_portal_url())
        return request.render("crm_suite.portal_new_crm_ticket", values)

    def _crm_ticket_portal_create(self, post, ticket_types):
        subject = form_subject(post)
        if not subject:
            raise UserError(
                request.env._("Enter a subject: say in a few words what is wrong.")
            )
        type_id = post.get("type_id") or ""
        ticket_type = ticket_types.filtered(
            lambda ticket_type: str(ticket_type.id) == type_id
        )
        uploads = read_uploaded_files(request.httprequest.files.getlist("attachments"))
        description = (post.get("description") or "").strip()
        vals = {
            "name": subject,
            "description": plaintext2html(description) if description else False,
            "type_id": ticket_type.id,
            "channel": "portal",
            "partner_id": request.env.user.partner_id.id,
        }
        with request.env.cr.savepoint():
            # sudo: portal customers may read their tickets, not create them;
            # the values are the checked form's and the customer is the user
            ticket_sudo = request.env["crm.ticket"].sudo().create(vals)
            attach_files(ticket_sudo, uploads)
        return ticket_sudo
