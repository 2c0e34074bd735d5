# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL

from .crm_interaction_sources import TAG_INVOICE, TAG_PAYMENT


class CrmInteractionAccountSources(models.AbstractModel):
    """The accounting sources of ``crm.interaction``: posted customer invoices
    and credit notes (outbound) and customer payments received (inbound).
    ``crm.interaction`` inherits it before ``crm.interaction.sources``, like
    the collaboration sources, so each branch stays overridable."""

    _name = "crm.interaction.account.sources"
    _description = "Customer Interaction Sources (accounting)"

    @api.model
    def _interaction_sources(self):
        return {
            **super()._interaction_sources(),
            "invoice": self._interaction_source_invoices,
            "payment": self._interaction_source_payments,
        }

    @api.model
    def _interaction_source_invoices(self):
        """Posted customer invoices and credit notes (outbound), on their
        invoice date."""
        return [
            (
                "account.move",
                self._interaction_select(
                    TAG_INVOICE,
                    SQL("am.id"),
                    partner=SQL("contact.commercial_partner_id"),
                    contact=SQL("am.partner_id"),
                    channel="invoice",
                    direction="outbound",
                    date=SQL("COALESCE(am.invoice_date, am.date)"),
                    summary=SQL(
                        "concat(am.name, ' (', am.amount_total, ' ',"
                        " currency.name, ')')"
                    ),
                    res_model=SQL("%s", "account.move"),
                    res_id=SQL("am.id"),
                    user=SQL("am.invoice_user_id"),
                    from_clause=SQL(
                        """account_move am
                        JOIN res_partner contact ON contact.id = am.partner_id
                        JOIN res_currency currency ON currency.id = am.currency_id"""
                    ),
                    where=SQL(
                        "am.move_type IN ('out_invoice', 'out_refund')"
                        " AND am.state = 'posted'"
                    ),
                ),
            )
        ]

    @api.model
    def _interaction_source_payments(self):
        """Customer payments received (inbound), on their date."""
        return [
            (
                "account.payment",
                self._interaction_select(
                    TAG_PAYMENT,
                    SQL("pay.id"),
                    partner=SQL("contact.commercial_partner_id"),
                    contact=SQL("pay.partner_id"),
                    channel="payment",
                    direction="inbound",
                    date=SQL("pay.date"),
                    summary=SQL(
                        "concat(pay.name, ' (', pay.amount, ' ', currency.name, ')')"
                    ),
                    res_model=SQL("%s", "account.payment"),
                    res_id=SQL("pay.id"),
                    user=SQL("pay.create_uid"),
                    from_clause=SQL(
                        """account_payment pay
                        JOIN res_partner contact ON contact.id = pay.partner_id
                        JOIN res_currency currency ON currency.id = pay.currency_id"""
                    ),
                    where=SQL(
                        "pay.payment_type = 'inbound' AND pay.partner_type = 'customer'"
                        " AND pay.state IN ('in_process', 'paid')"
                    ),
                ),
            )
        ]
