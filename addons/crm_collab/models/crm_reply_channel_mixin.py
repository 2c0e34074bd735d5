# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reply on the customer's channel (inherited by leads and tickets): the
channel the customer last used on the document, preselected for the agent's
reply."""

from odoo import fields, models
from odoo.tools import SQL

from .crm_consent_log import CONSENT_CHANNELS

# the customer's message type -> their channel
MESSAGE_CHANNELS = {"email": "email", "comment": "messaging", "sms": "sms"}


class CrmReplyChannelMixin(models.AbstractModel):
    _name = "crm.reply.channel.mixin"
    _description = "Reply on the Customer's Channel"

    crm_last_inbound_channel = fields.Selection(
        CONSENT_CHANNELS,
        string="Customer Last Wrote By",
        compute="_compute_crm_reply_channel",
        # staff only: portal users read the ticket, not how to answer it
        groups="base.group_user",
        help="The channel of the customer's last message on this document.",
    )
    crm_reply_channel = fields.Selection(
        CONSENT_CHANNELS,
        string="Reply On",
        compute="_compute_crm_reply_channel",
        groups="base.group_user",
        help="The channel the customer last used here; else how the document "
        "came in or the contact's preferred channel; else email.",
    )

    def _compute_crm_reply_channel(self):
        last = self._crm_last_inbound_channels()
        for record in self:
            inbound = last.get(record.id)
            record.crm_last_inbound_channel = inbound
            record.crm_reply_channel = (
                inbound
                or record._crm_reply_channel_fallback()
                or record._crm_reply_partner().preferred_channel
                or "email"
            )

    def _crm_reply_partner(self):
        """The customer (hook): the document's partner."""
        self.ensure_one()
        return self.partner_id

    def _crm_reply_channel_fallback(self):
        """The channel of the document itself when the customer never wrote
        on it (hook: a phone ticket); none here."""
        return False

    def _crm_last_inbound_channels(self):
        """{record id: channel of the customer's last message}, in one
        query: the last email, portal message or SMS written by the
        document's customer (anyone of its commercial entity)."""
        records = self.filtered("id")
        if not records:
            return {}
        customers = {
            record.id: record._crm_reply_partner().commercial_partner_id.id
            for record in records
        }
        customers = {key: value for key, value in customers.items() if value}
        if not customers:
            return {}
        self.env["mail.message"].flush_model(
            ["model", "res_id", "message_type", "author_id", "date"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (m.res_id) m.res_id, m.message_type
                  FROM unnest(%(ids)s, %(customers)s) AS r(id, customer)
                  JOIN mail_message m
                    ON m.model = %(model)s AND m.res_id = r.id
                   AND m.message_type = ANY(%(types)s)
                  JOIN res_partner a
                    ON a.id = m.author_id AND a.commercial_partner_id = r.customer
                 ORDER BY m.res_id, m.date DESC, m.id DESC
                """,
                model=self._name,
                ids=list(customers),
                customers=list(customers.values()),
                types=list(MESSAGE_CHANNELS),
            )
        )
        return {
            res_id: MESSAGE_CHANNELS[kind] for res_id, kind in self.env.cr.fetchall()
        }

    def action_crm_reply(self):
        """Reply on the preselected channel: the message composer (email,
        portal messaging), the SMS composer when installed, else a call to
        schedule."""
        self.ensure_one()
        self.check_access("read")
        channel = self.crm_reply_channel
        partner = self._crm_reply_partner()
        if channel in ("email", "messaging"):
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Reply"),
                "res_model": "mail.compose.message",
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "new",
                "context": {
                    "default_model": self._name,
                    "default_res_ids": self.ids,
                    "default_composition_mode": "comment",
                    "default_subtype_xmlid": "mail.mt_comment",
                    "default_partner_ids": partner.ids,
                },
            }
        if channel == "sms" and "sms.composer" in self.env:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Reply by SMS"),
                "res_model": "sms.composer",
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "new",
                "context": {
                    "default_res_model": self._name,
                    "default_res_id": self.id,
                    "default_composition_mode": "comment",
                },
            }
        call = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Call back"),
            "res_model": "mail.activity",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_res_model_id": self.env["ir.model"]._get_id(self._name),
                "default_res_id": self.id,
                "default_activity_type_id": call.id if call else False,
                "default_summary": self.env._(
                    "Call back %(name)s", name=partner.name or ""
                ),
            },
        }
