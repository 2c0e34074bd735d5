# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from ..engines.ticket_subject import subject_from_email
from ..tools import normalize_customer_email


class CrmTicketMailMixin(models.AbstractModel):
    """A ticket's conversation: the mail gateway (a new email opens a ticket,
    a reply updates it, CC'd contacts follow), who spoke last, the replies
    through the team's alias and the acknowledgement of a new ticket
    (inherited by ``crm.ticket``, before ``mail.thread``)."""

    _name = "crm.ticket.mail.mixin"
    _description = "Ticket Conversation"

    last_customer_message_date = fields.Datetime(
        copy=False, readonly=True, groups="base.group_user"
    )
    last_agent_message_date = fields.Datetime(
        copy=False, readonly=True, groups="base.group_user"
    )

    # ------------------------------------------------------------
    # Mail
    # ------------------------------------------------------------

    def _creation_subtype(self):
        return self.env.ref("crm_suite.mt_ticket_new")

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values:
            return self.env.ref("crm_suite.mt_ticket_stage")
        return super()._track_subtype(init_values)

    def _track_template(self, changes):
        res = super()._track_template(changes)
        ticket = self[0]
        if "stage_id" in changes and ticket.stage_id.template_id and ticket.partner_id:
            res["stage_id"] = (
                ticket.stage_id.template_id,
                {
                    "auto_delete_keep_log": False,
                    "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id(
                        "mail.mt_note"
                    ),
                    "email_layout_xmlid": "mail.mail_notification_light",
                    # queued for the mail job, not sent in the agent's request
                    "force_send": False,
                },
            )
        return res

    def _notify_get_reply_to(self, default=None):
        """Replies go to the team's alias, so they thread into the ticket."""
        res = super()._notify_get_reply_to(default=default)
        # sudo: whoever posts (a portal customer too) replies through the
        # team's alias, which only administrators may read
        for ticket in self.sudo():
            alias = ticket.team_id.alias_id
            if alias.alias_name and alias.alias_domain_id:
                res[ticket.id] = self._notify_get_reply_to_formatted_email(
                    alias.alias_full_name,
                    ticket.team_id.name,
                    company=ticket.company_id,
                )
        return res

    def _mail_get_partner_fields(self, introspect_fields=False):
        return ["partner_id"]

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A new email to a team's alias: the sender is the customer (created
        when unknown, in the company's language), CC'd contacts follow."""
        custom_values = dict(custom_values or {})
        subject = subject_from_email(
            msg_dict.get("subject"), html2plaintext(msg_dict.get("body") or "")
        )
        custom_values.setdefault(
            "name", subject or self.env._("Email without a subject")
        )
        custom_values.setdefault("description", msg_dict.get("body"))
        custom_values.setdefault("channel", "email")
        author = self.env["res.partner"].browse(msg_dict.get("author_id") or [])
        if not author and msg_dict.get("email_from"):
            try:
                author = self._find_or_create_customer(msg_dict["email_from"])
            except UserError:
                author = self.env["res.partner"]
        if author:
            custom_values.setdefault("partner_id", author.id)
            msg_dict["author_id"] = author.id
        dropped = self._split_oversized_attachments(msg_dict)
        ticket = super().message_new(msg_dict, custom_values=custom_values)
        if ticket.partner_id.email_normalized:
            # the gateway copies the raw From header; keep the plain address
            ticket.partner_email = ticket.partner_id.email_normalized
        ticket._note_dropped_attachments(dropped)
        ticket._subscribe_cc(msg_dict)
        # sudo: conversation bookkeeping, whatever the gateway user may write
        ticket.sudo().last_customer_message_date = fields.Datetime.now()
        return ticket

    def message_update(self, msg_dict, update_vals=None):
        dropped = self._split_oversized_attachments(msg_dict)
        res = super().message_update(msg_dict, update_vals=update_vals)
        self._note_dropped_attachments(dropped)
        self._subscribe_cc(msg_dict)
        return res

    def _subscribe_cc(self, msg_dict):
        """Addresses in To and CC follow the ticket when they are contacts of
        its customer (same commercial entity): anyone can send an email with
        a customer's From and their own address in CC, and followers receive
        the agents' replies. A team with ``allow_new_cc_followers`` lets
        unknown addresses follow too (they become contacts). Our own aliases
        (Odoo's partner lookup skips them) and catchall or bounce addresses
        never follow."""
        emails = tools.mail.email_split_and_format(
            ",".join(filter(None, [msg_dict.get("cc"), msg_dict.get("to")]))
        )
        # sudo: alias domains are configuration the gateway's user may not read
        domains = self.env["mail.alias.domain"].sudo().search([])
        technical = set(domains.mapped("catchall_email")) | set(
            domains.mapped("bounce_email")
        )
        for ticket in self:
            customer = tools.email_normalize(ticket.partner_email or "")
            wanted = {
                normalized: email
                for email in emails
                if (normalized := tools.email_normalize(email))
                and normalized not in technical
                and normalized != customer
            }
            if not wanted:
                continue
            if ticket.team_id.allow_new_cc_followers:
                # sudo: the mail gateway runs as the alias owner; CC'd people
                # become contacts so that they get the replies, as they expect
                partners = ticket.sudo()._mail_find_partner_from_emails(
                    list(wanted.values()), records=ticket, force_create=True
                )
            elif entity := ticket.partner_id.commercial_partner_id:
                # sudo: the gateway's user may not read every contact of the
                # customer; only the customer's own contacts are looked up
                partners = (
                    self.env["res.partner"]
                    .sudo()
                    .search(
                        [
                            ("email_normalized", "in", list(wanted)),
                            ("commercial_partner_id", "=", entity.id),
                        ],
                        order="id",
                    )
                )
            else:
                continue
            partner_ids = list(dict.fromkeys(p.id for p in partners if p))
            if partner_ids:
                ticket.message_subscribe(partner_ids=partner_ids)

    def _message_post_after_hook(self, message, msg_values):
        """Track who spoke last: the customer or an agent. An agent's first
        public answer is the first response."""
        res = super()._message_post_after_hook(message, msg_values)
        if self.env.context.get("crm_ticket_system_message"):
            return res
        if message.message_type not in ("comment", "email"):
            return res
        if message.subtype_id != self.env.ref("mail.mt_comment"):
            return res
        author = message.author_id
        now = fields.Datetime.now()
        for ticket in self:
            # sudo: bookkeeping of the conversation, for any participant
            ticket_su = ticket.sudo()
            is_agent = (
                author
                and any(not user.share for user in author.user_ids)
                and author != ticket.partner_id
            )
            if is_agent:
                vals = {"last_agent_message_date": now}
                if not ticket.first_response_date:
                    vals["first_response_date"] = now
                ticket_su.write(vals)
                if "first_response_date" in vals:
                    ticket_su._compute_work_hours(
                        "first_response_date", "first_response_hours"
                    )
                    # sudo: see _sla_mark_reached
                    self.env["crm.ticket.sla.status"].sudo()._sla_mark_reached(
                        ticket_su, "response", now
                    )
            else:
                ticket_su.write(
                    {
                        "last_customer_message_date": now,
                        "auto_close_warning_date": False,
                    }
                )
        return res

    def _rating_get_partner(self):
        return self.partner_id or super()._rating_get_partner()

    def _rating_get_operator(self):
        return self.user_id.partner_id

    # ------------------------------------------------------------
    # Customers and the acknowledgement
    # ------------------------------------------------------------

    def _find_or_create_customer(self, email, name=None):
        """The contact of ``email`` (which may be formatted, "Name <email>"),
        created in the current language when unknown."""
        parsed_name, normalized = tools.parse_contact_from_email(email or "")
        normalized = normalize_customer_email(normalized)
        if not normalized:
            raise UserError(
                self.env._(
                    "%(email)s is not a valid email address.",
                    email=email,
                )
            )
        values = {"lang": self.env.lang or self.env.user.lang}
        if name or parsed_name:
            values["name"] = name or parsed_name
        # sudo: a customer writing in (web form, API) may not see contacts;
        # the contact found or created only carries their own name and email
        return (
            self.env["res.partner"]
            .sudo()
            ._find_or_create_from_emails(
                [normalized], additional_values={normalized: values}
            )[0]
        )

    def _subscribe_customers(self):
        """The customer follows their ticket (gets the agents' replies): one
        insert per customer."""
        by_partner = defaultdict(list)
        for ticket in self:
            if ticket.partner_id:
                by_partner[ticket.partner_id.id].append(ticket.id)
        for partner_id, ticket_ids in by_partner.items():
            self.env["mail.followers"]._insert_followers(
                self._name, ticket_ids, [partner_id], check_existing=True
            )

    def _send_acknowledgement(self):
        """Email every new ticket's customer its number and portal link, in
        the customer's language (rendered in batch by the mass composer)."""
        template = self.env.ref(
            "crm_suite.mail_template_ticket_acknowledgement", raise_if_not_found=False
        )
        tickets = self.filtered(lambda t: t.partner_id.email or t.partner_email)
        if template and tickets:
            # sudo: the customer opening a ticket (portal, public form) sends
            # the acknowledgement of their own ticket. Queued (not sent in the
            # request): the mail queue job sends it.
            tickets.sudo().message_mail_with_source(template, force_send=False)
            tickets._log_acknowledgement()

    def _log_acknowledgement(self):
        """Say in the ticket's public history (the portal's too) that the
        acknowledgement went out: a short line in the customer's language, not
        the email itself, whose web form confirmation link is its addressee's."""
        by_company = defaultdict(dict)
        for ticket in self:
            lang = ticket.partner_id.lang or self.env.lang
            # escaped: a ticket number given over the API is text, not markup
            by_company[ticket.company_id][ticket.id] = Markup(
                "<p>%s</p>"
            ) % ticket.with_context(lang=lang).env._(
                "We have received your request and opened the ticket %(number)s. "
                "A confirmation was sent to you by email.",
                number=ticket.number,
            )
        messages = self.env["mail.message"]
        for company, bodies in by_company.items():
            # sudo: a log on tickets being created, by whoever opens them
            messages |= (
                self.browse(list(bodies))
                .sudo()
                ._message_log_batch(
                    bodies, author_id=company.partner_id.id, message_type="comment"
                )
            )
        # public: the customer reads it on the portal
        messages.write(
            {"subtype_id": self.env.ref("mail.mt_comment").id, "is_internal": False}
        )
