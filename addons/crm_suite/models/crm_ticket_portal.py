# Copyright 2026 CRM Suite
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class CrmTicket(models.Model):
    """What customers (portal users, token holders) see of a ticket's files."""

    _inherit = "crm.ticket"

    def _get_portal_attachments(self):
        """The files of the ticket's public messages (comments and emails of a
        public subtype): never those of internal notes, nor those an agent
        attached to the record itself."""
        self.ensure_one()
        # sudo: the messages and files are filtered here, whoever asks
        ticket_sudo = self.sudo()
        messages = ticket_sudo.message_ids.filtered(
            lambda message: message.message_type in ("comment", "email")
            and not message.is_internal
            and message.subtype_id
            and not message.subtype_id.internal
        )
        attachments = messages.attachment_ids.filtered(
            lambda attachment: attachment.res_model == self._name
            and attachment.res_id == self.id
            and not attachment.res_field
        )
        return attachments.sorted("id").with_env(self.env)

    def _get_mail_thread_data_attachments(self):
        # the chatter's list of files (/mail/thread/data): a customer, logged
        # in or with the ticket's token, gets those of public messages only
        if self.env.user._is_internal():
            return super()._get_mail_thread_data_attachments()
        return self._get_portal_attachments().sorted("id", reverse=True)
