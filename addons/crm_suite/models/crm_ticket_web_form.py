# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import consteq
from odoo.tools.misc import hmac

CONFIRM_SCOPE = "crm_suite.ticket_web_form_confirm"


class CrmTicketWebFormMixin(models.AbstractModel):
    """The confirmation of a web form's ticket by the owner of its address.

    The public form puts a ticket on a new contact of the typed address, never
    on the existing customer of that address (whoever types an address proves
    nothing). The acknowledgement sent to the address carries a signed link:
    whoever opens it reads that mailbox. The ticket then moves to the
    visitor's own contact when they are logged in with that address, else to
    the one customer an agent recorded the address for; in any other case an
    agent links it (a user's own address is self-declared: it proves
    nothing)."""

    _name = "crm.ticket.web.form.mixin"
    _description = "Ticket Web Form Confirmation"

    web_form_confirmed = fields.Boolean(
        string="Confirmed by Link",
        copy=False,
        readonly=True,
        groups="base.group_user",
        help="The owner of the address confirmed the web form's request with "
        "the link of its acknowledgement (the link then dies).",
    )

    def _web_form_address_contacts(self):
        """The other active contacts of the ticket's address (sudo, oldest
        first): the acknowledgement offers the link when there is one."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        # sudo: the ticket's own contact, read whoever confirms
        contact = self.sudo().partner_id
        email = contact.email_normalized
        # a contact with a user is an account already (a logged-in visitor
        # writing with their own address): nothing to confirm
        if (
            self.channel != "web_form"
            or not email
            or contact.with_context(active_test=False).user_ids
        ):
            return Partner
        # sudo: the contacts of an address, looked up for the ticket's own
        # acknowledgement; nothing of them reaches the visitor
        return Partner.sudo().search(
            [("email_normalized", "=", email), ("id", "!=", contact.id)],
            order="id",
        )

    def _web_form_existing_customer(self):
        """The contact the confirmation attaches the ticket to, or an empty
        recordset (an agent links it then):

        - the visitor's own contact when they are logged in with the
          ticket's address (the link proves the mailbox, the login the
          account);
        - else the oldest contact of the address that an employee recorded
          (no user: users set their own address themselves, ``/my/account``;
          not created by a customer or a visitor, as the web form's own
          contacts are), when all of them belong to one customer."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        contacts = self._web_form_address_contacts()
        if not contacts:
            return Partner
        user = self.env.user
        # sudo: the ticket's own address, whoever confirms (a visitor)
        email = self.sudo().partner_id.email_normalized
        if not user._is_public() and user.partner_id.email_normalized == email:
            # sudo: the visitor's own contact, for the move below
            return user.partner_id.sudo()
        recorded = contacts.filtered(
            lambda partner: not partner.with_context(active_test=False).user_ids
            and not partner.create_uid.share
        )
        if len(recorded.commercial_partner_id) != 1:
            return Partner
        return recorded[:1]

    def _web_form_confirm_token(self):
        """HMAC (database secret) of the ticket, its contact and address: the
        link dies once the ticket moved to another contact."""
        self.ensure_one()
        return hmac(
            self.env(su=True),
            CONFIRM_SCOPE,
            (self.id, self.partner_id.id, self.partner_id.email_normalized or ""),
        )

    def _web_form_confirm_url(self):
        """The signed link of the acknowledgement; False when no other contact
        has the ticket's address."""
        self.ensure_one()
        if not self._web_form_address_contacts():
            return False
        return (
            f"{self.get_base_url()}/support/ticket/{self.id}/confirm"
            f"?token={self._web_form_confirm_token()}"
        )

    def _web_form_check_token(self, token):
        """The token is the ticket's, and its link was not used yet."""
        self.ensure_one()
        return (
            bool(token)
            # sudo: the flag is for agents; the visitor only gets "not valid"
            and not self.sudo().web_form_confirmed
            and bool(self._web_form_address_contacts())
            and consteq(str(token), self._web_form_confirm_token())
        )

    def _web_form_confirm(self, token):
        """Attach the ticket to the customer of its address (see
        ``_web_form_existing_customer``): "done"; or, when there is nobody
        the ticket may safely move to, leave it where it is with a note for
        the agents: "pending". False when the token is not the ticket's or
        its link was used already."""
        self.ensure_one()
        if not self._web_form_check_token(token):
            return False
        customer = self._web_form_existing_customer()
        contact = self.partner_id
        # sudo: the visitor may not write tickets; the token was checked
        self.sudo().web_form_confirmed = True
        if not customer:
            self.message_post(
                body=self.env._(
                    "The owner of %(email)s confirmed the request with the link "
                    "of its acknowledgement, but the ticket stays on its own "
                    "contact: that address belongs to several customers, or "
                    "only to users who entered it themselves. Link the ticket "
                    "to the right customer (or merge the contacts).",
                    email=contact.email_normalized,
                ),
                subtype_xmlid="mail.mt_note",
            )
            return "pending"
        self.write({"partner_id": customer.id})
        self.message_unsubscribe(partner_ids=contact.ids)
        self.message_post(
            body=self.env._(
                "The owner of %(email)s confirmed the request with the link of "
                "its acknowledgement: the ticket moved to %(customer)s.",
                email=contact.email_normalized,
                customer=customer.display_name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        # sudo: a confirmed ticket counts as engagement for the customer's
        # leads, as a ticket the customer opens on the portal does
        self.env["crm.score.event"].sudo()._record(
            [
                {
                    "event_type": "ticket_opened",
                    "partner_id": customer.commercial_partner_id.id,
                    "date": fields.Datetime.now(),
                    "res_model": self._name,
                    "res_id": self.id,
                    "company_id": self.company_id.id,
                }
            ]
        )
        return "done"
