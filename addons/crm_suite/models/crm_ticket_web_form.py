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
    whoever opens it reads that mailbox, so the ticket then moves to the
    existing customer (their portal, their leads' scores)."""

    _name = "crm.ticket.web.form.mixin"
    _description = "Ticket Web Form Confirmation"

    def _web_form_existing_customer(self):
        """The existing contact of the ticket's address the link would attach
        the ticket to (one with a user first, else the oldest), or an empty
        recordset."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        email = self.partner_id.email_normalized
        # a contact with a user is an account already (a logged-in visitor
        # writing with their own address): nothing to confirm
        if self.channel != "web_form" or not email or self.partner_id.user_ids:
            return Partner
        # sudo: the contacts of an address, looked up for the ticket's own
        # acknowledgement; nothing of them reaches the visitor
        candidates = Partner.sudo().search(
            [("email_normalized", "=", email), ("id", "!=", self.partner_id.id)],
            order="id",
        )
        return candidates.filtered("user_ids")[:1] or candidates[:1]

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
        """The signed link of the acknowledgement; False when there is no
        existing customer to attach the ticket to."""
        self.ensure_one()
        if not self._web_form_existing_customer():
            return False
        return (
            f"{self.get_base_url()}/support/ticket/{self.id}/confirm"
            f"?token={self._web_form_confirm_token()}"
        )

    def _web_form_check_token(self, token):
        self.ensure_one()
        return bool(token) and consteq(str(token), self._web_form_confirm_token())

    def _web_form_confirm(self, token):
        """Attach the ticket to the existing customer of its address; False
        when the token is not the ticket's or there is nobody to attach to."""
        self.ensure_one()
        if not self._web_form_check_token(token):
            return False
        customer = self._web_form_existing_customer()
        if not customer:
            return False
        contact = self.partner_id
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
        return True
